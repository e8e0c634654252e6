//! `#[oxhpy::function]`: see the crate docs.
use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{format_ident, quote};
use syn::{spanned::Spanned, Error, Expr, FnArg, Ident, ItemFn, LitStr, Pat, ReturnType, Type};

#[derive(Clone, Copy, PartialEq)]
enum Sig {
    NoArgs,
    O,
    VarArgs,
    Keywords,
}

struct Param {
    name: Ident,
    py_name: String,
    ty: Type,
    default: Option<Expr>,
    optional: bool,
}

fn last_ident(ty: &Type) -> Option<&Ident> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| &s.ident),
        _ => None,
    }
}

/// `ty` with every named lifetime except `'static` replaced by `'_`. The generated impl converts each
/// argument into a local of the parameter's type, inside a closure where the function's own
/// lifetime parameters (`'py`, `'a`) are not in scope; `'_` lets the compiler infer them.
fn erase_lifetimes(ty: TokenStream) -> TokenStream {
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

/// `PyResult<T>` / `Result<T, E>`: the function can fail.
fn returns_result(ret: &ReturnType) -> bool {
    match ret {
        ReturnType::Type(_, ty) => {
            matches!(last_ident(ty), Some(i) if i == "PyResult" || i == "Result")
        }
        ReturnType::Default => false,
    }
}

/// `name(a, b=1)\n--\n\n` + doc: CPython turns this into `__text_signature__` for `inspect`.
fn text_signature(py_name: &str, params: &[Param], sig: Sig, doc: Option<String>) -> String {
    let mut parts: Vec<String> = params
        .iter()
        .map(|p| match (&p.default, p.optional) {
            (Some(Expr::Lit(l)), _) => format!("{}={}", p.py_name, quote!(#l)),
            (Some(_), _) => format!("{}=...", p.py_name),
            (None, true) => format!("{}=None", p.py_name),
            (None, false) => p.py_name.clone(),
        })
        .collect();
    if matches!(sig, Sig::O | Sig::VarArgs) && !parts.is_empty() {
        parts.push("/".into());
    }
    format!(
        "{py_name}({})\n--\n\n{}",
        parts.join(", "),
        doc.unwrap_or_default()
    )
}

pub fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut func: ItemFn = syn::parse2(item)?;
    let mut py_name: Option<String> = None;
    let mut sig_opt: Option<Sig> = None;
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("name") {
            py_name = Some(meta.value()?.parse::<LitStr>()?.value());
        } else if meta.path.is_ident("sig") {
            let s: LitStr = meta.value()?.parse()?;
            sig_opt = Some(match s.value().as_str() {
                "noargs" => Sig::NoArgs,
                "o" => Sig::O,
                "varargs" => Sig::VarArgs,
                "keywords" => Sig::Keywords,
                _ => {
                    return Err(Error::new(
                        s.span(),
                        "sig must be \"noargs\", \"o\", \"varargs\" or \"keywords\"",
                    ))
                }
            });
        } else {
            return Err(meta.error("expected `name = \"...\"` or `sig = \"...\"`"));
        }
        Ok(())
    });
    syn::parse::Parser::parse2(parser, attr)?;

    if !func
        .sig
        .generics
        .params
        .iter()
        .all(|g| matches!(g, syn::GenericParam::Lifetime(_)))
    {
        return Err(Error::new(
            func.sig.generics.span(),
            "#[oxhpy::function] does not support type parameters",
        ));
    }
    if func.sig.asyncness.is_some() {
        return Err(Error::new(
            func.sig.span(),
            "#[oxhpy::function] does not support async fn",
        ));
    }

    let ident = func.sig.ident.clone();
    let py_name = py_name.unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned());
    let mut takes_ctx = false;
    let mut params = Vec::new();
    for (i, arg) in func.sig.inputs.iter_mut().enumerate() {
        let FnArg::Typed(pt) = arg else {
            return Err(Error::new(
                arg.span(),
                "#[oxhpy::function] functions take no `self`",
            ));
        };
        if i == 0 && matches!(last_ident(&pt.ty), Some(id) if id == "Ctx") {
            takes_ctx = true;
            continue;
        }
        let Pat::Ident(pi) = &*pt.pat else {
            return Err(Error::new(
                pt.pat.span(),
                "parameters must be plain identifiers",
            ));
        };
        let mut default = None;
        let mut kept = Vec::new();
        for a in pt.attrs.drain(..) {
            if a.path().is_ident("oxhpy") {
                a.parse_nested_meta(|meta| {
                    if meta.path.is_ident("default") {
                        default = Some(meta.value()?.parse::<Expr>()?);
                        Ok(())
                    } else {
                        Err(meta.error("expected `default = EXPR`"))
                    }
                })?;
            } else {
                kept.push(a);
            }
        }
        pt.attrs = kept;
        let optional = matches!(last_ident(&pt.ty), Some(id) if id == "Option");
        let name = pi.ident.clone();
        params.push(Param {
            py_name: name.to_string().trim_start_matches("r#").to_owned(),
            name,
            ty: (*pt.ty).clone(),
            default,
            optional,
        });
    }

    let sig = sig_opt.unwrap_or(if params.is_empty() {
        Sig::NoArgs
    } else {
        Sig::Keywords
    });
    match sig {
        Sig::NoArgs if !params.is_empty() => {
            return Err(Error::new(
                ident.span(),
                "sig = \"noargs\" needs a function without parameters",
            ))
        }
        Sig::O if params.len() != 1 => {
            return Err(Error::new(
                ident.span(),
                "sig = \"o\" needs exactly one parameter",
            ))
        }
        _ => {}
    }

    let doc = crate::c_doc(Some(text_signature(
        &py_name,
        &params,
        sig,
        crate::doc_string(&func.attrs),
    )));
    let impl_fn = format_ident!("__oxhpy_impl_{}", ident);
    let entry = format_ident!("__oxhpy_entry_{}", ident);
    let def = format_ident!("__oxhpy_def_{}", ident);
    let vis = &func.vis;
    let p = quote!(::oxhpy::__private);
    let ffi = quote!(::oxhpy::__private::ffi);

    let names: Vec<&Ident> = params.iter().map(|p| &p.name).collect();
    let py_names: Vec<&String> = params.iter().map(|p| &p.py_name).collect();
    let required: Vec<bool> = params
        .iter()
        .map(|p| p.default.is_none() && !p.optional)
        .collect();
    let n = params.len();
    let spec = quote! {
        const SPEC: #p::ArgSpec = #p::ArgSpec { name: #py_name, params: &[#(#py_names),*], required: &[#(#required),*] };
    };
    // Converts an `Option<Borrowed>` slot into the typed local, or applies the default.
    let convert = |i: usize, slot: TokenStream| {
        let Param {
            name,
            py_name,
            ty,
            default,
            optional,
        } = &params[i];
        let missing = match (default, optional) {
            (Some(d), _) => quote!(#d),
            (None, true) => quote!(::core::option::Option::None),
            (None, false) => quote!(::core::unreachable!()),
        };
        let ty = erase_lifetimes(quote!(#ty));
        quote! {
            let #name: #ty = match #slot {
                ::core::option::Option::Some(obj) => #p::extract_arg(obj, #py_name)?,
                ::core::option::Option::None => #missing,
            };
        }
    };

    let ctx_arg = if takes_ctx { quote!(py,) } else { quote!() };
    let call = quote!(#ident(#ctx_arg #(#names),*));
    let result = if returns_result(&func.sig.output) {
        quote!(let ret = #call.map_err(::core::convert::Into::<::oxhpy::PyErr>::into)?;)
    } else {
        quote!(let ret = #call;)
    };
    let finish = quote! {
        #result
        ::oxhpy::IntoPy::into_py(ret, py).map(::oxhpy::Handle::into_raw)
    };

    let (impl_sig, body, sig_const, impl_ty, cpy) = match sig {
        Sig::NoArgs => (
            quote!(ctx: *mut #ffi::HPyContext, _self: #ffi::HPy),
            finish.clone(),
            quote!(#ffi::HPyFunc_NOARGS),
            quote!(#p::NoargsImpl),
            quote!(#p::cpy_noargs::<#entry>),
        ),
        Sig::O => {
            let conv = convert(
                0,
                quote!(::core::option::Option::Some(unsafe {
                    ::oxhpy::Borrowed::from_raw(py, arg)
                })),
            );
            (
                quote!(ctx: *mut #ffi::HPyContext, _self: #ffi::HPy, arg: #ffi::HPy),
                quote! { #conv #finish },
                quote!(#ffi::HPyFunc_O),
                quote!(#p::OImpl),
                quote!(#p::cpy_o::<#entry>),
            )
        }
        Sig::VarArgs => {
            let convs = (0..n).map(|i| {
                convert(
                    i,
                    quote!(if #i < nargs {
                        // SAFETY: i < nargs positional handles, live for the call.
                        ::core::option::Option::Some(unsafe { ::oxhpy::Borrowed::from_raw(py, *args.add(#i)) })
                    } else {
                        ::core::option::Option::None
                    }),
                )
            });
            (
                quote!(ctx: *mut #ffi::HPyContext, _self: #ffi::HPy, args: *const #ffi::HPy, nargs: usize),
                quote! { #spec SPEC.check_count(nargs)?; #(#convs)* #finish },
                quote!(#ffi::HPyFunc_VARARGS),
                quote!(#p::VarargsImpl),
                quote!(#p::cpy_varargs::<#entry>),
            )
        }
        Sig::Keywords => {
            let convs = (0..n).map(|i| convert(i, quote!(slots[#i])));
            (
                quote!(ctx: *mut #ffi::HPyContext, _self: #ffi::HPy, args: *const #ffi::HPy, nargs: usize, kwnames: #ffi::HPy),
                quote! {
                    #spec
                    // SAFETY: the interpreter passes nargs + len(kwnames) live handles.
                    let slots: [::core::option::Option<::oxhpy::Borrowed<'_, '_>>; #n] =
                        unsafe { SPEC.parse(py, args, nargs, kwnames)? };
                    #(#convs)*
                    #finish
                },
                quote!(#ffi::HPyFunc_KEYWORDS),
                quote!(#p::KeywordsImpl),
                quote!(#p::cpy_keywords::<#entry>),
            )
        }
    };
    let c_name = LitStr::new(&py_name, Span::call_site());
    let c_name = quote!(match ::core::ffi::CStr::from_bytes_with_nul(
        ::core::concat!(#c_name, "\0").as_bytes()
    ) {
        ::core::result::Result::Ok(c) => c,
        ::core::result::Result::Err(_) => ::core::panic!("function name contains a NUL byte"),
    });

    Ok(quote! {
        #func

        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #entry;

        #[doc(hidden)]
        #[allow(non_snake_case, unused_variables, clippy::let_unit_value, clippy::unit_arg)]
        unsafe extern "C" fn #impl_fn(#impl_sig) -> #ffi::HPy {
            // SAFETY: the interpreter calls this with the live context of the call.
            unsafe { #p::run(ctx, |py| { #body }) }
        }

        impl #p::Entry for #entry {
            const IMPL: #ffi::HPyCFunction = ::oxhpy::__cfunc!(#impl_fn as #impl_ty, #impl_ty);
        }

        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        #vis static #def: #p::MethodDef = #p::MethodDef::meth(
            #c_name,
            #doc,
            #sig_const,
            <#entry as #p::Entry>::IMPL,
            ::oxhpy::__cpy!(#cpy),
        );
    })
}
