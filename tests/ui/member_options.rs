// The options of `#[oxhpy(...)]` on a class member: `set` and `name` need `get`, a tuple struct's
// member needs a `name`, nothing else is known.
#[oxhpy::class]
struct SetOnly {
    #[oxhpy(set)]
    n: i64,
}

#[oxhpy::class]
struct Unnamed(#[oxhpy(get)] i64);

#[oxhpy::class]
struct Unknown {
    #[oxhpy(get, frozen)]
    n: i64,
}

fn main() {}
