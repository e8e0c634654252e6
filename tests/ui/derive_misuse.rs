// Misused `#[derive(FromPy)]` / `#[derive(IntoPy)]`: types without fields or variants, unknown or
// conflicting `#[oxhpy(...)]` options, options on fields that are the object itself or a tuple's item.
use oxhpy::prelude::*;

#[derive(FromPy)]
struct Unit;

#[derive(IntoPy)]
struct Empty {}

#[derive(FromPy)]
enum Never {}

#[derive(IntoPy)]
enum WithUnit {
    Value(i64),
    Nothing,
}

#[derive(FromPy)]
struct UnknownFieldOption {
    #[oxhpy(rename = "b")]
    a: i64,
}

#[derive(FromPy)]
#[oxhpy(frozen)]
struct UnknownTypeOption {
    a: i64,
}

#[derive(FromPy)]
struct Both {
    #[oxhpy(attribute, item)]
    a: i64,
}

#[derive(FromPy)]
struct Twice {
    #[oxhpy(item = "a", item = "b")]
    a: i64,
}

#[derive(FromPy)]
struct TupleItem(#[oxhpy(item)] i64, i64);

#[derive(IntoPy)]
struct NewtypeDefault(#[oxhpy(default)] i64);

#[derive(FromPy)]
#[oxhpy(transparent)]
struct TransparentTwo {
    a: i64,
    b: i64,
}

#[derive(FromPy)]
#[oxhpy(transparent)]
struct TransparentNamed {
    #[oxhpy(attribute = "a")]
    a: i64,
}

#[derive(FromPy)]
#[oxhpy(from_item_all)]
struct ItemAllTuple(i64, i64);

#[derive(FromPy)]
#[oxhpy(transparent)]
enum TransparentEnum {
    A(i64),
}

#[derive(FromPy)]
struct BadKey {
    #[oxhpy(item = 1.5)]
    a: i64,
}

#[derive(FromPy)]
struct EmptyName {
    #[oxhpy(attribute = "")]
    a: i64,
}

fn main() {}
