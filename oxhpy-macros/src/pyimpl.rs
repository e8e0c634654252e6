//! `#[oxhpy::methods]` on a class's `impl` block: classifies each function (model), generates
//! it (`pymethod.rs`), implements `PyMethods` with the resulting definitions and registers the
//! class in `oxhpy::impl_::CLASSES` for the module.
use crate::attributes::{no_options, MethodAttrs};
use crate::classitems::{self, ClassItems};
use crate::model::{Callable, MethodKind};
use crate::pymethod::{self, Generated, Names, Property};
use crate::slots::Shape;
use crate::utils::{c_str, doc_string, is_attr};
use proc_macro2::TokenStream;
use quote::quote;
use syn::{spanned::Spanned, ImplItem, ImplItemFn, ItemImpl, Type};

pub fn expand_methods(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    no_options(&attr, "#[oxhpy::methods] takes no options")?;
    let mut block: ItemImpl = syn::parse2(item)?;
    let owner: Type = (*block.self_ty).clone();
    let p = quote!(::oxhpy::impl_);
    let ffi = quote!(::oxhpy::impl_::ffi);
    // Static and class methods, class attributes: added to the type once created.
    let mut class_items = ClassItems::default();
    let mut out = Generated::default();
    let mut props: Vec<Property> = Vec::new();
    // `__init__` needs `#[new]` (which gives the struct its value); a `#[new]` without parameters
    // then leaves the call's arguments to `__init__`.
    let fns = || {
        block.items.iter().filter_map(|it| match it {
            ImplItem::Fn(f) => Some(f),
            _ => None,
        })
    };
    let has_new = fns().any(|f| f.attrs.iter().any(|a| is_attr(a, "new")));
    if let Some(init) = fns().find(|f| f.sig.ident == "__init__") {
        if !has_new {
            return Err(syn::Error::new(
                init.sig.ident.span(),
                "`__init__` needs a `#[new]` constructor in the same block: Python creates the \
                 object with `__new__`, which gives the struct its value, then calls `__init__` \
                 on it (a `#[new]` without parameters leaves the call's arguments to `__init__`)",
            ));
        }
        out.has_init = true;
    }

    // Every item is checked, and all their errors reported together.
    let mut errors: Option<syn::Error> = None;
    for it in block.items.iter_mut() {
        let result = match it {
            ImplItem::Fn(f) => method(f, &owner, &mut out, &mut props, &mut class_items),
            ImplItem::Const(k) => classitems::gen_const(k, &owner, &mut out, &mut class_items),
            _ => continue,
        };
        if let Err(e) = result {
            match &mut errors {
                Some(all) => all.combine(e),
                None => errors = Some(e),
            }
        }
    }
    if let Some(e) = errors {
        return Err(e);
    }
    let class_items = class_items.class_items_fn();
    pymethod::gen_richcmp(&owner, &mut out);
    pymethod::gen_ass_subscript(&owner, &mut out);
    pymethod::gen_numbers(&owner, &mut out);
    pymethod::gen_properties(props, &owner, block.span(), &mut out)?;
    let Generated {
        items,
        defs,
        type_attrs,
        new_as_init,
        has_init,
        ..
    } = out;
    // A class that extends a built-in runs its `#[new]` as `__init__` (see `gen_new`).
    let no_builtin = has_init.then(|| {
        quote! {
            const _: () = ::core::assert!(
                <<#owner as #p::PyClass>::Base as #p::BaseClass>::BUILTIN.is_none(),
                "a class that extends a built-in (FloatBase, StrBase) cannot define `__init__`: \
                 its #[new] runs as `__init__`"
            );
        }
    });
    let new_as_init = new_as_init.map(|d| {
        quote! {
            fn new_as_init() -> ::core::option::Option<*mut #ffi::HPyDef> {
                ::core::option::Option::Some(#d.as_ptr())
            }
        }
    });
    let type_attrs = type_attrs.iter().map(|n| c_str(n));
    Ok(quote! {
        #block

        const _: () = {
            #(#items)*
            #no_builtin

            // SAFETY: the static `MethodDef`s and `PropertyDef`s of this impl block, whose impls take an instance of
            // the owner as `self`.
            unsafe impl #p::PyMethods for #owner {
                #class_items
                fn method_defs() -> ::std::vec::Vec<*mut #ffi::HPyDef> {
                    ::std::vec![#(#defs.as_ptr()),*]
                }
                fn type_attrs() -> &'static [&'static ::core::ffi::CStr] {
                    &[#(#type_attrs),*]
                }
                #new_as_init
            }

            // The module creates the class, wherever it is declared (see `module.rs`).
            #[#p::linkme::distributed_slice(#p::CLASSES)]
            #[linkme(crate = #p::linkme)]
            static REGISTERED: #p::ModuleClass = #p::ModuleClass::of::<#owner>();
        };
    })
}

/// One function of the block: classified, then generated into `out` (and `props`).
fn method(
    f: &mut ImplItemFn,
    owner: &Type,
    out: &mut Generated,
    props: &mut Vec<Property>,
    class_items: &mut ClassItems,
) -> syn::Result<()> {
    let attrs = MethodAttrs::take(&mut f.attrs)?;
    let fname = f.sig.ident.to_string();
    let kind = MethodKind::classify(&attrs, &fname, f.sig.ident.span())?;
    let doc = doc_string(&f.attrs);
    if let MethodKind::ClassMethod = kind {
        // The class comes first, where a method has its receiver.
        let qualname = format!(
            "{}.{}",
            quote!(#owner),
            attrs.options.name.as_deref().unwrap_or(&fname)
        );
        let names = Names::of(&f.sig.ident);
        return classitems::gen_classmethod(
            f,
            attrs.options,
            owner,
            qualname,
            &names,
            out,
            class_items,
        );
    }
    // `#[new]` has no receiver: a first `PyRef<'_, Self>` is an argument there.
    let recv_owner = (!matches!(kind, MethodKind::New)).then_some(owner);
    let mut c = Callable::parse(
        &mut f.sig,
        doc.clone(),
        attrs.options,
        recv_owner,
        Some(owner),
    )?;
    c.tp_call = matches!(&kind, MethodKind::Slot(s) if s.shape == Shape::Call);
    let owner_name = quote!(#owner).to_string();
    c.qualname = Some(match kind {
        MethodKind::New => owner_name,
        _ => format!("{owner_name}.{}", c.py_name),
    });
    let names = Names::of(&f.sig.ident);
    match kind {
        MethodKind::New => pymethod::gen_new(&c, owner, &names, out)?,
        MethodKind::Method => pymethod::gen_method(&c, owner, &names, out)?,
        MethodKind::Slot(slot) => pymethod::gen_slot(slot, c, owner, &names, out)?,
        MethodKind::Getter(name) => {
            out.items.push(pymethod::gen_getter(&c, owner, &names)?);
            pymethod::add_accessor(props, name, names.entry, true, doc);
        }
        MethodKind::Setter(name) => {
            out.items.push(pymethod::gen_setter(&c, owner, &names)?);
            pymethod::add_accessor(props, name, names.entry, false, doc);
        }
        MethodKind::StaticMethod => classitems::gen_static(&c, owner, &names, out, class_items)?,
        MethodKind::ClassAttr => classitems::gen_classattr_fn(&c, owner, &names, out, class_items)?,
        MethodKind::ClassMethod => unreachable!("generated above"),
    }
    Ok(())
}
