//! `tests/test_context.py`: calls into Python through the context, the `Object` methods,
//! globals, and the context members that PyPy 3.11 moved (through the raw `oxhpy::ffi` wrappers).
use crate::errors::{MY_ERROR, NEVER_SET};
use crate::{PyCapsule, PyDict, PySlice, PyStr, PyType};
use oxhpy::ffi;
use oxhpy::prelude::*;
use std::ffi::{c_void, CStr, CString};

/// Set by `remember`, read by `recall`.
#[oxhpy::global]
pub(crate) static REMEMBERED: Global;

/// `f(a, b)` through `Object::call`: exceptions raised by `f` propagate unchanged.
#[oxhpy::function]
pub fn call<'py>(f: Borrowed<'_, 'py>, a: Handle<'py>, b: Handle<'py>) -> PyResult<Handle<'py>> {
    f.call((a, b))
}

/// `f()` through `Object::call`.
#[oxhpy::function]
pub fn call0<'py>(f: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
    f.call(())
}

/// `f(1, "two", 3.5, True, None, [4], None, b"eight")`: eight Rust values as arguments.
#[oxhpy::function]
pub fn call8<'py>(f: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
    f.call((
        1i64,
        "two",
        3.5f64,
        true,
        (),
        vec![4i64],
        None::<i64>,
        &b"eight"[..],
    ))
}

/// `f(x, key=key)` through `Object::call_kw`.
#[oxhpy::function]
pub fn call_kw<'py>(
    f: Borrowed<'_, 'py>,
    x: Handle<'py>,
    key: Handle<'py>,
) -> PyResult<Handle<'py>> {
    f.call_kw((x,), &[("key", &key)])
}

/// `f(**{k: v for k, v in kwargs})` through `Object::call_kw`, no positional arguments.
#[oxhpy::function]
pub fn call_kw_only<'py>(
    f: Borrowed<'_, 'py>,
    kwargs: Vec<(String, Handle<'py>)>,
) -> PyResult<Handle<'py>> {
    let pairs: Vec<(&str, &dyn AsHandle<'py>)> = kwargs
        .iter()
        .map(|(k, v)| (k.as_str(), v as &dyn AsHandle<'py>))
        .collect();
    f.call_kw((), &pairs)
}

/// `obj.name(arg)` through `Object::call_method`.
#[oxhpy::function]
pub fn call_method<'py>(
    obj: Borrowed<'_, 'py>,
    name: &str,
    arg: Handle<'py>,
) -> PyResult<Handle<'py>> {
    obj.call_method(name, (arg,))
}

/// `obj.name()` through `Object::call_method`.
#[oxhpy::function]
pub fn call_method0<'py>(obj: Borrowed<'_, 'py>, name: &str) -> PyResult<Handle<'py>> {
    obj.call_method(name, ())
}

/// `type(obj).__name__` through `Object::type_name` (`HPyType_GetName`).
#[oxhpy::function]
pub fn type_name(obj: Borrowed<'_, '_>) -> String {
    obj.type_name()
}

// ---------------------------------------------------------------------------------------
// The context and the Object methods
// ---------------------------------------------------------------------------------------

/// The name of the context of this call: tells universal, debug and trace mode apart.
#[oxhpy::function]
pub fn context_name(ctx: Ctx<'_>) -> String {
    ctx.name()
}

/// `(pypy, graalpy, debug)` as oxhpy noted them when the module initialised.
#[oxhpy::function]
pub fn interpreter_facts() -> (bool, bool, bool) {
    oxhpy::impl_::interpreter_facts()
}

/// The context layout oxhpy chose for this process: `"Hpy090"` or `"PyPy311"`.
#[oxhpy::function]
pub fn context_layout() -> &'static str {
    match ffi::layout::current() {
        Some(ffi::layout::ContextLayout::Hpy090) => "Hpy090",
        Some(ffi::layout::ContextLayout::PyPy311) => "PyPy311",
        None => "undecided",
    }
}

/// `(None, True, False, math.pi, builtins["len"] is len, err_occurred())` via `Ctx`.
#[oxhpy::function]
pub fn ctx_tour<'py>(
    ctx: Ctx<'py>,
    len: Borrowed<'_, 'py>,
) -> PyResult<(
    Handle<'py>,
    Handle<'py>,
    Handle<'py>,
    Handle<'py>,
    bool,
    bool,
)> {
    let pi = ctx.import("math")?.getattr("pi")?;
    let same_len = ctx
        .builtins()
        .call_method("__getitem__", ("len",))?
        .is(&len);
    Ok((
        ctx.none(),
        ctx.bool(true),
        ctx.bool(false),
        pi,
        same_len,
        ctx.err_occurred(),
    ))
}

