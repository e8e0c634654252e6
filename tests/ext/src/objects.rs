//! `tests/test_objects.py`: the `Object` API (attributes, items, comparison, hashing, operators,
//! iteration, keyword calls), the typed handles `PyStr`, `PyBytes`, `PyDict`, `PyList`, `PyTuple`,
//! `PyType`, and the number conversions `i8`, `i16`, `u16`, `i128`, `u128`, `f32`.
use oxhpy::prelude::*;
use oxhpy::{
    CompareOp, PyBytes, PyBytesRef, PyDict, PyDictRef, PyList, PyListRef, PyStr, PyStrRef, PyTuple,
    PyTupleRef, PyType, PyTypeRef,
};

// ---------------------------------------------------------------------------------------
// Object API
// ---------------------------------------------------------------------------------------

#[oxhpy::function]
pub fn obj_hasattr(obj: Borrowed<'_, '_>, name: &str) -> PyResult<bool> {
    obj.hasattr(name)
}

#[oxhpy::function]
pub fn obj_delattr(obj: Borrowed<'_, '_>, name: &str) -> PyResult<()> {
    obj.delattr(name)
}

/// `obj[key]` through the generic path (the key is a handle).
#[oxhpy::function]
pub fn obj_get_key<'py>(obj: Borrowed<'_, 'py>, key: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
    obj.get_item(key)
}

/// `obj[i]` through the integer fast path (`HPy_GetItem_i`).
#[oxhpy::function]
pub fn obj_get_index<'py>(obj: Borrowed<'_, 'py>, i: isize) -> PyResult<Handle<'py>> {
    obj.get_item(i)
}

/// `obj[key]` with a key converted from Rust: `str`, `i128` (beyond `isize`: no fast path).
#[oxhpy::function]
pub fn obj_get_str_key<'py>(obj: Borrowed<'_, 'py>, key: &str) -> PyResult<Handle<'py>> {
    obj.get_item(key)
}

#[oxhpy::function]
pub fn obj_get_big_key<'py>(obj: Borrowed<'_, 'py>, key: i128) -> PyResult<Handle<'py>> {
    obj.get_item(key)
}

#[oxhpy::function]
pub fn obj_set_item(
    obj: Borrowed<'_, '_>,
    key: Borrowed<'_, '_>,
    value: Borrowed<'_, '_>,
) -> PyResult<()> {
    obj.set_item(key, value)
}

#[oxhpy::function]
pub fn obj_set_index(obj: Borrowed<'_, '_>, i: isize, value: Borrowed<'_, '_>) -> PyResult<()> {
    obj.set_item(i, value)
}

#[oxhpy::function]
pub fn obj_del_item(obj: Borrowed<'_, '_>, key: Borrowed<'_, '_>) -> PyResult<()> {
    obj.del_item(key)
}

#[oxhpy::function]
pub fn obj_del_index(obj: Borrowed<'_, '_>, i: isize) -> PyResult<()> {
    obj.del_item(i)
}

#[oxhpy::function]
pub fn obj_contains(obj: Borrowed<'_, '_>, value: Borrowed<'_, '_>) -> PyResult<bool> {
    obj.contains(value)
}

fn compare_op(op: &str) -> PyResult<CompareOp> {
    Ok(match op {
        "<" => CompareOp::Lt,
        "<=" => CompareOp::Le,
        "==" => CompareOp::Eq,
        "!=" => CompareOp::Ne,
        ">" => CompareOp::Gt,
        ">=" => CompareOp::Ge,
        _ => return Err(PyErr::value_error(format!("unknown operator {op}"))),
    })
}

/// `a <op> b` as an object (`rich_compare`).
#[oxhpy::function]
pub fn obj_rich_compare<'py>(
    a: Borrowed<'_, 'py>,
    b: Borrowed<'_, 'py>,
    op: &str,
) -> PyResult<Handle<'py>> {
    a.rich_compare(b, compare_op(op)?)
}

/// `bool(a <op> b)` (`eq`, `ne`, `lt`, `le`, `gt`, `ge`).
#[oxhpy::function]
pub fn obj_compare(a: Borrowed<'_, '_>, b: Borrowed<'_, '_>, op: &str) -> PyResult<bool> {
    match compare_op(op)? {
        CompareOp::Lt => a.lt(b),
        CompareOp::Le => a.le(b),
        CompareOp::Eq => a.eq(b),
        CompareOp::Ne => a.ne(b),
        CompareOp::Gt => a.gt(b),
        CompareOp::Ge => a.ge(b),
    }
}

