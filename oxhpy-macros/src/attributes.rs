//! Parsing of the macros' arguments: `#[oxhpy::function(...)]`, `#[oxhpy::class(...)]`, and the
//! attributes inside an `#[oxhpy::methods]` block or on a parameter (`#[new]`, `#[getter]`,
//! `#[setter]`, `#[staticmethod]`, `#[classmethod]`, `#[classattr]`, `#[oxhpy(name = ...,
//! sig = ..., signature = (...))]`, `#[oxhpy(default = ...)]`). Nothing here generates code: the
//! results feed the model (`model.rs`). (The options of a class's members, `#[oxhpy(get, set)]`,
//! are read by `pyclass.rs`, those of `#[oxhpy::exception]` by `exception.rs`.)
use crate::model::Sig;
use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::{spanned::Spanned, Attribute, Error, Expr, Ident, LitStr, Token};

/// An attribute that takes no arguments.
pub(crate) fn no_options(attr: &TokenStream, message: &str) -> syn::Result<()> {
    if attr.is_empty() {
        Ok(())
    } else {
        Err(Error::new(attr.span(), message))
    }
}

/// `sig = "noargs" | "o" | "varargs" | "keywords"`.
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

/// One entry of `signature = (...)`: a Python parameter list, as in a `def`.
pub(crate) enum SigItem {
    /// `name` or `name = default`
    Param(Ident, Option<Expr>),
    /// `/`: the parameters before it are positional-only.
    Slash(Span),
    /// `*`: the parameters after it are keyword-only.
    Star(Span),
    /// `*name`: the extra positional arguments (keyword-only parameters follow).
    VarArgs(Ident),
    /// `**name`: the extra keyword arguments.
    VarKw(Ident),
}

impl Parse for SigItem {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(Token![/]) {
            return Ok(SigItem::Slash(input.parse::<Token![/]>()?.span()));
        }
        if input.peek(Token![*]) {
            let star = input.parse::<Token![*]>()?;
            if input.peek(Token![*]) {
                input.parse::<Token![*]>()?;
                return Ok(SigItem::VarKw(input.parse()?));
            }
            if input.peek(Ident) {
                return Ok(SigItem::VarArgs(input.parse()?));
            }
            return Ok(SigItem::Star(star.span()));
        }
        let name: Ident = input.parse()?;
        let default = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse()?)
        } else {
            None
        };
        Ok(SigItem::Param(name, default))
    }
}

/// `signature = (a, /, b = 1, *args, c, **kwargs)`: the Python signature of a function.
pub(crate) struct PySignature {
    pub items: Vec<SigItem>,
    /// The parenthesized list's span (errors about the whole signature point there).
    pub span: Span,
}

impl Parse for PySignature {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let content;
        let paren = syn::parenthesized!(content in input);
        let items = content.parse_terminated(SigItem::parse, Token![,])?;
        Ok(PySignature {
            items: items.into_iter().collect(),
            span: paren.span.join(),
        })
    }
}

/// The options of a function or method: `name = "py_name"`, `sig = "..."`,
/// `signature = (...)`.
#[derive(Default)]
pub(crate) struct CallableOptions {
    pub name: Option<String>,
    pub sig: Option<Sig>,
    pub signature: Option<PySignature>,
}

impl CallableOptions {
    /// One `name = ...` or `sig = ...` of a `parse_nested_meta` / `meta::parser` list.
    fn parse_one(&mut self, meta: syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
        if meta.path.is_ident("name") {
            self.name = Some(meta.value()?.parse::<LitStr>()?.value());
        } else if meta.path.is_ident("sig") {
            self.sig = Some(parse_sig_name(&meta.value()?.parse()?)?);
        } else if meta.path.is_ident("signature") {
            self.signature = Some(meta.value()?.parse()?);
        } else {
            return Err(
                meta.error("expected `name = \"...\"`, `sig = \"...\"` or `signature = (...)`")
            );
        }
        Ok(())
    }

    /// The arguments of `#[oxhpy::function(...)]`.
    pub(crate) fn parse_function(attr: TokenStream) -> syn::Result<Self> {
        let mut options = CallableOptions::default();
        let parser = syn::meta::parser(|meta| options.parse_one(meta));
        syn::parse::Parser::parse2(parser, attr)?;
        Ok(options)
    }
}

/// The arguments of `#[oxhpy::class(...)]`: `name = "Py"`, `subclass`.
#[derive(Default)]
pub(crate) struct ClassOptions {
    pub name: Option<String>,
    pub subclass: bool,
    /// `extends = Base`: the class it derives from.
    pub extends: Option<syn::Path>,
}

impl ClassOptions {
    pub(crate) fn parse(attr: TokenStream) -> syn::Result<Self> {
        let mut options = ClassOptions::default();
        let parser = syn::meta::parser(|meta| {
            if meta.path.is_ident("name") {
                options.name = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.path.is_ident("subclass") {
                options.subclass = true;
            } else if meta.path.is_ident("extends") {
                options.extends = Some(meta.value()?.parse()?);
            } else {
                return Err(meta.error("expected `name = \"...\"`, `subclass` or `extends = Base`"));
            }
            Ok(())
        });
        syn::parse::Parser::parse2(parser, attr)?;
        Ok(options)
    }
}

/// What a method of an `#[oxhpy::methods]` block is marked as.
pub(crate) enum Marker {
    /// `#[new]`
    New,
    /// `#[getter]` or `#[getter("name")]`
    Getter(Option<String>),
    /// `#[setter]` or `#[setter("name")]`
    Setter(Option<String>),
    /// `#[staticmethod]`
    StaticMethod,
    /// `#[classmethod]`
    ClassMethod,
    /// `#[classattr]`
    ClassAttr,
}

/// The oxhpy attributes of a method, removed from it: its marker and options.
#[derive(Default)]
pub(crate) struct MethodAttrs {
    pub marker: Option<Marker>,
    pub options: CallableOptions,
}

impl MethodAttrs {
    /// Takes `#[new]`, `#[getter]`, `#[setter]` and `#[oxhpy(...)]` out of `attrs`.
    pub(crate) fn take(attrs: &mut Vec<Attribute>) -> syn::Result<Self> {
        let mut out = MethodAttrs::default();
        let mut kept = Vec::new();
        for a in attrs.drain(..) {
            let last = a
                .path()
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            match last.as_str() {
                "new" => out.marker = Some(Marker::New),
                "getter" | "setter" => {
                    let mut name = None;
                    if let syn::Meta::List(_) = &a.meta {
                        name = Some(a.parse_args::<LitStr>()?.value());
                    }
                    out.marker = Some(if last == "getter" {
                        Marker::Getter(name)
                    } else {
                        Marker::Setter(name)
                    });
                }
                "staticmethod" => out.marker = Some(Marker::StaticMethod),
                "classmethod" => out.marker = Some(Marker::ClassMethod),
                "classattr" => out.marker = Some(Marker::ClassAttr),
                "oxhpy" => a.parse_nested_meta(|meta| out.options.parse_one(meta))?,
                _ => kept.push(a),
            }
        }
        *attrs = kept;
        Ok(out)
    }
}

/// Takes `#[oxhpy(default = EXPR)]` out of a parameter's attributes.
pub(crate) fn take_param_default(attrs: &mut Vec<Attribute>) -> syn::Result<Option<Expr>> {
    let mut default = None;
    let mut kept = Vec::new();
    for a in attrs.drain(..) {
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
    *attrs = kept;
    Ok(default)
}
