// The rest of the macro support that trusts its input is unsafe too: the definition lists
// (`PtrList::new`, `ModuleDef::new`), the exec prologue (it marks globals as listed), a global's
// value before it is registered (`unregistered`), the casts of function pointers (`cfunc!`,
// `cpy!`, transmutes) and the trampolines' `Entry` (an unsafe trait).
use oxhpy::impl_::{ffi, ModuleDef, PtrList};

static DEFINES: PtrList<ffi::HPyDef, 2> =
    PtrList::new([std::ptr::dangling_mut(), std::ptr::null_mut()]);
static MODULE: ModuleDef = ModuleDef::new(None, &DEFINES);
static UNREGISTERED: oxhpy::Global = oxhpy::impl_::unregistered();

struct Forged;

impl oxhpy::impl_::Entry for Forged {
    const IMPL: ffi::HPyCFunction = None;
}

#[oxhpy::module]
mod forged {
    use oxhpy::prelude::*;

    #[oxhpy::exec]
    fn exec(m: &Module<'_>) -> PyResult<()> {
        oxhpy::impl_::exec_prologue(m)
    }
}

fn main() {
    let _ = MODULE.as_ptr();
    let _: ffi::cpy_PyCFunction = oxhpy::impl_::cpy!(1usize);
    let _: ffi::HPyCFunction = oxhpy::impl_::cfunc!(1usize, usize);
}
