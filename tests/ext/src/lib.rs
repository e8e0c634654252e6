//! `oxhpy_testext._native`: the test extension of oxhpy.
//!
//! Every public behaviour of the safe layer has a small Python-visible function here, exercised by
//! `tests/test_*.py` on every interpreter and HPy mode:
//!
//! * the four calling conventions, defaults, `Option` parameters, `Ctx` parameters, renaming;
//! * conversions both ways (identity-like `echo_*` functions);
//! * panics, custom and built-in exceptions, propagation of exceptions raised by Python code;
//! * calls into Python through the context, and the `Object` methods;
//! * the 18 context members that PyPy 3.11 moved (see `hpy_sys::layout`), called through the raw
//!   `oxhpy::ffi` wrappers. The 19th, `SetCallFunction`, needs a class, which oxhpy cannot define
//!   yet: it is left out.
//!
//! Every handle a function opens is closed before it returns (the debug-mode leak detector runs
//! around every test), except in `leak_one_handle`, which leaks one on purpose.
//!
//! The module's functions and classes live in one file per pytest file (`functions.rs` for
//! `tests/test_functions.py`, ...): `#[oxhpy::module]` holds every one of the crate, wherever it
//! is declared.

/// Waits until a byte can be read from the non-blocking pipe `fd` (written by a Python thread),
/// or `timeout_ms` passes; whether the byte arrived.
fn wait_pipe(fd: i32, timeout_ms: u64) -> bool {
    use std::io::Read;
    use std::os::fd::FromRawFd;
    // SAFETY: the caller passes an open pipe fd it keeps owning; ManuallyDrop never closes it.
    let mut pipe = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(fd) });
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(timeout_ms);
    let mut byte = [0u8; 1];
    while std::time::Instant::now() < deadline {
        match pipe.read(&mut byte) {
            Ok(1) => return true,
            _ => std::thread::sleep(std::time::Duration::from_millis(1)),
        }
    }
    false
}

/// Test functions for oxhpy: one per public behaviour of the safe layer.
#[oxhpy::module]
pub mod _native {
    // The module holds every `#[oxhpy::function]` and class of the crate, wherever declared (they
    // register themselves): the files below are only `use`d for what `exec` names.
    use crate::errors::{MY_ERROR, MY_VALUE_ERROR};
    use oxhpy::prelude::*;

    #[oxhpy::exec]
    fn exec(m: &Module<'_>) -> PyResult<()> {
        m.add_exception(
            &MY_ERROR,
            "MyError",
            None,
            "A custom exception of oxhpy_testext.",
        )?;
        m.add_exception(
            &MY_VALUE_ERROR,
            "MyValueError",
            Some(Exc::ValueError),
            "A custom ValueError of oxhpy_testext.",
        )?;
        m.add("VERSION", "1")?;
        m.add("ANSWER", 42i64)?;
        m.add("NOTHING", ())?;
        Ok(())
    }
}

// The module's items, one file per pytest file.
mod args;
mod buffer_formats;
mod builtin_bases;
mod callfunction;
mod class_items;
mod context;
mod conversions;
mod derives;
mod errors;
mod exceptions;
mod export;
mod fields;
mod functions;
mod inheritance;
mod memory;
mod objects;
mod protocols;
mod threads;
mod views;
mod zero_copy;

use oxhpy::convert::wrong_type;
use oxhpy::prelude::*;
use oxhpy::{ffi, FromPy};

/// A panic payload whose `Drop` panics in turn.
pub struct DropPanics;

impl Drop for DropPanics {
    fn drop(&mut self) {
        panic!("DropPanics dropped")
    }
}

/// Argument types that keep the handle (for the raw `ffi` calls) after checking the object's type.
/// They show that `FromPy` can be implemented outside oxhpy, and that a `TypeError` from a user
/// `FromPy` is named after the argument too.
macro_rules! checked_handle {
    ($($name:ident: $what:literal = |$c:ident, $h:ident| $check:expr;)*) => {$(
        #[doc = concat!("A `", $what, "` argument, as a borrowed handle.")]
        pub struct $name<'a, 'py>(pub Borrowed<'a, 'py>);

        impl<'a, 'py> FromPy<'a, 'py> for $name<'a, 'py> {
            fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
                let ($c, $h) = (obj.ctx().as_ptr(), obj.raw());
                // SAFETY: live context and handle; the checks only read the object's type and
                // the context's type constants.
                if unsafe { $check } {
                    Ok($name(obj))
                } else {
                    Err(wrong_type(&obj, $what))
                }
            }
        }
    )*};
}

checked_handle! {
    PyStr: "str" = |c, h| ffi::HPyUnicode_Check(c, h) != 0;
    PyDict: "dict" = |c, h| ffi::HPyDict_Check(c, h) != 0;
    PyType: "type" = |c, h| ffi::HPy_TypeCheck(c, h, (*c).h_TypeType) != 0;
    PySlice: "slice" = |c, h| ffi::HPy_TypeCheck(c, h, (*c).h_SliceType) != 0;
    PyCapsule: "capsule" = |c, h| ffi::HPy_TypeCheck(c, h, (*c).h_CapsuleType) != 0;
}

/// Every built-in exception `raise_builtin` knows, by Python name.
pub const EXCEPTIONS: &[(&str, Exc)] = &[
    ("BaseException", Exc::BaseException),
    ("Exception", Exc::Exception),
    ("ArithmeticError", Exc::ArithmeticError),
    ("AssertionError", Exc::AssertionError),
    ("AttributeError", Exc::AttributeError),
    ("BufferError", Exc::BufferError),
    ("EOFError", Exc::EOFError),
    ("FloatingPointError", Exc::FloatingPointError),
    ("ImportError", Exc::ImportError),
    ("IndexError", Exc::IndexError),
    ("KeyError", Exc::KeyError),
    ("LookupError", Exc::LookupError),
    ("MemoryError", Exc::MemoryError),
    ("NameError", Exc::NameError),
    ("NotImplementedError", Exc::NotImplementedError),
    ("OSError", Exc::OSError),
    ("OverflowError", Exc::OverflowError),
    ("RecursionError", Exc::RecursionError),
    ("RuntimeError", Exc::RuntimeError),
    ("StopIteration", Exc::StopIteration),
    ("SystemError", Exc::SystemError),
    ("TimeoutError", Exc::TimeoutError),
    ("TypeError", Exc::TypeError),
    ("UnicodeError", Exc::UnicodeError),
    ("ValueError", Exc::ValueError),
    ("ZeroDivisionError", Exc::ZeroDivisionError),
    ("Warning", Exc::Warning),
    ("RuntimeWarning", Exc::RuntimeWarning),
    ("UserWarning", Exc::UserWarning),
];

/// The `Exc` called `name`.
pub fn exc_by_name(name: &str) -> Option<Exc> {
    EXCEPTIONS.iter().find(|(n, _)| *n == name).map(|(_, e)| *e)
}

/// A module global declared outside the `#[oxhpy::module]` mod (used by `global_slot`).
mod elsewhere {
    use oxhpy::Global;

    #[oxhpy::global]
    pub static ELSEWHERE: Global;
}
