//! The model of a type that derives `FromPy` or `IntoPy` (`frompy.rs`, `intopy.rs` generate the
//! code): its shape (a struct or the variants of an enum, each with named fields, a tuple, or one
//! transparent field), where each named field is read from or written to (`FieldKey`), and its
//! lifetimes. Built from the parsed `DeriveInput` and its `#[oxhpy(...)]` options
//! (`attributes.rs`); every misuse is a compile error here, before any code is generated.
use crate::attributes::{derive_field_attrs, derive_type_attrs, DeriveFieldAttrs, ItemKeyLit};
use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{format_ident, quote, ToTokens};
use syn::ext::IdentExt;
use syn::{
    spanned::Spanned, Data, DeriveInput, Error, Expr, Fields, GenericParam, Ident, Lifetime, Type,
};

/// Which derive: it names itself in the errors.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Which {
    FromPy,
    IntoPy,
    /// `IntoPy` for `&T`: the fields converted by reference.
    IntoPyRef,
}

impl Which {
    fn name(self) -> &'static str {
        match self {
            Which::FromPy => "#[derive(FromPy)]",
            Which::IntoPy => "#[derive(IntoPy)]",
            Which::IntoPyRef => "#[derive(IntoPyRef)]",
        }
    }
}

/// Where a named field is read from (`FromPy`), and its key in the dict (`IntoPy`).
pub(crate) enum FieldKey {
    /// `getattr(obj, "name")`; the dict key `"name"`.
    Attr(String),
    /// `obj["key"]`; the dict key `"key"`.
    Item(String),
    /// `obj[0]`; the dict key `0`.
    Index(syn::LitInt),
}

/// A field.
pub(crate) struct Field {
    /// `x` or `0`: how the field is named in a pattern or constructor.
    pub member: syn::Member,
    /// The local it is bound to in a pattern (`IntoPy`).
    pub binding: Ident,
    pub ty: Type,
    /// Named fields only.
    pub key: Option<FieldKey>,
    /// `#[oxhpy(default)]` (`None` inside) or `#[oxhpy(default = EXPR)]`: what a missing
    /// attribute or item gives (`FromPy`).
    pub default: Option<Option<Expr>>,
    /// `Point.x`, `Shape::Circle.0`: the field in error messages.
    pub path: String,
    /// `#[oxhpy(from_py_with = path)]`: `fn(Borrowed<'_, 'py>) -> PyResult<T>` instead of the
    /// field type's `FromPy`.
    pub from_py_with: Option<syn::ExprPath>,
    /// `#[oxhpy(into_py_with = path)]`: `fn(&T, Ctx<'py>) -> PyResult<Handle<'py>>` instead of
    /// the field type's `IntoPy`.
    pub into_py_with: Option<syn::ExprPath>,
}

/// The shape of a struct or of an enum variant.
pub(crate) enum Shape {
    /// Fields with names: attributes or items of the object; a dict.
    Named(Vec<Field>),
    /// Two or more fields without names: a tuple.
    Tuple(Vec<Field>),
    /// A newtype, or one named field marked `#[oxhpy(transparent)]`: the object itself.
    Transparent(Box<Field>),
}

impl Shape {
    pub(crate) fn fields(&self) -> &[Field] {
        match self {
            Shape::Named(f) | Shape::Tuple(f) => f,
            Shape::Transparent(f) => std::slice::from_ref(f),
        }
    }

