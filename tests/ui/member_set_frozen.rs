// `#[oxhpy(get, set)]` on a plain member of a frozen class (one with a `Field`): the setter would
// borrow the object exclusively, which the GC's reads of its fields exclude. A `Field` member itself
// may be set (it is stored through the object).
use oxhpy::Field;

#[oxhpy::class]
struct Frozen {
    #[oxhpy(get, set)]
    item: Field,
    #[oxhpy(get, set)]
    n: i64,
}

fn main() {}
