// `PyStrRef<'static, '_>` (a borrowed `str` argument) kept past the call in a thread_local: the
// caller may drop the object. An owned `PyStr` is the way to keep one (within the call).
use oxhpy::PyStrRef;
use std::cell::RefCell;

thread_local! {
    static KEPT: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

#[oxhpy::function]
fn keep(s: PyStrRef<'static, '_>) -> usize {
    let n = s.to_str().map_or(0, str::len);
    KEPT.with(|k| k.borrow_mut().push(n));
    n
}

fn main() {}
