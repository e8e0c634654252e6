//! Functions: argument parsing for the four HPy calling conventions, and their `HPyDef`s.
//!
//! `#[oxhpy::function]` picks the convention from the signature: no parameters → `NOARGS`,
//! otherwise `KEYWORDS` (vectorcall style: positional values, then keyword values named by the
//! `kwnames` tuple). `#[oxhpy::function(sig = "o")]` or `(sig = "varargs")` opt into the
//! positional-only conventions, which skip keyword handling.
//!
//! Arguments are borrowed for a lifetime that exists only inside [`with_args`]: the generated
//! code converts them and calls the Rust function from a closure generic over that lifetime
//! (`for<'a>`), so a parameter type that would keep an argument past the call (`&'static str`,
//! `PyRef<'static, T>`, through an alias or not) does not compile.
use crate::context::Ctx;
use crate::convert::FromPy;
use crate::err::{PyErr, PyResult};
use crate::handle::{AsHandle, Borrowed, Handle};
use crate::trampoline::{
    cpy_getter, cpy_noargs, cpy_o, cpy_setter, Entry, GetterImpl, NoargsImpl, OImpl, SetterImpl,
};
use hpy_sys as ffi;
use std::cell::UnsafeCell;
use std::ffi::CStr;
use std::marker::PhantomData;

/// The arguments of one call, as a token for the lifetime `'a` they are borrowed for: a lifetime
/// that only exists inside [`with_args`], shorter than the call and never `'static`. Every
/// [`Borrowed`] the generated code makes from an argument comes from here, so no argument
/// conversion can choose a longer lifetime and keep a pointer into an argument past the call.
#[derive(Clone, Copy)]
pub struct ArgScope<'a, 'py> {
    ctx: Ctx<'py>,
    /// Invariant in `'a`: the token names one lifetime, neither shortened nor lengthened.
    _scope: PhantomData<fn(&'a ()) -> &'a ()>,
}

impl<'a, 'py> ArgScope<'a, 'py> {
    /// The context of the call.
    #[inline(always)]
    pub fn ctx(self) -> Ctx<'py> {
        self.ctx
    }

    /// Borrows the argument handle `raw` for the scope.
    ///
    /// # Safety
    /// `raw` is a live, non-NULL handle of this call that stays open until [`with_args`] returns.
    #[inline(always)]
    pub unsafe fn arg(self, raw: ffi::HPy) -> Borrowed<'a, 'py> {
        // SAFETY: per the contract, `raw` outlives every use of the scope's lifetime.
        unsafe { Borrowed::from_raw(self.ctx, raw) }
    }

    /// Borrows the payload of a method's receiver `slf` for the scope.
    ///
    /// # Safety
    /// `slf` is the live `self` handle of a method of `T` (the interpreter checked its type).
    #[inline(always)]
    pub unsafe fn borrow_self<T: crate::PyClass>(
        self,
        slf: ffi::HPy,
    ) -> PyResult<crate::PyRef<'a, T>> {
        // SAFETY: per the contract; the receiver stays open for the whole call, hence the scope.
        unsafe { crate::class::borrow_self(self.ctx, slf) }
    }

    /// Borrows the payload of a method's receiver `slf` mutably for the scope.
    ///
    /// # Safety
    /// As [`ArgScope::borrow_self`].
    #[inline(always)]
    pub unsafe fn borrow_self_mut<T: crate::PyClass + crate::class::Mutable>(
        self,
        slf: ffi::HPy,
    ) -> PyResult<crate::PyRefMut<'a, T>> {
        // SAFETY: as above.
        unsafe { crate::class::borrow_self_mut(self.ctx, slf) }
    }
}

/// Runs `body` with the argument scope of a call: `body` is generic over the arguments' lifetime
/// `'a` (higher-ranked), so nothing it borrows from an argument can outlive it.
#[inline(always)]
pub fn with_args<'py, R>(ctx: Ctx<'py>, body: impl for<'a> FnOnce(ArgScope<'a, 'py>) -> R) -> R {
    body(ArgScope {
        ctx,
        _scope: PhantomData,
    })
}

/// The Python-visible parameters of a function, for argument parsing and error messages, as a
/// `def` with the same signature has them: `params[..posonly]` are positional-only,
/// `params[posonly..positional]` positional or keyword, `params[positional..]` keyword-only.
/// `*args` and `**kwargs` are not among `params`.
pub struct ArgSpec {
    /// The function's Python name (`Type.method` for a method), as error messages give it.
    pub name: &'static str,
    /// The named parameters, in order: the positional ones, then the keyword-only ones.
    pub params: &'static [&'static str],
    /// Whether each parameter must be given (no default, not an `Option`).
    pub required: &'static [bool],
    /// How many of the first parameters are positional-only (before `/`).
    pub posonly: usize,
    /// How many of the first parameters can be passed by position; the others are keyword-only.
    pub positional: usize,
    /// Takes `*args`: extra positional arguments go into a tuple instead of being an error.
    pub varargs: bool,
    /// Takes `**kwargs`: keyword arguments that name no parameter go into a dict instead of
    /// being an error.
    pub varkw: bool,
    /// A method: `self` counts among the positional arguments in the messages, as a `def`'s.
    pub self_arg: bool,
}

