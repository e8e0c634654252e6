//! Classes extending a built-in: `__init__` of their own, or returning one by value.
use oxhpy::class::FloatBase;
use oxhpy::prelude::*;

#[oxhpy::class(extends = FloatBase)]
pub struct WithInit {
    x: f64,
}

#[oxhpy::methods]
impl WithInit {
    #[new]
    fn new() -> Self {
        WithInit { x: 0.0 }
    }

    // its #[new] runs as __init__ already
    fn __init__(&mut self, x: f64) {
        self.x = x;
    }
}

#[oxhpy::class(extends = FloatBase)]
pub struct Plain {}

// Only the class's call gives it its float value: no `IntoPy` for the value itself.
#[oxhpy::function]
fn make() -> Plain {
    Plain {}
}

fn main() {}