/// `Ctx::builtins()` itself (`h_Builtins`: the dict of builtins).
#[oxhpy::function]
pub fn ctx_builtins(ctx: Ctx<'_>) -> Handle<'_> {
    ctx.builtins()
}

/// `importlib.import_module(name)` via `Ctx::import`.
#[oxhpy::function]
pub fn import_module<'py>(ctx: Ctx<'py>, name: &str) -> PyResult<Handle<'py>> {
    ctx.import(name)
}

#[oxhpy::function]
pub fn obj_getattr<'py>(obj: Borrowed<'_, 'py>, name: &str) -> PyResult<Handle<'py>> {
    obj.getattr(name)
}

#[oxhpy::function]
pub fn obj_setattr<'py>(obj: Borrowed<'_, 'py>, name: &str, value: Handle<'py>) -> PyResult<()> {
    obj.setattr(name, value)
}

/// `setattr(obj, name, [1, 2])` with a Rust value.
#[oxhpy::function]
pub fn obj_setattr_rust(obj: Borrowed<'_, '_>, name: &str) -> PyResult<()> {
    obj.setattr(name, vec![1i64, 2])
}

#[oxhpy::function]
pub fn obj_repr(obj: Borrowed<'_, '_>) -> PyResult<String> {
    obj.repr()
}

#[oxhpy::function]
pub fn obj_str(obj: Borrowed<'_, '_>) -> PyResult<String> {
    obj.str()
}

#[oxhpy::function]
pub fn obj_len(obj: Borrowed<'_, '_>) -> PyResult<usize> {
    obj.len()
}

#[oxhpy::function]
pub fn obj_is_empty(obj: Borrowed<'_, '_>) -> PyResult<bool> {
    obj.is_empty()
}

#[oxhpy::function]
pub fn obj_get_item<'py>(obj: Borrowed<'_, 'py>, i: isize) -> PyResult<Handle<'py>> {
    obj.get_item(i)
}

#[oxhpy::function]
pub fn obj_is_truthy(obj: Borrowed<'_, '_>) -> PyResult<bool> {
    obj.is_truthy()
}

#[oxhpy::function]
pub fn obj_is<'py>(a: Borrowed<'_, 'py>, b: Borrowed<'_, 'py>) -> bool {
    a.is(&b)
}

#[oxhpy::function]
pub fn obj_is_none(obj: Borrowed<'_, '_>) -> bool {
    obj.is_none()
}

#[oxhpy::function]
pub fn obj_get_type<'py>(obj: Borrowed<'_, 'py>) -> Handle<'py> {
    obj.get_type()
}

/// `isinstance(obj, ty)` through `Object::is_instance`.
#[oxhpy::function]
pub fn obj_is_instance<'py>(obj: Borrowed<'_, 'py>, ty: Borrowed<'_, 'py>) -> PyResult<bool> {
    obj.is_instance(&ty)
}

/// `obj.dup() is obj`, and the duplicate returned.
#[oxhpy::function]
pub fn obj_dup<'py>(obj: Borrowed<'_, 'py>) -> (bool, Handle<'py>) {
    let d = obj.dup();
    (d.is(&obj), d)
}

/// `Object::extract::<(i64, String)>` on an object (not an argument).
#[oxhpy::function]
pub fn obj_extract_pair(obj: Handle<'_>) -> PyResult<(i64, String)> {
    obj.extract()
}

/// `Object::extract::<&str>` on an attribute: the `&str` borrows from the owned attribute handle.
#[oxhpy::function]
pub fn obj_attr_len(obj: Borrowed<'_, '_>, name: &str) -> PyResult<usize> {
    let attr = obj.getattr(name)?;
    let s: &str = attr.extract()?;
    Ok(s.len())
}

/// Keeps `obj` in a module `Global`.
#[oxhpy::function]
pub fn remember(obj: Borrowed<'_, '_>) -> PyResult<()> {
    REMEMBERED.store(obj.ctx(), &obj)
}

/// Stores `obj` in a `Global` made without `#[oxhpy::global]` (only `unsafe` code can): not
/// listed in the module definition, so the store must fail (SystemError), not write an
/// unlisted HPyGlobal.
#[oxhpy::function]
pub fn store_unlisted(obj: Borrowed<'_, '_>) -> PyResult<()> {
    // SAFETY: breaks `unregistered`'s contract on purpose, to test the run-time backstop:
    // `store` checks that the global is listed before touching its HPyGlobal.
    static UNLISTED: Global = unsafe { oxhpy::impl_::unregistered() };
    UNLISTED.store(obj.ctx(), &obj)
}

