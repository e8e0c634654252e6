// `class::instantiate` trusts its raw type handle (a live type deriving from `T`'s): it is unsafe.
#[oxhpy::module]
mod confused {
    use oxhpy::prelude::*;

    #[oxhpy::class]
    pub struct Big {
        data: [u64; 64],
    }

    #[oxhpy::methods]
    impl Big {}

    #[oxhpy::class]
    pub struct Small {}

    #[oxhpy::methods]
    impl Small {}

    #[oxhpy::function]
    fn confuse(ctx: Ctx<'_>) -> PyResult<()> {
        let small = oxhpy::class::type_object::<Small>(ctx)?;
        let _big = oxhpy::class::instantiate::<Big>(ctx, small.raw(), Big { data: [0; 64] })?;
        Ok(())
    }
}

fn main() {}
