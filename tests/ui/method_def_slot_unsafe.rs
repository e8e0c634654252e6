// `impl_::MethodDef::slot` (like `meth` and `getset`) makes a definition whose function pointers
// HPy calls with the arguments of the slot's calling convention: it trusts them, so it is unsafe.
use oxhpy::impl_::{ffi, MethodDef};

unsafe extern "C" fn wrong(_: *mut ffi::HPyContext) {}

static FORGED: MethodDef = MethodDef::slot(
    ffi::HPy_tp_repr,
    unsafe {
        oxhpy::impl_::cfunc!(
            wrong as unsafe extern "C" fn(*mut ffi::HPyContext),
            unsafe extern "C" fn(*mut ffi::HPyContext)
        )
    },
    None,
);

fn main() {
    let _ = FORGED.as_ptr();
}
