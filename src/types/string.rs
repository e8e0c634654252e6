//! [`PyStr`]: a `str`.
use super::{constant, typed_handle};
use crate::context::{cstring, Ctx};
use crate::convert::IntoPy;
use crate::err::PyResult;
use crate::handle::{AsHandle, Handle, Object};
use hpy_sys as ffi;
use std::borrow::Cow;
use std::marker::PhantomData;

/// A `str` (or an instance of a subclass).
///
/// Its text as UTF-8 is [`to_str`](Self::to_str), borrowed from the object (no copy). A Python
/// `str` may hold lone surrogates (`"\udc80"`, from `os.fsdecode` of undecodable bytes, from
/// JSON, from `surrogateescape` decoding) that UTF-8 cannot encode: `to_str` refuses them with
/// `UnicodeEncodeError`, as `s.encode("utf-8")` does; [`to_string_lossy`](Self::to_string_lossy)
/// replaces each by U+FFFD, and [`to_utf16`](Self::to_utf16) keeps them, as UTF-16 code units.
///
/// ```
/// use oxhpy::prelude::*;
/// use oxhpy::{PyStr, PyStrRef};
///
/// /// `s` itself when it is already upper case, else `s.upper()`; TypeError if `s` is no `str`.
/// #[oxhpy::function]
/// fn upper<'py>(s: PyStr<'py>) -> PyResult<Handle<'py>> {
///     let text = s.to_str()?;
///     if text.chars().all(|c| !c.is_lowercase()) {
///         return Ok(s.into_handle()); // the very object the caller passed
///     }
///     s.call_method("upper", ())
/// }
///
/// /// The length in UTF-8 bytes, borrowing the argument (no new reference).
/// #[oxhpy::function]
/// fn utf8_len(s: PyStrRef<'_, '_>) -> PyResult<usize> {
///     Ok(s.to_str()?.len())
/// }
///
/// /// A `str` kept as an owned handle while another is borrowed.
/// fn longer<'py>(a: PyStrRef<'_, 'py>, b: &PyStr<'py>) -> PyResult<PyStr<'py>> {
///     Ok(if a.len()? >= b.len()? { a.to_owned() } else { b.as_borrowed().to_owned() })
/// }
///
/// /// An object checked to be a `str`, without `unsafe`.
/// fn as_str<'py>(obj: &Handle<'py>) -> PyResult<PyStr<'py>> {
///     PyStr::try_from_object(obj)
/// }
///
/// /// The length of `obj` if it is a `str`, without an exception otherwise.
/// fn str_len(obj: Borrowed<'_, '_>) -> PyResult<Option<usize>> {
///     PyStr::cast(obj).map(|s| s.len()).transpose()
/// }
/// ```
pub struct PyStr<'py, H = Handle<'py>>(H, PhantomData<Ctx<'py>>);

typed_handle!(PyStr, PyStrRef, "str", ffi::HPyUnicode_Check);

impl<'py> PyStr<'py> {
    /// A new `str` holding `s`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyStr;
    ///
    /// #[oxhpy::function]
    /// fn greeting(py: Ctx<'_>) -> PyResult<PyStr<'_>> {
    ///     PyStr::new(py, "héllo")
    /// }
    /// ```
    pub fn new(ctx: Ctx<'py>, s: &str) -> PyResult<Self> {
        s.into_py(ctx).map(Self::from_handle_unchecked)
    }

    /// A new `str` decoded from UTF-8 `bytes` of known length (NUL bytes included, no C string):
    /// the `UnicodeDecodeError` of `bytes.decode("utf-8")` when they are not valid UTF-8.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyStr;
    ///
    /// /// The text in a buffer read from somewhere.
    /// fn text<'py>(py: Ctx<'py>, buf: &[u8]) -> PyResult<PyStr<'py>> {
    ///     PyStr::from_utf8(py, buf)
    /// }
    /// ```
    pub fn from_utf8(ctx: Ctx<'py>, bytes: &[u8]) -> PyResult<Self> {
        match std::str::from_utf8(bytes) {
            Ok(s) => Self::new(ctx, s),
            // The interpreter's own decoder raises the exact UnicodeDecodeError.
            Err(_) => Self::decode(ctx, bytes, "utf-8", "strict"),
        }
    }

    /// `bytes.decode(encoding, errors)`: any codec of the interpreter (`"latin-1"`, `"utf-16-le"`,
    /// …) and error handler (`"strict"`, `"replace"`, `"surrogateescape"`, …).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyStr;
    ///
    /// /// A file name from raw bytes, as `os.fsdecode` makes it on Linux: undecodable bytes
    /// /// become lone surrogates (`"\udcff"`), which `os.fsencode` turns back into the bytes.
    /// fn file_name<'py>(py: Ctx<'py>, raw: &[u8]) -> PyResult<PyStr<'py>> {
    ///     PyStr::decode(py, raw, "utf-8", "surrogateescape")
    /// }
    /// ```
    pub fn decode(ctx: Ctx<'py>, bytes: &[u8], encoding: &str, errors: &str) -> PyResult<Self> {
        let (encoding, errors) = (cstring(encoding)?, cstring(errors)?);
        let b = bytes.into_py(ctx)?;
        // SAFETY: a live bytes handle and NUL-terminated names; the result is owned or NULL.
        let s = unsafe {
            Handle::from_raw(
                ctx,
                ffi::HPyUnicode_FromEncodedObject(
                    ctx.as_ptr(),
                    b.raw(),
                    encoding.as_ptr(),
                    errors.as_ptr(),
                ),
            )?
        };
        Self::try_from_object(&s)
    }

    /// A new `str` decoded from the UTF-8 of a NUL-terminated buffer (`HPyUnicode_FromString`):
    /// one pass of the interpreter's own decoder, no copy and (on CPython) no check on the Rust side,
    /// which makes it the cheapest way to turn a long text built in a `Vec<u8>` into a `str` (push a
    /// 0, then [`CStr::from_bytes_with_nul`](std::ffi::CStr::from_bytes_with_nul)). Invalid UTF-8
    /// raises the `UnicodeDecodeError` of `bytes.decode("utf-8")` on every interpreter.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyStr;
    /// use std::ffi::CStr;
    ///
    /// /// `"n, n, …, n"`, `count` times, built as bytes.
    /// #[oxhpy::function]
    /// fn repeated(py: Ctx<'_>, n: u32, count: usize) -> PyResult<PyStr<'_>> {
    ///     let mut out = Vec::new();
    ///     for i in 0..count {
    ///         if i > 0 {
    ///             out.extend_from_slice(b", ");
    ///         }
    ///         out.extend_from_slice(n.to_string().as_bytes());
    ///     }
    ///     out.push(0);
    ///     let text = CStr::from_bytes_with_nul(&out).expect("no NUL inside");
    ///     PyStr::from_cstr(py, text)
    /// }
    /// ```
    pub fn from_cstr(ctx: Ctx<'py>, text: &std::ffi::CStr) -> PyResult<Self> {
        // Portability fix for interpreter bugs: on invalid UTF-8, PyPy 3.11's `HPyUnicode_FromString`
        // raises `SystemError` ("unexpected internal exception", its traceback dumped to stderr) and
        // GraalPy 24.2's replaces each bad byte by U+FFFD, silently. There the bytes are checked
        // first, and invalid ones go through the codec, which raises UnicodeDecodeError.
        let i = crate::context::Interpreter::get();
        if (i.pypy || i.graalpy) && std::str::from_utf8(text.to_bytes()).is_err() {
            return Self::decode(ctx, text.to_bytes(), "utf-8", "strict");
        }
        // SAFETY: a NUL-terminated buffer, read by HPy up to its NUL; the result is an owned str or
        // NULL with an error set.
        let s = unsafe {
            Handle::from_raw(ctx, ffi::HPyUnicode_FromString(ctx.as_ptr(), text.as_ptr()))?
        };
        Ok(Self::from_handle_unchecked(s))
    }

    /// A new `str` from UTF-16 code units, lone surrogates included (each becomes that code
    /// point, as with `"surrogatepass"`): the inverse of [`to_utf16`](Self::to_utf16).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyStr;
    ///
    /// /// A `str` from a JavaScript or Windows string, which may hold lone surrogates.
    /// fn from_js<'py>(py: Ctx<'py>, units: &[u16]) -> PyResult<PyStr<'py>> {
    ///     PyStr::from_utf16(py, units)
    /// }
    /// ```
    pub fn from_utf16(ctx: Ctx<'py>, units: &[u16]) -> PyResult<Self> {
        if let Ok(s) = String::from_utf16(units) {
            return Self::new(ctx, &s);
        }
        // Lone surrogates: code points through `HPyUnicode_FromWideChar` rather than a codec with
        // "surrogatepass" (GraalPy 24.2's `utf-16` and `utf-32` codecs have none).
        if std::mem::size_of::<ffi::wchar_t>() == 2 {
            let wide: Vec<ffi::wchar_t> = units.iter().map(|&u| u as ffi::wchar_t).collect();
            return Self::from_wide(ctx, &wide); // UTF-16 itself (Windows)
        }
        let cps: Vec<u32> = char::decode_utf16(units.iter().copied())
            .map(|r| r.map_or_else(|e| u32::from(e.unpaired_surrogate()), u32::from))
            .collect();
        Self::from_code_points(ctx, &cps)
    }

    /// A new `str` of the Unicode code points `cps`, lone surrogates included, each kept as it is
    /// (`[0xD83D, 0xDCA9]` is two characters, as `"\ud83d\udca9"`): how a decoder that computes
    /// code points (escapes, UTF-16, UTF-32) makes its strings, with no UTF-8 in between
    /// (`HPyUnicode_FromWideChar`). `ValueError` for a value above U+10FFFF. (Where `wchar_t` has 16
    /// bits, Windows, the code points go through UTF-16 and a lone high surrogate followed by a
    /// lone low one reads back as one character.)
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyStr;
    ///
    /// /// The text of `\uXXXX` escapes (`"0041 00e9"` is `"Aé"`), lone surrogates kept.
    /// #[oxhpy::function]
    /// fn from_hex<'py>(py: Ctx<'py>, hex: &str) -> PyResult<PyStr<'py>> {
    ///     let cps = hex
    ///         .split_whitespace()
    ///         .map(|h| u32::from_str_radix(h, 16))
    ///         .collect::<Result<Vec<u32>, _>>()
    ///         .map_err(|e| PyErr::value_error(e.to_string()))?;
    ///     PyStr::from_code_points(py, &cps)
    /// }
    /// ```
    pub fn from_code_points(ctx: Ctx<'py>, cps: &[u32]) -> PyResult<Self> {
        if let Some(&bad) = cps.iter().find(|&&c| c > 0x10FFFF) {
            return Err(crate::PyErr::value_error(format!(
                "character U+{bad:x} is not in range [U+0000; U+10ffff]"
            )));
        }
        if crate::context::Interpreter::get().graalpy
            && (cps.iter().any(|&c| c > 0xFFFF) || cps.windows(2).any(|w| joined(w[0], w[1])))
        {
            return Self::graalpy_from_code_points(ctx, cps);
        }
        if std::mem::size_of::<ffi::wchar_t>() == 4 {
            // SAFETY: `wchar_t` is a 32-bit integer here: the size and alignment of `u32`, and
            // every bit pattern is a valid value.
            let wide = unsafe {
                std::slice::from_raw_parts(cps.as_ptr().cast::<ffi::wchar_t>(), cps.len())
            };
            return Self::from_wide(ctx, wide);
        }
        let mut units = Vec::with_capacity(cps.len());
        for &c in cps {
            match char::from_u32(c) {
                Some(ch) => units.extend_from_slice(ch.encode_utf16(&mut [0; 2])),
                None => units.push(c as u16), // a lone surrogate: one unit, itself
            }
        }
        let wide: Vec<ffi::wchar_t> = units.iter().map(|&u| u as ffi::wchar_t).collect();
        Self::from_wide(ctx, &wide)
    }

    /// Portability fix for interpreter bugs: GraalPy 24.2's `HPyUnicode_FromWideChar` throws a
    /// Java `RuntimeException` (which kills the process) for a code point above U+FFFF, and joins a
    /// lone high surrogate and the lone low one after it into one character. There, the characters
    /// above U+FFFF go through UTF-8, the rest (lone surrogates included) through
    /// `HPyUnicode_FromWideChar`, in pieces that never put such a pair together, and the pieces are
    /// concatenated (which keeps the two surrogates apart, as `chr(0xD83D) + chr(0xDCA9)` does).
    #[cold]
    fn graalpy_from_code_points(ctx: Ctx<'py>, cps: &[u32]) -> PyResult<Self> {
        if let Some(text) = cps
            .iter()
            .map(|&c| char::from_u32(c))
            .collect::<Option<String>>()
        {
            return Self::new(ctx, &text);
        }
        let mut out: Option<Handle<'py>> = None;
        for run in cps.chunk_by(|&a, &b| (a > 0xFFFF) == (b > 0xFFFF) && !joined(a, b)) {
            let piece = if run[0] > 0xFFFF {
                let text: String = run.iter().filter_map(|&c| char::from_u32(c)).collect();
                Self::new(ctx, &text)?
            } else {
                let wide: Vec<ffi::wchar_t> = run.iter().map(|&c| c as ffi::wchar_t).collect();
                Self::from_wide(ctx, &wide)?
            };
            out = Some(match out {
                Some(left) => left.add(&piece)?,
                None => piece.into_handle(),
            });
        }
        match out {
            Some(s) => Self::try_from_object(&s),
            None => Self::new(ctx, ""),
        }
    }

    /// `HPyUnicode_FromWideChar`.
    fn from_wide(ctx: Ctx<'py>, wide: &[ffi::wchar_t]) -> PyResult<Self> {
        // SAFETY: `wide` holds `len` code units; the result is an owned str, or NULL with an error.
        let s = unsafe {
            Handle::from_raw(
                ctx,
                ffi::HPyUnicode_FromWideChar(
                    ctx.as_ptr(),
                    wide.as_ptr(),
                    wide.len() as ffi::HPy_ssize_t,
                ),
            )?
        };
        Ok(Self::from_handle_unchecked(s))
    }
}

impl<'py, H: AsHandle<'py>> PyStr<'py, H> {
    /// The text as UTF-8, borrowed from the object: `UnicodeEncodeError` (a `UnicodeError`) when
    /// it holds a lone surrogate.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyStrRef;
    ///
    /// #[oxhpy::function]
    /// fn shout(s: PyStrRef<'_, '_>) -> PyResult<String> {
    ///     Ok(s.to_str()?.to_uppercase())
    /// }
    /// ```
    pub fn to_str(&self) -> PyResult<&str> {
        self.extract::<&str>()
    }

    /// The text's UTF-8 in a new `bytes` object (`s.encode()`, `HPyUnicode_AsUTF8String`):
    /// `UnicodeEncodeError` for a lone surrogate. A copy that lives as long as the returned handle,
    /// for reading a long non-ASCII text once: [`to_str`](Self::to_str) borrows, but CPython then
    /// keeps a UTF-8 copy inside a non-ASCII `str` for as long as the `str` lives (up to 4x its text;
    /// `sys.getsizeof` shows it); an ASCII `str` is its own UTF-8 either way.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyStrRef;
    ///
    /// /// How many lines a (possibly large, non-ASCII) text has, leaving the `str` as it was.
    /// #[oxhpy::function]
    /// fn count_lines(s: PyStrRef<'_, '_>) -> PyResult<usize> {
    ///     let utf8 = s.to_utf8_bytes()?;
    ///     Ok(utf8.as_bytes().split(|&b| b == b'\n').count())
    /// }
    /// ```
    pub fn to_utf8_bytes(&self) -> PyResult<crate::PyBytes<'py>> {
        let ctx = self.ctx();
        let i = crate::context::Interpreter::get();
        if i.pypy || i.graalpy {
            // PyPy keeps its text as UTF-8 (WTF-8 with lone surrogates) and GraalPy as Java strings:
            // borrowing caches nothing there, and `to_str` has the surrogate checks their
            // `HPyUnicode_AsUTF8String` may lack.
            return crate::PyBytes::new(ctx, self.to_str()?.as_bytes());
        }
        // SAFETY: a live handle; the result is a new bytes object or NULL with an error set.
        let b = unsafe {
            Handle::from_raw(ctx, ffi::HPyUnicode_AsUTF8String(ctx.as_ptr(), self.raw()))?
        };
        crate::PyBytes::try_from_object(&b)
    }

    /// The text as UTF-8 bytes in which each lone surrogate is encoded as UTF-8 encodes any other
    /// code point (3 bytes), as `s.encode("utf-8", "surrogatepass")` gives it: what a JSON or
    /// WTF-8-style encoder writes. Borrowed from the object where the interpreter lends such bytes
    /// (any `str` on PyPy, one without lone surrogates elsewhere), else the result of that `encode`.
    /// No UTF-8 check on the Rust side (the bytes are not a `&str`): cheaper than
    /// [`to_str`](Self::to_str) when bytes will do. (On GraalPy 24.2, whose own encoder joins a lone
    /// high surrogate and the lone low one after it, a text with surrogates is read code point by
    /// code point.)
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyStrRef;
    ///
    /// /// The number of bytes `s` takes in a JSON document written without escapes.
    /// #[oxhpy::function]
    /// fn raw_json_len(s: PyStrRef<'_, '_>) -> PyResult<usize> {
    ///     Ok(s.to_utf8_surrogatepass()?.len() + 2)
    /// }
    /// ```
    pub fn to_utf8_surrogatepass(&self) -> PyResult<Cow<'_, [u8]>> {
        let ctx = self.ctx();
        let mut n: ffi::HPy_ssize_t = 0;
        // SAFETY: `self` is a str; the buffer stays valid while the handle is open (`&self`).
        let p = unsafe { ffi::HPyUnicode_AsUTF8AndSize(ctx.as_ptr(), self.raw(), &mut n) };
        if !p.is_null() {
            // SAFETY: HPy lends `n` bytes at `p` for as long as the handle is open.
            let bytes = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), n as usize) };
            // GraalPy 24.2 replaces each lone surrogate by U+FFFD here (see `to_str`): its bytes are
            // used only without one.
            if !crate::context::Interpreter::get().graalpy || !contains_fffd(bytes) {
                return Ok(Cow::Borrowed(bytes));
            }
        } else {
            // CPython: UnicodeEncodeError for a lone surrogate.
            crate::PyErr::raised().clear(ctx);
        }
        if crate::context::Interpreter::get().graalpy {
            // GraalPy 24.2's "surrogatepass" encoder joins a lone high surrogate and the lone low one
            // after it into one 4-byte sequence: the code points are encoded here instead.
            let mut out = Vec::new();
            for cp in self.code_points()? {
                match char::from_u32(cp) {
                    Some(ch) => out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes()),
                    None => out.extend_from_slice(&[
                        0xE0 | (cp >> 12) as u8,
                        0x80 | ((cp >> 6) & 0x3F) as u8,
                        0x80 | (cp & 0x3F) as u8,
                    ]),
                }
            }
            return Ok(Cow::Owned(out));
        }
        let encoded = self.call_method("encode", ("utf-8", "surrogatepass"))?;
        Ok(Cow::Owned(encoded.extract::<&[u8]>()?.to_vec()))
    }

    /// The text as UTF-8, as [`to_str`](Self::to_str) (always borrowed here: every interpreter
    /// lends its UTF-8; the `Cow` is for code shared with PyO3, where it may not be).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyStrRef;
    ///
    /// fn words(s: PyStrRef<'_, '_>) -> PyResult<usize> {
    ///     Ok(s.to_cow()?.split_whitespace().count())
    /// }
    /// ```
    pub fn to_cow(&self) -> PyResult<Cow<'_, str>> {
        self.to_str().map(Cow::Borrowed)
    }

    /// The text as UTF-8 with each lone surrogate replaced by U+FFFD (`"\ud800"` → `"\u{FFFD}"`,
    /// one per surrogate code point, as `s.encode("utf-8", "replace")` gives one `?`): borrowed
    /// when there is none.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyStrRef;
    ///
    /// /// A name for a log line: never fails on a file name with undecodable bytes.
    /// fn log_name(s: PyStrRef<'_, '_>) -> PyResult<String> {
    ///     Ok(format!("file {}", s.to_string_lossy()?))
    /// }
    /// ```
    pub fn to_string_lossy(&self) -> PyResult<Cow<'_, str>> {
        if let Some(s) = self.utf8() {
            return Ok(Cow::Borrowed(s));
        }
        let text = self
            .code_points()?
            .into_iter()
            .map(|cp| char::from_u32(cp).unwrap_or('\u{FFFD}'))
            .collect();
        Ok(Cow::Owned(text))
    }

    /// The text as UTF-16 code units, lone surrogates kept (`s.encode("utf-16-le",
    /// "surrogatepass")`): what a JavaScript or Windows string holds. A lone surrogate and the
    /// pair after it read back as one character, as in any UTF-16.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyStrRef;
    ///
    /// /// The length as JavaScript's `String.length` counts it.
    /// #[oxhpy::function]
    /// fn js_length(s: PyStrRef<'_, '_>) -> PyResult<usize> {
    ///     Ok(s.to_utf16()?.len())
    /// }
    /// ```
    pub fn to_utf16(&self) -> PyResult<Vec<u16>> {
        if let Some(s) = self.utf8() {
            return Ok(s.encode_utf16().collect());
        }
        let mut units = Vec::new();
        for cp in self.code_points()? {
            match char::from_u32(cp) {
                Some(ch) => units.extend_from_slice(ch.encode_utf16(&mut [0; 2])),
                None => units.push(cp as u16), // a lone surrogate: one unit, itself
            }
        }
        Ok(units)
    }

    /// The text as UTF-8, or `None` (no exception left set) when it holds a lone surrogate: then
    /// CPython raised UnicodeEncodeError, while PyPy lent its internal bytes, which are not UTF-8.
    fn utf8(&self) -> Option<&str> {
        match self.to_str() {
            Ok(s) => Some(s),
            Err(e) => {
                e.clear(self.ctx());
                None
            }
        }
    }

    /// The code points, read one by one (`HPyUnicode_ReadChar`): the slow path of a text with lone
    /// surrogates, the same on every interpreter (codecs differ: GraalPy 24.2's `utf-32` has no
    /// `surrogatepass`). A subclass's instance is read from an exact copy (`str.__getitem__(self,
    /// slice(None))`): its own `__len__` is not the length, and PyPy 3.11's `HPyUnicode_ReadChar`
    /// checks the index against it (a `str` subclass whose `__len__` says 1 cannot be read past
    /// index 1 there). Not `str.__str__(self)`: on PyPy 3.11 its copy gets the subclass's length
    /// (`len(str.__str__(s))` is 1 there, whatever the text).
    fn code_points(&self) -> PyResult<Vec<u32>> {
        let ctx = self.ctx();
        let str_type = constant(ctx, |c| c.h_UnicodeType);
        let exact = if self.get_type().is(&str_type) {
            self.dup()
        } else {
            let all = crate::cache::get(ctx, crate::cache::Cached::Slice)?;
            str_type.getattr("__getitem__")?.call((self, all))?
        };
        (0..exact.len()?)
            .map(|i| {
                // SAFETY: a live, exact str; `i` is below its length.
                let cp = unsafe {
                    ffi::HPyUnicode_ReadChar(ctx.as_ptr(), exact.raw(), i as ffi::HPy_ssize_t)
                };
                if cp == u32::MAX && ctx.err_occurred() {
                    Err(crate::PyErr::raised())
                } else {
                    Ok(cp)
                }
            })
            .collect()
    }
}

/// Whether `a`, `b` are a high surrogate and a low one (which GraalPy 24.2 joins into one character
/// where it should not).
fn joined(a: u32, b: u32) -> bool {
    (0xD800..0xDC00).contains(&a) && (0xDC00..0xE000).contains(&b)
}

/// Whether UTF-8 `bytes` hold U+FFFD (`EF BF BD`).
fn contains_fffd(bytes: &[u8]) -> bool {
    bytes.windows(3).any(|w| w == [0xEF, 0xBF, 0xBD])
}