/// What `remember` stored, or `None`.
#[oxhpy::function]
pub fn recall(ctx: Ctx<'_>) -> Option<Handle<'_>> {
    REMEMBERED.load(ctx)
}

/// `Global::is_set` of `REMEMBERED`, `MY_ERROR` and `NEVER_SET`.
#[oxhpy::function]
pub fn globals_set() -> (bool, bool, bool) {
    (REMEMBERED.is_set(), MY_ERROR.is_set(), NEVER_SET.is_set())
}

/// A global declared behind a type alias.
type AliasedGlobal = Global;
#[oxhpy::global]
static ALIASED: AliasedGlobal;
/// An array of globals, behind an alias too.
type GlobalPair = [Global; 2];
#[oxhpy::global]
static PAIR: GlobalPair;

/// Stores `obj` (unless `None`) into the global `which`, then loads it: `"fn"` (declared in
/// this function), `"elsewhere"` (in a mod outside the module mod), `"alias"`, `"pair0"`,
/// `"pair1"` (the elements of an array). Each is listed: stores succeed.
#[oxhpy::function]
pub fn global_slot<'py>(
    ctx: Ctx<'py>,
    which: &str,
    obj: Option<Borrowed<'_, 'py>>,
) -> PyResult<Option<Handle<'py>>> {
    #[oxhpy::global]
    static IN_FN: Global;
    let g: &'static Global = match which {
        "fn" => &IN_FN,
        "elsewhere" => &crate::elsewhere::ELSEWHERE,
        "alias" => &ALIASED,
        "pair0" => &PAIR[0],
        "pair1" => &PAIR[1],
        _ => return Err(PyErr::new(Exc::ValueError, "no such global")),
    };
    if let Some(obj) = obj {
        g.store(ctx, &obj)?;
    }
    Ok(g.load(ctx))
}

/// Duplicates a handle and never closes it: proves that the debug leak detector is active.
#[oxhpy::function]
pub fn leak_one_handle(obj: Borrowed<'_, '_>) {
    std::mem::forget(obj.dup());
}

// ---------------------------------------------------------------------------------------
// The context members that PyPy 3.11 moved, through the raw `ffi` wrappers
// ---------------------------------------------------------------------------------------

const CAPSULE_NAME: &CStr = c"oxhpy_testext.capsule";
static CAPSULE_VALUE: u64 = 0xC0FFEE;
static OTHER_VALUE: u64 = 42;

fn capsule_ptr(v: &'static u64) -> *mut c_void {
    v as *const u64 as *mut c_void
}

fn check_no_error(ctx: Ctx<'_>) -> PyResult<()> {
    if ctx.err_occurred() {
        Err(PyErr::raised())
    } else {
        Ok(())
    }
}

