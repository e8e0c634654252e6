// Special methods that oxhpy does not implement (a class's traverse comes from its `Field`s), special
// methods under another name or as properties, and one with the wrong number of arguments.
#[oxhpy::class]
struct Point {
    x: i64,
}

#[oxhpy::methods]
impl Point {
    fn __traverse__(&self) -> i64 {
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

#[oxhpy::class]
struct Lookup {
    n: i64,
}

#[oxhpy::methods]
impl Lookup {
    fn __getattr__(&self) -> i64 {
        self.n
    }
}

fn main() {}
