//! **oxhpy**: Python extension modules in Rust on the HPy universal ABI.
//!
//! One compiled `.hpy0.so` imports and runs on CPython, PyPy and GraalPy, in HPy's universal,
//! debug and trace modes. You write plain typed Rust functions:
//!
//! ```ignore
//! #[oxhpy::module]
//! mod _native {
//!     use oxhpy::prelude::*;
//!
//!     /// Add two 64-bit integers.
//!     #[oxhpy::function]
//!     fn add(a: i64, b: i64) -> PyResult<i64> {
//!         a.checked_add(b).ok_or_else(|| PyErr::new(Exc::OverflowError, "result does not fit in 64 bits"))
//!     }
//! }
//! ```
//!
//! The layers, bottom up: [`hpy_sys`] (raw ABI) → [`context`] (the `Ctx<'py>` token) →
//! [`handle`] (owned and borrowed handles) → [`err`] (`PyResult`) → [`convert`] →
//! [`function`] / [`module`] (definitions) → the `oxhpy-macros` attributes.
//! [`trampoline`] is the one place where calls enter from the interpreter and panics are caught.

pub use hpy_sys as ffi;
pub use oxhpy_macros::{class, function, methods, module};

pub mod buffer;
mod cache;
pub mod class;
pub mod context;
pub mod convert;
pub mod err;
pub mod function;
pub mod handle;
pub mod module;
pub mod threads;
pub mod trampoline;

pub use class::{Field, PyClass, PyMethods, PyNew, PyRef, PyRefMut};
pub use context::Ctx;
pub use convert::{FromPy, FromPyItem, IntoPy};
pub use err::{Exc, PyErr, PyResult};
pub use handle::{AsHandle, Borrowed, Handle, Object};
pub use module::{Global, Module};

/// `use oxhpy::prelude::*;` brings what an extension needs.
pub mod prelude {
    pub use crate::{
        AsHandle, Borrowed, Ctx, Exc, FromPy, Global, Handle, IntoPy, Module, Object, PyErr,
        PyResult,
    };
}

/// Used by the code that the macros generate; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::class::{
        add_class, borrow_self, borrow_self_mut, destroy, instantiate, traverse, Payload, Traverse,
    };
    pub use crate::function::{extract_arg, ArgSpec, MethodDef, VectorArgs};
    pub use crate::module::exec_prologue;
    pub use crate::module::{GlobalList, ModuleDef, PtrList, OWN_GLOBALS};
    pub use crate::trampoline::*;
    pub use hpy_sys as ffi;
}
