//! Python objects that oxhpy itself looks up on hot paths (`memoryview`, `[:]`, `bytearray`,
//! `array.array`, `dict`, the buffer address helper, the built-ins `iter`, `next`, `delattr`, `operator`),
//! kept in `HPyGlobal`s after the first use. Every
//! `#[oxhpy::module]` lists these globals in its module definition, as HPy requires.
use crate::context::Ctx;
use crate::err::PyResult;
use crate::handle::{Handle, Object};
use crate::module::Global;

/// How many objects are cached.
pub const COUNT: usize = 11;

/// The cached objects, indexed by [`Cached`].
pub static GLOBALS: [Global; COUNT] = [const { Global::new() }; COUNT];

/// What is cached.
#[derive(Clone, Copy)]
pub(crate) enum Cached {
    /// `slice(None)`: `[:]`.
    Slice = 0,
    /// `view(obj, writable)` from `buffer_address.py`.
    View = 1,
    /// `memoryview.release`.
    Release = 2,
    /// The built-in `iter`.
    Iter = 3,
    /// The built-in `next`.
    Next = 4,
    /// The built-in `delattr`.
    DelAttr = 5,
    /// The module `operator` (GraalPy's portability fixes).
    Operator = 6,
    /// The built-in `bytearray`.
    ByteArray = 7,
    /// `array.array`.
    Array = 8,
    Dict = 9,
    /// `numpy.ndarray`, once numpy is imported ([`ndarray`]).
    NdArray = 10,
}

/// The cached object, looked up on first use.
pub(crate) fn get(ctx: Ctx<'_>, what: Cached) -> PyResult<Handle<'_>> {
    let global = &GLOBALS[what as usize];
    if let Some(h) = global.load(ctx) {
        return Ok(h);
    }
    let h = match what {
        Cached::Release => ctx.builtins_fn("memoryview")?.getattr("release")?,
        Cached::Slice => ctx.builtins_fn("slice")?.call((ctx.none(),))?,
        Cached::ByteArray => ctx.builtins_fn("bytearray")?,
        Cached::Dict => ctx.builtins_fn("dict")?,
        Cached::NdArray => ctx.import("numpy")?.getattr("ndarray")?,
        Cached::Array => ctx.import("array")?.getattr("array")?,
        Cached::Iter => ctx.builtins_fn("iter")?,
        Cached::Next => ctx.builtins_fn("next")?,
        Cached::DelAttr => ctx.builtins_fn("delattr")?,
        Cached::Operator => ctx.import("operator")?,
        Cached::View => {
            let namespace = ctx.builtins_fn("dict")?.call(())?;
            namespace.call_method("__setitem__", ("__name__", "oxhpy.buffer_address"))?;
            // Which interpreter, as oxhpy decided it from the HPy context (not from
            // `sys.implementation.name`, which a program can reassign).
            let implementation = crate::context::Interpreter::get().implementation();
            namespace.call_method("__setitem__", ("_OXHPY_IMPL", implementation))?;
            let source = include_str!("buffer_address.py");
            ctx.builtins_fn("exec")?
                .call((source, namespace.borrow()))?;
            namespace.call_method("__getitem__", ("view",))?
        }
    };
    global.store(ctx, &h)?;
    Ok(h)
}

/// `numpy.ndarray` if an earlier call found it or, with `look`, numpy is in `sys.modules`;
/// else `None` (while numpy is not imported nothing is an array).
pub(crate) fn ndarray(ctx: Ctx<'_>, look: bool) -> PyResult<Option<Handle<'_>>> {
    if let Some(h) = GLOBALS[Cached::NdArray as usize].load(ctx) {
        return Ok(Some(h));
    }
    if !look {
        return Ok(None);
    }
    let modules = ctx.import("sys")?.getattr("modules")?;
    if modules.call_method("get", ("numpy",))?.is_none() {
        return Ok(None);
    }
    get(ctx, Cached::NdArray).map(Some)
}
