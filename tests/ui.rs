//! Compile-time guarantees of the macros, with `trybuild`: every `tests/ui/*.rs` must fail to
//! compile with the errors in the `.stderr` file beside it, `tests/ui/pass/*.rs` must compile and
//! run. After a change of the macros or of the compiler's wording, regenerate the `.stderr` files
//! with `TRYBUILD=overwrite cargo test --test ui` and review them.
//!
//! The misuses: keeping a borrowed argument past the call (`&'static str`, `PyRef<'static, T>`, in
//! every parameter position and calling convention; `PyStrRef<'static, '_>`), the text of a `PyStr`
//! or the contents of a `PyBytes` past the handle they are borrowed from (`typed_*.rs`), a special
//! method that no slot implements or a misspelt one (`misspelt_dunder.rs`: "did you mean
//! `__len__`?"), a `Field` anywhere but as a
//! direct member of a class or `&mut self` on a class with fields (`field_*.rs`; with a hand-written
//! `Mutable` impl too, as `self` or through a subclass's `as_super_mut`: `extends_mutable_by_hand.rs`),
//! implementing the
//! sealed `AsHandle` or the unsafe `Element`/`Format`/`PyMethods` without `unsafe`, storing into a
//! class's type global, making a `Global` without `#[oxhpy::global]` (which lists it in the module
//! definition) or declaring one it does not support, two `#[oxhpy::module]`s in one binary, calling
//! macro support that trusts its input (`class::instantiate`, `impl_::MethodDef::slot`,
//! `init_global_context`, ...) without `unsafe`, and, inside a buffer view's closure, calling
//! Python, taking a second view or releasing the interpreter (`view_*.rs`;
//! `Release::above_in_place` is `unsafe`), a `signature = (...)` that a `def` could not have or
//! that does not list the function's parameters in order (`signature_misuse.rs`), keeping
//! `*args` or `**kwargs` past the call (`signature_static.rs`), misused `#[staticmethod]`,
//! `#[classmethod]`, `#[classattr]` and member shorthands (`class_items_misuse.rs`, `member_*.rs`:
//! `set` on a frozen class, member types that do not convert), and `#[oxhpy::exception]`s with a
//! base that is no exception type (`exception_*.rs`), and misused `#[derive(FromPy)]` /
//! `#[derive(IntoPy)]` (`derive_*.rs`: unions, types without fields or variants, unknown or
//! conflicting options, a field that borrows from a new object or does not convert).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/*.rs");
}
