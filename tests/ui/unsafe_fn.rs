// Python calls the functions of a module without any contract: they cannot be `unsafe fn`, nor can
// the exec function (the generated code would call them unchecked).
#[oxhpy::function]
unsafe fn deref(addr: usize) -> i64 {
    unsafe { *(addr as *const i64) }
}

#[oxhpy::module]
mod m {
    use oxhpy::prelude::*;

    #[oxhpy::exec]
    unsafe fn exec(_m: &Module<'_>) -> PyResult<()> {
        Ok(())
    }
}

fn main() {}
