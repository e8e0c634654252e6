// `Element` is an unsafe trait: buffer memory is read and written as `[T]` whatever it holds, and
// the item size is always `size_of::<T>()` (it cannot be declared smaller and read out of bounds).
#[derive(Clone, Copy, Default)]
struct Wide(u64, u64);

impl oxhpy::buffer::Element for Wide {
    const KINDS: &'static [oxhpy::buffer::Kind] = &[oxhpy::buffer::Kind::Unsigned];
}

fn main() {}
