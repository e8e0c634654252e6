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

/// The Python-visible parameters of a function, for argument parsing and error messages.
pub struct ArgSpec {
    /// The function's Python name.
    pub name: &'static str,
    /// Parameter names, in order.
    pub params: &'static [&'static str],
    /// Whether each parameter must be given (no default, not an `Option`).
    pub required: &'static [bool],
}

impl ArgSpec {
    /// Matches positional and keyword arguments to parameters. `args` holds `nargs` positional
    /// values followed by one value per entry of `kwnames` (a tuple of `str`, or `HPy_NULL`).
    /// Missing optional parameters are `None`.
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
        if nargs == N && ffi::HPy_IsNull(kwnames) {
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
        debug_assert_eq!(N, self.params.len());
        let ctx = scope.ctx();
        let mut out: [Option<Borrowed<'a, 'py>>; N] = [None; N];
        if nargs > N {
            return Err(PyErr::type_error(format!(
                "{}() takes {} positional argument{} but {nargs} were given",
                self.name,
                N,
                if N == 1 { "" } else { "s" }
            )));
        }
        for (i, slot) in out.iter_mut().enumerate().take(nargs) {
            // SAFETY: i < nargs; the caller guarantees the handles are live for the scope.
            *slot = Some(unsafe { scope.arg(*args.add(i)) });
        }
        if !ffi::HPy_IsNull(kwnames) {
            let c = ctx.as_ptr();
            // SAFETY: kwnames is a live tuple of str handed to us by the interpreter.
            let nkw = unsafe { ffi::HPy_Length(c, kwnames) };
            for k in 0..nkw.max(0) as usize {
                // SAFETY: k < len(kwnames): a valid index of a live tuple on every interpreter.
                let key = unsafe { Handle::from_raw(ctx, ffi::HPy_GetItem_i(c, kwnames, k as _))? };
                let mut len: ffi::HPy_ssize_t = 0;
                // SAFETY: a live str; the UTF-8 stays valid while `key` is open.
                let utf8 = unsafe { ffi::HPyUnicode_AsUTF8AndSize(c, key.raw(), &mut len) };
                if utf8.is_null() {
                    return Err(PyErr::raised());
                }
                // SAFETY: `len` bytes at `utf8`, alive while `key` is.
                let name = unsafe { std::slice::from_raw_parts(utf8.cast::<u8>(), len as usize) };
                let Some(i) = self.params.iter().position(|p| p.as_bytes() == name) else {
                    let key = String::from_utf8_lossy(name);
                    return Err(PyErr::type_error(format!(
                        "{}() got an unexpected keyword argument '{key}'",
                        self.name
                    )));
                };
                if out[i].is_some() {
                    return Err(PyErr::type_error(format!(
                        "{}() got multiple values for argument '{}'",
                        self.name, self.params[i]
                    )));
                }
                // SAFETY: keyword values follow the nargs positional ones in `args`.
                out[i] = Some(unsafe { scope.arg(*args.add(nargs + k)) });
            }
        }
        for (i, slot) in out.iter().enumerate() {
            if slot.is_none() && self.required[i] {
                return Err(PyErr::type_error(format!(
                    "{}() missing required argument '{}' (pos {})",
                    self.name,
                    self.params[i],
                    i + 1
                )));
            }
        }
        Ok(out)
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
        let max = self.params.len();
        let min = self.required.iter().filter(|r| **r).count();
        let expected = if min == max {
            format!("{max}")
        } else {
            format!("from {min} to {max}")
        };
        PyErr::type_error(format!(
            "{}() takes {expected} positional argument{} but {nargs} were given",
            self.name,
            if max == 1 { "" } else { "s" }
        ))
    }
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

    /// A property: getter and optional setter.
    ///
    /// # Safety
    /// HPy calls the functions through this definition: `getter` is a non-NULL
    /// [`GetterImpl`](crate::impl_::GetterImpl) and `getter_trampoline` the CPython trampoline
    /// that forwards to it (`cpy_getter::<E>` where `E::IMPL` is `getter`); `setter` and
    /// `setter_trampoline` are both NULL (no setter) or a [`SetterImpl`](crate::impl_::SetterImpl)
    /// and its trampoline (`cpy_setter::<E>`).
    pub const unsafe fn getset(
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
