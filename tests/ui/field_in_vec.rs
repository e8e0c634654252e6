// A `Field` in a `Vec`: the class's traverse would never visit it (a dangling reference on PyPy
// after a GC, a leak on CPython).
use oxhpy::Field;

#[oxhpy::class]
struct Holder {
    first: Field,
    rest: Vec<Field>,
}

fn main() {}
