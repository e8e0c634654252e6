// The member shorthands need `Clone + IntoPy` (get) and `FromPy` (set) member types: a `&'static str`
// member cannot be set from an argument (it would keep a borrow of it past the call).
#[derive(Default)]
struct Opaque;

#[oxhpy::class]
struct Members {
    #[oxhpy(get)]
    opaque: Opaque,
    #[oxhpy(get, set)]
    name: &'static str,
}

fn main() {}
