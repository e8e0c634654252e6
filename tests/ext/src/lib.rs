//! `oxhpy_testext._native`: the test extension of oxhpy.
//!
//! Every public behaviour of the safe layer has a small Python-visible function here, exercised by
//! `tests/test_*.py` on every interpreter and HPy mode:
//!
//! * the four calling conventions, defaults, `Option` parameters, `Ctx` parameters, renaming;
//! * conversions both ways (identity-like `echo_*` functions);
//! * panics, custom and built-in exceptions, propagation of exceptions raised by Python code;
//! * calls into Python through the context, and the `Object` methods;
//! * the 18 context members that PyPy 3.11 moved (see `hpy_sys::layout`), called through the raw
//!   `oxhpy::ffi` wrappers. The 19th, `SetCallFunction`, needs a class, which oxhpy cannot define
//!   yet: it is left out.
//!
//! Every handle a function opens is closed before it returns (the debug-mode leak detector runs
//! around every test), except in `leak_one_handle`, which leaks one on purpose.

/// Waits until a byte can be read from the non-blocking pipe `fd` (written by a Python thread),
/// or `timeout_ms` passes; whether the byte arrived.
fn wait_pipe(fd: i32, timeout_ms: u64) -> bool {
    use std::io::Read;
    use std::os::fd::FromRawFd;
    // SAFETY: the caller passes an open pipe fd it keeps owning; ManuallyDrop never closes it.
    let mut pipe = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(fd) });
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(timeout_ms);
    let mut byte = [0u8; 1];
    while std::time::Instant::now() < deadline {
        match pipe.read(&mut byte) {
            Ok(1) => return true,
            _ => std::thread::sleep(std::time::Duration::from_millis(1)),
        }
    }
    false
}

/// Test functions for oxhpy: one per public behaviour of the safe layer.
#[oxhpy::module]
pub mod _native {
    use crate::{PyCapsule, PyDict, PySlice, PyStr, PyType};
    use oxhpy::buffer::Release;
    use oxhpy::ffi;
    use oxhpy::prelude::*;
    use std::ffi::{c_void, CStr, CString};

    /// `oxhpy_testext.MyError`, created by `exec`.
    #[oxhpy::global]
    static MY_ERROR: Global;
    /// `oxhpy_testext.MyValueError` (derives from `ValueError`), created by `exec`.
    #[oxhpy::global]
    static MY_VALUE_ERROR: Global;
    /// Never stored: raising it shows what happens to a custom exception that was not created.
    #[oxhpy::global]
    static NEVER_SET: Global;
    /// Set by `remember`, read by `recall`.
    #[oxhpy::global]
    static REMEMBERED: Global;

    #[oxhpy::exec]
    fn exec(m: &Module<'_>) -> PyResult<()> {
        m.add_exception(
            &MY_ERROR,
            "MyError",
            None,
            "A custom exception of oxhpy_testext.",
        )?;
        m.add_exception(
            &MY_VALUE_ERROR,
            "MyValueError",
            Some(Exc::ValueError),
            "A custom ValueError of oxhpy_testext.",
        )?;
        m.add("VERSION", "1")?;
        m.add("ANSWER", 42i64)?;
        m.add("NOTHING", ())?;
        Ok(())
    }

    // ---------------------------------------------------------------------------------------
    // Calling conventions
    // ---------------------------------------------------------------------------------------