/// `a == 0` with a Rust operand.
#[oxhpy::function]
pub fn obj_eq_zero(a: Borrowed<'_, '_>) -> PyResult<bool> {
    a.eq(0)
}

#[oxhpy::function]
pub fn obj_hash(obj: Borrowed<'_, '_>) -> PyResult<isize> {
    obj.hash()
}

/// `a <op> b` for a binary operator named as in Python (`divmod` for `divmod(a, b)`).
#[oxhpy::function]
pub fn obj_binop<'py>(
    a: Borrowed<'_, 'py>,
    op: &str,
    b: Borrowed<'_, 'py>,
) -> PyResult<Handle<'py>> {
    match op {
        "+" => a.add(b),
        "-" => a.sub(b),
        "*" => a.mul(b),
        "@" => a.matmul(b),
        "/" => a.div(b),
        "//" => a.floor_div(b),
        "%" => a.rem(b),
        "divmod" => a.divmod(b),
        "**" => a.pow(b, ()),
        "<<" => a.lshift(b),
        ">>" => a.rshift(b),
        "&" => a.bitand(b),
        "|" => a.bitor(b),
        "^" => a.bitxor(b),
        _ => Err(PyErr::value_error(format!("unknown operator {op}"))),
    }
}

/// `<op> a` for a unary operator (`abs` for `abs(a)`).
#[oxhpy::function]
pub fn obj_unop<'py>(op: &str, a: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
    match op {
        "-" => a.neg(),
        "+" => a.pos(),
        "abs" => a.abs(),
        "~" => a.bitnot(),
        _ => Err(PyErr::value_error(format!("unknown operator {op}"))),
    }
}

/// `pow(a, b, m)`.
#[oxhpy::function]
pub fn obj_pow3<'py>(
    a: Borrowed<'_, 'py>,
    b: Borrowed<'_, 'py>,
    m: Borrowed<'_, 'py>,
) -> PyResult<Handle<'py>> {
    a.pow(b, m)
}

/// Operators with Rust operands: `(a + 1, a * 2.5, a - "x"?)`: the last raises for a number.
#[oxhpy::function]
pub fn obj_ops_rust<'py>(a: Borrowed<'_, 'py>) -> PyResult<(Handle<'py>, Handle<'py>)> {
    Ok((a.add(1)?, a.mul(2.5)?))
}

/// `list(obj)` through `Object::iter`.
#[oxhpy::function]
pub fn obj_iter_list<'py>(obj: Borrowed<'_, 'py>) -> PyResult<Vec<Handle<'py>>> {
    obj.iter()?.collect()
}

/// The first `n` items of `obj`'s iterator, and that iterator (what is left of it).
#[oxhpy::function]
pub fn obj_iter_take<'py>(
    obj: Borrowed<'_, 'py>,
    n: usize,
) -> PyResult<(Vec<Handle<'py>>, Handle<'py>)> {
    let mut it = obj.iter()?;
    let first = it.by_ref().take(n).collect::<PyResult<Vec<_>>>()?;
    Ok((first, it.into_handle()))
}

/// The items of `obj`'s iterator up to its first error, and how many `next()` gave after it
/// (always 0: the iterator ends at an error).
#[oxhpy::function]
pub fn obj_iter_after_error<'py>(obj: Borrowed<'_, 'py>) -> PyResult<(Vec<Handle<'py>>, usize)> {
    let mut it = obj.iter()?;
    let mut items = Vec::new();
    for item in it.by_ref() {
        match item {
            Ok(h) => items.push(h),
            Err(e) => {
                drop(e); // discarded: the trampoline clears the exception before returning
                break;
            }
        }
    }
    Ok((items, it.count()))
}

/// `f(*args, **{name: value for name, value in zip(names, values)})` through `call_kw`.
#[oxhpy::function]
pub fn obj_call_kw<'py>(
    f: Borrowed<'_, 'py>,
    args: Vec<Handle<'py>>,
    names: Vec<String>,
    values: Vec<Handle<'py>>,
) -> PyResult<Handle<'py>> {
    let kwargs: Vec<(&str, &dyn AsHandle<'py>)> = names
        .iter()
        .map(String::as_str)
        .zip(values.iter().map(|v| v as &dyn AsHandle<'py>))
        .collect();
    match args.len() {
        0 => f.call_kw((), &kwargs),
        1 => f.call_kw((&args[0],), &kwargs),
        2 => f.call_kw((&args[0], &args[1]), &kwargs),
        _ => Err(PyErr::value_error("at most 2 positional arguments")),
    }
}

// ---------------------------------------------------------------------------------------
// Typed handles
// ---------------------------------------------------------------------------------------

/// Returns its argument, the very object (owned form).
#[oxhpy::function]
pub fn echo_pystr<'py>(s: PyStr<'py>) -> PyStr<'py> {
    s
}

