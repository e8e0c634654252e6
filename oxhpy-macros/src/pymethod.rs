//! Code generation for the items of an `#[oxhpy::methods]` block: methods, `#[new]`, getters and
//! setters, and the special methods of the slot table (by their `Shape`). Each returns the glue
//! and the static `MethodDef`s (their names go into the class's `method_defs`).
use crate::codegen::{
    arg_scope, with_args, Convention, BINARYFUNC, GETTER, HASHFUNC, INITPROC, LENFUNC, NB_BOOL,
    NEWFUNC, NOARGS, O, OBJOBJARGPROC, OBJOBJPROC, REPRFUNC, RICHCMPFUNC, SETTER, TERNARYFUNC,
    UNARYFUNC, VARARGS,
};
use crate::model::{Callable, Param, Recv, Sig, RECEIVERS};
use crate::slots::{Shape, SlotDef};
use crate::utils::{c_doc, c_str, erase_lifetimes};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::{Error, Ident, Type};

/// What a method contributes to the class: its glue, and the `MethodDef` statics it defines.
#[derive(Default)]
pub(crate) struct Generated {
    pub items: Vec<TokenStream>,
    pub defs: Vec<Ident>,
    /// The rich comparison methods (`HPy_RichCmpOp` constant, method): one impl for them all.
    pub richcmp: Vec<(&'static str, Callable)>,
    /// `__setitem__` and `__delitem__`: one `mp_ass_subscript` for both.
    pub ass_subscript: [Option<Callable>; 2],
    /// The binary operators and their reflected forms: one slot for each pair.
    pub numbers: Vec<(&'static SlotDef, Callable)>,
    /// The special methods without an HPy slot (`__iter__`, `__next__`): methods that the type
    /// sets on itself again once created (see `Shape::Iter`).
    pub type_attrs: Vec<&'static str>,
    /// The block defines `__init__`: a `#[new]` without parameters then ignores the call's
    /// arguments (they are `__init__`'s), as `object.__new__` does.
    pub has_init: bool,
    /// The `#[new]` as `tp_init` (see `gen_new`).
    pub new_as_init: Option<Ident>,
}

impl Generated {
    pub(crate) fn def(&mut self, def: Ident, item: TokenStream) {
        self.items.push(item);
        self.defs.push(def);
    }
}

/// `static def: MethodDef` for slot `slot` (an `hpy_sys` constant name), whose impl is `entry`'s
/// and whose trampoline is `conv`'s.
fn slot_def(def: &Ident, slot: &str, conv: &Convention, entry: &TokenStream) -> TokenStream {
    let p = quote!(::oxhpy::impl_);
    let ffi = quote!(::oxhpy::impl_::ffi);
    let slot = format_ident!("{}", slot);
    let cpy = conv.cpy(entry);
    quote! {
        // SAFETY: the slot takes an impl of convention `conv` (the entry's) and its trampoline.
        static #def: #p::MethodDef = unsafe { #p::MethodDef::slot(
            #ffi::#slot, <#entry as #p::Entry>::IMPL, ::oxhpy::impl_::cpy!(#cpy)) };
    }
}

/// `static def: MethodDef` for an ordinary method named `name` (docstring `doc`, with its text
/// signature), whose impl is `entry`'s and whose trampoline is `conv`'s.
pub(crate) fn meth_def(
    def: &Ident,
    name: &str,
    doc: &str,
    conv: &Convention,
    entry: &Ident,
) -> TokenStream {
    let p = quote!(::oxhpy::impl_);
    let cpy = conv.cpy(&quote!(#entry));
    let sig_const = conv.hpyfunc();
    let (name, doc) = (c_str(name), c_str(doc));
    quote! {
        // SAFETY: the entry's impl and trampoline, both of convention `sig_const`.
        static #def: #p::MethodDef = unsafe { #p::MethodDef::meth(
            #name, ::core::option::Option::Some(#doc), #sig_const,
            <#entry as #p::Entry>::IMPL, ::oxhpy::impl_::cpy!(#cpy)) };
    }
}

/// The names of a method's generated items.
pub(crate) struct Names {
    pub impl_fn: Ident,
    pub entry: Ident,
    pub def: Ident,
}

impl Names {
    pub(crate) fn of(f: &Ident) -> Self {
        Names {
            impl_fn: format_ident!("__oxhpy_impl_{}", f),
            entry: format_ident!("__oxhpy_entry_{}", f),
            def: format_ident!("__OXHPY_DEF_{}", f.to_string().to_uppercase()),
        }
    }
}

/// `tp_new`: converts the arguments, calls the constructor, moves the value into a new object.
pub(crate) fn gen_new(
    c: &Callable,
    owner: &Type,
    n: &Names,
    out: &mut Generated,
) -> syn::Result<()> {
    if c.recv != Recv::None {
        return Err(Error::new(c.span, "#[new] takes no `self`"));
    }
    let p = quote!(::oxhpy::impl_);
    let call = c.call(Some(owner));
    let scope = arg_scope();
    // Without parameters next to an `__init__`, the arguments are `__init__`'s alone.
    let convs = if out.has_init && c.params.is_empty() {
        quote!()
    } else {
        let convs = c.conversions(true);
        quote! {
            // SAFETY: tp_new and tp_init get nargs live handles and a keyword dict (or NULL).
            let va = unsafe { #p::VectorArgs::from_dict(py, args, nargs as usize, kw)? };
            #convs
        }
    };
    // The constructor returns the class's `Init`: `Self`, or `(Self, Base)` for a subclass (an
    // error points at the return type).
    let value = quote! {
        let value = ::oxhpy::impl_::with_args(py, |#scope| {
            #convs
            #call
            ::oxhpy::PyResult::Ok(ret)
        })?;
    };
    let instantiate = quote_spanned!(c.ret_span=> #p::instantiate_new::<#owner, _>);
    let body = quote! {
        #value
        // SAFETY: `ty` is the live type that tp_new received: this class's or a subtype.
        unsafe { #instantiate(py, ty, value) }.map(::oxhpy::Handle::into_raw)
    };
    let (entry, def) = (&n.entry, &n.def);
    out.items
        .push(NEWFUNC.entry(&quote!(), entry, &n.impl_fn, body));
    out.def(
        def.clone(),
        slot_def(def, "HPy_tp_new", &NEWFUNC, &quote!(#entry)),
    );
    // The same constructor as `tp_init` (same parameters), for a class that extends a built-in
    // (whose own constructor makes the instance): `add_class` uses it instead where the class does.
    let init_body = quote! {
        #value
        // SAFETY: `_self` is the live instance that tp_init received.
        unsafe { #p::init_builtin::<#owner, _>(py, _self, value) }.map(|()| 0)
    };
    let init = Names {
        impl_fn: format_ident!("{}_as_init", n.impl_fn),
        entry: format_ident!("{}_as_init", n.entry),
        def: format_ident!("{}_AS_INIT", n.def),
    };
    out.items
        .push(INITPROC.entry(&quote!(), &init.entry, &init.impl_fn, init_body));
    let init_entry = &init.entry;
    out.items.push(slot_def(
        &init.def,
        "HPy_tp_init",
        &INITPROC,
        &quote!(#init_entry),
    ));
    out.new_as_init = Some(init.def);
    Ok(())
}

/// An ordinary method: `HPyDef_Kind_Meth` in the convention of its `sig`.
pub(crate) fn gen_method(
    c: &Callable,
    owner: &Type,
    n: &Names,
    out: &mut Generated,
) -> syn::Result<()> {
    if c.recv == Recv::None {
        return Err(Error::new(c.span, RECEIVERS));
    }
    let conv = c.convention();
    let (entry, def) = (&n.entry, &n.def);
    out.items
        .push(c.gen_meth(Some(owner), conv, &n.impl_fn, entry, &quote!()));
    let item = meth_def(def, &c.py_name, &c.text_signature(true), conv, entry);
    out.def(def.clone(), item);
    Ok(())
}

/// A special method of the slot table, by its shape: its convention and how many arguments it
/// takes besides `self`.
pub(crate) fn gen_slot(
    slot: &'static SlotDef,
    mut c: Callable,
    owner: &Type,
    n: &Names,
    out: &mut Generated,
) -> syn::Result<()> {
    if c.recv == Recv::None {
        return Err(Error::new(c.span, RECEIVERS));
    }
    let (conv, nargs): (&Convention, usize) = match slot.shape {
        Shape::Repr => (&REPRFUNC, 0),
        Shape::Len => (&LENFUNC, 0),
        Shape::Hash => (&HASHFUNC, 0),
        Shape::Bool => (&NB_BOOL, 0),
        Shape::GetItem => (&BINARYFUNC, 1),
        Shape::Unary => (&UNARYFUNC, 0),
        Shape::Binary | Shape::Reflected => {
            check_operands(slot, &c)?;
            out.numbers.push((slot, c));
            return Ok(());
        }
        Shape::InPlace => {
            check_operands(slot, &c)?;
            gen_inplace(slot, &c, owner, n, out);
            return Ok(());
        }
        Shape::Contains => (&OBJOBJPROC, 1),
        Shape::RichCmp(op) => {
            check_args(slot, &c, 1)?;
            out.richcmp.push((op, c));
            return Ok(());
        }
        Shape::SetItem | Shape::DelItem => {
            let delete = slot.shape == Shape::DelItem;
            check_args(slot, &c, if delete { 1 } else { 2 })?;
            out.ass_subscript[usize::from(delete)] = Some(c);
            return Ok(());
        }
        Shape::Init => {
            gen_init(&c, owner, n, out);
            return Ok(());
        }
        Shape::Del => {
            check_args(slot, &c, 0)?;
            gen_del(&c, owner, n, out);
            return Ok(());
        }
        Shape::Iter | Shape::Next => {
            check_args(slot, &c, 0)?;
            gen_iter(slot, &c, owner, n, out);
            return Ok(());
        }
        Shape::Named(nargs) => {
            check_args(slot, &c, nargs)?;
            if nargs == 1 {
                c.sig = Sig::O;
            }
            gen_method(&c, owner, n, out)?;
            out.type_attrs.push(slot.name);
            return Ok(());
        }
        Shape::Call => {
            let conv = c.convention();
            let entry = &n.entry;
            out.items
                .push(c.gen_meth(Some(owner), conv, &n.impl_fn, entry, &quote!()));
            out.def(
                n.def.clone(),
                slot_def(&n.def, slot.slots[0], conv, &quote!(#entry)),
            );
            return Ok(());
        }
        Shape::Buffer => {
            gen_buffer(&c, owner, out);
            return Ok(());
        }
        Shape::New | Shape::Unsupported => unreachable!("refused by slots::check_supported"),
    };
    check_args(slot, &c, nargs)?;
    // One argument: converted from the slot's `arg`, as with `sig = "o"`.
    c.sig = if nargs == 0 { Sig::NoArgs } else { Sig::O };
    let entry = &n.entry;
    out.items
        .push(c.gen_meth(Some(owner), conv, &n.impl_fn, entry, &quote!()));
    for (i, hpy_slot) in slot.slots.iter().enumerate() {
        let def = if i == 0 {
            n.def.clone()
        } else {
            format_ident!("{}_{}", n.def, i)
        };
        out.def(def.clone(), slot_def(&def, hpy_slot, conv, &quote!(#entry)));
    }
    Ok(())
}

/// A special method takes `self` and exactly `nargs` arguments.
fn check_args(slot: &SlotDef, c: &Callable, nargs: usize) -> syn::Result<()> {
    if c.params.len() == nargs && (nargs > 0 || c.sig == Sig::NoArgs) {
        return Ok(());
    }
    let what = match nargs {
        0 => "",
        1 => " and one argument",
        _ => " and two arguments",
    };
    Err(Error::new(
        c.span,
        format!(
            "`{}` takes only `&self` (or `slf: PyRef<'_, Self>`){what}",
            slot.name
        ),
    ))
}

/// The slots whose functions take a third operand: the modulo of `pow(a, b, m)` (`None` for `**`).
fn ternary(slot: &SlotDef) -> bool {
    matches!(slot.slots, ["HPy_nb_power"] | ["HPy_nb_inplace_power"])
}

/// An operator takes `self` and one operand, or for `pow` optionally a second one (the modulo).
fn check_operands(slot: &SlotDef, c: &Callable) -> syn::Result<()> {
    if c.params.len() == 2 && ternary(slot) {
        return Ok(());
    }
    check_args(slot, c, 1).map_err(|e| {
        if ternary(slot) {
            Error::new(
                c.span,
                format!(
                    "`{}` takes only `&self` (or `slf: PyRef<'_, Self>`) and one argument, or two \
                     (the second is the modulo of `pow(a, b, m)`, `None` for `**`)",
                    slot.name
                ),
            )
        } else {
            e
        }
    })
}

/// Runs `body` when the operands `raw` (raw handles: the other operand, then for `pow` the
/// modulo) convert to the parameters of `c`, bound to their names; otherwise goes on after it. A
/// `pow` method without a modulo parameter takes only a `None` modulo.
fn with_operands(c: &Callable, raw: &[Ident], body: TokenStream) -> TokenStream {
    let scope = arg_scope();
    let mut lets = Vec::new();
    let mut pats = Vec::new();
    let mut vals = Vec::new();
    for (p, r) in c.params.iter().zip(raw) {
        let Param { name, ty, .. } = p;
        let ty = erase_lifetimes(quote!(#ty));
        // SAFETY (in the generated code): the operand's handle is live for the call.
        let extract = p.extract(quote!(unsafe { #scope.arg(#r) }));
        lets.push(quote! {
            let #name: ::oxhpy::PyResult<#ty> = #extract;
        });
        pats.push(quote!(::core::result::Result::Ok(#name)));
        vals.push(quote!(#name));
    }
    let run = quote! {
        #(#lets)*
        if let (#(#pats,)*) = (#(#vals,)*) {
            #body
        }
    };
    match raw.get(c.params.len()) {
        // SAFETY: the modulo's handle is live for the call.
        Some(m) => quote! { if ::oxhpy::Object::is_none(&unsafe { #scope.arg(#m) }) { #run } },
        None => run,
    }
}

/// Mixed-site names for the raw operands of a number slot: the user's parameters cannot shadow
/// them.
fn operand_names() -> [Ident; 3] {
    ["lhs", "rhs", "modulo"].map(|n| Ident::new(n, Span::mixed_site()))
}

/// The result of an operator: the method's value, or for an in-place operator that returns
/// nothing, `self` (a new reference to the receiver `_self`).
fn operator_result(c: &Callable, inplace: bool) -> TokenStream {
    let scope = arg_scope();
    if inplace && c.returns_unit {
        // SAFETY: the receiver's handle is live for the call.
        quote!(::oxhpy::impl_::same_object(unsafe { #scope.arg(_self) }))
    } else {
        quote!(::oxhpy::IntoPy::into_py(ret, py).map(::oxhpy::Handle::into_raw))
    }
}

/// An in-place operator (`__iadd__`): its own slot, with `self` always the left operand; an
/// operand that does not convert gives `NotImplemented`.
fn gen_inplace(slot: &SlotDef, c: &Callable, owner: &Type, n: &Names, out: &mut Generated) {
    let ternary = ternary(slot);
    let [_, rhs, modulo] = operand_names();
    let (conv, bind, raw) = if ternary {
        (
            &TERNARYFUNC,
            quote!(let (#rhs, #modulo) = (arg, arg2);),
            vec![rhs, modulo],
        )
    } else {
        (&BINARYFUNC, quote!(let #rhs = arg;), vec![rhs])
    };
    let call = c.call(Some(owner));
    let result = operator_result(c, true);
    let run = with_operands(c, &raw, quote! { #call return #result; });
    let body = with_args(quote! {
        #bind
        #run
        ::oxhpy::impl_::not_implemented(py)
    });
    let entry = &n.entry;
    out.items
        .push(conv.entry(&quote!(), entry, &n.impl_fn, body));
    out.def(
        n.def.clone(),
        slot_def(&n.def, slot.slots[0], conv, &quote!(#entry)),
    );
}

/// The binary operators: for each slot, one impl for the block's operator and its reflected form
/// (`__add__`, `__radd__`), called with the operands in order. It calls `__add__` when the left
/// operand is an instance and the right one converts, else `__radd__` when the right operand is an
/// instance (of another type than the left one: Python reflects only between different types) and
/// the left one converts, else returns `NotImplemented`.
///
/// CPython gives a type with the slot both names (`__add__` and `__radd__` wrappers); PyPy only the
/// first. So the reflected form is also an ordinary method, calling the same impl with the operands
/// swapped: PyPy finds it by name, CPython keeps its own wrapper of the slot (`type_ready` adds the
/// slots' wrappers before the methods, which do not replace them), and both call the same code.
pub(crate) fn gen_numbers(owner: &Type, out: &mut Generated) {
    let numbers = std::mem::take(&mut out.numbers);
    let mut slots: Vec<&'static SlotDef> = Vec::new();
    for (s, _) in &numbers {
        if !slots.iter().any(|t| t.slots == s.slots) {
            slots.push(s);
        }
    }
    let mut numbers: Vec<Option<(&'static SlotDef, Callable)>> =
        numbers.into_iter().map(Some).collect();
    let mut take = |slot: &SlotDef, shape: Shape| {
        numbers
            .iter_mut()
            .find(|e| matches!(e, Some((s, _)) if s.slots == slot.slots && s.shape == shape))
            .and_then(Option::take)
    };
    let ffi = quote!(::oxhpy::impl_::ffi);
    let scope = arg_scope();
    for slot in slots {
        let (left, right) = (take(slot, Shape::Binary), take(slot, Shape::Reflected));
        let ternary = ternary(slot);
        let [lhs, rhs, modulo] = operand_names();
        let operands = |other: &Ident| {
            if ternary {
                vec![other.clone(), modulo.clone()]
            } else {
                vec![other.clone()]
            }
        };
        let arm = |c: &Callable, recv: &Ident, other: &Ident| {
            let call = c.call(Some(owner));
            let result = operator_result(c, false);
            with_operands(
                c,
                &operands(other),
                quote! {
                    let _self = #recv;
                    #call
                    return #result;
                },
            )
        };
        let is_instance = |h: &Ident| {
            // SAFETY: the operand's handle is live for the call.
            quote!(::oxhpy::impl_::is_instance::<#owner>(&unsafe { #scope.arg(#h) })?)
        };
        let left_is = is_instance(&lhs);
        let right_is = is_instance(&rhs);
        let left_arm = match &left {
            Some((_, c)) => {
                let arm = arm(c, &lhs, &rhs);
                quote!(if left { #arm })
            }
            None => quote!(),
        };
        let right_arm = match &right {
            Some((_, c)) => {
                let arm = arm(c, &rhs, &lhs);
                quote! {
                    // SAFETY: both operands' handles are live for the call.
                    if #right_is && !(left && ::oxhpy::impl_::same_type(
                        unsafe { #scope.arg(#lhs) }, unsafe { #scope.arg(#rhs) }))
                    {
                        #arm
                    }
                }
            }
            None => quote!(),
        };
        let short = slot.slots[0].trim_start_matches("HPy_");
        let dispatch = format_ident!("__oxhpy_{}", short);
        let modulo_param = if ternary {
            quote!(, #modulo: #ffi::HPy)
        } else {
            quote!()
        };
        let null_modulo = if ternary {
            quote! {
                if #ffi::HPy_IsNull(#modulo) {
                    return ::oxhpy::impl_::not_implemented(py);
                }
            }
        } else {
            quote!()
        };
        let body = with_args(quote! {
            #null_modulo
            let left = #left_is;
            #left_arm
            #right_arm
            ::oxhpy::impl_::not_implemented(py)
        });
        out.items.push(quote! {
            #[allow(unused_variables, clippy::let_unit_value, clippy::unit_arg)]
            #[inline(always)]
            fn #dispatch(
                py: ::oxhpy::Ctx<'_>, #lhs: #ffi::HPy, #rhs: #ffi::HPy #modulo_param
            ) -> ::oxhpy::PyResult<#ffi::HPy> {
                #body
            }
        });
        let upper = short.to_uppercase();
        let entry = format_ident!("__oxhpy_entry_{}", short);
        let impl_fn = format_ident!("__oxhpy_impl_{}", short);
        let def = format_ident!("__OXHPY_DEF_{}", upper);
        let (conv, call) = if ternary {
            (&TERNARYFUNC, quote!(#dispatch(py, _self, arg, arg2)))
        } else {
            (&BINARYFUNC, quote!(#dispatch(py, _self, arg)))
        };
        out.items
            .push(conv.entry(&quote!(), &entry, &impl_fn, call));
        let item = slot_def(&def, slot.slots[0], conv, &quote!(#entry));
        out.def(def, item);
        // The reflected form by name, for PyPy: `self` is the right operand.
        if let Some((rslot, mut c)) = right {
            let entry = format_ident!("__oxhpy_entry_{}", rslot.name);
            let impl_fn = format_ident!("__oxhpy_impl_{}", rslot.name);
            let def = format_ident!("__OXHPY_DEF_{}", rslot.name.to_uppercase());
            let (conv, body) = if ternary {
                c.sig = Sig::VarArgs;
                let name = format!("{}() takes 1 or 2 arguments", rslot.name);
                (
                    &VARARGS,
                    quote! {
                        if !(1..=2).contains(&nargs) {
                            return ::core::result::Result::Err(::oxhpy::PyErr::type_error(#name));
                        }
                        let none = py.none();
                        // SAFETY: the interpreter passes `nargs` live handles.
                        let (other, modulo) = unsafe {
                            (*args, if nargs == 2 { *args.add(1) } else { ::oxhpy::AsHandle::raw(&none) })
                        };
                        #dispatch(py, other, _self, modulo)
                    },
                )
            } else {
                c.sig = Sig::O;
                (&O, quote!(#dispatch(py, arg, _self)))
            };
            out.items
                .push(conv.entry(&quote!(), &entry, &impl_fn, body));
            let item = meth_def(&def, rslot.name, &c.text_signature(true), conv, &entry);
            out.def(def, item);
        }
    }
}

/// `__iter__` or `__next__`: a `NOARGS` method of that name, which the type sets on itself again
/// once created (`type_attrs`), so that CPython fills `tp_iter` / `tp_iternext` from it. The
/// result of `__next__` is an `Option`: `None` raises `StopIteration`.
fn gen_iter(slot: &'static SlotDef, c: &Callable, owner: &Type, n: &Names, out: &mut Generated) {
    let call = c.call(Some(owner));
    let result = if slot.shape == Shape::Next {
        quote_spanned!(c.ret_span=> ::oxhpy::impl_::next_value(ret, py))
    } else {
        quote!(::oxhpy::IntoPy::into_py(ret, py).map(::oxhpy::Handle::into_raw))
    };
    let body = with_args(quote! {
        #call
        #result
    });
    let (entry, def) = (&n.entry, &n.def);
    out.items
        .push(NOARGS.entry(&quote!(), entry, &n.impl_fn, body));
    let item = meth_def(def, slot.name, &c.text_signature(true), &NOARGS, entry);
    out.def(def.clone(), item);
    out.type_attrs.push(slot.name);
}

/// `tp_init`: parses the arguments as `#[new]` does (positional and keyword), calls `__init__`.
fn gen_init(c: &Callable, owner: &Type, n: &Names, out: &mut Generated) {
    let p = quote!(::oxhpy::impl_);
    let convs = c.conversions(true);
    let call = c.call(Some(owner));
    let scope = arg_scope();
    let done = quote_spanned!(c.ret_span=> ::oxhpy::impl_::done(ret));
    let body = quote! {
        // SAFETY: tp_init gets nargs live handles and a keyword dict (or NULL).
        let va = unsafe { #p::VectorArgs::from_dict(py, args, nargs as usize, kw)? };
        ::oxhpy::impl_::with_args(py, |#scope| {
            #convs
            #call
            #done
        })
    };
    let (entry, def) = (&n.entry, &n.def);
    out.items
        .push(INITPROC.entry(&quote!(), entry, &n.impl_fn, body));
    out.def(
        def.clone(),
        slot_def(def, "HPy_tp_init", &INITPROC, &quote!(#entry)),
    );
}

/// `tp_finalize`: `__del__` through `oxhpy::impl_::finalize` (no result: errors are reported as
/// unraisable; not run while an exception is being raised, nor for an object whose `#[new]`
/// never ran).
fn gen_del(c: &Callable, owner: &Type, n: &Names, out: &mut Generated) {
    let p = quote!(::oxhpy::impl_);
    let ffi = quote!(::oxhpy::impl_::ffi);
    let call = c.call(Some(owner));
    let done = quote_spanned!(c.ret_span=> { let _: () = ret; });
    let body = with_args(quote! {
        #call
        #done
        ::oxhpy::PyResult::Ok(())
    });
    let (entry, def, impl_fn) = (&n.entry, &n.def, &n.impl_fn);
    out.items.push(quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        struct #entry;

        #[doc(hidden)]
        #[allow(non_snake_case, clippy::let_unit_value)]
        unsafe extern "C" fn #impl_fn(ctx: *mut #ffi::HPyContext, _self: #ffi::HPy) {
            #[inline(always)]
            fn __oxhpy_body(py: ::oxhpy::Ctx<'_>, _self: #ffi::HPy) -> ::oxhpy::PyResult<()> {
                #body
            }
            // SAFETY: the interpreter calls the finalizer with its live context and object, an
            // instance of the class.
            unsafe {
                if #p::initialised::<#owner>(ctx, _self) {
                    #p::finalize(ctx, _self, |py| __oxhpy_body(py, _self));
                }
            }
        }

        // SAFETY: IMPL is a `DestructorImpl`, which `cpy_destructor::<entry>` forwards to.
        unsafe impl #p::Entry for #entry {
            // SAFETY: `impl_fn` has the function pointer type `DestructorImpl`.
            const IMPL: #ffi::HPyCFunction = unsafe { ::oxhpy::impl_::cfunc!(#impl_fn as #p::DestructorImpl, #p::DestructorImpl) };
        }
    });
    out.def(
        def.clone(),
        quote! {
            // SAFETY: HPy_tp_finalize takes a `DestructorImpl` and its trampoline.
            static #def: #p::MethodDef = unsafe { #p::MethodDef::slot(
                #ffi::HPy_tp_finalize, <#entry as #p::Entry>::IMPL, ::oxhpy::impl_::cpy!(#p::cpy_destructor::<#entry>)) };
        },
    );
}

/// `tp_richcompare`: one impl for every comparison method of the block, dispatching on the
/// operator; `NotImplemented` for an operator without a method, or an operand its method does not
/// take (as Python's own comparison protocol expects).
pub(crate) fn gen_richcmp(owner: &Type, out: &mut Generated) {
    if out.richcmp.is_empty() {
        return;
    }
    let ffi = quote!(::oxhpy::impl_::ffi);
    let scope = arg_scope();
    let arms: Vec<TokenStream> = out
        .richcmp
        .iter()
        .map(|(op, c)| {
            let op = format_ident!("{}", op);
            let Param { name, ty, .. } = &c.params[0];
            let ty = erase_lifetimes(quote!(#ty));
            let call = c.call(Some(owner));
            // SAFETY (in the generated code): the other operand's handle is live for the call.
            let extract = c.params[0].extract(quote!(unsafe { #scope.arg(arg) }));
            quote! {
                #ffi::#op => {
                    let #name: #ty = match #extract {
                        ::core::result::Result::Ok(v) => v,
                        ::core::result::Result::Err(_) => return ::oxhpy::impl_::not_implemented(py),
                    };
                    #call
                    ::oxhpy::IntoPy::into_py(ret, py).map(::oxhpy::Handle::into_raw)
                }
            }
        })
        .collect();
    let body = with_args(quote! {
        match op {
            #(#arms)*
            _ => ::oxhpy::impl_::not_implemented(py),
        }
    });
    let entry = format_ident!("__oxhpy_entry_richcmp");
    let def = format_ident!("__OXHPY_DEF_RICHCMP");
    let impl_fn = format_ident!("__oxhpy_impl_richcmp");
    out.items
        .push(RICHCMPFUNC.entry(&quote!(), &entry, &impl_fn, body));
    let item = slot_def(&def, "HPy_tp_richcompare", &RICHCMPFUNC, &quote!(#entry));
    out.def(def, item);
}

/// `mp_ass_subscript`: `__setitem__` for a value, `__delitem__` for NULL; the half the block does
/// not define raises `TypeError` (see `oxhpy::impl_::no_item_assignment`).
pub(crate) fn gen_ass_subscript(owner: &Type, out: &mut Generated) {
    let [set, del] = std::mem::take(&mut out.ass_subscript);
    if set.is_none() && del.is_none() {
        return;
    }
    let ffi = quote!(::oxhpy::impl_::ffi);
    let scope = arg_scope();
    // Mixed-site: the user's parameters (`key`, `value`, in any order) cannot shadow them.
    let k = Ident::new("raw_key", Span::mixed_site());
    let v = Ident::new("raw_value", Span::mixed_site());
    let arm = |c: Option<Callable>, delete: bool| match c {
        Some(c) => {
            // SAFETY: the key's handle is live for the call.
            let key = c.convert(
                0,
                quote!(::core::option::Option::Some(unsafe { #scope.arg(#k) })),
            );
            let value = if delete {
                quote!()
            } else {
                // SAFETY: the value's handle is live for the call (not NULL: an assignment).
                c.convert(
                    1,
                    quote!(::core::option::Option::Some(unsafe { #scope.arg(#v) })),
                )
            };
            let call = c.call(Some(owner));
            // The result must be `()`: a type error points at the method's return type.
            let done = quote_spanned!(c.ret_span=> ::oxhpy::impl_::done(ret));
            quote! { #key #value #call #done }
        }
        None => quote! {
            ::core::result::Result::Err(::oxhpy::impl_::no_item_assignment::<#owner>(#delete))
        },
    };
    let (set, del) = (arm(set, false), arm(del, true));
    let body = with_args(quote! {
        let (#k, #v) = (key, value);
        if #ffi::HPy_IsNull(#v) { #del } else { #set }
    });
    let entry = format_ident!("__oxhpy_entry_ass_subscript");
    let def = format_ident!("__OXHPY_DEF_ASS_SUBSCRIPT");
    let impl_fn = format_ident!("__oxhpy_impl_ass_subscript");
    out.items
        .push(OBJOBJARGPROC.entry(&quote!(), &entry, &impl_fn, body));
    let item = slot_def(
        &def,
        "HPy_mp_ass_subscript",
        &OBJOBJARGPROC,
        &quote!(#entry),
    );
    out.def(def, item);
}

/// `__buffer__`: the class implements `Export`; the buffer slots use oxhpy's generic entries.
fn gen_buffer(c: &Callable, owner: &Type, out: &mut Generated) {
    let p = quote!(::oxhpy::impl_);
    let ffi = quote!(::oxhpy::impl_::ffi);
    let body = if c.returns_result {
        quote!(<#owner>::__buffer__(self).map_err(::core::convert::Into::into))
    } else {
        quote!(::core::result::Result::Ok(<#owner>::__buffer__(self)))
    };
    out.items.push(quote! {
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
    out.defs.push(format_ident!("__OXHPY_GETBUFFER"));
    out.defs.push(format_ident!("__OXHPY_RELEASEBUFFER"));
}

/// A property being assembled: name, getter entry, setter entry, doc.
pub(crate) struct Property {
    pub name: String,
    pub get: Option<Ident>,
    pub set: Option<Ident>,
    pub doc: Option<String>,
}

/// Adds the getter or setter `entry` to property `name` of `props`.
pub(crate) fn add_accessor(
    props: &mut Vec<Property>,
    name: String,
    entry: Ident,
    getter: bool,
    doc: Option<String>,
) {
    let i = match props.iter().position(|g| g.name == name) {
        Some(i) => i,
        None => {
            props.push(Property {
                name,
                get: None,
                set: None,
                doc,
            });
            props.len() - 1
        }
    };
    if getter {
        props[i].get = Some(entry);
    } else {
        props[i].set = Some(entry);
    }
}

/// A `#[getter]`: `HPyFunc_GETTER`.
pub(crate) fn gen_getter(c: &Callable, owner: &Type, n: &Names) -> syn::Result<TokenStream> {
    if !matches!(c.recv, Recv::Ref | Recv::Slf) || !c.params.is_empty() {
        return Err(Error::new(
            c.span,
            "a #[getter] takes only `&self` (or `slf: PyRef<'_, Self>`)",
        ));
    }
    let ident = &c.ident;
    let ctx = if c.takes_ctx { quote!(py) } else { quote!() };
    let (borrow, recv) = c.borrow_recv(owner);
    let call = if c.returns_result {
        quote!(<#owner>::#ident(#recv, #ctx).map_err(::core::convert::Into::<::oxhpy::PyErr>::into)?)
    } else {
        quote!(<#owner>::#ident(#recv, #ctx))
    };
    let body = with_args(quote! {
        #borrow
        let ret = #call;
        ::oxhpy::IntoPy::into_py(ret, py).map(::oxhpy::Handle::into_raw)
    });
    Ok(GETTER.entry(&quote!(), &n.entry, &n.impl_fn, body))
}

/// A `#[setter]`: `HPyFunc_SETTER`.
pub(crate) fn gen_setter(c: &Callable, owner: &Type, n: &Names) -> syn::Result<TokenStream> {
    if c.recv == Recv::None || c.params.len() != 1 {
        return Err(Error::new(
            c.span,
            "a #[setter] takes a receiver (`&mut self`, `&self`, `slf: PyRef<'_, Self>`, \
             ...) and one value",
        ));
    }
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
    Ok(SETTER.entry(&quote!(), &n.entry, &n.impl_fn, body))
}

/// The names under which PyPy's type defines property `name`'s get, set and delete methods
/// (`oxhpy::impl_::PropertyDef`): `[c"__oxhpy_get_NAME", …]`.
pub(crate) fn hidden_names(name: &str) -> TokenStream {
    let names = ["get", "set", "del"].map(|k| c_str(&format!("__oxhpy_{k}_{name}")));
    quote!([#(#names),*])
}

/// The `PropertyDef` (`HPyDef_Kind_GetSet`) of each property. A read-only property still gets a setter, one
/// that raises AttributeError (CPython's message for a getset without one; PyPy 3.11 aborted the
/// process, "Fatal RPython error: NotImplementedError", on assigning an HPy property without one).
pub(crate) fn gen_properties(
    props: Vec<Property>,
    owner: &Type,
    span: proc_macro2::Span,
    out: &mut Generated,
) -> syn::Result<()> {
    let p = quote!(::oxhpy::impl_);
    for (i, prop) in props.into_iter().enumerate() {
        let def = format_ident!("__OXHPY_GETSET_{}", i);
        let Property {
            name,
            get,
            set,
            doc,
        } = prop;
        let Some(get) = get else {
            return Err(Error::new(
                span,
                format!("property `{name}` has a #[setter] but no #[getter]"),
            ));
        };
        let set = match set {
            Some(s) => s,
            None => {
                let s = format_ident!("__oxhpy_entry_readonly_{}", i);
                let f = format_ident!("__oxhpy_impl_readonly_{}", i);
                let msg = format!(
                    "attribute '{name}' of '{}' objects is not writable",
                    quote!(#owner)
                );
                out.items.push(SETTER.entry(
                    &quote!(),
                    &s,
                    &f,
                    quote! {
                        ::core::result::Result::Err(::oxhpy::PyErr::new(::oxhpy::Exc::AttributeError, #msg))
                    },
                ));
                s
            }
        };
        let hidden = hidden_names(&name);
        let name = c_str(&name);
        let doc = c_doc(doc);
        out.def(
            def.clone(),
            quote! {
                // SAFETY: the getter and setter entries, whose impls take an instance of the
                // owner.
                static #def: #p::PropertyDef = unsafe { #p::PropertyDef::new::<#get, #set>(
                    #name, #doc, #hidden) };
            },
        );
    }
    Ok(())
}