    /// No parameters (HPyFunc_NOARGS).
    #[oxhpy::function(sig = "noargs")]
    pub fn noargs() -> &'static str {
        "noargs"
    }

    /// One positional parameter (HPyFunc_O).
    #[oxhpy::function(sig = "o")]
    pub fn one(x: i64) -> i64 {
        x
    }

    /// Positional-only parameters with a default (HPyFunc_VARARGS).
    #[oxhpy::function(sig = "varargs")]
    pub fn positional(a: i64, #[oxhpy(default = 10)] b: i64) -> (i64, i64) {
        (a, b)
    }

    /// Positional-only, with an `Option` parameter (HPyFunc_VARARGS).
    #[oxhpy::function(sig = "varargs")]
    pub fn positional_opt(a: i64, b: Option<i64>) -> (i64, Option<i64>) {
        (a, b)
    }

    /// Positional or keyword parameters, a default and an `Option` (HPyFunc_KEYWORDS).
    #[oxhpy::function]
    pub fn keywords(
        a: i64,
        #[oxhpy(default = 2)] b: i64,
        c: Option<String>,
    ) -> (i64, i64, Option<String>) {
        (a, b, c)
    }

    /// Explicit `sig = "keywords"`, no parameters at all.
    #[oxhpy::function(sig = "keywords")]
    pub fn keywords_none() -> i64 {
        7
    }

    /// Six parameters; the last three have non-literal defaults.
    #[oxhpy::function]
    pub fn many(
        a: i64,
        b: &str,
        c: f64,
        #[oxhpy(default = i64::MAX)] d: i64,
        #[oxhpy(default = "dflt")] e: &str,
        f: Option<bool>,
    ) -> (i64, String, f64, i64, String, Option<bool>) {
        (a, b.to_owned(), c, d, e.to_owned(), f)
    }

    /// A function receiving the context: `list(range(n))`.
    #[oxhpy::function]
    pub fn with_ctx<'py>(ctx: Ctx<'py>, n: i64) -> PyResult<Handle<'py>> {
        if n < 0 {
            return Err(PyErr::value_error("n must be >= 0"));
        }
        (0..n).collect::<Vec<i64>>().into_py(ctx)
    }

    /// Exposed to Python as `renamed`.
    #[oxhpy::function(name = "renamed")]
    pub fn original_name() -> &'static str {
        "renamed"
    }

    /// Raw identifiers: Python sees `type(in)` (callable as `type(1)` or `type(**{"in": 1})`).
    #[oxhpy::function]
    pub fn r#type(r#in: i64) -> i64 {
        r#in
    }

    /// Returns nothing: Python sees `None`.
    #[oxhpy::function]
    pub fn unit() {}

    /// A `Result<T, PyErr>` (not `PyResult`) return type.
    #[oxhpy::function]
    pub fn checked_div(a: i64, b: i64) -> Result<i64, PyErr> {
        a.checked_div(b)
            .ok_or_else(|| PyErr::new(Exc::ZeroDivisionError, "checked_div by zero"))
    }

    // ---------------------------------------------------------------------------------------
    // Conversions
    // ---------------------------------------------------------------------------------------

    #[oxhpy::function]
    pub fn echo_i64(x: i64) -> i64 {
        x
    }

    #[oxhpy::function]
    pub fn echo_u64(x: u64) -> u64 {
        x
    }

    #[oxhpy::function]
    pub fn echo_i32(x: i32) -> i32 {
        x
    }

    #[oxhpy::function]
    pub fn echo_u32(x: u32) -> u32 {
        x
    }

    #[oxhpy::function]
    pub fn echo_usize(x: usize) -> usize {
        x
    }

    #[oxhpy::function]
    pub fn echo_isize(x: isize) -> isize {
        x
    }

    #[oxhpy::function]
    pub fn echo_u8(x: u8) -> u8 {
        x
    }

    #[oxhpy::function]
    pub fn echo_f64(x: f64) -> f64 {
        x
    }

    #[oxhpy::function]
    pub fn echo_bool(x: bool) -> bool {
        x
    }

    #[oxhpy::function]
    pub fn echo_str(x: &str) -> &str {
        x
    }

    #[oxhpy::function]
    pub fn echo_string(x: String) -> String {
        x
    }

    /// `len(x)` in Unicode scalar values, computed in Rust: proves the `&str` is real UTF-8.
    #[oxhpy::function]
    pub fn str_char_count(x: &str) -> usize {
        x.chars().count()
    }

    #[oxhpy::function]
    pub fn echo_bytes(x: &[u8]) -> &[u8] {
        x
    }

    #[oxhpy::function]
    pub fn echo_vec_u8(x: Vec<u8>) -> Vec<u8> {
        x
    }

    #[oxhpy::function]
    pub fn echo_opt_i64(x: Option<i64>) -> Option<i64> {
        x
    }

    #[oxhpy::function]
    pub fn echo_opt_str(x: Option<&str>) -> Option<&str> {
        x
    }

    #[oxhpy::function]
    pub fn echo_tuple(x: (i64, String)) -> (i64, String) {
        x
    }

    #[oxhpy::function]
    pub fn echo_tuple1(x: (i64,)) -> (i64,) {
        x
    }

    #[oxhpy::function]
    pub fn echo_tuple6(
        x: (bool, i64, f64, String, Option<i64>, Vec<i64>),
    ) -> (bool, i64, f64, String, Option<i64>, Vec<i64>) {
        x
    }

    #[oxhpy::function]
    pub fn echo_vec_i64(x: Vec<i64>) -> Vec<i64> {
        x
    }

    #[oxhpy::function]
    pub fn echo_vec_f64(x: Vec<f64>) -> Vec<f64> {
        x
    }

    #[oxhpy::function]
    pub fn echo_vec_string(x: Vec<String>) -> Vec<String> {
        x
    }

    #[oxhpy::function]
    pub fn echo_vec_opt(x: Vec<Option<i64>>) -> Vec<Option<i64>> {
        x
    }

    #[oxhpy::function]
    pub fn echo_vec_vec(x: Vec<Vec<i64>>) -> Vec<Vec<i64>> {
        x
    }

    #[oxhpy::function]
    pub fn echo_vec_tuple(x: Vec<(i64, String)>) -> Vec<(i64, String)> {
        x
    }

    #[oxhpy::function]
    pub fn echo_vec_handle<'py>(x: Vec<Handle<'py>>) -> Vec<Handle<'py>> {
        x
    }

    /// Returns the very object it got (an owned `Handle`).
    #[oxhpy::function]
    pub fn echo_handle<'py>(x: Handle<'py>) -> Handle<'py> {
        x
    }

    /// Returns the very object it got (a `Borrowed`, duplicated on return).
    #[oxhpy::function]
    pub fn echo_borrowed<'a, 'py>(x: Borrowed<'a, 'py>) -> Borrowed<'a, 'py> {
        x
    }

    /// `IntoPy` for references: `(&String, &Handle)`.
    #[oxhpy::function]
    pub fn into_refs<'py>(s: String, h: Handle<'py>) -> PyResult<(Handle<'py>, Handle<'py>)> {
        let ctx = h.ctx();
        Ok(((&s).into_py(ctx)?, (&h).into_py(ctx)?))
    }

    /// A `str` built in Rust with interior NUL bytes (the `HPyUnicode_FromEncodedObject` path).
    #[oxhpy::function]
    pub fn str_with_nul() -> String {
        "a\0b\0".to_owned()
    }

    /// What `extremes` returns.
    pub type Extremes = (
        Vec<u64>,
        Vec<i64>,
        (i32, i32, u32, usize, isize, isize),
        Vec<f64>,
    );

    /// Extremes of every integer type and special floats, converted to Python.
    #[oxhpy::function]
    pub fn extremes() -> Extremes {
        (
            vec![u64::MAX, 0],
            vec![i64::MIN, i64::MAX],
            (
                i32::MIN,
                i32::MAX,
                u32::MAX,
                usize::MAX,
                isize::MIN,
                isize::MAX,
            ),
            vec![f64::INFINITY, f64::NEG_INFINITY, -0.0, f64::MIN_POSITIVE],
        )
    }

    /// A NaN (compared with `math.isnan` in Python).
    #[oxhpy::function]
    pub fn nan() -> f64 {
        f64::NAN
    }

    // ---------------------------------------------------------------------------------------
    // Errors and panics
    // ---------------------------------------------------------------------------------------

    /// Panics with `msg` (a `String` payload).
    #[oxhpy::function]
    pub fn panic_now(msg: &str) {
        panic!("{msg}")
    }

    /// Panics with a `&'static str` payload.
    #[oxhpy::function]
    pub fn panic_static() {
        panic!("static panic message")
    }

    /// Panics with a payload that is not a string (`panic_any(42)`).
    #[oxhpy::function]
    pub fn panic_non_string() {
        std::panic::panic_any(42i32)
    }

    /// Panics with a payload whose `Drop` panics in turn.
    #[oxhpy::function]
    pub fn panic_payload_drop_panics() {
        std::panic::panic_any(crate::DropPanics)
    }

    /// Panics while an exception (ImportError) is already set in the interpreter.
    #[oxhpy::function]
    pub fn panic_with_error_set(ctx: Ctx<'_>) {
        let failed = ctx.import("oxhpy_testext_no_such_module");
        assert!(failed.is_err() && ctx.err_occurred());
        panic!("panic after an ImportError")
    }

    /// `Err(PyErr::custom(&MY_ERROR, msg))`.
    #[oxhpy::function]
    pub fn raise_my_error(msg: String) -> PyResult<()> {
        Err(PyErr::custom(&MY_ERROR, msg))
    }

    /// `Err(PyErr::custom(&MY_VALUE_ERROR, msg))`.
    #[oxhpy::function]
    pub fn raise_my_value_error(msg: String) -> PyResult<()> {
        Err(PyErr::custom(&MY_VALUE_ERROR, msg))
    }

    /// A custom exception whose global was never stored.
    #[oxhpy::function]
    pub fn raise_never_set(msg: String) -> PyResult<()> {
        Err(PyErr::custom(&NEVER_SET, msg))
    }

    /// `Err(PyErr::custom(&REMEMBERED, msg))`: whatever `remember` stored, exception class or not.
    #[oxhpy::function]
    pub fn raise_remembered(msg: String) -> PyResult<()> {
        Err(PyErr::custom(&REMEMBERED, msg))
    }

    /// Calls `f()` and drops the error it raises (if any), then returns 42: the exception must
    /// not stay set (which CPython reports as "returned a result with an exception set").
    #[oxhpy::function]
    pub fn ignore_raised(f: Borrowed<'_, '_>) -> i64 {
        let _ignored = f.call(());
        42
    }

    /// Reads `obj`'s bytes and, with the view still alive, calls `f()`; `f`'s exception must come
    /// through unchanged (releasing the view must not run Python with it pending).
    #[oxhpy::function]
    pub fn read_then_call(obj: Borrowed<'_, '_>, f: Borrowed<'_, '_>) -> PyResult<u64> {
        let view = oxhpy::buffer::ReadView::<u8>::new(obj)?;
        let sum = view.run(Release::NEVER, |s| s.iter().map(|&b| b as u64).sum::<u64>())?;
        f.call(())?;
        Ok(sum)
    }

    /// Raises the built-in exception named `kind` (any `oxhpy::Exc`) with `msg`.
    #[oxhpy::function]
    pub fn raise_builtin(kind: &str, msg: String) -> PyResult<()> {
        match crate::exc_by_name(kind) {
            Some(e) => Err(PyErr::new(e, msg)),
            None => Err(PyErr::value_error(format!(
                "unknown exception kind {kind:?}"
            ))),
        }
    }

    /// The names `raise_builtin` accepts.
    #[oxhpy::function]
    pub fn builtin_exception_names() -> Vec<&'static str> {
        crate::EXCEPTIONS.iter().map(|(n, _)| *n).collect()
    }

    /// `Err(PyErr::raised())` with no exception set: must become a SystemError.
    #[oxhpy::function]
    pub fn raised_without_exception() -> PyResult<()> {
        Err(PyErr::raised())
    }

    /// The Rust-side API of `PyErr`: `is`, `message`, `with_context`, `Display`, `Debug`.
    #[oxhpy::function]
    pub fn err_api() -> (Vec<bool>, Vec<Option<String>>, Vec<String>) {
        let e = PyErr::new(Exc::KeyError, "k");
        let t = PyErr::type_error("t");
        let v = PyErr::value_error("v");
        let o = PyErr::overflow_error("o");
        let r = PyErr::raised();
        let c = PyErr::custom(&MY_ERROR, "c");
        let is = vec![
            e.is(Exc::KeyError),
            e.is(Exc::LookupError),
            t.is(Exc::TypeError),
            v.is(Exc::ValueError),
            o.is(Exc::OverflowError),
            r.is(Exc::SystemError),
            c.is(Exc::Exception),
        ];
        let messages = vec![
            e.message().map(str::to_owned),
            r.message().map(str::to_owned),
            c.message().map(str::to_owned),
        ];
        let ctx_e = PyErr::value_error("bad").with_context("argument 'z': ");
        let ctx_r = PyErr::raised().with_context("ignored: ");
        let texts = vec![
            ctx_e.message().unwrap_or_default().to_owned(),
            format!("{:?}", ctx_r.message()),
            format!("{e}"),
            format!("{r:?}"),
            format!("{c}"),
            std::error::Error::source(&e).is_none().to_string(),
        ];
        (is, messages, texts)
    }

    /// `f(a, b)` through `Object::call`: exceptions raised by `f` propagate unchanged.
    #[oxhpy::function]
    pub fn call<'py>(
        f: Borrowed<'_, 'py>,
        a: Handle<'py>,
        b: Handle<'py>,
    ) -> PyResult<Handle<'py>> {
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
    pub fn obj_setattr<'py>(
        obj: Borrowed<'_, 'py>,
        name: &str,
        value: Handle<'py>,
    ) -> PyResult<()> {
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

    /// Waits, with the interpreter released when `release` is true, until a byte can be read
    /// from the non-blocking pipe `fd` (written by a Python thread), or `timeout_ms` passes.
    /// Returns whether the byte arrived: only possible if other Python threads could run.
    #[oxhpy::function]
    pub fn wait_for_pipe(ctx: Ctx<'_>, fd: i32, timeout_ms: u64, release: bool) -> bool {
        let wait = move || crate::wait_pipe(fd, timeout_ms);
        if release {
            ctx.allow_threads(wait)
        } else {
            wait()
        }
    }

    /// Panics inside `allow_threads`: the panic must come back as PanicException.
    #[oxhpy::function]
    pub fn panic_while_released(ctx: Ctx<'_>) {
        ctx.allow_threads(|| panic!("boom while released"));
    }

    /// ByteStore(data: bytes): owns a copy of `data` and exports it read-only (HPy_bf_getbuffer).
    #[oxhpy::class]
    pub struct ByteStore {
        data: Vec<u8>,
    }

    #[oxhpy::methods]
    impl ByteStore {
        #[new]
        fn new(data: Vec<u8>) -> Self {
            ByteStore { data }
        }

        /// Appends a byte: refused while a memoryview of the store is alive.
        fn append(&mut self, b: u8) {
            self.data.push(b);
        }

        fn __buffer__(&self) -> oxhpy::buffer::Exported<'_> {
            oxhpy::buffer::Exported::of(&self.data)
        }
    }

    /// Shifty(data): each export exports one byte more than the one before (interior mutability
    /// under `&self`): while an export is alive, another shape must be refused, never written over
    /// the live export's shape.
    #[oxhpy::class]
    pub struct Shifty {
        data: Vec<u8>,
        exports: std::sync::atomic::AtomicUsize,
    }

    #[oxhpy::methods]
    impl Shifty {
        #[new]
        fn new(data: Vec<u8>) -> Self {
            Shifty {
                data,
                exports: Default::default(),
            }
        }

        fn __buffer__(&self) -> oxhpy::buffer::Exported<'_> {
            let i = self
                .exports
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            oxhpy::buffer::Exported::of(&self.data[..1 + i % self.data.len()])
        }
    }

    /// WordStore(n): exports n u32 words (format 'I') computed from their index.
    #[oxhpy::class]
    pub struct WordStore {
        words: Vec<u32>,
    }

    #[oxhpy::methods]
    impl WordStore {
        #[new]
        fn new(n: usize) -> Self {
            WordStore {
                words: (0..n as u32)
                    .map(|i| i.wrapping_mul(2_654_435_761))
                    .collect(),
            }
        }

        fn __buffer__(&self) -> PyResult<oxhpy::buffer::Exported<'_>> {
            Ok(oxhpy::buffer::Exported::of(&self.words))
        }
    }

    /// FormatStore(data: bytes, format: str): exports `data` read-only with `format`, one `struct`
    /// item such as '>I' or '=L' (ValueError for any other), to test how consumers read formats.
    #[oxhpy::class]
    pub struct FormatStore {
        data: Vec<u8>,
        format: CString,
    }

    #[oxhpy::methods]
    impl FormatStore {
        #[new]
        fn new(data: Vec<u8>, format: String) -> PyResult<Self> {
            let format = CString::new(format).map_err(|e| PyErr::value_error(e.to_string()))?;
            oxhpy::buffer::Exported::with_format(&data, &format)?;
            Ok(FormatStore { data, format })
        }

        fn __buffer__(&self) -> PyResult<oxhpy::buffer::Exported<'_>> {
            oxhpy::buffer::Exported::with_format(&self.data, &self.format)
        }
    }

    /// The address `oxhpy::buffer::read` sees for `obj`'s bytes (its first byte's address when the
    /// view is zero-copy, a copy's otherwise) and the sum of those bytes.
    #[oxhpy::function]
    pub fn read_address(obj: Borrowed<'_, '_>) -> PyResult<(usize, u64)> {
        oxhpy::buffer::read::<u8, _>(obj, |s| {
            (s.as_ptr() as usize, s.iter().map(|&b| b as u64).sum())
        })
    }

    /// The address `oxhpy::buffer::write` sees for `obj`'s bytes; adds 1 to every byte.
    #[oxhpy::function]
    pub fn write_address(obj: Borrowed<'_, '_>) -> PyResult<usize> {
        oxhpy::buffer::write::<u8, _>(obj, |s| {
            s.iter_mut().for_each(|b| *b = b.wrapping_add(1));
            s.as_ptr() as usize
        })
    }

    /// How a read-only (or, with `writable`, a writable) view of `obj` as bytes reaches its memory:
    /// `"c-api"`, `"python"` or `"bytes"` (`ReadView::route`).
    #[oxhpy::function]
    pub fn view_route(obj: Borrowed<'_, '_>, writable: bool) -> PyResult<&'static str> {
        if writable {
            Ok(oxhpy::buffer::WriteView::<u8>::new(obj)?.route())
        } else {
            Ok(oxhpy::buffer::ReadView::<u8>::new(obj)?.route())
        }
    }

    /// Whether views may use CPython's own buffer API (`oxhpy::buffer::use_c_api`).
    #[oxhpy::function]
    pub fn use_c_api(on: bool) {
        oxhpy::buffer::use_c_api(on)
    }

    /// As `read_then_call`, through a writable view.
    #[oxhpy::function]
    pub fn write_then_call(obj: Borrowed<'_, '_>, f: Borrowed<'_, '_>) -> PyResult<()> {
        let mut view = oxhpy::buffer::WriteView::<u8>::new(obj)?;
        view.run(Release::NEVER, |s| {
            s.iter_mut().for_each(|b| *b = b.wrapping_add(1))
        })?;
        f.call(())?;
        Ok(())
    }

    /// How the `*_released` functions below release the interpreter: 0 held, 1 `Release::above(0)`
    /// (a copy of a mutable exporter's memory), 2 `above_in_place(0)`.
    fn release_kind(kind: u8) -> PyResult<Release> {
        match kind {
            0 => Ok(Release::NEVER),
            1 => Ok(Release::above(0)),
            // SAFETY: the tests that pass 2 write none of these buffers from Python meanwhile.
            2 => Ok(unsafe { Release::above_in_place(0) }),
            _ => Err(PyErr::value_error("release kind must be 0, 1 or 2")),
        }
    }

    /// As `read_address`, with the closure run as `release_kind(kind)` says.
    #[oxhpy::function]
    pub fn read_address_released(obj: Borrowed<'_, '_>, kind: u8) -> PyResult<(usize, u64)> {
        let view = oxhpy::buffer::ReadView::<u8>::new(obj)?;
        view.run(release_kind(kind)?, |s| {
            (s.as_ptr() as usize, s.iter().map(|&b| b as u64).sum())
        })
    }

    /// As `write_address`, with the closure run as `release_kind(kind)` says.
    #[oxhpy::function]
    pub fn write_address_released(obj: Borrowed<'_, '_>, kind: u8) -> PyResult<usize> {
        let mut view = oxhpy::buffer::WriteView::<u8>::new(obj)?;
        view.run(release_kind(kind)?, |s| {
            s.iter_mut().for_each(|b| *b = b.wrapping_add(1));
            s.as_ptr() as usize
        })
    }

    /// `dst[i] = a[i] + b[i]` (wrapping) over 1-byte buffers, run as `release_kind(kind)` says.
    #[oxhpy::function]
    pub fn add_bytes(
        dst: Borrowed<'_, '_>,
        a: Borrowed<'_, '_>,
        b: Borrowed<'_, '_>,
        kind: u8,
    ) -> PyResult<()> {
        oxhpy::buffer::zip_map(
            dst,
            a,
            b,
            |x: u8, y: u8| x.wrapping_add(y),
            release_kind(kind)?,
        )
    }

    /// Holds a writable view of `obj` released in place (kind 2) or on a copy (kind 1): writes a
    /// byte to `ready_fd` once inside, waits until a byte arrives on the non-blocking pipe `fd` or
    /// `timeout_ms` passes, then adds 1 to every byte. Returns whether the byte arrived.
    #[oxhpy::function]
    pub fn write_released_until(
        obj: Borrowed<'_, '_>,
        kind: u8,
        ready_fd: i32,
        fd: i32,
        timeout_ms: u64,
    ) -> PyResult<bool> {
        let mut view = oxhpy::buffer::WriteView::<u8>::new(obj)?;
        view.run(release_kind(kind)?, move |s| {
            use std::io::Write;
            use std::os::fd::FromRawFd;
            // SAFETY: the caller passes an open pipe fd it keeps owning; ManuallyDrop never closes it.
            let mut ready =
                std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(ready_fd) });
            let _ = ready.write_all(b"r");
            let got = crate::wait_pipe(fd, timeout_ms);
            s.iter_mut().for_each(|b| *b = b.wrapping_add(1));
            got
        })
    }

    use oxhpy::{Field, PyRef};

    /// Node(name): subclassable (Python classes may derive from it) and a GC type (it holds a
    /// `Field`); its payload owns heap memory, so a payload found at the wrong offset (a runtime
    /// that mislays the struct of a subclass instance) crashes or misreads.
    #[oxhpy::class(subclass)]
    pub struct Node {
        name: String,
        item: oxhpy::Field,
    }

    #[oxhpy::methods]
    impl Node {
        #[new]
        fn new(name: String) -> Self {
            Node {
                name,
                item: oxhpy::Field::default(),
            }
        }

        #[getter]
        fn name(&self) -> String {
            self.name.clone()
        }

        /// A method: `"<name> greets <other>"`.
        fn greet(&self, other: &str) -> String {
            format!("{} greets {other}", self.name)
        }

        /// Stores `item` in this node's `Field` (a method that takes its object as `slf`).
        fn set_item(slf: PyRef<'_, Self>, item: Borrowed<'_, '_>) -> PyResult<()> {
            slf.item.store(&slf, &item)
        }

        /// The object in this node's `Field`, or `None` (a getter that takes its object).
        #[getter]
        fn item(slf: PyRef<'_, Self>) -> PyResult<Option<Handle<'_>>> {
            slf.item.load(&slf)
        }

        /// Empties this node's `Field`.
        fn clear_item(slf: PyRef<'_, Self>) -> PyResult<()> {
            slf.item.clear(&slf)
        }

        /// The node itself (returned through the handle its `PyRef` carries).
        fn me(slf: PyRef<'_, Self>) -> Handle<'_> {
            slf.as_borrowed().dup()
        }
    }

    /// A panic payload whose `Drop` panics with a [`crate::DropPanics`], whose `Drop` panics again.
    struct DropPanicsTwice;

    impl Drop for DropPanicsTwice {
        fn drop(&mut self) {
            std::panic::panic_any(crate::DropPanics);
        }
    }

    /// DropBomb(): dropping it panics with a [`crate::DropPanics`] (whose `Drop` panics in turn):
    /// `tp_destroy` must survive both, with no context to report them to.
    #[oxhpy::class]
    pub struct DropBomb {}

    impl Drop for DropBomb {
        fn drop(&mut self) {
            std::panic::panic_any(crate::DropPanics);
        }
    }

    #[oxhpy::methods]
    impl DropBomb {
        #[new]
        fn new() -> Self {
            DropBomb {}
        }
    }

    /// Panics with a [`DropPanicsTwice`]: must raise PanicException, not abort.
    #[oxhpy::function]
    pub fn panic_payload_drop_panics_twice() {
        std::panic::panic_any(DropPanicsTwice);
    }

    /// Stores `item` in `node`'s `Field` (a reference cycle when `item` refers back to `node`).
    #[oxhpy::function]
    pub fn node_set_item(node: Borrowed<'_, '_>, item: Borrowed<'_, '_>) -> PyResult<()> {
        let r = oxhpy::class::extract_ref::<Node>(node)?;
        r.item.store(&r, &item)
    }

    /// The object in `node`'s `Field`, or `None`.
    #[oxhpy::function]
    pub fn node_get_item(node: PyRef<'_, Node>) -> PyResult<Option<Handle<'_>>> {
        node.item.load(&node)
    }

    /// Misuse: stores `item` in `a`'s `Field` with `b` as its owner (`ValueError` unless `a is b`).
    #[oxhpy::function]
    pub fn node_store_with_owner(
        a: PyRef<'_, Node>,
        b: PyRef<'_, Node>,
        item: Borrowed<'_, '_>,
    ) -> PyResult<()> {
        a.item.store(&b, &item)
    }

    /// Misuse: loads `a`'s `Field` with `b` as its owner (`ValueError` unless `a is b`).
    #[oxhpy::function]
    pub fn node_load_with_owner<'a>(
        a: PyRef<'a, Node>,
        b: PyRef<'a, Node>,
    ) -> PyResult<Option<Handle<'a>>> {
        a.item.load(&b)
    }

    thread_local! {
        /// A `Field` no object holds (a thread-local compiles: it is never shared).
        static LOOSE_FIELD: oxhpy::Field = oxhpy::Field::default();
    }

    /// Misuse: stores `item` in a `Field` that is not a member of `owner`: a thread-local
    /// (`where_ == "thread_local"`), a local, or the field of a `Node` value that is not in an
    /// object. Each raises `ValueError`; the field stays empty.
    #[oxhpy::function]
    pub fn store_in_loose_field(
        owner: PyRef<'_, Node>,
        item: Borrowed<'_, '_>,
        where_: &str,
    ) -> PyResult<bool> {
        let (stored, empty) = match where_ {
            "thread_local" => LOOSE_FIELD.with(|f| (f.store(&owner, &item), f.load(&owner))),
            "local" => {
                let f = oxhpy::Field::default();
                (f.store(&owner, &item), f.load(&owner))
            }
            _ => {
                let n = Node::new("detached".to_owned());
                (n.item.store(&owner, &item), n.item.load(&owner))
            }
        };
        stored?;
        Ok(empty.is_err())
    }

    /// Outer(): holds a `Node` value, whose `Field` is then no member of `Outer` (nothing
    /// traverses it): storing into it raises `ValueError`.
    #[oxhpy::class]
    pub struct Outer {
        inner: Node,
    }

    #[oxhpy::methods]
    impl Outer {
        #[new]
        fn new() -> Self {
            Outer {
                inner: Node::new("inner".to_owned()),
            }
        }

        /// Misuse: stores `item` in the nested node's `Field`, with this object as owner.
        fn store_nested(slf: PyRef<'_, Self>, item: Borrowed<'_, '_>) -> PyResult<()> {
            slf.inner.item.store(&slf, &item)
        }
    }

    thread_local! {
        /// The fields that dropped `Leaky` values moved out of themselves.
        static TAKEN: std::cell::RefCell<Vec<Field>> = const { std::cell::RefCell::new(Vec::new()) };
    }

    /// Leaky(): its `Drop` moves its `Field` out (into [`TAKEN`]), for [`leaky_revive`].
    #[oxhpy::class]
    pub struct Leaky {
        item: Field,
    }

    impl Drop for Leaky {
        fn drop(&mut self) {
            let item = std::mem::take(&mut self.item);
            TAKEN.with(|t| t.borrow_mut().push(item));
        }
    }

    #[oxhpy::methods]
    impl Leaky {
        #[new]
        fn new() -> Self {
            Leaky {
                item: Field::default(),
            }
        }

        /// Stores `item` in the field.
        fn set_item(slf: PyRef<'_, Self>, item: Borrowed<'_, '_>) -> PyResult<()> {
            slf.item.store(&slf, &item)
        }

        /// The object in the field, or `None`.
        #[getter]
        fn item(slf: PyRef<'_, Self>) -> PyResult<Option<Handle<'_>>> {
            slf.item.load(&slf)
        }
    }

    /// A new `Leaky` around a `Field` that a dropped one moved out of itself (`None` if there is
    /// none): it must be empty, not a reference the GC stopped tracking.
    #[oxhpy::function]
    pub fn leaky_revive() -> Option<Leaky> {
        TAKEN
            .with(|t| t.borrow_mut().pop())
            .map(|item| Leaky { item })
    }

    /// Pair(): a frozen class (it holds `Field`s) whose mutable state is an atomic.
    #[oxhpy::class]
    pub struct Pair {
        first: Field,
        second: ::oxhpy::Field,
        stores: std::sync::atomic::AtomicUsize,
    }

    #[oxhpy::methods]
    impl Pair {
        #[new]
        fn new() -> Self {
            Pair {
                first: Field::default(),
                second: Field::default(),
                stores: std::sync::atomic::AtomicUsize::new(0),
            }
        }

        /// Stores `a` and `b`; returns how many stores this pair has had.
        fn set(slf: PyRef<'_, Self>, a: Borrowed<'_, '_>, b: Borrowed<'_, '_>) -> PyResult<usize> {
            slf.first.store(&slf, &a)?;
            slf.second.store(&slf, &b)?;
            Ok(slf
                .stores
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                + 1)
        }

        /// `(first, second)`.
        fn get(slf: PyRef<'_, Self>) -> PyResult<(Option<Handle<'_>>, Option<Handle<'_>>)> {
            Ok((slf.first.load(&slf)?, slf.second.load(&slf)?))
        }

        /// Misuse: stores `a` into `other`'s first field with this pair as owner.
        fn store_into_other(
            slf: PyRef<'_, Self>,
            other: PyRef<'_, Pair>,
            a: Borrowed<'_, '_>,
        ) -> PyResult<()> {
            other.first.store(&slf, &a)
        }
    }

    /// Caller(): callable (HPy_tp_call) whose instances can get their own call function.
    #[oxhpy::class]
    pub struct Caller {}

    #[oxhpy::methods]
    impl Caller {
        #[new]
        fn new() -> Self {
            Caller {}
        }

        fn __call__(&self, x: i64) -> String {
            format!("default {x}")
        }
    }

    /// The per-instance call function installed by `set_special_call` (HPy_SetCallFunction).
    struct SpecialCall(std::cell::UnsafeCell<oxhpy::ffi::HPyCallFunction>);
    // SAFETY: immutable after construction; HPy only reads it.
    unsafe impl Sync for SpecialCall {}

    struct SpecialEntry;

    unsafe extern "C" fn special_impl(
        ctx: *mut oxhpy::ffi::HPyContext,
        _self: oxhpy::ffi::HPy,
        _args: *const oxhpy::ffi::HPy,
        nargs: usize,
        _kwnames: oxhpy::ffi::HPy,
    ) -> oxhpy::ffi::HPy {
        let n = nargs & !oxhpy::ffi::PY_VECTORCALL_ARGUMENTS_OFFSET;
        // SAFETY: called by the interpreter with its live context.
        unsafe {
            oxhpy::impl_::run(ctx, |py| {
                format!("special with {n} args")
                    .into_py(py)
                    .map(Handle::into_raw)
            })
        }
    }

    // SAFETY: IMPL is `special_impl`, an `HPyFunc_KEYWORDS` impl, as `cpy_keywords` expects.
    unsafe impl oxhpy::impl_::Entry for SpecialEntry {
        // SAFETY: `special_impl` has type `KeywordsImpl`, the signature recorded with it.
        const IMPL: oxhpy::ffi::HPyCFunction = unsafe {
            oxhpy::impl_::cfunc!(
                special_impl as oxhpy::impl_::KeywordsImpl,
                oxhpy::impl_::KeywordsImpl
            )
        };
    }

    static SPECIAL: SpecialCall =
        SpecialCall(std::cell::UnsafeCell::new(oxhpy::ffi::HPyCallFunction {
            cpy_trampoline: Some(oxhpy::impl_::cpy_keywords::<SpecialEntry>),
            impl_: Some(special_impl),
        }));

    /// Gives `obj` (a Caller) its own call function through HPy_SetCallFunction (a shifted member).
    #[oxhpy::function]
    pub fn set_special_call(ctx: Ctx<'_>, obj: Borrowed<'_, '_>) -> PyResult<()> {
        if !oxhpy::class::is_instance::<Caller>(&obj)? {
            return Err(PyErr::type_error("expected a Caller"));
        }
        // SAFETY: `obj` is a live Caller, whose type has HPy_tp_call; SPECIAL is static.
        if unsafe { oxhpy::ffi::HPy_SetCallFunction(ctx.as_ptr(), obj.raw(), SPECIAL.0.get()) } < 0
        {
            return Err(PyErr::raised());
        }
        Ok(())
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
                ffi::HPyCapsule_GetPointer(c, h, CAPSULE_NAME.as_ptr())
                    == capsule_ptr(&CAPSULE_VALUE),
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
                ffi::HPyCapsule_Set(c, h, ffi::HPyCapsule_key_Pointer, capsule_ptr(&OTHER_VALUE))
                    == 0,
            ));
            checks.push((
                "get_new_pointer",
                ffi::HPyCapsule_GetPointer(c, h, CAPSULE_NAME.as_ptr())
                    == capsule_ptr(&OTHER_VALUE),
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
        let p = unsafe {
            ffi::HPyCapsule_GetPointer(ctx.as_ptr(), cap.0.raw(), c"wrong.name".as_ptr())
        };
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
}

use oxhpy::convert::wrong_type;
use oxhpy::prelude::*;
use oxhpy::{ffi, FromPy};

/// A panic payload whose `Drop` panics in turn.
pub struct DropPanics;

impl Drop for DropPanics {
    fn drop(&mut self) {
        panic!("DropPanics dropped")
    }
}

/// Argument types that keep the handle (for the raw `ffi` calls) after checking the object's type.
/// They show that `FromPy` can be implemented outside oxhpy, and that a `TypeError` from a user
/// `FromPy` is named after the argument too.
macro_rules! checked_handle {
    ($($name:ident: $what:literal = |$c:ident, $h:ident| $check:expr;)*) => {$(
        #[doc = concat!("A `", $what, "` argument, as a borrowed handle.")]
        pub struct $name<'a, 'py>(pub Borrowed<'a, 'py>);

        impl<'a, 'py> FromPy<'a, 'py> for $name<'a, 'py> {
            fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
                let ($c, $h) = (obj.ctx().as_ptr(), obj.raw());
                // SAFETY: live context and handle; the checks only read the object's type and
                // the context's type constants.
                if unsafe { $check } {
                    Ok($name(obj))
                } else {
                    Err(wrong_type(&obj, $what))
                }
            }
        }
    )*};
}

checked_handle! {
    PyStr: "str" = |c, h| ffi::HPyUnicode_Check(c, h) != 0;
    PyDict: "dict" = |c, h| ffi::HPyDict_Check(c, h) != 0;
    PyType: "type" = |c, h| ffi::HPy_TypeCheck(c, h, (*c).h_TypeType) != 0;
    PySlice: "slice" = |c, h| ffi::HPy_TypeCheck(c, h, (*c).h_SliceType) != 0;
    PyCapsule: "capsule" = |c, h| ffi::HPy_TypeCheck(c, h, (*c).h_CapsuleType) != 0;
}

/// Every built-in exception `raise_builtin` knows, by Python name.
pub const EXCEPTIONS: &[(&str, Exc)] = &[
    ("BaseException", Exc::BaseException),
    ("Exception", Exc::Exception),
    ("ArithmeticError", Exc::ArithmeticError),
    ("AssertionError", Exc::AssertionError),
    ("AttributeError", Exc::AttributeError),
    ("BufferError", Exc::BufferError),
    ("EOFError", Exc::EOFError),
    ("FloatingPointError", Exc::FloatingPointError),
    ("ImportError", Exc::ImportError),
    ("IndexError", Exc::IndexError),
    ("KeyError", Exc::KeyError),
    ("LookupError", Exc::LookupError),
    ("MemoryError", Exc::MemoryError),
    ("NameError", Exc::NameError),
    ("NotImplementedError", Exc::NotImplementedError),
    ("OSError", Exc::OSError),
    ("OverflowError", Exc::OverflowError),
    ("RecursionError", Exc::RecursionError),
    ("RuntimeError", Exc::RuntimeError),
    ("StopIteration", Exc::StopIteration),
    ("SystemError", Exc::SystemError),
    ("TimeoutError", Exc::TimeoutError),
    ("TypeError", Exc::TypeError),
    ("UnicodeError", Exc::UnicodeError),
    ("ValueError", Exc::ValueError),
    ("ZeroDivisionError", Exc::ZeroDivisionError),
    ("Warning", Exc::Warning),
    ("RuntimeWarning", Exc::RuntimeWarning),
    ("UserWarning", Exc::UserWarning),
];

/// The `Exc` called `name`.
pub fn exc_by_name(name: &str) -> Option<Exc> {
    EXCEPTIONS.iter().find(|(n, _)| *n == name).map(|(_, e)| *e)
}

/// A module global declared outside the `#[oxhpy::module]` mod (used by `global_slot`).
mod elsewhere {
    use oxhpy::Global;

    #[oxhpy::global]
    pub static ELSEWHERE: Global;
}
