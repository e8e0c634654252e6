//! The context layout facts that `layout.rs` relies on, checked against the generated struct.
use core::mem::{offset_of, size_of};
use hpy_sys::*;

#[test]
fn the_19_shifted_members_follow_h_builtins() {
    let ptr = size_of::<usize>();
    let first = offset_of!(HPyContext, ctx_Capsule_New);
    assert_eq!(first, offset_of!(HPyContext, h_Builtins) + ptr);
    // ctx_Capsule_New … ctx_CallMethod: 19 pointers, and they end the 0.9.0 struct.
    assert_eq!(offset_of!(HPyContext, ctx_CallMethod), first + 18 * ptr);
    assert_eq!(size_of::<HPyContext>(), first + 19 * ptr);
    assert_eq!(offset_of!(HPyContext, ctx_Type_GetName), first + 9 * ptr);
    assert_eq!(offset_of!(HPyContext, ctx_Call), first + 17 * ptr);
}

#[test]
fn handles_and_defs_have_the_c_sizes() {
    assert_eq!(size_of::<HPy>(), size_of::<isize>());
    assert_eq!(size_of::<HPyField>(), size_of::<isize>());
    assert_eq!(size_of::<HPyGlobal>(), size_of::<isize>());
    assert_eq!(size_of::<HPyContext>() % size_of::<usize>(), 0);
}
