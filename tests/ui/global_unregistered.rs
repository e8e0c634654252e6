// A `Global` cannot be made without `#[oxhpy::global]` (which registers it, so that the module
// definition lists it): no constructor, no `Default`; inside the module mod the macro says what
// to write instead.
use oxhpy::Global;

static A: Global = Global::new();
static B: Global = Default::default();

#[oxhpy::module]
mod m {
    use oxhpy::prelude::*;

    static C: Global = unimplemented!();
}

fn main() {}