/// Capsule_New / IsValid / Get / Set, each checked; returns `[(check, passed), ...]`.
#[oxhpy::function]
pub fn capsule_roundtrip(ctx: Ctx<'_>) -> PyResult<Vec<(&'static str, bool)>> {
    let c = ctx.as_ptr();
    let mut checks = Vec::new();
    // SAFETY: live context; static name and pointee outlive the capsule; no destructor.
    let cap = unsafe {
        Handle::from_raw(
            ctx,
            ffi::HPyCapsule_New(
                c,
                capsule_ptr(&CAPSULE_VALUE),
                CAPSULE_NAME.as_ptr(),
                std::ptr::null_mut(),
            ),
        )?
    };
    let h = cap.raw();
    // SAFETY: (whole block) `h` is a live capsule of this call; every name is NUL-terminated
    // and static; the pointers stored are to statics.
    unsafe {
        checks.push((
            "is_valid",
            ffi::HPyCapsule_IsValid(c, h, CAPSULE_NAME.as_ptr()) == 1,
        ));
        checks.push((
            "is_valid_wrong_name",
            ffi::HPyCapsule_IsValid(c, h, c"nope".as_ptr()) == 0,
        ));
        check_no_error(ctx)?;
        checks.push((
            "get_pointer",
            ffi::HPyCapsule_GetPointer(c, h, CAPSULE_NAME.as_ptr()) == capsule_ptr(&CAPSULE_VALUE),
        ));
        let name = ffi::HPyCapsule_GetName(c, h);
        checks.push((
            "get_name",
            !name.is_null() && CStr::from_ptr(name) == CAPSULE_NAME,
        ));
        let ctx_ptr = ffi::HPyCapsule_Get(c, h, ffi::HPyCapsule_key_Context, std::ptr::null());
        checks.push(("get_context_empty", ctx_ptr.is_null()));
        check_no_error(ctx)?;
        checks.push((
            "set_pointer",
            ffi::HPyCapsule_Set(c, h, ffi::HPyCapsule_key_Pointer, capsule_ptr(&OTHER_VALUE)) == 0,
        ));
        checks.push((
            "get_new_pointer",
            ffi::HPyCapsule_GetPointer(c, h, CAPSULE_NAME.as_ptr()) == capsule_ptr(&OTHER_VALUE),
        ));
        checks.push((
            "set_context",
            ffi::HPyCapsule_Set(
                c,
                h,
                ffi::HPyCapsule_key_Context,
                capsule_ptr(&CAPSULE_VALUE),
            ) == 0,
        ));
        checks.push((
            "get_context",
            ffi::HPyCapsule_Get(c, h, ffi::HPyCapsule_key_Context, std::ptr::null())
                == capsule_ptr(&CAPSULE_VALUE),
        ));
        const RENAMED: &CStr = c"oxhpy_testext.renamed";
        checks.push((
            "set_name",
            ffi::HPyCapsule_Set(
                c,
                h,
                ffi::HPyCapsule_key_Name,
                RENAMED.as_ptr() as *mut c_void,
            ) == 0,
        ));
        checks.push((
            "is_valid_renamed",
            ffi::HPyCapsule_IsValid(c, h, RENAMED.as_ptr()) == 1,
        ));
        checks.push((
            "get_pointer_renamed",
            ffi::HPyCapsule_GetPointer(c, h, RENAMED.as_ptr()) == capsule_ptr(&OTHER_VALUE),
        ));
        check_no_error(ctx)?;
    }
    drop(cap);
    Ok(checks)
}

/// A new capsule named `oxhpy_testext.capsule` that points to the u64 0xC0FFEE.
#[oxhpy::function]
pub fn make_capsule(ctx: Ctx<'_>) -> PyResult<Handle<'_>> {
    // SAFETY: live context; static name and pointee outlive the capsule; no destructor.
    unsafe {
        Handle::from_raw(
            ctx,
            ffi::HPyCapsule_New(
                ctx.as_ptr(),
                capsule_ptr(&CAPSULE_VALUE),
                CAPSULE_NAME.as_ptr(),
                std::ptr::null_mut(),
            ),
        )
    }
}

/// `(is_valid(cap, "oxhpy_testext.capsule"), name, *pointer)`; the pointer is only read
/// when the name matches (then it is known to point to one of our u64 statics).
#[oxhpy::function]
pub fn capsule_read(cap: PyCapsule<'_, '_>) -> PyResult<(bool, Option<String>, Option<u64>)> {
    let (ctx, h) = (cap.0.ctx(), cap.0.raw());
    let c = ctx.as_ptr();
    // SAFETY: `h` is a live capsule (checked by `PyCapsule`); the name is a static C string.
    let valid = unsafe { ffi::HPyCapsule_IsValid(c, h, CAPSULE_NAME.as_ptr()) == 1 };
    // SAFETY: as above; the returned name is a NUL-terminated string owned by the capsule.
    let name = unsafe {
        let p = ffi::HPyCapsule_GetName(c, h);
        (!p.is_null()).then(|| CStr::from_ptr(p).to_string_lossy().into_owned())
    };
    check_no_error(ctx)?;
    let value = if valid {
        // SAFETY: a valid capsule with our name always points to one of our u64 statics.
        unsafe {
            let p = ffi::HPyCapsule_GetPointer(c, h, CAPSULE_NAME.as_ptr()) as *const u64;
            (!p.is_null()).then(|| *p)
        }
    } else {
        None
    };
    check_no_error(ctx)?;
    Ok((valid, name, value))
}

/// `HPyCapsule_GetPointer` with the wrong name: raises ValueError.
#[oxhpy::function]
pub fn capsule_get_wrong_name(cap: PyCapsule<'_, '_>) -> PyResult<bool> {
    let ctx = cap.0.ctx();
    // SAFETY: live capsule, static NUL-terminated name.
    let p =
        unsafe { ffi::HPyCapsule_GetPointer(ctx.as_ptr(), cap.0.raw(), c"wrong.name".as_ptr()) };
    if p.is_null() && ctx.err_occurred() {
        return Err(PyErr::raised());
    }
    Ok(!p.is_null())
}

fn source_kind(kind: &str) -> PyResult<ffi::HPy_SourceKind> {
    match kind {
        "eval" => Ok(ffi::HPy_SourceKind_Expr),
        "exec" => Ok(ffi::HPy_SourceKind_File),
        "single" => Ok(ffi::HPy_SourceKind_Single),
        _ => Err(PyErr::value_error(
            "kind must be 'eval', 'exec' or 'single'",
        )),
    }
}

fn c_string(s: &str, what: &str) -> PyResult<CString> {
    CString::new(s).map_err(|_| PyErr::value_error(format!("{what} contains a NUL character")))
}

/// `compile(src, filename, kind)` through `HPy_Compile_s`.
#[oxhpy::function]
pub fn compile<'py>(
    ctx: Ctx<'py>,
    src: &str,
    #[oxhpy(default = "<oxhpy_testext>")] filename: &str,
    #[oxhpy(default = "eval")] kind: &str,
) -> PyResult<Handle<'py>> {
    let kind = source_kind(kind)?;
    let (src, filename) = (c_string(src, "src")?, c_string(filename, "filename")?);
    // SAFETY: live context, NUL-terminated strings; result owned or NULL with an error set.
    unsafe {
        Handle::from_raw(
            ctx,
            ffi::HPy_Compile_s(ctx.as_ptr(), src.as_ptr(), filename.as_ptr(), kind),
        )
    }
}

