//! The table of special methods: every `__name__` oxhpy knows, the HPy slot(s) it fills and the
//! shape of function it needs. It drives both the code that `#[oxhpy::methods]` generates for a
//! special method (`pymethod.rs` reads the shape) and the compile errors for a special method
//! without a slot, or a misspelt one (`__len_` → "did you mean `__len__`?").
//!
//! Why refuse a `__name__` without a slot rather than make it an ordinary method: CPython calls
//! special methods through type slots only and would ignore it, PyPy looks them up by name and
//! would call it. One binary, two behaviours.
use proc_macro2::Span;
use syn::Error;

/// The shape of function a special method needs, which decides its HPy calling convention and
/// its trampoline.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Shape {
    /// `(&self) -> T`, `T: IntoPy`: `HPyFunc_REPRFUNC` (`__repr__`, `__str__`).
    Repr,
    /// Any parameters, called vectorcall-style: `HPyFunc_KEYWORDS` (`__call__`).
    Call,
    /// `(&self) -> Exported`: the buffer slots' pair of functions (`__buffer__`).
    Buffer,
    /// `(&self) -> usize`: `HPyFunc_LENFUNC` (`__len__`).
    Len,
    /// `(&self) -> integer`: `HPyFunc_HASHFUNC` (`__hash__`).
    Hash,
    /// `(&self) -> bool`: `HPyFunc_INQUIRY` (`__bool__`).
    Bool,
    /// `(&self, key: T) -> R`, `R: IntoPy`: `HPyFunc_BINARYFUNC` (`__getitem__`).
    GetItem,
    /// `(&self, item: T) -> bool`: `HPyFunc_OBJOBJPROC` (`__contains__`).
    Contains,
    /// `(&self, key: K, value: V)`, returning `()` or `PyResult<()>`: one half of
    /// `mp_ass_subscript` (`HPyFunc_OBJOBJARGPROC`, `__setitem__`); the slot raises `TypeError`
    /// for a deletion when the block has no `__delitem__`.
    SetItem,
    /// `(&self, key: K)`, returning `()` or `PyResult<()>`: the other half (`__delitem__`, called
    /// with a NULL value); `TypeError` for an assignment without `__setitem__`.
    DelItem,
    /// `(&self, other: T) -> R`, `R: IntoPy`: one operator of `tp_richcompare`
    /// (`HPyFunc_RICHCMPFUNC`), whose `HPy_RichCmpOp` constant this is. The block's comparison
    /// methods share one impl; an operator it does not define, or an `other` that does not convert
    /// to `T`, gives `NotImplemented`.
    RichCmp(&'static str),
    /// `(&self) -> R`, `R: IntoPy`: `HPyFunc_UNARYFUNC` (`__neg__`, `__pos__`, `__abs__`,
    /// `__invert__`, `__int__`, `__float__`, `__index__`).
    Unary,
    /// `(&self, other: T) -> R`, `R: IntoPy`: a binary operator with `self` on the left
    /// (`__add__`). One slot serves it and its reflected form (`__radd__`), called with both
    /// operands in order: the block's pair shares one impl that calls the method whose side `self`
    /// is on. An `other` that does not convert to `T` gives `NotImplemented`. `__pow__` takes an
    /// optional second argument, the modulo of `pow(a, b, m)` (`None` for `a ** b`); without it, a
    /// modulo gives `NotImplemented`.
    Binary,
    /// `(&self, other: T) -> R`: the reflected form of a binary operator (`__radd__`: `other +
    /// self`), in the same slot as `Binary`.
    Reflected,
    /// `(&mut self, other: T)` or `(&self, other: T) -> R`: an in-place operator (`__iadd__`:
    /// `self += other`). Returning nothing (`()` or `PyResult<()>`) makes the result `self`, as
    /// Python's own `__iadd__` returns `self`; a value is the result instead. An `other` that does
    /// not convert gives `NotImplemented` (Python then tries `__add__`/`__radd__`).
    InPlace,
    /// `(&mut self, args...)` with any parameters, returning `()` or `PyResult<()>`: `tp_init`
    /// (`HPyFunc_INITPROC`, `__init__`), called with the arguments of the call after `#[new]`,
    /// which the block must have (it gives the struct its value).
    Init,
    /// `(&self)` or `(&mut self)`, returning `()` or `PyResult<()>`: `tp_finalize`
    /// (`HPyFunc_DESTRUCTOR`, `__del__`), run with the object still alive; an error is reported
    /// as "Exception ignored in", as Python does.
    Del,
    /// `(&self) -> R`, `R: IntoPy` (`slf: PyRef<'_, Self>` returned as is gives the object
    /// itself): `__iter__`. HPy 0.9 has no `tp_iter` slot: it is an ordinary method that the type
    /// sets on itself again once created, which makes CPython fill `tp_iter` from it (as for
    /// `Cls.__iter__ = f` in Python); PyPy and GraalPy look it up by name.
    Iter,
    /// `(&mut self) -> Option<R>` (or `PyResult<Option<R>>`): `__next__`, `None` raising
    /// `StopIteration`. A method, as `__iter__` (HPy 0.9 has no `tp_iternext` either).
    Next,
    /// `(&self, args...)` with this many arguments, returning anything `IntoPy`: a special method
    /// that the interpreter looks up by name and HPy 0.9 has no slot for (`__getattr__`,
    /// `__setattr__`, `__get__`, ...). An ordinary method that the type sets on itself again once
    /// created, as `__iter__`: CPython then fills the slot (`tp_getattro`, `tp_descr_get`, ...)
    /// with its own wrapper that calls it; PyPy and GraalPy look it up by name.
    Named(usize),
    /// The constructor, written `#[new]` on a function of any name.
    New,
    /// A special method that is not a method in oxhpy (`__traverse__`, `__clear__`).
    Unsupported,
}

