//! The items of an `#[oxhpy::methods]` block that an HPy 0.9 type spec cannot hold:
//! `#[staticmethod]`, `#[classmethod]` and `#[classattr]` (on a function or a `const`). The spec
//! defines a static or class method as an ordinary method; the type, once created, gets what
//! `PyMethods::class_items` lists (`oxhpy::impl_::ClassItem`): the method bound to a placeholder
//! instance and wrapped with the built-in `staticmethod` or `classmethod`, and each class
//! attribute's value (see `oxhpy::class::add_class_items`).
use crate::attributes::{CallableOptions, Marker, MethodAttrs};
use crate::codegen::{arg_scope, with_args, KEYWORDS};
use crate::model::{Callable, Recv, Sig};
use crate::pymethod::{Generated, Names};
use crate::utils::{doc_string, erase_lifetimes};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{spanned::Spanned, Error, FnArg, ImplItemConst, ImplItemFn, Pat, Type};

/// The `ClassItem`s of a block, as expressions.
#[derive(Default)]
pub(crate) struct ClassItems {
    items: Vec<TokenStream>,
}

impl ClassItems {
    /// `fn class_items()` of the `PyMethods` impl: nothing without items (the trait's default).
    pub(crate) fn class_items_fn(&self) -> TokenStream {
        if self.items.is_empty() {
            return quote!();
        }
        let p = quote!(::oxhpy::impl_);
        let items = &self.items;
        quote! {
            fn class_items() -> ::std::vec::Vec<#p::ClassItem> {
                ::std::vec![#(#items),*]
            }
        }
    }
}

/// The static `MethodDef` of an ordinary method named `c.py_name` whose impl is `n.entry`'s, in
/// `c`'s convention (`doc`: its docstring with the text signature).
fn meth_def(c: &Callable, n: &Names, doc: &str, out: &mut Generated) {
    let item = crate::pymethod::meth_def(&n.def, &c.py_name, doc, c.convention(), &n.entry);
    out.def(n.def.clone(), item);
}

