// What must keep compiling around `Field`s: every spelling of a direct member, tuple structs,
// `slf` receivers (methods, getters, `&self` setters), `PyRefMut` receivers on classes without
// fields, a class holding another class's value, a thread-local `Field`, and a `PyRef<'_, Self>`
// argument of a constructor.
use oxhpy::prelude::*;
use oxhpy::{Field, PyRef, PyRefMut};
use std::sync::atomic::{AtomicI64, Ordering};

#[oxhpy::class]
pub struct Holder {
    a: Field,
    b: oxhpy::Field,
    c: ::oxhpy::Field,
    n: AtomicI64,
    name: String,
}

#[oxhpy::methods]
impl Holder {
    #[new]
    fn new(like: Option<PyRef<'_, Holder>>) -> Self {
        Holder {
            a: Field::default(),
            b: Field::default(),
            c: Field::default(),
            n: AtomicI64::new(0),
            name: like.map_or_else(String::new, |h| h.name.clone()),
        }
    }

    fn set(slf: PyRef<'_, Self>, x: Borrowed<'_, '_>) -> PyResult<()> {
        slf.a.store(&slf, &x)?;
        slf.b.store(&slf, &slf.as_borrowed())?;
        slf.c.clear(&slf)
    }

    #[getter]
    fn a(slf: PyRef<'_, Holder>) -> PyResult<Option<Handle<'_>>> {
        slf.a.load(&slf)
    }

    #[getter]
    fn n(&self) -> i64 {
        self.n.load(Ordering::Relaxed)
    }

    #[setter]
    fn set_n(&self, n: i64) {
        self.n.store(n, Ordering::Relaxed);
    }
}

#[oxhpy::class]
pub struct Tuple(Field, i64);

#[oxhpy::methods]
impl Tuple {
    #[new]
    fn new() -> Self {
        Tuple(Field::default(), 0)
    }

    fn first(slf: PyRef<'_, Self>) -> PyResult<Option<Handle<'_>>> {
        slf.0.load(&slf)
    }
}

#[oxhpy::class]
pub struct Plain {
    n: i64,
    holder: Holder,
}

#[oxhpy::methods]
impl Plain {
    #[new]
    fn new() -> Self {
        Plain {
            n: 0,
            holder: Holder::new(None),
        }
    }

    fn bump(mut slf: PyRefMut<'_, Self>) -> Handle<'_> {
        slf.n += 1;
        slf.as_borrowed().dup()
    }

    #[getter]
    fn n(&self) -> i64 {
        self.n + self.holder.n()
    }

    #[setter]
    fn set_n(&mut self, n: i64) {
        self.n = n;
    }
}

thread_local! {
    static LOOSE: Field = Field::default();
}

#[oxhpy::function]
pub fn loose(h: PyRef<'_, Holder>, x: Borrowed<'_, '_>) -> bool {
    LOOSE.with(|f| f.store(&h, &x).is_err())
}

fn main() {}