/// Returns its argument, the very object (borrowed form).
#[oxhpy::function]
pub fn echo_pystr_ref<'a, 'py>(s: PyStrRef<'a, 'py>) -> PyStrRef<'a, 'py> {
    s
}

#[oxhpy::function]
pub fn echo_pybytes<'py>(b: PyBytes<'py>) -> PyBytes<'py> {
    b
}

#[oxhpy::function]
pub fn echo_pybytes_ref<'a, 'py>(b: PyBytesRef<'a, 'py>) -> PyBytesRef<'a, 'py> {
    b
}

#[oxhpy::function]
pub fn echo_pydict<'py>(d: PyDict<'py>) -> PyDict<'py> {
    d
}

#[oxhpy::function]
pub fn echo_pydict_ref<'a, 'py>(d: PyDictRef<'a, 'py>) -> PyDictRef<'a, 'py> {
    d
}

#[oxhpy::function]
pub fn echo_pylist<'py>(l: PyList<'py>) -> PyList<'py> {
    l
}

#[oxhpy::function]
pub fn echo_pylist_ref<'a, 'py>(l: PyListRef<'a, 'py>) -> PyListRef<'a, 'py> {
    l
}

#[oxhpy::function]
pub fn echo_pytuple<'py>(t: PyTuple<'py>) -> PyTuple<'py> {
    t
}

#[oxhpy::function]
pub fn echo_pytuple_ref<'a, 'py>(t: PyTupleRef<'a, 'py>) -> PyTupleRef<'a, 'py> {
    t
}

#[oxhpy::function]
pub fn echo_pytype<'py>(t: PyType<'py>) -> PyType<'py> {
    t
}

#[oxhpy::function]
pub fn echo_pytype_ref<'a, 'py>(t: PyTypeRef<'a, 'py>) -> PyTypeRef<'a, 'py> {
    t
}

/// `(t.__name__, t.__qualname__, issubclass(t, other))`.
#[oxhpy::function]
pub fn pytype_info(
    t: PyTypeRef<'_, '_>,
    other: Borrowed<'_, '_>,
) -> PyResult<(String, String, bool)> {
    Ok((t.name()?, t.qualname()?, t.is_subclass(&other)?))
}

/// `Vec<PyStr>` and `Option<PyDict>` parameters.
#[oxhpy::function]
pub fn echo_vec_pystr<'py>(v: Vec<PyStr<'py>>) -> Vec<PyStr<'py>> {
    v
}

#[oxhpy::function]
pub fn echo_opt_pydict<'py>(d: Option<PyDict<'py>>) -> Option<PyDict<'py>> {
    d
}

/// Typed handles from any object, without `unsafe`: `(PyStr, ...)` of the first that fits.
#[oxhpy::function]
pub fn classify(obj: Handle<'_>) -> &'static str {
    if PyStr::try_from_object(&obj).is_ok() {
        "str"
    } else if PyBytes::try_from_object(&obj).is_ok() {
        "bytes"
    } else if PyDict::try_from_object(&obj).is_ok() {
        "dict"
    } else if PyList::try_from_object(&obj).is_ok() {
        "list"
    } else if PyTuple::try_from_object(&obj).is_ok() {
        "tuple"
    } else {
        "other"
    }
}

/// The typed handles' conversions between forms: `(owned from borrowed, clone, borrowed of an
/// owned, extract)`, all the same object.
#[oxhpy::function]
pub fn typed_forms<'py>(
    s: PyStrRef<'_, 'py>,
) -> PyResult<(PyStr<'py>, PyStr<'py>, Handle<'py>, PyStr<'py>)> {
    let owned = s.to_owned();
    let cloned = owned.clone();
    let again = cloned.as_borrowed().dup();
    let extracted = again.extract::<PyStr<'py>>()?;
    Ok((owned, cloned, again, extracted))
}

/// `format!("{:?}", x)` of typed handles.
#[oxhpy::function]
pub fn typed_debug(s: PyStrRef<'_, '_>, d: PyDictRef<'_, '_>) -> String {
    format!("{s:?} {d:?}")
}

