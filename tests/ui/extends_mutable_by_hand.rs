// `Mutable` is a safe trait: implemented by hand for a class with `Field`s, it still gives no
// `&mut` to that class's part, neither as `self` nor through a subclass's `as_super_mut` (a `&mut`
// reference to a `Field` that the GC reads at any time, which `mem::take` could move out without
// `HPyField_Store`). Both are refused when built.
use oxhpy::{Field, PyRefMut};

#[oxhpy::class(subclass)]
pub struct Frozen {
    item: Field,
}

impl oxhpy::class::Mutable for Frozen {}

#[oxhpy::methods]
impl Frozen {
    fn touch(&mut self) {}
}

#[oxhpy::class(extends = Frozen)]
pub struct Thawed {
    k: i64,
}

#[oxhpy::methods]
impl Thawed {
    fn steal(mut slf: PyRefMut<'_, Self>) {
        slf.k += 1;
        let _taken = std::mem::take(&mut slf.as_super_mut().item);
    }
}

fn main() {}
