//! `dumps`: Python objects to JSON text, as ujson writes it.
//!
//! The text is built as bytes: UTF-8, where a `str` holding lone surrogates contributes them
//! encoded as UTF-8 would encode any other code point (Python's `"surrogatepass"`), and `bytes`
//! (with `reject_bytes=False`) contribute themselves. The result is decoded at the end with
//! `"surrogatepass"`, as ujson does, so bytes that are no UTF-8 raise the interpreter's own
//! `UnicodeDecodeError` there.
//!
//! What each value becomes, checked in ujson's order (the built-in types are disjoint but for
//! `bool` ⊂ `int`, so only that pair's order matters among them):
//!
//! | value | JSON |
//! |---|---|
//! | `True`/`False`/`None` | `true`/`false`/`null` |
//! | `int` | its digits (beyond 64 bits through `int.__repr__`, which has Python's digit limit) |
//! | `float`, `decimal.Decimal` | shortest round-trip digits ([`crate::floatfmt`]); `NaN`, `Infinity`, `-Infinity` unless `allow_nan=False` (`OverflowError`) |
//! | `str`; `bytes` with `reject_bytes=False` | a string, escaped |
//! | `dict` | an object; keys `str`, `bytes`, `True`/`False`/`None` as `true`/`false`/`null`, anything else `str(key)` |
//! | `list`, `tuple` | an array |
//! | has `toDict()` | the dict it returns (`TypeError` if it is none) |
//! | has `__json__()` | the `str` or `bytes` it returns, inserted as it is |
//! | with `default=f` | `f(value)`, encoded in its place (at most 3 times in a row) |
//! | anything else | `TypeError: <repr> is not JSON serializable` |
use oxhpy::prelude::*;
use oxhpy::types::PySeqIter;
use oxhpy::{PyBytes, PyDict, PyDictRef, PyList, PyStr, PyStrRef, PyTuple};
use std::borrow::Cow;

use crate::floatfmt;

/// The deepest nesting of containers `dumps` writes (ujson's `JSON_MAX_RECURSION_DEPTH`).
const MAX_DEPTH: u32 = 1024;
/// How many times in a row `default` may be applied to one value (ujson's `DEFAULT_FN_MAX_DEPTH`).
const DEFAULT_MAX: u32 = 3;
/// The largest `indent` (ujson's limit).
const MAX_INDENT: i32 = 1000;

/// A `bool` option given as any object: its truth value (C's `"p"` format), as ujson reads them.
#[derive(Clone, Copy)]
pub struct Flag(pub bool);

impl<'a, 'py> FromPy<'a, 'py> for Flag {
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        obj.is_truthy().map(Flag)
    }
}

/// The keyword arguments of `dumps` (and `dump`).
pub struct Options<'a, 'py> {
    pub ensure_ascii: bool,
    pub encode_html_chars: bool,
    pub escape_forward_slashes: bool,
    pub sort_keys: bool,
    pub indent: i32,
    pub allow_nan: bool,
    pub reject_bytes: bool,
    pub default: Option<Borrowed<'a, 'py>>,
    pub separators: Option<Borrowed<'a, 'py>>,
}

/// `dumps(obj, **options)`.
pub fn dumps<'py>(
    ctx: Ctx<'py>,
    obj: Borrowed<'_, 'py>,
    opts: &Options<'_, 'py>,
) -> PyResult<Handle<'py>> {
    let mut enc = Encoder::new(ctx, opts)?;
    enc.item(obj, None, 0)?;
    text_of(ctx, enc.out)
}

/// The final `str` of the UTF-8 (lone surrogates included) in `out`.
fn text_of<'py>(ctx: Ctx<'py>, mut out: Vec<u8>) -> PyResult<Handle<'py>> {
    // The common case in one pass of the interpreter's UTF-8 decoder: no NUL inside (string values
    // escape theirs; only separators and `__json__` texts can bring one).
    out.push(0);
    if let Ok(text) = std::ffi::CStr::from_bytes_with_nul(&out) {
        match PyStr::from_cstr(ctx, text) {
            Ok(s) => return Ok(s.into_handle()),
            Err(e) => e.clear(ctx),
        }
    }
    out.pop();
    // Lone surrogates (or NULs), or bytes that are no UTF-8 (from `bytes` values): the
    // interpreter's decoder accepts the first and raises its UnicodeDecodeError for the second.
    PyStr::decode(ctx, &out, "utf-8", "surrogatepass").map(PyStr::into_handle)
}

