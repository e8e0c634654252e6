//! Parsing of the macros' arguments: `#[oxhpy::function(...)]`, `#[oxhpy::class(...)]`, and the
//! attributes inside an `#[oxhpy::methods]` block or on a parameter (`#[new]`, `#[getter]`,
//! `#[setter]`, `#[staticmethod]`, `#[classmethod]`, `#[classattr]`, `#[oxhpy(name = ...,
//! sig = ...)]`, `#[oxhpy(default = ...)]`). Nothing here generates code: the results feed the model
//! (`model.rs`). (The options of a class's members, `#[oxhpy(get, set)]`, are read by `pyclass.rs`,
//! those of `#[oxhpy::exception]` by `exception.rs`.)
use crate::model::Sig;
use proc_macro2::TokenStream;
use syn::{spanned::Spanned, Attribute, Error, Expr, LitStr};

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

/// The options of a function or method: `name = "py_name"`, `sig = "..."`.
#[derive(Default)]
pub(crate) struct CallableOptions {
    pub name: Option<String>,
    pub sig: Option<Sig>,
}

impl CallableOptions {
    /// One `name = ...` or `sig = ...` of a `parse_nested_meta` / `meta::parser` list.
    fn parse_one(&mut self, meta: syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
        if meta.path.is_ident("name") {
            self.name = Some(meta.value()?.parse::<LitStr>()?.value());
        } else if meta.path.is_ident("sig") {
            self.sig = Some(parse_sig_name(&meta.value()?.parse()?)?);
        } else {
            return Err(meta.error("expected `name = \"...\"` or `sig = \"...\"`"));
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
}

impl ClassOptions {
    pub(crate) fn parse(attr: TokenStream) -> syn::Result<Self> {
        let mut options = ClassOptions::default();
        let parser = syn::meta::parser(|meta| {
            if meta.path.is_ident("name") {
                options.name = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.path.is_ident("subclass") {
                options.subclass = true;
            } else {
                return Err(meta.error("expected `name = \"...\"` or `subclass`"));
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
