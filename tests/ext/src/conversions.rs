//! `tests/test_conversions.py` and `tests/test_numbers.py`: conversions both ways
//! (identity-like `echo_*` functions).
use oxhpy::prelude::*;

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
// Maps: `HashMap` and `BTreeMap` <-> `dict`
// ---------------------------------------------------------------------------------------

#[oxhpy::function]
pub fn echo_hashmap(
    m: std::collections::HashMap<String, i64>,
) -> std::collections::HashMap<String, i64> {
    m
}

/// Sorted by key on the way back.
#[oxhpy::function]
pub fn echo_btreemap(
    m: std::collections::BTreeMap<i64, Vec<String>>,
) -> std::collections::BTreeMap<i64, Vec<String>> {
    m
}

/// Nested maps, maps in a list, optional values.
#[oxhpy::function]
pub fn echo_nested_maps(
    m: Vec<std::collections::BTreeMap<String, std::collections::BTreeMap<String, Option<f64>>>>,
) -> Vec<std::collections::BTreeMap<String, std::collections::BTreeMap<String, Option<f64>>>> {
    m
}

/// A class that hands out a map by reference (a member read without a clone, a method).
#[oxhpy::class]
pub struct Index {
    #[oxhpy(get)]
    words: std::collections::BTreeMap<String, Vec<u32>>,
}

#[oxhpy::methods]
impl Index {
    #[new]
    fn new(text: &str) -> Self {
        let mut words = std::collections::BTreeMap::<String, Vec<u32>>::new();
        for (i, w) in text.split_whitespace().enumerate() {
            words.entry(w.to_owned()).or_default().push(i as u32);
        }
        Index { words }
    }

    fn positions<'py>(&self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        (&self.words).into_py(ctx)
    }
}

#[oxhpy::function]
pub fn echo_hashset(s: std::collections::HashSet<i64>) -> std::collections::HashSet<i64> {
    s
}

/// Sorted in Rust: `sorted_set({"b", "a"})` is `(["a", "b"], {"a", "b"})`.
#[oxhpy::function]
pub fn sorted_set(
    s: std::collections::BTreeSet<String>,
) -> (Vec<String>, std::collections::BTreeSet<String>) {
    (s.iter().cloned().collect(), s)
}
