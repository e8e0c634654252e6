// Special methods that no type slot implements yet: CPython would ignore them, PyPy call them.
#[oxhpy::class]
struct Point {
    x: i64,
}

#[oxhpy::methods]
impl Point {
    fn __eq__(&self, other: i64) -> bool {
        self.x == other
    }
}

#[oxhpy::class]
struct Size {
    n: usize,
}

#[oxhpy::methods]
impl Size {
    #[oxhpy(name = "__len__")]
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
    fn __hash__(&self) -> i64 {
        self.h
    }
}

fn main() {}
