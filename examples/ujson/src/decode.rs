//! `loads`: JSON text to Python objects, accepting what ujson accepts and refusing the rest with
//! ujson's messages.
//!
//! ujson reads a NUL-terminated buffer and stops at the first NUL wherever it is; here the input is
//! a slice and [`Decoder::at`] gives 0 past its end, which behaves the same. Beyond standard JSON,
//! ujson accepts `NaN`, `Infinity`, `-Infinity`, leading zeros (`01`), a bare `-` (0), numbers
//! like `1.` and `-.5`, and lone surrogates (escaped, or as the UTF-8 of `"surrogatepass"`). A
//! `\uD83D\uDCA9` pair of escapes is one character; anything else stays as it is.
use oxhpy::prelude::*;
use oxhpy::{PyDict, PyList, PyStr};
use rustc_hash::FxHashMap;

use crate::JSON_DECODE_ERROR;

/// The deepest nesting of arrays and objects (ujson's `JSON_MAX_OBJECT_DEPTH`).
const MAX_DEPTH: u32 = 1024;

/// What the last value decoded was (ujson's `lastType`): an object key must be a string, and ujson
/// decides that from this, not from the key itself.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    Invalid,
    Utf8,
    Other,
}

/// A decoding failure: ujson's message (a `JSONDecodeError`), or an exception Python raised.
enum Error {
    Json(&'static str),
    Py(PyErr),
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Error::Py(e)
    }
}

type Result<T> = std::result::Result<T, Error>;

fn fail<T>(msg: &'static str) -> Result<T> {
    Err(Error::Json(msg))
}

/// The longest object key kept in the per-call memo.
const MEMO_KEY_MAX: usize = 64;

/// Decodes the JSON document `buf` (UTF-8, lone surrogates allowed).
pub fn decode<'py>(ctx: Ctx<'py>, buf: &[u8]) -> PyResult<Handle<'py>> {
    let mut d = Decoder {
        ctx,
        buf,
        // Checked once: then every string without escapes is a slice of it, with no check of its own.
        text: std::str::from_utf8(buf).ok(),
        keys: FxHashMap::default(),
        pos: 0,
        depth: 0,
        last: Last::Invalid,
        key_error: false,
        scratch: Vec::new(),
    };
    let result = d.any().and_then(|v| {
        d.skip_ws();
        if d.pos != buf.len() {
            return fail("Trailing data");
        }
        Ok(v)
    });
    if d.key_error {
        // ujson's dict insertion failed earlier (a non-string key) and left its error set, which
        // wins over what happened after.
        if let Err(Error::Py(e)) = result {
            return Err(e);
        }
        return Err(JSON_DECODE_ERROR.new_err("Invalid JSON: object keys must be strings"));
    }
    result.map_err(|e| match e {
        Error::Json(msg) => JSON_DECODE_ERROR.new_err(msg),
        Error::Py(e) => e,
    })
}

struct Decoder<'b, 'py> {
    ctx: Ctx<'py>,
    buf: &'b [u8],
    /// `buf` as `&str` when it is valid UTF-8 (no lone surrogates).
    text: Option<&'b str>,
    /// The object keys made so far, by their text: a repeated key is the same `str` object (as the
    /// standard library's `json` does), which saves making it and hashing it again.
    keys: FxHashMap<&'b [u8], Handle<'py>>,
    pos: usize,
    depth: u32,
    last: Last,
    /// An object key that was not a `str` (a list or dict whose last item was a string).
    key_error: bool,
    /// The code points of a string with escapes (or bad UTF-8), as it is decoded.
    scratch: Vec<u32>,
}

impl<'b, 'py> Decoder<'b, 'py> {
    /// The byte at `i`, 0 past the end (ujson's NUL terminator).
    #[inline(always)]
    fn at(&self, i: usize) -> u8 {
        self.buf.get(i).copied().unwrap_or(0)
    }

    fn skip_ws(&mut self) {
        while matches!(self.at(self.pos), b' ' | b'\t' | b'\r' | b'\n') {
            self.pos += 1;
        }
    }