/// One special method.
pub(crate) struct SlotDef {
    /// The Python (and Rust) name, `__repr__`.
    pub name: &'static str,
    /// The HPy slot(s) it fills: `HPySlot_Slot` constants of `hpy_sys` (none for a special method
    /// that is a method the type sets on itself again: `__iter__`, `__next__`, `Named`).
    pub slots: &'static [&'static str],
    pub shape: Shape,
}

macro_rules! slot_table {
    ($($name:literal => [$($slot:ident),*] $shape:ident $(($op:tt))?,)*) => {
        /// Every special method oxhpy knows, supported or not.
        pub(crate) const SLOTS: &[SlotDef] = &[
            $(SlotDef {
                name: $name,
                slots: &[$(stringify!($slot)),*],
                shape: Shape::$shape $((slot_arg!($op)))?,
            },)*
        ];
    };
}

/// A shape's argument in the table: an `HPy_RichCmpOp` constant's name, or an argument count.
macro_rules! slot_arg {
    ($n:literal) => {
        $n
    };
    ($op:ident) => {
        stringify!($op)
    };
}

slot_table! {
    "__repr__" => [HPy_tp_repr] Repr,
    "__str__" => [HPy_tp_str] Repr,
    "__call__" => [HPy_tp_call] Call,
    "__buffer__" => [HPy_bf_getbuffer, HPy_bf_releasebuffer] Buffer,
    "__new__" => [HPy_tp_new] New,
    "__init__" => [HPy_tp_init] Init,
    "__del__" => [HPy_tp_finalize] Del,
    "__hash__" => [HPy_tp_hash] Hash,
    "__bool__" => [HPy_nb_bool] Bool,
    "__len__" => [HPy_mp_length, HPy_sq_length] Len,
    "__getitem__" => [HPy_mp_subscript] GetItem,
    "__setitem__" => [HPy_mp_ass_subscript] SetItem,
    "__delitem__" => [HPy_mp_ass_subscript] DelItem,
    "__contains__" => [HPy_sq_contains] Contains,
    "__iter__" => [] Iter,
    "__next__" => [] Next,
    "__eq__" => [HPy_tp_richcompare] RichCmp(HPy_EQ),
    "__ne__" => [HPy_tp_richcompare] RichCmp(HPy_NE),
    "__lt__" => [HPy_tp_richcompare] RichCmp(HPy_LT),
    "__le__" => [HPy_tp_richcompare] RichCmp(HPy_LE),
    "__gt__" => [HPy_tp_richcompare] RichCmp(HPy_GT),
    "__ge__" => [HPy_tp_richcompare] RichCmp(HPy_GE),
    "__getattr__" => [] Named(1),
    "__getattribute__" => [] Named(1),
    "__setattr__" => [] Named(2),
    "__delattr__" => [] Named(1),
    "__get__" => [] Named(2),
    "__set__" => [] Named(2),
    "__delete__" => [] Named(1),
    "__add__" => [HPy_nb_add] Binary,
    "__sub__" => [HPy_nb_subtract] Binary,
    "__mul__" => [HPy_nb_multiply] Binary,
    "__matmul__" => [HPy_nb_matrix_multiply] Binary,
    "__truediv__" => [HPy_nb_true_divide] Binary,
    "__floordiv__" => [HPy_nb_floor_divide] Binary,
    "__mod__" => [HPy_nb_remainder] Binary,
    "__divmod__" => [HPy_nb_divmod] Binary,
    "__pow__" => [HPy_nb_power] Binary,
    "__lshift__" => [HPy_nb_lshift] Binary,
    "__rshift__" => [HPy_nb_rshift] Binary,
    "__and__" => [HPy_nb_and] Binary,
    "__or__" => [HPy_nb_or] Binary,
    "__xor__" => [HPy_nb_xor] Binary,
    "__radd__" => [HPy_nb_add] Reflected,
    "__rsub__" => [HPy_nb_subtract] Reflected,
    "__rmul__" => [HPy_nb_multiply] Reflected,
    "__rmatmul__" => [HPy_nb_matrix_multiply] Reflected,
    "__rtruediv__" => [HPy_nb_true_divide] Reflected,
    "__rfloordiv__" => [HPy_nb_floor_divide] Reflected,
    "__rmod__" => [HPy_nb_remainder] Reflected,
    "__rdivmod__" => [HPy_nb_divmod] Reflected,
    "__rpow__" => [HPy_nb_power] Reflected,
    "__rlshift__" => [HPy_nb_lshift] Reflected,
    "__rrshift__" => [HPy_nb_rshift] Reflected,
    "__rand__" => [HPy_nb_and] Reflected,
    "__ror__" => [HPy_nb_or] Reflected,
    "__rxor__" => [HPy_nb_xor] Reflected,
    "__iadd__" => [HPy_nb_inplace_add] InPlace,
    "__isub__" => [HPy_nb_inplace_subtract] InPlace,
    "__imul__" => [HPy_nb_inplace_multiply] InPlace,
    "__imatmul__" => [HPy_nb_inplace_matrix_multiply] InPlace,
    "__itruediv__" => [HPy_nb_inplace_true_divide] InPlace,
    "__ifloordiv__" => [HPy_nb_inplace_floor_divide] InPlace,
    "__imod__" => [HPy_nb_inplace_remainder] InPlace,
    "__ipow__" => [HPy_nb_inplace_power] InPlace,
    "__ilshift__" => [HPy_nb_inplace_lshift] InPlace,
    "__irshift__" => [HPy_nb_inplace_rshift] InPlace,
    "__iand__" => [HPy_nb_inplace_and] InPlace,
    "__ior__" => [HPy_nb_inplace_or] InPlace,
    "__ixor__" => [HPy_nb_inplace_xor] InPlace,
    "__neg__" => [HPy_nb_negative] Unary,
    "__pos__" => [HPy_nb_positive] Unary,
    "__abs__" => [HPy_nb_absolute] Unary,
    "__invert__" => [HPy_nb_invert] Unary,
    "__int__" => [HPy_nb_int] Unary,
    "__float__" => [HPy_nb_float] Unary,
    "__index__" => [HPy_nb_index] Unary,
    "__traverse__" => [HPy_tp_traverse] Unsupported,
    "__clear__" => [HPy_tp_clear] Unsupported,
}

