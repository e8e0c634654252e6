//! `HashMap` and `BTreeMap` ↔ `dict`, `HashSet` and `BTreeSet` ↔ `set`, as PyO3 converts them.
//!
//! A parameter takes a `dict` or a subclass (`OrderedDict`, `defaultdict`; other mappings raise
//! `TypeError: expected dict, got mappingproxy`), reading each key and value with their own
//! `FromPy` in the dict's order (a later key that converts to an equal Rust key replaces the
//! earlier one, as in Rust). A result is a new `dict`, in the map's iteration order (a `BTreeMap`'s
//! is sorted); a reference `&HashMap`/`&BTreeMap` converts its entries by reference.
//!
//! A set parameter takes a `set` or `frozenset` (or a subclass), converting each item (HPy 0.9 has no
//! set API: the items come from iterating it); a set result is a new `set`.
//!
//! ```
//! use oxhpy::prelude::*;
//! use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
//!
//! /// `{"b": 2, "a": 1}` -> `{1: ["a"], 2: ["b"]}`: the keys of each value, values sorted.
//! #[oxhpy::function]
//! fn invert(m: HashMap<String, i64>) -> BTreeMap<i64, Vec<String>> {
//!     let mut out: BTreeMap<i64, Vec<String>> = BTreeMap::new();
//!     for (k, v) in m {
//!         out.entry(v).or_default().push(k);
//!     }
//!     out.values_mut().for_each(|keys| keys.sort());
//!     out
//! }
//! ```
use super::{wrong_type, FromPy, FromPyItem, IntoPy};
use crate::context::Ctx;
use crate::err::PyResult;
use crate::handle::{AsHandle, Borrowed, Handle, Object};
use crate::types::PyDict;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hash};

/// Each `(key, value)` of the dict `obj`, converted, in the dict's order.
fn entries<'py, K, V>(obj: Borrowed<'_, 'py>, mut put: impl FnMut(K, V)) -> PyResult<()>
where
    K: for<'b> FromPy<'b, 'py>,
    V: for<'b> FromPy<'b, 'py>,
{
    let Some(dict) = PyDict::cast(obj) else {
        return Err(wrong_type(&obj, "dict"));
    };
    // `dict.items()` (`PyDict::items`): a conversion that runs Python code changing the dict's
    // size makes the next step `RuntimeError`, as in Python.
    for pair in dict.items()? {
        let (key, value) = pair?;
        put(key.extract()?, value.extract()?);
    }
    Ok(())
}

/// A new dict of `entries`.
fn dict_of<'py, K: IntoPy<'py>, V: IntoPy<'py>>(
    ctx: Ctx<'py>,
    entries: impl Iterator<Item = (K, V)>,
) -> PyResult<Handle<'py>> {
    let dict = PyDict::new(ctx)?;
    for (k, v) in entries {
        dict.set_item(k, v)?;
    }
    Ok(dict.into_handle())
}

impl<'a, 'py, K, V, S> FromPy<'a, 'py> for HashMap<K, V, S>
where
    K: for<'b> FromPy<'b, 'py> + Eq + Hash,
    V: for<'b> FromPy<'b, 'py>,
    S: BuildHasher + Default,
{
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        let mut map = HashMap::with_hasher(S::default());
        entries(obj, |k, v| {
            map.insert(k, v);
        })?;
        Ok(map)
    }
}

impl<'a, 'py, K, V> FromPy<'a, 'py> for BTreeMap<K, V>
where
    K: for<'b> FromPy<'b, 'py> + Ord,
    V: for<'b> FromPy<'b, 'py>,
{
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        let mut map = BTreeMap::new();
        entries(obj, |k, v| {
            map.insert(k, v);
        })?;
        Ok(map)
    }
}

impl<'py, K, V, S> FromPyItem<'py> for HashMap<K, V, S>
where
    K: for<'b> FromPy<'b, 'py> + Eq + Hash,
    V: for<'b> FromPy<'b, 'py>,
    S: BuildHasher + Default,
{
    fn vec_from_py(obj: Borrowed<'_, 'py>) -> PyResult<Vec<Self>> {
        super::vec_from_sequence(obj)
    }
}

