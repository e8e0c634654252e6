//! **oxhpy**: Python extension modules in Rust on the HPy universal ABI.
//!
//! One compiled `.hpy0.so` imports and runs on CPython, PyPy and GraalPy, in HPy's universal,
//! debug and trace modes. You write plain typed Rust functions:
//!
//! ```
//! #[oxhpy::module]
//! mod _native {
//!     use oxhpy::prelude::*;
//!
//!     /// Add two 64-bit integers.
//!     #[oxhpy::function]
//!     fn add(a: i64, b: i64) -> PyResult<i64> {
//!         a.checked_add(b).ok_or_else(|| PyErr::overflow_error("result does not fit in 64 bits"))
//!     }
//! }
//! ```
//!
//! The layers, bottom up: [`hpy_sys`] (raw ABI, also as [`ffi`]) → [`context`] (the `Ctx<'py>`
//! token) → [`handle`] (owned and borrowed handles) → [`err`] (`PyResult`) → [`convert`] →
//! [`Module`] / [`Global`] / [`class`](mod@class) / [`buffer`] → the `oxhpy-macros` attributes.
//!
//! What the macros generate (argument parsing, the static definitions, the trampolines through
//! which every call enters from the interpreter and where panics are caught) calls into a hidden
//! support module, `oxhpy::impl_`, which is not a public API: its items are `unsafe` wherever they
//! trust their input, so no code without `unsafe` can misuse them.

pub use hpy_sys as ffi;
pub use oxhpy_macros::{class, exception, function, global, methods, module};

pub mod buffer;
mod cache;
mod capi;
pub mod class;
pub mod context;
pub mod convert;
mod derive;
pub mod err;
mod function;
pub mod handle;
pub mod module;
mod slots;
pub mod threads;
mod trampoline;
pub mod types;

pub use class::{Field, PyClass, PyNew, PyRef, PyRefMut};
pub use context::Ctx;
pub use convert::{FromPy, FromPyItem, IntoPy};
pub use err::{CustomException, Exc, ExceptionType, PyErr, PyResult};
pub use handle::{AsHandle, Borrowed, Handle, Object};
pub use module::{Global, Module};
#[doc = include_str!("derive_from_py.md")]
pub use oxhpy_macros::FromPy;
#[doc = include_str!("derive_into_py.md")]
pub use oxhpy_macros::IntoPy;
#[doc = include_str!("derive_into_py_ref.md")]
pub use oxhpy_macros::IntoPyRef;
pub use types::{
    CompareOp, PyBytes, PyBytesRef, PyDict, PyDictRef, PyIter, PyList, PyListRef, PyStr, PyStrRef,
    PyTuple, PyTupleRef, PyType, PyTypeRef,
};

/// `use oxhpy::prelude::*;` brings what an extension needs: the context, handles and
/// [`Object`]'s methods, the conversion traits, errors, [`Module`] and [`Global`].
///
/// ```
/// use oxhpy::prelude::*;
///
/// /// The results of `f(x)` for each `x` in `xs` that are not `None`.
/// #[oxhpy::function]
/// fn filter_map<'py>(f: Borrowed<'_, 'py>, xs: Vec<Handle<'py>>) -> PyResult<Vec<Handle<'py>>> {
///     let mut out = Vec::new();
///     for x in xs {
///         let y = f.call((x,))?;
///         if !y.is_none() {
///             out.push(y);
///         }
///     }
///     Ok(out)
/// }
/// ```
pub mod prelude {
    pub use crate::{
        AsHandle, Borrowed, Ctx, CustomException, Exc, FromPy, Global, Handle, IntoPy, IntoPyRef,
        Module, Object, PyErr, PyResult,
    };
}

/// Support for the code that the macros generate; not a public API (like PyO3's `impl_`).
///
/// The macros reach every item they need through this module only. Whatever here trusts its
/// input (raw pointers, function pointers, handles, definitions that HPy will read and call) is
/// `unsafe` to call or implement.
#[doc(hidden)]
pub mod impl_ {
    pub use crate::buffer::{Export, GetBufferEntry, ReleaseBufferEntry};
    pub use crate::class::{
        add_class, assert_member, borrow_self, borrow_self_mut, destroy, init_builtin, initialised,
        instantiate, instantiate_new, is_instance, traverse, BaseClass, Builtin, Converted, Init,
        LayoutOf, MemberByClone, MemberByRef, MemberRef, Mutable, NoBase, PyClass, PyMethods,
        TypeGlobal,
    };
    pub use crate::context::interpreter_facts;
    // `#[derive(FromPy)]`, `#[derive(IntoPy)]`.
    pub use crate::derive::{
        dict_set, field, field_or, field_or_with, field_with, into_field, into_field_with,
        new_dict, transparent_field, transparent_field_with, tuple_field, tuple_field_with,
        tuple_items, tuple_of, EnumErrors, FieldKey,
    };
    pub use crate::function::{
        extract_arg, extract_arg_with, with_args, ArgScope, ArgSpec, MethodDef, PropertyDef,
        VectorArgs,
    };
    pub use crate::handle::close::pending_closes;
    pub use crate::module::{
        exec_prologue, unregistered, ModuleClass, ModuleDef, ModuleFunction, PtrList, Registered,
        CLASSES, FUNCTIONS, GLOBALS,
    };
    pub use crate::slots::{
        done, hash_value, length, next_value, no_item_assignment, not_implemented, same_object,
        same_type, truth, HashValue,
    };
    pub use crate::trampoline::{
        cpy_binaryfunc, cpy_destructor, cpy_getbuffer, cpy_getter, cpy_hashfunc, cpy_initproc,
        cpy_inquiry, cpy_keywords, cpy_lenfunc, cpy_never, cpy_new, cpy_noargs, cpy_o,
        cpy_objobjargproc, cpy_objobjproc, cpy_releasebuffer, cpy_repr, cpy_richcmp, cpy_setter,
        cpy_ternaryfunc, cpy_traverse, cpy_unaryfunc, cpy_varargs, finalize, init_global_context,
        run, BinaryImpl, DestructorImpl, Entry, ErrorValue, GetterImpl, HashImpl, InitImpl,
        InquiryImpl, KeywordsImpl, LenImpl, NewImpl, NoargsImpl, OImpl, ObjObjArgImpl, ObjObjImpl,
        ReprImpl, RichCmpImpl, SetterImpl, TernaryImpl, UnaryImpl, VarargsImpl,
    };
    pub use crate::{__cfunc as cfunc, __cpy as cpy};
    pub use hpy_sys as ffi;
    pub use linkme;

    // What `#[oxhpy::methods]` adds to a type after creating it.
    pub use crate::class::ClassItem;
    // `#[oxhpy::exception]`.
    pub use crate::err::ExceptionBase;
    pub use crate::module::{ModuleException, EXCEPTIONS};
}

/// The README's Rust examples, compiled and run by `cargo test` as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme {}
