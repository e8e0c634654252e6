//! `#[oxhpy::function]`, and the code shared with methods: parameters, argument conversion, the
//! impl/trampoline pair and the `HPyDef`.
use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use syn::{
    spanned::Spanned, Error, Expr, FnArg, Ident, ItemFn, LitStr, Pat, ReturnType, Signature, Type,
};

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Sig {
    NoArgs,
    O,
    VarArgs,
    Keywords,
}

/// How a method receives `self`.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Recv {
    None,
    /// `&self`
    Ref,
    /// `&mut self`
    Mut,
    /// `slf: PyRef<'_, Self>`
    Slf,
    /// `slf: PyRefMut<'_, Self>`
    SlfMut,
}

impl Recv {
    /// `self` exclusively borrowed.
    pub(crate) fn mutable(self) -> bool {
        matches!(self, Recv::Mut | Recv::SlfMut)
    }
}

/// The local that holds the receiver's borrow (mixed-site: no parameter can shadow it).
fn recv_local() -> Ident {
    Ident::new("receiver", Span::mixed_site())
}

/// `PyRef<'_, Self>` (`Recv::Slf`) or `PyRefMut<'_, Self>` (`Recv::SlfMut`), `Self` also spelled
/// as the owner type: the type of a `slf` receiver, with its lifetime.
fn slf_receiver(ty: &Type, owner: &Type) -> Option<(Recv, Option<syn::Lifetime>)> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let recv = if last.ident == "PyRef" {
        Recv::Slf
    } else if last.ident == "PyRefMut" {
        Recv::SlfMut
    } else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let target = args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(quote!(#t).to_string()),
        _ => None,
    })?;
    let lifetime = args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Lifetime(l) => Some(l.clone()),
        _ => None,
    });
    (target == "Self" || target == quote!(#owner).to_string()).then_some((recv, lifetime))
}

pub(crate) struct Param {
    name: Ident,
    py_name: String,
    ty: Type,
    default: Option<Expr>,
    optional: bool,
}

/// A Rust function exposed to Python: everything needed to generate its glue.
pub(crate) struct Callable {
    pub ident: Ident,
    pub py_name: String,
    pub sig: Sig,
    pub recv: Recv,
    /// Where the receiver is written (errors about borrowing it point there).
    pub recv_span: Span,
    /// The lifetime a `slf` receiver's type names, if any.
    pub recv_lifetime: Option<syn::Lifetime>,
    pub params: Vec<Param>,
    pub takes_ctx: bool,
    pub returns_result: bool,
    pub doc: Option<String>,
    /// `__call__`: the impl has the KEYWORDS shape whatever `sig` says (HPy's `tp_call`).
    pub tp_call: bool,
    /// The name error messages use (`Type.method`), when it differs from `py_name`.
    pub qualname: Option<String>,
}

fn last_ident(ty: &Type) -> Option<&Ident> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| &s.ident),
        _ => None,
    }
}

/// `ty` with every named lifetime except `'static` replaced by `'_`. The generated impl converts
/// each argument into a local of the parameter's type, inside a closure where the function's own
/// lifetime parameters (`'py`, `'a`) are not in scope; `'_` lets the compiler infer them. `'static`
/// stays, with the user's span: the annotation is where a `'static` borrow of an argument fails.
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

/// The generated code's argument scope (an `ArgScope<'a, 'py>`, see `oxhpy::impl_::with_args`).
/// Mixed-site hygiene: no parameter of the user's function can shadow it.
pub(crate) fn arg_scope() -> Ident {
    Ident::new("arguments", Span::mixed_site())
}