impl<'py, K, V> FromPyItem<'py> for BTreeMap<K, V>
where
    K: for<'b> FromPy<'b, 'py> + Ord,
    V: for<'b> FromPy<'b, 'py>,
{
    fn vec_from_py(obj: Borrowed<'_, 'py>) -> PyResult<Vec<Self>> {
        super::vec_from_sequence(obj)
    }
}

impl<'py, K: IntoPy<'py>, V: IntoPy<'py>, S> IntoPy<'py> for HashMap<K, V, S> {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        dict_of(ctx, self.into_iter())
    }
}

impl<'py, K: IntoPy<'py>, V: IntoPy<'py>> IntoPy<'py> for BTreeMap<K, V> {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        dict_of(ctx, self.into_iter())
    }
}

impl<'a, 'py, K, V, S> IntoPy<'py> for &'a HashMap<K, V, S>
where
    &'a K: IntoPy<'py>,
    &'a V: IntoPy<'py>,
{
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        dict_of(ctx, self.iter())
    }
}

impl<'a, 'py, K, V> IntoPy<'py> for &'a BTreeMap<K, V>
where
    &'a K: IntoPy<'py>,
    &'a V: IntoPy<'py>,
{
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        dict_of(ctx, self.iter())
    }
}

/// Each item of the `set` or `frozenset` `obj`, converted.
fn set_items<'py, T>(obj: Borrowed<'_, 'py>, mut put: impl FnMut(T)) -> PyResult<()>
where
    T: for<'b> FromPy<'b, 'py>,
{
    let ctx = obj.ctx();
    let set = ctx.builtins_fn("set")?;
    let frozenset = ctx.builtins_fn("frozenset")?;
    if !(obj.is_instance(&set)? || obj.is_instance(&frozenset)?) {
        return Err(wrong_type(&obj, "set"));
    }
    for item in obj.iter()? {
        put(item?.extract()?);
    }
    Ok(())
}

/// A new set of `items`.
fn set_of<'py, T: IntoPy<'py>>(
    ctx: Ctx<'py>,
    items: impl Iterator<Item = T>,
) -> PyResult<Handle<'py>> {
    let list = items
        .map(|item| item.into_py(ctx))
        .collect::<PyResult<Vec<Handle<'py>>>>()?;
    ctx.builtins_fn("set")?.call((list,))
}

impl<'a, 'py, T, S> FromPy<'a, 'py> for HashSet<T, S>
where
    T: for<'b> FromPy<'b, 'py> + Eq + Hash,
    S: BuildHasher + Default,
{
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        let mut set = HashSet::with_hasher(S::default());
        set_items(obj, |item| {
            set.insert(item);
        })?;
        Ok(set)
    }
}

impl<'a, 'py, T> FromPy<'a, 'py> for BTreeSet<T>
where
    T: for<'b> FromPy<'b, 'py> + Ord,
{
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        let mut set = BTreeSet::new();
        set_items(obj, |item| {
            set.insert(item);
        })?;
        Ok(set)
    }
}

impl<'py, T, S> FromPyItem<'py> for HashSet<T, S>
where
    T: for<'b> FromPy<'b, 'py> + Eq + Hash,
    S: BuildHasher + Default,
{
    fn vec_from_py(obj: Borrowed<'_, 'py>) -> PyResult<Vec<Self>> {
        super::vec_from_sequence(obj)
    }
}

impl<'py, T> FromPyItem<'py> for BTreeSet<T>
where
    T: for<'b> FromPy<'b, 'py> + Ord,
{
    fn vec_from_py(obj: Borrowed<'_, 'py>) -> PyResult<Vec<Self>> {
        super::vec_from_sequence(obj)
    }
}

impl<'py, T: IntoPy<'py>, S> IntoPy<'py> for HashSet<T, S> {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        set_of(ctx, self.into_iter())
    }
}

impl<'py, T: IntoPy<'py>> IntoPy<'py> for BTreeSet<T> {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        set_of(ctx, self.into_iter())
    }
}

impl<'a, 'py, T, S> IntoPy<'py> for &'a HashSet<T, S>
where
    &'a T: IntoPy<'py>,
{
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        set_of(ctx, self.iter())
    }
}

impl<'a, 'py, T> IntoPy<'py> for &'a BTreeSet<T>
where
    &'a T: IntoPy<'py>,
{
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        set_of(ctx, self.iter())
    }
}
