//! `#[derive(FromPy)]`: `impl FromPy<'a, 'py>` for the type of the model (`derive.rs`), and
//! `impl FromPyItem<'py>` when the value borrows nothing (so that `Vec<T>` converts too).
//!
//! A struct with named fields reads each from an attribute or item of the object, a tuple struct
//! from a tuple of its length, a newtype (or `transparent`) from the object itself; an enum tries
//! its variants in order. Every field is converted with its own `FromPy`, through the support
//! functions of `oxhpy::impl_` (`src/derive.rs`), which name the field in errors.
use crate::derive::{mentions_param, Body, FieldKey, Input, Shape, Which};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{spanned::Spanned, DeriveInput, Lifetime};

pub(crate) fn expand(item: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(item)?;
    let model = Input::parse(input, Which::FromPy)?;
    let p = quote!(::oxhpy::impl_);
    let py = model
        .py
        .clone()
        .unwrap_or_else(|| Lifetime::new("'py", Span::call_site()));
    let src = model
        .source
        .clone()
        .unwrap_or_else(|| Lifetime::new("'__oxhpy_a", Span::call_site()));
    let mut extra = Vec::new();
    if model.source.is_none() {
        extra.push(src.clone());
    }
    if model.py.is_none() {
        extra.push(py.clone());
    }
    let impl_generics = model.impl_generics(&extra);
    let (impl_g, _, _) = impl_generics.split_for_impl();
    let (_, ty_g, where_clause) = model.generics.split_for_impl();
    let ident = &model.ident;

    // Bounds for the field types that name a type parameter (the others are checked where
    // they are converted, with the field's span).
    let params = model.type_params();
    let user_bounds: Vec<TokenStream> = where_clause
        .map(|w| w.predicates.iter().map(|p| quote!(#p)).collect())
        .unwrap_or_default();
    let mut bounds = user_bounds.clone();
    for shape in model.shapes() {
        for f in shape.fields() {
            let ty = &f.ty;
            if f.from_py_with.is_none() && mentions_param(quote!(#ty), &params) {
                bounds.push(match shape {
                    Shape::Transparent(_) => quote!(#ty: ::oxhpy::FromPy<#src, #py>),
                    _ => quote!(#ty: for<'__oxhpy_b> ::oxhpy::FromPy<'__oxhpy_b, #py>),
                });
            }
        }
    }

    let name = ident.to_string();
    let body = match &model.body {
        Body::Struct(shape) => {
            let build = build(shape, &quote!(Self), &p);
            quote!(::core::result::Result::Ok(#build))
        }
        Body::Enum(variants) => {
            let list = variants
                .iter()
                .map(|v| v.ident.to_string())
                .collect::<Vec<_>>()
                .join(" | ");
            let tries = variants.iter().map(|v| {
                let vi = &v.ident;
                let build = build(&v.shape, &quote!(Self::#vi), &p);
                let vname = vi.to_string();
                quote! {
                    match (|| -> ::oxhpy::PyResult<Self> { ::core::result::Result::Ok(#build) })() {
                        ::core::result::Result::Ok(v) => return ::core::result::Result::Ok(v),
                        ::core::result::Result::Err(e) => {
                            __errors.push(::oxhpy::AsHandle::ctx(&__obj), #vname, e)?
                        }
                    }
                }
            });
            quote! {
                let mut __errors = #p::EnumErrors::new();
                #(#tries)*
                ::core::result::Result::Err(__errors.finish(#name, #list))
            }
        }
    };

    // `Vec<T>` of a type that borrows nothing from the object.
    let item_impl = model.source.is_none().then(|| {
        let item_extra: Vec<Lifetime> =
            model.py.is_none().then(|| py.clone()).into_iter().collect();
        let item_generics = model.impl_generics(&item_extra);
        let (item_g, _, _) = item_generics.split_for_impl();
        quote! {
            #[automatically_derived]
            impl #item_g ::oxhpy::FromPyItem<#py> for #ident #ty_g
            where
                #ident #ty_g: for<'__oxhpy_b> ::oxhpy::FromPy<'__oxhpy_b, #py>,
                #(#user_bounds,)*
            {
                fn vec_from_py(
                    obj: ::oxhpy::Borrowed<'_, #py>,
                ) -> ::oxhpy::PyResult<::std::vec::Vec<Self>> {
                    ::oxhpy::convert::vec_from_sequence(obj)
                }
            }
        }
    });

    Ok(quote! {
        #[automatically_derived]
        impl #impl_g ::oxhpy::FromPy<#src, #py> for #ident #ty_g
        where
            #(#bounds,)*
        {
            #[allow(clippy::redundant_closure_call)]
            fn from_py(__obj: ::oxhpy::Borrowed<#src, #py>) -> ::oxhpy::PyResult<Self> {
                #body
            }
        }

        #item_impl
    })
}

/// The value of `shape` built from `__obj`, as an expression (with `?` for each field), after
/// `ctor` (`Self`, `Self::Variant`).
fn build(shape: &Shape, ctor: &TokenStream, p: &TokenStream) -> TokenStream {
    match shape {
        Shape::Transparent(f) => {
            let (m, ty, path) = (&f.member, &f.ty, &f.path);
            let value = match &f.from_py_with {
                None => quote_spanned!(ty.span()=> #p::transparent_field::<#ty>(__obj, #path)?),
                Some(w) => quote_spanned!(w.span()=>
                    #p::transparent_field_with::<#ty>(__obj, #path, #w)?
                ),
            };
            quote!(#ctor { #m: #value })
        }
        Shape::Tuple(fields) => {
            let n = fields.len();
            let values = fields.iter().enumerate().map(|(i, f)| {
                let (m, ty, path) = (&f.member, &f.ty, &f.path);
                let value = match &f.from_py_with {
                    None => quote_spanned!(ty.span()=>
                        #p::tuple_field::<#ty>(&__items, #i, #path)?
                    ),
                    Some(w) => quote_spanned!(w.span()=>
                        #p::tuple_field_with::<#ty>(&__items, #i, #path, #w)?
                    ),
                };
                quote!(#m: #value)
            });
            quote!({
                let __items = #p::tuple_items(__obj, #n)?;
                #ctor { #(#values),* }
            })
        }
        Shape::Named(fields) => {
            let values = fields.iter().map(|f| {
                let (m, ty, path) = (&f.member, &f.ty, &f.path);
                let key = match f.key.as_ref().expect("a named field has a key") {
                    FieldKey::Attr(n) => quote!(#p::FieldKey::Attr(#n)),
                    FieldKey::Item(k) => quote!(#p::FieldKey::Item(#k)),
                    FieldKey::Index(i) => quote!(#p::FieldKey::Index(#i)),
                };
                let default = match &f.default {
                    None => None,
                    Some(None) => Some(quote!(<#ty as ::core::default::Default>::default)),
                    Some(Some(e)) => Some(quote!(|| #e)),
                };
                let value = match (&f.from_py_with, default) {
                    (None, None) => {
                        quote_spanned!(ty.span()=> #p::field::<#ty>(__obj, #key, #path)?)
                    }
                    (None, Some(d)) => {
                        quote_spanned!(ty.span()=> #p::field_or::<#ty>(__obj, #key, #path, #d)?)
                    }
                    (Some(w), None) => quote_spanned!(w.span()=>
                        #p::field_with::<#ty>(__obj, #key, #path, #w)?
                    ),
                    (Some(w), Some(d)) => quote_spanned!(w.span()=>
                        #p::field_or_with::<#ty>(__obj, #key, #path, #w, #d)?
                    ),
                };
                quote!(#m: #value)
            });
            quote!(#ctor { #(#values),* })
        }
    }
}