/// What a byte of a string needs: written as it is, or looked at.
const RAW: u8 = 0;
const SPECIAL: u8 = 1;

/// The bytes of a string that need a look ([`SPECIAL`] in the table), tested eight at a time in a
/// `u64` ("SWAR"): the control characters, the ASCII characters the options escape and, with
/// `ensure_ascii`, every byte from 0x80 (a few of which are then written as they are).
struct Specials {
    /// Each character to find, repeated in all eight bytes.
    chars: [u64; 6],
    count: usize,
    high: bool,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

impl Specials {
    fn new(table: &[u8; 256], high: bool) -> Self {
        let mut chars = [0; 6];
        let mut count = 0;
        for c in 0x20..0x80u8 {
            if table[usize::from(c)] == SPECIAL {
                chars[count] = ONES * u64::from(c);
                count += 1;
            }
        }
        Specials { chars, count, high }
    }

    /// Whether one of the eight bytes of `w` needs a look.
    #[inline(always)]
    fn any_in(&self, w: u64) -> bool {
        // A byte below 0x20 (exact: a borrow only starts at such a byte).
        let mut hit = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
        if self.high {
            hit |= w & HIGHS;
        }
        for &c in &self.chars[..self.count] {
            let x = w ^ c;
            hit |= x.wrapping_sub(ONES) & !x & HIGHS;
        }
        hit != 0
    }
}

struct Encoder<'a, 'py> {
    ctx: Ctx<'py>,
    out: Vec<u8>,
    /// Per byte of a string: [`RAW`] or [`SPECIAL`], from the escaping options.
    table: [u8; 256],
    specials: Specials,
    ensure_ascii: bool,
    escape_slashes: bool,
    sort_keys: bool,
    /// Spaces per level when pretty-printing (0: on one line).
    indent: usize,
    allow_nan: bool,
    reject_bytes: bool,
    default: Option<Borrowed<'a, 'py>>,
    item_sep: Vec<u8>,
    key_sep: Vec<u8>,
}

impl<'a, 'py> Encoder<'a, 'py> {
    fn new(ctx: Ctx<'py>, o: &Options<'a, 'py>) -> PyResult<Self> {
        if o.indent > MAX_INDENT {
            return Err(PyErr::value_error("Maximum allowed indentation is 1000"));
        }
        // ujson: an indent below -1 is -1; any negative indent writes ": " between a key and its
        // value (as any non-zero one), but no newlines.
        let (item_sep, key_sep) = match o.separators.filter(|s| !s.is_none()) {
            Some(seps) => separators(seps)?,
            None if o.indent != 0 => (b",".to_vec(), b": ".to_vec()),
            None => (b",".to_vec(), b":".to_vec()),
        };
        let mut table = [RAW; 256];
        table[..0x20].fill(SPECIAL);
        table[usize::from(b'"')] = SPECIAL;
        table[usize::from(b'\\')] = SPECIAL;
        if o.escape_forward_slashes {
            table[usize::from(b'/')] = SPECIAL;
        }
        if o.encode_html_chars {
            for b in [b'&', b'<', b'>'] {
                table[usize::from(b)] = SPECIAL;
            }
        }
        if o.ensure_ascii {
            // The lead bytes of multi-byte sequences (and the lengths UTF-8 no longer has, an
            // error): a `\uXXXX` escape. Continuation bytes and 0xFE/0xFF are copied, and the final
            // decoding refuses them, as ujson's output does.
            table[0xC0..=0xFD].fill(SPECIAL);
        }
        Ok(Encoder {
            ctx,
            out: Vec::with_capacity(256),
            specials: Specials::new(&table, o.ensure_ascii),
            table,
            ensure_ascii: o.ensure_ascii,
            escape_slashes: o.escape_forward_slashes,
            sort_keys: o.sort_keys,
            indent: o.indent.max(0) as usize,
            allow_nan: o.allow_nan,
            reject_bytes: o.reject_bytes,
            default: o.default.filter(|d| !d.is_none()),
            item_sep,
            key_sep,
        })
    }