/// `eval(src, {})`: `HPy_Compile_s` (expression) then `HPy_EvalCode` with a fresh dict.
#[oxhpy::function]
pub fn eval_expr<'py>(ctx: Ctx<'py>, src: &str) -> PyResult<Handle<'py>> {
    let c = ctx.as_ptr();
    let src = c_string(src, "src")?;
    // SAFETY: live context, NUL-terminated strings; the results are owned or NULL with an
    // error set; `code` and `globals` stay open until EvalCode returns.
    unsafe {
        let code = Handle::from_raw(
            ctx,
            ffi::HPy_Compile_s(
                c,
                src.as_ptr(),
                c"<oxhpy_testext>".as_ptr(),
                ffi::HPy_SourceKind_Expr,
            ),
        )?;
        let globals = fresh_globals(ctx)?;
        Handle::from_raw(
            ctx,
            ffi::HPy_EvalCode(c, code.raw(), globals.raw(), globals.raw()),
        )
    }
}

/// A new globals dict holding `__builtins__`, as Python's `eval()`/`exec()` make one: CPython
/// 3.9's `HPy_EvalCode` (`PyEval_EvalCode`) does not add it (3.10+ falls back to the builtins).
fn fresh_globals(ctx: Ctx<'_>) -> PyResult<Handle<'_>> {
    // SAFETY: live context; the dict is owned or NULL with an error set.
    let globals = unsafe { Handle::from_raw(ctx, ffi::HPyDict_New(ctx.as_ptr()))? };
    let builtins = ctx.builtins();
    // SAFETY: live handles, a NUL-terminated key.
    let r = unsafe {
        ffi::HPy_SetItem_s(
            ctx.as_ptr(),
            globals.raw(),
            c"__builtins__".as_ptr(),
            builtins.raw(),
        )
    };
    if r < 0 {
        return Err(PyErr::raised());
    }
    Ok(globals)
}

/// Runs `src` as a module body (`HPy_SourceKind_File`) in a fresh dict and returns that dict.
#[oxhpy::function]
pub fn exec_source<'py>(ctx: Ctx<'py>, src: &str) -> PyResult<Handle<'py>> {
    let c = ctx.as_ptr();
    let src = c_string(src, "src")?;
    // SAFETY: as in `eval_expr`.
    unsafe {
        let code = Handle::from_raw(
            ctx,
            ffi::HPy_Compile_s(
                c,
                src.as_ptr(),
                c"<oxhpy_testext>".as_ptr(),
                ffi::HPy_SourceKind_File,
            ),
        )?;
        let globals = fresh_globals(ctx)?;
        let _none = Handle::from_raw(
            ctx,
            ffi::HPy_EvalCode(c, code.raw(), globals.raw(), globals.raw()),
        )?;
        Ok(globals)
    }
}

