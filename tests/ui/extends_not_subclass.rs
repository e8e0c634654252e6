// A class extends only a class declared `subclass` (CPython and GraalPy refuse to derive from the
// others, and the payload of a class nobody may extend is not laid out for it).
#[oxhpy::class]
pub struct Sealed {
    n: i64,
}

#[oxhpy::class(extends = Sealed)]
pub struct Derived {
    m: i64,
}

fn main() {}