    /// One value at nesting `depth`, after its key (`name`) inside an object.
    #[inline(always)]
    fn item(&mut self, obj: Borrowed<'_, 'py>, name: Option<&[u8]>, depth: u32) -> PyResult<()> {
        if depth > MAX_DEPTH {
            return Err(PyErr::overflow_error("Maximum recursion level reached"));
        }
        if let Some(name) = name {
            self.quoted(name)?;
            match *self.key_sep {
                [b] => self.out.push(b),
                _ => self.out.extend_from_slice(&self.key_sep),
            }
        }
        if !self.builtin(obj, depth)? {
            self.other(obj, depth)?;
        }
        Ok(())
    }

    /// Writes `obj` if it is of a type JSON knows (or a `Decimal`); `false` if it is not.
    fn builtin(&mut self, obj: Borrowed<'_, 'py>, depth: u32) -> PyResult<bool> {
        if let Some(s) = PyStr::cast(obj) {
            self.string(s)?;
        } else if obj.is_int() {
            if obj.is_bool() {
                let v: bool = obj.extract()?;
                self.out
                    .extend_from_slice(if v { b"true" } else { b"false" });
            } else {
                self.int(obj)?;
            }
        } else if obj.is_none() {
            self.out.extend_from_slice(b"null");
        } else if obj.is_float() {
            self.float(obj.extract()?)?;
        } else if let Some(d) = PyDict::cast(obj) {
            self.dict(d, depth)?;
        } else if let Some(l) = PyList::cast(obj) {
            self.array(|| l.iter(), depth)?;
        } else if let Some(t) = PyTuple::cast(obj) {
            self.array(|| t.iter(), depth)?;
        } else if let (false, Some(b)) = (self.reject_bytes, PyBytes::cast(obj)) {
            self.quoted(b.as_bytes())?;
        } else if crate::is_decimal(obj) {
            self.float(obj.extract()?)?;
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    /// A value of no JSON type: `toDict()`, `__json__()`, then `default`, else `TypeError`.
    #[cold]
    #[inline(never)]
    fn other(&mut self, obj: Borrowed<'_, 'py>, depth: u32) -> PyResult<()> {
        let mut current = obj.dup();
        let mut applied = 0;
        loop {
            let obj = current.borrow();
            if has_attr(obj, "toDict") {
                let d = obj.call_method("toDict", ())?;
                let Some(dict) = PyDict::cast(d.borrow()) else {
                    return Err(PyErr::type_error(format!(
                        "toDict() should return a dict, got {}",
                        d.type_name()
                    )));
                };
                return self.dict(dict, depth);
            }
            if has_attr(obj, "__json__") {
                let raw = obj.call_method("__json__", ())?;
                if !is_text(raw.borrow()) {
                    return Err(PyErr::type_error(format!(
                        "__json__() should return str or bytes, got {}",
                        raw.type_name()
                    )));
                }
                return with_text(raw.borrow(), |text| {
                    self.out.extend_from_slice(text);
                    Ok(())
                });
            }
            let Some(default) = self.default else {
                return Err(not_serializable(obj)?);
            };
            if applied >= DEFAULT_MAX {
                return Err(PyErr::type_error("maximum recursion depth exceeded"));
            }
            let next = default.call((obj,))?;
            applied += 1;
            if self.builtin(next.borrow(), depth)? {
                return Ok(());
            }
            current = next;
        }
    }

    fn int(&mut self, obj: Borrowed<'_, 'py>) -> PyResult<()> {
        let ctx = self.ctx;
        match obj.extract::<i64>() {
            Ok(v) => self
                .out
                .extend_from_slice(itoa::Buffer::new().format(v).as_bytes()),
            Err(e) => {
                e.clear(ctx);
                match obj.extract::<u64>() {
                    Ok(v) => self
                        .out
                        .extend_from_slice(itoa::Buffer::new().format(v).as_bytes()),
                    Err(e) => {
                        e.clear(ctx);
                        self.big_int(obj)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// An int beyond 64 bits: its decimal digits from `int.__repr__` (never a subclass's own
    /// `__repr__`/`__str__`), which raises `ValueError` beyond `sys.get_int_max_str_digits()`.
    #[cold]
    fn big_int(&mut self, obj: Borrowed<'_, 'py>) -> PyResult<()> {
        let digits = self
            .ctx
            .builtins_fn("int")?
            .getattr("__repr__")?
            .call((obj,))?;
        let digits = PyStr::try_from_object(&digits)?;
        self.out.extend_from_slice(digits.to_str()?.as_bytes());
        Ok(())
    }

    fn float(&mut self, v: f64) -> PyResult<()> {
        if v.is_finite() {
            floatfmt::write_finite(&mut self.out, v);
        } else if !self.allow_nan {
            return Err(PyErr::overflow_error("Invalid value when encoding double"));
        } else if v.is_nan() {
            self.out.extend_from_slice(b"NaN");
        } else if v > 0.0 {
            self.out.extend_from_slice(b"Infinity");
        } else {
            self.out.extend_from_slice(b"-Infinity");
        }
        Ok(())
    }

    fn string(&mut self, s: PyStrRef<'_, 'py>) -> PyResult<()> {
        let text = s.to_utf8_surrogatepass()?;
        self.quoted(&text)
    }

    fn quoted(&mut self, text: &[u8]) -> PyResult<()> {
        self.out.reserve(text.len() + 2);
        self.out.push(b'"');
        self.escape(text)?;
        self.out.push(b'"');
        Ok(())
    }

    #[inline]
    fn item_separator(&mut self) {
        match *self.item_sep {
            [b] => self.out.push(b),
            _ => self.out.extend_from_slice(&self.item_sep),
        }
    }

    #[inline]
    fn newline_indent(&mut self, level: u32) {
        if self.indent > 0 {
            self.out.push(b'\n');
            let n = self.indent * level as usize;
            self.out.resize(self.out.len() + n, b' ');
        }
    }

    /// An array of the items `items()` gives, at nesting `depth`. (The iterator is made here, not
    /// in the caller: every level of nesting costs the caller's frame, and ujson's depth limit must
    /// fit in small thread stacks.)
    #[inline(never)]
    fn array<F>(&mut self, items: F, depth: u32) -> PyResult<()>
    where
        F: FnOnce() -> PyResult<PySeqIter<'py>>,
    {
        self.out.push(b'[');
        let mut empty = true;
        for item in items()? {
            if !empty {
                self.item_separator();
            }
            empty = false;
            self.newline_indent(depth + 1);
            self.item(item?.borrow(), None, depth + 1)?;
        }
        if !empty {
            self.newline_indent(depth);
        }
        self.out.push(b']');
        Ok(())
    }

    /// An object of the items of the dict `d` (in its order, or sorted by key).
    #[inline(always)]
    fn dict(&mut self, dict: PyDictRef<'_, 'py>, depth: u32) -> PyResult<()> {
        self.out.push(b'{');
        let empty = if self.sort_keys {
            self.sorted_entries(dict, depth)?
        } else {
            self.entries(dict, depth)?
        };
        if !empty {
            self.newline_indent(depth);
        }
        self.out.push(b'}');
        Ok(())
    }

    /// The entries of `dict` in its order (`PyDict::items`); whether there were none. (Each way of
    /// walking a dict is a function of its own: every level of nesting costs one of them, and
    /// ujson's depth limit must fit in small thread stacks.)
    #[inline(never)]
    fn entries(&mut self, dict: PyDictRef<'_, 'py>, depth: u32) -> PyResult<bool> {
        let mut first = true;
        for pair in dict.items()? {
            let (key, value) = pair?;
            self.entry(key, value, first, depth)?;
            first = false;
        }
        Ok(first)
    }

    /// The entries of `dict` sorted by key (`list.sort` of its keys); whether there were none.
    #[inline(never)]
    fn sorted_entries(&mut self, dict: PyDictRef<'_, 'py>, depth: u32) -> PyResult<bool> {
        let keys: PyList<'py> = dict.keys()?;
        let sort = crate::LIST_SORT
            .load(self.ctx)
            .ok_or_else(|| PyErr::new(Exc::SystemError, "ujson: list.sort not loaded"))?;
        sort.call((&keys,))?;
        // By index, not `keys.iter()`: a smaller frame (see `entries`), on a path that is a hash
        // lookup per key anyway.
        let len = keys.len()?;
        for i in 0..len {
            let key = keys.get_item(i as isize)?;
            let value = dict.get_item(&key)?;
            self.entry(key, value, i == 0, depth)?;
        }
        Ok(len == 0)
    }

    /// One `key: value` of an object at nesting `depth` (`first`: no separator before it).
    /// Inlined into [`dict`](Self::dict): each level of nesting costs that frame, and ujson's
    /// depth limit must fit in small stacks.
    #[inline(always)]
    fn entry(
        &mut self,
        key: Handle<'py>,
        value: Handle<'py>,
        first: bool,
        depth: u32,
    ) -> PyResult<()> {
        // The key's text: a `str` or `bytes` itself, `true`/`false`/`null` for `True`/`False`/
        // `None`, else `str(key)`.
        let (text, bytes, converted);
        let name: Cow<'_, [u8]> = if let Some(s) = PyStr::cast(key.borrow()) {
            text = s;
            text.to_utf8_surrogatepass()?
        } else if let Some(b) = PyBytes::cast(key.borrow()) {
            bytes = b;
            Cow::Borrowed(bytes.as_bytes())
        } else if key.is_bool() {
            Cow::Borrowed(if key.extract::<bool>()? {
                b"true"
            } else {
                b"false"
            })
        } else if key.is_none() {
            Cow::Borrowed(b"null")
        } else {
            converted = key_str(self.ctx, key.borrow())?;
            converted.to_utf8_surrogatepass()?
        };
        if !first {
            self.item_separator();
        }
        self.newline_indent(depth + 1);
        self.item(value.borrow(), Some(&name), depth + 1)
    }

    /// Appends the escaped `text` (without quotes).
    fn escape(&mut self, text: &[u8]) -> PyResult<()> {
        let mut start = 0;
        let mut i = 0;
        while i < text.len() {
            // Eight bytes at a time while none needs a look.
            if let Some(word) = text.get(i..i + 8) {
                let word = u64::from_le_bytes(word.try_into().expect("8 bytes"));
                if !self.specials.any_in(word) {
                    i += 8;
                    continue;
                }
            }
            let b = text[i];
            if self.table[usize::from(b)] == RAW {
                i += 1;
                continue;
            }
            self.out.extend_from_slice(&text[start..i]);
            i += self.escape_one(&text[i..])?;
            start = i;
        }
        self.out.extend_from_slice(&text[start..]);
        Ok(())
    }

    /// Writes the escape of the special byte (or UTF-8 sequence) `text` starts with; its length.
    #[cold]
    fn escape_one(&mut self, text: &[u8]) -> PyResult<usize> {
        let b = text[0];
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\x08' => b"\\b",
            b'\x0c' => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            b'/' if self.escape_slashes => b"\\/",
            _ => b"",
        };
        if !short.is_empty() {
            self.out.extend_from_slice(short);
            return Ok(1);
        }
        if b < 0x80 {
            // Other control characters, and `&`, `<`, `>` with encode_html_chars.
            self.unicode_escape(u16::from(b));
            return Ok(1);
        }
        debug_assert!(self.ensure_ascii);
        let (cp, n) = utf8_sequence(text)?;
        if cp >= 0x10000 {
            let c = cp - 0x10000;
            self.unicode_escape(0xD800 + (c >> 10) as u16);
            self.unicode_escape(0xDC00 + (c & 0x3FF) as u16);
        } else {
            self.unicode_escape(cp as u16);
        }
        Ok(n)
    }

    fn unicode_escape(&mut self, unit: u16) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let h = |shift: u32| HEX[usize::from((unit >> shift) & 0xF)];
        self.out
            .extend_from_slice(&[b'\\', b'u', h(12), h(8), h(4), h(0)]);
    }
}

/// The code point of the UTF-8 sequence `s` starts with and its length, checked as ujson checks
/// it with `ensure_ascii` (surrogates accepted: `"surrogatepass"` text holds them), with its
/// errors (`OverflowError`).
fn utf8_sequence(s: &[u8]) -> PyResult<(u32, usize)> {
    let err = |msg: &'static str| Err(PyErr::overflow_error(msg));
    let cont = |i: usize| s[i] & 0xC0 == 0x80;
    let low = |i: usize| u32::from(s[i] & 0x3F);
    let lead = s[0];
    match lead {
        0xC0..=0xDF => {
            if s.len() < 2 {
                return err("Unterminated UTF-8 sequence when encoding string");
            }
            if !cont(1) {
                return err("Invalid continuation byte in 2-byte UTF-8 sequence detected when encoding string");
            }
            let cp = (u32::from(lead & 0x1F) << 6) | low(1);
            if cp < 0x80 {
                return err("Overlong 2-byte UTF-8 sequence detected when encoding string");
            }
            Ok((cp, 2))
        }
        0xE0..=0xEF => {
            if s.len() < 3 {
                return err("Unterminated UTF-8 sequence when encoding string");
            }
            if !cont(1) || !cont(2) {
                return err("Invalid continuation byte in 3-byte UTF-8 sequence detected when encoding string");
            }
            let cp = (u32::from(lead & 0x0F) << 12) | (low(1) << 6) | low(2);
            if cp < 0x800 {
                return err("Overlong 3-byte UTF-8 sequence detected when encoding string");
            }
            Ok((cp, 3))
        }
        0xF0..=0xF7 => {
            if s.len() < 4 {
                return err("Unterminated UTF-8 sequence when encoding string");
            }
            if !cont(1) || !cont(2) || !cont(3) {
                return err("Invalid continuation byte in 4-byte UTF-8 sequence detected when encoding string");
            }
            if (lead >= 0xF4 && s[1] >= 0x90) || lead >= 0xF5 {
                return err(">U+10FFFF in 4-byte UTF-8 sequence detected when encoding string");
            }
            let cp = (u32::from(lead & 0x07) << 18) | (low(1) << 12) | (low(2) << 6) | low(3);
            if cp < 0x10000 {
                return err("Overlong 4-byte UTF-8 sequence detected when encoding string");
            }
            Ok((cp, 4))
        }
        _ => err("Unsupported UTF-8 sequence length when encoding string"),
    }
}

/// `str(key)`, for a key of no JSON type.
#[cold]
#[inline(never)]
fn key_str<'py>(ctx: Ctx<'py>, key: Borrowed<'_, 'py>) -> PyResult<PyStr<'py>> {
    let s = ctx.builtins_fn("str")?.call((key,))?;
    PyStr::try_from_object(&s)
}

/// Whether `obj` is a `str` or `bytes` (or a subclass).
fn is_text(obj: Borrowed<'_, '_>) -> bool {
    PyStr::cast(obj).is_some() || PyBytes::cast(obj).is_some()
}

/// Runs `f` with the UTF-8 of a `str` (lone surrogates encoded with `"surrogatepass"`) or the
/// contents of a `bytes`, borrowed from the object; `TypeError` for anything else.
pub fn with_text<'py, R>(
    obj: Borrowed<'_, 'py>,
    f: impl FnOnce(&[u8]) -> PyResult<R>,
) -> PyResult<R> {
    if let Some(s) = PyStr::cast(obj) {
        return f(&s.to_utf8_surrogatepass()?);
    }
    match PyBytes::cast(obj) {
        Some(b) => f(b.as_bytes()),
        None => Err(PyErr::type_error(format!(
            "expected str or bytes, got {}",
            obj.type_name()
        ))),
    }
}

/// `hasattr(obj, name)` as C's `PyObject_HasAttrString`: any error means no.
fn has_attr(obj: Borrowed<'_, '_>, name: &str) -> bool {
    match obj.hasattr(name) {
        Ok(b) => b,
        Err(e) => {
            e.clear(obj.ctx());
            false
        }
    }
}

/// `TypeError: <repr(obj)> is not JSON serializable`; an error of `repr` (or of encoding it as
/// UTF-8: `UnicodeEncodeError` for a lone surrogate) propagates instead.
fn not_serializable(obj: Borrowed<'_, '_>) -> PyResult<PyErr> {
    let ctx = obj.ctx();
    let r = ctx.builtins_fn("repr")?.call((obj,))?;
    let b = r.call_method("encode", ("utf-8",))?;
    let b = PyBytes::try_from_object(&b)?;
    Ok(PyErr::type_error(format!(
        "{} is not JSON serializable",
        String::from_utf8_lossy(b.as_bytes())
    )))
}

/// The item and key separators given as `separators`, checked as ujson checks them.
fn separators(seps: Borrowed<'_, '_>) -> PyResult<(Vec<u8>, Vec<u8>)> {
    let Some(t) = PyTuple::cast(seps) else {
        return Err(PyErr::type_error("expected tuple or None as separator"));
    };
    if t.len()? != 2 {
        return Err(PyErr::value_error("expected tuple of size 2 as separator"));
    }
    let item = t.get_item(0)?;
    if PyStr::cast(item.borrow()).is_none() {
        return Err(PyErr::type_error("expected str as item separator"));
    }
    let key = t.get_item(1)?;
    if PyStr::cast(key.borrow()).is_none() {
        return Err(PyErr::type_error("expected str as key separator"));
    }
    let text = |h: &Handle<'_>| with_text(h.borrow(), |t| Ok(t.to_vec()));
    Ok((text(&item)?, text(&key)?))
}
