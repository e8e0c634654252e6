//! Code generation shared by functions, methods and slots: the HPy calling conventions (one
//! table: impl parameters, impl type, CPython trampoline), the impl/entry pair every definition
//! needs, and a `Callable`'s argument conversion and call.
use crate::model::{Callable, Param, ParamKind, Recv, Sig};
use crate::utils::erase_lifetimes;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::{Ident, Type};

/// A C type of an impl's parameter or result.
#[derive(Clone, Copy)]
pub(crate) enum CType {
    /// `HPy`
    HPy,
    /// `*const HPy` (an argument array)
    Args,
    /// `usize`
    Usize,
    /// `HPy_ssize_t`
    Ssize,
    /// `c_int`: a truth value (`1`, `0`) or `-1`
    Int,
    /// `c_int`: `0` for success or `-1` (the method returns `()`)
    Status,
    /// `*mut c_void` (a getset closure)
    Closure,
    /// `HPy_hash_t`
    Hash,
    /// `HPy_RichCmpOp`
    Op,
}

impl CType {
    pub(crate) fn tokens(self) -> TokenStream {
        let ffi = quote!(::oxhpy::impl_::ffi);
        match self {
            CType::HPy => quote!(#ffi::HPy),
            CType::Args => quote!(*const #ffi::HPy),
            CType::Usize => quote!(usize),
            CType::Ssize => quote!(#ffi::HPy_ssize_t),
            CType::Int | CType::Status => quote!(::core::ffi::c_int),
            CType::Closure => quote!(*mut ::core::ffi::c_void),
            CType::Hash => quote!(#ffi::HPy_hash_t),
            CType::Op => quote!(#ffi::HPy_RichCmpOp),
        }
    }
}

/// An HPy calling convention, as the generated code sees it. Each names items of
/// `oxhpy::impl_` that `src/trampoline.rs` generates from its own table, one row per convention.
pub(crate) struct Convention {
    /// The `HPyFunc_Signature` constant (for `HPyDef_Kind_Meth`).
    pub hpyfunc: &'static str,
    /// The impl's function pointer type in `oxhpy::impl_`.
    pub impl_ty: &'static str,
    /// The CPython trampoline in `oxhpy::impl_`, generic over the `Entry`.
    pub cpy: &'static str,
    /// The impl's parameters after the context, as (name, type).
    pub params: &'static [(&'static str, CType)],
    pub ret: CType,
}

use CType::*;

pub(crate) const NOARGS: Convention = Convention {
    hpyfunc: "HPyFunc_NOARGS",
    impl_ty: "NoargsImpl",
    cpy: "cpy_noargs",
    params: &[("_self", HPy)],
    ret: HPy,
};
pub(crate) const O: Convention = Convention {
    hpyfunc: "HPyFunc_O",
    impl_ty: "OImpl",
    cpy: "cpy_o",
    params: &[("_self", HPy), ("arg", HPy)],
    ret: HPy,
};
pub(crate) const VARARGS: Convention = Convention {
    hpyfunc: "HPyFunc_VARARGS",
    impl_ty: "VarargsImpl",
    cpy: "cpy_varargs",
    params: &[("_self", HPy), ("args", Args), ("nargs", Usize)],
    ret: HPy,
};
pub(crate) const KEYWORDS: Convention = Convention {
    hpyfunc: "HPyFunc_KEYWORDS",
    impl_ty: "KeywordsImpl",
    cpy: "cpy_keywords",
    params: &[
        ("_self", HPy),
        ("args", Args),
        ("nargs", Usize),
        ("kwnames", HPy),
    ],
    ret: HPy,
};
pub(crate) const REPRFUNC: Convention = Convention {
    hpyfunc: "HPyFunc_REPRFUNC",
    impl_ty: "ReprImpl",
    cpy: "cpy_repr",
    params: &[("_self", HPy)],
    ret: HPy,
};
pub(crate) const NEWFUNC: Convention = Convention {
    hpyfunc: "HPyFunc_NEWFUNC",
    impl_ty: "NewImpl",
    cpy: "cpy_new",
    params: &[("ty", HPy), ("args", Args), ("nargs", Ssize), ("kw", HPy)],
    ret: HPy,
};
/// `tp_init` (`__init__`): arguments as `tp_new` gets them, `0` or `-1`.
pub(crate) const INITPROC: Convention = Convention {
    hpyfunc: "HPyFunc_INITPROC",
    impl_ty: "InitImpl",
    cpy: "cpy_initproc",
    params: &[
        ("_self", HPy),
        ("args", Args),
        ("nargs", Ssize),
        ("kw", HPy),
    ],
    ret: Status,
};
pub(crate) const GETTER: Convention = Convention {
    hpyfunc: "HPyFunc_GETTER",
    impl_ty: "GetterImpl",
    cpy: "cpy_getter",
    params: &[("_self", HPy), ("_closure", Closure)],
    ret: HPy,
};
pub(crate) const SETTER: Convention = Convention {
    hpyfunc: "HPyFunc_SETTER",
    impl_ty: "SetterImpl",
    cpy: "cpy_setter",
    params: &[("_self", HPy), ("value", HPy), ("_closure", Closure)],
    ret: Int,
};
pub(crate) const INQUIRY: Convention = Convention {
    hpyfunc: "HPyFunc_INQUIRY",
    impl_ty: "InquiryImpl",
    cpy: "cpy_inquiry",
    params: &[("module", HPy)],
    ret: Int,
};

pub(crate) const LENFUNC: Convention = Convention {
    hpyfunc: "HPyFunc_LENFUNC",
    impl_ty: "LenImpl",
    cpy: "cpy_lenfunc",
    params: &[("_self", HPy)],
    ret: Ssize,
};
pub(crate) const HASHFUNC: Convention = Convention {
    hpyfunc: "HPyFunc_HASHFUNC",
    impl_ty: "HashImpl",
    cpy: "cpy_hashfunc",
    params: &[("_self", HPy)],
    ret: Hash,
};
/// `HPyFunc_INQUIRY` on an instance (`__bool__`).
pub(crate) const NB_BOOL: Convention = Convention {
    hpyfunc: "HPyFunc_INQUIRY",
    impl_ty: "InquiryImpl",
    cpy: "cpy_inquiry",
    params: &[("_self", HPy)],
    ret: Int,
};
pub(crate) const BINARYFUNC: Convention = Convention {
    hpyfunc: "HPyFunc_BINARYFUNC",
    impl_ty: "BinaryImpl",
    cpy: "cpy_binaryfunc",
    params: &[("_self", HPy), ("arg", HPy)],
    ret: HPy,
};
pub(crate) const OBJOBJPROC: Convention = Convention {
    hpyfunc: "HPyFunc_OBJOBJPROC",
    impl_ty: "ObjObjImpl",
    cpy: "cpy_objobjproc",
    params: &[("_self", HPy), ("arg", HPy)],
    ret: Int,
};
/// The unary operators and conversions (`__neg__`, `__int__`, ...).
pub(crate) const UNARYFUNC: Convention = Convention {
    hpyfunc: "HPyFunc_UNARYFUNC",
    impl_ty: "UnaryImpl",
    cpy: "cpy_unaryfunc",
    params: &[("_self", HPy)],
    ret: HPy,
};
/// `nb_power` and `nb_inplace_power`: the operands and the modulo (`None` for `**`).
pub(crate) const TERNARYFUNC: Convention = Convention {
    hpyfunc: "HPyFunc_TERNARYFUNC",
    impl_ty: "TernaryImpl",
    cpy: "cpy_ternaryfunc",
    params: &[("_self", HPy), ("arg", HPy), ("arg2", HPy)],
    ret: HPy,
};
/// `mp_ass_subscript` (`__setitem__`, `__delitem__`): `value` is NULL to delete.
pub(crate) const OBJOBJARGPROC: Convention = Convention {
    hpyfunc: "HPyFunc_OBJOBJARGPROC",
    impl_ty: "ObjObjArgImpl",
    cpy: "cpy_objobjargproc",
    params: &[("_self", HPy), ("key", HPy), ("value", HPy)],
    ret: Status,
};
pub(crate) const RICHCMPFUNC: Convention = Convention {
    hpyfunc: "HPyFunc_RICHCMPFUNC",
    impl_ty: "RichCmpImpl",
    cpy: "cpy_richcmp",
    params: &[("_self", HPy), ("arg", HPy), ("op", Op)],
    ret: HPy,
};

impl Sig {
    /// The calling convention of a function or method with this `sig`.
    pub(crate) fn convention(self) -> &'static Convention {
        match self {
            Sig::NoArgs => &NOARGS,
            Sig::O => &O,
            Sig::VarArgs => &VARARGS,
            Sig::Keywords => &KEYWORDS,
        }
    }
}

impl Convention {
    /// The impl's result from the Rust method's `ret`, by the convention's result type: an
    /// object (`IntoPy`), a truth value, a length or a hash.
    pub(crate) fn result(&self) -> TokenStream {
        match self.ret {
            CType::Int => quote!(::oxhpy::impl_::truth(ret)),
            CType::Status => quote!(::oxhpy::impl_::done(ret)),
            CType::Ssize => quote!(::oxhpy::impl_::length(ret)),
            CType::Hash => quote!(::oxhpy::impl_::hash_value(ret)),
            _ => quote!(::oxhpy::IntoPy::into_py(ret, py).map(::oxhpy::Handle::into_raw)),
        }
    }

    /// `::oxhpy::impl_::NoargsImpl`, ...
    pub(crate) fn impl_ty(&self) -> TokenStream {
        let t = format_ident!("{}", self.impl_ty);
        quote!(::oxhpy::impl_::#t)
    }

    /// `::oxhpy::impl_::cpy_noargs::<entry>`, ...
    pub(crate) fn cpy(&self, entry: &TokenStream) -> TokenStream {
        let t = format_ident!("{}", self.cpy);
        quote!(::oxhpy::impl_::#t::<#entry>)
    }

    /// `::oxhpy::impl_::ffi::HPyFunc_NOARGS`, ...
    pub(crate) fn hpyfunc(&self) -> TokenStream {
        let t = format_ident!("{}", self.hpyfunc);
        quote!(::oxhpy::impl_::ffi::#t)
    }

    /// The impl `name` of this convention, running `body` (see [`gen_impl_fn`]).
    pub(crate) fn impl_fn(&self, name: &Ident, body: TokenStream) -> TokenStream {
        let params: Vec<(&str, TokenStream)> =
            self.params.iter().map(|(n, t)| (*n, t.tokens())).collect();
        gen_impl_fn(name, &params, self.ret.tokens(), body)
    }

    /// The marker type `entry`, the impl `impl_fn` running `body`, and the `Entry` impl that
    /// connects them (what `cpy::<entry>` forwards to).
    pub(crate) fn entry(
        &self,
        vis: &TokenStream,
        entry: &Ident,
        impl_fn: &Ident,
        body: TokenStream,
    ) -> TokenStream {
        let p = quote!(::oxhpy::impl_);
        let ffi = quote!(::oxhpy::impl_::ffi);
        let impl_ty = self.impl_ty();
        let impl_fn_def = self.impl_fn(impl_fn, body);
        quote! {
            #[doc(hidden)]
            #[allow(non_camel_case_types)]
            #vis struct #entry;

            #impl_fn_def

            // SAFETY: IMPL is an impl of this convention (`impl_ty`): the trampoline `cpy` of the
            // convention, instantiated with this entry, forwards to it.
            unsafe impl #p::Entry for #entry {
                // SAFETY: `impl_fn` has the function pointer type `impl_ty`.
                const IMPL: #ffi::HPyCFunction = unsafe { ::oxhpy::impl_::cfunc!(#impl_fn as #impl_ty, #impl_ty) };
            }
        }
    }
}

/// The local that holds the receiver's borrow (mixed-site: no parameter can shadow it).
fn recv_local() -> Ident {
    Ident::new("receiver", Span::mixed_site())
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

impl Callable {
    /// The static `ArgSpec` named `SPEC`: names, required flags and kinds, for parsing and errors.
    fn spec(&self) -> TokenStream {
        let p = quote!(::oxhpy::impl_);
        let py_name = self.qualname.as_ref().unwrap_or(&self.py_name);
        let named = || self.params.iter().filter(|p| p.named());
        let py_names = named().map(|p| &p.py_name);
        let required = named().map(|p| !p.has_default());
        let posonly = named().filter(|p| p.kind == ParamKind::PosOnly).count();
        let positional = named().filter(|p| p.positional()).count();
        let varargs = self.var_param(ParamKind::VarArgs).is_some();
        let varkw = self.var_param(ParamKind::VarKw).is_some();
        let self_arg = self.recv != Recv::None || self.cls_arg;
        quote! {
            const SPEC: #p::ArgSpec = #p::ArgSpec {
                name: #py_name, params: &[#(#py_names),*], required: &[#(#required),*],
                posonly: #posonly, positional: #positional, varargs: #varargs, varkw: #varkw,
                self_arg: #self_arg,
            };
        }
    }

    /// The `*args` (`VarArgs`) or `**kwargs` (`VarKw`) parameter, if any.
    fn var_param(&self, kind: ParamKind) -> Option<&Param> {
        self.params.iter().find(|p| p.kind == kind)
    }

    /// Parses a vectorcall-style call (`args`, `nargs`, `kwnames`: expressions of the generated
    /// code, whose handles the caller guarantees live for the argument scope: see the callers)
    /// with `SPEC`, then converts every parameter: the named ones from their slots, `*args` and
    /// `**kwargs` from the tuple and dict of the extra arguments.
    fn parsed_conversions(
        &self,
        args: TokenStream,
        nargs: TokenStream,
        kwnames: TokenStream,
    ) -> TokenStream {
        let scope = arg_scope();
        // Mixed-site: no parameter (`slots`, `args`, ...) can shadow them.
        let slots = Ident::new("slots", Span::mixed_site());
        let extra = [
            Ident::new("extra_args", Span::mixed_site()),
            Ident::new("extra_kwargs", Span::mixed_site()),
        ];
        let n = self.params.iter().filter(|p| p.named()).count();
        let slots_ty = quote!([::core::option::Option<::oxhpy::Borrowed<'_, '_>>; #n]);
        let mut convs = Vec::new();
        let mut slot = 0usize;
        for (i, p) in self.params.iter().enumerate() {
            convs.push(match p.kind {
                ParamKind::VarArgs => self.convert_extra(i, &extra[0]),
                ParamKind::VarKw => self.convert_extra(i, &extra[1]),
                _ => {
                    slot += 1;
                    let s = slot - 1;
                    self.convert(i, quote!(#slots[#s]))
                }
            });
        }
        let var = [ParamKind::VarArgs, ParamKind::VarKw].map(|k| self.var_param(k));
        if var.iter().all(Option::is_none) {
            return quote! {
                let #slots: #slots_ty =
                    // SAFETY: per the caller (see above).
                    unsafe { SPEC.parse(#scope, #args, #nargs, #kwnames)? };
                #(#convs)*
            };
        }
        // The tuple or dict is made even when empty unless the parameter is an `Option`.
        let [always_args, always_kw] = var.map(|p| p.is_some_and(|p| !p.optional));
        let [extra_args, extra_kwargs] = &extra;
        quote! {
            let (#slots, #extra_args, #extra_kwargs): (#slots_ty, _, _) =
                // SAFETY: per the caller (see above).
                unsafe { SPEC.parse_var(#scope, #args, #nargs, #kwnames, #always_args, #always_kw)? };
            #(#convs)*
        }
    }

    /// `let name: Ty = ...;` for `*args` or `**kwargs`, from the `Option<Handle>` local `extra`
    /// (`None` only for an `Option` parameter: no extra arguments).
    fn convert_extra(&self, i: usize, extra: &Ident) -> TokenStream {
        let param = &self.params[i];
        let Param {
            name, ty, optional, ..
        } = param;
        let ty = erase_lifetimes(quote!(#ty));
        let extract = param.extract(quote!(::oxhpy::Handle::borrow(obj)));
        let missing = if *optional {
            quote!(::core::option::Option::None)
        } else {
            quote!(::core::unreachable!())
        };
        quote! {
            let #name: #ty = match &#extra {
                ::core::option::Option::Some(obj) => #extract?,
                ::core::option::Option::None => #missing,
            };
        }
    }

    /// `let name: Ty = ...;` from an `Option<Borrowed>` slot, applying the default if missing.
    pub(crate) fn convert(&self, i: usize, slot: TokenStream) -> TokenStream {
        let param = &self.params[i];
        let Param {
            name,
            ty,
            default,
            optional,
            ..
        } = param;
        let extract = param.extract(quote!(obj));
        let missing = match (default, optional) {
            (Some(d), _) => quote!(#d),
            (None, true) => quote!(::core::option::Option::None),
            (None, false) => quote!(::core::unreachable!()),
        };
        let ty = erase_lifetimes(quote!(#ty));
        quote! {
            let #name: #ty = match #slot {
                ::core::option::Option::Some(obj) => #extract?,
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
    pub(crate) fn conversions(&self, new: bool) -> TokenStream {
        let spec = self.spec();
        let scope = arg_scope();
        if new {
            // SAFETY (of the generated parse): `va` owns or borrows every handle the slots point
            // to, and outlives the argument scope.
            let convs = self.parsed_conversions(
                quote!(va.args()),
                quote!(va.nargs()),
                quote!(va.kwnames()),
            );
            return quote! { #spec #convs };
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
                // SAFETY (of the generated parse): the interpreter passes nargs + len(kwnames)
                // live handles, open for the whole call.
                let convs = self.parsed_conversions(quote!(args), quote!(nargs), quote!(kwnames));
                quote! { #spec #convs }
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
    pub(crate) fn call(&self, owner: Option<&Type>) -> TokenStream {
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

    /// The calling convention of the impl: `self.sig`'s, KEYWORDS for `__call__` (HPy's tp_call).
    pub(crate) fn convention(&self) -> &'static Convention {
        if self.tp_call {
            &KEYWORDS
        } else {
            self.sig.convention()
        }
    }

    /// Impl function `impl_fn` and its marker type `entry` for a method, function or `__call__`,
    /// in calling convention `conv`: converts the arguments, calls, converts the result.
    pub(crate) fn gen_meth(
        &self,
        owner: Option<&Type>,
        conv: &Convention,
        impl_fn: &Ident,
        entry: &Ident,
        vis: &TokenStream,
    ) -> TokenStream {
        let convs = self.conversions(false);
        let call = self.call(owner);
        let result = conv.result();
        let body = with_args(quote! {
            #convs
            #call
            #result
        });
        conv.entry(vis, entry, impl_fn, body)
    }
}
