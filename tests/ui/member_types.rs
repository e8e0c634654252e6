// The member shorthands need `Clone + IntoPy` (get) and `FromPy` (set) member types: a member that is
// not `Clone` cannot be read, a `&'static str` member cannot be set from an argument (it would keep a
// borrow of it past the call).
use oxhpy::prelude::*;

#[derive(Default)]
struct Opaque;

impl<'py> IntoPy<'py> for Opaque {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        Ok(ctx.none())
    }
}

#[oxhpy::class]
struct Members {
    #[oxhpy(get)]
    opaque: Opaque,
    #[oxhpy(get, set)]
    name: &'static str,
}

fn main() {}
