// `impl_::init_global_context` sets the context that every CPython trampoline forwards its calls
// with: it trusts its pointer, so it is unsafe.
fn main() {
    oxhpy::impl_::init_global_context(std::ptr::null_mut());
}
