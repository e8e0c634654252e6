// `sig = "varargs"`: positional arguments, one of them borrowed for 'static.
use std::cell::Cell;

thread_local! {
    static KEPT: Cell<Option<&'static [u8]>> = const { Cell::new(None) };
}

#[oxhpy::function(sig = "varargs")]
fn keep(n: i64, data: &'static [u8]) -> i64 {
    KEPT.with(|k| k.set(Some(data)));
    n
}

fn main() {}
