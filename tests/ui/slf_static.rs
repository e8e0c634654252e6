// `slf: PyRef<'static, Self>`: a method keeping its own object's borrow past the call.
use oxhpy::PyRef;

#[oxhpy::class]
struct Counter {
    n: i64,
}

#[oxhpy::methods]
impl Counter {
    fn keep(slf: PyRef<'static, Self>) -> i64 {
        slf.n
    }

    #[getter]
    fn n(slf: PyRef<'static, Self>) -> i64 {
        slf.n
    }
}

fn main() {}
