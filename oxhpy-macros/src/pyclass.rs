//! `#[oxhpy::class]` on a struct: the `PyClass` impl (name, flags, the `Field` members and the
//! slots every class has: destroy, and traverse for a class with fields), its type global, and
//! `IntoPy`.
use crate::attributes::ClassOptions;
use crate::codegen::{arg_scope, with_args, GETTER, SETTER};
use crate::utils::{c_doc, c_str, doc_string};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::{spanned::Spanned, Error, Ident, ItemStruct, LitStr, Type};

pub fn expand_class(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut s: ItemStruct = syn::parse2(item)?;
    let accessors = field_accessors(&mut s)?;
    let ClassOptions {
        name: py_name,
        subclass,
        extends,
    } = ClassOptions::parse(attr)?;
    if !s.generics.params.is_empty() {
        return Err(Error::new(
            s.generics.span(),
            "#[oxhpy::class] structs cannot be generic",
        ));
    }
    let ident = &s.ident;
    let vis = &s.vis;
    let py_name = py_name.unwrap_or_else(|| ident.to_string());
    let doc = match crate::utils::doc_string(&s.attrs) {
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
        // A subclass of a GC class is one too: its traverse visits the base's fields.
        let base_gc = match &extends {
            Some(b) => quote!(| <#b as #p::BaseClass>::HAVE_GC),
            None => quote!(),
        };
        quote!(#ffi::HPy_TPFLAGS_DEFAULT as u64 #base #gc_flag #base_gc)
    };
    let traverse_def = if gc || extends.is_some() {
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
            if <Self as #p::PyClass>::FLAGS & #ffi::HPy_TPFLAGS_HAVE_GC as u64 != 0 {
                defs.push(TRAVERSE.as_ptr());
            }
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
    // The base: spanned at the user's path, where a base that is not `subclass` errors.
    let base_ty = match &extends {
        Some(b) => quote_spanned!(b.span()=> #b),
        None => quote!(#p::NoBase),
    };
    let base_class = if subclass {
        quote! {
            // SAFETY: the layout of this class's instances and its type global.
            unsafe impl #p::BaseClass for #ident {
                type Layout = #p::LayoutOf<#ident>;
                fn base_type() -> ::core::option::Option<&'static #p::TypeGlobal> {
                    ::core::option::Option::Some(&#global)
                }
                const BUILTIN: ::core::option::Option<#p::Builtin> =
                    <<#ident as #p::PyClass>::Base as #p::BaseClass>::BUILTIN;
                const HAVE_GC: u64 =
                    <#ident as #p::PyClass>::FLAGS & #ffi::HPy_TPFLAGS_HAVE_GC as u64;
            }
        }
    } else {
        quote!()
    };
    // A class that extends none is its own initializer (`Init for C`), and converts to a new
    // instance; a subclass is made from `(value, base's initializer)` (`Init for (C, B)`), returned
    // as `PyNew`.
    let root_init = if extends.is_none() {
        quote! {
            impl<'py> ::oxhpy::IntoPy<'py> for #ident {
                fn into_py(self, ctx: ::oxhpy::Ctx<'py>) -> ::oxhpy::PyResult<::oxhpy::Handle<'py>> {
                    ::oxhpy::IntoPy::into_py(::oxhpy::PyNew(self), ctx)
                }
            }
        }
    } else {
        quote!()
    };
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
            type Base = #base_ty;
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
                #accessors
                defs
            }
        }

        #threads

        #base_class

        #root_init
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

/// `#[oxhpy(get)]`, `#[oxhpy(get, set)]` (and `name = "..."`) on a member of the struct.
struct FieldOptions {
    get: Option<Span>,
    set: Option<Span>,
    name: Option<String>,
}

/// Takes the `#[oxhpy(...)]` attributes out of a member's attributes.
fn take_field_options(attrs: &mut Vec<syn::Attribute>) -> syn::Result<FieldOptions> {
    let mut o = FieldOptions {
        get: None,
        set: None,
        name: None,
    };
    let mut kept = Vec::new();
    for a in attrs.drain(..) {
        if !a.path().is_ident("oxhpy") {
            kept.push(a);
            continue;
        }
        a.parse_nested_meta(|meta| {
            if meta.path.is_ident("get") {
                o.get = Some(meta.path.span());
            } else if meta.path.is_ident("set") {
                o.set = Some(meta.path.span());
            } else if meta.path.is_ident("name") {
                o.name = Some(meta.value()?.parse::<LitStr>()?.value());
            } else {
                return Err(meta.error("expected `get`, `set` or `name = \"...\"`"));
            }
            Ok(())
        })?;
    }
    *attrs = kept;
    Ok(o)
}

/// The properties of the members marked `#[oxhpy(get)]` / `#[oxhpy(get, set)]` (the attributes are
/// taken out of the struct): statements of `class_defs` that push their `PropertyDef`s.
///
/// The getter converts the member by reference (`&T: IntoPy`) or returns a clone of it (`Clone +
/// IntoPy`, converted after the borrow) under a shared borrow; the setter
/// converts the value (`FromPy`) and assigns it under an exclusive borrow, so only a `Mutable`
/// class has one (the error points at `set`). A `Field` member is loaded (`None` when empty) and
/// stored through the object, under a shared borrow (a frozen class may set it). Deleting is
/// refused (`TypeError`; PyPy and GraalPy refuse it themselves). Without `set`, the setter raises
/// `AttributeError` (see `pymethod::gen_properties`).
fn field_accessors(s: &mut ItemStruct) -> syn::Result<TokenStream> {
    let class = s.ident.clone();
    let p = quote!(::oxhpy::impl_);
    let ffi = quote!(::oxhpy::impl_::ffi);
    let scope = arg_scope();
    let mut out = Vec::new();
    for (i, f) in s.fields.iter_mut().enumerate() {
        let o = take_field_options(&mut f.attrs)?;
        let Some(get) = o.get else {
            if let Some(span) = o.set.or(o.name.as_ref().map(|_| f.ty.span())) {
                return Err(Error::new(
                    span,
                    "`set` and `name` need `get`: `#[oxhpy(get, set)]`",
                ));
            }
            continue;
        };
        let member = match &f.ident {
            Some(id) => quote!(#id),
            None => {
                let i = syn::Index::from(i);
                quote!(#i)
            }
        };
        let name =
            match (o.name, &f.ident) {
                (Some(n), _) => n,
                (None, Some(id)) => id.to_string().trim_start_matches("r#").to_owned(),
                (None, None) => return Err(Error::new(
                    get,
                    "a member without a name needs `name = \"...\"`: `#[oxhpy(get, name = \"x\")]`",
                )),
            };
        let ty = &f.ty;
        let field = is_field(ty);
        let get_entry = format_ident!("__OxhpyGet{}", i);
        let set_entry = format_ident!("__OxhpySet{}", i);
        let get_body = if field {
            quote! {
                // SAFETY: `_self` is the live instance the property was read from.
                let r = unsafe { #scope.borrow_self::<#class>(_self) }?;
                let value = r.#member.load(&r)?;
                ::oxhpy::IntoPy::into_py(value, py).map(::oxhpy::Handle::into_raw)
            }
        } else {
            // Spanned at the member's type: where a type that converts neither by reference
            // nor by a clone fails.
            let value = quote_spanned!(ty.span()=> (&#p::MemberRef(&r.#member)).member_value(py));
            quote! {
                use #p::{MemberByClone as _, MemberByRef as _};
                // SAFETY: `_self` is the live instance the property was read from.
                let r = unsafe { #scope.borrow_self::<#class>(_self) }?;
                let value = #value;
                ::core::mem::drop(r);
                ::oxhpy::IntoPy::into_py(value, py).map(::oxhpy::Handle::into_raw)
            }
        };
        out.push(GETTER.entry(
            &quote!(),
            &get_entry,
            &format_ident!("__oxhpy_get_{}", i),
            with_args(get_body),
        ));
        let delete = quote! {
            ::core::result::Result::Err(::oxhpy::PyErr::type_error("cannot delete this attribute"))
        };
        let set_body = match o.set {
            None => {
                let msg = format!("attribute '{name}' of '{class}' objects is not writable");
                quote! {
                    ::core::result::Result::Err(::oxhpy::PyErr::new(::oxhpy::Exc::AttributeError, #msg))
                }
            }
            Some(_) if field => with_args(quote! {
                if #ffi::HPy_IsNull(value) {
                    return #delete;
                }
                // SAFETY: `_self` is the live instance the property is set on.
                let r = unsafe { #scope.borrow_self::<#class>(_self) }?;
                // SAFETY: a live value handle for the call (not NULL, checked just before).
                r.#member.store(&r, &unsafe { #scope.arg(value) })?;
                ::core::result::Result::Ok(0)
            }),
            Some(set) => {
                // Spanned at `set`: a frozen class (not `Mutable`) fails to compile there.
                let borrow_mut = Ident::new("borrow_self_mut", set);
                let class_at_set = Ident::new(&class.to_string(), set);
                with_args(quote! {
                    if #ffi::HPy_IsNull(value) {
                        return #delete;
                    }
                    let value: #ty = #p::extract_arg(
                        // SAFETY: a live value handle for the call (not NULL, checked just before).
                        unsafe { #scope.arg(value) },
                        #name,
                    )?;
                    // SAFETY: `_self` is the live instance the property is set on.
                    let mut r = unsafe { #scope.#borrow_mut::<#class_at_set>(_self) }?;
                    r.#member = value;
                    ::core::result::Result::Ok(0)
                })
            }
        };
        out.push(SETTER.entry(
            &quote!(),
            &set_entry,
            &format_ident!("__oxhpy_set_{}", i),
            set_body,
        ));
        let def = format_ident!("__OXHPY_GETSET_{}", i);
        let cname = c_str(&name);
        let doc = c_doc(doc_string(&f.attrs));
        let hidden = crate::pymethod::hidden_names(&name);
        out.push(quote! {
            // SAFETY: the getter and setter entries, whose impls take an instance of this class
            // as `self`.
            static #def: #p::PropertyDef = unsafe { #p::PropertyDef::new::<#get_entry, #set_entry>(
                #cname, #doc, #hidden) };
            defs.push(#def.as_ptr());
        });
    }
    Ok(quote!(#(#out)*))
}