/// The entry for the special method `name`, if it is one.
pub(crate) fn find(name: &str) -> Option<&'static SlotDef> {
    SLOTS.iter().find(|s| s.name == name)
}

/// The supported special methods, for error messages: "`__repr__`, `__str__` and `__call__`"; the
/// binary operators in one item, with their reflected and in-place forms summed up.
fn supported() -> String {
    let binary: Vec<String> = SLOTS
        .iter()
        .filter(|s| s.shape == Shape::Binary)
        .map(|s| format!("`{}`", s.name))
        .collect();
    let mut names: Vec<String> = Vec::new();
    for s in SLOTS {
        match s.shape {
            Shape::Unsupported | Shape::New | Shape::Reflected | Shape::InPlace => {}
            Shape::Binary if s.name != "__add__" => {}
            Shape::Binary => names.push(format!(
                "the binary operators {} with their reflected (`__radd__`, ...) and in-place \
                 (`__iadd__`, ...) forms",
                binary.join(", ")
            )),
            _ => names.push(format!("`{}`", s.name)),
        }
    }
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// `__name__`: the shape of a special method's name.
fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

/// Edit distance (insertions, deletions, substitutions) between two short names.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(diag + usize::from(ca != *cb));
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The known special method `name` is most likely a misspelling of: within two edits, for a name
/// that starts or ends with `_` (`__len_`, `_len__`, `__lem__`).
fn misspelt(name: &str) -> Option<&'static SlotDef> {
    if !(name.starts_with('_') || name.ends_with('_')) {
        return None;
    }
    SLOTS
        .iter()
        .map(|s| (distance(name, s.name), s))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, s)| s)
}

