// One `#[oxhpy::module]` per binary: the definition lists every `#[oxhpy::global]` of the binary
// (and a module's state is per process).
#[oxhpy::module]
mod first {}

#[oxhpy::module]
mod second {}

fn main() {}
