//! The attribute macros of oxhpy: `#[oxhpy::function]`, `#[oxhpy::module]`, `#[oxhpy::class]`,
//! `#[oxhpy::methods]`, `#[oxhpy::global]`, `#[oxhpy::exception]`; the derives
//! `#[derive(oxhpy::FromPy)]` and `#[derive(oxhpy::IntoPy)]`.
//!
//! They only generate glue: argument extraction, the impl/trampoline pair and the static
//! definitions. The logic lives in the `oxhpy` crate, and the generated code reaches all of it
//! through the hidden `::oxhpy::impl_` module (whose items are `unsafe` wherever they trust their
//! input). The user's tokens that end up in generated code (default values, the calls of the
//! user's functions) are never inside a generated `unsafe` block or `unsafe fn` body.
use proc_macro::TokenStream;

// Parse → model → codegen, as in pyo3-macros-backend:
// - `attributes`: the macros' arguments and the oxhpy attributes inside items;
// - `model`: the typed model (`Callable`, `MethodKind`), with `slots`, the table of special methods;
// - `codegen`: the calling conventions and what functions, methods and slots share; then one
//   generator per macro: `pyfunction`, `pymethod` + `pyimpl` (`#[oxhpy::methods]`), `pyclass`,
//   `module`, `global`.
// The derives: `attributes` parses their `#[oxhpy(...)]` options, `derive` is their model (shapes,
// field keys, lifetimes), `frompy` and `intopy` generate the impls.
mod attributes;
mod classitems;
mod codegen;
mod derive;
mod exception;
mod frompy;
mod global;
mod intopy;
mod model;
mod module;
mod pyclass;
mod pyfunction;
mod pyimpl;
mod pymethod;
mod slots;
mod utils;