/// The extra arguments of a call to a function with `*args` or `**kwargs`: the tuple of the
/// positional ones beyond the named parameters, the dict of the keyword ones that name none.
type Extra<'py> = (Option<Handle<'py>>, Option<Handle<'py>>);

impl ArgSpec {
    /// Matches positional and keyword arguments to parameters. `args` holds `nargs` positional
    /// values followed by one value per entry of `kwnames` (a tuple of `str`, or `HPy_NULL`).
    /// Missing optional parameters are `None`. Errors are `TypeError`s worded as CPython words
    /// them for a `def` with the same signature.
    ///
    /// # Safety
    /// `args` points to `nargs + len(kwnames)` live handles that stay open until the
    /// [`with_args`] call that gave `scope` returns.
    #[inline(always)]
    pub unsafe fn parse<'a, 'py, const N: usize>(
        &self,
        scope: ArgScope<'a, 'py>,
        args: *const ffi::HPy,
        nargsf: usize,
        kwnames: ffi::HPy,
    ) -> PyResult<[Option<Borrowed<'a, 'py>>; N]> {
        let nargs = nargsf & !ffi::PY_VECTORCALL_ARGUMENTS_OFFSET;
        // The spec is a constant of the generated code: its part of the test folds away.
        if N == self.positional && !self.varargs && nargs == N && ffi::HPy_IsNull(kwnames) {
            // The common call: every argument by position.
            return Ok(std::array::from_fn(|i| {
                // SAFETY: i < nargs; the caller guarantees the handles are live for the scope.
                Some(unsafe { scope.arg(*args.add(i)) })
            }));
        }
        // SAFETY: per the contract.
        unsafe { self.parse_any(scope, args, nargs, kwnames) }
    }

    /// [`ArgSpec::parse`] for every other call: keywords, missing or too many arguments.
    ///
    /// # Safety
    /// As [`ArgSpec::parse`], with `nargs` positional values.
    #[inline(never)]
    unsafe fn parse_any<'a, 'py, const N: usize>(
        &self,
        scope: ArgScope<'a, 'py>,
        args: *const ffi::HPy,
        nargs: usize,
        kwnames: ffi::HPy,
    ) -> PyResult<[Option<Borrowed<'a, 'py>>; N]> {
        debug_assert!(
            !self.varargs && !self.varkw,
            "parse_var parses *args and **kwargs"
        );
        let mut out: [Option<Borrowed<'a, 'py>>; N] = [None; N];
        // SAFETY: per the contract.
        unsafe { self.fill(scope, args, nargs, kwnames, &mut out, None)? };
        Ok(out)
    }

    /// [`ArgSpec::parse`] for a function with `*args` or `**kwargs`: also gives the tuple of the
    /// extra positional arguments and the dict of the extra keyword arguments, `None` when there
    /// are none, unless `always_args` (`always_kwargs`) asks for an empty one then.
    ///
    /// # Safety
    /// As [`ArgSpec::parse`].
    #[allow(clippy::type_complexity)]
    #[inline(never)]
    pub unsafe fn parse_var<'a, 'py, const N: usize>(
        &self,
        scope: ArgScope<'a, 'py>,
        args: *const ffi::HPy,
        nargsf: usize,
        kwnames: ffi::HPy,
        always_args: bool,
        always_kwargs: bool,
    ) -> PyResult<(
        [Option<Borrowed<'a, 'py>>; N],
        Option<Handle<'py>>,
        Option<Handle<'py>>,
    )> {
        let nargs = nargsf & !ffi::PY_VECTORCALL_ARGUMENTS_OFFSET;
        let mut out: [Option<Borrowed<'a, 'py>>; N] = [None; N];
        let mut extra: Extra<'py> = (None, None);
        // SAFETY: per the contract.
        unsafe { self.fill(scope, args, nargs, kwnames, &mut out, Some(&mut extra))? };
        let ctx = scope.ctx();
        if always_args && extra.0.is_none() {
            let mut none: [ffi::HPy; 0] = [];
            // SAFETY: an empty array (the pointer is dangling but never read).
            let tuple = unsafe { ffi::HPyTuple_FromArray(ctx.as_ptr(), none.as_mut_ptr(), 0) };
            // SAFETY: the new tuple, or NULL with an exception set.
            extra.0 = Some(unsafe { Handle::from_raw(ctx, tuple)? });
        }
        if always_kwargs && extra.1.is_none() {
            extra.1 = Some(new_dict(ctx)?);
        }
        Ok((out, extra.0, extra.1))
    }

