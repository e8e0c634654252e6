// A class's type global cannot be stored into by user code: otherwise another type could pass for
// the class's (`Big::type_global().store(ctx, &small_type)`), and a `Big` payload would be written
// into a `Small`-sized object.
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
        <Big as oxhpy::PyClass>::type_global().store(ctx, &small)?;
        Ok(())
    }
}

fn main() {}