/// Why an unknown special method is refused.
const UNKNOWN: &str = "a special method without a type slot would be an ordinary attribute, which \
                       CPython ignores but PyPy calls";

/// Why the special methods left in the table (`__traverse__`, `__clear__`) are not methods.
const WHY: &str =
    "oxhpy generates a class's traverse from its `Field` members, and the interpreter \
                   clears them (HPy has no `tp_clear`)";

/// `slot` (found by its Rust name) as a method, or why not.
pub(crate) fn check_supported(slot: &'static SlotDef, span: Span) -> syn::Result<&'static SlotDef> {
    match slot.shape {
        Shape::Unsupported => Err(Error::new(
            span,
            format!(
                "`{}` is not written by hand: {WHY}. Special methods: {} (and `#[new]` for \
                 the constructor)",
                slot.name,
                supported()
            ),
        )),
        Shape::New => Err(Error::new(
            span,
            "the constructor is marked `#[new]` (on a function of any name), not named `__new__`",
        )),
        _ => Ok(slot),
    }
}

/// Refuses an ordinary method, getter or setter whose Rust name `rust` or Python name `python`
/// is a special method's (or looks like a misspelt one).
pub(crate) fn check_not_special(span: Span, rust: &str, python: &str) -> syn::Result<()> {
    for (name, is_rust) in [(rust, true), (python, false)] {
        let what = if is_rust || rust == python {
            format!("`{name}`")
        } else {
            format!("`{rust}` (Python name `{name}`)")
        };
        if let Some(slot) = find(name) {
            let how = match slot.shape {
                Shape::Unsupported => format!(
                    "is not written by hand: {WHY}. Special methods: {} (and `#[new]` for the \
                     constructor)",
                    supported()
                ),
                Shape::New => "cannot be a method: mark the constructor `#[new]`".into(),
                _ => format!(
                    "must be a plain method named `fn {}` (special methods are recognised by \
                     their Rust name, and cannot be getters, setters or renamed)",
                    slot.name
                ),
            };
            return Err(Error::new(span, format!("{what} {how}")));
        }
        if let Some(slot) = misspelt(name) {
            return Err(Error::new(
                span,
                format!(
                    "unknown special method {what}; did you mean `{}`?",
                    slot.name
                ),
            ));
        }
        if is_dunder(name) {
            return Err(Error::new(
                span,
                format!(
                    "unknown special method {what}: {UNKNOWN}. Supported: {} (and `#[new]` for the \
                     constructor)",
                    supported()
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(misspelt("__len_").map(|s| s.name), Some("__len__"));
        assert_eq!(misspelt("_repr__").map(|s| s.name), Some("__repr__"));
        assert_eq!(misspelt("__cal__").map(|s| s.name), Some("__call__"));
        assert!(misspelt("len").is_none());
        assert!(misspelt("__private_helper").is_none());
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn table_is_consistent() {
        for (i, s) in SLOTS.iter().enumerate() {
            assert!(is_dunder(s.name), "{}", s.name);
            assert!(
                SLOTS[..i].iter().all(|t| t.name != s.name),
                "{} twice",
                s.name
            );
        }
        assert!(supported().starts_with("`__repr__`, `__str__`, `__call__`, `__buffer__`, "));
        // A reflected or in-place form shares its binary operator's name (and the reflected one its
        // slot).
        for s in SLOTS {
            let (binary, same_slot) = match s.shape {
                Shape::Reflected => (format!("__{}", &s.name[3..]), true),
                Shape::InPlace => (format!("__{}", &s.name[3..]), false),
                _ => continue,
            };
            let b = find(&binary).unwrap_or_else(|| panic!("{}: no {binary}", s.name));
            assert_eq!(b.shape, Shape::Binary, "{}", s.name);
            assert_eq!(b.slots == s.slots, same_slot, "{}", s.name);
        }
    }
}
