// A member whose type is named `Field` but is not `oxhpy::Field`: refused, not traversed.
struct Field(u64);

#[oxhpy::class]
struct Impostor {
    item: Field,
}

fn main() {}
