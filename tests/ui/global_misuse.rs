// What `#[oxhpy::global]` refuses: a type that is not `Global` or `[Global; N]`, an initializer,
// `static mut`, another item, options.
use oxhpy::Global;

#[oxhpy::global]
static V: Vec<Global>;

#[oxhpy::global]
static I: Global = unimplemented!();

#[oxhpy::global]
static mut M: Global;

#[oxhpy::global]
const C: Global;

#[oxhpy::global(name = "x")]
static O: Global;

fn main() {}
