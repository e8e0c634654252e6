// A `Field` in a `Mutex`: not a direct member, never traversed.
use oxhpy::Field;
use std::sync::Mutex;

#[oxhpy::class]
struct Locked {
    own: Field,
    item: Mutex<Field>,
}

fn main() {}