    /// Matches the call's arguments to `out` (one slot per entry of `params`), and the extra ones
    /// to `extra` (given when the function takes `*args` or `**kwargs`): what CPython does for a
    /// `def`, in the same order, so that a bad call raises the same error.
    ///
    /// # Safety
    /// As [`ArgSpec::parse`], with `nargs` positional values.
    #[inline(always)]
    unsafe fn fill<'a, 'py>(
        &self,
        scope: ArgScope<'a, 'py>,
        args: *const ffi::HPy,
        nargs: usize,
        kwnames: ffi::HPy,
        out: &mut [Option<Borrowed<'a, 'py>>],
        mut extra: Option<&mut Extra<'py>>,
    ) -> PyResult<()> {
        debug_assert_eq!(out.len(), self.params.len());
        let ctx = scope.ctx();
        let c = ctx.as_ptr();
        let npos = self.positional;
        for (i, slot) in out.iter_mut().enumerate().take(nargs.min(npos)) {
            // SAFETY: i < nargs; the caller guarantees the handles are live for the scope.
            *slot = Some(unsafe { scope.arg(*args.add(i)) });
        }
        if let Some(extra) = extra
            .as_deref_mut()
            .filter(|_| self.varargs && nargs > npos)
        {
            // SAFETY: args[npos..nargs] are live handles, which the tuple only reads (it takes
            // references of its own).
            let tuple = unsafe {
                ffi::HPyTuple_FromArray(c, args.add(npos).cast_mut(), (nargs - npos) as _)
            };
            // SAFETY: the new tuple, or NULL with an exception set.
            extra.0 = Some(unsafe { Handle::from_raw(ctx, tuple)? });
        }
        if !ffi::HPy_IsNull(kwnames) {
            // SAFETY: kwnames is a live tuple of str handed to us by the interpreter.
            let nkw = unsafe { ffi::HPy_Length(c, kwnames) }.max(0) as usize;
            for k in 0..nkw {
                // SAFETY: k < len(kwnames): a valid index of a live tuple on every interpreter.
                let key = unsafe { Handle::from_raw(ctx, ffi::HPy_GetItem_i(c, kwnames, k as _))? };
                // SAFETY: keyword values follow the nargs positional ones in `args`.
                let value = unsafe { *args.add(nargs + k) };
                let name = match utf8(&key) {
                    Ok(name) => name,
                    // A name UTF-8 cannot encode (a lone surrogate) names no parameter: it goes
                    // into `**kwargs` as in CPython; without one, the encoding error is raised.
                    Err(e) if self.varkw => {
                        e.clear(ctx);
                        &[]
                    }
                    Err(e) => return Err(e),
                };
                // Positional-only parameters cannot be named (CPython's order of checks).
                let found = self.params[self.posonly..]
                    .iter()
                    .position(|p| p.as_bytes() == name)
                    .map(|i| i + self.posonly);
                match (found, extra.as_deref_mut().filter(|_| self.varkw)) {
                    (Some(i), _) if out[i].is_some() => {
                        return Err(PyErr::type_error(format!(
                            "{}() got multiple values for argument '{}'",
                            self.name, self.params[i]
                        )));
                    }
                    // SAFETY: a live handle of the call (see above).
                    (Some(i), _) => out[i] = Some(unsafe { scope.arg(value) }),
                    (None, Some(extra)) => {
                        let dict = match &extra.1 {
                            Some(d) => d.raw(),
                            None => extra.1.insert(new_dict(ctx)?).raw(),
                        };
                        // SAFETY: a live dict, str key and value; the dict takes references.
                        if unsafe { ffi::HPy_SetItem(c, dict, key.raw(), value) } < 0 {
                            return Err(PyErr::raised());
                        }
                    }
                    (None, None) => return Err(self.unknown_keyword(ctx, kwnames, nkw, name)),
                }
            }
        }
        if nargs > npos && !self.varargs {
            let kwonly_given = out[npos..].iter().filter(|s| s.is_some()).count();
            return Err(self.too_many_positional(nargs, kwonly_given));
        }
        if out
            .iter()
            .zip(self.required)
            .all(|(s, r)| s.is_some() || !r)
        {
            return Ok(());
        }
        Err(self.missing(&|i| out[i].is_some()))
    }

    /// The error for keyword `key` (its UTF-8) that names no parameter: CPython names the
    /// positional-only parameters passed by keyword instead, if any.
    #[cold]
    #[inline(never)]
    fn unknown_keyword(&self, ctx: Ctx<'_>, kwnames: ffi::HPy, nkw: usize, key: &[u8]) -> PyErr {
        let mut posonly = Vec::new();
        for p in &self.params[..self.posonly] {
            for k in 0..nkw {
                // SAFETY: k < len(kwnames), a live tuple.
                let name = unsafe { ffi::HPy_GetItem_i(ctx.as_ptr(), kwnames, k as _) };
                // SAFETY: the item just read, or NULL with an exception set.
                let name = match unsafe { Handle::from_raw(ctx, name) } {
                    Ok(n) => n,
                    Err(e) => return e,
                };
                match utf8(&name) {
                    Ok(n) if n == p.as_bytes() => posonly.push(*p),
                    Ok(_) => {}
                    Err(e) => e.clear(ctx),
                }
            }
        }
        if !posonly.is_empty() {
            return PyErr::type_error(format!(
                "{}() got some positional-only arguments passed as keyword arguments: '{}'",
                self.name,
                posonly.join(", ")
            ));
        }
        PyErr::type_error(format!(
            "{}() got an unexpected keyword argument '{}'",
            self.name,
            String::from_utf8_lossy(key)
        ))
    }