/// `#[staticmethod]`: an ordinary method whose impl ignores `self` (the placeholder it is bound
/// to), in the convention of its `sig`.
pub(crate) fn gen_static(
    c: &Callable,
    owner: &Type,
    n: &Names,
    out: &mut Generated,
    items: &mut ClassItems,
) -> syn::Result<()> {
    if c.recv != Recv::None {
        return Err(Error::new(
            c.recv_span,
            "a #[staticmethod] takes no `self` (a #[classmethod] takes the class)",
        ));
    }
    out.items
        .push(c.gen_meth(Some(owner), c.convention(), &n.impl_fn, &n.entry, &quote!()));
    // `$self`: the bound placeholder, which `inspect.signature` leaves out.
    meth_def(c, n, &c.text_signature(true), out);
    let name = &c.py_name;
    items
        .items
        .push(quote!(::oxhpy::impl_::ClassItem::StaticMethod(#name)));
    Ok(())
}

/// `#[classmethod]`: the class is the function's first parameter (any `FromPy` type, e.g.
/// `cls: PyTypeRef<'_, '_>`), the first positional argument of the impl (`classmethod` passes it);
/// a `Ctx` may follow it, then the Python-visible parameters, taken as keywords or by position.
pub(crate) fn gen_classmethod(
    f: &mut ImplItemFn,
    options: CallableOptions,
    owner: &Type,
    qualname: String,
    n: &Names,
    out: &mut Generated,
    items: &mut ClassItems,
) -> syn::Result<()> {
    const FIRST: &str = "a #[classmethod] takes the class as its first parameter, e.g. \
                         `cls: PyTypeRef<'_, '_>` (no `self`)";
    let (cls, cls_ty) = match f.sig.inputs.first() {
        Some(FnArg::Typed(pt)) => match &*pt.pat {
            Pat::Ident(pi) => (pi.ident.clone(), (*pt.ty).clone()),
            _ => return Err(Error::new(pt.pat.span(), FIRST)),
        },
        Some(FnArg::Receiver(r)) => return Err(Error::new(r.span(), FIRST)),
        None => return Err(Error::new(f.sig.ident.span(), FIRST)),
    };
    if options.sig.is_some_and(|s| s != Sig::Keywords) {
        return Err(Error::new(
            f.sig.ident.span(),
            "a #[classmethod] takes its arguments by position or keyword: no `sig`",
        ));
    }
    // The rest of the signature is a function's (the parameter attributes are stripped from it,
    // then it is put back after the class).
    let mut rest = f.sig.clone();
    rest.inputs = f.sig.inputs.iter().skip(1).cloned().collect();
    let doc = doc_string(&f.attrs);
    let mut c = Callable::parse(&mut rest, doc, options, None, Some(owner))?;
    let first = f.sig.inputs.first().cloned();
    f.sig.inputs = first.into_iter().chain(rest.inputs).collect();
    c.sig = Sig::Keywords;
    c.qualname = Some(qualname.clone());
    c.cls_arg = true;

    let p = quote!(::oxhpy::impl_);
    let ffi = quote!(::oxhpy::impl_::ffi);
    let scope = arg_scope();
    let convs = c.conversions(false);
    let ident = &c.ident;
    let ctx = if c.takes_ctx { quote!(py,) } else { quote!() };
    let names = c.params.iter().map(|p| &p.name);
    let call = quote!(<#owner>::#ident(#cls, #ctx #(#names),*));
    let call = if c.returns_result {
        quote! { let ret = #call.map_err(::core::convert::Into::<::oxhpy::PyErr>::into)?; }
    } else {
        quote! { let ret = #call; }
    };
    let cls_ty = erase_lifetimes(quote!(#cls_ty));
    let cls_name = cls.to_string();
    let result = KEYWORDS.result();
    let missing = format!("{qualname}() takes the class as its first argument");
    let body = with_args(quote! {
        let nargs = nargs & !#ffi::PY_VECTORCALL_ARGUMENTS_OFFSET;
        if nargs == 0 {
            return ::core::result::Result::Err(::oxhpy::PyErr::type_error(#missing));
        }
        let #cls: #cls_ty = #p::extract_arg(
            // SAFETY: nargs >= 1 positional handles, live for the call.
            unsafe { #scope.arg(*args) },
            #cls_name,
        )?;
        // SAFETY: the arguments after the class: still within the array of nargs + len(kwnames)
        // handles, and the positional ones are one fewer.
        let args = unsafe { args.add(1) };
        let nargs = nargs - 1;
        #convs
        #call
        #result
    });
    out.items
        .push(KEYWORDS.entry(&quote!(), &n.entry, &n.impl_fn, body));
    // `$self` is the bound placeholder; `inspect.signature` of the class's bound method then
    // leaves out the class too.
    let text = c.text_signature(true);
    let head = format!("{}($self", c.py_name);
    let text = match text.strip_prefix(&head) {
        Some(rest) => format!("{head}, {cls_name}{rest}"),
        None => text,
    };
    meth_def(&c, n, &text, out);
    let name = &c.py_name;
    items
        .items
        .push(quote!(::oxhpy::impl_::ClassItem::ClassMethod(#name)));
    Ok(())
}

/// `#[classattr]` on a function: no `self`, no parameters but an optional `Ctx`; its result
/// (`IntoPy`, or a `PyResult` of one) is the attribute, computed once when the type is created.
pub(crate) fn gen_classattr_fn(
    c: &Callable,
    owner: &Type,
    n: &Names,
    out: &mut Generated,
    items: &mut ClassItems,
) -> syn::Result<()> {
    if c.recv != Recv::None || !c.params.is_empty() {
        return Err(Error::new(
            c.span,
            "a #[classattr] function takes no `self` and no parameters (but an optional `Ctx`)",
        ));
    }
    let ident = &c.ident;
    let ctx = if c.takes_ctx { quote!(py) } else { quote!() };
    let value = if c.returns_result {
        quote!(<#owner>::#ident(#ctx).map_err(::core::convert::Into::<::oxhpy::PyErr>::into)?)
    } else {
        quote!(<#owner>::#ident(#ctx))
    };
    classattr(&c.py_name, value, n, out, items);
    Ok(())
}

/// The function that computes class attribute `name` from `value`, and its `ClassItem`.
fn classattr(
    name: &str,
    value: TokenStream,
    n: &Names,
    out: &mut Generated,
    items: &mut ClassItems,
) {
    let f = &n.impl_fn;
    out.items.push(quote! {
        #[doc(hidden)]
        #[allow(non_snake_case)]
        fn #f<'py>(py: ::oxhpy::Ctx<'py>) -> ::oxhpy::PyResult<::oxhpy::Handle<'py>> {
            let value = #value;
            ::oxhpy::IntoPy::into_py(value, py)
        }
    });
    items
        .items
        .push(quote!(::oxhpy::impl_::ClassItem::Attr(#name, #f)));
}

/// A `const` of the block: with `#[classattr]`, a class attribute of its value (any other `const`
/// is left alone).
pub(crate) fn gen_const(
    k: &mut ImplItemConst,
    owner: &Type,
    out: &mut Generated,
    items: &mut ClassItems,
) -> syn::Result<()> {
    let attrs = MethodAttrs::take(&mut k.attrs)?;
    let ident = &k.ident;
    match attrs.marker {
        Some(Marker::ClassAttr) => {}
        None if attrs.options.name.is_none() && attrs.options.sig.is_none() => return Ok(()),
        _ => {
            return Err(Error::new(
                ident.span(),
                "on a `const`, only #[classattr] (and `#[oxhpy(name = \"...\")]` with it)",
            ))
        }
    }
    if attrs.options.sig.is_some() {
        return Err(Error::new(ident.span(), "a #[classattr] takes no `sig`"));
    }
    let name = attrs
        .options
        .name
        .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned());
    crate::slots::check_not_special(ident.span(), &ident.to_string(), &name)?;
    let n = Names {
        impl_fn: format_ident!("__oxhpy_classattr_{}", ident),
        entry: format_ident!("__oxhpy_entry_{}", ident),
        def: format_ident!("__OXHPY_DEF_{}", ident),
    };
    classattr(&name, quote!(<#owner>::#ident), &n, out, items);
    Ok(())
}
