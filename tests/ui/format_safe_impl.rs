// `buffer::Format` is an unsafe trait: consumers of an export read every item as `FORMAT` says,
// so a format larger than the element (`d`, 8 bytes, for a 4-byte element) would read past the
// exported memory.
#[derive(Clone, Copy, Default)]
struct Word(u32);

// SAFETY: every bit pattern is a valid `Word`, and `I` is one 4-byte item.
unsafe impl oxhpy::buffer::Element for Word {
    const KINDS: &'static [oxhpy::buffer::Kind] = &[oxhpy::buffer::Kind::Unsigned];
}

impl oxhpy::buffer::Format for Word {
    const FORMAT: &'static std::ffi::CStr = c"d";
}

fn main() {}