    /// `f() takes 2 positional arguments but 3 were given`, as CPython words it for a `def`
    /// (`self` counted for a method; keyword-only arguments given are mentioned).
    #[cold]
    #[inline(never)]
    fn too_many_positional(&self, nargs: usize, kwonly_given: usize) -> PyErr {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        let off = usize::from(self.self_arg);
        let (argcount, given) = (self.positional + off, nargs + off);
        let defaults = self.required[..self.positional]
            .iter()
            .filter(|r| !**r)
            .count();
        let (sig, plural) = if defaults > 0 {
            (format!("from {} to {argcount}", argcount - defaults), "s")
        } else {
            (argcount.to_string(), s(argcount))
        };
        let kwonly = if kwonly_given > 0 {
            format!(
                " positional argument{} (and {kwonly_given} keyword-only argument{})",
                s(given),
                s(kwonly_given)
            )
        } else {
            String::new()
        };
        let verb = if given == 1 && kwonly_given == 0 {
            "was"
        } else {
            "were"
        };
        PyErr::type_error(format!(
            "{}() takes {sig} positional argument{plural} but {given}{kwonly} {verb} given",
            self.name
        ))
    }

    /// `f() missing 2 required positional arguments: 'a' and 'b'`, for the required parameters
    /// not `given`: the positional ones if any is missing, else the keyword-only ones.
    #[cold]
    #[inline(never)]
    fn missing(&self, given: &dyn Fn(usize) -> bool) -> PyErr {
        let names = |range: std::ops::Range<usize>| -> Vec<String> {
            range
                .filter(|&i| self.required[i] && !given(i))
                .map(|i| format!("'{}'", self.params[i]))
                .collect()
        };
        let (mut kind, mut missing) = ("positional", names(0..self.positional));
        if missing.is_empty() {
            (kind, missing) = ("keyword-only", names(self.positional..self.params.len()));
        }
        let list = match missing.as_slice() {
            [a] => a.clone(),
            [a, b] => format!("{a} and {b}"),
            [rest @ .., a, b] => format!("{}, {a}, and {b}", rest.join(", ")),
            [] => String::new(),
        };
        PyErr::type_error(format!(
            "{}() missing {} required {kind} argument{}: {list}",
            self.name,
            missing.len(),
            if missing.len() == 1 { "" } else { "s" }
        ))
    }

    /// Checks a positional-only call (`HPyFunc_VARARGS`).
    #[inline]
    pub fn check_count(&self, nargs: usize) -> PyResult<()> {
        // Every parameter from `nargs` on must be optional (a required one after an optional one
        // is missing too).
        if nargs <= self.params.len() && self.required[nargs..].iter().all(|r| !r) {
            return Ok(());
        }
        Err(self.count_error(nargs))
    }

    #[cold]
    #[inline(never)]
    fn count_error(&self, nargs: usize) -> PyErr {
        if nargs > self.params.len() {
            self.too_many_positional(nargs, 0)
        } else {
            self.missing(&|i| i < nargs)
        }
    }
}

/// A new empty dict.
fn new_dict(ctx: Ctx<'_>) -> PyResult<Handle<'_>> {
    // SAFETY: a live context; the result is owned, or NULL with an exception set.
    unsafe { Handle::from_raw(ctx, ffi::HPyDict_New(ctx.as_ptr())) }
}

/// The UTF-8 of `s`, a `str` (kept by `s`); the encoding error for a lone surrogate.
fn utf8<'k>(s: &'k Handle<'_>) -> PyResult<&'k [u8]> {
    let mut len: ffi::HPy_ssize_t = 0;
    // SAFETY: a live str; the UTF-8 stays valid while `s` is open.
    let p = unsafe { ffi::HPyUnicode_AsUTF8AndSize(s.ctx().as_ptr(), s.raw(), &mut len) };
    if p.is_null() {
        return Err(PyErr::raised());
    }
    // SAFETY: `len` bytes at `p`, alive while `s` is.
    Ok(unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len as usize) })
}

