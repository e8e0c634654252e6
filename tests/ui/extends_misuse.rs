// Misuses of a class that extends another: a constructor that forgets the base's value, returning
// a subclass's value alone (it has no base part), `as_super` on a class without base, and
// `as_super_mut` into a frozen base (whose `Field`s the GC reads at any time).
use oxhpy::{Field, PyRef, PyRefMut};

#[oxhpy::class(subclass)]
pub struct Base {
    n: i64,
}

#[oxhpy::class(extends = Base)]
pub struct Sub {
    m: i64,
}

#[oxhpy::methods]
impl Sub {
    #[new]
    fn new(m: i64) -> Self {
        Sub { m }
    }
}

#[oxhpy::function]
fn make_sub(m: i64) -> Sub {
    Sub { m }
}

#[oxhpy::function]
fn root_super(b: PyRef<'_, Base>) -> i64 {
    b.as_super().n
}

#[oxhpy::class(subclass)]
pub struct Frozen {
    item: Field,
}

#[oxhpy::class(extends = Frozen)]
pub struct Thawed {
    k: i64,
}

#[oxhpy::methods]
impl Thawed {
    fn reach_frozen(mut slf: PyRefMut<'_, Self>) {
        slf.k += 1;
        let _ = slf.as_super_mut();
    }
}

fn main() {}
