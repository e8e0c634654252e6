//! `#[oxhpy::global]`: a `static` that the module definition lists.
use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::ParseStream;
use syn::{spanned::Spanned, Attribute, Error, Ident, Token, Type, Visibility};

const USAGE: &str =
    "#[oxhpy::global] declares `static NAME: Global;` or `static NAME: [Global; N];` \
                     (no initializer)";

/// `#[attrs] vis static NAME: TYPE;` (no initializer: the attribute provides it), as
/// `#[oxhpy::global]` and `#[oxhpy::exception]` declare.
pub(crate) struct StaticDecl {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub ident: Ident,
    pub ty: Type,
}

impl StaticDecl {
    /// Parses one; errors say `usage`, and that an oxhpy `what` cannot be `static mut`.
    pub(crate) fn parse(item: TokenStream, what: &str, usage: &str) -> syn::Result<Self> {
        let parser = |input: ParseStream| {
            let attrs = input.call(Attribute::parse_outer)?;
            let vis: Visibility = input.parse()?;
            if !input.peek(Token![static]) {
                return Err(input.error(usage));
            }
            input.parse::<Token![static]>()?;
            if let Some(m) = input.parse::<Option<Token![mut]>>()? {
                let msg = format!("an oxhpy {what} cannot be `static mut`");
                return Err(Error::new(m.span(), msg));
            }
            let ident: Ident = input.parse()?;
            input.parse::<Token![:]>()?;
            let ty: Type = input.parse()?;
            if !input.peek(Token![;]) {
                return Err(input.error(usage));
            }
            input.parse::<Token![;]>()?;
            if !input.is_empty() {
                return Err(input.error(usage));
            }
            Ok(StaticDecl {
                attrs,
                vis,
                ident,
                ty,
            })
        };
        syn::parse::Parser::parse2(parser, item)
    }
}

pub fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if !attr.is_empty() {
        return Err(Error::new(attr.span(), "#[oxhpy::global] takes no options"));
    }
    let d = StaticDecl::parse(item, "global", USAGE)?;
    Ok(declare(&d.attrs, &d.vis, &d.ident, &d.ty))
}

/// The static `name`, registered in oxhpy's registry of globals (which every module definition
/// lists). Also used by `#[oxhpy::class]` for its type global.
pub(crate) fn declare(
    attrs: &[Attribute],
    vis: &Visibility,
    name: &Ident,
    ty: &impl quote::ToTokens,
) -> TokenStream {
    let p = quote!(::oxhpy::impl_);
    quote! {
        #(#attrs)*
        #vis static #name: #ty = {
            #[#p::linkme::distributed_slice(#p::GLOBALS)]
            #[linkme(crate = #p::linkme)]
            static __OXHPY_REGISTERED: #p::Registered = #p::Registered::new(&#name);
            // SAFETY: __OXHPY_REGISTERED registers the static.
            unsafe { #p::unregistered() }
        };
    }
}
