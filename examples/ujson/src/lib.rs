//! `ujson._native`: [ujson](https://pypi.org/project/ujson/)'s API (`dumps`, `loads`, `dump`,
//! `load`, `JSONDecodeError`) in Rust with oxhpy, one HPy universal binary for CPython, PyPy and
//! GraalPy. Written from ujson's documentation, its tests and a reading of its C source; the
//! package `ujson` re-exports it (and adds `encode`/`decode`, ujson's other names of `dumps`/`loads`).
//!
//! [`encode`] writes JSON, [`decode`] reads it, [`floatfmt`] spells floats as ujson does.

mod decode;
mod encode;
mod floatfmt;

use oxhpy::prelude::*;

/// Raised by `loads` and `load` for malformed JSON (a `ValueError`, as ujson's).
#[oxhpy::exception(base = ValueError, name = "JSONDecodeError")]
pub static JSON_DECODE_ERROR: CustomException;

/// `decimal.Decimal`, when the module could import it: encoded as a float (as ujson does).
#[oxhpy::global]
static DECIMAL: Global;

/// `list.sort`, called on the keys for `sort_keys` (rather than looking the method up each time: a
/// method call by name makes a new name `str` per call, which moves CPython's type attribute cache).
#[oxhpy::global]
static LIST_SORT: Global;

/// Whether `obj` is a `decimal.Decimal`.
fn is_decimal(obj: Borrowed<'_, '_>) -> bool {
    let ctx = obj.ctx();
    match DECIMAL.load(ctx) {
        Some(ty) => obj.is_instance(&ty).unwrap_or_else(|e| {
            e.clear(ctx);
            false
        }),
        None => false,
    }
}

#[oxhpy::module]
mod _native {
    use crate::encode::{self, Flag, Options};
    use oxhpy::prelude::*;

    #[oxhpy::exec]
    fn exec(m: &Module<'_>) -> PyResult<()> {
        let ctx = m.ctx();
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        crate::LIST_SORT.store(ctx, &ctx.builtins_fn("list")?.getattr("sort")?)?;
        match ctx.import("decimal").and_then(|d| d.getattr("Decimal")) {
            Ok(decimal) => crate::DECIMAL.store(ctx, &decimal)?,
            Err(e) => e.clear(ctx),
        }
        Ok(())
    }

