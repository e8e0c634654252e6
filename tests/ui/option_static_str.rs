// `Option<&'static str>`: the same borrow inside an optional parameter.
use std::cell::Cell;

thread_local! {
    static KEPT: Cell<Option<&'static str>> = const { Cell::new(None) };
}

#[oxhpy::function]
fn keep(s: Option<&'static str>) {
    KEPT.with(|k| k.set(s));
}

fn main() {}
