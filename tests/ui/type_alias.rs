// The `'static` hidden behind a type alias: refusing the `'static` token would not be enough.
use std::cell::Cell;

type S = &'static str;

thread_local! {
    static KEPT: Cell<Option<S>> = const { Cell::new(None) };
}

#[oxhpy::function]
fn keep(s: S, #[oxhpy(default = "x")] t: S) {
    KEPT.with(|k| k.set(Some(s)));
    KEPT.with(|k| k.set(Some(t)));
}

fn main() {}