    /// The pattern that binds every field (`Self { x: __f_x }`, `Self::V(__f_0)`), after `path`.
    pub(crate) fn pattern(&self, path: &TokenStream) -> TokenStream {
        let binds = self.fields().iter().map(|f| {
            let (m, b) = (&f.member, &f.binding);
            quote!(#m: #b)
        });
        quote!(#path { #(#binds),* })
    }
}

/// An enum variant.
pub(crate) struct Variant {
    pub ident: Ident,
    pub shape: Shape,
}

/// What the type is.
pub(crate) enum Body {
    Struct(Shape),
    Enum(Vec<Variant>),
}

/// A type that derives `FromPy` or `IntoPy`.
pub(crate) struct Input {
    pub ident: Ident,
    pub generics: syn::Generics,
    pub body: Body,
    /// The type's lifetime named `'py`, if it has one: the interpreter's lifetime.
    pub py: Option<Lifetime>,
    /// Its other lifetime, if any: that of the object a `FromPy` value is extracted from, which
    /// only a transparent field may borrow.
    pub source: Option<Lifetime>,
}

fn err<T>(span: Span, msg: impl std::fmt::Display) -> syn::Result<T> {
    Err(Error::new(span, msg))
}

/// Whether `tokens` name the lifetime `lt`.
fn mentions_lifetime(tokens: TokenStream, lt: &Lifetime) -> bool {
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        match tt {
            TokenTree::Group(g) if mentions_lifetime(g.stream(), lt) => return true,
            TokenTree::Punct(p) if p.as_char() == '\'' => {
                if matches!(iter.peek(), Some(TokenTree::Ident(id)) if *id == lt.ident) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Whether `tokens` name one of the type or const parameters `params`.
pub(crate) fn mentions_param(tokens: TokenStream, params: &[Ident]) -> bool {
    let mut prev_quote = false;
    for tt in tokens {
        match &tt {
            TokenTree::Group(g) if mentions_param(g.stream(), params) => return true,
            TokenTree::Ident(id) if !prev_quote && params.contains(id) => return true,
            _ => {}
        }
        prev_quote = matches!(&tt, TokenTree::Punct(p) if p.as_char() == '\'');
    }
    false
}

impl Input {
    pub(crate) fn parse(input: DeriveInput, which: Which) -> syn::Result<Self> {
        let name = which.name();
        let ident = input.ident.clone();
        let type_attrs = derive_type_attrs(&input.attrs)?;
        let body = match &input.data {
            Data::Union(u) => {
                return err(
                    u.union_token.span,
                    format!(
                        "{name} does not support unions: which field holds the value is not \
                         known (use a struct or an enum)"
                    ),
                )
            }
            Data::Struct(s) => {
                let shape = shape(
                    &s.fields,
                    &type_attrs,
                    &ident.to_string(),
                    ident.span(),
                    which,
                )?;
                Body::Struct(shape)
            }
            Data::Enum(e) => {
                if let Some(span) = type_attrs.transparent.or(type_attrs.from_item_all) {
                    return err(
                        span,
                        "on an enum, `transparent` and `from_item_all` go on its variants",
                    );
                }
                if e.variants.is_empty() {
                    return err(
                        ident.span(),
                        format!("{name} needs at least one variant: this enum has no values"),
                    );
                }
                let mut variants = Vec::new();
                for v in &e.variants {
                    let attrs = derive_type_attrs(&v.attrs)?;
                    let path = format!("{ident}::{}", v.ident);
                    let shape = shape(&v.fields, &attrs, &path, v.ident.span(), which)?;
                    variants.push(Variant {
                        ident: v.ident.clone(),
                        shape,
                    });
                }
                Body::Enum(variants)
            }
        };
        let mut py = None;
        let mut source: Option<Lifetime> = None;
        for p in &input.generics.params {
            if let GenericParam::Lifetime(l) = p {
                if l.lifetime.ident == "py" {
                    py = Some(l.lifetime.clone());
                } else if which != Which::FromPy {
                    // Any lifetime: the values are converted, nothing is borrowed from Python.
                } else if source.is_some() {
                    return err(
                        l.lifetime.span(),
                        format!(
                            "{name}: at most one lifetime besides `'py` (the interpreter's): the \
                             lifetime of the object extracted from, which a transparent field may \
                             borrow"
                        ),
                    );
                } else {
                    source = Some(l.lifetime.clone());
                }
            }
        }
        let input = Input {
            ident,
            generics: input.generics,
            body,
            py,
            source,
        };
        if let Some(lt) = &input.source {
            input.check_borrows(lt)?;
        }
        Ok(input)
    }

    /// Every shape of the type.
    pub(crate) fn shapes(&self) -> Vec<&Shape> {
        match &self.body {
            Body::Struct(s) => vec![s],
            Body::Enum(vs) => vs.iter().map(|v| &v.shape).collect(),
        }
    }

    /// `FromPy`: only a transparent field is the object extracted from; every other one is read
    /// from a new object (an attribute, an item), which lives only during the extraction, so
    /// its type cannot borrow for `lt`.
    fn check_borrows(&self, lt: &Lifetime) -> syn::Result<()> {
        for shape in self.shapes() {
            let (fields, how) = match shape {
                Shape::Transparent(_) => continue,
                Shape::Named(f) => (f, "an attribute or item of the object"),
                Shape::Tuple(f) => (f, "an item of the tuple"),
            };
            for f in fields {
                if mentions_lifetime(f.ty.to_token_stream(), lt) {
                    return err(
                        f.ty.span(),
                        format!(
                            "#[derive(FromPy)]: this field is read from {how}, a new object that \
                             lives only while the value is extracted: its type cannot borrow for \
                             `{lt}`, the lifetime of the object extracted from (only a transparent \
                             field, the object itself, may); use an owned type (`String`, \
                             `Vec<u8>`, `Handle<'py>`, with the interpreter's lifetime named `'py`)"
                        ),
                    );
                }
            }
        }
        Ok(())
    }

    /// The names of the type and const parameters.
    pub(crate) fn type_params(&self) -> Vec<Ident> {
        self.generics
            .params
            .iter()
            .filter_map(|p| match p {
                GenericParam::Type(t) => Some(t.ident.clone()),
                GenericParam::Const(c) => Some(c.ident.clone()),
                GenericParam::Lifetime(_) => None,
            })
            .collect()
    }

    /// The impl's generics: `extra` lifetimes (those the type lacks), then the type's own.
    pub(crate) fn impl_generics(&self, extra: &[Lifetime]) -> syn::Generics {
        let mut g = self.generics.clone();
        for (i, lt) in extra.iter().enumerate() {
            g.params.insert(
                i,
                GenericParam::Lifetime(syn::LifetimeParam::new(lt.clone())),
            );
        }
        g
    }
}

/// The shape of a struct or variant named `path` (`Point`, `Shape::Circle`).
fn shape(
    fields: &Fields,
    attrs: &crate::attributes::DeriveTypeAttrs,
    path: &str,
    span: Span,
    which: Which,
) -> syn::Result<Shape> {
    let name = which.name();
    let what = if path.contains("::") {
        "variant"
    } else {
        "struct"
    };
    let mut out = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let field_attrs = derive_field_attrs(&f.attrs)?;
        let (member, binding) = match &f.ident {
            Some(id) => (syn::Member::Named(id.clone()), format_ident!("__f_{}", id)),
            None => (
                syn::Member::Unnamed(syn::Index::from(i)),
                format_ident!("__f_{}", i),
            ),
        };
        let field_name = match &f.ident {
            Some(id) => id.unraw().to_string(),
            None => i.to_string(),
        };
        out.push((
            Field {
                member,
                binding,
                ty: f.ty.clone(),
                key: None,
                default: None,
                path: format!("{path}.{field_name}"),
                from_py_with: field_attrs.from_py_with.clone(),
                into_py_with: field_attrs.into_py_with.clone(),
            },
            field_attrs,
            field_name,
        ));
    }
    if out.is_empty() {
        return err(
            span,
            format!(
                "{name} needs at least one field: a {what} without fields holds nothing to \
                 convert"
            ),
        );
    }
    let named = matches!(fields, Fields::Named(_));
    if let Some(t) = attrs.transparent {
        if out.len() != 1 {
            return err(
                t,
                "`transparent` takes a struct or variant with exactly one field",
            );
        }
    }
    if let (Some(s), false) = (attrs.from_item_all, named) {
        return err(
            s,
            "`from_item_all` takes a struct or variant with named fields",
        );
    }
    if let (Some(s), Some(_)) = (attrs.from_item_all, attrs.transparent) {
        return err(s, "`from_item_all` and `transparent` exclude each other");
    }
    let transparent = attrs.transparent.is_some() || (!named && out.len() == 1);
    if transparent || !named {
        // The object itself, or an item of a tuple: nothing to name.
        for (_, a, _) in &out {
            if let Some(s) = a.first_span() {
                return err(
                    s,
                    if transparent {
                        "a transparent field is the object itself: it takes no `attribute`, \
                         `item` or `default`"
                    } else {
                        "the fields of a tuple struct or variant are the items of a tuple: they \
                         take no `attribute`, `item` or `default` (name the fields to read \
                         attributes or items)"
                    },
                );
            }
        }
        let mut fields: Vec<Field> = out.into_iter().map(|(f, _, _)| f).collect();
        return Ok(if transparent {
            Shape::Transparent(Box::new(fields.remove(0)))
        } else {
            Shape::Tuple(fields)
        });
    }
    let mut fields = Vec::new();
    for (mut f, a, field_name) in out {
        f.key = Some(field_key(&a, attrs.from_item_all.is_some(), field_name)?);
        f.default = a.default.map(|(_, e)| e);
        fields.push(f);
    }
    Ok(Shape::Named(fields))
}

/// Where a named field is read from: `attribute`, `item`, or the type's `from_item_all`.
fn field_key(a: &DeriveFieldAttrs, item_all: bool, field_name: String) -> syn::Result<FieldKey> {
    if let (Some((s, _)), Some(_)) = (&a.item, &a.attribute) {
        return err(
            *s,
            "a field is read from an `attribute` or an `item`, not both",
        );
    }
    Ok(match (&a.attribute, &a.item) {
        (Some((_, Some(name))), _) => {
            let v = name.value();
            if v.is_empty() {
                return err(name.span(), "an attribute name cannot be empty");
            }
            FieldKey::Attr(v)
        }
        (Some((_, None)), _) => FieldKey::Attr(field_name),
        (None, Some((_, Some(ItemKeyLit::Str(k))))) => FieldKey::Item(k.value()),
        (None, Some((_, Some(ItemKeyLit::Int(i))))) => {
            i.base10_parse::<isize>()?;
            FieldKey::Index(i.clone())
        }
        (None, Some((_, None))) => FieldKey::Item(field_name),
        (None, None) if item_all => FieldKey::Item(field_name),
        (None, None) => FieldKey::Attr(field_name),
    })
}
