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

/// `#[oxhpy(...)]` on a parameter: `default = EXPR`, `from_py_with = path`.
#[derive(Default)]
pub(crate) struct ParamAttrs {
    pub default: Option<Expr>,
    /// A function `fn(Borrowed<'_, 'py>) -> PyResult<T>` that converts the argument instead of
    /// `T`'s `FromPy`.
    pub from_py_with: Option<syn::ExprPath>,
}

/// Takes the `#[oxhpy(...)]` options out of a parameter's attributes.
pub(crate) fn take_param_attrs(attrs: &mut Vec<Attribute>) -> syn::Result<ParamAttrs> {
    let mut out = ParamAttrs::default();
    let mut kept = Vec::new();
    for a in attrs.drain(..) {
        if a.path().is_ident("oxhpy") {
            a.parse_nested_meta(|meta| {
                if meta.path.is_ident("default") {
                    duplicate(&meta, out.default.is_some())?;
                    out.default = Some(meta.value()?.parse::<Expr>()?);
                    Ok(())
                } else if meta.path.is_ident("from_py_with") {
                    duplicate(&meta, out.from_py_with.is_some())?;
                    out.from_py_with = Some(meta.value()?.parse()?);
                    Ok(())
                } else {
                    Err(meta.error("expected `default = EXPR` or `from_py_with = path`"))
                }
            })?;
        } else {
            kept.push(a);
        }
    }
    *attrs = kept;
    Ok(out)
}

/// `#[oxhpy(...)]` on a type or an enum variant that derives `FromPy` / `IntoPy`:
/// `transparent`, `from_item_all`.
#[derive(Default)]
pub(crate) struct DeriveTypeAttrs {
    pub transparent: Option<Span>,
    pub from_item_all: Option<Span>,
}

/// The key of `#[oxhpy(item = ...)]`: a string or an integer literal.
#[derive(Clone)]
pub(crate) enum ItemKeyLit {
    Str(LitStr),
    Int(syn::LitInt),
}

/// `#[oxhpy(...)]` on a field of a type that derives `FromPy` / `IntoPy`: `attribute`,
/// `attribute = "name"`, `item`, `item = "key"` or `item = 0`, `default`, `default = EXPR`
/// (where the field is), `from_py_with = path`, `into_py_with = path` (how it converts).
/// Each is `(where it is written, its value)`.
#[derive(Default)]
pub(crate) struct DeriveFieldAttrs {
    pub attribute: Option<(Span, Option<LitStr>)>,
    pub item: Option<(Span, Option<ItemKeyLit>)>,
    pub default: Option<(Span, Option<Expr>)>,
    pub from_py_with: Option<syn::ExprPath>,
    pub into_py_with: Option<syn::ExprPath>,
}

impl DeriveFieldAttrs {
    /// Where the first option that places the field is written (a tuple or transparent field
    /// takes none).
    pub(crate) fn first_span(&self) -> Option<Span> {
        self.attribute
            .as_ref()
            .map(|a| a.0)
            .or(self.item.as_ref().map(|a| a.0))
            .or(self.default.as_ref().map(|a| a.0))
    }
}

fn duplicate(meta: &syn::meta::ParseNestedMeta<'_>, set: bool) -> syn::Result<()> {
    if set {
        let name = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        return Err(meta.error(format!("duplicate `{name}`")));
    }
    Ok(())
}

/// Reads the `#[oxhpy(...)]` of a type or variant that derives `FromPy` / `IntoPy`.
pub(crate) fn derive_type_attrs(attrs: &[Attribute]) -> syn::Result<DeriveTypeAttrs> {
    let mut out = DeriveTypeAttrs::default();
    for a in attrs.iter().filter(|a| a.path().is_ident("oxhpy")) {
        a.parse_nested_meta(|meta| {
            let span = meta.path.span();
            if meta.path.is_ident("transparent") {
                duplicate(&meta, out.transparent.is_some())?;
                out.transparent = Some(span);
            } else if meta.path.is_ident("from_item_all") {
                duplicate(&meta, out.from_item_all.is_some())?;
                out.from_item_all = Some(span);
            } else {
                return Err(meta.error(
                    "expected `transparent` or `from_item_all` (on a type or variant that derives \
                     `FromPy` / `IntoPy`)",
                ));
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// Reads the `#[oxhpy(...)]` of a field of a type that derives `FromPy` / `IntoPy`.
pub(crate) fn derive_field_attrs(attrs: &[Attribute]) -> syn::Result<DeriveFieldAttrs> {
    let mut out = DeriveFieldAttrs::default();
    for a in attrs.iter().filter(|a| a.path().is_ident("oxhpy")) {
        a.parse_nested_meta(|meta| {
            let span = meta.path.span();
            if meta.path.is_ident("attribute") {
                duplicate(&meta, out.attribute.is_some())?;
                let name = if meta.input.peek(Token![=]) {
                    Some(meta.value()?.parse::<LitStr>()?)
                } else {
                    None
                };
                out.attribute = Some((span, name));
            } else if meta.path.is_ident("item") {
                duplicate(&meta, out.item.is_some())?;
                let key = if meta.input.peek(Token![=]) {
                    let value = meta.value()?;
                    Some(if value.peek(LitStr) {
                        ItemKeyLit::Str(value.parse()?)
                    } else if value.peek(syn::LitInt) {
                        ItemKeyLit::Int(value.parse()?)
                    } else {
                        return Err(value.error("expected a string or an integer literal"));
                    })
                } else {
                    None
                };
                out.item = Some((span, key));
            } else if meta.path.is_ident("default") {
                duplicate(&meta, out.default.is_some())?;
                let value = if meta.input.peek(Token![=]) {
                    Some(meta.value()?.parse::<Expr>()?)
                } else {
                    None
                };
                out.default = Some((span, value));
            } else if meta.path.is_ident("from_py_with") {
                duplicate(&meta, out.from_py_with.is_some())?;
                out.from_py_with = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("into_py_with") {
                duplicate(&meta, out.into_py_with.is_some())?;
                out.into_py_with = Some(meta.value()?.parse()?);
            } else {
                return Err(meta.error(
                    "expected `attribute`, `attribute = \"name\"`, `item`, `item = \"key\"`, \
                     `default`, `default = EXPR`, `from_py_with = path` or `into_py_with = path` \
                     (on a field of a type that derives `FromPy` / `IntoPy`)",
                ));
            }
            Ok(())
        })?;
    }
    Ok(out)
}
