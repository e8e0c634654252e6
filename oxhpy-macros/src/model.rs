//! The typed model of what the macros expose: a function or method (`Callable`: receiver,
//! parameters, calling convention, signature) and the kind of each item of an `#[oxhpy::methods]`
//! block (`MethodKind`, decided with the table of special methods in `slots.rs`). Built from the
//! parsed item and its attributes (`attributes.rs`); the code generators read it and nothing else.
use crate::attributes::{
    take_param_attrs, CallableOptions, Marker, MethodAttrs, PySignature, SigItem,
};
use crate::slots::{self, SlotDef};
use crate::utils::{last_ident, return_span, returns_result, returns_unit};
use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::{spanned::Spanned, Error, Expr, FnArg, Ident, Pat, Signature, Type};

/// The HPy calling convention of a function or method (`sig = "..."`).
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

/// What a method may take as its receiver.
pub(crate) const RECEIVERS: &str =
    "methods take `&self`, `&mut self`, `slf: PyRef<'_, Self>` or `slf: PyRefMut<'_, Self>`";

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

/// `tokens` with every `Self` replaced by `owner`'s tokens.
fn replace_self(tokens: TokenStream, owner: &Type) -> TokenStream {
    tokens
        .into_iter()
        .flat_map(|tt| match tt {
            TokenTree::Ident(id) if id == "Self" => quote!(#owner).into_iter().collect::<Vec<_>>(),
            TokenTree::Group(g) => {
                let mut replaced = Group::new(g.delimiter(), replace_self(g.stream(), owner));
                replaced.set_span(g.span());
                vec![TokenTree::Group(replaced)]
            }
            other => vec![other],
        })
        .collect()
}

/// How a parameter is passed, as `signature = (...)` says (positional or keyword without one).
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum ParamKind {
    /// Before `/`.
    PosOnly,
    PosOrKw,
    /// After `*` or `*args`.
    KwOnly,
    /// `*args`: the extra positional arguments, as a tuple.
    VarArgs,
    /// `**kwargs`: the extra keyword arguments, as a dict.
    VarKw,
}

/// A Python-visible parameter.
pub(crate) struct Param {
    pub name: Ident,
    pub py_name: String,
    pub ty: Type,
    pub default: Option<Expr>,
    /// `#[oxhpy(from_py_with = path)]`: converts the argument instead of `ty`'s `FromPy`.
    pub from_py_with: Option<syn::ExprPath>,
    pub optional: bool,
    pub kind: ParamKind,
}

impl Param {
    /// A named parameter (not `*args` or `**kwargs`): it has a slot in the parsed arguments.
    pub(crate) fn named(&self) -> bool {
        !matches!(self.kind, ParamKind::VarArgs | ParamKind::VarKw)
    }

    /// Can be passed by position.
    pub(crate) fn positional(&self) -> bool {
        matches!(self.kind, ParamKind::PosOnly | ParamKind::PosOrKw)
    }

    /// Has a value when the call leaves it out: a default, or `None` for an `Option`.
    pub(crate) fn has_default(&self) -> bool {
        self.default.is_some() || self.optional
    }

    /// The conversion of the argument `obj` (a `Borrowed`), a `PyResult` whose error names the
    /// parameter.
    pub(crate) fn extract(&self, obj: TokenStream) -> TokenStream {
        let py_name = &self.py_name;
        match &self.from_py_with {
            None => quote!(::oxhpy::impl_::extract_arg(#obj, #py_name)),
            Some(f) => {
                let ty = crate::utils::erase_lifetimes(self.ty.to_token_stream());
                quote_spanned!(f.span()=> ::oxhpy::impl_::extract_arg_with::<#ty>(#obj, #py_name, #f))
            }
        }
    }
}

/// Gives `params` the kinds and defaults of `signature = (...)`, which lists every one of them,
/// in the function's order, with `/`, `*`, `*args`, `**kwargs` as in a `def`.
fn apply_signature(params: &mut [Param], sig: PySignature) -> syn::Result<()> {
    let mut kind = ParamKind::PosOrKw;
    let mut slash = false;
    let mut star = false;
    // The span of a `*` that no keyword-only parameter has followed yet.
    let mut bare_star: Option<Span> = None;
    let mut after_kwargs: Option<Span> = None;
    let mut next = 0;
    let mut named_before = 0;
    for item in sig.items {
        let span = match &item {
            SigItem::Param(id, _) | SigItem::VarArgs(id) | SigItem::VarKw(id) => id.span(),
            SigItem::Slash(s) | SigItem::Star(s) => *s,
        };
        if after_kwargs.is_some() {
            return Err(Error::new(
                span,
                "`**kwargs` must be the last entry of the signature",
            ));
        }
        let (id, default, this) = match item {
            SigItem::Slash(_) => {
                if slash {
                    return Err(Error::new(span, "`/` may appear only once"));
                }
                if star {
                    return Err(Error::new(span, "`/` must come before `*` and `*args`"));
                }
                if named_before == 0 {
                    return Err(Error::new(
                        span,
                        "at least one parameter must come before `/`",
                    ));
                }
                slash = true;
                for p in &mut params[..next] {
                    p.kind = ParamKind::PosOnly;
                }
                continue;
            }
            SigItem::Star(_) => {
                if star {
                    return Err(Error::new(span, "`*` or `*args` may appear only once"));
                }
                star = true;
                bare_star = Some(span);
                kind = ParamKind::KwOnly;
                continue;
            }
            SigItem::VarArgs(id) => {
                if star {
                    return Err(Error::new(span, "`*` or `*args` may appear only once"));
                }
                star = true;
                kind = ParamKind::KwOnly;
                (id, None, ParamKind::VarArgs)
            }
            SigItem::VarKw(id) => {
                after_kwargs = Some(span);
                (id, None, ParamKind::VarKw)
            }
            SigItem::Param(id, default) => {
                named_before += 1;
                if kind == ParamKind::KwOnly {
                    bare_star = None;
                }
                (id, default, kind)
            }
        };
        if this == ParamKind::VarKw {
            if let Some(s) = bare_star {
                return Err(Error::new(s, "named parameters must follow bare `*`"));
            }
        }
        let name = id.to_string();
        let name = name.trim_start_matches("r#");
        let Some(p) = params.get_mut(next).filter(|p| p.py_name == name) else {
            let message = if params[..next].iter().any(|p| p.py_name == name) {
                format!("`{name}` is listed twice")
            } else if params[next..].iter().any(|p| p.py_name == name) {
                format!(
                    "`{name}` comes too early: the signature lists the parameters in the \
                     function's order (next: `{}`)",
                    params[next].py_name
                )
            } else {
                format!("the function has no parameter `{name}`")
            };
            return Err(Error::new(span, message));
        };
        if let Some(d) = default {
            if p.default.is_some() {
                return Err(Error::new(
                    span,
                    format!("`{name}` has a default both here and in `#[oxhpy(default = ...)]`"),
                ));
            }
            p.default = Some(d);
        }
        if this == ParamKind::VarArgs || this == ParamKind::VarKw {
            if let Some(d) = &p.default {
                return Err(Error::new(
                    d.span(),
                    "`*args` and `**kwargs` take no default",
                ));
            }
        }
        p.kind = this;
        next += 1;
    }
    if let Some(s) = bare_star {
        return Err(Error::new(s, "named parameters must follow bare `*`"));
    }
    if let Some(p) = params.get(next) {
        return Err(Error::new(
            sig.span,
            format!("the signature leaves out parameter `{}`", p.py_name),
        ));
    }
    Ok(())
}

/// An `Option` positional parameter defaults to `None` only when no required positional
/// parameter follows it (as in PyO3): before one, it is required (and accepts `None`), so that the
/// defaults come last, as Python wants them.
fn trailing_options(params: &mut [Param]) {
    let mut trailing = true;
    for p in params.iter_mut().rev().filter(|p| p.positional()) {
        if p.default.is_some() || (p.optional && trailing) {
            continue;
        }
        trailing = false;
        p.optional = false;
    }
}

/// A default value as Python writes it in a text signature: a literal (`true` is `True`, `1u8`
/// is `1`), `None`, a negated number; `...` for any other expression.
fn python_default(e: &Expr) -> String {
    match e {
        Expr::Lit(l) => match &l.lit {
            syn::Lit::Bool(b) => if b.value { "True" } else { "False" }.into(),
            syn::Lit::Int(i) => i.base10_digits().into(),
            syn::Lit::Float(f) => f.base10_digits().into(),
            syn::Lit::Str(_) | syn::Lit::ByteStr(_) | syn::Lit::Char(_) => quote!(#l).to_string(),
            _ => "...".into(),
        },
        Expr::Path(p) if p.path.is_ident("None") => "None".into(),
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) if matches!(&**expr, Expr::Lit(_)) => match python_default(expr).as_str() {
            "..." => "...".into(),
            v => format!("-{v}"),
        },
        Expr::Group(g) => python_default(&g.expr),
        Expr::Paren(p) => python_default(&p.expr),
        _ => "...".into(),
    }
}

/// Python's rule for positional parameters: once one has a default, all that follow have one.
fn check_default_order(params: &[Param]) -> syn::Result<()> {
    let mut with_default: Option<&Param> = None;
    for p in params.iter().filter(|p| p.positional()) {
        match with_default {
            Some(d) if !p.has_default() => {
                return Err(Error::new(
                    p.name.span(),
                    format!(
                        "parameter `{}` without a default follows parameter `{}` with a \
                         default: as in Python, give `{0}` a default, move it before `{1}`, or \
                         make it keyword-only (after `*` in `signature = (...)`)",
                        p.py_name, d.py_name
                    ),
                ));
            }
            None if p.has_default() => with_default = Some(p),
            _ => {}
        }
    }
    Ok(())
}

/// A Rust function exposed to Python: everything needed to generate its glue.
pub(crate) struct Callable {
    pub ident: Ident,
    /// The whole signature's span (where errors about its shape point).
    pub span: Span,
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
    /// Returns nothing: `()`, `PyResult<()>`, or no return type.
    pub returns_unit: bool,
    /// The return type's span (the name's without one).
    pub ret_span: Span,
    pub doc: Option<String>,
    /// `__call__`: the impl has the KEYWORDS shape whatever `sig` says (HPy's `tp_call`).
    pub tp_call: bool,
    /// The name error messages use (`Type.method`), when it differs from `py_name`.
    pub qualname: Option<String>,
    /// A `#[classmethod]`: its class counts among the positional arguments in error messages,
    /// as a `def`'s `cls` does (its receiver, `recv`, is none).
    pub cls_arg: bool,
}

impl Callable {
    /// Reads the signature; strips the `#[oxhpy(default = ...)]` parameter attributes. `methods`:
    /// the class, when a receiver (`&self`, `&mut self`, `slf: PyRef<'_, Self>`) may come first;
    /// `self_ty`: the class, for what `Self` means in a parameter's type.
    pub(crate) fn parse(
        sig: &mut Signature,
        doc: Option<String>,
        options: CallableOptions,
        methods: Option<&Type>,
        self_ty: Option<&Type>,
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
        let py_name = options
            .name
            .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned());
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
            let attrs = take_param_attrs(&mut pt.attrs)?;
            let optional = matches!(last_ident(&pt.ty), Some(id) if id == "Option");
            let name = pi.ident.clone();
            // The glue is generated outside the `impl` block: `Self` there is the owner.
            let ty = &*pt.ty;
            let ty = match self_ty {
                Some(owner) => syn::parse2(replace_self(quote!(#ty), owner))?,
                None => ty.clone(),
            };
            params.push(Param {
                py_name: name.to_string().trim_start_matches("r#").to_owned(),
                name,
                ty,
                default: attrs.default,
                from_py_with: attrs.from_py_with,
                optional,
                kind: ParamKind::PosOrKw,
            });
        }
        if let Some(signature) = options.signature {
            if matches!(options.sig, Some(s) if s != Sig::Keywords) {
                return Err(Error::new(
                    signature.span,
                    "`signature = (...)` needs the keywords calling convention: leave out `sig`",
                ));
            }
            apply_signature(&mut params, signature)?;
        }
        trailing_options(&mut params);
        check_default_order(&params)?;
        let sig_kind = options.sig.unwrap_or(if params.is_empty() {
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
            span: sig.span(),
            py_name,
            sig: sig_kind,
            recv,
            recv_span,
            recv_lifetime,
            params,
            takes_ctx,
            returns_result: returns_result(&sig.output),
            returns_unit: returns_unit(&sig.output),
            ret_span: return_span(sig),
            doc,
            tp_call: false,
            qualname: None,
            cls_arg: false,
        })
    }

    /// `name(a, b=1)\n--\n\n` + doc: CPython turns this into `__text_signature__` for `inspect`.
    /// A doc that starts with its own such header (`name(...)`, a `--` line, an empty line: what
    /// CPython looks for) is kept as written.
    pub(crate) fn text_signature(&self, with_self: bool) -> String {
        if let Some(doc) = &self.doc {
            let rest = doc.strip_prefix(&self.py_name).unwrap_or_default();
            if rest.starts_with('(') && rest.contains(")\n--\n\n") {
                return doc.clone();
            }
            if rest.starts_with('(') && rest.ends_with(")\n--") {
                return format!("{doc}\n\n");
            }
        }
        let mut parts: Vec<String> = Vec::new();
        for (i, p) in self.params.iter().enumerate() {
            if p.kind == ParamKind::KwOnly && (i == 0 || self.params[i - 1].positional()) {
                // The first keyword-only parameter, without `*args` before it.
                parts.push("*".into());
            }
            parts.push(match (p.kind, &p.default, p.optional) {
                (ParamKind::VarArgs, _, _) => format!("*{}", p.py_name),
                (ParamKind::VarKw, _, _) => format!("**{}", p.py_name),
                (_, Some(d), _) => format!("{}={}", p.py_name, python_default(d)),
                (_, None, true) => format!("{}=None", p.py_name),
                (_, None, false) => p.py_name.clone(),
            });
            if p.kind == ParamKind::PosOnly
                && self.params.get(i + 1).map(|n| n.kind) != Some(ParamKind::PosOnly)
            {
                parts.push("/".into());
            }
        }
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
}

/// What an item of an `#[oxhpy::methods]` block becomes.
pub(crate) enum MethodKind {
    /// `#[new]`: `tp_new`.
    New,
    /// An ordinary method.
    Method,
    /// A special method with a type slot (from the table in `slots.rs`).
    Slot(&'static SlotDef),
    /// `#[getter]` of the property named so.
    Getter(String),
    /// `#[setter]` of the property named so.
    Setter(String),
    /// `#[staticmethod]`: a method without `self`.
    StaticMethod,
    /// `#[classmethod]`: a method that takes the class first.
    ClassMethod,
    /// `#[classattr]`: a class attribute, the function's result.
    ClassAttr,
}

impl MethodKind {
    /// Decides the kind of method `fname` from its attributes; refuses a special method that has
    /// no slot (or a misspelt one), under its Rust or its Python name.
    pub(crate) fn classify(attrs: &MethodAttrs, fname: &str, span: Span) -> syn::Result<Self> {
        let kind = match &attrs.marker {
            Some(Marker::New) => return Ok(MethodKind::New),
            Some(Marker::Getter(name)) => MethodKind::Getter(name.clone().unwrap_or(fname.into())),
            Some(Marker::Setter(name)) => MethodKind::Setter(
                name.clone()
                    .unwrap_or_else(|| fname.trim_start_matches("set_").to_owned()),
            ),
            Some(Marker::StaticMethod) => MethodKind::StaticMethod,
            Some(Marker::ClassMethod) => MethodKind::ClassMethod,
            Some(Marker::ClassAttr) => MethodKind::ClassAttr,
            None => match slots::find(fname) {
                Some(slot) => return slots::check_supported(slot, span).map(MethodKind::Slot),
                None => MethodKind::Method,
            },
        };
        let python = match &kind {
            MethodKind::Getter(name) | MethodKind::Setter(name) => name.clone(),
            _ => attrs.options.name.clone().unwrap_or_else(|| fname.into()),
        };
        slots::check_not_special(span, fname, &python)?;
        Ok(kind)
    }
}
