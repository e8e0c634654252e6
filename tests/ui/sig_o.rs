// `sig = "o"`: the single positional argument, borrowed for 'static.
use std::cell::Cell;

thread_local! {
    static KEPT: Cell<Option<&'static str>> = const { Cell::new(None) };
}

#[oxhpy::function(sig = "o")]
fn keep(s: &'static str) {
    KEPT.with(|k| k.set(Some(s)));
}

fn main() {}