// --- str ---------------------------------------------------------------------------------

#[oxhpy::function]
pub fn pystr_to_str(s: PyStrRef<'_, '_>) -> PyResult<String> {
    Ok(s.to_str()?.to_owned())
}

#[oxhpy::function]
pub fn pystr_to_cow(s: PyStrRef<'_, '_>) -> PyResult<String> {
    Ok(s.to_cow()?.into_owned())
}

/// `(lossy text, whether it was borrowed)`.
#[oxhpy::function]
pub fn pystr_lossy(s: PyStrRef<'_, '_>) -> PyResult<(String, bool)> {
    let cow = s.to_string_lossy()?;
    let borrowed = matches!(cow, std::borrow::Cow::Borrowed(_));
    Ok((cow.into_owned(), borrowed))
}

/// The text through a new `bytes` object (`PyStr::to_utf8_bytes`).
#[oxhpy::function]
pub fn pystr_to_utf8_bytes<'py>(s: PyStrRef<'_, 'py>) -> PyResult<oxhpy::PyBytes<'py>> {
    s.to_utf8_bytes()
}

#[oxhpy::function]
pub fn pystr_to_utf16(s: PyStrRef<'_, '_>) -> PyResult<Vec<u16>> {
    s.to_utf16()
}

#[oxhpy::function]
pub fn pystr_from_utf16(py: Ctx<'_>, units: Vec<u16>) -> PyResult<PyStr<'_>> {
    PyStr::from_utf16(py, &units)
}

#[oxhpy::function]
pub fn pystr_from_utf8<'py>(py: Ctx<'py>, data: &[u8]) -> PyResult<PyStr<'py>> {
    PyStr::from_utf8(py, data)
}

#[oxhpy::function]
pub fn pystr_decode<'py>(
    py: Ctx<'py>,
    data: &[u8],
    encoding: &str,
    errors: &str,
) -> PyResult<PyStr<'py>> {
    PyStr::decode(py, data, encoding, errors)
}

#[oxhpy::function]
pub fn pystr_new<'py>(py: Ctx<'py>, s: &str) -> PyResult<PyStr<'py>> {
    PyStr::new(py, s)
}

// --- bytes -------------------------------------------------------------------------------

/// `(len, the contents copied into a new bytes)`.
#[oxhpy::function]
pub fn pybytes_contents<'py>(
    py: Ctx<'py>,
    b: PyBytesRef<'_, 'py>,
) -> PyResult<(usize, PyBytes<'py>)> {
    Ok((b.len()?, PyBytes::new(py, b.as_bytes())?))
}

// --- dict --------------------------------------------------------------------------------

#[oxhpy::function]
pub fn pydict_get<'py>(
    d: PyDictRef<'_, 'py>,
    key: Borrowed<'_, 'py>,
) -> PyResult<Option<Handle<'py>>> {
    d.get(key)
}

#[oxhpy::function]
pub fn pydict_items<'py>(d: PyDictRef<'_, 'py>) -> PyResult<Vec<(Handle<'py>, Handle<'py>)>> {
    d.items()?.collect()
}

/// The pairs of `d.items()`, calling `f(key)` after each step (`f` may change `d`).
#[oxhpy::function]
pub fn pydict_items_calling<'py>(
    d: PyDictRef<'_, 'py>,
    f: Borrowed<'_, 'py>,
) -> PyResult<Vec<(Handle<'py>, Handle<'py>)>> {
    let mut out = Vec::new();
    for pair in d.items()? {
        let (k, v) = pair?;
        f.call((&k,))?;
        out.push((k, v));
    }
    Ok(out)
}

/// The items `PyList::iter` gives, calling `f(item)` after each step (`f` may change `l`).
#[oxhpy::function]
pub fn pylist_iter_calling<'py>(
    l: PyListRef<'_, 'py>,
    f: Borrowed<'_, 'py>,
) -> PyResult<Vec<Handle<'py>>> {
    let mut out = Vec::new();
    for item in l.iter()? {
        let item = item?;
        f.call((&item,))?;
        out.push(item);
    }
    Ok(out)
}

/// The items `PyTuple::iter` gives.
#[oxhpy::function]
pub fn pytuple_iter<'py>(t: PyTupleRef<'_, 'py>) -> PyResult<Vec<Handle<'py>>> {
    t.iter()?.collect()
}

/// The list's iterator after `n` steps, the rest left unread (its drop is the test).
#[oxhpy::function]
pub fn pylist_iter_partly<'py>(l: PyListRef<'_, 'py>, n: usize) -> PyResult<Vec<Handle<'py>>> {
    l.iter()?.take(n).collect()
}

