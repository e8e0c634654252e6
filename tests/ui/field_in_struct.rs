// A `Field` in a plain struct that a class holds: never traversed.
use oxhpy::Field;

struct Inner {
    item: Field,
}

#[oxhpy::class]
struct Outer {
    own: Field,
    inner: Inner,
}

#[oxhpy::class]
struct OnlyNested {
    inner: Inner,
}

fn main() {}
