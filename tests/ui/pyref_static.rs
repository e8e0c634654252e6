// `PyRef<'static, T>`: a borrow of another object's payload, kept in a thread_local (the object
// may be freed, and its borrow flag is never released).
use oxhpy::PyRef;
use std::cell::RefCell;

#[oxhpy::class]
struct Counter {
    n: i64,
}

thread_local! {
    static KEPT: RefCell<Vec<PyRef<'static, Counter>>> = const { RefCell::new(Vec::new()) };
}

#[oxhpy::function]
fn keep(c: PyRef<'static, Counter>) -> i64 {
    let n = c.n;
    KEPT.with(|k| k.borrow_mut().push(c));
    n
}

fn main() {}