/// The dict's items iterator after `n` steps, the rest left unread.
#[oxhpy::function]
pub fn pydict_items_partly<'py>(
    d: PyDictRef<'_, 'py>,
    n: usize,
) -> PyResult<Vec<(Handle<'py>, Handle<'py>)>> {
    d.items()?.take(n).collect()
}

#[oxhpy::function]
pub fn pydict_keys<'py>(d: PyDictRef<'_, 'py>) -> PyResult<PyList<'py>> {
    d.keys()
}

#[oxhpy::function]
pub fn pydict_copy<'py>(d: PyDictRef<'_, 'py>) -> PyResult<PyDict<'py>> {
    d.copy()
}

/// `dict(zip(keys, values))` built with `PyDict::new` and `set_item`.
#[oxhpy::function]
pub fn pydict_build<'py>(
    py: Ctx<'py>,
    keys: Vec<Handle<'py>>,
    values: Vec<Handle<'py>>,
) -> PyResult<PyDict<'py>> {
    let d = PyDict::new(py)?;
    for (k, v) in keys.iter().zip(&values) {
        d.set_item(k, v)?;
    }
    Ok(d)
}

/// A dict built from Rust keys and values: `{"a": 1, 2: "b", (3, 4): None}`.
#[oxhpy::function]
pub fn pydict_rust(py: Ctx<'_>) -> PyResult<PyDict<'_>> {
    let d = PyDict::new(py)?;
    d.set_item("a", 1)?;
    d.set_item(2, "b")?;
    d.set_item((3, 4), ())?;
    Ok(d)
}

// --- list --------------------------------------------------------------------------------

#[oxhpy::function]
pub fn pylist_new<'py>(py: Ctx<'py>, items: Vec<Handle<'py>>) -> PyResult<PyList<'py>> {
    PyList::new(py, items)
}

#[oxhpy::function]
pub fn pylist_empty(py: Ctx<'_>) -> PyResult<PyList<'_>> {
    PyList::empty(py)
}

#[oxhpy::function]
pub fn pylist_append(l: PyListRef<'_, '_>, item: Borrowed<'_, '_>) -> PyResult<()> {
    l.append(item)
}

/// `[0, 1, 4, …]` of `n` squares, from Rust numbers.
#[oxhpy::function]
pub fn pylist_squares(py: Ctx<'_>, n: u32) -> PyResult<PyList<'_>> {
    PyList::new(py, (0..n).map(|i| u64::from(i) * u64::from(i)))
}

// --- tuple -------------------------------------------------------------------------------

#[oxhpy::function]
pub fn pytuple_new<'py>(py: Ctx<'py>, items: Vec<Handle<'py>>) -> PyResult<PyTuple<'py>> {
    PyTuple::new(py, items)
}

#[oxhpy::function]
pub fn pytuple_empty(py: Ctx<'_>) -> PyResult<PyTuple<'_>> {
    PyTuple::empty(py)
}

/// `(t[0], t[-1], len(t))` through the typed handle.
#[oxhpy::function]
pub fn pytuple_ends<'py>(t: PyTupleRef<'_, 'py>) -> PyResult<(Handle<'py>, Handle<'py>, usize)> {
    Ok((t.get_item(0)?, t.get_item(-1)?, t.len()?))
}

// ---------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------

#[oxhpy::function]
pub fn echo_i8(x: i8) -> i8 {
    x
}

#[oxhpy::function]
pub fn echo_i16(x: i16) -> i16 {
    x
}

#[oxhpy::function]
pub fn echo_u16(x: u16) -> u16 {
    x
}

#[oxhpy::function]
pub fn echo_i128(x: i128) -> i128 {
    x
}

#[oxhpy::function]
pub fn echo_u128(x: u128) -> u128 {
    x
}

#[oxhpy::function]
pub fn echo_f32(x: f32) -> f32 {
    x
}

#[oxhpy::function]
pub fn echo_vec_i128(x: Vec<i128>) -> Vec<i128> {
    x
}

#[oxhpy::function]
pub fn echo_vec_f32(x: Vec<f32>) -> Vec<f32> {
    x
}

/// What `number_extremes` returns.
pub type NumberExtremes = ((i8, i8, i16, i16, u16), (i128, i128, u128), (f32, f32, f32));

/// The extremes of the new number types, made in Rust.
#[oxhpy::function]
pub fn number_extremes() -> NumberExtremes {
    (
        (i8::MIN, i8::MAX, i16::MIN, i16::MAX, u16::MAX),
        (i128::MIN, i128::MAX, u128::MAX),
        (f32::MAX, f32::MIN_POSITIVE, f32::from_bits(1)),
    )
}

/// `(*args, **kwargs)` as typed handles: `(len(args), sorted keys, args, kwargs)`.
#[oxhpy::function(signature = (*args, **kwargs))]
pub fn typed_varargs<'py>(
    args: PyTupleRef<'_, 'py>,
    kwargs: Option<PyDict<'py>>,
) -> PyResult<(usize, Vec<String>, PyTuple<'py>, Option<PyDict<'py>>)> {
    let mut keys = match &kwargs {
        Some(kw) => kw
            .keys()?
            .iter()?
            .map(|k| k?.extract::<String>())
            .collect::<PyResult<Vec<_>>>()?,
        None => Vec::new(),
    };
    keys.sort();
    Ok((args.len()?, keys, args.to_owned(), kwargs))
}

/// The checks that never raise: `[is_bool, is_int, is_float, is_callable, str, bytes, dict, list,
/// tuple]`, the last five through each typed handle's `cast`.
#[oxhpy::function]
pub fn type_checks(x: Borrowed<'_, '_>) -> Vec<bool> {
    vec![
        x.is_bool(),
        x.is_int(),
        x.is_float(),
        x.is_callable(),
        PyStr::cast(x).is_some(),
        PyBytes::cast(x).is_some(),
        PyDict::cast(x).is_some(),
        PyList::cast(x).is_some(),
        PyTuple::cast(x).is_some(),
    ]
}

/// `len(x)` through the handle `cast` gives, or -1 when `x` is no `str`.
#[oxhpy::function]
pub fn cast_str_len(x: Borrowed<'_, '_>) -> PyResult<i64> {
    match PyStr::cast(x) {
        Some(s) => Ok(s.len()? as i64),
        None => Ok(-1),
    }
}

/// `(s.encode("utf-8", "surrogatepass"), borrowed)` through `PyStr::to_utf8_surrogatepass`.
#[oxhpy::function]
pub fn str_surrogatepass<'py>(
    py: Ctx<'py>,
    s: PyStrRef<'_, 'py>,
) -> PyResult<(PyBytes<'py>, bool)> {
    let b = s.to_utf8_surrogatepass()?;
    let borrowed = matches!(b, std::borrow::Cow::Borrowed(_));
    Ok((PyBytes::new(py, &b)?, borrowed))
}

/// `b.decode()` through `PyStr::from_cstr` (`ValueError` if `b` holds a NUL).
#[oxhpy::function]
pub fn str_from_cstr<'py>(py: Ctx<'py>, b: &[u8]) -> PyResult<PyStr<'py>> {
    let mut v = b.to_vec();
    v.push(0);
    let c =
        std::ffi::CStr::from_bytes_with_nul(&v).map_err(|_| PyErr::value_error("NUL inside"))?;
    PyStr::from_cstr(py, c)
}

