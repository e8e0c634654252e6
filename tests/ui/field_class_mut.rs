// A class with `Field`s is frozen: a `&mut self` method or setter would exclude the GC's reads
// of its fields (its traverse runs whenever Python code does).
use oxhpy::{Field, PyRefMut};

#[oxhpy::class]
struct Frozen {
    item: Field,
    n: i64,
}

#[oxhpy::methods]
impl Frozen {
    fn bump(&mut self) {
        self.n += 1;
    }

    fn bump_slf(mut slf: PyRefMut<'_, Self>) {
        slf.n += 1;
    }

    #[getter]
    fn n(&self) -> i64 {
        self.n
    }

    #[setter]
    fn set_n(&mut self, n: i64) {
        self.n = n;
    }
}

fn main() {}
