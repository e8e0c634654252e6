//! The smallest complete user module: a function, a class with a method, an error.

#[oxhpy::module]
mod user_crate {
    use oxhpy::prelude::*;

    /// Add two 64-bit integers.
    #[oxhpy::function]
    fn add(a: i64, b: i64) -> PyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| PyErr::overflow_error("add() result does not fit in 64 bits"))
    }

    /// A counter that starts at `start`.
    #[oxhpy::class]
    pub struct Counter {
        count: i64,
    }

    #[oxhpy::methods]
    impl Counter {
        #[new]
        fn new(start: i64) -> Self {
            Counter { count: start }
        }

        /// Adds one and returns the new count.
        fn bump(&mut self) -> i64 {
            self.count += 1;
            self.count
        }
    }
}
