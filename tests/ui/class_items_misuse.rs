// Static and class methods, class attributes: a static method takes no receiver, a class method
// takes the class first (no receiver, no `sig`), a class attribute takes nothing (but a `Ctx`), a
// `const` only takes `#[classattr]`, and none of them may be a special method.
use oxhpy::prelude::*;

#[oxhpy::class]
struct Thing {
    n: i64,
}

#[oxhpy::methods]
impl Thing {
    #[staticmethod]
    fn with_self(&self) -> i64 {
        self.n
    }

    #[classmethod]
    fn with_receiver(&self) -> i64 {
        self.n
    }

    #[classmethod]
    fn no_class() -> i64 {
        1
    }

    #[classmethod]
    #[oxhpy(sig = "o")]
    fn positional(cls: Borrowed<'_, '_>, x: i64) -> i64 {
        x
    }

    #[classattr]
    fn with_param(x: i64) -> i64 {
        x
    }

    #[staticmethod]
    const NOT_A_METHOD: i64 = 1;

    #[classattr]
    fn __len__() -> usize {
        0
    }
}

fn main() {}
