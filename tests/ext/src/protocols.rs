//! `tests/test_protocols.py`: the special methods that fill type slots through the slot table
//! (`__len__`, `__getitem__`, `__contains__`, `__bool__`, `__hash__`, rich comparison).
use oxhpy::prelude::*;
use oxhpy::PyRef;

/// Bag(items): a sequence of integers with the protocol slots. Its truth is "holds a non-zero
/// item" (not its length: `__bool__` comes first), its comparisons are the items' (lexicographic),
/// and it only compares with another `Bag` (`NotImplemented` otherwise).
#[oxhpy::class]
pub struct Bag {
    items: Vec<i64>,
}

#[oxhpy::methods]
impl Bag {
    #[new]
    fn new(items: Vec<i64>) -> Self {
        Bag { items }
    }

    fn __len__(&self) -> usize {
        self.items.len()
    }

    fn __getitem__(&self, index: isize) -> PyResult<i64> {
        let n = self.items.len() as isize;
        let i = if index < 0 { index + n } else { index };
        if (0..n).contains(&i) {
            Ok(self.items[i as usize])
        } else {
            Err(PyErr::new(Exc::IndexError, "Bag index out of range"))
        }
    }

    fn __contains__(&self, item: i64) -> bool {
        self.items.contains(&item)
    }

    fn __bool__(&self) -> bool {
        self.items.iter().any(|&x| x != 0)
    }

    fn __hash__(&self) -> u64 {
        self.items
            .iter()
            .fold(17u64, |h, &x| h.wrapping_mul(31).wrapping_add(x as u64))
    }

    fn __eq__(&self, other: PyRef<'_, Bag>) -> bool {
        self.items == other.items
    }

    fn __ne__(&self, other: PyRef<'_, Bag>) -> bool {
        self.items != other.items
    }

    fn __lt__(&self, other: PyRef<'_, Bag>) -> bool {
        self.items < other.items
    }

    fn __le__(&self, other: PyRef<'_, Bag>) -> bool {
        self.items <= other.items
    }

    fn __gt__(&self, other: PyRef<'_, Bag>) -> bool {
        self.items > other.items
    }

    fn __ge__(&self, other: PyRef<'_, Bag>) -> bool {
        self.items >= other.items
    }

    /// The items, as a list.
    fn items(&self) -> Vec<i64> {
        self.items.clone()
    }
}

/// Weird(mode): special methods that fail or return edge values. `__len__`: `ValueError` (mode 0)
/// or a length beyond `Py_ssize_t` (mode 1, `OverflowError`); `__bool__`: `ValueError` (mode 0);
/// `__hash__`: -1, the slot's error value (Python makes it -2); `__eq__` against an `int`: whether
/// it equals the mode, with any other operand `NotImplemented`; `__getitem__` takes a `str` key.
#[oxhpy::class]
pub struct Weird {
    mode: i64,
}

#[oxhpy::methods]
impl Weird {
    #[new]
    fn new(mode: i64) -> Self {
        Weird { mode }
    }

    fn __len__(&self) -> PyResult<usize> {
        match self.mode {
            0 => Err(PyErr::new(Exc::ValueError, "Weird has no length")),
            _ => Ok(usize::MAX),
        }
    }

    fn __bool__(&self) -> PyResult<bool> {
        match self.mode {
            0 => Err(PyErr::new(Exc::ValueError, "Weird has no truth")),
            _ => Ok(true),
        }
    }

    fn __hash__(&self) -> i64 {
        -1
    }

    fn __eq__(&self, other: i64) -> bool {
        self.mode == other
    }

    fn __getitem__(&self, key: &str) -> String {
        format!("{key}!{}", self.mode)
    }
}

/// Store(): a mapping of `str` to `int` with item assignment and deletion (one
/// `mp_ass_subscript` for both); deleting a missing key raises `KeyError`.
#[oxhpy::class]
pub struct Store {
    items: std::collections::BTreeMap<String, i64>,
}

#[oxhpy::methods]
impl Store {
    #[new]
    fn new() -> Self {
        Store {
            items: Default::default(),
        }
    }

    fn __getitem__(&self, key: &str) -> PyResult<i64> {
        self.items
            .get(key)
            .copied()
            .ok_or_else(|| PyErr::new(Exc::KeyError, key.to_owned()))
    }

    fn __setitem__(&mut self, key: String, value: i64) {
        self.items.insert(key, value);
    }

    fn __delitem__(&mut self, key: &str) -> PyResult<()> {
        match self.items.remove(key) {
            Some(_) => Ok(()),
            None => Err(PyErr::new(Exc::KeyError, key.to_owned())),
        }
    }

    fn __len__(&self) -> usize {
        self.items.len()
    }

    /// The keys, in order.
    fn keys(&self) -> Vec<String> {
        self.items.keys().cloned().collect()
    }
}

/// SetOnly(): `__setitem__` without `__delitem__` (its parameters named the other way round:
/// the generated slot's own names cannot clash with them). Records the last assignment.
#[oxhpy::class]
pub struct SetOnly {
    last: std::sync::Mutex<Option<(i64, String)>>,
}

#[oxhpy::methods]
impl SetOnly {
    #[new]
    fn new() -> Self {
        SetOnly {
            last: Default::default(),
        }
    }

    fn __setitem__(&self, value: i64, key: String) {
        *self.last.lock().unwrap() = Some((value, key));
    }

    /// The last `(key, value)` assigned (`obj[key] = value`, `key` an int).
    fn last(&self) -> Option<(i64, String)> {
        self.last.lock().unwrap().clone()
    }
}

/// DelOnly(): `__delitem__` without `__setitem__`; counts the deletions.
#[oxhpy::class]
pub struct DelOnly {
    deleted: std::sync::atomic::AtomicUsize,
}

#[oxhpy::methods]
impl DelOnly {
    #[new]
    fn new() -> Self {
        DelOnly {
            deleted: Default::default(),
        }
    }

    fn __delitem__(&self, _key: i64) {
        self.deleted
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many deletions.
    fn deleted(&self) -> usize {
        self.deleted.load(std::sync::atomic::Ordering::Relaxed)
    }
}
