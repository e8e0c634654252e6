//! `#[oxhpy::module]`: the module definition, its exec slot and the exported entry points.
//!
//! What the module holds is not collected here but registered at link time, like the globals:
//! every `#[oxhpy::function]` registers its definition in `oxhpy::impl_::FUNCTIONS` and every
//! `#[oxhpy::methods]` block its class in `oxhpy::impl_::CLASSES`, and the module lists every
//! registered function and creates every registered class of the binary. So the items of a module
//! may live in any Rust module or file of the crate: `mod numbers;` next to the module, with
//! `use super::numbers::*;` inside it or not at all (a `use` only serves Rust's name lookup).
//!
//! Why registration rather than listing the items in the module: a proc macro sees tokens, not
//! what a `use` (let alone a glob) resolves to, so a list would have to be written out by hand and
//! kept in sync. The guarantees, all at compile or link time but the last:
//! - each function and class is registered exactly once, by its own attribute (the entry is a
//!   static the attribute emits; `ModuleFunction::new` is `unsafe`, so no other code registers a
//!   definition that is not a module function);
//! - one `#[oxhpy::module]` per binary (`OXHPY_ONE_MODULE_PER_BINARY`), so every registered item
//!   belongs to that module and none is forgotten;
//! - two items of the same Python name (in different Rust modules) are refused when the module is
//!   executed (`ImportError`), since the linker cannot compare names.
use crate::codegen::INQUIRY;
use crate::utils::{c_doc, doc_string, is_attr};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{spanned::Spanned, Error, Ident, Item, ItemMod};

pub fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if !attr.is_empty() {
        return Err(Error::new(
            attr.span(),
            "#[oxhpy::module] takes no options: the mod's name is the module's name",
        ));
    }
    let mut m: ItemMod = syn::parse2(item)?;
    let Some((_, items)) = &mut m.content else {
        return Err(Error::new(
            m.span(),
            "#[oxhpy::module] needs an inline `mod name { ... }`",
        ));
    };
    let name = m.ident.to_string();
    let name = name.trim_start_matches("r#");

    let mut exec = None;
    for it in items.iter_mut() {
        match it {
            Item::Fn(f) if f.attrs.iter().any(|a| is_attr(a, "exec")) => {
                f.attrs.retain(|a| !is_attr(a, "exec"));
                if let Some(u) = &f.sig.unsafety {
                    return Err(Error::new(
                        u.span(),
                        "the #[oxhpy::exec] function cannot be `unsafe fn`: make it safe and use \
                         `unsafe` blocks inside",
                    ));
                }
                if exec.replace(f.sig.ident.clone()).is_some() {
                    return Err(Error::new(
                        f.sig.span(),
                        "only one #[oxhpy::exec] function per module",
                    ));
                }
            }
            // No safe constructor compiles there anyway: say what does.
            Item::Static(s) if matches!(&*s.ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|x| x.ident == "Global")) =>
            {
                return Err(Error::new(
                    s.span(),
                    "declare a module global as `#[oxhpy::global] static NAME: Global;`",
                ));
            }
            _ => {}
        }
    }

    let p = quote!(::oxhpy::impl_);
    let ffi = quote!(::oxhpy::impl_::ffi);
    let doc = c_doc(doc_string(&m.attrs));
    let user_exec = exec.map(|e| quote!(#e(&m)?;));
    let init = format_ident!("HPyInit_{}", name);
    let one_module = Ident::new("OXHPY_ONE_MODULE_PER_BINARY", m.ident.span());
    let init_ctx = format_ident!("HPyInitGlobalContext_{}", name);
    let major = format_ident!("get_required_hpy_major_version_{}", name);
    let minor = format_ident!("get_required_hpy_minor_version_{}", name);
    let exec_impl = INQUIRY.impl_fn(
        &format_ident!("exec_impl"),
        quote! {
            // SAFETY: `module` is the live module handle of this exec call.
            let m = unsafe { ::oxhpy::Module::from_raw(py, module) };
            // SAFETY: `m` is a module object of MODULE, a `ModuleDef`. Creates the registered
            // classes too.
            unsafe { #p::exec_prologue(&m)? };
            #user_exec
            ::core::result::Result::Ok(0)
        },
    );

    items.push(syn::parse2(quote! {
        #[doc(hidden)]
        const _: () = {
            struct Exec;

            #exec_impl

            // SAFETY: IMPL is `exec_impl`, an `HPyFunc_INQUIRY` impl, as `cpy_inquiry` expects.
            unsafe impl #p::Entry for Exec {
                // SAFETY: `exec_impl` has type `InquiryImpl`.
                const IMPL: #ffi::HPyCFunction = unsafe { ::oxhpy::impl_::cfunc!(exec_impl as #p::InquiryImpl, #p::InquiryImpl) };
            }

            // SAFETY: HPy_mod_exec takes an `HPyFunc_INQUIRY` impl and its trampoline.
            static EXEC: #p::MethodDef = unsafe {
                #p::MethodDef::slot(#ffi::HPy_mod_exec, <Exec as #p::Entry>::IMPL, ::oxhpy::impl_::cpy!(#p::cpy_inquiry::<Exec>))
            };
            // SAFETY: the `as_ptr()` of static `MethodDef`s (the module's functions and EXEC).
            static DEFINES: #p::PtrList<#ffi::HPyDef, 2> = unsafe {
                #p::PtrList::new([EXEC.as_ptr(), ::core::ptr::null_mut()])
            };
            // SAFETY: DEFINES holds `MethodDef`s only, among them EXEC, whose impl calls
            // `exec_prologue` first.
            static MODULE: #p::ModuleDef = unsafe { #p::ModuleDef::new(#doc, &DEFINES) };

            // Every module definition lists every global of the binary: a second module in the
            // same binary fails to compile or link on this symbol.
            #[unsafe(no_mangle)]
            static #one_module: u8 = 0;

            #[unsafe(no_mangle)]
            extern "C" fn #init() -> *mut #ffi::HPyModuleDef {
                MODULE.as_ptr()
            }

            #[unsafe(no_mangle)]
            unsafe extern "C" fn #init_ctx(ctx: *mut #ffi::HPyContext) {
                // SAFETY: hpy.universal calls this with its context, valid for the process.
                unsafe { #p::init_global_context(ctx) }
            }

            #[unsafe(no_mangle)]
            extern "C" fn #major() -> u32 {
                #ffi::HPY_ABI_VERSION
            }

            #[unsafe(no_mangle)]
            extern "C" fn #minor() -> u32 {
                #ffi::HPY_ABI_VERSION_MINOR
            }
        };
    })?);
    Ok(quote!(#m))
}
