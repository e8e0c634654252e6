// `#[oxhpy::exception]` declares `static NAME: CustomException;`: its base is a built-in exception or
// another declared exception (not a plain `Global`, not a string), it has one docstring, and a
// `CustomException` is made by `#[oxhpy::exception]` only (not `#[oxhpy::global]`).
use oxhpy::prelude::*;

#[oxhpy::global]
static PLAIN: Global;

#[oxhpy::exception]
static WRONG_TYPE: Global;

#[oxhpy::exception(base = "ValueError")]
static STRING_BASE: CustomException;

#[oxhpy::exception(base = PLAIN)]
static GLOBAL_BASE: CustomException;

#[oxhpy::exception(bases = ValueError)]
static UNKNOWN_OPTION: CustomException;

/// Documented twice.
#[oxhpy::exception(doc = "twice")]
static TWO_DOCS: CustomException;

#[oxhpy::exception]
static mut MUTABLE: CustomException;

#[oxhpy::exception]
static WITH_VALUE: CustomException = PLAIN;

#[oxhpy::global]
static AS_GLOBAL: CustomException;

fn main() {}