/// `with_args(py, |arguments| { body })`: the body of every impl that takes arguments. The
/// arguments' lifetime is the higher-ranked `'a` of the closure, so a conversion into a type that
/// outlives the call (`&'static str`, `PyRef<'static, T>`) fails to compile; the closure is
/// inlined, the scope is a zero-sized token.
pub(crate) fn with_args(body: TokenStream) -> TokenStream {
    let scope = arg_scope();
    quote! {
        ::oxhpy::impl_::with_args(py, |#scope| { #body })
    }
}

/// An impl: `unsafe extern "C" fn name(ctx, params) -> ret` that runs `body` through
/// `oxhpy::impl_::run` (context, errors, panics). `body` is the block of a nested *safe* function
/// `(py: Ctx, params) -> PyResult<ret>`, outside every unsafe context: the user's tokens in it
/// (default values, the call of the user's function) get no `unsafe` from the generated code, so
/// an unsafe operation among them needs the user's own `unsafe` (and an `unsafe fn` cannot be
/// called without). The generated unsafe operations in `body` have their own `unsafe` blocks.
/// `#[inline(always)]`: the call path is the same as with a closure.
pub(crate) fn gen_impl_fn(
    name: &Ident,
    params: &[(&str, TokenStream)],
    ret: TokenStream,
    body: TokenStream,
) -> TokenStream {
    let ffi = quote!(::oxhpy::impl_::ffi);
    let names: Vec<Ident> = params
        .iter()
        .map(|(n, _)| Ident::new(n, Span::call_site()))
        .collect();
    let types = params.iter().map(|(_, t)| t);
    let decl = quote!(#(#names: #types),*);
    quote! {
        #[doc(hidden)]
        #[allow(non_snake_case, unused_variables, unused_mut, clippy::let_unit_value, clippy::unit_arg)]
        unsafe extern "C" fn #name(ctx: *mut #ffi::HPyContext, #decl) -> #ret {
            #[inline(always)]
            fn __oxhpy_body(py: ::oxhpy::Ctx<'_>, #decl) -> ::oxhpy::PyResult<#ret> {
                #body
            }
            // SAFETY: the interpreter calls this with the live context of the call and the
            // arguments of its calling convention.
            unsafe { ::oxhpy::impl_::run(ctx, |py| __oxhpy_body(py, #(#names),*)) }
        }
    }
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

pub(crate) fn parse_sig_name(s: &LitStr) -> syn::Result<Sig> {
    Ok(match s.value().as_str() {
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
    })
}

impl Callable {
    /// Reads the signature; strips the `#[oxhpy(default = ...)]` parameter attributes. `methods`:
    /// the class, when a receiver (`&self`, `&mut self`, `slf: PyRef<'_, Self>`) may come first.
    pub(crate) fn parse(
        sig: &mut Signature,
        doc: Option<String>,
        py_name: Option<String>,
        sig_opt: Option<Sig>,
        methods: Option<&Type>,
    ) -> syn::Result<Self> {
        if !sig
            .generics
            .params
            .iter()
            .all(|g| matches!(g, syn::GenericParam::Lifetime(_)))
        {
            return Err(Error::new(
                sig.generics.span(),
                "oxhpy functions do not support type parameters",
            ));
        }
        if sig.asyncness.is_some() {
            return Err(Error::new(sig.span(), "oxhpy functions cannot be async"));
        }
        if let Some(u) = &sig.unsafety {
            return Err(Error::new(
                u.span(),
                "oxhpy functions cannot be `unsafe fn`: Python calls them without any contract; \
                 make the function safe and use `unsafe` blocks inside",
            ));
        }
        let ident = sig.ident.clone();
        let py_name =
            py_name.unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned());
        let mut recv = Recv::None;
        let mut recv_span = sig.ident.span();
        let mut recv_lifetime = None;
        let mut takes_ctx = false;
        let mut params = Vec::new();
        for (i, arg) in sig.inputs.iter_mut().enumerate() {
            let pt = match arg {
                FnArg::Receiver(r) if methods.is_some() && i == 0 => {
                    if r.reference.is_none() {
                        return Err(Error::new(r.span(), RECEIVERS));
                    }
                    recv = if r.mutability.is_some() {
                        Recv::Mut
                    } else {
                        Recv::Ref
                    };
                    recv_span = r.span();
                    continue;
                }
                FnArg::Receiver(r) => {
                    return Err(Error::new(
                        r.span(),
                        "#[oxhpy::function] functions take no `self`",
                    ))
                }
                FnArg::Typed(pt) => pt,
            };
            if let (Some(owner), 0, Pat::Ident(_)) = (methods, i, &*pt.pat) {
                if let Some((r, lifetime)) = slf_receiver(&pt.ty, owner) {
                    recv = r;
                    recv_span = pt.ty.span();
                    recv_lifetime = lifetime;
                    continue;
                }
            }
            let first = i == 0 || (i == 1 && recv != Recv::None);
            if first && matches!(last_ident(&pt.ty), Some(id) if id == "Ctx") {
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
        let sig_kind = sig_opt.unwrap_or(if params.is_empty() {
            Sig::NoArgs
        } else {
            Sig::Keywords
        });
        match sig_kind {
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
        Ok(Callable {
            ident,
            py_name,
            sig: sig_kind,
            recv,
            recv_span,
            recv_lifetime,
            params,
            takes_ctx,
            returns_result: returns_result(&sig.output),
            doc,
            tp_call: false,
            qualname: None,
        })
    }

    /// `name(a, b=1)\n--\n\n` + doc: CPython turns this into `__text_signature__` for `inspect`.
    pub(crate) fn text_signature(&self, with_self: bool) -> String {
        let mut parts: Vec<String> = self
            .params
            .iter()
            .map(|p| match (&p.default, p.optional) {
                (Some(Expr::Lit(l)), _) => format!("{}={}", p.py_name, quote!(#l)),
                (Some(_), _) => format!("{}=...", p.py_name),
                (None, true) => format!("{}=None", p.py_name),
                (None, false) => p.py_name.clone(),
            })
            .collect();
        if with_self {
            parts.insert(0, "$self".into());
        }
        if matches!(self.sig, Sig::O | Sig::VarArgs) && !self.params.is_empty() {
            parts.push("/".into());
        }
        format!(
            "{}({})\n--\n\n{}",
            self.py_name,
            parts.join(", "),
            self.doc.clone().unwrap_or_default()
        )
    }

    /// The Rust name of parameter `i`.
    pub(crate) fn param_ident(&self, i: usize) -> &Ident {
        &self.params[i].name
    }

    fn spec(&self) -> TokenStream {
        let p = quote!(::oxhpy::impl_);
        let py_name = self.qualname.as_ref().unwrap_or(&self.py_name);
        let py_names = self.params.iter().map(|p| &p.py_name);
        let required = self
            .params
            .iter()
            .map(|p| p.default.is_none() && !p.optional);
        quote! {
            const SPEC: #p::ArgSpec = #p::ArgSpec { name: #py_name, params: &[#(#py_names),*], required: &[#(#required),*] };
        }
    }

    /// `let name: Ty = ...;` from an `Option<Borrowed>` slot, applying the default if missing.
    pub(crate) fn convert(&self, i: usize, slot: TokenStream) -> TokenStream {
        let Param {
            name,
            py_name,
            ty,
            default,
            optional,
        } = &self.params[i];
        let missing = match (default, optional) {
            (Some(d), _) => quote!(#d),
            (None, true) => quote!(::core::option::Option::None),
            (None, false) => quote!(::core::unreachable!()),
        };
        let ty = erase_lifetimes(quote!(#ty));
        quote! {
            let #name: #ty = match #slot {
                ::core::option::Option::Some(obj) => ::oxhpy::impl_::extract_arg(obj, #py_name)?,
                ::core::option::Option::None => #missing,
            };
        }
    }

    /// Conversions from the first `nargs` entries of a positional `args` array (VARARGS-style).
    fn positional_conversions(&self) -> TokenStream {
        let scope = arg_scope();
        let convs = (0..self.params.len()).map(|i| {
            self.convert(
                i,
                quote!(if #i < nargs {
                    // SAFETY: i < nargs positional handles, live for the call.
                    ::core::option::Option::Some(unsafe { #scope.arg(*args.add(#i)) })
                } else {
                    ::core::option::Option::None
                }),
            )
        });
        quote!(#(#convs)*)
    }

    /// Statements that convert all arguments, for calling convention `self.sig` (or `tp_new`,
    /// whose `VectorArgs` named `va` is made outside the argument scope, which it outlives).
    fn conversions(&self, new: bool) -> TokenStream {
        let n = self.params.len();
        let spec = self.spec();
        let scope = arg_scope();
        if new {
            let convs = (0..n).map(|i| self.convert(i, quote!(slots[#i])));
            return quote! {
                #spec
                let slots: [::core::option::Option<::oxhpy::Borrowed<'_, '_>>; #n] =
                    // SAFETY: `va` owns or borrows every handle the slots point to, and outlives
                    // the argument scope.
                    unsafe { SPEC.parse(#scope, va.args(), va.nargs(), va.kwnames())? };
                #(#convs)*
            };
        }
        if self.tp_call && self.sig != Sig::Keywords {
            // Positional-only `__call__` behind the KEYWORDS-shaped tp_call.
            let convs = self.positional_conversions();
            let name = self.qualname.as_ref().unwrap_or(&self.py_name);
            return quote! {
                #spec
                let nargs = nargs & !::oxhpy::impl_::ffi::PY_VECTORCALL_ARGUMENTS_OFFSET;
                if !::oxhpy::impl_::ffi::HPy_IsNull(kwnames) && ::oxhpy::Object::len(
                    // SAFETY: kwnames is a live tuple (not NULL, checked just before).
                    &unsafe { #scope.arg(kwnames) },
                )? > 0
                {
                    return ::core::result::Result::Err(::oxhpy::PyErr::type_error(concat!(#name, "() takes no keyword arguments")));
                }
                SPEC.check_count(nargs)?;
                #convs
            };
        }
        match self.sig {
            Sig::NoArgs => quote!(),
            Sig::O => self.convert(
                0,
                // SAFETY: the argument handle is live for the call.
                quote!(::core::option::Option::Some(unsafe { #scope.arg(arg) })),
            ),
            Sig::VarArgs => {
                let convs = self.positional_conversions();
                quote! { #spec SPEC.check_count(nargs)?; #convs }
            }
            Sig::Keywords => {
                let convs = (0..n).map(|i| self.convert(i, quote!(slots[#i])));
                quote! {
                    #spec
                    let slots: [::core::option::Option<::oxhpy::Borrowed<'_, '_>>; #n] =
                        // SAFETY: the interpreter passes nargs + len(kwnames) live handles.
                        unsafe { SPEC.parse(#scope, args, nargs, kwnames)? };
                    #(#convs)*
                }
            }
        }
    }

    /// Borrows the receiver `_self` into [`recv_local`] for the argument scope, and the argument
    /// the method gets for it: `&*receiver`, `&mut *receiver` or `receiver` itself.
    pub(crate) fn borrow_recv(&self, owner: &Type) -> (TokenStream, TokenStream) {
        let scope = arg_scope();
        let r = recv_local();
        // The borrow's lifetime is the scope's: a `'static` one (kept with the user's span, where
        // the error points) does not compile.
        let lt = match &self.recv_lifetime {
            Some(l) if l.ident == "static" => quote!(#l),
            _ => quote!('_),
        };
        // The method's name spanned at the receiver: a frozen class's `&mut self` errors there.
        let (method, ty, mutability) = if self.recv.mutable() {
            (
                Ident::new("borrow_self_mut", self.recv_span),
                quote_spanned!(self.recv_span=> ::oxhpy::PyRefMut<#lt, #owner>),
                quote!(mut),
            )
        } else {
            (
                Ident::new("borrow_self", Span::call_site()),
                quote_spanned!(self.recv_span=> ::oxhpy::PyRef<#lt, #owner>),
                quote!(),
            )
        };
        let borrow = quote! {
            // SAFETY: `_self` is the live receiver of a method of this class.
            let #r = unsafe { #scope.#method(_self) };
            let #mutability #r: #ty = #r?;
        };
        let arg = match self.recv {
            Recv::Ref => quote!(&*#r),
            Recv::Mut => quote!(&mut *#r),
            _ => quote!(#r),
        };
        (borrow, arg)
    }

    /// The call of the Rust function with converted arguments (and its receiver), as `ret`.
    fn call(&self, owner: Option<&Type>) -> TokenStream {
        let ident = &self.ident;
        let names = self.params.iter().map(|p| &p.name);
        let ctx = if self.takes_ctx {
            quote!(py,)
        } else {
            quote!()
        };
        let (borrow, target, recv) = match (owner, self.recv) {
            (None, _) => (quote!(), quote!(#ident), quote!()),
            (Some(t), Recv::None) => (quote!(), quote!(<#t>::#ident), quote!()),
            (Some(t), _) => {
                let (borrow, arg) = self.borrow_recv(t);
                (borrow, quote!(<#t>::#ident), quote!(#arg,))
            }
        };
        let call = quote!(#target(#recv #ctx #(#names),*));
        if self.returns_result {
            quote! { #borrow let ret = #call.map_err(::core::convert::Into::<::oxhpy::PyErr>::into)?; }
        } else {
            quote! { #borrow let ret = #call; }
        }
    }

    /// Impl function `impl_fn` and its marker type `entry` for a method, function or `__call__`.
    pub(crate) fn gen_meth(
        &self,
        owner: Option<&Type>,
        impl_fn: &Ident,
        entry: &Ident,
        vis: &TokenStream,
    ) -> TokenStream {
        let p = quote!(::oxhpy::impl_);
        let ffi = quote!(::oxhpy::impl_::ffi);
        let convs = self.conversions(false);
        let call = self.call(owner);
        let body = with_args(quote! {
            #convs
            #call
            ::oxhpy::IntoPy::into_py(ret, py).map(::oxhpy::Handle::into_raw)
        });
        let sig = if self.tp_call {
            Sig::Keywords
        } else {
            self.sig
        };
        let hpy = quote!(#ffi::HPy);
        let args = quote!(*const #ffi::HPy);
        let (params, impl_ty) = match sig {
            Sig::NoArgs => (vec![("_self", hpy.clone())], quote!(#p::NoargsImpl)),
            Sig::O => (
                vec![("_self", hpy.clone()), ("arg", hpy.clone())],
                quote!(#p::OImpl),
            ),
            Sig::VarArgs => (
                vec![
                    ("_self", hpy.clone()),
                    ("args", args),
                    ("nargs", quote!(usize)),
                ],
                quote!(#p::VarargsImpl),
            ),
            Sig::Keywords => (
                vec![
                    ("_self", hpy.clone()),
                    ("args", args),
                    ("nargs", quote!(usize)),
                    ("kwnames", hpy.clone()),
                ],
                quote!(#p::KeywordsImpl),
            ),
        };
        let impl_fn_def = gen_impl_fn(impl_fn, &params, hpy, body);
        quote! {
            #[doc(hidden)]
            #[allow(non_camel_case_types)]
            #vis struct #entry;

            #impl_fn_def

            // SAFETY: IMPL is the impl of the convention of the trampoline used with this entry.
            unsafe impl #p::Entry for #entry {
                const IMPL: #ffi::HPyCFunction = unsafe { ::oxhpy::impl_::cfunc!(#impl_fn as #impl_ty, #impl_ty) };
            }
        }
    }

    /// The CPython trampoline and signature constant for `self.sig`.
    pub(crate) fn cpy_and_sig(&self, entry: &Ident) -> (TokenStream, TokenStream) {
        let p = quote!(::oxhpy::impl_);
        let ffi = quote!(::oxhpy::impl_::ffi);
        let sig = if self.tp_call {
            Sig::Keywords
        } else {
            self.sig
        };
        match sig {
            Sig::NoArgs => (
                quote!(#p::cpy_noargs::<#entry>),
                quote!(#ffi::HPyFunc_NOARGS),
            ),
            Sig::O => (quote!(#p::cpy_o::<#entry>), quote!(#ffi::HPyFunc_O)),
            Sig::VarArgs => (
                quote!(#p::cpy_varargs::<#entry>),
                quote!(#ffi::HPyFunc_VARARGS),
            ),
            Sig::Keywords => (
                quote!(#p::cpy_keywords::<#entry>),
                quote!(#ffi::HPyFunc_KEYWORDS),
            ),
        }
    }

    /// `tp_new`: converts the arguments, calls the constructor, moves the value into a new object.
    pub(crate) fn gen_new(&self, owner: &Type, impl_fn: &Ident, entry: &Ident) -> TokenStream {
        let p = quote!(::oxhpy::impl_);
        let ffi = quote!(::oxhpy::impl_::ffi);
        let convs = self.conversions(true);
        let call = self.call(Some(owner));
        let scope = arg_scope();
        let hpy = quote!(#ffi::HPy);
        let params = [
            ("ty", hpy.clone()),
            ("args", quote!(*const #ffi::HPy)),
            ("nargs", quote!(#ffi::HPy_ssize_t)),
            ("kw", hpy.clone()),
        ];
        let impl_fn_def = gen_impl_fn(
            impl_fn,
            &params,
            hpy,
            quote! {
                // SAFETY: tp_new gets nargs live handles and a keyword dict (or NULL).
                let va = unsafe { #p::VectorArgs::from_dict(py, args, nargs as usize, kw)? };
                let value: #owner = ::oxhpy::impl_::with_args(py, |#scope| {
                    #convs
                    #call
                    ::oxhpy::PyResult::Ok(ret)
                })?;
                // SAFETY: `ty` is the live type that tp_new received: this class's or a subtype.
                unsafe { #p::instantiate::<#owner>(py, ty, value) }.map(::oxhpy::Handle::into_raw)
            },
        );
        quote! {
            #[doc(hidden)]
            #[allow(non_camel_case_types)]
            struct #entry;

            #impl_fn_def

            // SAFETY: IMPL is an `HPyFunc_NEWFUNC` impl, as `cpy_new` expects.
            unsafe impl #p::Entry for #entry {
                const IMPL: #ffi::HPyCFunction = unsafe { ::oxhpy::impl_::cfunc!(#impl_fn as #p::NewImpl, #p::NewImpl) };
            }
        }
    }
}

/// What a method may take as its receiver.
pub(crate) const RECEIVERS: &str =
    "methods take `&self`, `&mut self`, `slf: PyRef<'_, Self>` or `slf: PyRefMut<'_, Self>`";

/// `Some(c"...")` for a docstring.
pub(crate) fn c_str(s: &str) -> TokenStream {
    let lit = syn::LitCStr::new(
        &std::ffi::CString::new(s).unwrap_or_default(),
        Span::call_site(),
    );
    quote!(#lit)
}

pub fn expand(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut func: ItemFn = syn::parse2(item)?;
    let mut py_name: Option<String> = None;
    let mut sig_opt: Option<Sig> = None;
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("name") {
            py_name = Some(meta.value()?.parse::<LitStr>()?.value());
        } else if meta.path.is_ident("sig") {
            sig_opt = Some(parse_sig_name(&meta.value()?.parse()?)?);
        } else {
            return Err(meta.error("expected `name = \"...\"` or `sig = \"...\"`"));
        }
        Ok(())
    });
    syn::parse::Parser::parse2(parser, attr)?;
    let doc = crate::doc_string(&func.attrs);
    let c = Callable::parse(&mut func.sig, doc, py_name, sig_opt, None)?;
    let ident = &c.ident;
    let impl_fn = format_ident!("__oxhpy_impl_{}", ident);
    let entry = format_ident!("__oxhpy_entry_{}", ident);
    let def = format_ident!("__oxhpy_def_{}", ident);
    let vis = &func.vis;
    let glue = c.gen_meth(None, &impl_fn, &entry, &quote!(#vis));
    let (cpy, sig_const) = c.cpy_and_sig(&entry);
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
    })
}
