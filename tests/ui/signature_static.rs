// `*args` and `**kwargs` are borrowed for the call only: keeping them for 'static does not compile.
use oxhpy::prelude::*;
use std::cell::Cell;

thread_local! {
    static KEPT: Cell<Option<&'static str>> = const { Cell::new(None) };
}

#[oxhpy::function(signature = (*args))]
fn keep_args(args: &'static str) {
    KEPT.with(|k| k.set(Some(args)));
}

#[oxhpy::function(signature = (**kwargs))]
fn keep_kwargs(kwargs: Borrowed<'static, 'static>) {
    let _ = kwargs;
}

fn main() {}