/// The arguments of a `tp_new` call (positional array plus keyword dict) in vectorcall form, so
/// that [`ArgSpec::parse`] serves constructors too. Owns the handles the parsed slots borrow.
/// Without keywords it is the call's own array: nothing is allocated.
pub struct VectorArgs<'py> {
    /// `nargs` positional values then the keyword values: the call's array, or `owned`'s.
    args: *const ffi::HPy,
    nargs: usize,
    kwnames: Option<Handle<'py>>,
    owned: Vec<ffi::HPy>,
    _values: Vec<Handle<'py>>,
}

impl<'py> VectorArgs<'py> {
    /// Converts `(args, nargs, kw)`; `kw` is a dict (HPy 0.9.0), a tuple of keyword names whose
    /// values follow the positional ones (PyPy 3.11), or `HPy_NULL`.
    ///
    /// # Safety
    /// `args` points to `nargs` live handles (plus one per keyword name when `kw` is a tuple),
    /// valid for as long as the result is used; `kw` is NULL, a live dict or a live tuple.
    #[inline]
    pub unsafe fn from_dict(
        ctx: Ctx<'py>,
        args: *const ffi::HPy,
        nargs: usize,
        kw: ffi::HPy,
    ) -> PyResult<Self> {
        let mut va = VectorArgs {
            args,
            nargs,
            kwnames: None,
            owned: Vec::new(),
            _values: Vec::new(),
        };
        if !ffi::HPy_IsNull(kw) {
            // SAFETY: per the contract.
            unsafe { va.add_keywords(ctx, kw)? };
        }
        Ok(va)
    }

    /// The keywords of [`VectorArgs::from_dict`], out of line.
    ///
    /// # Safety
    /// As [`VectorArgs::from_dict`]; `kw` is not NULL.
    #[inline(never)]
    unsafe fn add_keywords(&mut self, ctx: Ctx<'py>, kw: ffi::HPy) -> PyResult<()> {
        let (args, nargs) = (self.args, self.nargs);
        // PyPy 3.11 (hpy 0.9.1.dev) passes tp_new's keywords vectorcall-style: `kw` is then the
        // tuple of names and their values follow the positional ones in `args`.
        // SAFETY: kw is live.
        if unsafe { ffi::HPyTuple_Check(ctx.as_ptr(), kw) } != 0 {
            // SAFETY: kw is live; dup gives an owned handle.
            self.kwnames =
                Some(unsafe { Handle::from_raw_unchecked(ctx, ffi::HPy_Dup(ctx.as_ptr(), kw)) });
            return Ok(());
        }
        // SAFETY: kw is a live dict.
        if unsafe { ffi::HPy_Length(ctx.as_ptr(), kw) } <= 0 {
            return Ok(());
        }
        // SAFETY: per the contract.
        self.owned = (0..nargs).map(|i| unsafe { *args.add(i) }).collect();
        // SAFETY: kw is a live dict; every result is checked for NULL.
        unsafe {
            let keys = Handle::from_raw(ctx, ffi::HPyDict_Keys(ctx.as_ptr(), kw))?;
            let mut names = Vec::new();
            for i in 0..crate::Object::len(&keys)? {
                let key = crate::Object::get_item(&keys, i as isize)?;
                let value = Handle::from_raw(ctx, ffi::HPy_GetItem(ctx.as_ptr(), kw, key.raw()))?;
                self.owned.push(value.raw());
                self._values.push(value);
                names.push(key.raw());
                self._values.push(key);
            }
            self.kwnames = Some(Handle::from_raw(
                ctx,
                ffi::HPyTuple_FromArray(ctx.as_ptr(), names.as_mut_ptr(), names.len() as _),
            )?);
        }
        self.args = self.owned.as_ptr();
        Ok(())
    }

    /// Positional then keyword values.
    #[inline]
    pub fn args(&self) -> *const ffi::HPy {
        self.args
    }

    /// Number of positional values.
    #[inline]
    pub fn nargs(&self) -> usize {
        self.nargs
    }

    /// The keyword names tuple, or `HPy_NULL`.
    #[inline]
    pub fn kwnames(&self) -> ffi::HPy {
        self.kwnames.as_ref().map_or(ffi::HPy_NULL, |k| k.raw())
    }
}

/// Converts argument `name`, naming it in the error: `argument 'a': expected int, got str`.
#[inline(always)]
pub fn extract_arg<'a, 'py, T: FromPy<'a, 'py>>(obj: Borrowed<'a, 'py>, name: &str) -> PyResult<T> {
    match T::from_py(obj) {
        Ok(v) => Ok(v),
        Err(e) => Err(arg_error(e, name)),
    }
}

/// Converts argument `name` with `convert` (a parameter's `#[oxhpy(from_py_with = convert)]`),
/// naming it in the error as [`extract_arg`] does.
#[inline(always)]
pub fn extract_arg_with<'a, 'py, T>(
    obj: Borrowed<'a, 'py>,
    name: &str,
    convert: impl FnOnce(Borrowed<'a, 'py>) -> PyResult<T>,
) -> PyResult<T> {
    match convert(obj) {
        Ok(v) => Ok(v),
        Err(e) => Err(arg_error(e, name)),
    }
}

