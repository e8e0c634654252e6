// The user's tokens in generated code are never in an unsafe context: a default value that does
// something unsafe needs the user's own `unsafe` block.
#[oxhpy::function]
fn read(#[oxhpy(default = *std::ptr::null::<i64>())] a: i64) -> i64 {
    a
}

#[oxhpy::class]
pub struct Cell {}

#[oxhpy::methods]
impl Cell {
    #[new]
    fn new(#[oxhpy(default = std::mem::transmute::<u64, i64>(1))] _n: i64) -> Self {
        Cell {}
    }
}

fn main() {}
