// A `&'static str` argument would point into the str's UTF-8 buffer after the call.
use std::cell::Cell;

thread_local! {
    static KEPT: Cell<Option<&'static str>> = const { Cell::new(None) };
}

#[oxhpy::function]
fn keep(s: &'static str) {
    KEPT.with(|k| k.set(Some(s)));
}

fn main() {}