#[cold]
#[inline(never)]
fn arg_error(e: PyErr, name: &str) -> PyErr {
    e.with_context(&format!("argument '{name}': "))
}

/// A static `HPyDef` (method or slot), as listed in module and type specs.
#[repr(transparent)]
pub struct MethodDef(UnsafeCell<ffi::HPyDef>);

// SAFETY: the definition is immutable after construction; HPy only reads it.
unsafe impl Sync for MethodDef {}

impl MethodDef {
    /// A method or module-level function.
    ///
    /// # Safety
    /// HPy calls `imp` and `trampoline` through this definition, with the arguments of calling
    /// convention `signature`: `imp` is a non-NULL impl of that convention (its real type is the
    /// convention's impl type: [`KeywordsImpl`](crate::impl_::KeywordsImpl) for
    /// `HPyFunc_KEYWORDS`, ...), and `trampoline` the non-NULL CPython trampoline of that
    /// convention that forwards to `imp` (`cpy_keywords::<E>` where `E::IMPL` is `imp`, ...).
    pub const unsafe fn meth(
        name: &'static CStr,
        doc: Option<&'static CStr>,
        signature: ffi::HPyFunc_Signature,
        imp: ffi::HPyCFunction,
        trampoline: ffi::cpy_PyCFunction,
    ) -> Self {
        MethodDef(UnsafeCell::new(ffi::HPyDef {
            kind: ffi::HPyDef_Kind_Meth,
            __bindgen_anon_1: ffi::HPyDef__bindgen_ty_1 {
                meth: ffi::HPyMeth {
                    name: name.as_ptr(),
                    impl_: imp,
                    cpy_trampoline: trampoline,
                    signature,
                    doc: match doc {
                        Some(d) => d.as_ptr(),
                        None => std::ptr::null(),
                    },
                },
            },
        }))
    }

    /// A slot (`HPy_mod_exec`, `HPy_tp_repr`, …).
    ///
    /// # Safety
    /// HPy calls `imp` and `trampoline` through this definition, with the arguments that slot
    /// `slot` takes: `imp` is a non-NULL impl of the calling convention HPy gives that slot (its
    /// real type is that convention's impl type: `HPy_tp_repr` takes a
    /// [`ReprImpl`](crate::impl_::ReprImpl), `HPy_tp_destroy` a `destroy`-shaped function, ...),
    /// and `trampoline` the non-NULL CPython trampoline of that convention that forwards to `imp`
    /// (`cpy_repr::<E>` where `E::IMPL` is `imp`, ...; never called for `HPy_tp_destroy`).
    pub const unsafe fn slot(
        slot: ffi::HPySlot_Slot,
        imp: ffi::HPyCFunction,
        trampoline: ffi::cpy_PyCFunction,
    ) -> Self {
        MethodDef(UnsafeCell::new(ffi::HPyDef {
            kind: ffi::HPyDef_Kind_Slot,
            __bindgen_anon_1: ffi::HPyDef__bindgen_ty_1 {
                slot: ffi::HPySlot {
                    slot,
                    impl_: imp,
                    cpy_trampoline: trampoline,
                },
            },
        }))
    }

    /// A property: getter and optional setter (only inside a [`PropertyDef`]).
    ///
    /// # Safety
    /// HPy calls the functions through this definition: `getter` is a non-NULL
    /// [`GetterImpl`](crate::impl_::GetterImpl) and `getter_trampoline` the CPython trampoline
    /// that forwards to it (`cpy_getter::<E>` where `E::IMPL` is `getter`); `setter` and
    /// `setter_trampoline` are both NULL (no setter) or a [`SetterImpl`](crate::impl_::SetterImpl)
    /// and its trampoline (`cpy_setter::<E>`).
    const unsafe fn getset(
        name: &'static CStr,
        doc: Option<&'static CStr>,
        getter: ffi::HPyCFunction,
        getter_trampoline: ffi::cpy_getter,
        setter: ffi::HPyCFunction,
        setter_trampoline: ffi::cpy_setter,
    ) -> Self {
        MethodDef(UnsafeCell::new(ffi::HPyDef {
            kind: ffi::HPyDef_Kind_GetSet,
            __bindgen_anon_1: ffi::HPyDef__bindgen_ty_1 {
                getset: ffi::HPyGetSet {
                    name: name.as_ptr(),
                    getter_impl: getter,
                    setter_impl: setter,
                    getter_cpy_trampoline: getter_trampoline,
                    setter_cpy_trampoline: setter_trampoline,
                    doc: match doc {
                        Some(d) => d.as_ptr(),
                        None => std::ptr::null(),
                    },
                    closure: std::ptr::null_mut(),
                },
            },
        }))
    }

    /// The pointer that goes into a `defines` list.
    pub const fn as_ptr(&'static self) -> *mut ffi::HPyDef {
        self.0.get()
    }
}

