//! `#[oxhpy::class]` (on a struct) and `#[oxhpy::methods]` (on its `impl`).
use crate::function::{
    arg_scope, c_str, gen_impl_fn, parse_sig_name, with_args, Callable, Recv, Sig, RECEIVERS,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::{spanned::Spanned, Error, ImplItem, ItemImpl, ItemStruct, LitStr, Type};

pub fn expand_class(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let s: ItemStruct = syn::parse2(item)?;
    let mut py_name = None;
    let mut subclass = false;
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("name") {
            py_name = Some(meta.value()?.parse::<LitStr>()?.value());
        } else if meta.path.is_ident("subclass") {
            subclass = true;
        } else {
            return Err(meta.error("expected `name = \"...\"` or `subclass`"));
        }
        Ok(())
    });
    syn::parse::Parser::parse2(parser, attr)?;
    if !s.generics.params.is_empty() {
        return Err(Error::new(
            s.generics.span(),
            "#[oxhpy::class] structs cannot be generic",
        ));
    }
    let ident = &s.ident;
    let vis = &s.vis;
    let py_name = py_name.unwrap_or_else(|| ident.to_string());
    let doc = match crate::doc_string(&s.attrs) {
        Some(d) => {
            let d = c_str(&d);
            quote!(::core::option::Option::Some(#d))
        }
        None => quote!(::core::option::Option::None),
    };
    let member = |i: usize, f: &syn::Field| match &f.ident {
        Some(id) => quote!(#id),
        None => {
            let i = syn::Index::from(i);
            quote!(#i)
        }
    };
    let (fields, others): (Vec<_>, Vec<_>) = s
        .fields
        .iter()
        .enumerate()
        .partition(|(_, f)| is_field(&f.ty));
    let field_refs: Vec<TokenStream> = fields
        .iter()
        .map(|(i, f)| {
            let m = member(*i, f);
            quote_spanned!(f.ty.span()=> &s.#m)
        })
        .collect();
    let fields: Vec<TokenStream> = fields.into_iter().map(|(i, f)| member(i, f)).collect();
    let gc = !fields.is_empty();
    let n_fields = fields.len();
    // A class with fields: every field really is `oxhpy::Field`, every other member is `Send +
    // Sync` (a `Field` anywhere else in it is not), so the class may be made `Send + Sync`.
    let member_checks = if gc {
        let others = others.iter().map(|(_, f)| {
            let ty = &f.ty;
            quote_spanned!(ty.span()=> ::oxhpy::impl_::assert_member::<#ty>();)
        });
        quote! {
            let _: fn(&Self) -> [&::oxhpy::Field; #n_fields] = |s| [#(#field_refs),*];
            #(#others)*
        }
    } else {
        quote!()
    };
    let global = format_ident!("__oxhpy_type_{}", ident);
    let p = quote!(::oxhpy::impl_);
    let ffi = quote!(::oxhpy::impl_::ffi);
    let flags = {
        let base = if subclass {
            quote!(| #ffi::HPy_TPFLAGS_BASETYPE as u64)
        } else {
            quote!()
        };
        let gc_flag = if gc {
            quote!(| #ffi::HPy_TPFLAGS_HAVE_GC as u64)
        } else {
            quote!()
        };
        quote!(#ffi::HPy_TPFLAGS_DEFAULT as u64 #base #gc_flag)
    };
    let traverse_def = if gc {
        quote! {
            struct TraverseEntry;
            // SAFETY: IMPL is `traverse::<T>`, the `HPyFunc_TRAVERSEPROC` impl `cpy_traverse`
            // expects.
            unsafe impl #p::Entry for TraverseEntry {
                // SAFETY: the function pointer type of `traverse::<T>`.
                const IMPL: #ffi::HPyCFunction = unsafe { ::oxhpy::impl_::cfunc!(
                    #p::traverse::<#ident> as unsafe extern "C" fn(*mut ::core::ffi::c_void, #ffi::HPyFunc_visitproc, *mut ::core::ffi::c_void) -> i32,
                    unsafe extern "C" fn(*mut ::core::ffi::c_void, #ffi::HPyFunc_visitproc, *mut ::core::ffi::c_void) -> i32
                ) };
            }
            // SAFETY: HPy_tp_traverse takes an `HPyFunc_TRAVERSEPROC` impl and its trampoline.
            static TRAVERSE: #p::MethodDef = unsafe { #p::MethodDef::slot(
                #ffi::HPy_tp_traverse, <TraverseEntry as #p::Entry>::IMPL, ::oxhpy::impl_::cpy!(#p::cpy_traverse::<TraverseEntry>)) };
            defs.push(TRAVERSE.as_ptr());
        }
    } else {
        quote!()
    };
    let threads = if gc {
        quote! {
            // SAFETY: its members other than `Field`s are `Send + Sync` (checked in `class_defs`);
            // a `Field` is only read or written with the interpreter held, through a `PyRef`.
            unsafe impl ::core::marker::Send for #ident {}
            // SAFETY: as above.
            unsafe impl ::core::marker::Sync for #ident {}
        }
    } else {
        // Without fields, no traverse reads the payload behind a `&mut` borrow.
        quote!(impl #p::Mutable for #ident {})
    };
    let global_decl = crate::global::declare(
        &[
            syn::parse_quote!(#[doc(hidden)]),
            syn::parse_quote!(#[allow(non_upper_case_globals)]),
        ],
        vis,
        &global,
        &quote!(#p::TypeGlobal),
    );
    Ok(quote! {
        #s

        #global_decl

        // SAFETY: class_defs holds destroy (and traverse for GC types) for this very type, and the
        // type global is registered with `#[oxhpy::global]`.
        unsafe impl #p::PyClass for #ident {
            const NAME: &'static str = #py_name;
            const DOC: ::core::option::Option<&'static ::core::ffi::CStr> = #doc;
            const FLAGS: u64 = #flags;
            const FIELDS: &'static [usize] = &[#(::core::mem::offset_of!(#ident, #fields)),*];
            fn type_global() -> &'static #p::TypeGlobal {
                &#global
            }
            fn class_defs() -> ::std::vec::Vec<*mut #ffi::HPyDef> {
                struct DestroyEntry;
                // SAFETY: IMPL is `destroy::<T>`, the `HPy_tp_destroy` impl (no trampoline forwards
                // to it).
                unsafe impl #p::Entry for DestroyEntry {
                    // SAFETY: the function pointer type of `destroy::<T>`.
                    const IMPL: #ffi::HPyCFunction = unsafe { ::oxhpy::impl_::cfunc!(
                        #p::destroy::<#ident> as unsafe extern "C" fn(*mut ::core::ffi::c_void),
                        unsafe extern "C" fn(*mut ::core::ffi::c_void)
                    ) };
                }
                // SAFETY: HPy_tp_destroy takes a `destroy`-shaped impl; its trampoline is never
                // called.
                static DESTROY: #p::MethodDef = unsafe { #p::MethodDef::slot(
                    #ffi::HPy_tp_destroy, <DestroyEntry as #p::Entry>::IMPL, ::oxhpy::impl_::cpy!(#p::cpy_never)) };
                #member_checks
                let mut defs = ::std::vec![DESTROY.as_ptr()];
                #traverse_def
                defs
            }
        }

        #threads

        impl<'py> ::oxhpy::IntoPy<'py> for #ident {
            fn into_py(self, ctx: ::oxhpy::Ctx<'py>) -> ::oxhpy::PyResult<::oxhpy::Handle<'py>> {
                ::oxhpy::IntoPy::into_py(::oxhpy::PyNew(self), ctx)
            }
        }
    })
}

/// `Field`, `oxhpy::Field` or `::oxhpy::Field`: a member the class's traverse visits. Any other
/// type is not one, even when it holds a `Field` (then it fails the class's checks).
fn is_field(ty: &Type) -> bool {
    let Type::Path(p) = ty else { return false };
    if p.qself.is_some() || p.path.segments.iter().any(|s| !s.arguments.is_empty()) {
        return false;
    }
    let names: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match names.as_slice() {
        [f] => f == "Field" && p.path.leading_colon.is_none(),
        [o, f] => o == "oxhpy" && f == "Field",
        _ => false,
    }
}

/// A property being assembled: name, getter entry, setter entry, doc.
type Property = (
    String,
    Option<syn::Ident>,
    Option<syn::Ident>,
    Option<String>,
);

/// The special methods `#[oxhpy::methods]` maps to type slots, by the Rust function's name.
const SUPPORTED_DUNDERS: &str =
    "`__repr__`, `__str__`, `__call__` and `__buffer__` (and `#[new]` for the constructor)";

/// `__name__`: the shape of a special method's name.
fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

/// A `__name__` that is not mapped to a slot would be a plain method (or property): CPython's
/// type slots ignore it, PyPy looks special methods up by name and honours it. One binary, two
/// behaviours: refused until it is mapped.
fn unmapped_dunder(span: proc_macro2::Span, rust: &str, python: &str) -> Error {
    let what = if rust == python || !is_dunder(python) {
        format!("`{rust}`")
    } else {
        format!("`{rust}` (Python name `{python}`)")
    };
    Error::new(
        span,
        format!(
            "{what} is not supported by #[oxhpy::methods]: a special method without a type slot \
             would be an ordinary attribute, which CPython ignores but PyPy calls. Supported: \
             {SUPPORTED_DUNDERS}"
        ),
    )
}

enum Kind {
    New,
    Method,
    Slot(&'static str),
    Getter(String),
    Setter(String),
}

pub fn expand_methods(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    if !attr.is_empty() {
        return Err(Error::new(
            attr.span(),
            "#[oxhpy::methods] takes no options",
        ));
    }
    let mut block: ItemImpl = syn::parse2(item)?;
    let owner: Type = (*block.self_ty).clone();
    let p = quote!(::oxhpy::impl_);
    let ffi = quote!(::oxhpy::impl_::ffi);
    let mut items = Vec::new();
    let mut defs = Vec::new();
    let mut getsets: Vec<Property> = Vec::new();

    for it in block.items.iter_mut() {
        let ImplItem::Fn(f) = it else { continue };
        let mut kind = Kind::Method;
        let mut py_name = None;
        let mut sig_opt = None;
        let mut kept = Vec::new();
        for a in f.attrs.drain(..) {
            let last = a
                .path()
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            match last.as_str() {
                "new" => kind = Kind::New,
                "getter" | "setter" => {
                    let mut name = None;
                    if let syn::Meta::List(_) = &a.meta {
                        name = Some(a.parse_args::<LitStr>()?.value());
                    }
                    let fname = f.sig.ident.to_string();
                    kind = if last == "getter" {
                        Kind::Getter(name.unwrap_or(fname))
                    } else {
                        Kind::Setter(
                            name.unwrap_or_else(|| fname.trim_start_matches("set_").to_owned()),
                        )
                    };
                }
                "oxhpy" => a.parse_nested_meta(|meta| {
                    if meta.path.is_ident("name") {
                        py_name = Some(meta.value()?.parse::<LitStr>()?.value());
                    } else if meta.path.is_ident("sig") {
                        sig_opt = Some(parse_sig_name(&meta.value()?.parse()?)?);
                    } else {
                        return Err(meta.error("expected `name = \"...\"` or `sig = \"...\"`"));
                    }
                    Ok(())
                })?,
                _ => kept.push(a),
            }
        }
        f.attrs = kept;
        let fname = f.sig.ident.to_string();
        if fname == "__buffer__" {
            let returns_result = matches!(&f.sig.output, syn::ReturnType::Type(_, t)
                if matches!(&**t, Type::Path(p) if p.path.segments.last().is_some_and(|x| x.ident == "PyResult" || x.ident == "Result")));
            let body = if returns_result {
                quote!(<#owner>::__buffer__(self).map_err(::core::convert::Into::into))
            } else {
                quote!(::core::result::Result::Ok(<#owner>::__buffer__(self)))
            };
            items.push(quote! {
                impl #p::Export for #owner {
                    fn export(&self) -> ::oxhpy::PyResult<::oxhpy::buffer::Exported<'_>> {
                        #body
                    }
                }
                // SAFETY: the buffer slots take `getbuffer::<T>` / `releasebuffer::<T>` (the
                // entries' impls) and their trampolines.
                static __OXHPY_GETBUFFER: #p::MethodDef = unsafe { #p::MethodDef::slot(
                    #ffi::HPy_bf_getbuffer,
                    <#p::GetBufferEntry<#owner> as #p::Entry>::IMPL,
                    ::oxhpy::impl_::cpy!(#p::cpy_getbuffer::<#p::GetBufferEntry<#owner>>)) };
                // SAFETY: as above.
                static __OXHPY_RELEASEBUFFER: #p::MethodDef = unsafe { #p::MethodDef::slot(
                    #ffi::HPy_bf_releasebuffer,
                    <#p::ReleaseBufferEntry<#owner> as #p::Entry>::IMPL,
                    ::oxhpy::impl_::cpy!(#p::cpy_releasebuffer::<#p::ReleaseBufferEntry<#owner>>)) };
            });
            defs.push(format_ident!("__OXHPY_GETBUFFER"));
            defs.push(format_ident!("__OXHPY_RELEASEBUFFER"));
            continue;
        }
        if matches!(kind, Kind::Method) {
            kind = match fname.as_str() {
                "__repr__" => Kind::Slot("HPy_tp_repr"),
                "__str__" => Kind::Slot("HPy_tp_str"),
                "__call__" => Kind::Slot("HPy_tp_call"),
                _ => Kind::Method,
            };
        }
        let python = match &kind {
            Kind::Getter(name) | Kind::Setter(name) => Some(name.clone()),
            Kind::Method => Some(py_name.clone().unwrap_or_else(|| fname.clone())),
            Kind::New | Kind::Slot(_) => None,
        };
        if let Some(python) = python {
            if is_dunder(&fname) || is_dunder(&python) {
                return Err(unmapped_dunder(f.sig.ident.span(), &fname, &python));
            }
        }
        let doc = crate::doc_string(&f.attrs);
        // `#[new]` has no receiver: a first `PyRef<'_, Self>` is an argument there.
        let recv_owner = (!matches!(kind, Kind::New)).then_some(&owner);
        let mut c = Callable::parse(&mut f.sig, doc.clone(), py_name, sig_opt, recv_owner)?;
        c.tp_call = matches!(kind, Kind::Slot("HPy_tp_call"));
        let owner_name = quote!(#owner).to_string();
        c.qualname = Some(match kind {
            Kind::New => owner_name,
            _ => format!("{owner_name}.{}", c.py_name),
        });
        let impl_fn = format_ident!("__oxhpy_impl_{}", f.sig.ident);
        let entry = format_ident!("__oxhpy_entry_{}", f.sig.ident);
        let def = format_ident!("__OXHPY_DEF_{}", f.sig.ident.to_string().to_uppercase());
        match kind {
            Kind::New => {
                if c.recv != Recv::None {
                    return Err(Error::new(f.sig.span(), "#[new] takes no `self`"));
                }
                items.push(c.gen_new(&owner, &impl_fn, &entry));
                items.push(quote! {
                    // SAFETY: HPy_tp_new takes an `HPyFunc_NEWFUNC` impl and its trampoline.
                    static #def: #p::MethodDef = unsafe { #p::MethodDef::slot(
                        #ffi::HPy_tp_new, <#entry as #p::Entry>::IMPL, ::oxhpy::impl_::cpy!(#p::cpy_new::<#entry>)) };
                });
                defs.push(def);
            }
            Kind::Method | Kind::Slot(_) => {
                if c.recv == Recv::None {
                    return Err(Error::new(f.sig.span(), RECEIVERS));
                }
                items.push(c.gen_meth(Some(&owner), &impl_fn, &entry, &quote!()));
                let (cpy, sig_const) = c.cpy_and_sig(&entry);
                match kind {
                    Kind::Slot(slot) => {
                        let slot = format_ident!("{}", slot);
                        let cpy = if slot == "HPy_tp_call" {
                            cpy
                        } else {
                            quote!(#p::cpy_repr::<#entry>)
                        };
                        if slot != "HPy_tp_call" && (c.sig != Sig::NoArgs) {
                            return Err(Error::new(
                                f.sig.span(),
                                "__repr__ and __str__ take only `&self` (or `slf: PyRef<'_, Self>`)",
                            ));
                        }
                        items.push(quote! {
                            // SAFETY: `__repr__`/`__str__` are `HPyFunc_REPRFUNC` impls (NOARGS-shaped)
                            // with `cpy_repr`, `__call__` a KEYWORDS impl with `cpy_keywords`.
                            static #def: #p::MethodDef = unsafe { #p::MethodDef::slot(
                                #ffi::#slot, <#entry as #p::Entry>::IMPL, ::oxhpy::impl_::cpy!(#cpy)) };
                        });
                    }
                    _ => {
                        let name = c_str(&c.py_name);
                        let doc = c_str(&c.text_signature(true));
                        items.push(quote! {
                            // SAFETY: the entry's impl and trampoline, both of convention `sig_const`.
                            static #def: #p::MethodDef = unsafe { #p::MethodDef::meth(
                                #name, ::core::option::Option::Some(#doc), #sig_const,
                                <#entry as #p::Entry>::IMPL, ::oxhpy::impl_::cpy!(#cpy)) };
                        });
                    }
                }
                defs.push(def);
            }
            Kind::Getter(name) => {
                if !matches!(c.recv, Recv::Ref | Recv::Slf) || !c.params.is_empty() {
                    return Err(Error::new(
                        f.sig.span(),
                        "a #[getter] takes only `&self` (or `slf: PyRef<'_, Self>`)",
                    ));
                }
                items.push(gen_getter(&c, &owner, &impl_fn, &entry));
                match getsets.iter_mut().find(|g| g.0 == name) {
                    Some(g) => g.1 = Some(entry),
                    None => getsets.push((name, Some(entry), None, doc)),
                }
            }
            Kind::Setter(name) => {
                if c.recv == Recv::None || c.params.len() != 1 {
                    return Err(Error::new(
                        f.sig.span(),
                        "a #[setter] takes a receiver (`&mut self`, `&self`, `slf: PyRef<'_, Self>`, \
                         ...) and one value",
                    ));
                }
                items.push(gen_setter(&c, &owner, &impl_fn, &entry));
                match getsets.iter_mut().find(|g| g.0 == name) {
                    Some(g) => g.2 = Some(entry),
                    None => getsets.push((name, None, Some(entry), doc)),
                }
            }
        }
    }
    for (i, (name, get, set, doc)) in getsets.into_iter().enumerate() {
        let def = format_ident!("__OXHPY_GETSET_{}", i);
        let Some(get) = get else {
            return Err(Error::new(
                block.span(),
                format!("property `{name}` has a #[setter] but no #[getter]"),
            ));
        };
        // A read-only property still gets a setter, one that raises AttributeError: PyPy 3.11
        // aborts the process ("Fatal RPython error: NotImplementedError") on assigning to an
        // HPy property without one.
        let set = match set {
            Some(s) => s,
            None => {
                let s = format_ident!("__oxhpy_entry_readonly_{}", i);
                let f = format_ident!("__oxhpy_impl_readonly_{}", i);
                let msg = format!(
                    "attribute '{name}' of '{}' objects is not writable",
                    quote!(#owner)
                );
                items.push(quote! {
                    #[allow(non_camel_case_types)]
                    struct #s;
                    unsafe extern "C" fn #f(
                        ctx: *mut #ffi::HPyContext, _self: #ffi::HPy, _value: #ffi::HPy, _closure: *mut ::core::ffi::c_void,
                    ) -> ::core::ffi::c_int {
                        // SAFETY: the interpreter calls this with the live context of the call.
                        unsafe { #p::run(ctx, |_| ::core::result::Result::Err(::oxhpy::PyErr::new(::oxhpy::Exc::AttributeError, #msg))) }
                    }
                    // SAFETY: IMPL is an `HPyFunc_SETTER` impl, as `cpy_setter` expects.
                    unsafe impl #p::Entry for #s {
                        const IMPL: #ffi::HPyCFunction = unsafe { ::oxhpy::impl_::cfunc!(#f as #p::SetterImpl, #p::SetterImpl) };
                    }
                });
                s
            }
        };
        let (set_impl, set_cpy) = (
            quote!(<#set as #p::Entry>::IMPL),
            quote!(::oxhpy::impl_::cpy!(#p::cpy_setter::<#set>, #ffi::cpy_setter)),
        );
        let name = c_str(&name);
        let doc = match doc {
            Some(d) => {
                let d = c_str(&d);
                quote!(::core::option::Option::Some(#d))
            }
            None => quote!(::core::option::Option::None),
        };
        items.push(quote! {
            // SAFETY: the getter and setter entries' impls and trampolines.
            static #def: #p::MethodDef = unsafe { #p::MethodDef::getset(
                #name, #doc, <#get as #p::Entry>::IMPL, ::oxhpy::impl_::cpy!(#p::cpy_getter::<#get>, #ffi::cpy_getter),
                #set_impl, #set_cpy) };
        });
        defs.push(def);
    }
    Ok(quote! {
        #block

        const _: () = {
            #(#items)*

            // SAFETY: the static `MethodDef`s of this impl block, whose impls take an instance of
            // the owner as `self`.
            unsafe impl #p::PyMethods for #owner {
                fn method_defs() -> ::std::vec::Vec<*mut #ffi::HPyDef> {
                    ::std::vec![#(#p::MethodDef::as_ptr(&#defs)),*]
                }
            }
        };
    })
}

fn gen_getter(c: &Callable, owner: &Type, impl_fn: &syn::Ident, entry: &syn::Ident) -> TokenStream {
    let p = quote!(::oxhpy::impl_);
    let ffi = quote!(::oxhpy::impl_::ffi);
    let ident = &c.ident;
    let ctx = if c.takes_ctx { quote!(py) } else { quote!() };
    let (borrow, recv) = c.borrow_recv(owner);
    let call = if c.returns_result {
        quote!(<#owner>::#ident(#recv, #ctx).map_err(::core::convert::Into::<::oxhpy::PyErr>::into)?)
    } else {
        quote!(<#owner>::#ident(#recv, #ctx))
    };
    let hpy = quote!(#ffi::HPy);
    let params = [
        ("_self", hpy.clone()),
        ("_closure", quote!(*mut ::core::ffi::c_void)),
    ];
    let impl_fn_def = gen_impl_fn(
        impl_fn,
        &params,
        hpy,
        with_args(quote! {
            #borrow
            let ret = #call;
            ::oxhpy::IntoPy::into_py(ret, py).map(::oxhpy::Handle::into_raw)
        }),
    );
    quote! {
        #[allow(non_camel_case_types)]
        struct #entry;

        #impl_fn_def

        // SAFETY: IMPL is an `HPyFunc_GETTER` impl, as `cpy_getter` expects.
        unsafe impl #p::Entry for #entry {
            const IMPL: #ffi::HPyCFunction = unsafe { ::oxhpy::impl_::cfunc!(#impl_fn as #p::GetterImpl, #p::GetterImpl) };
        }
    }
}

fn gen_setter(c: &Callable, owner: &Type, impl_fn: &syn::Ident, entry: &syn::Ident) -> TokenStream {
    let p = quote!(::oxhpy::impl_);
    let ffi = quote!(::oxhpy::impl_::ffi);
    let ident = &c.ident;
    let ctx = if c.takes_ctx { quote!(py,) } else { quote!() };
    let name = c.param_ident(0);
    let (borrow, recv) = c.borrow_recv(owner);
    let call = if c.returns_result {
        quote!(<#owner>::#ident(#recv, #ctx #name).map_err(::core::convert::Into::<::oxhpy::PyErr>::into)?;)
    } else {
        quote!(<#owner>::#ident(#recv, #ctx #name);)
    };
    let scope = arg_scope();
    let convert = c.convert(
        0,
        // SAFETY: a live value handle for the duration of the call (not NULL, checked before).
        quote!(::core::option::Option::Some(unsafe { #scope.arg(value) })),
    );
    let body = with_args(quote! {
        if #ffi::HPy_IsNull(value) {
            return ::core::result::Result::Err(::oxhpy::PyErr::type_error("cannot delete this attribute"));
        }
        #convert
        #borrow
        #call
        ::core::result::Result::Ok(0)
    });
    let hpy = quote!(#ffi::HPy);
    let params = [
        ("_self", hpy.clone()),
        ("value", hpy),
        ("_closure", quote!(*mut ::core::ffi::c_void)),
    ];
    let impl_fn_def = gen_impl_fn(impl_fn, &params, quote!(::core::ffi::c_int), body);
    quote! {
        #[allow(non_camel_case_types)]
        struct #entry;

        #impl_fn_def

        // SAFETY: IMPL is an `HPyFunc_SETTER` impl, as `cpy_setter` expects.
        unsafe impl #p::Entry for #entry {
            const IMPL: #ffi::HPyCFunction = unsafe { ::oxhpy::impl_::cfunc!(#impl_fn as #p::SetterImpl, #p::SetterImpl) };
        }
    }
}