/// `eval(code, globals, locals)` through `HPy_EvalCode`; `code` must be a code object.
#[oxhpy::function]
pub fn eval_code<'py>(
    ctx: Ctx<'py>,
    code: Borrowed<'_, 'py>,
    globals: PyDict<'_, 'py>,
    locals: Option<Borrowed<'_, 'py>>,
) -> PyResult<Handle<'py>> {
    let code_type = ctx.import("types")?.getattr("CodeType")?;
    if !code.is_instance(&code_type)? {
        return Err(PyErr::type_error(format!(
            "argument 'code': expected code, got {}",
            code.type_name()
        )));
    }
    let locals = locals.map_or(globals.0.raw(), |l| l.raw());
    // SAFETY: a live code object, a live dict and a live mapping (or the dict again).
    unsafe {
        Handle::from_raw(
            ctx,
            ffi::HPy_EvalCode(ctx.as_ptr(), code.raw(), globals.0.raw(), locals),
        )
    }
}

/// ContextVar_New/Get/Set on fresh variables: returns
/// `(get with default, get after set, missing without default is NULL, get with explicit default)`.
#[oxhpy::function]
pub fn contextvar_roundtrip<'py>(
    ctx: Ctx<'py>,
) -> PyResult<(Handle<'py>, Handle<'py>, bool, Handle<'py>)> {
    let c = ctx.as_ptr();
    let dflt = "default".into_py(ctx)?;
    let value = "value".into_py(ctx)?;
    let explicit = "explicit".into_py(ctx)?;
    // SAFETY: (whole block) live context and handles; every `result` written by
    // ContextVar_Get is an owned handle or NULL, and is wrapped (closed) right away.
    unsafe {
        let var = Handle::from_raw(
            ctx,
            ffi::HPyContextVar_New(c, c"oxhpy_testext_var".as_ptr(), dflt.raw()),
        )?;
        let mut r = ffi::HPy_NULL;
        if ffi::HPyContextVar_Get(c, var.raw(), ffi::HPy_NULL, &mut r) < 0 {
            return Err(PyErr::raised());
        }
        let first = Handle::from_raw(ctx, r)?;
        let _token = Handle::from_raw(ctx, ffi::HPyContextVar_Set(c, var.raw(), value.raw()))?;
        let mut r = ffi::HPy_NULL;
        if ffi::HPyContextVar_Get(c, var.raw(), ffi::HPy_NULL, &mut r) < 0 {
            return Err(PyErr::raised());
        }
        let second = Handle::from_raw(ctx, r)?;

        let bare = Handle::from_raw(
            ctx,
            ffi::HPyContextVar_New(c, c"oxhpy_testext_bare".as_ptr(), ffi::HPy_NULL),
        )?;
        let mut r = ffi::HPy_NULL;
        if ffi::HPyContextVar_Get(c, bare.raw(), ffi::HPy_NULL, &mut r) < 0 {
            return Err(PyErr::raised());
        }
        let missing_is_null = ffi::HPy_IsNull(r);
        if !missing_is_null {
            drop(Handle::from_raw_unchecked(ctx, r));
        }
        let mut r = ffi::HPy_NULL;
        if ffi::HPyContextVar_Get(c, bare.raw(), explicit.raw(), &mut r) < 0 {
            return Err(PyErr::raised());
        }
        let fourth = Handle::from_raw(ctx, r)?;
        Ok((first, second, missing_is_null, fourth))
    }
}

/// `contextvars.ContextVar(name[, default])` through `HPyContextVar_New`.
#[oxhpy::function]
pub fn contextvar_new<'py>(
    ctx: Ctx<'py>,
    name: &str,
    default: Option<Borrowed<'_, 'py>>,
) -> PyResult<Handle<'py>> {
    let name = c_string(name, "name")?;
    let d = default.map_or(ffi::HPy_NULL, |d| d.raw());
    // SAFETY: live context, NUL-terminated name, live default or NULL.
    unsafe { Handle::from_raw(ctx, ffi::HPyContextVar_New(ctx.as_ptr(), name.as_ptr(), d)) }
}

/// `(found, var.get([default]))` through `HPyContextVar_Get`; `found` is false when there is
/// no value and no default (the result handle is NULL).
#[oxhpy::function]
pub fn contextvar_get<'py>(
    ctx: Ctx<'py>,
    var: Borrowed<'_, 'py>,
    default: Option<Borrowed<'_, 'py>>,
) -> PyResult<(bool, Option<Handle<'py>>)> {
    let d = default.map_or(ffi::HPy_NULL, |d| d.raw());
    let mut r = ffi::HPy_NULL;
    // SAFETY: live handles; CPython checks that `var` is a ContextVar (TypeError otherwise).
    if unsafe { ffi::HPyContextVar_Get(ctx.as_ptr(), var.raw(), d, &mut r) } < 0 {
        return Err(PyErr::raised());
    }
    if ffi::HPy_IsNull(r) {
        return Ok((false, None));
    }
    // SAFETY: a non-NULL result is an owned handle.
    Ok((true, Some(unsafe { Handle::from_raw_unchecked(ctx, r) })))
}