    /// dumps(obj, ensure_ascii=True, encode_html_chars=False, escape_forward_slashes=True, sort_keys=False, indent=0, allow_nan=True, reject_bytes=True, default=None, separators=None)
    /// --
    ///
    /// Converts arbitrary object recursively into JSON. Use ensure_ascii=false to output UTF-8.
    /// Set encode_html_chars=True to encode < > & as unicode escape sequences. Set
    /// escape_forward_slashes=False to prevent escaping / characters. Set allow_nan=False to raise
    /// an exception when NaN or Infinity would be serialized. Set reject_bytes=True to raise
    /// TypeError on bytes.
    #[allow(clippy::too_many_arguments)]
    #[oxhpy::function(signature = (
        obj,
        ensure_ascii = Flag(true),
        encode_html_chars = Flag(false),
        escape_forward_slashes = Flag(true),
        sort_keys = Flag(false),
        indent = 0,
        allow_nan = Flag(true),
        reject_bytes = Flag(true),
        default = None,
        separators = None
    ))]
    fn dumps<'py>(
        ctx: Ctx<'py>,
        obj: Borrowed<'_, 'py>,
        ensure_ascii: Flag,
        encode_html_chars: Flag,
        escape_forward_slashes: Flag,
        sort_keys: Flag,
        indent: i32,
        allow_nan: Flag,
        reject_bytes: Flag,
        default: Option<Borrowed<'_, 'py>>,
        separators: Option<Borrowed<'_, 'py>>,
    ) -> PyResult<Handle<'py>> {
        let opts = Options {
            ensure_ascii: ensure_ascii.0,
            encode_html_chars: encode_html_chars.0,
            escape_forward_slashes: escape_forward_slashes.0,
            sort_keys: sort_keys.0,
            indent,
            allow_nan: allow_nan.0,
            reject_bytes: reject_bytes.0,
            default,
            separators,
        };
        encode::dumps(ctx, obj, &opts)
    }

    /// dump(obj, fp, /, *, ensure_ascii=True, encode_html_chars=False, escape_forward_slashes=True, sort_keys=False, indent=0, allow_nan=True, reject_bytes=True, default=None, separators=None)
    /// --
    ///
    /// Converts arbitrary object recursively into JSON file: `fp.write(dumps(obj, ...))`. The
    /// options are those of dumps.
    #[allow(clippy::too_many_arguments)]
    #[oxhpy::function(signature = (
        obj,
        fp,
        /,
        *,
        ensure_ascii = Flag(true),
        encode_html_chars = Flag(false),
        escape_forward_slashes = Flag(true),
        sort_keys = Flag(false),
        indent = 0,
        allow_nan = Flag(true),
        reject_bytes = Flag(true),
        default = None,
        separators = None
    ))]
    fn dump<'py>(
        ctx: Ctx<'py>,
        obj: Borrowed<'_, 'py>,
        fp: Borrowed<'_, 'py>,
        ensure_ascii: Flag,
        encode_html_chars: Flag,
        escape_forward_slashes: Flag,
        sort_keys: Flag,
        indent: i32,
        allow_nan: Flag,
        reject_bytes: Flag,
        default: Option<Borrowed<'_, 'py>>,
        separators: Option<Borrowed<'_, 'py>>,
    ) -> PyResult<()> {
        let write = file_method(fp, "write")?;
        let opts = Options {
            ensure_ascii: ensure_ascii.0,
            encode_html_chars: encode_html_chars.0,
            escape_forward_slashes: escape_forward_slashes.0,
            sort_keys: sort_keys.0,
            indent,
            allow_nan: allow_nan.0,
            reject_bytes: reject_bytes.0,
            default,
            separators,
        };
        let text = encode::dumps(ctx, obj, &opts)?;
        write.call((text,))?;
        Ok(())
    }

    /// loads(obj)
    /// --
    ///
    /// Converts JSON as string to dict object structure. `obj` is a str, bytes or bytearray.
    #[oxhpy::function]
    fn loads<'py>(ctx: Ctx<'py>, obj: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
        crate::loads(ctx, obj)
    }

    /// load(fp, /)
    /// --
    ///
    /// Converts JSON as file to dict object structure: `loads(fp.read())`.
    #[oxhpy::function(signature = (fp, /))]
    fn load<'py>(ctx: Ctx<'py>, fp: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
        let read = file_method(fp, "read")?;
        let text = read.call(())?;
        crate::loads(ctx, text.borrow())
    }

    /// The name of the HPy context this call runs in: the mode proof of oxhpy's pytest plugin
    /// (`--hpy-probe ujson._native:_context_name`).
    #[oxhpy::function]
    fn _context_name(ctx: Ctx<'_>) -> String {
        ctx.name()
    }

    /// `fp.<name>`, which must be callable: else `TypeError: expected file`.
    fn file_method<'py>(fp: Borrowed<'_, 'py>, name: &str) -> PyResult<Handle<'py>> {
        let expected = || PyErr::type_error("expected file");
        if !fp.hasattr(name).unwrap_or_else(|e| {
            e.clear(fp.ctx());
            false
        }) {
            return Err(expected());
        }
        let m = fp.getattr(name)?;
        if !m.is_callable() {
            return Err(expected());
        }
        Ok(m)
    }
}

/// `loads(obj)`: the JSON text of a `str`, `bytes` or `bytearray`.
fn loads<'py>(ctx: Ctx<'py>, obj: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
    use oxhpy::{PyBytes, PyStr};
    if let Some(s) = PyStr::cast(obj) {
        // Lone surrogates as their "surrogatepass" UTF-8, as ujson reads a str.
        return decode::decode(ctx, &s.to_utf8_surrogatepass()?);
    }
    if let Some(b) = PyBytes::cast(obj) {
        return decode::decode(ctx, b.as_bytes());
    }
    if obj.is_instance(&ctx.builtins_fn("bytearray")?)? {
        let data = oxhpy::buffer::read(obj, |d: &[u8]| d.to_vec())?;
        return decode::decode(ctx, &data);
    }
    Err(not_text(ctx, obj))
}

/// The `TypeError` of `loads` for anything but `str`, `bytes` and `bytearray`: ujson names other
/// (C-contiguous) buffers apart.
#[cold]
fn not_text(ctx: Ctx<'_>, obj: Borrowed<'_, '_>) -> PyErr {
    let contiguous_buffer = || -> PyResult<bool> {
        let view = ctx.builtins_fn("memoryview")?.call((obj,))?;
        let c = view.getattr("c_contiguous")?.is_truthy()?;
        view.call_method("release", ())?;
        Ok(c)
    };
    match contiguous_buffer() {
        Ok(true) => PyErr::type_error(
            "Arbitrary bytes-like objects are no longer supported. Use either string, bytes, or bytearray.",
        ),
        Ok(false) => PyErr::type_error("Expected string, bytes, or bytearray"),
        Err(e) => {
            e.clear(ctx);
            PyErr::type_error("Expected string, bytes, or bytearray")
        }
    }
}
