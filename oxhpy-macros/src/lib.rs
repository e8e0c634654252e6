//! The attribute macros of oxhpy: `#[oxhpy::function]`, `#[oxhpy::module]`, `#[oxhpy::class]`,
//! `#[oxhpy::methods]`, `#[oxhpy::global]`, `#[oxhpy::exception]`.
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
mod attributes;
mod classitems;
mod codegen;
mod exception;
mod global;
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
/// Options: `name = "py_name"`, `sig = "noargs" | "o" | "varargs" | "keywords"`.
/// Parameters may carry `#[oxhpy(default = EXPR)]`; trailing `Option<T>` parameters default to
/// `None`. A first parameter of type `Ctx<'py>` receives the context. The function cannot be an
/// `unsafe fn`.
#[proc_macro_attribute]
pub fn function(attr: TokenStream, item: TokenStream) -> TokenStream {
    pyfunction::expand(attr.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Makes a struct the payload of a Python class: `#[oxhpy::class(name = "Py", subclass)]`.
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
/// (the class as the first parameter, `cls: Borrowed<'_, 'py>` or any argument type) and
/// `#[classattr]` (on a `const`, or a function without parameters but an optional `Ctx`: a class
/// attribute, computed once when the module has created its classes), which the type gets once
/// created, as HPy 0.9 has none of them; methods (receiver `&self`, `&mut self`, or
/// `slf: PyRef<'_, Self>` / `slf: PyRefMut<'_, Self>` for the object itself), `#[getter]` and
/// `#[setter]` properties, and the special methods of the slot table (`slots.rs`): `__repr__`,
/// `__str__`, `__call__` (vectorcall-style `tp_call`), `__buffer__`, `__len__`, `__getitem__`,
/// `__contains__`, `__bool__`, `__hash__` and the rich comparisons `__eq__`, `__ne__`, `__lt__`,
/// `__le__`, `__gt__`, `__ge__` (one `tp_richcompare`: `NotImplemented` for an operator without a
/// method or an operand that does not convert to the method's parameter). Any other `__name__`, or a
/// misspelt one (`__len_`: "did you mean `__len__`?"), is a compile error: without a type slot it
/// would be an ordinary attribute, which CPython ignores and PyPy honours.
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