    fn any(&mut self) -> Result<Handle<'py>> {
        loop {
            match self.at(self.pos) {
                b'"' => return self.string(false),
                b'0'..=b'9' | b'I' | b'N' | b'-' => return self.number(),
                b'[' => return self.array(),
                b'{' => return self.object(),
                b't' => {
                    return self.word(b"true", "Unexpected character found when decoding 'true'")
                }
                b'f' => {
                    return self.word(b"false", "Unexpected character found when decoding 'false'")
                }
                b'n' => {
                    return self.word(b"null", "Unexpected character found when decoding 'null'")
                }
                b' ' | b'\t' | b'\r' | b'\n' => self.pos += 1,
                _ => return fail("Expected object or value"),
            }
        }
    }

    /// `true`, `false` or `null` (ujson fails at the first byte that differs, with one message for
    /// the word whichever it is: a comparison of the whole word says the same).
    /// Compared as an `N`-byte array: one integer comparison, not a `memcmp` call.
    #[inline(never)]
    fn word<const N: usize>(&mut self, word: &[u8; N], msg: &'static str) -> Result<Handle<'py>> {
        match self
            .buf
            .get(self.pos..self.pos + N)
            .map(<[u8; N]>::try_from)
        {
            Some(Ok(w)) if w == *word => {}
            _ => return fail(msg),
        }
        self.pos += N;
        self.last = Last::Other;
        Ok(match word[0] {
            b't' => self.ctx.bool(true),
            b'f' => self.ctx.bool(false),
            _ => self.ctx.none(),
        })
    }

    #[inline(never)]
    fn number(&mut self) -> Result<Handle<'py>> {
        let start = self.pos;
        let mut off = start;
        let mut neg = false;
        match self.at(off) {
            b'I' => return self.special(off, false),
            b'N' => return self.special(off, false),
            b'-' => {
                off += 1;
                neg = true;
                if self.at(off) == b'I' {
                    return self.special(off, true);
                }
            }
            _ => {}
        }
        let max: u64 = if neg { 1 << 63 } else { u64::MAX };
        let mut value: u64 = 0;
        let mut overflow = false;
        loop {
            match self.at(off) {
                c @ b'0'..=b'9' => {
                    match value
                        .checked_mul(10)
                        .and_then(|v| v.checked_add(u64::from(c - b'0')))
                    {
                        Some(v) if v <= max => value = v,
                        _ => overflow = true,
                    }
                    off += 1;
                }
                b'.' | b'e' | b'E' => return self.double(start),
                _ => break,
            }
        }
        self.last = Last::Other;
        self.pos = off;
        let ctx = self.ctx;
        Ok(if overflow {
            self.big_int(start, off)?
        } else if neg {
            // -2**63 included: `value as i64` wraps it to i64::MIN, which negates to itself.
            (value as i64).wrapping_neg().into_py(ctx)?
        } else {
            value.into_py(ctx)?
        })
    }

    /// An integer beyond 64 bits: `int(text)`, which raises `ValueError` beyond
    /// `sys.get_int_max_str_digits()` digits.
    #[cold]
    fn big_int(&mut self, start: usize, end: usize) -> Result<Handle<'py>> {
        let text = std::str::from_utf8(&self.buf[start..end]).expect("digits are ASCII");
        Ok(self.ctx.builtins_fn("int")?.call((text,))?)
    }

    /// `NaN`, `Infinity` or `-Infinity`, the `N`/`I` at `off`.
    #[inline(never)]
    fn special(&mut self, off: usize, neg: bool) -> Result<Handle<'py>> {
        let (word, value, msg): (&[u8], f64, &'static str) = match (self.at(off), neg) {
            (b'N', _) => (
                b"NaN",
                f64::NAN,
                "Unexpected character found when decoding 'NaN'",
            ),
            (_, false) => (
                b"Infinity",
                f64::INFINITY,
                "Unexpected character found when decoding 'Infinity'",
            ),
            (_, true) => (
                b"Infinity",
                f64::NEG_INFINITY,
                "Unexpected character found when decoding '-Infinity'",
            ),
        };
        for (k, &c) in word.iter().enumerate().skip(1) {
            if self.at(off + k) != c {
                return fail(msg);
            }
        }
        self.pos = off + word.len();
        self.last = Last::Other;
        Ok(value.into_py(self.ctx)?)
    }

    /// A number with a fraction or an exponent, from `start`: what double-conversion's
    /// `StringToDouble` reads with trailing junk allowed: `-?\d*(\.\d*)?` with at least one digit,
    /// then `[eE][+-]?\d+` if it is complete. Nothing readable gives 0.0 and reads nothing (so that
    /// what follows fails), as there.
    #[inline(never)]
    fn double(&mut self, start: usize) -> Result<Handle<'py>> {
        let digits = |d: &Self, mut p: usize| {
            while d.at(p).is_ascii_digit() {
                p += 1;
            }
            p
        };
        let mut p = start;
        if self.at(p) == b'-' {
            p += 1;
        }
        let int_end = digits(self, p);
        let mut any_digit = int_end > p;
        p = int_end;
        let mut mantissa_end = p;
        if self.at(p) == b'.' {
            let frac_end = digits(self, p + 1);
            any_digit |= frac_end > p + 1;
            p = frac_end;
            mantissa_end = p;
        }
        self.last = Last::Other;
        if !any_digit {
            return Ok(0.0f64.into_py(self.ctx)?);
        }
        let mut end = p;
        if matches!(self.at(p), b'e' | b'E') {
            let mut q = p + 1;
            if matches!(self.at(q), b'+' | b'-') {
                q += 1;
            }
            if self.at(q).is_ascii_digit() {
                end = digits(self, q);
            }
        }
        // Rust's parser wants a digit on at least one side of the point, and reads the rest alike.
        let text = std::str::from_utf8(&self.buf[start..end]).expect("ASCII");
        let value: f64 = match text.parse() {
            Ok(v) => v,
            Err(_) => {
                // "1.e5" and "-.5" forms: insert the zero Rust wants.
                let fixed = format!(
                    "{}0{}",
                    &text[..mantissa_end - start],
                    &text[mantissa_end - start..]
                );
                fixed.parse().expect("a complete decimal number")
            }
        };
        self.pos = end;
        Ok(value.into_py(self.ctx)?)
    }

    #[inline(never)]
    fn string(&mut self, key: bool) -> Result<Handle<'py>> {
        self.last = Last::Invalid;
        let start = self.pos + 1;
        // The common case: no escape up to the closing quote, in a document of valid UTF-8.
        let rest = self.buf.get(start..).unwrap_or_default();
        if let Some(n) = memchr::memchr3(b'"', b'\\', 0, rest) {
            if rest[n] == b'"' {
                if let Some(text) = self.text.and_then(|t| t.get(start..start + n)) {
                    let value = if key && n <= MEMO_KEY_MAX {
                        self.memo_key(text)?
                    } else {
                        text.into_py(self.ctx)?
                    };
                    self.pos = start + n + 1;
                    self.last = Last::Utf8;
                    return Ok(value);
                }
            }
        }
        self.string_slow(start)
    }

    /// The `str` of an object key, from the memo or made and kept there.
    fn memo_key(&mut self, text: &'b str) -> Result<Handle<'py>> {
        if let Some(h) = self.keys.get(text.as_bytes()) {
            return Ok(h.dup());
        }
        let h = text.into_py(self.ctx)?;
        self.keys.insert(text.as_bytes(), h.dup());
        Ok(h)
    }

    /// A string with escapes, lone surrogates or bad UTF-8, decoded into `scratch` (code points)
    /// byte by byte, with ujson's checks and messages.
    fn string_slow(&mut self, start: usize) -> Result<Handle<'py>> {
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        let r = self
            .string_into(start, &mut out)
            .and_then(|()| Ok(PyStr::from_code_points(self.ctx, &out)?.into_handle()));
        self.scratch = out;
        if r.is_ok() {
            self.last = Last::Utf8;
        }
        r
    }

    fn string_into(&mut self, start: usize, out: &mut Vec<u32>) -> Result<()> {
        let mut p = start;
        // Where the last `\uD8xx`-`\uDBxx` escape ended: a `\uDCxx`-`\uDFxx` escape right there
        // joins it into one character.
        let mut high_end = usize::MAX;
        let cont = |d: &Self, i: usize| -> Result<u32> {
            let b = d.at(i);
            if b & 0xC0 != 0x80 {
                return fail("Invalid UTF-8 continuation byte when decoding 'string'");
            }
            Ok(u32::from(b & 0x3F))
        };
        loop {
            let c = self.at(p);
            match c {
                0 => return fail("Unmatched '\"' when decoding 'string'"),
                b'"' => {
                    self.pos = p + 1;
                    return Ok(());
                }
                b'\\' => {
                    p += 1;
                    let unescaped = match self.at(p) {
                        b'\\' => b'\\',
                        b'"' => b'"',
                        b'/' => b'/',
                        b'b' => 0x08,
                        b'f' => 0x0C,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => {
                            p += 1;
                            let mut unit: u32 = 0;
                            for _ in 0..4 {
                                let h = self.at(p);
                                let v = match h {
                                    b'0'..=b'9' => h - b'0',
                                    b'a'..=b'f' => h - b'a' + 10,
                                    b'A'..=b'F' => h - b'A' + 10,
                                    0 => return fail("Unterminated unicode escape sequence when decoding 'string'"),
                                    _ => return fail("Unexpected character in unicode escape sequence when decoding 'string'"),
                                };
                                unit = (unit << 4) | u32::from(v);
                                p += 1;
                            }
                            match out.last_mut() {
                                // The high surrogate escape just before: one character with it.
                                Some(hi) if unit & 0xFC00 == 0xDC00 && high_end == p - 6 => {
                                    *hi = 0x10000 + ((*hi - 0xD800) << 10) + (unit - 0xDC00);
                                }
                                _ => out.push(unit),
                            }
                            if unit & 0xFC00 == 0xD800 {
                                high_end = p;
                            }
                            continue;
                        }
                        0 => return fail("Unterminated escape sequence when decoding 'string'"),
                        _ => return fail("Unrecognized escape sequence when decoding 'string'"),
                    };
                    out.push(u32::from(unescaped));
                    p += 1;
                }
                0x01..=0x7F => {
                    out.push(u32::from(c));
                    p += 1;
                }
                0x80..=0xBF => {
                    return fail("Found UTF-8 continuation byte without corresponding start byte when decoding 'string'")
                }
                0xC0..=0xDF => {
                    let cp = (u32::from(c & 0x1F) << 6) | cont(self, p + 1)?;
                    if cp < 0x80 {
                        return fail("Overlong 2-byte UTF-8 sequence detected when decoding 'string'");
                    }
                    out.push(cp);
                    p += 2;
                }
                0xE0..=0xEF => {
                    let mut cp = u32::from(c & 0x0F);
                    for k in 1..3 {
                        cp = (cp << 6) | cont(self, p + k)?;
                    }
                    if cp < 0x800 {
                        // (sic: ujson's message)
                        return fail("Overlong 3-byte UTF-8 sequence detected when encoding string");
                    }
                    out.push(cp);
                    p += 3;
                }
                0xF0..=0xF4 => {
                    let mut cp = u32::from(c & 0x07);
                    for k in 1..4 {
                        cp = (cp << 6) | cont(self, p + k)?;
                    }
                    if cp < 0x10000 {
                        return fail("Overlong 4-byte UTF-8 sequence detected when decoding 'string'");
                    }
                    if cp > 0x10FFFF {
                        return fail("Code point > U+10FFFF encountered whilst decoding 'string'");
                    }
                    out.push(cp);
                    p += 4;
                }
                0xF5..=0xF7 => return fail("Code point > U+10FFFF encountered whilst decoding 'string'"),
                0xF8..=0xFF => return fail("Invalid UTF-8 sequence length when decoding 'string'"),
            }
        }
    }

    fn array(&mut self) -> Result<Handle<'py>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return fail("Reached object decoding depth limit");
        }
        self.last = Last::Invalid;
        self.pos += 1;
        self.skip_ws();
        if self.at(self.pos) == b']' {
            self.depth -= 1;
            self.pos += 1;
            return Ok(PyList::empty(self.ctx)?.into_handle());
        }
        // Each item appended as soon as it is decoded (as ujson does), not gathered first.
        let list = PyList::empty(self.ctx)?;
        loop {
            list.append(self.any()?)?;
            self.skip_ws();
            let c = self.at(self.pos);
            self.pos += 1;
            match c {
                b']' => {
                    self.depth -= 1;
                    return Ok(list.into_handle());
                }
                b',' => {}
                _ => return fail("Unexpected character found when decoding array value (2)"),
            }
            self.skip_ws();
            if self.at(self.pos) == b']' {
                self.depth -= 1;
                return fail("Unexpected character found when decoding array value (1)");
            }
        }
    }

    fn object(&mut self) -> Result<Handle<'py>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return fail("Reached object decoding depth limit");
        }
        let dict = PyDict::new(self.ctx)?;
        let mut empty = true;
        self.pos += 1;
        loop {
            self.skip_ws();
            if self.at(self.pos) == b'}' {
                self.depth -= 1;
                if empty {
                    self.pos += 1;
                    return Ok(dict.into_handle());
                }
                return fail("Unexpected character in found when decoding object value");
            }
            self.last = Last::Invalid;
            // A key is any value to ujson (which then looks at what was read last).
            let key = if self.at(self.pos) == b'"' {
                self.string(true)?
            } else {
                self.any()?
            };
            if self.last != Last::Utf8 {
                return fail("Key name of object must be 'string' when decoding 'object'");
            }
            self.skip_ws();
            let c = self.at(self.pos);
            self.pos += 1;
            if c != b':' {
                return fail("No ':' found when decoding object value");
            }
            self.skip_ws();
            let value = self.any()?;
            if let Err(e) = dict.set_item(&key, &value) {
                // A list or dict whose last item was a string passed for a key (ujson looks at
                // the last value decoded): ujson goes on and reports this at the end.
                e.clear(self.ctx);
                self.key_error = true;
            }
            self.skip_ws();
            let c = self.at(self.pos);
            self.pos += 1;
            match c {
                b'}' => {
                    self.depth -= 1;
                    return Ok(dict.into_handle());
                }
                b',' => {}
                _ => return fail("Unexpected character in found when decoding object value"),
            }
            empty = false;
        }
    }
}
