// `impl_::PyMethods` is an unsafe trait: `add_class` puts its raw definitions into the type's
// spec, and HPy calls what they define.
#[oxhpy::class]
pub struct Forged {}

impl oxhpy::impl_::PyMethods for Forged {
    fn method_defs() -> Vec<*mut oxhpy::ffi::HPyDef> {
        vec![std::ptr::dangling_mut()]
    }
}

fn main() {}
