// A `Field` in an `Option`, in a class without direct fields: never traversed.
#[oxhpy::class]
struct Maybe {
    item: Option<oxhpy::Field>,
}

fn main() {}