/// `var.set(value)` through `HPyContextVar_Set`; returns the token.
#[oxhpy::function]
pub fn contextvar_set<'py>(
    ctx: Ctx<'py>,
    var: Borrowed<'_, 'py>,
    value: Borrowed<'_, 'py>,
) -> PyResult<Handle<'py>> {
    // SAFETY: live handles; result owned or NULL with an error set.
    unsafe {
        Handle::from_raw(
            ctx,
            ffi::HPyContextVar_Set(ctx.as_ptr(), var.raw(), value.raw()),
        )
    }
}

/// `issubclass(a, b)` through `HPyType_IsSubtype` (both must be types).
#[oxhpy::function]
pub fn is_subtype(a: PyType<'_, '_>, b: PyType<'_, '_>) -> bool {
    // SAFETY: two live type objects (checked by `PyType`).
    unsafe { ffi::HPyType_IsSubtype(a.0.ctx().as_ptr(), a.0.raw(), b.0.raw()) != 0 }
}

/// `t.__name__` of a type through `HPyType_GetName`.
#[oxhpy::function]
pub fn raw_type_name(t: PyType<'_, '_>) -> PyResult<String> {
    let ctx = t.0.ctx();
    // SAFETY: a live type; the name is valid while the type lives, copied at once.
    let p = unsafe { ffi::HPyType_GetName(ctx.as_ptr(), t.0.raw()) };
    if p.is_null() {
        check_no_error(ctx)?;
        return Err(PyErr::new(
            Exc::SystemError,
            "HPyType_GetName returned NULL",
        ));
    }
    // SAFETY: a non-NULL result is a NUL-terminated UTF-8 string.
    Ok(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

/// `bytes(b).decode(encoding, errors)` through `HPyUnicode_FromEncodedObject`
/// (`None` means the C default: UTF-8, strict).
#[oxhpy::function]
pub fn decode<'py>(
    ctx: Ctx<'py>,
    b: &[u8],
    encoding: Option<&str>,
    errors: Option<&str>,
) -> PyResult<Handle<'py>> {
    let obj = b.into_py(ctx)?;
    decode_with(ctx, obj.raw(), encoding, errors)
}

/// `HPyUnicode_FromEncodedObject(obj, encoding, NULL)` on any object (a bytes-like one
/// decodes; anything else raises TypeError).
#[oxhpy::function]
pub fn decode_object<'py>(
    ctx: Ctx<'py>,
    obj: Borrowed<'_, 'py>,
    encoding: Option<&str>,
) -> PyResult<Handle<'py>> {
    decode_with(ctx, obj.raw(), encoding, None)
}

fn decode_with<'py>(
    ctx: Ctx<'py>,
    obj: ffi::HPy,
    encoding: Option<&str>,
    errors: Option<&str>,
) -> PyResult<Handle<'py>> {
    let encoding = encoding.map(|e| c_string(e, "encoding")).transpose()?;
    let errors = errors.map(|e| c_string(e, "errors")).transpose()?;
    let ptr = |s: &Option<CString>| s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr());
    // SAFETY: live object handle; NUL-terminated strings or NULL (the defaults).
    unsafe {
        Handle::from_raw(
            ctx,
            ffi::HPyUnicode_FromEncodedObject(ctx.as_ptr(), obj, ptr(&encoding), ptr(&errors)),
        )
    }
}

/// `s[start:end]` through `HPyUnicode_Substring` (non-negative indices).
#[oxhpy::function]
pub fn substring<'py>(s: PyStr<'_, 'py>, start: usize, end: usize) -> PyResult<Handle<'py>> {
    let ctx = s.0.ctx();
    let start = isize::try_from(start).map_err(|_| PyErr::overflow_error("start too large"))?;
    let end = isize::try_from(end).map_err(|_| PyErr::overflow_error("end too large"))?;
    // SAFETY: a live str (checked by `PyStr`); result owned or NULL with an error set.
    unsafe {
        Handle::from_raw(
            ctx,
            ffi::HPyUnicode_Substring(ctx.as_ptr(), s.0.raw(), start as _, end as _),
        )
    }
}

