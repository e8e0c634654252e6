// Special methods that no type slot implements yet: CPython would ignore them, PyPy call them.
#[oxhpy::class]
struct Point {
    x: i64,
}

#[oxhpy::methods]
impl Point {
    fn __getattribute__(&self) -> i64 {
        self.x
    }
}

#[oxhpy::class]
struct Size {
    n: usize,
}

#[oxhpy::methods]
impl Size {
    #[oxhpy(name = "__getattr__")]
    fn size(&self) -> usize {
        self.n
    }
}

#[oxhpy::class]
struct Hashed {
    h: i64,
}

#[oxhpy::methods]
impl Hashed {
    #[getter]
    fn __get__(&self) -> i64 {
        self.h
    }
}

fn main() {}
