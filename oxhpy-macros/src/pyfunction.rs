//! `#[oxhpy::function]`: the impl/entry pair of a module-level function and its static
//! `MethodDef` (`__oxhpy_def_NAME`), registered in `oxhpy::impl_::FUNCTIONS` for the module.
use crate::attributes::CallableOptions;
use crate::model::Callable;
use crate::utils::{c_str, doc_string};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::ItemFn;

pub fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut func: ItemFn = syn::parse2(item)?;
    let options = CallableOptions::parse_function(attr)?;
    let doc = doc_string(&func.attrs);
    let c = Callable::parse(&mut func.sig, doc, options, None, None)?;
    let ident = &c.ident;
    let impl_fn = format_ident!("__oxhpy_impl_{}", ident);
    let entry = format_ident!("__oxhpy_entry_{}", ident);
    let def = format_ident!("__oxhpy_def_{}", ident);
    let vis = &func.vis;
    let conv = c.convention();
    let glue = c.gen_meth(None, conv, &impl_fn, &entry, &quote!(#vis));
    let cpy = conv.cpy(&quote!(#entry));
    let sig_const = conv.hpyfunc();
    let name = c_str(&c.py_name);
    let doc = c_str(&c.text_signature(false));
    let p = quote!(::oxhpy::impl_);
    Ok(quote! {
        #func
        #glue

        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        // SAFETY: the entry's impl and trampoline, both of convention `sig_const`.
        #vis static #def: #p::MethodDef = unsafe { #p::MethodDef::meth(
            #name,
            ::core::option::Option::Some(#doc),
            #sig_const,
            <#entry as #p::Entry>::IMPL,
            ::oxhpy::impl_::cpy!(#cpy),
        ) };

        // Registered for the module, wherever the function is declared (see `module.rs`).
        const _: () = {
            #[#p::linkme::distributed_slice(#p::FUNCTIONS)]
            #[linkme(crate = #p::linkme)]
            // SAFETY: a module-level function's definition; its impl ignores `self`.
            static REGISTERED: #p::ModuleFunction = unsafe { #p::ModuleFunction::new(&#def) };
        };
    })
}
