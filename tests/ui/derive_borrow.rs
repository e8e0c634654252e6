// A derived `FromPy` value may borrow from the object it is extracted from (`'a`) only through a
// transparent field (the object itself): an attribute, an item or a tuple's item is a new object,
// which lives only while the value is extracted. At most one lifetime besides `'py`.
use oxhpy::prelude::*;

#[derive(FromPy)]
struct Named<'a> {
    name: &'a str,
}

#[derive(FromPy)]
struct Tuple<'a>(&'a str, i64);

#[derive(FromPy)]
enum Variants<'a, 'py> {
    Text(&'a str),
    Attr { obj: Borrowed<'a, 'py> },
}

#[derive(FromPy)]
struct TwoLifetimes<'a, 'b>(&'a str, std::marker::PhantomData<&'b ()>);

fn main() {}
