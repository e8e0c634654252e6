// Special methods come from one table (oxhpy-macros/src/slots.rs): a misspelt one is refused with
// the name it most likely meant, an unknown `__name__` is refused, and a supported one must be a
// plain method under its own Rust name.
#[oxhpy::class]
struct Seq {
    n: usize,
}

#[oxhpy::methods]
impl Seq {
    fn __len_(&self) -> usize {
        self.n
    }

    fn _repr__(&self) -> String {
        String::new()
    }

    fn __frobnicate__(&self) -> usize {
        self.n
    }

    fn __new__() -> Self {
        Seq { n: 0 }
    }

    #[oxhpy(name = "__repr__")]
    fn show(&self) -> String {
        String::new()
    }

    #[getter]
    fn __str__(&self) -> String {
        String::new()
    }

    #[oxhpy(name = "__cal__")]
    fn call(&self) -> usize {
        self.n
    }
}

fn main() {}

// A special method's signature is its slot's: `__len__` takes only `self`, `__contains__` one
// argument.
#[oxhpy::class]
struct Shapes {
    n: usize,
}

#[oxhpy::methods]
impl Shapes {
    fn __len__(&self, extra: usize) -> usize {
        self.n + extra
    }

    fn __contains__(&self) -> bool {
        true
    }

    fn __eq__(&self, a: i64, b: i64) -> bool {
        a == b
    }

    fn __setitem__(&mut self, key: usize) {
        self.n = key;
    }

    fn __delitem__(&mut self, key: usize, value: usize) {
        self.n = key + value;
    }
}

// `__setitem__` and `__delitem__` return nothing (or `PyResult<()>`).
#[oxhpy::class]
struct Returns {
    n: usize,
}

#[oxhpy::methods]
impl Returns {
    fn __setitem__(&self, key: usize, value: usize) -> usize {
        key + value + self.n
    }
}

// The operators: one operand (`__pow__` optionally a modulo), none for the unary ones.
#[oxhpy::class]
struct Ops {
    n: i64,
}

#[oxhpy::methods]
impl Ops {
    fn __add__(&self, a: i64, b: i64) -> i64 {
        self.n + a + b
    }

    fn __rpow__(&self, a: i64, b: i64, c: i64) -> i64 {
        self.n + a + b + c
    }

    fn __neg__(&self, a: i64) -> i64 {
        a - self.n
    }

    fn __iadd__(&mut self) {}

    fn __radd_(&self, a: i64) -> i64 {
        a
    }
}

// `__init__` needs `#[new]` (which gives the struct its value); `__del__` takes only `self`; both
// return nothing.
#[oxhpy::class]
struct NoNew {
    n: i64,
}

#[oxhpy::methods]
impl NoNew {
    fn __init__(&mut self, n: i64) {
        self.n = n;
    }
}

#[oxhpy::class]
struct Lifecycle {
    n: i64,
}

#[oxhpy::methods]
impl Lifecycle {
    #[new]
    fn new() -> Self {
        Lifecycle { n: 0 }
    }

    fn __init__(&mut self, n: i64) -> i64 {
        self.n = n;
        n
    }

    fn __del__(&self, now: bool) {
        let _ = (self.n, now);
    }
}

#[oxhpy::class]
struct DelValue {
    n: i64,
}

#[oxhpy::methods]
impl DelValue {
    fn __del__(&self) -> i64 {
        self.n
    }
}

// `__iter__` and `__next__` take only `self`; `__next__` returns an `Option` (`None`: the end).
#[oxhpy::class]
struct Iters {
    n: i64,
}

#[oxhpy::methods]
impl Iters {
    fn __iter__(&self, start: i64) -> i64 {
        self.n + start
    }
}

#[oxhpy::class]
struct NextValue {
    n: i64,
}

#[oxhpy::methods]
impl NextValue {
    fn __next__(&mut self) -> i64 {
        self.n
    }
}
