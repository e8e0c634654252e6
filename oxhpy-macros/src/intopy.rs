//! `#[derive(IntoPy)]`: `impl IntoPy<'py>` for the type of the model (`derive.rs`);
//! `#[derive(IntoPyRef)]`: the same for `&T`, each field converted by reference.
//!
//! A struct with named fields becomes a dict `{name: value}` (the key is the field's `item` key or
//! `attribute` name when it has one), a tuple struct a tuple, a newtype (or `transparent`) its
//! field's own conversion; an enum converts as its variant does. Every field is converted with its
//! own `IntoPy`, its errors naming it (`failed to convert field Point.x: ...`).
use crate::derive::{mentions_param, Body, FieldKey, Input, Shape, Which};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{spanned::Spanned, DeriveInput, Lifetime};

pub(crate) fn expand(item: TokenStream, which: Which) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(item)?;
    let model = Input::parse(input, which)?;
    // `IntoPyRef`: the lifetime of the reference converted.
    let by_ref =
        (which == Which::IntoPyRef).then(|| Lifetime::new("'__oxhpy_r", Span::call_site()));
    let p = quote!(::oxhpy::impl_);
    let py = model
        .py
        .clone()
        .unwrap_or_else(|| Lifetime::new("'py", Span::call_site()));
    let mut extra: Vec<Lifetime> = model.py.is_none().then(|| py.clone()).into_iter().collect();
    extra.extend(by_ref.clone());
    let impl_generics = model.impl_generics(&extra);
    let (impl_g, _, _) = impl_generics.split_for_impl();
    let (_, ty_g, where_clause) = model.generics.split_for_impl();
    let ident = &model.ident;

    let params = model.type_params();
    let mut bounds: Vec<TokenStream> = where_clause
        .map(|w| w.predicates.iter().map(|p| quote!(#p)).collect())
        .unwrap_or_default();
    for shape in model.shapes() {
        for f in shape.fields() {
            let ty = &f.ty;
            if f.into_py_with.is_none() && mentions_param(quote!(#ty), &params) {
                bounds.push(match &by_ref {
                    None => quote!(#ty: ::oxhpy::IntoPy<#py>),
                    Some(r) => quote!(&#r #ty: ::oxhpy::IntoPy<#py>),
                });
            }
        }
    }

    let by_ref = by_ref.is_some();
    let arms: Vec<TokenStream> = match &model.body {
        Body::Struct(shape) => vec![arm(shape, &quote!(#ident), by_ref, &p)],
        Body::Enum(variants) => variants
            .iter()
            .map(|v| {
                let vi = &v.ident;
                arm(&v.shape, &quote!(#ident::#vi), by_ref, &p)
            })
            .collect(),
    };
    let self_ty = if by_ref {
        quote!(&'__oxhpy_r #ident #ty_g)
    } else {
        quote!(#ident #ty_g)
    };

    Ok(quote! {
        #[automatically_derived]
        impl #impl_g ::oxhpy::IntoPy<#py> for #self_ty
        where
            #(#bounds,)*
        {
            fn into_py(
                self,
                __ctx: ::oxhpy::Ctx<#py>,
            ) -> ::oxhpy::PyResult<::oxhpy::Handle<#py>> {
                match self {
                    #(#arms)*
                }
            }
        }
    })
}

/// `pattern => conversion,` for `shape` after `ctor` (`Type`, `Type::Variant`); `by_ref`: the
/// value matched is a `&Type`, whose fields are bound by reference.
fn arm(shape: &Shape, ctor: &TokenStream, by_ref: bool, p: &TokenStream) -> TokenStream {
    let pattern = shape.pattern(ctor);
    let convert = |f: &crate::derive::Field| {
        let (b, ty, path) = (&f.binding, &f.ty, &f.path);
        match (&f.into_py_with, by_ref) {
            (None, false) => quote_spanned!(ty.span()=> #p::into_field::<#ty>(#b, __ctx, #path)),
            (None, true) => quote_spanned!(ty.span()=> #p::into_field::<&#ty>(#b, __ctx, #path)),
            (Some(w), false) => {
                quote_spanned!(w.span()=> #p::into_field_with::<#ty>(&#b, __ctx, #path, #w))
            }
            (Some(w), true) => {
                quote_spanned!(w.span()=> #p::into_field_with::<#ty>(#b, __ctx, #path, #w))
            }
        }
    };
    let body = match shape {
        Shape::Transparent(f) => convert(f),
        Shape::Tuple(fields) => {
            let items = fields.iter().map(|f| {
                let c = convert(f);
                quote!(#c?)
            });
            quote!(#p::tuple_of(__ctx, [#(#items),*]))
        }
        Shape::Named(fields) => {
            let sets = fields.iter().map(|f| {
                let key = match f.key.as_ref().expect("a named field has a key") {
                    FieldKey::Attr(n) | FieldKey::Item(n) => quote!(#n),
                    FieldKey::Index(i) => {
                        let v = i.base10_parse::<isize>().expect("checked by the model");
                        let lit = proc_macro2::Literal::isize_suffixed(v);
                        quote!(#lit)
                    }
                };
                let c = convert(f);
                quote!(#p::dict_set(&__dict, #key, #c?)?;)
            });
            quote!({
                let __dict = #p::new_dict(__ctx)?;
                #(#sets)*
                ::core::result::Result::Ok(__dict)
            })
        }
    };
    quote!(#pattern => #body,)
}
