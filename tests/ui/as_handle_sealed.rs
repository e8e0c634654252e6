// `AsHandle` is sealed: every `Object` method, `Field` and `Global` trusts `raw()` to be a live
// handle, so a type of the user's (here returning a forged handle) cannot implement it.
struct Forged;

impl<'py> oxhpy::AsHandle<'py> for Forged {
    fn ctx(&self) -> oxhpy::Ctx<'py> {
        unimplemented!()
    }
    fn raw(&self) -> oxhpy::ffi::HPy {
        oxhpy::ffi::HPy { _i: 12345 }
    }
}

fn main() {}
