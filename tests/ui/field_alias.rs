// A `Field` behind a type alias: the macro sees the member's type by name only, so it would not
// traverse it; it is refused instead.
type Slot = oxhpy::Field;

#[oxhpy::class]
struct Aliased {
    item: Slot,
}

#[oxhpy::class]
struct AliasedToo {
    own: oxhpy::Field,
    item: Slot,
}

fn main() {}