/// Exposes a plain typed Rust function to Python.
///
/// The calling convention follows from the signature: no parameters → `NOARGS`, otherwise
/// `KEYWORDS` (vectorcall style). `sig = "o"` or `sig = "varargs"` opt into the positional-only
/// conventions, which skip keyword handling. Arguments are borrowed for the call only: a parameter
/// type that would keep one past the call (`&'static str`, `PyRef<'static, T>`) does not compile.
///
/// Options: `name = "py_name"`, `sig = "noargs" | "o" | "varargs" | "keywords"`, and
/// `signature = (a, b = 1, /, c, *args, d, e = 2, **kwargs)`: the Python parameter list as in a
/// `def` (PyO3's syntax), listing every parameter in order: `/` ends the positional-only ones,
/// `*` or `*args` starts the keyword-only ones, `*args` gets the extra positional arguments as a
/// tuple and `**kwargs` the extra keyword arguments as a dict (`None` for an `Option` parameter
/// when there are none). In `#[oxhpy::methods]` it is `#[oxhpy(signature = (...))]`. Bad calls
/// raise the `TypeError`s of a `def` with the same signature, worded as CPython words them.
/// Parameters may carry `#[oxhpy(default = EXPR)]` and `#[oxhpy(from_py_with = path)]` (a function
/// `fn(Borrowed<'_, 'py>) -> PyResult<T>` that converts the argument instead of `T`'s `FromPy`, its
/// error naming the argument); `Option<T>` parameters default to `None`
/// unless a required positional parameter follows. A first parameter of type `Ctx<'py>` receives
/// the context. The function cannot be an `unsafe fn`.
#[proc_macro_attribute]
pub fn function(attr: TokenStream, item: TokenStream) -> TokenStream {
    pyfunction::expand(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Makes a struct the payload of a Python class: `#[oxhpy::class(name = "Py", subclass)]`.
///
/// `subclass` lets Python classes and Rust classes derive from it; `extends = Base` derives this
/// class from the Rust class `Base` (declared `subclass`, registered by an `#[oxhpy::methods]`
/// block): its instances are `Base`s too (`Base`'s methods, properties and special methods work on
/// them, one borrow flag guards both parts), its `#[new]` returns `(Self, Base)` (`(Self, (Base,
/// BaseOfBase))` two levels down), `PyRef::as_super()` reaches the base's part, and a value of it
/// returns to Python as `oxhpy::PyNew((value, base_value))`.
///
/// Members may carry `#[oxhpy(get)]` or `#[oxhpy(get, set)]` (and `name = "..."`, which a tuple
/// struct's member needs): a property that returns a clone of the member (`Clone + IntoPy`) and, with
/// `set`, assigns a converted value (`FromPy`), which needs a class that may be borrowed mutably
/// (not a frozen one, with `Field`s; a `Field` member itself may be `set`: it is stored through the
/// object). Deleting the property raises `TypeError`.
///
/// Members typed `Field` or `oxhpy::Field` hold Python objects: the type then takes part in GC
/// (its traverse visits them), is frozen (no `&mut self` methods or setters) and is made
/// `Send + Sync`, so its other members must be `Send + Sync`, which a type holding a `Field` is
/// not: a `Field` anywhere but as a direct member does not compile.
#[proc_macro_attribute]
pub fn class(attr: TokenStream, item: TokenStream) -> TokenStream {
    pyclass::expand_class(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// The methods of a class: `#[new]` constructor; `#[staticmethod]` (no receiver), `#[classmethod]`
/// (the class as the first parameter, `cls: PyTypeRef<'_, 'py>` or any argument type) and
/// `#[classattr]` (on a `const`, or a function without parameters but an optional `Ctx`: a class
/// attribute, computed once when the module has created its classes), which the type gets once
/// created, as HPy 0.9 has none of them; methods (receiver `&self`, `&mut self`, or
/// `slf: PyRef<'_, Self>` / `slf: PyRefMut<'_, Self>` for the object itself), `#[getter]` and
/// `#[setter]` properties, and the special methods of the slot table (`slots.rs`), recognised by
/// their Rust name:
///
/// - `__repr__`, `__str__`, `__call__` (vectorcall-style `tp_call`), `__buffer__`;
/// - `__init__(&mut self, ...)` with any parameters (`tp_init`: called with the arguments of the
///   call after `#[new]`, which the block must have; a `#[new]` without parameters then leaves the
///   arguments to `__init__`, as `object.__new__` does), returning `()` or `PyResult<()>`;
/// - `__del__(&mut self)` (`tp_finalize`: run with the object alive, before `Drop`; an error or
///   panic is reported as "Exception ignored in", as Python does). Not run on CPython for an
///   object freed while an exception propagates (HPy 0.9 cannot set the exception aside while
///   Python code runs), nor on GraalPy 24.2, which runs no finalizers;
/// - `__iter__` and `__next__` (`-> Option<T>`, `None` raising `StopIteration`); `__iter__` of an
///   iterator returns `slf: PyRef<'_, Self>` itself. HPy 0.9 has no slot for them: they are
///   methods, which the type sets on itself again once created so that CPython fills `tp_iter` /
///   `tp_iternext` from them (PyPy and GraalPy find them by name);
/// - attribute access, `__getattr__(&self, name)` (when the ordinary lookup fails),
///   `__getattribute__(&self, name)`, `__setattr__(&mut self, name, value)`,
///   `__delattr__(&mut self, name)`, and the descriptor protocol, `__get__(&self, obj, owner)`
///   (`obj: Option<_>`, `None` on the class), `__set__(&self, obj, value)`, `__delete__(&self,
///   obj)`: methods set on the type again, as `__iter__`;
/// - `__len__`, `__getitem__`, `__setitem__(&mut self, key, value)` and `__delitem__(&mut self,
///   key)` (one `mp_ass_subscript`: the one the block lacks raises `TypeError`, "'T' object does
///   not support item deletion"), `__contains__`, `__bool__`, `__hash__`;
/// - the rich comparisons `__eq__`, `__ne__`, `__lt__`, `__le__`, `__gt__`, `__ge__` (one
///   `tp_richcompare`);
/// - the binary operators `__add__`, `__sub__`, `__mul__`, `__matmul__`, `__truediv__`,
///   `__floordiv__`, `__mod__`, `__divmod__`, `__pow__`, `__lshift__`, `__rshift__`, `__and__`,
///   `__or__`, `__xor__`, each with its reflected form (`__radd__`: `other + self`) and, but
///   `__divmod__`, its in-place form (`__iadd__`: `self += other`). `__pow__`, `__rpow__` and
///   `__ipow__` may take a second argument, the modulo of `pow(a, b, m)` (`None` for `**`). An
///   in-place method that returns nothing (`()` or `PyResult<()>`) gives `self` as the result;
/// - the unary operators and conversions `__neg__`, `__pos__`, `__abs__`, `__invert__`,
///   `__int__`, `__float__`, `__index__`.
///
/// A comparison or operator whose operand does not convert to the method's parameter type
/// returns `NotImplemented`, so Python tries the other operand's method and then raises its own
/// `TypeError`; an error the method returns propagates. A reflected method is called when `self`
/// is the right operand and the left one is of another type (as in Python).
///
/// Any other `__name__`, or a misspelt one (`__len_`: "did you mean `__len__`?"), is a compile
/// error: without a type slot it would be an ordinary attribute, which CPython ignores and PyPy
/// honours.
///
/// ```ignore
/// #[oxhpy::class]
/// pub struct Vec2 { x: f64, y: f64 }
///
/// #[oxhpy::methods]
/// impl Vec2 {
///     #[new]
///     fn new(x: f64, y: f64) -> Self { Vec2 { x, y } }
///
///     // v + w; `v + 1` raises TypeError (1 is not a Vec2: NotImplemented)
///     fn __add__(&self, other: PyRef<'_, Vec2>) -> Vec2 { Vec2::new(self.x + other.x, self.y + other.y) }
///     // v * 2.0, and 2.0 * v through the reflected form
///     fn __mul__(&self, k: f64) -> Vec2 { Vec2::new(self.x * k, self.y * k) }
///     fn __rmul__(&self, k: f64) -> Vec2 { self.__mul__(k) }
///     // v += w changes v in place (and the result is v itself)
///     fn __iadd__(&mut self, other: PyRef<'_, Vec2>) { self.x += other.x; self.y += other.y; }
///     fn __neg__(&self) -> Vec2 { Vec2::new(-self.x, -self.y) }
///     fn __abs__(&self) -> f64 { self.x.hypot(self.y) }
///     // iter(v), list(v), x, y = v: a new iterator over the coordinates
///     fn __iter__(&self) -> Coords { Coords { left: std::sync::Mutex::new(vec![self.y, self.x]) } }
/// }
///
/// #[oxhpy::class]
/// pub struct Coords { left: std::sync::Mutex<Vec<f64>> }
///
/// #[oxhpy::methods]
/// impl Coords {
///     fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> { slf }
///     fn __next__(&self) -> Option<f64> { self.left.lock().unwrap().pop() }
/// }
/// ```
#[proc_macro_attribute]
pub fn methods(attr: TokenStream, item: TokenStream) -> TokenStream {
    pyimpl::expand_methods(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Declares a module global: `#[oxhpy::global] static CACHE: Global;` (or `[Global; N]`, no
/// initializer), anywhere in the crate (any module or file, inside a function). It is registered
/// at link time, and the module definition lists every registered global, as HPy requires of
/// every `HPyGlobal` stored into. This is the only way to create a `Global` without `unsafe`.
#[proc_macro_attribute]
pub fn global(attr: TokenStream, item: TokenStream) -> TokenStream {
    global::expand(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Turns an inline `mod NAME { ... }` into the HPy module `NAME` (the last part of its import
/// name): a function marked `#[oxhpy::exec]` runs at module exec time, and the mod's doc comment
/// is the docstring. The module holds every `#[oxhpy::function]` and every class (with its
/// `#[oxhpy::methods]` block) of the binary, wherever they are declared: in the mod, or in any
/// other module or file of the crate (`use super::numbers::*;` is then only for Rust's name
/// lookup). They and the `#[oxhpy::global]`s register themselves at link time, hence one
/// `#[oxhpy::module]` per binary (a second one fails to compile or link on the symbol
/// `OXHPY_ONE_MODULE_PER_BINARY`); two items of the same Python name raise `ImportError` when the
/// module is executed.
#[proc_macro_attribute]
pub fn module(attr: TokenStream, item: TokenStream) -> TokenStream {
    module::expand(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Declares a custom exception type: `#[oxhpy::exception(base = ValueError)] static
/// PARSE_ERROR: CustomException;`, anywhere in the crate (like `#[oxhpy::global]`). The module
/// creates it when it is initialised, before its classes and its `#[oxhpy::exec]` function, as
/// `<module>.ParseError`, and adds it to the module.
///
/// Options: `base = ...`, a built-in exception (`ValueError`, `Exc::ValueError`: any `oxhpy::Exc`)
/// or another `#[oxhpy::exception]` static (`PARSE_ERROR`, `crate::errors::PARSE_ERROR`), created
/// first; `Exception` by default. `name = "..."`: the Python name, by default the static's name in
/// CamelCase (`PARSE_ERROR` → `ParseError`; a name with lowercase letters is kept).
/// `doc = "..."`, or the doc comment: the docstring.
///
/// Raise it with `PARSE_ERROR.new_err(msg)` or `PyErr::custom(&PARSE_ERROR, msg)`; test an error
/// with `err.matches(ctx, &PARSE_ERROR)`. Exceptions whose bases form a cycle make the import fail
/// with `ImportError`.
#[proc_macro_attribute]
pub fn exception(attr: TokenStream, item: TokenStream) -> TokenStream {
    exception::expand(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `#[derive(FromPy)]`: extracts the type from a Python object. Documented, with examples, on its
/// re-export `oxhpy::FromPy`.
#[proc_macro_derive(FromPy, attributes(oxhpy))]
pub fn derive_from_py(item: TokenStream) -> TokenStream {
    frompy::expand(item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `#[derive(IntoPy)]`: converts the type to a Python object. Documented, with examples, on its
/// re-export `oxhpy::IntoPy`.
#[proc_macro_derive(IntoPy, attributes(oxhpy))]
pub fn derive_into_py(item: TokenStream) -> TokenStream {
    intopy::expand(item.into(), derive::Which::IntoPy)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `#[derive(IntoPyRef)]`: converts a reference to the type to a Python object. Documented, with
/// examples, on its re-export `oxhpy::IntoPyRef`.
#[proc_macro_derive(IntoPyRef, attributes(oxhpy))]
pub fn derive_into_py_ref(item: TokenStream) -> TokenStream {
    intopy::expand(item.into(), derive::Which::IntoPyRef)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
