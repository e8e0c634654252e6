//! Small helpers shared by parsing and code generation: docstrings, C string literals, attribute
//! and type-name tests, lifetime erasure.
use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::quote;
use syn::{Ident, ReturnType, Type};

/// Collects `///` doc comments into one string (the docstring).
pub(crate) fn doc_string(attrs: &[syn::Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for a in attrs {
        if !a.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &a.meta {
            if let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
            {
                let v = s.value();
                lines.push(v.strip_prefix(' ').unwrap_or(&v).to_owned());
            }
        }
    }
    if lines.is_empty() {
        None
    } else {
        Some(lines.join("\n"))
    }
}

/// `Some(c"...")` or `None`, as tokens.
pub(crate) fn c_doc(doc: Option<String>) -> TokenStream {
    match doc {
        Some(d) => {
            let lit = syn::LitCStr::new(
                &std::ffi::CString::new(d).unwrap_or_default(),
                Span::call_site(),
            );
            quote!(::core::option::Option::Some(#lit))
        }
        None => quote!(::core::option::Option::None),
    }
}

/// `c"..."`, as tokens.
pub(crate) fn c_str(s: &str) -> TokenStream {
    let lit = syn::LitCStr::new(
        &std::ffi::CString::new(s).unwrap_or_default(),
        Span::call_site(),
    );
    quote!(#lit)
}

/// `#[name]` or `#[path::to::name]`.
pub(crate) fn is_attr(a: &syn::Attribute, name: &str) -> bool {
    a.path().segments.last().is_some_and(|s| s.ident == name)
}

/// The last segment of a path type (`Option` of `core::option::Option<T>`).
pub(crate) fn last_ident(ty: &Type) -> Option<&Ident> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| &s.ident),
        _ => None,
    }
}

/// `PyResult<T>` / `Result<T, E>`: the function can fail.
pub(crate) fn returns_result(ret: &ReturnType) -> bool {
    match ret {
        ReturnType::Type(_, ty) => {
            matches!(last_ident(ty), Some(i) if i == "PyResult" || i == "Result")
        }
        ReturnType::Default => false,
    }
}

/// Nothing, `()`, `PyResult<()>` or `Result<(), E>`: the function returns no value (spelt out: a
/// type alias of `()` is a value, as any other type).
pub(crate) fn returns_unit(ret: &ReturnType) -> bool {
    let is_unit = |ty: &Type| matches!(ty, Type::Tuple(t) if t.elems.is_empty());
    match ret {
        ReturnType::Default => true,
        ReturnType::Type(_, ty) if is_unit(ty) => true,
        ReturnType::Type(_, ty) => match &**ty {
            Type::Path(p) if returns_result(ret) => {
                match &p.path.segments.last().unwrap().arguments {
                    syn::PathArguments::AngleBracketed(a) => {
                        matches!(a.args.first(), Some(syn::GenericArgument::Type(t)) if is_unit(t))
                    }
                    _ => false,
                }
            }
            _ => false,
        },
    }
}

/// Where errors about a function's result point: its return type, or its name without one.
pub(crate) fn return_span(sig: &syn::Signature) -> Span {
    match &sig.output {
        ReturnType::Type(_, ty) => syn::spanned::Spanned::span(&**ty),
        ReturnType::Default => sig.ident.span(),
    }
}

/// `ty` with every named lifetime except `'static` replaced by `'_`. The generated impl converts
/// each argument into a local of the parameter's type, inside a closure where the function's own
/// lifetime parameters (`'py`, `'a`) are not in scope; `'_` lets the compiler infer them. `'static`
/// stays, with the user's span: the annotation is where a `'static` borrow of an argument fails.
pub(crate) fn erase_lifetimes(ty: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut iter = ty.into_iter().peekable();
    while let Some(tt) = iter.next() {
        match tt {
            TokenTree::Group(g) => {
                let mut erased = Group::new(g.delimiter(), erase_lifetimes(g.stream()));
                erased.set_span(g.span());
                out.push(TokenTree::Group(erased));
            }
            TokenTree::Punct(p) if p.as_char() == '\'' => {
                out.push(TokenTree::Punct(p));
                if let Some(TokenTree::Ident(id)) = iter.peek() {
                    if id != "static" {
                        let span = id.span();
                        iter.next();
                        out.push(TokenTree::Ident(Ident::new("_", span)));
                    }
                }
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}