/// A property (`#[getter]`/`#[setter]`, `#[oxhpy(get, set)]`): the `HPyDef_Kind_GetSet` that
/// goes into the type's spec, and three methods that go there instead on PyPy.
///
/// PyPy 3.11's HPy getset descriptors lose errors: a getter that raises gives `None` with the
/// exception left set (the next HPy call aborts the process: "Fatal RPython error:
/// AssertionError"), and a setter's error is dropped in universal mode (left pending in debug
/// mode). Its HPy methods report errors as they should, so there [`add_class`](crate::impl_::add_class)
/// defines the getter, setter and deleter as methods (the hidden names given here) and sets the
/// attribute to the built-in `property(get, set, delete, doc)` of them once the type exists,
/// deleting the hidden names again. A property then behaves the same on every interpreter.
#[repr(C)]
pub struct PropertyDef {
    /// First, so that a pointer to it is a pointer to the `PropertyDef`: every
    /// `HPyDef_Kind_GetSet` oxhpy defines lives in one (the only way to build one).
    getset: MethodDef,
    methods: [MethodDef; 3],
}

impl PropertyDef {
    /// The property `name` with getter `G` and setter `S` (which receives `HPy_NULL` as the
    /// value for `del`), and the names under which PyPy's type defines them as methods
    /// (`[get, set, delete]`, distinct from every other name of the type).
    ///
    /// # Safety
    /// HPy calls the impls through these definitions with an instance of the type the property is
    /// defined on: `G::IMPL` is a non-NULL [`GetterImpl`](crate::impl_::GetterImpl) and `S::IMPL`
    /// a non-NULL [`SetterImpl`](crate::impl_::SetterImpl) whose impls take such an instance.
    pub const unsafe fn new<G: Entry, S: Entry>(
        name: &'static CStr,
        doc: Option<&'static CStr>,
        hidden: [&'static CStr; 3],
    ) -> Self {
        // SAFETY: G's and S's impls are a getter and a setter (the caller's contract) and these
        // are their trampolines; the methods' impls are the adapters below, of the conventions
        // recorded with them, and their trampolines.
        unsafe {
            PropertyDef {
                getset: MethodDef::getset(
                    name,
                    doc,
                    G::IMPL,
                    crate::__cpy!(cpy_getter::<G>, ffi::cpy_getter),
                    S::IMPL,
                    crate::__cpy!(cpy_setter::<S>, ffi::cpy_setter),
                ),
                methods: [
                    MethodDef::meth(
                        hidden[0],
                        doc,
                        ffi::HPyFunc_NOARGS,
                        <PropertyGet<G> as Entry>::IMPL,
                        crate::__cpy!(cpy_noargs::<PropertyGet<G>>),
                    ),
                    MethodDef::meth(
                        hidden[1],
                        None,
                        ffi::HPyFunc_O,
                        <PropertySet<S> as Entry>::IMPL,
                        crate::__cpy!(cpy_o::<PropertySet<S>>),
                    ),
                    MethodDef::meth(
                        hidden[2],
                        None,
                        ffi::HPyFunc_NOARGS,
                        <PropertyDelete<S> as Entry>::IMPL,
                        crate::__cpy!(cpy_noargs::<PropertyDelete<S>>),
                    ),
                ],
            }
        }
    }

    /// The pointer that goes into a `defines` list: its `HPyDef_Kind_GetSet`.
    pub const fn as_ptr(&'static self) -> *mut ffi::HPyDef {
        self.getset.as_ptr()
    }

    /// The property whose `HPyDef_Kind_GetSet` is `def`, or `None` for a definition of another
    /// kind.
    ///
    /// # Safety
    /// `def` is the `as_ptr()` of a static `MethodDef` or `PropertyDef`.
    pub(crate) unsafe fn of(def: *mut ffi::HPyDef) -> Option<&'static PropertyDef> {
        // SAFETY: a live static definition (the caller's contract); a getset is only built inside
        // a `PropertyDef`, as its first member of this `repr(C)` struct.
        unsafe { ((*def).kind == ffi::HPyDef_Kind_GetSet).then(|| &*(def as *const PropertyDef)) }
    }

    /// The definitions of the get, set and delete methods.
    pub(crate) fn methods(&'static self) -> [*mut ffi::HPyDef; 3] {
        self.methods.each_ref().map(MethodDef::as_ptr)
    }

