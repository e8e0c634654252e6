//! `#[oxhpy::exception(base = ..., name = "...", doc = "...")] static NAME: CustomException;`: a
//! custom exception type, registered like a global (its `Global` is listed in the module
//! definition) and in the registry of exceptions, which the module creates at exec time.
use crate::global::StaticDecl;
use crate::utils::doc_string;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::{spanned::Spanned, Error, Expr, Ident, LitStr, Type};

const USAGE: &str = "#[oxhpy::exception] declares `static NAME: CustomException;` (no initializer)";

/// The options: `base = EXPR` (a built-in exception's name, `Exc::Name`, or another
/// `CustomException` static), `name = "..."`, `doc = "..."`.
#[derive(Default)]
struct Options {
    base: Option<Expr>,
    name: Option<String>,
    doc: Option<String>,
}

impl Options {
    fn parse(attr: TokenStream) -> syn::Result<Self> {
        let mut o = Options::default();
        let parser = syn::meta::parser(|meta| {
            if meta.path.is_ident("base") {
                o.base = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("name") {
                o.name = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.path.is_ident("doc") {
                o.doc = Some(meta.value()?.parse::<LitStr>()?.value());
            } else {
                return Err(meta.error(
                    "expected `base = ...` (a built-in exception such as `ValueError`, or another \
                     #[oxhpy::exception] static), `name = \"...\"` or `doc = \"...\"`",
                ));
            }
            Ok(())
        });
        syn::parse::Parser::parse2(parser, attr)?;
        Ok(o)
    }
}

/// The Python name of a static: `PARSE_ERROR` → `ParseError`; a name with lowercase letters
/// (`ParseError`) is kept.
fn python_name(ident: &Ident) -> String {
    let s = ident.to_string();
    let s = s.trim_start_matches("r#");
    if s.chars().any(|c| c.is_lowercase()) {
        return s.to_owned();
    }
    s.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(cs.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect()
}

pub fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let o = Options::parse(attr)?;
    let StaticDecl {
        attrs,
        vis,
        ident,
        ty,
    } = StaticDecl::parse(item, "exception", USAGE)?;
    let custom = |p: &syn::TypePath| {
        p.path
            .segments
            .last()
            .is_some_and(|s| s.ident == "CustomException")
    };
    if !matches!(&ty, Type::Path(p) if custom(p)) {
        return Err(Error::new(ty.span(), USAGE));
    }
    let name = o.name.unwrap_or_else(|| python_name(&ident));
    let doc = match (o.doc, doc_string(&attrs)) {
        (Some(_), Some(_)) => {
            return Err(Error::new(
                ident.span(),
                "the exception has a doc comment and a `doc = \"...\"`: keep one",
            ))
        }
        (Some(d), None) | (None, Some(d)) => quote!(::core::option::Option::Some(#d)),
        (None, None) => quote!(::core::option::Option::None),
    };
    // A bare name of a built-in exception (`ValueError`) is found through the glob import of
    // `Exc`'s variants; any other expression (`Exc::ValueError`, `OTHER_ERROR`,
    // `crate::errors::OTHER_ERROR`) as written.
    let base = match o.base {
        // Spanned at the base: where a base of the wrong type fails.
        Some(b) => quote_spanned!(b.span()=> ::core::convert::From::from(&#b)),
        None => quote!(::core::convert::From::from(&::oxhpy::Exc::Exception)),
    };
    let p = quote!(::oxhpy::impl_);
    Ok(quote! {
        #(#attrs)*
        #vis static #ident: #ty = {
            fn base() -> #p::ExceptionBase {
                #[allow(unused_imports)]
                use ::oxhpy::Exc::*;
                #base
            }
            #[#p::linkme::distributed_slice(#p::GLOBALS)]
            #[linkme(crate = #p::linkme)]
            static __OXHPY_REGISTERED: #p::Registered = #p::Registered::new(#ident.global());
            #[#p::linkme::distributed_slice(#p::EXCEPTIONS)]
            #[linkme(crate = #p::linkme)]
            static __OXHPY_EXCEPTION: #p::ModuleException = #p::ModuleException::new(&#ident);
            // SAFETY: registered just above, as a global and as an exception.
            unsafe { ::oxhpy::CustomException::new(#name, #doc, base) }
        };
    })
}
