//! `#[derive(IntoPy)]`: `impl IntoPy<'py>` for the type of the model (`derive.rs`).
//!
//! A struct with named fields becomes a dict `{name: value}` (the key is the field's `item` key or
//! `attribute` name when it has one), a tuple struct a tuple, a newtype (or `transparent`) its
//! field's own conversion; an enum converts as its variant does. Every field is converted with its
//! own `IntoPy`, its errors naming it (`failed to convert field Point.x: ...`).
use crate::derive::{mentions_param, Body, FieldKey, Input, Shape, Which};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{spanned::Spanned, DeriveInput, Lifetime};

pub(crate) fn expand(item: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(item)?;
    let model = Input::parse(input, Which::IntoPy)?;
    let p = quote!(::oxhpy::impl_);
    let py = model
        .py
        .clone()
        .unwrap_or_else(|| Lifetime::new("'py", Span::call_site()));
    let extra: Vec<Lifetime> = model.py.is_none().then(|| py.clone()).into_iter().collect();
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
            if mentions_param(quote!(#ty), &params) {
                bounds.push(quote!(#ty: ::oxhpy::IntoPy<#py>));
            }
        }
    }

    let arms: Vec<TokenStream> = match &model.body {
        Body::Struct(shape) => vec![arm(shape, &quote!(Self), &p)],
        Body::Enum(variants) => variants
            .iter()
            .map(|v| {
                let vi = &v.ident;
                arm(&v.shape, &quote!(Self::#vi), &p)
            })
            .collect(),
    };

    Ok(quote! {
        #[automatically_derived]
        impl #impl_g ::oxhpy::IntoPy<#py> for #ident #ty_g
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

/// `pattern => conversion,` for `shape` after `ctor` (`Self`, `Self::Variant`).
fn arm(shape: &Shape, ctor: &TokenStream, p: &TokenStream) -> TokenStream {
    let pattern = shape.pattern(ctor);
    let convert = |f: &crate::derive::Field| {
        let (b, ty, path) = (&f.binding, &f.ty, &f.path);
        quote_spanned!(ty.span()=> #p::into_field::<#ty>(#b, __ctx, #path))
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
