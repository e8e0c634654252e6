// Every field of a derived type must convert: `FromPy` (read from an attribute, an item or a
// tuple: `for<'b> FromPy<'b, 'py>`) or `IntoPy`; the error points at the field's type.
use oxhpy::prelude::*;

#[derive(FromPy)]
struct Timeout {
    after: std::time::Duration,
}

#[derive(IntoPy)]
struct Elapsed(std::time::Duration, i64);

fn main() {}