    /// The property's name and doc, and its methods' names.
    pub(crate) fn names(&self) -> (&'static CStr, Option<&'static CStr>, [&'static CStr; 3]) {
        // SAFETY: built by `new` from `'static` C strings (the doc may be NULL), never written.
        unsafe {
            let g = &(*self.getset.0.get()).__bindgen_anon_1.getset;
            let name = |p: *const std::ffi::c_char| CStr::from_ptr(p);
            let hidden = self
                .methods
                .each_ref()
                .map(|m| name((*m.0.get()).__bindgen_anon_1.meth.name));
            (
                name(g.name),
                (!g.doc.is_null()).then(|| name(g.doc)),
                hidden,
            )
        }
    }
}

/// PyPy's getter method of a property: the getter `G`'s impl, called as a method.
struct PropertyGet<G>(PhantomData<G>);
/// PyPy's setter method of a property.
struct PropertySet<S>(PhantomData<S>);
/// PyPy's deleter method of a property: the setter, given `HPy_NULL`.
struct PropertyDelete<S>(PhantomData<S>);

// SAFETY: IMPL is `property_get::<G>`, a `NoargsImpl`.
unsafe impl<G: Entry> Entry for PropertyGet<G> {
    // SAFETY: a function pointer of type `NoargsImpl`, the signature recorded with it.
    const IMPL: ffi::HPyCFunction =
        unsafe { crate::__cfunc!(property_get::<G> as NoargsImpl, NoargsImpl) };
}

// SAFETY: IMPL is `property_set::<S>`, an `OImpl`.
unsafe impl<S: Entry> Entry for PropertySet<S> {
    // SAFETY: a function pointer of type `OImpl`, the signature recorded with it.
    const IMPL: ffi::HPyCFunction = unsafe { crate::__cfunc!(property_set::<S> as OImpl, OImpl) };
}

// SAFETY: IMPL is `property_delete::<S>`, a `NoargsImpl`.
unsafe impl<S: Entry> Entry for PropertyDelete<S> {
    // SAFETY: a function pointer of type `NoargsImpl`, the signature recorded with it.
    const IMPL: ffi::HPyCFunction =
        unsafe { crate::__cfunc!(property_delete::<S> as NoargsImpl, NoargsImpl) };
}

/// # Safety
/// HPy calls it as a method of the property's type: `G::IMPL` is a getter of it
/// (`PropertyDef::new`'s contract).
unsafe extern "C" fn property_get<G: Entry>(ctx: *mut ffi::HPyContext, slf: ffi::HPy) -> ffi::HPy {
    // SAFETY: `G::IMPL` is a non-NULL `GetterImpl` (the contract above); the getter takes no
    // closure.
    unsafe {
        let get = std::mem::transmute::<ffi::HPyCFunction, GetterImpl>(G::IMPL);
        get(ctx, slf, std::ptr::null_mut())
    }
}

/// # Safety
/// HPy calls it as a method of the property's type with one argument: `S::IMPL` is a setter of it.
unsafe extern "C" fn property_set<S: Entry>(
    ctx: *mut ffi::HPyContext,
    slf: ffi::HPy,
    value: ffi::HPy,
) -> ffi::HPy {
    // SAFETY: as `property_get`; the value is a live argument handle.
    unsafe { set_or_delete(ctx, slf, value, S::IMPL) }
}

/// # Safety
/// HPy calls it as a method of the property's type: `S::IMPL` is a setter of it.
unsafe extern "C" fn property_delete<S: Entry>(
    ctx: *mut ffi::HPyContext,
    slf: ffi::HPy,
) -> ffi::HPy {
    // SAFETY: as `property_get`; a setter takes `HPy_NULL` as the value to delete.
    unsafe { set_or_delete(ctx, slf, ffi::HPy_NULL, S::IMPL) }
}

/// Calls setter `imp` and returns `None`, or `HPy_NULL` with its error set.
///
/// # Safety
/// `imp` is a non-NULL `SetterImpl` that takes `slf`; `value` is a live handle or `HPy_NULL`.
unsafe fn set_or_delete(
    ctx: *mut ffi::HPyContext,
    slf: ffi::HPy,
    value: ffi::HPy,
    imp: ffi::HPyCFunction,
) -> ffi::HPy {
    // SAFETY: the contract above; `h_None` is a constant of the live context.
    unsafe {
        let set = std::mem::transmute::<ffi::HPyCFunction, SetterImpl>(imp);
        if set(ctx, slf, value, std::ptr::null_mut()) < 0 {
            ffi::HPy_NULL
        } else {
            ffi::HPy_Dup(ctx, (*ctx).h_None)
        }
    }
}

/// Casts a CPython trampoline (a function item or pointer) to the `cpy_PyCFunction` stored in an
/// `HPyDef`, or to the trampoline type `$t` (`cpy_getter`, `cpy_setter`).
///
/// Expands to a `transmute`, so it must be used inside `unsafe`. `cpy_PyCFunction` is how HPy
/// stores trampolines of every shape; hpy.universal casts it back to the shape that the recorded
/// signature or slot implies, which is the caller's to guarantee (see `MethodDef`'s constructors).
/// `$t` must be a function pointer type.
#[macro_export]
#[doc(hidden)]
macro_rules! __cpy {
    ($f:expr, $t:ty) => {
        ::core::mem::transmute::<*const (), $t>($f as *const ())
    };
    ($f:expr) => {
        ::core::mem::transmute::<*const (), $crate::ffi::cpy_PyCFunction>($f as *const ())
    };
}