/// `list(d.keys())` through `HPyDict_Keys`.
#[oxhpy::function]
pub fn dict_keys<'py>(d: PyDict<'_, 'py>) -> PyResult<Handle<'py>> {
    let ctx = d.0.ctx();
    // SAFETY: a live dict (checked by `PyDict`); result owned or NULL with an error set.
    unsafe { Handle::from_raw(ctx, ffi::HPyDict_Keys(ctx.as_ptr(), d.0.raw())) }
}

/// `d.copy()` through `HPyDict_Copy`.
#[oxhpy::function]
pub fn dict_copy<'py>(d: PyDict<'_, 'py>) -> PyResult<Handle<'py>> {
    let ctx = d.0.ctx();
    // SAFETY: a live dict (checked by `PyDict`); result owned or NULL with an error set.
    unsafe { Handle::from_raw(ctx, ffi::HPyDict_Copy(ctx.as_ptr(), d.0.raw())) }
}

/// `(start, stop, step)` of a slice through `HPySlice_Unpack` (before clamping to a length).
#[oxhpy::function]
pub fn slice_unpack(
    s: PySlice<'_, '_>,
) -> PyResult<(ffi::HPy_ssize_t, ffi::HPy_ssize_t, ffi::HPy_ssize_t)> {
    let (mut start, mut stop, mut step) = (0, 0, 0);
    // SAFETY: a live slice (checked by `PySlice`) and three writable integers.
    let rc = unsafe {
        ffi::HPySlice_Unpack(
            s.0.ctx().as_ptr(),
            s.0.raw(),
            &mut start,
            &mut stop,
            &mut step,
        )
    };
    if rc < 0 {
        return Err(PyErr::raised());
    }
    Ok((start, stop, step))
}

/// `f(a)` through the raw `HPy_Call`.
#[oxhpy::function]
pub fn raw_call<'py>(
    ctx: Ctx<'py>,
    f: Borrowed<'_, 'py>,
    a: Borrowed<'_, 'py>,
) -> PyResult<Handle<'py>> {
    let args = [a.raw()];
    // SAFETY: live callable and one live argument; no keywords.
    unsafe {
        Handle::from_raw(
            ctx,
            ffi::HPy_Call(ctx.as_ptr(), f.raw(), args.as_ptr(), 1, ffi::HPy_NULL),
        )
    }
}

/// `f(a, key=k)` through the raw `HPy_Call` with a `kwnames` tuple.
#[oxhpy::function]
pub fn raw_call_kw<'py>(
    ctx: Ctx<'py>,
    f: Borrowed<'_, 'py>,
    a: Borrowed<'_, 'py>,
    k: Borrowed<'_, 'py>,
) -> PyResult<Handle<'py>> {
    let kwnames = ("key",).into_py(ctx)?;
    let args = [a.raw(), k.raw()];
    // SAFETY: one positional and one keyword value, named by the live tuple `kwnames`.
    unsafe {
        Handle::from_raw(
            ctx,
            ffi::HPy_Call(ctx.as_ptr(), f.raw(), args.as_ptr(), 1, kwnames.raw()),
        )
    }
}

/// `obj.name()` through the raw `HPy_CallMethod`.
#[oxhpy::function]
pub fn raw_call_method<'py>(
    ctx: Ctx<'py>,
    obj: Borrowed<'_, 'py>,
    name: PyStr<'_, 'py>,
) -> PyResult<Handle<'py>> {
    let args = [obj.raw()];
    // SAFETY: a live str name and [receiver]; no keywords.
    unsafe {
        Handle::from_raw(
            ctx,
            ffi::HPy_CallMethod(ctx.as_ptr(), name.0.raw(), args.as_ptr(), 1, ffi::HPy_NULL),
        )
    }
}

/// `obj.name(arg)` through the raw `HPy_CallMethod`.
#[oxhpy::function]
pub fn raw_call_method1<'py>(
    ctx: Ctx<'py>,
    obj: Borrowed<'_, 'py>,
    name: PyStr<'_, 'py>,
    arg: Borrowed<'_, 'py>,
) -> PyResult<Handle<'py>> {
    let args = [obj.raw(), arg.raw()];
    // SAFETY: a live str name and [receiver, arg]; no keywords.
    unsafe {
        Handle::from_raw(
            ctx,
            ffi::HPy_CallMethod(ctx.as_ptr(), name.0.raw(), args.as_ptr(), 2, ffi::HPy_NULL),
        )
    }
}