/// The `str` of the code points `cps` through `PyStr::from_code_points`.
#[oxhpy::function]
pub fn str_from_code_points<'py>(py: Ctx<'py>, cps: Vec<u32>) -> PyResult<PyStr<'py>> {
    PyStr::from_code_points(py, &cps)
}

// Integers of any size (the `num-bigint` feature).

#[oxhpy::function]
pub fn echo_bigint(x: num_bigint::BigInt) -> num_bigint::BigInt {
    x
}

#[oxhpy::function]
pub fn echo_biguint(x: num_bigint::BigUint) -> num_bigint::BigUint {
    x
}

#[oxhpy::function]
pub fn echo_vec_bigint(x: Vec<num_bigint::BigInt>) -> Vec<num_bigint::BigInt> {
    x
}

/// The value Rust read: its decimal digits and its bits, computed by `num-bigint`.
#[oxhpy::function]
pub fn bigint_facts(x: num_bigint::BigInt) -> (String, u64) {
    (x.to_string(), x.bits())
}

/// `n!` and `-(n!)`, made in Rust.
#[oxhpy::function]
pub fn big_factorial(n: u32) -> (num_bigint::BigInt, num_bigint::BigInt, num_bigint::BigUint) {
    let f: num_bigint::BigUint = (1..=n).map(num_bigint::BigUint::from).product();
    let s = num_bigint::BigInt::from(f.clone());
    (s.clone(), -s, f)
}
