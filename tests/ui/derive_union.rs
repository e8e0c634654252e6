// `#[derive(FromPy)]` and `#[derive(IntoPy)]` refuse unions: which field holds the value is not known.
use oxhpy::prelude::*;

#[derive(FromPy)]
union Number {
    int: i64,
    float: f64,
}

#[derive(IntoPy)]
union Bits {
    int: u64,
    float: f64,
}

fn main() {}
