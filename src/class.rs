//! Classes: a Rust struct as the payload of a Python type built from an `HPyType_Spec`.
//!
//! `#[oxhpy::class]` on a struct and `#[oxhpy::methods]` on its `impl` generate the spec; the
//! module that contains both creates the type at exec time and keeps it in a [`Global`].
//!
//! The payload lives inside the object as a `Payload`: a borrow flag plus the value. Memory
//! that HPy hands out zeroed reads as "not initialised", so an object whose constructor never ran
//! (or failed) is never read or dropped. `&self` methods take a shared borrow and `&mut self`
//! methods (setters) an exclusive one, checked at run time like `RefCell`: re-entrant mutation
//! raises `RuntimeError` instead of aliasing. `tp_destroy` gets no context, so dropping the value
//! must not touch Python: payload types are `'static`, hence hold no handles (long-lived
//! references are [`Field`]s, which the interpreter owns and clears).
//!
//! A class may extend another Rust class (`#[oxhpy::class(extends = Base)]`, where `Base` is
//! `#[oxhpy::class(subclass)]`): its instances hold the base's value first, then their own (a
//! [`LayoutOf`] the class), so the base's methods, properties and slots borrow them as instances
//! of the base, under the same borrow flag. Its `#[new]` returns `(Self, Base)` (see [`Init`]),
//! [`PyRef::as_super`] reaches the base's part, destroy drops every part once, traverse visits
//! the [`Field`]s of every part, and the module creates each class after its base.
//!
//! A class with [`Field`] members is *frozen*: it is not [`Mutable`], so it has no `&mut self`
//! methods or setters (the GC's traverse reads the fields whenever Python code runs, which a
//! `&mut` borrow must exclude); keep its mutable state in a `Mutex` or atomics.
//!
//! ```
//! use oxhpy::prelude::*;
//! use oxhpy::PyRef;
//!
//! /// Account(owner): a balance in cents.
//! #[oxhpy::class]
//! pub struct Account {
//!     owner: String,
//!     cents: i64,
//! }
//!
//! #[oxhpy::methods]
//! impl Account {
//!     #[new]
//!     fn new(owner: String) -> Self {
//!         Account { owner, cents: 0 }
//!     }
//!
//!     fn deposit(&mut self, cents: i64) {
//!         self.cents = self.cents.saturating_add(cents); // an exclusive borrow
//!     }
//!
//!     #[getter]
//!     fn cents(&self) -> i64 {
//!         self.cents // a shared borrow
//!     }
//! }
//!
//! /// A new, empty account of `a`'s owner: a class value converts to a new instance.
//! #[oxhpy::function]
//! fn sibling(a: PyRef<'_, Account>) -> Account {
//!     Account::new(a.owner.clone())
//! }
//! ```
use crate::context::Ctx;
use crate::err::{Exc, PyErr, PyResult};
use crate::function::PropertyDef;
use crate::handle::{AsHandle, Borrowed, Handle};
use crate::module::{Global, Module};
use hpy_sys as ffi;
use std::cell::{Cell, UnsafeCell};
use std::ffi::{c_void, CStr};
use std::marker::PhantomData;
use std::mem::MaybeUninit;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;

/// What `#[oxhpy::class]` implements for a payload struct: code generic over classes takes a
/// `T: PyClass`.
///
/// ```
/// use oxhpy::PyClass;
///
/// /// A point in the plane.
/// #[oxhpy::class(name = "Pt", subclass)]
/// pub struct Point {
///     x: f64,
///     y: f64,
/// }
///
/// assert_eq!(Point::NAME, "Pt");
/// assert_eq!(Point::DOC, Some(c"A point in the plane."));
/// ```
///
/// # Safety
/// `class_defs` must hold the `tp_destroy` slot [`destroy::<Self>`] (and `tp_traverse` with
/// [`traverse::<Self>`] when `FLAGS` has `HAVE_GC`) and otherwise only the `as_ptr()`s of static
/// [`PropertyDef`]s of `Self` (built as `PropertyDef::new` requires), and `type_global` must be
/// registered (declared with `#[oxhpy::global]`), so that the module definition lists it. `FIELDS` holds the offsets in
/// `Self` of distinct members of type [`Field`]; when it is not empty, `FLAGS` has `HAVE_GC`, as it
/// does when `Base`'s `FLAGS` has it (the class's traverse visits the base's fields too).
pub unsafe trait PyClass: Sized + Send + Sync + 'static {
    /// The Python name of the type (without module): the struct's name, or the class's
    /// `name = "..."`.
    ///
    /// ```
    /// use oxhpy::PyClass;
    ///
    /// #[oxhpy::class(name = "Vector")]
    /// pub struct Vec2([f64; 2]);
    ///
    /// assert_eq!(Vec2::NAME, "Vector");
    /// ```
    const NAME: &'static str;
    /// The docstring: the struct's doc comment, if any.
    ///
    /// <!-- no example: the trait's example shows it -->
    const DOC: Option<&'static CStr>;
    /// `HPy_TPFLAGS_*`: `BASETYPE` with `subclass`, `HAVE_GC` with [`Field`] members.
    ///
    /// ```
    /// use oxhpy::{ffi, PyClass};
    ///
    /// #[oxhpy::class(subclass)]
    /// pub struct Base {}
    ///
    /// assert_ne!(Base::FLAGS & ffi::HPy_TPFLAGS_BASETYPE as u64, 0);
    /// assert_eq!(Base::FLAGS & ffi::HPy_TPFLAGS_HAVE_GC as u64, 0);
    /// ```
    const FLAGS: u64;
    /// The offsets of the [`Field`] members (what `tp_traverse` visits, where a field may be used).
    #[doc(hidden)]
    const FIELDS: &'static [usize];
    /// Where the type object is kept, stored at module exec time.
    ///
    /// <!-- no example: `TypeGlobal`'s example calls it -->
    fn type_global() -> &'static TypeGlobal;
    /// The slots every class has (destroy, traverse).
    #[doc(hidden)]
    fn class_defs() -> Vec<*mut ffi::HPyDef>;
    /// The class this one extends (`#[oxhpy::class(extends = Base)]`), or [`NoBase`].
    ///
    /// ```
    /// use oxhpy::class::NoBase;
    /// use oxhpy::PyClass;
    ///
    /// #[oxhpy::class(subclass)]
    /// pub struct Shape {}
    ///
    /// #[oxhpy::class(extends = Shape)]
    /// pub struct Circle {}
    ///
    /// fn extends<T: PyClass<Base = B>, B>() {}
    /// extends::<Circle, Shape>();
    /// extends::<Shape, NoBase>();
    /// ```
    type Base: BaseClass;
}

/// What a class may extend: `#[oxhpy::class(subclass)]` implements it for its class, and
/// [`NoBase`] stands for "no base" (a class that extends none derives from `object`).
///
/// ```
/// use oxhpy::class::BaseClass;
///
/// #[oxhpy::class(subclass)]
/// pub struct Animal {}
///
/// fn extendable<T: BaseClass>() {}
/// extendable::<Animal>();
/// ```
///
/// A class without `subclass` is not one, so extending it does not compile:
///
/// ```compile_fail,E0277
/// #[oxhpy::class]
/// pub struct Sealed {}
///
/// #[oxhpy::class(extends = Sealed)]
/// pub struct Derived {}
/// ```
///
/// # Safety
/// `Layout` is [`NoBase`]'s `()`, or for a class `T`, `LayoutOf<T>` (the value of `T`'s
/// instances), and `base_type` is then `T`'s type global. `BUILTIN` is the built-in at the root of
/// the bases (`Some` only for [`FloatBase`], [`StrBase`] and the classes extending them: the shape
/// that the payload is read with), and `HAVE_GC` is `T`'s `HPy_TPFLAGS_HAVE_GC` bit (`0` for
/// `NoBase` and the built-ins).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be extended: it is not declared `#[oxhpy::class(subclass)]`",
    label = "not a base class",
    note = "add `subclass` to the base's attribute: `#[oxhpy::class(subclass)]`"
)]
pub unsafe trait BaseClass: 'static {
    /// What the instances of a class extending this one hold first: this class's whole value.
    #[doc(hidden)]
    type Layout: Parts;
    /// The type global of this class (`None` for [`NoBase`] and the built-in bases).
    #[doc(hidden)]
    fn base_type() -> Option<&'static TypeGlobal>;
    /// The built-in type at the root of this class's bases ([`FloatBase`], [`StrBase`]), if any.
    #[doc(hidden)]
    const BUILTIN: Option<Builtin> = None;
    /// `HPy_TPFLAGS_HAVE_GC` if the instances of this class have [`Field`]s (then so do those of
    /// a class extending it, whose traverse visits them), else `0`.
    #[doc(hidden)]
    const HAVE_GC: u64 = 0;
}

/// The base of a class that extends no other class ([`PyClass::Base`]): its Python base is
/// `object`.
///
/// ```
/// use oxhpy::class::NoBase;
/// use oxhpy::PyClass;
///
/// #[oxhpy::class]
/// pub struct Plain {}
///
/// fn root<T: PyClass<Base = NoBase>>() {}
/// root::<Plain>();
/// ```
pub enum NoBase {}

// SAFETY: no base: an empty layout, no type.
unsafe impl BaseClass for NoBase {
    type Layout = ();
    fn base_type() -> Option<&'static TypeGlobal> {
        None
    }
}

/// The base of a class whose instances are Python `float`s (`HPyType_BuiltinShape_Float`):
/// `#[oxhpy::class(extends = FloatBase)]`.
///
/// `float`'s own constructor makes the instance (so the class takes `float()`'s arguments, and the
/// float value is the instance's), then the class's `#[new]` runs as `__init__`, with the same
/// arguments, and gives the instance its Rust value. Python code reads the float as from any
/// `float`; a method reads it through `self`'s object (`slf.as_borrowed().extract::<f64>()`). Until
/// `#[new]` has run (`Cls.__new__(Cls)`, or a `#[new]` that failed) the methods raise
/// `TypeError`. A class extending a built-in cannot be made from Rust (`PyNew` raises
/// `TypeError`): only the class's call gives it its float value.
///
/// Only CPython's HPy runtime lays such instances out (see `docs/builtin-shapes.md`): on PyPy 3.11
/// and GraalPy 24.2 the class exists (a plain class, not a `float`), but calling it raises
/// `TypeError` saying so.
///
/// ```
/// use oxhpy::class::FloatBase;
/// use oxhpy::PyRef;
/// use oxhpy::prelude::*;
///
/// /// A temperature: a `float` with a unit.
/// #[oxhpy::class(extends = FloatBase)]
/// pub struct Temperature {
///     unit: char,
/// }
///
/// #[oxhpy::methods]
/// impl Temperature {
///     #[new]
///     fn new(_value: f64) -> Self {
///         Temperature { unit: 'C' }
///     }
///
///     fn fahrenheit(slf: PyRef<'_, Self>) -> PyResult<f64> {
///         Ok(slf.as_borrowed().extract::<f64>()? * 1.8 + 32.0)
///     }
/// }
/// ```
pub enum FloatBase {}

// SAFETY: no value of its own (the float's is the interpreter's), no oxhpy type.
unsafe impl BaseClass for FloatBase {
    type Layout = ();
    fn base_type() -> Option<&'static TypeGlobal> {
        None
    }
    const BUILTIN: Option<Builtin> = Some(Builtin::Float);
}

/// The base of a class whose instances are Python `str`s (`HPyType_BuiltinShape_Unicode`):
/// `#[oxhpy::class(extends = StrBase)]`, as [`FloatBase`] for `float`.
///
/// ```
/// use oxhpy::class::StrBase;
/// use oxhpy::prelude::*;
///
/// /// A name that remembers how often it was looked up.
/// #[oxhpy::class(extends = StrBase)]
/// pub struct Name {
///     lookups: std::sync::atomic::AtomicU32,
/// }
///
/// #[oxhpy::methods]
/// impl Name {
///     #[new]
///     fn new(_text: &str) -> Self {
///         Name { lookups: Default::default() }
///     }
///
///     fn look_up(&self) -> u32 {
///         1 + self.lookups.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
///     }
/// }
/// ```
pub enum StrBase {}

// SAFETY: as for `FloatBase`.
unsafe impl BaseClass for StrBase {
    type Layout = ();
    fn base_type() -> Option<&'static TypeGlobal> {
        None
    }
    const BUILTIN: Option<Builtin> = Some(Builtin::Str);
}

/// A built-in type that a class may extend ([`FloatBase`], [`StrBase`]).
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// `float`: `HPyType_BuiltinShape_Float`.
    Float,
    /// `str`: `HPyType_BuiltinShape_Unicode`.
    Str,
}

impl Builtin {
    fn shape(self) -> ffi::HPyType_BuiltinShape {
        match self {
            Builtin::Float => ffi::HPyType_BuiltinShape_Float,
            Builtin::Str => ffi::HPyType_BuiltinShape_Unicode,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Builtin::Float => "float",
            Builtin::Str => "str",
        }
    }

    /// The built-in type (a context constant).
    fn type_handle(self, ctx: Ctx<'_>) -> ffi::HPy {
        match self {
            Builtin::Float => ctx.constant(|c| c.h_FloatType),
            Builtin::Str => ctx.constant(|c| c.h_UnicodeType),
        }
    }

    /// Whether this interpreter's HPy runtime lays out instances of this shape: CPython's only
    /// (PyPy 3.11 aborts at the first `_HPy_AsStruct_Float`; GraalPy 24.2 never destroys them, see
    /// `docs/builtin-shapes.md`). Elsewhere the class is made as a plain class whose constructor
    /// refuses.
    fn supported() -> bool {
        let i = crate::context::Interpreter::get();
        !(i.pypy || i.graalpy)
    }

    /// Why this class cannot be instantiated here.
    fn unsupported<T: PyClass>(self) -> PyErr {
        let i = crate::context::Interpreter::get();
        let (interp, why) = if i.pypy {
            (
                "PyPy",
                "its HPy runtime has no _HPy_AsStruct_Float/_Unicode",
            )
        } else {
            ("GraalPy", "its HPy runtime never destroys such objects")
        };
        PyErr::new(
            Exc::TypeError,
            format!(
                "{} extends the built-in '{}', which HPy on {interp} does not support ({why})",
                T::NAME,
                self.name()
            ),
        )
    }
}

/// The built-in type at the root of `T`'s bases, where this interpreter supports it: then `T`'s
/// instances have that built-in's shape.
const fn builtin_of<T: PyClass>() -> Option<Builtin> {
    <T::Base as BaseClass>::BUILTIN
}

/// The value an instance of a class `T` holds: the value of its base's instances (`()` without a
/// base), then `T`. A subclass's value starts with its base's, so the base's methods read a
/// subclass instance as one of theirs.
#[doc(hidden)]
pub type LayoutOf<T> = Inherit<<<T as PyClass>::Base as BaseClass>::Layout, T>;

/// A value of a class that extends another: the base's value first (offset 0), then its own.
#[doc(hidden)]
#[repr(C)]
pub struct Inherit<B, T> {
    base: B,
    this: T,
}

/// The values of an instance's classes, most derived last: `()` or an [`Inherit`]. What traverse
/// and destroy walk.
///
/// # Safety
/// Implemented by `()` and by `Inherit<B, T>` only (sealed by `unsafe`; not to implement).
#[doc(hidden)]
pub unsafe trait Parts: Sized + Send + Sync + 'static {
    /// Reports the [`Field`]s of every part to the GC's visitor.
    ///
    /// # Safety
    /// `p` points to an initialised value, read while traverse runs.
    unsafe fn visit_fields(p: *const Self, visit: ffi::HPyFunc_visitproc, arg: *mut c_void) -> i32;
    /// Empties the [`Field`]s of every part (destroy: the runtime no longer needs them).
    ///
    /// # Safety
    /// `p` points to an initialised value that nothing else reads any more.
    unsafe fn clear_fields(p: *mut Self);
    /// Drops every part, the most derived first; a panicking `Drop` is reported and the other
    /// parts are dropped all the same.
    ///
    /// # Safety
    /// As `clear_fields`; the value is not used afterwards.
    unsafe fn drop_parts(p: *mut Self);
    /// The `basicsize` of the spec of the class whose instances hold this value (`0` for `()`, no
    /// class): its [`Payload`]'s size, or more, so that it exceeds its base's by [`GROWTH`] at
    /// least.
    const BASICSIZE: usize;
}

/// How much larger the struct of a class that extends another is than its base's, at least: each
/// class's instances are then larger than its base's in the interpreter too, which is what
/// CPython's `__class__` assignment looks at (it walks each of the two types up through bases of
/// the same size and layout, and accepts when the walks meet, or end in two siblings no larger
/// than their common base). A subclass with a zero-sized struct, or a small one that fits in its
/// base's trailing padding, would otherwise pass, and so would two such siblings: an object would
/// then hold another class's value than the one its type says (a `bool` read from another class's
/// byte, a `Drop` of a value never made). 16 is `sizeof(_HPy_MaxAlign_t)`, the alignment of the
/// hidden call-function member HPy adds after a callable class's struct (whose offset then grows
/// by 16 when the struct does). `add_class` checks the result on CPython.
const GROWTH: usize = 16;

// SAFETY: nothing to visit, clear or drop.
unsafe impl Parts for () {
    const BASICSIZE: usize = 0;
    unsafe fn visit_fields(_: *const Self, _: ffi::HPyFunc_visitproc, _: *mut c_void) -> i32 {
        0
    }
    unsafe fn clear_fields(_: *mut Self) {}
    unsafe fn drop_parts(_: *mut Self) {}
}

// SAFETY: visits, clears and drops `T`'s own part (its `FIELDS` are offsets in `T`), then the
// base's.
unsafe impl<B: Parts, T: PyClass> Parts for Inherit<B, T> {
    const BASICSIZE: usize = {
        let own = std::mem::size_of::<Payload<Self>>();
        let least = match B::BASICSIZE {
            0 => 0,
            base => (base + GROWTH).next_multiple_of(std::mem::align_of::<Payload<Self>>()),
        };
        if own >= least {
            own
        } else {
            least
        }
    };

    unsafe fn visit_fields(p: *const Self, visit: ffi::HPyFunc_visitproc, arg: *mut c_void) -> i32 {
        // SAFETY: per the contract; the fields are read through shared references (a `Mutable`
        // class has none, so no `&mut` borrow covers them) at the offsets `FIELDS` lists.
        unsafe {
            let this = std::ptr::addr_of!((*p).this) as *const u8;
            for &offset in T::FIELDS {
                let r = (*(this.add(offset) as *const Field)).visit(visit, arg);
                if r != 0 {
                    return r;
                }
            }
            B::visit_fields(std::ptr::addr_of!((*p).base), visit, arg)
        }
    }

    unsafe fn clear_fields(p: *mut Self) {
        // SAFETY: per the contract; `FIELDS` are the offsets of `Field`s, each a transparent
        // `HPyField`.
        unsafe {
            let this = std::ptr::addr_of_mut!((*p).this) as *mut u8;
            for &offset in T::FIELDS {
                std::ptr::write(this.add(offset) as *mut ffi::HPyField, ffi::HPyField_NULL);
            }
            B::clear_fields(std::ptr::addr_of_mut!((*p).base));
        }
    }

    unsafe fn drop_parts(p: *mut Self) {
        // A panicking Drop must not unwind into the interpreter: report it and go on. Neither
        // the panic's payload (whose own Drop may panic) nor a closed stderr may abort.
        // SAFETY: per the contract: each part is dropped once.
        if let Err(payload) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe {
            std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).this))
        })) {
            crate::trampoline::drop_payload(payload);
            let _ = std::io::Write::write_fmt(
                &mut std::io::stderr(),
                format_args!(
                    "oxhpy: panic while dropping a {} object (ignored)\n",
                    T::NAME
                ),
            );
        }
        // SAFETY: as above.
        unsafe { B::drop_parts(std::ptr::addr_of_mut!((*p).base)) }
    }
}

/// Where a class keeps its type object: a [`Global`] that only oxhpy stores into (when the module
/// creates the type), so that no other object can pass for the class's type.
///
/// ```
/// use oxhpy::prelude::*;
/// use oxhpy::PyClass;
///
/// /// Whether the module has created `T`'s type yet (it does in its exec slot).
/// fn created<T: PyClass>(ctx: Ctx<'_>) -> bool {
///     T::type_global().load(ctx).is_some()
/// }
/// ```
#[repr(transparent)]
pub struct TypeGlobal(Global);

impl TypeGlobal {
    /// A new handle to the type, or `None` before the module created it (see
    /// [`type_object`] for the type as a `PyResult`).
    ///
    /// <!-- no example: the type's example calls it -->
    pub fn load<'py>(&'static self, ctx: Ctx<'py>) -> Option<Handle<'py>> {
        self.0.load(ctx)
    }
}

// SAFETY: one `Global` (`repr(transparent)`), empty. `#[oxhpy::class]` declares the type's
// with `#[oxhpy::global]`.
unsafe impl crate::module::Globals for TypeGlobal {
    const EMPTY: crate::module::Unregistered<Self> =
        crate::module::Unregistered::new(TypeGlobal(Global::new()));
}

/// What `#[oxhpy::methods]` implements: the methods, properties and slots of the `impl` block.
///
/// # Safety
/// [`add_class`] puts `method_defs` into the type's spec and HPy calls what they define with
/// instances of the type as `self`: every entry is the `as_ptr()` of a static
/// [`MethodDef`](crate::impl_::MethodDef) or [`PropertyDef`] built as its constructor requires,
/// for a method, property or slot whose impl takes a `Self` as `self`.
#[doc(hidden)]
pub unsafe trait PyMethods: PyClass {
    /// What is added to the type once every class of the module is created: static and class
    /// methods, class attributes.
    fn class_items() -> Vec<ClassItem> {
        Vec::new()
    }

    /// Their definitions.
    fn method_defs() -> Vec<*mut ffi::HPyDef>;

    /// The `#[new]` as a `tp_init` slot (see [`init_builtin`]): what a class that extends a
    /// built-in has instead of its `tp_new`.
    fn new_as_init() -> Option<*mut ffi::HPyDef> {
        None
    }

    /// The special methods among them that have no HPy slot (`__iter__`, `__next__`): the type
    /// sets each on itself again once created, which makes CPython fill the slot from it.
    fn type_attrs() -> &'static [&'static CStr] {
        &[]
    }
}

/// The payload of an instance: a header (the borrow flag, ...) and the value, a [`LayoutOf`] the
/// instance's class.
///
/// The header is 32 bytes and the value at most 16-aligned (`basicsize` checks), so the value is
/// at offset 32 whatever its type: a subclass's payload starts with its base's (the base's value
/// is the first member of the subclass's, see [`Inherit`]), and one flag guards both views.
#[repr(C)]
pub(crate) struct Payload<L> {
    head: Header,
    value: UnsafeCell<MaybeUninit<L>>,
}

/// What every payload starts with.
///
/// Flag: `0` not initialised (zeroed memory), `1` free, `n > 1` shared by `n - 1`, `-1` exclusive.
#[repr(C)]
pub(crate) struct Header {
    flag: Cell<isize>,
    /// How many buffer exports are alive.
    exports: Cell<usize>,
    /// shape[0] and strides[0] of the live buffer exports: they must live as long as an export,
    /// and so does the object (the export holds a reference to it).
    dims: UnsafeCell<[ffi::HPy_ssize_t; 2]>,
}

const UNINIT: isize = 0;
const FREE: isize = 1;
const EXCLUSIVE: isize = -1;

impl<L: Parts> Payload<L> {
    /// The `basicsize` of a spec whose instances hold an `L`: `size_of::<Payload<L>>()`, or more
    /// to exceed its base's (see [`Parts::BASICSIZE`]), with the alignment HPy guarantees.
    pub(crate) const fn basicsize() -> i32 {
        assert!(
            std::mem::align_of::<Self>() <= 16,
            "oxhpy payloads must be aligned to at most 16 bytes"
        );
        assert!(
            std::mem::offset_of!(Self, value) == 32,
            "the value of every oxhpy payload is at offset 32"
        );
        assert!(
            L::BASICSIZE >= std::mem::size_of::<Self>() && L::BASICSIZE <= i32::MAX as usize,
            "an oxhpy payload's basicsize holds it and fits an i32"
        );
        L::BASICSIZE as i32
    }
}

/// The payload of `T`'s instances.
type PayloadOf<T> = Payload<LayoutOf<T>>;

/// A shared borrow of an instance's payload, with the instance itself: what `&self` methods
/// borrow, and what a `slf: PyRef<'_, Self>` first parameter receives (a method that needs its
/// object: to use its [`Field`]s, or to return or pass it on through [`PyRef::as_borrowed`]).
/// Derefs to `T`. As a parameter of a function, it borrows an argument of type `T` (`TypeError`
/// for another type). It lives no longer than the call.
///
/// ```
/// use oxhpy::prelude::*;
/// use oxhpy::PyRef;
///
/// #[oxhpy::class]
/// pub struct Account {
///     cents: i64,
/// }
///
/// /// The total of two accounts (the same one twice is fine: both borrows are shared).
/// #[oxhpy::function]
/// fn total(a: PyRef<'_, Account>, b: PyRef<'_, Account>) -> i64 {
///     a.cents + b.cents
/// }
/// ```
///
/// Returned (as [`IntoPy`](crate::IntoPy)), a `PyRef` or [`PyRefMut`] gives the object itself,
/// and its borrow ends: a method returns `slf` to return `self`, e.g. for chaining.
///
/// ```
/// use oxhpy::prelude::*;
/// use oxhpy::{PyRef, PyRefMut};
///
/// #[oxhpy::class]
/// pub struct Builder {
///     parts: Vec<String>,
/// }
///
/// #[oxhpy::methods]
/// impl Builder {
///     /// Appends `part`; returns the builder itself: `b.add("a").add("b")`.
///     fn add(mut slf: PyRefMut<'_, Self>, part: String) -> PyRefMut<'_, Self> {
///         slf.parts.push(part);
///         slf
///     }
///
///     /// The builder itself, or `None` when it is empty.
///     fn or_none(slf: PyRef<'_, Self>) -> Option<PyRef<'_, Self>> {
///         (!slf.parts.is_empty()).then_some(slf)
///     }
/// }
/// ```
#[repr(C)]
pub struct PyRef<'a, T> {
    /// The payload's header, as a pointer to the whole payload (a `PayloadOf<T>`).
    p: NonNull<Header>,
    obj: Borrowed<'a, 'a>,
    _value: PhantomData<&'a T>,
}

/// An exclusive borrow of an instance's payload, with the instance: what `&mut self` methods
/// and setters borrow (`slf: PyRefMut<'_, Self>` receives it). Only for [`Mutable`] classes.
/// Derefs to `T` mutably.
///
/// ```
/// use oxhpy::prelude::*;
/// use oxhpy::PyRefMut;
///
/// #[oxhpy::class]
/// pub struct Counter {
///     n: i64,
/// }
///
/// #[oxhpy::methods]
/// impl Counter {
///     /// Adds `k` and returns the counter itself: `c.add(1).add(2)`.
///     fn add(mut slf: PyRefMut<'_, Self>, k: i64) -> Handle<'_> {
///         slf.n += k;
///         slf.as_borrowed().dup()
///     }
/// }
/// ```
#[repr(C)]
pub struct PyRefMut<'a, T> {
    /// As in [`PyRef`] (the same layout: `as_super` casts one to the other).
    p: NonNull<Header>,
    obj: Borrowed<'a, 'a>,
    _value: PhantomData<&'a mut T>,
}

/// The classes whose instances may be borrowed mutably (`&mut self` methods, setters, [`PyRefMut`]):
/// `#[oxhpy::class]` implements it for every class without [`Field`] members. A class with fields
/// is frozen: the GC reads them through a shared reference at any time Python code runs (an impl
/// for such a class by hand fails to build: borrowing it mutably, as `self` or through a
/// subclass's [`PyRefMut::as_super_mut`], asserts that it has no fields).
///
/// ```
/// use oxhpy::class::Mutable;
///
/// #[oxhpy::class]
/// pub struct Plain {
///     n: i64,
/// }
///
/// fn mutable<T: Mutable>() {}
/// mutable::<Plain>();
/// ```
///
/// A class with a `Field` is not:
///
/// ```compile_fail,E0277
/// # use oxhpy::class::Mutable;
/// #[oxhpy::class]
/// pub struct Holder {
///     item: oxhpy::Field,
/// }
///
/// fn mutable<T: Mutable>() {}
/// mutable::<Holder>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` holds `oxhpy::Field`s, so it is frozen: it cannot be borrowed mutably",
    label = "no `&mut self` methods or setters on a class with `Field` members",
    note = "the GC reads a class's fields whenever Python code runs, which a `&mut` borrow must \
            exclude: keep mutable state in a `Mutex` or atomics and take `&self`"
)]
pub trait Mutable {}

impl<'a, T> PyRef<'a, T> {
    /// The object whose payload this is (a handle borrowed for as long as this borrow).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyRef;
    ///
    /// #[oxhpy::class]
    /// pub struct Job {
    ///     id: u64,
    /// }
    ///
    /// #[oxhpy::methods]
    /// impl Job {
    ///     /// Calls `callback(self, id)`.
    ///     fn report(slf: PyRef<'_, Self>, callback: Borrowed<'_, '_>) -> PyResult<()> {
    ///         callback.call((slf.as_borrowed(), slf.id))?;
    ///         Ok(())
    ///     }
    /// }
    /// ```
    pub fn as_borrowed(&self) -> Borrowed<'_, 'a> {
        self.obj
    }
}

impl<'a, T> PyRefMut<'a, T> {
    /// The object whose payload this is (a handle borrowed for as long as this borrow).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyRefMut;
    ///
    /// #[oxhpy::class(subclass)]
    /// pub struct Stack {
    ///     items: Vec<i64>,
    /// }
    ///
    /// #[oxhpy::methods]
    /// impl Stack {
    ///     fn pop(mut slf: PyRefMut<'_, Self>) -> PyResult<i64> {
    ///         let name = slf.as_borrowed().type_name(); // a subclass's own name
    ///         let empty = || PyErr::new(Exc::IndexError, format!("pop from empty {name}"));
    ///         slf.items.pop().ok_or_else(empty)
    ///     }
    /// }
    /// ```
    pub fn as_borrowed(&self) -> Borrowed<'_, 'a> {
        self.obj
    }
}

/// The value of `T` in the payload whose header `p` points to (a `PayloadOf<T>`, or a subclass's,
/// which starts with it).
///
/// # Safety
/// `p` points to the payload of a live instance of `T` (or a subclass) whose value is initialised.
unsafe fn value_ptr<T: PyClass>(p: NonNull<Header>) -> *mut T {
    let p = p.as_ptr() as *const PayloadOf<T>;
    // SAFETY: per the contract; `MaybeUninit<L>` has `L`'s layout.
    unsafe { std::ptr::addr_of_mut!((*((*p).value.get() as *mut LayoutOf<T>)).this) }
}

impl<T: PyClass> Deref for PyRef<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the flag says initialised and shared-borrowed for as long as this guard lives.
        unsafe { &*value_ptr::<T>(self.p) }
    }
}

impl<T> Drop for PyRef<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the payload outlives the guard (the object is alive for 'a).
        let flag = unsafe { &self.p.as_ref().flag };
        flag.set(flag.get() - 1);
    }
}

impl<T: PyClass> Deref for PyRefMut<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the flag says initialised and exclusively borrowed by this guard.
        unsafe { &*value_ptr::<T>(self.p) }
    }
}

impl<T: PyClass> DerefMut for PyRefMut<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as above; the guard is the only access path to `T`'s part while it lives (no
        // traverse reads it: a `Mutable` class has no fields of its own, and a base's fields are
        // in the base's part).
        unsafe { &mut *value_ptr::<T>(self.p) }
    }
}

impl<T> Drop for PyRefMut<'_, T> {
    fn drop(&mut self) {
        // SAFETY: as for `PyRef`.
        unsafe { self.p.as_ref().flag.set(FREE) };
    }
}

impl<'a, T: PyClass> PyRef<'a, T>
where
    T::Base: PyClass,
{
    /// The object as an instance of the class `T` extends (its base's part of the value): it
    /// derefs to the base's value, and owns the base's [`Field`]s. PyO3's `as_super`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyRef;
    ///
    /// #[oxhpy::class(subclass)]
    /// pub struct Animal {
    ///     name: String,
    /// }
    ///
    /// #[oxhpy::class(extends = Animal)]
    /// pub struct Dog {
    ///     tricks: u32,
    /// }
    ///
    /// #[oxhpy::methods]
    /// impl Dog {
    ///     /// "Rex knows 3 tricks"
    ///     fn describe(slf: PyRef<'_, Self>) -> String {
    ///         format!("{} knows {} tricks", slf.as_super().name, slf.tricks)
    ///     }
    /// }
    /// ```
    pub fn as_super(&self) -> &PyRef<'a, T::Base> {
        const { assert_extends::<T>() };
        // SAFETY: `PyRef` is `repr(C)` with the same members whatever its class; the payload of a
        // `T` starts with its base's (`LayoutOf<T>` holds the base's value first, at the same
        // offset: `assert_extends`), and the shared borrow is the same one.
        unsafe { &*(self as *const Self as *const PyRef<'a, T::Base>) }
    }

    /// The borrow as one of the base's: what a function taking a `PyRef` of the base accepts.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyRef;
    ///
    /// #[oxhpy::class(subclass)]
    /// pub struct Animal {
    ///     name: String,
    /// }
    ///
    /// #[oxhpy::class(extends = Animal)]
    /// pub struct Cat {}
    ///
    /// fn name_of(a: PyRef<'_, Animal>) -> String {
    ///     a.name.clone()
    /// }
    ///
    /// #[oxhpy::methods]
    /// impl Cat {
    ///     fn name(slf: PyRef<'_, Self>) -> String {
    ///         name_of(slf.into_super())
    ///     }
    /// }
    /// ```
    pub fn into_super(self) -> PyRef<'a, T::Base> {
        const { assert_extends::<T>() };
        let this = std::mem::ManuallyDrop::new(self);
        // The borrow moves to the new guard (which ends it).
        PyRef {
            p: this.p,
            obj: this.obj,
            _value: PhantomData,
        }
    }
}

impl<'a, T: PyClass> PyRefMut<'a, T>
where
    T::Base: PyClass,
{
    /// The base's part of the object, to read (see [`PyRef::as_super`]).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyRefMut;
    ///
    /// #[oxhpy::class(subclass)]
    /// pub struct Account {
    ///     cents: i64,
    /// }
    ///
    /// #[oxhpy::class(extends = Account)]
    /// pub struct Savings {
    ///     interest: i64,
    /// }
    ///
    /// #[oxhpy::methods]
    /// impl Savings {
    ///     /// Credits the interest earned on the balance.
    ///     fn credit(mut slf: PyRefMut<'_, Self>) {
    ///         let earned = slf.as_super().cents / 100 * slf.interest;
    ///         slf.interest = 0;
    ///         slf.as_super_mut().cents += earned;
    ///     }
    /// }
    /// ```
    pub fn as_super(&self) -> &PyRef<'a, T::Base> {
        const { assert_extends::<T>() };
        // SAFETY: `PyRefMut` and `PyRef` are `repr(C)` with the same members; as in
        // `PyRef::as_super`. The exclusive borrow covers the shared one (the flag says exclusive,
        // which the returned reference, never owned, does not end).
        unsafe { &*(self as *const Self as *const PyRef<'a, T::Base>) }
    }

    /// The base's part of the object, to change; only when the base is [`Mutable`] (a frozen
    /// base's `Field`s are read by the GC at any time).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyRefMut;
    ///
    /// #[oxhpy::class(subclass)]
    /// pub struct Counter {
    ///     n: u64,
    /// }
    ///
    /// #[oxhpy::class(extends = Counter)]
    /// pub struct Logged {
    ///     log: Vec<u64>,
    /// }
    ///
    /// #[oxhpy::methods]
    /// impl Logged {
    ///     fn tick(mut slf: PyRefMut<'_, Self>) -> u64 {
    ///         slf.as_super_mut().n += 1;
    ///         let n = slf.as_super().n;
    ///         slf.log.push(n);
    ///         n
    ///     }
    /// }
    /// ```
    pub fn as_super_mut(&mut self) -> &mut T::Base
    where
        T::Base: Mutable,
    {
        const { assert_extends::<T>() };
        // `Mutable` is safe to implement: a base with fields is refused here too (at build time),
        // as in `borrow_self_mut`.
        const {
            assert!(
                <T::Base as PyClass>::FIELDS.is_empty(),
                "a class with `Field`s cannot be borrowed mutably (as_super_mut into a base with \
                 `Field`s)"
            )
        };
        // SAFETY: the flag says exclusive for as long as this guard lives, and the base's part
        // holds no fields of its own (checked above; the fields of the base's own bases are in
        // their parts, which `&mut T::Base` does not cover): the guard is its only access path.
        unsafe { &mut *value_ptr::<T::Base>(self.p) }
    }
}

/// Checks that `T`'s payload starts with its base's, so that the base's methods may borrow a `T`
/// (see [`Payload`]).
const fn assert_extends<T: PyClass>() {
    assert!(
        std::mem::offset_of!(PayloadOf<T>, value)
            == std::mem::offset_of!(Payload<<T::Base as BaseClass>::Layout>, value)
            && std::mem::offset_of!(LayoutOf<T>, base) == 0,
        "a class's payload must start with its base's"
    );
}

/// The payload of `obj`, which must be an instance of `T`'s type (or a subclass).
///
/// # Safety
/// `obj` is a live instance of `T`'s type, valid for `'a`.
unsafe fn payload<'a, T: PyClass>(ctx: Ctx<'_>, obj: ffi::HPy) -> &'a PayloadOf<T> {
    // SAFETY: per the contract, `obj` has a `PayloadOf<T>` (or a subclass's, which starts with it)
    // as its HPy struct.
    unsafe { &*(as_struct::<T>(ctx.as_ptr(), obj) as *const PayloadOf<T>) }
}

/// The HPy struct of `obj`, an instance of `T` (or of a subclass), through the accessor of its
/// shape.
///
/// # Safety
/// `ctx` is a live context and `obj` a live instance of `T` in it.
#[inline(always)]
unsafe fn as_struct<T: PyClass>(ctx: *mut ffi::HPyContext, obj: ffi::HPy) -> *mut c_void {
    // SAFETY: per the contract; the instances of a class extending a built-in have its shape
    // where the runtime supports it (`add_class`), and are plain objects elsewhere.
    unsafe {
        match builtin_of::<T>() {
            Some(Builtin::Float) if Builtin::supported() => ffi::_HPy_AsStruct_Float(ctx, obj),
            Some(Builtin::Str) if Builtin::supported() => ffi::_HPy_AsStruct_Unicode(ctx, obj),
            _ => ffi::_HPy_AsStruct_Object(ctx, obj),
        }
    }
}

/// Why `self` (whose borrow flag is `flag`) cannot be borrowed, shared or not.
#[cold]
#[inline(never)]
fn borrow_error<T: PyClass>(flag: isize, exclusive: bool) -> PyErr {
    match flag {
        UNINIT => PyErr::new(
            Exc::TypeError,
            format!(
                "{} object is not initialised (its __new__ did not run)",
                T::NAME
            ),
        ),
        EXCLUSIVE => PyErr::new(
            Exc::RuntimeError,
            format!("{} object is being modified", T::NAME),
        ),
        _ if exclusive => PyErr::new(
            Exc::RuntimeError,
            format!("{} object is already borrowed", T::NAME),
        ),
        _ => unreachable!("a shared borrow is refused only when uninitialised or exclusive"),
    }
}

/// The object `slf` as a handle borrowed for `'a`, with a context of that lifetime.
///
/// # Safety
/// `slf` is a live handle of `ctx`'s call that stays open for `'a`.
unsafe fn object<'a>(ctx: Ctx<'_>, slf: ffi::HPy) -> Borrowed<'a, 'a> {
    // SAFETY: a handle open for 'a belongs to a call in progress for 'a: its context is live for
    // 'a too, and so is the handle.
    unsafe { Borrowed::from_raw(Ctx::from_raw(ctx.as_ptr()), slf) }
}

/// Shared borrow of `self` in a method.
///
/// # Safety
/// `slf` is the live `self` handle of a method of `T` (the interpreter checked its type), open
/// for `'a`.
#[doc(hidden)]
#[inline]
pub unsafe fn borrow_self<'a, T: PyClass>(ctx: Ctx<'_>, slf: ffi::HPy) -> PyResult<PyRef<'a, T>> {
    // SAFETY: per the contract.
    let p = unsafe { payload::<T>(ctx, slf) };
    match p.head.flag.get() {
        n @ (UNINIT | EXCLUSIVE) => Err(borrow_error::<T>(n, false)),
        n => {
            p.head.flag.set(n + 1);
            // SAFETY: per the contract.
            let obj = unsafe { object(ctx, slf) };
            Ok(PyRef {
                p: NonNull::from(p).cast(),
                obj,
                _value: PhantomData,
            })
        }
    }
}

/// Exclusive borrow of `self` in a `&mut self` method or setter.
///
/// # Safety
/// As [`borrow_self`].
#[doc(hidden)]
#[inline]
pub unsafe fn borrow_self_mut<'a, T: PyClass + Mutable>(
    ctx: Ctx<'_>,
    slf: ffi::HPy,
) -> PyResult<PyRefMut<'a, T>> {
    // `Mutable` is safe to implement: a class with fields is refused here too (at build time).
    const {
        assert!(
            T::FIELDS.is_empty(),
            "a class with `Field`s cannot be borrowed mutably"
        )
    };
    // SAFETY: per the contract.
    let p = unsafe { payload::<T>(ctx, slf) };
    match p.head.flag.get() {
        UNINIT => Err(borrow_error::<T>(UNINIT, true)),
        FREE => {
            p.head.flag.set(EXCLUSIVE);
            // SAFETY: per the contract.
            let obj = unsafe { object(ctx, slf) };
            Ok(PyRefMut {
                p: NonNull::from(p).cast(),
                obj,
                _value: PhantomData,
            })
        }
        n => Err(borrow_error::<T>(n, true)),
    }
}

/// Whether the payload of `slf` holds a value (its `#[new]` ran): a finalizer has nothing to
/// finalize otherwise.
///
/// # Safety
/// `ctx` is a live context and `slf` a live instance of `T` (or of a subclass) in it.
#[doc(hidden)]
pub unsafe fn initialised<T: PyClass>(ctx: *mut ffi::HPyContext, slf: ffi::HPy) -> bool {
    // SAFETY: per the contract; HPy gives a subclass's instances the payload of their HPy base.
    unsafe {
        let data = as_struct::<T>(ctx, slf) as *const Header;
        !data.is_null() && (*data).flag.get() != UNINIT
    }
}

/// Starts a buffer export of `slf` with `dims` (shape[0], strides[0]) and returns where they are
/// kept, in the object, for as long as any export lives. Live exports share them, so an export
/// with other dims while one is alive is refused (`BufferError`), never written over a live one's.
///
/// # Safety
/// `slf` is a live instance of `T`; [`end_export`] is called once per successful call.
pub(crate) unsafe fn begin_export<T: PyClass>(
    ctx: Ctx<'_>,
    slf: ffi::HPy,
    dims: [ffi::HPy_ssize_t; 2],
) -> PyResult<*mut ffi::HPy_ssize_t> {
    // SAFETY: per the contract.
    let p = &unsafe { payload::<T>(ctx, slf) }.head;
    let kept = p.dims.get();
    // SAFETY: only this function writes the dims, only while no export is alive; a live export's
    // consumer only reads them.
    unsafe {
        if p.exports.get() > 0 && *kept != dims {
            return Err(PyErr::new(
                Exc::BufferError,
                format!(
                    "a {} object cannot export another shape while an export is alive",
                    T::NAME
                ),
            ));
        }
        *kept = dims;
    }
    p.exports.set(p.exports.get() + 1);
    Ok(kept as *mut ffi::HPy_ssize_t)
}

/// Ends an export [`begin_export`] started, and the shared borrow its `getbuffer` kept.
///
/// # Safety
/// `slf` is a live instance of `T` with such an export.
pub(crate) unsafe fn end_export<T: PyClass>(ctx: Ctx<'_>, slf: ffi::HPy) {
    // SAFETY: per the contract.
    let p = &unsafe { payload::<T>(ctx, slf) }.head;
    p.exports.set(p.exports.get().saturating_sub(1));
    // SAFETY: per the contract.
    unsafe { end_shared_borrow::<T>(ctx, slf) }
}

/// Ends a shared borrow taken by [`borrow_self`] whose guard was forgotten (buffer exports).
///
/// # Safety
/// `slf` is a live instance of `T` with such an outstanding borrow.
pub(crate) unsafe fn end_shared_borrow<T: PyClass>(ctx: Ctx<'_>, slf: ffi::HPy) {
    // SAFETY: per the contract.
    let p = &unsafe { payload::<T>(ctx, slf) }.head;
    if p.flag.get() > FREE {
        p.flag.set(p.flag.get() - 1);
    }
}

/// `isinstance(obj, T)`.
///
/// ```
/// use oxhpy::prelude::*;
/// use oxhpy::class::is_instance;
///
/// #[oxhpy::class]
/// pub struct Token {}
///
/// /// How many of `items` are `Token`s.
/// #[oxhpy::function]
/// fn count_tokens(items: Vec<Handle<'_>>) -> PyResult<usize> {
///     items.iter().try_fold(0, |n, x| Ok(n + usize::from(is_instance::<Token>(x)?)))
/// }
/// ```
pub fn is_instance<'py, T: PyClass>(obj: &impl AsHandle<'py>) -> PyResult<bool> {
    let ctx = obj.ctx();
    let ty = type_object::<T>(ctx)?;
    // SAFETY: live object and type handles.
    Ok(unsafe { ffi::HPy_TypeCheck(ctx.as_ptr(), obj.raw(), ty.raw()) != 0 })
}

/// The type object of `T` (created by the module's exec slot); `SystemError` before.
///
/// ```
/// use oxhpy::prelude::*;
/// use oxhpy::class::type_object;
///
/// #[oxhpy::class]
/// pub struct Account {
///     owner: String,
/// }
/// # #[oxhpy::methods]
/// # impl Account {
/// #     #[new]
/// #     fn new(owner: String) -> Self { Account { owner } }
/// # }
///
/// /// `Account("bank")`: calls the class, as Python code does.
/// fn bank_account(ctx: Ctx<'_>) -> PyResult<Handle<'_>> {
///     type_object::<Account>(ctx)?.call(("bank",))
/// }
/// ```
pub fn type_object<T: PyClass>(ctx: Ctx<'_>) -> PyResult<Handle<'_>> {
    T::type_global().load(ctx).ok_or_else(|| {
        PyErr::new(
            Exc::SystemError,
            format!("type {} is not initialised", T::NAME),
        )
    })
}

/// Borrows the payload of an argument, checking its type (`x: PyRef<'_, T>` parameters); the
/// `PyRef` carries `obj`, so it can be the owner of `T`'s [`Field`]s. `TypeError` for an object
/// of another type.
///
/// ```
/// use oxhpy::prelude::*;
/// use oxhpy::class::extract_ref;
///
/// #[oxhpy::class]
/// pub struct Money {
///     cents: i64,
/// }
///
/// /// The cents of a `Money`, or an `int` as it is.
/// #[oxhpy::function]
/// fn cents(x: Borrowed<'_, '_>) -> PyResult<i64> {
///     match extract_ref::<Money>(x) {
///         Ok(m) => Ok(m.cents),
///         Err(_) => x.extract(),
///     }
/// }
/// ```
pub fn extract_ref<'a, 'py, T: PyClass>(obj: Borrowed<'a, 'py>) -> PyResult<PyRef<'a, T>> {
    if !is_instance::<T>(&obj)? {
        return Err(crate::convert::wrong_type(&obj, T::NAME));
    }
    // SAFETY: `obj` is an instance of T's type, alive for 'a.
    unsafe { borrow_self(obj.ctx(), obj.raw()) }
}

impl<'a, 'py, T: PyClass> crate::FromPy<'a, 'py> for PyRef<'a, T> {
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        extract_ref(obj)
    }
}

/// What makes a new instance of a class: what its `#[new]` returns, and what [`PyNew`] wraps. A
/// class that extends none is its own initializer; a class `C` that extends `B` is made from
/// `(C, b)`, where `b` makes a `B`: `(C, B)`, or `(C, (B, A))` when `B` extends `A`, and so on.
///
/// ```
/// use oxhpy::prelude::*;
/// use oxhpy::class::Init;
/// use oxhpy::PyNew;
///
/// #[oxhpy::class(subclass)]
/// pub struct Shape {
///     name: String,
/// }
///
/// #[oxhpy::class(extends = Shape)]
/// pub struct Square {
///     side: f64,
/// }
///
/// #[oxhpy::methods]
/// impl Square {
///     #[new]
///     fn new(side: f64) -> (Self, Shape) {
///         (Square { side }, Shape { name: "square".into() })
///     }
/// }
///
/// /// A unit square (a new `Square` object).
/// #[oxhpy::function]
/// fn unit() -> PyNew<(Square, Shape)> {
///     PyNew((Square { side: 1.0 }, Shape { name: "unit".into() }))
/// }
///
/// fn new_instance<'py, I: Init>(ctx: Ctx<'py>, init: I) -> PyResult<Handle<'py>> {
///     PyNew(init).into_py(ctx)
/// }
/// ```
///
/// # Drop order
///
/// Inside an object, the most derived part of the value drops first, then its base's, and so on
/// (`Square`, then `Shape`). A value dropped before it is placed in an object (creating the object
/// failed) drops as Rust drops it: the initializer, a tuple, drops the most derived part first
/// too, but once it is laid out as the instance's value (the base's part first in memory), just
/// before the object is allocated, a failing allocation drops the base part first. So a `Drop`
/// should not rely on the order in which the parts of one value drop.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not make a new instance of an oxhpy class",
    label = "not an initializer",
    note = "a class that extends another is made from `(Self, Base)` (or `(Self, (Base, \
            BaseOfBase))`, ...): return that from its `#[new]`"
)]
pub trait Init: Sized {
    /// The class of the new instance.
    type Class: PyClass;
    /// The value of the new instance.
    #[doc(hidden)]
    fn into_layout(self) -> LayoutOf<Self::Class>;
}

/// What a class whose instances are made from its value alone extends: no class ([`NoBase`]) or a
/// built-in ([`FloatBase`], [`StrBase`]).
///
/// # Safety
/// The base's `Layout` is `()`.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "a class that extends `{Self}` is made from `(Self, {Self})`, not from `Self` alone",
    label = "not an initializer",
    note = "return `(Self, Base)` (or `(Self, (Base, BaseOfBase))`, ...) from its `#[new]`"
)]
pub unsafe trait RootBase: BaseClass<Layout = ()> {}

// SAFETY: `Layout = ()`.
unsafe impl RootBase for NoBase {}
// SAFETY: `Layout = ()`.
unsafe impl RootBase for FloatBase {}
// SAFETY: `Layout = ()`.
unsafe impl RootBase for StrBase {}

/// A class that extends no other class ([`NoBase`], or a built-in such as [`FloatBase`]) is its
/// own initializer.
impl<C: PyClass> Init for C
where
    C::Base: RootBase,
{
    type Class = C;
    fn into_layout(self) -> LayoutOf<C> {
        Inherit {
            base: (),
            this: self,
        }
    }
}

impl<C, B> Init for (C, B)
where
    C: PyClass,
    B: Init,
    C::Base: BaseClass<Layout = LayoutOf<B::Class>>,
{
    type Class = C;
    fn into_layout(self) -> LayoutOf<C> {
        Inherit {
            base: self.1.into_layout(),
            this: self.0,
        }
    }
}

/// Moves `value` into a new instance of `ty` (the type of `value`'s class or a subclass of it).
///
/// # Safety
/// `ty` is a live type handle of this call: the class's type or a type derived from it (as
/// `__new__` receives it). Python subclasses are checked here (see `check_subclass`).
#[doc(hidden)]
pub unsafe fn instantiate<'py, I: Init>(
    ctx: Ctx<'py>,
    ty: ffi::HPy,
    value: I,
) -> PyResult<Handle<'py>> {
    type T<I> = <I as Init>::Class;
    // Without `subclass`, CPython and GraalPy refuse to derive from `T` (HPy_TPFLAGS_BASETYPE), so
    // `ty` is `T`'s own type: only PyPy, which ignores the flag, needs the check then.
    if T::<I>::FLAGS & ffi::HPy_TPFLAGS_BASETYPE as u64 != 0
        || crate::context::Interpreter::get().pypy
    {
        let own = type_object::<T<I>>(ctx)?;
        // SAFETY: live handles.
        if unsafe { ffi::HPy_Is(ctx.as_ptr(), ty, own.raw()) } == 0 {
            check_subclass::<T<I>>(ctx, ty)?;
        }
    }
    new_instance::<T<I>>(ctx, ty, value.into_layout())
}

/// [`instantiate`] for the `#[new]` of `T`, which must make a `T`.
///
/// # Safety
/// As [`instantiate`].
#[doc(hidden)]
#[inline(always)]
pub unsafe fn instantiate_new<'py, T: PyClass, I: Init<Class = T>>(
    ctx: Ctx<'py>,
    ty: ffi::HPy,
    value: I,
) -> PyResult<Handle<'py>> {
    // SAFETY: per the contract.
    unsafe { instantiate(ctx, ty, value) }
}

/// The `#[new]` of a class that extends a built-in ([`FloatBase`], [`StrBase`]), run as its
/// `__init__`: the built-in's constructor made `slf` (with the call's arguments), this gives it
/// its Rust value, once.
///
/// # Safety
/// `slf` is the live `self` handle of `T`'s `tp_init` (an instance of `T`'s type or a subtype).
#[doc(hidden)]
pub unsafe fn init_builtin<T: PyClass, I: Init<Class = T>>(
    ctx: Ctx<'_>,
    slf: ffi::HPy,
    value: I,
) -> PyResult<()> {
    let Some(b) = builtin_of::<T>() else {
        return Err(PyErr::new(
            Exc::SystemError,
            format!("{} does not extend a built-in", T::NAME),
        ));
    };
    if !Builtin::supported() {
        return Err(b.unsupported::<T>());
    }
    // SAFETY: live handles; `ty` is closed on drop.
    let ty = unsafe { Handle::from_raw(ctx, ffi::HPy_Type(ctx.as_ptr(), slf))? };
    let own = type_object::<T>(ctx)?;
    // SAFETY: live handles.
    if unsafe { ffi::HPy_Is(ctx.as_ptr(), ty.raw(), own.raw()) } == 0 {
        check_subclass::<T>(ctx, ty.raw())?;
    }
    // SAFETY: per the contract, `slf` is an instance of `T` (or of a subclass laid out as one,
    // checked above).
    let p = unsafe { payload::<T>(ctx, slf) };
    if p.head.flag.get() != UNINIT {
        return Err(PyErr::new(
            Exc::TypeError,
            format!("{} object is already initialised", T::NAME),
        ));
    }
    // SAFETY: the payload is uninitialised (nothing to drop, no borrow) and belongs to `slf`.
    unsafe {
        (*p.value.get()).write(value.into_layout());
    }
    p.head.flag.set(FREE);
    Ok(())
}

/// [`instantiate`] without the subclass check: `ty` is `T`'s own type.
fn new_instance<'py, T: PyClass>(
    ctx: Ctx<'py>,
    ty: ffi::HPy,
    value: LayoutOf<T>,
) -> PyResult<Handle<'py>> {
    if let Some(b) = builtin_of::<T>() {
        if !Builtin::supported() {
            return Err(b.unsupported::<T>());
        }
        // HPy_New would make a float of 0.0 (or an empty str): only the built-in's constructor
        // gives the instance its value.
        return Err(PyErr::new(
            Exc::TypeError,
            format!(
                "cannot create a {} object from Rust: it extends '{}', whose value only calling \
                 the class sets",
                T::NAME,
                b.name()
            ),
        ));
    }
    let mut data: *mut c_void = std::ptr::null_mut();
    // SAFETY: `ty` is a live type whose instances carry a PayloadOf<T> (checked by HPy_New's
    // caller).
    let obj = unsafe { Handle::from_raw(ctx, ffi::HPy_New(ctx.as_ptr(), ty, &mut data))? };
    if data.is_null() {
        // Not seen (check_subclass refuses such types first); never write through NULL.
        return Err(PyErr::new(
            Exc::TypeError,
            format!(
                "cannot create this instance of a subclass of '{}' here: HPy_New gave it no struct",
                T::NAME
            ),
        ));
    }
    let p = data as *mut PayloadOf<T>;
    // SAFETY: HPy_New returned zeroed, suitably aligned payload memory for this object.
    unsafe {
        (*(*p).value.get()).write(value);
        (*p).head.flag.set(FREE);
    }
    Ok(obj)
}

/// Whether an instance of a Python subclass of `T` may be created here.
///
/// * Not for a class without `subclass`: CPython and GraalPy refuse to derive from it, but PyPy 3.11
///   ignores `HPy_TPFLAGS_BASETYPE`.
/// * Not for a (Python subclass of a) Rust class that extends `T`: its instances hold more.
/// * Not on PyPy (3.11, every known version): its HPy finalizer (`W_HPyObject._finalize_`) asserts
///   that an instance's type is an HPy type, so collecting an instance of a Python subclass aborts the
///   process ("Fatal RPython error: AssertionError"). A `TypeError` now beats a crash later.
/// * Not where the HPy runtime does not lay out `ty`'s instances as `T`'s (its builtin shape is not
///   `Object`): GraalPy 24.2 (its `HPy_New` gives them no struct, and its debug mode aborts), and
///   upstream hpy 0.9.0 on CPython (it writes the struct over the object header). oxhpy-hpy
///   (hpy-runtime/) gives them their HPy base's shape.
fn check_subclass<T: PyClass>(ctx: Ctx<'_>, ty: ffi::HPy) -> PyResult<()> {
    if T::FLAGS & ffi::HPy_TPFLAGS_BASETYPE as u64 == 0 {
        return Err(PyErr::new(
            Exc::TypeError,
            format!("type '{}' is not an acceptable base type", T::NAME),
        ));
    }
    // A class that extends `T` without a `#[new]` of its own inherits `T`'s: its instances hold
    // more than a `T`.
    if let Some(sub) = crate::module::extending_class(ctx, T::type_global(), ty)? {
        return Err(PyErr::new(
            Exc::TypeError,
            format!(
                "cannot create a '{sub}' object with the constructor of '{}': '{sub}' has no \
                 #[new] of its own",
                T::NAME
            ),
        ));
    }
    // SAFETY: live context and type handle.
    let shape = unsafe { ffi::_HPyType_GetBuiltinShape(ctx.as_ptr(), ty) };
    let expected = match builtin_of::<T>() {
        Some(b) if Builtin::supported() => b.shape(),
        _ => ffi::HPyType_BuiltinShape_Object,
    };
    let why = if crate::context::Interpreter::get().pypy {
        "PyPy's HPy runtime aborts the process when it collects one"
    } else if shape != expected {
        "its HPy runtime does not lay it out as an HPy object"
    } else {
        return Ok(());
    };
    Err(PyErr::new(
        Exc::TypeError,
        format!(
            "cannot create an instance of a Python subclass of '{}' on this interpreter: {why}",
            T::NAME
        ),
    ))
}

impl<'py, I: Init> crate::IntoPy<'py> for PyNew<I> {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        let ty = type_object::<I::Class>(ctx)?;
        new_instance::<I::Class>(ctx, ty.raw(), self.0.into_layout())
    }
}

/// Returning a `PyRef` (`slf` in a method) gives the object itself: `__iter__` of an iterator.
impl<'py, T: PyClass> crate::IntoPy<'py> for PyRef<'_, T> {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        // SAFETY: the object is live for as long as the borrow; HPy_Dup returns an owned handle.
        Ok(unsafe { Handle::from_raw_unchecked(ctx, ffi::HPy_Dup(ctx.as_ptr(), self.obj.raw())) })
    }
}

/// Returning a `PyRefMut` (`slf`) gives the object itself.
impl<'py, T: PyClass> crate::IntoPy<'py> for PyRefMut<'_, T> {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        // SAFETY: as for `PyRef`.
        Ok(unsafe { Handle::from_raw_unchecked(ctx, ffi::HPy_Dup(ctx.as_ptr(), self.obj.raw())) })
    }
}

/// Wraps a value to be returned to Python as a new instance of its class.
///
/// The value of a class that extends none converts by itself (its [`IntoPy`](crate::IntoPy) goes
/// through `PyNew`); a subclass's returns as `PyNew((value, base_value))` (see [`Init`]), and code
/// generic over classes wraps its [`Init`] values.
///
/// ```
/// use oxhpy::prelude::*;
/// use oxhpy::class::Init;
/// use oxhpy::PyNew;
///
/// /// `(a, b)`: two new instances of any class.
/// fn pair<'py, T: Init>(ctx: Ctx<'py>, a: T, b: T) -> PyResult<Handle<'py>> {
///     (PyNew(a), PyNew(b)).into_py(ctx)
/// }
/// ```
pub struct PyNew<T>(pub T);

/// `tp_destroy`: drops the payload (no context: nothing here may touch Python), the most derived
/// part first ([`Parts::drop_parts`]). A value dropped before it was placed in an object drops in
/// Rust's order instead: an initializer tuple the most derived part first, a laid-out
/// [`LayoutOf`] (an `Inherit`, whose fields drop in declaration order) the base part first (see
/// [`Init`]'s "Drop order").
///
/// # Safety
/// Called by HPy with the payload of a dying instance of `T`.
#[doc(hidden)]
pub unsafe extern "C" fn destroy<T: PyClass>(data: *mut c_void) {
    let p = data as *mut PayloadOf<T>;
    if p.is_null() {
        return; // an instance without a struct (see `instantiate`)
    }
    // SAFETY: the payload belongs to a dying object; nobody else can reach it any more. CPython's
    // HPy runtime calls the destroy of every HPy class of the object's type, the most derived
    // first (`hpytype_dealloc`): that one drops every part and marks the payload uninitialised,
    // so the bases' find nothing left to drop.
    unsafe {
        if (*p).head.flag.get() != UNINIT {
            (*p).head.flag.set(UNINIT);
            let value = (*p).value.get() as *mut LayoutOf<T>;
            // A `Drop` gets `&mut self` and could move a `Field` out (into a value that becomes
            // another object's payload): empty them first. The runtime no longer needs them:
            // CPython cleared them through `tp_traverse` already, PyPy's and GraalPy's GCs only
            // see them through it.
            <LayoutOf<T> as Parts>::clear_fields(value);
            <LayoutOf<T> as Parts>::drop_parts(value);
        }
    }
}

/// Creates `T`'s type for module `m`, keeps it in `T::type_global()` and adds it to the module.
/// The type of the class `T` extends must exist (the module creates each class after its base).
#[doc(hidden)]
pub fn add_class<T: PyMethods>(m: &Module<'_>) -> PyResult<()> {
    const { assert_extends::<T>() };
    let ctx = m.ctx();
    let base = match <T::Base as BaseClass>::base_type() {
        None => None,
        Some(g) => Some(g.load(ctx).ok_or_else(|| {
            PyErr::new(
                Exc::SystemError,
                format!("the base of {} is not created yet", T::NAME),
            )
        })?),
    };
    let modname: String = crate::Object::extract(&crate::Object::getattr(m, "__name__")?)?;
    // The spec, its name and its defines must outlive the type: they are leaked, once per exec.
    let name: &'static CStr =
        Box::leak(crate::context::cstring(&format!("{modname}.{}", T::NAME))?.into_boxed_c_str());
    // On PyPy a property is defined as methods, from which it is built below (see `PropertyDef`).
    let pypy = crate::context::Interpreter::get().pypy;
    let mut properties = Vec::new();
    let mut defines = Vec::new();
    let own = T::method_defs();
    // A class that extends one with a `__call__` and defines none gets its nearest base's, so that
    // the runtime gives it a call function of its own. CPython's HPy keeps a callable type's call
    // function in a hidden member after its struct (`tp_vectorcall_offset`), which a subclass
    // inherits: there its own part of the struct lies, so calling it would read the subclass's
    // value as a function pointer. With the definition in its spec, HPy puts the member after the
    // subclass's struct and fills it (GraalPy refuses to call a subclass without one). The base's
    // `__call__` borrows the instance as the base's, which it is (its payload starts with the base's).
    // SAFETY: `PyMethods::method_defs` gives the `as_ptr()`s of static definitions.
    let inherited = if own.iter().any(|&d| unsafe { is_call_slot(d) }) {
        None
    } else {
        crate::module::inherited_call(<T::Base as BaseClass>::base_type())
    };
    // A class extending a built-in keeps the built-in's constructor (which gives the instance its
    // built-in value, from the call's arguments); its `#[new]` runs as `__init__` instead.
    let builtin = builtin_of::<T>();
    let shaped = builtin.filter(|_| Builtin::supported());
    // Where the runtime does not support it, the class is a plain class whose `#[new]` refuses
    // (`new_instance`).
    let own = match shaped {
        None => own,
        Some(_) => {
            // (An `__init__` of its own does not compile: `#[oxhpy::methods]`.)
            own.into_iter()
                // SAFETY: as above.
                .filter(|&d| unsafe { slot_of(d) } != Some(ffi::HPy_tp_new))
                .chain(T::new_as_init())
                .collect()
        }
    };
    for def in own.into_iter().chain(inherited).chain(T::class_defs()) {
        // SAFETY: the `as_ptr()` of a static `MethodDef` or `PropertyDef` (`PyMethods`' and
        // `PyClass`'s contracts).
        match unsafe { PropertyDef::of(def) } {
            Some(p) if pypy => {
                defines.extend(p.methods());
                properties.push(p);
            }
            _ => defines.push(def),
        }
    }
    let interpreter = crate::context::Interpreter::get();
    if interpreter.pypy || interpreter.graalpy {
        defines.push(CLASS_GUARD.as_ptr()); // as a getset on PyPy too (see `CLASS_GUARD`)
    }
    defines.push(std::ptr::null_mut());
    let spec = Box::leak(Box::new(ffi::HPyType_Spec {
        name: name.as_ptr(),
        basicsize: PayloadOf::<T>::basicsize(),
        itemsize: 0,
        flags: T::FLAGS as _,
        builtin_shape: shaped.map_or(ffi::HPyType_BuiltinShape_Object, Builtin::shape),
        legacy_slots: std::ptr::null_mut(),
        defines: Box::leak(defines.into_boxed_slice()).as_mut_ptr(),
        doc: T::DOC.map_or(std::ptr::null(), CStr::as_ptr),
    }));
    // The base: the class's oxhpy base, else the built-in it extends (where supported).
    let base_raw = match (&base, shaped) {
        (Some(b), _) => Some(b.raw()),
        (None, Some(b)) => Some(b.type_handle(ctx)),
        (None, None) => None,
    };
    let mut params = base_raw.map(|b| {
        [
            ffi::HPyType_SpecParam {
                kind: ffi::HPyType_SpecParam_Base,
                object: b,
            },
            ffi::HPyType_SpecParam {
                kind: 0,
                object: ffi::HPy_NULL,
            },
        ]
    });
    let params = params
        .as_mut()
        .map_or(std::ptr::null_mut(), |p| p.as_mut_ptr());
    // SAFETY: a complete spec with static defines, and a 0-terminated list of parameters whose
    // base is live; the result is owned or NULL with an error set.
    let ty = unsafe { Handle::from_raw(ctx, ffi::HPyType_FromSpec(ctx.as_ptr(), spec, params))? };
    if let Some(b) = &base {
        check_larger::<T>(&ty, b)?;
    }
    // HPy 0.9 has no `tp_iter`/`tp_iternext` slots: `__iter__`/`__next__` are methods. CPython
    // fills a heap type's slot from a special method only when it is set on the type (as
    // `Cls.__iter__ = f` does, through `type_setattro`'s slot update): so set each again. PyPy and
    // GraalPy look them up by name.
    for name in T::type_attrs() {
        let name = name.to_str().unwrap_or_default();
        let method = crate::Object::getattr(&ty, name)?;
        crate::Object::setattr(&ty, name, method)?;
    }
    for p in properties {
        let (name, doc, hidden) = p.names();
        let [get, set, delete] = hidden.map(|h| crate::Object::getattr(&ty, &h.to_string_lossy()));
        let doc = match doc {
            Some(d) => crate::IntoPy::into_py(d.to_string_lossy().as_ref(), ctx)?,
            None => ctx.none(),
        };
        let property =
            crate::Object::call(&ctx.builtins_fn("property")?, (get?, set?, delete?, doc))?;
        crate::Object::setattr(&ty, &name.to_string_lossy(), property)?;
        for h in hidden {
            crate::Object::delattr(&ty, &h.to_string_lossy())?;
        }
    }
    T::type_global().0.store(ctx, &ty)?;
    m.add(T::NAME, ty)
}

/// On CPython: `TypeError` unless the instances of `ty`, the type of `T`, are larger than those of
/// `base`, the type of the class `T` extends, as [`GROWTH`] makes them (CPython lets Python code
/// assign `__class__` between types whose instances have the same layout: the object would then
/// hold another class's value than its type's). PyPy's and GraalPy's `__basicsize__` say nothing
/// of an HPy struct.
fn check_larger<T: PyClass>(ty: &Handle<'_>, base: &Handle<'_>) -> PyResult<()> {
    let i = crate::context::Interpreter::get();
    if i.pypy || i.graalpy {
        return Ok(());
    }
    let size = |t: &Handle<'_>| -> PyResult<isize> {
        crate::Object::extract(&crate::Object::getattr(t, "__basicsize__")?)
    };
    let (own, of_base) = (size(ty)?, size(base)?);
    if own > of_base {
        return Ok(());
    }
    Err(PyErr::new(
        Exc::TypeError,
        format!(
            "cannot create class {}: its instances ({own} bytes) are not larger than those of its \
             base ({of_base} bytes), so `__class__` assignment could swap them",
            T::NAME
        ),
    ))
}

/// `__class__` on the instances of every oxhpy class on PyPy and GraalPy, whose HPy runtimes let
/// Python code assign any class (an unrelated HPy class's or Python class's) to an HPy object's
/// `__class__`: its payload would then be read as another class's value. The getter gives the
/// object's type, as `object.__class__` does; assigning (or deleting) raises `TypeError` on
/// GraalPy and does nothing on PyPy (whose HPy getset descriptors drop a setter's error in
/// universal mode and leave it pending in debug mode, to surface at a later, unrelated call).
/// CPython checks the layouts itself (see [`GROWTH`]).
///
/// It goes into the spec as it is on PyPy too, not as methods that `add_class` makes a `property` of
/// (a type's `__class__` cannot be set: that would change the type's own class); the hidden names
/// are not used.
static CLASS_GUARD: PropertyDef =
    // SAFETY: the getter and setter below, which take any object.
    unsafe {
        PropertyDef::new::<ClassGet, ClassSet>(
            c"__class__",
            None,
            [
                c"__oxhpy_class_get",
                c"__oxhpy_class_set",
                c"__oxhpy_class_delete",
            ],
        )
    };

/// [`CLASS_GUARD`]'s getter.
struct ClassGet;
/// [`CLASS_GUARD`]'s setter.
struct ClassSet;

// SAFETY: IMPL is `class_get`, a `GetterImpl`.
unsafe impl crate::trampoline::Entry for ClassGet {
    // SAFETY: a function pointer of type `GetterImpl`, the signature recorded with it.
    const IMPL: ffi::HPyCFunction = unsafe {
        crate::__cfunc!(
            class_get as crate::trampoline::GetterImpl,
            crate::trampoline::GetterImpl
        )
    };
}

// SAFETY: IMPL is `class_set`, a `SetterImpl`.
unsafe impl crate::trampoline::Entry for ClassSet {
    // SAFETY: a function pointer of type `SetterImpl`, the signature recorded with it.
    const IMPL: ffi::HPyCFunction = unsafe {
        crate::__cfunc!(
            class_set as crate::trampoline::SetterImpl,
            crate::trampoline::SetterImpl
        )
    };
}

/// # Safety
/// HPy calls it with a live context and object.
unsafe extern "C" fn class_get(
    ctx: *mut ffi::HPyContext,
    slf: ffi::HPy,
    _closure: *mut c_void,
) -> ffi::HPy {
    // SAFETY: per the contract; HPy_Type returns a new handle to the object's type.
    unsafe { ffi::HPy_Type(ctx, slf) }
}

/// # Safety
/// HPy calls it with a live context and object.
unsafe extern "C" fn class_set(
    ctx: *mut ffi::HPyContext,
    slf: ffi::HPy,
    _value: ffi::HPy,
    _closure: *mut c_void,
) -> std::ffi::c_int {
    if crate::context::Interpreter::get().pypy {
        return 0; // the object keeps its class; an error would be lost (see `CLASS_GUARD`)
    }
    // SAFETY: per the contract.
    unsafe {
        crate::trampoline::run(ctx, |py| {
            let name = crate::Object::type_name(&Borrowed::from_raw(py, slf));
            Err(PyErr::new(
                Exc::TypeError,
                format!(
                    "__class__ assignment: '{name}' is an oxhpy class, whose objects keep their \
                     class on this interpreter"
                ),
            ))
        })
    }
}

/// Whether `def` is an `HPy_tp_call` slot (a `__call__`).
///
/// # Safety
/// `def` is the `as_ptr()` of a static `MethodDef` or `PropertyDef`.
pub(crate) unsafe fn is_call_slot(def: *mut ffi::HPyDef) -> bool {
    // SAFETY: per the contract.
    unsafe { slot_of(def) == Some(ffi::HPy_tp_call) }
}

/// The slot that `def` defines, if it defines one.
///
/// # Safety
/// `def` is a live definition.
unsafe fn slot_of(def: *mut ffi::HPyDef) -> Option<ffi::HPySlot_Slot> {
    // SAFETY: a live definition (the caller's contract), whose `slot` member is the one in use
    // when its kind says so.
    unsafe { ((*def).kind == ffi::HPyDef_Kind_Slot).then(|| (*def).__bindgen_anon_1.slot.slot) }
}

/// What an `#[oxhpy::methods]` block adds to its type once the type exists (HPy 0.9's type specs
/// have no static or class methods, nor class attributes): see [`PyMethods::class_items`].
#[doc(hidden)]
pub enum ClassItem {
    /// `#[staticmethod]`: the type's method `name` (an instance method, as the spec defines it,
    /// whose impl ignores `self`) becomes `staticmethod(method bound to a placeholder instance)`.
    StaticMethod(&'static str),
    /// `#[classmethod]`: the type's method `name` (whose impl takes the class as its first
    /// argument and ignores `self`) becomes `classmethod(method bound to a placeholder instance)`.
    ClassMethod(&'static str),
    /// `#[classattr]`: the attribute `name`, the value the function returns (called once, when the
    /// type is created).
    Attr(&'static str, for<'py> fn(Ctx<'py>) -> PyResult<Handle<'py>>),
}

/// Adds `T`'s [`ClassItem`]s to its type, once every class of the module exists (a class attribute
/// may be an instance of another class).
///
/// A static or class method is defined by the spec as an ordinary method (HPy 0.9 has no
/// `METH_STATIC`/`METH_CLASS`), which the interpreter calls only with an instance of the type as
/// `self`. So it is bound to a *placeholder*: an instance of the type whose struct was never
/// initialised (no constructor ran), which the impl ignores (and any method that would borrow it
/// raises `TypeError`, as for any uninitialised object). The bound method (a plain built-in
/// method, with no `__get__` of its own) is wrapped with the built-in `staticmethod` or
/// `classmethod`, which then passes the class as the first argument, and set on the type (an HPy
/// type is a heap type: its attributes may be set after creation on CPython, PyPy and GraalPy).
#[doc(hidden)]
pub fn add_class_items<T: PyMethods>(m: &Module<'_>) -> PyResult<()> {
    use crate::Object;
    let items = T::class_items();
    if items.is_empty() {
        return Ok(());
    }
    let ctx = m.ctx();
    let ty = &type_object::<T>(ctx)?;
    let mut placeholder: Option<Handle<'_>> = None;
    for item in items {
        let (name, value) = match item {
            ClassItem::Attr(name, value) => (name, value(ctx)?),
            ClassItem::StaticMethod(name) | ClassItem::ClassMethod(name) => {
                let wrapper = match item {
                    ClassItem::StaticMethod(_) => "staticmethod",
                    _ => "classmethod",
                };
                let p = match &placeholder {
                    Some(p) => p,
                    None => placeholder.insert(placeholder_instance(ctx, ty)?),
                };
                let bound = ty.getattr(name)?.call_method("__get__", (p, ty))?;
                (name, ctx.builtins_fn(wrapper)?.call((bound,))?)
            }
        };
        ty.setattr(name, value)?;
    }
    Ok(())
}

/// A new instance of `ty` (an oxhpy class) whose struct is left uninitialised: no method can
/// borrow it (`TypeError`), `tp_destroy` and `tp_traverse` skip it.
fn placeholder_instance<'py>(ctx: Ctx<'py>, ty: &Handle<'py>) -> PyResult<Handle<'py>> {
    let mut data: *mut c_void = std::ptr::null_mut();
    // SAFETY: `ty` is a live HPy type; HPy_New returns an owned handle (or NULL with an error
    // set) whose struct memory is zeroed: the borrow flag reads "not initialised".
    unsafe { Handle::from_raw(ctx, ffi::HPy_New(ctx.as_ptr(), ty.raw(), &mut data)) }
}

/// A reference to a Python object stored inside an instance (`HPyField`): the interpreter owns
/// it, the generated `tp_traverse` reports it to the GC, and it is cleared with its owner.
///
/// A `Field` is used only as a direct member of an `#[oxhpy::class]` struct (typed `Field` or
/// `oxhpy::Field`), where the class's traverse finds it. It is neither `Send` nor `Sync`, so any
/// other place that would outlive a call (a `Vec`, an `Option`, another struct, a `static`) does
/// not compile as a class member or a static; the class then is frozen (see [`Mutable`]).
/// [`store`](Field::store) and [`load`](Field::load) take the owner as a [`PyRef`] (a method's
/// `slf: PyRef<'_, Self>`) and raise `ValueError` unless this field is one of the owner's own
/// members: a `Field` anywhere else (a local, a thread-local, another object's) stays empty.
///
/// A constructor returns the struct before there is an object, so its fields start empty
/// (`Field::default()`) and methods fill them.
///
/// ```
/// use oxhpy::prelude::*;
/// use oxhpy::{Field, PyRef};
///
/// /// Button(): calls the connected function when clicked.
/// #[oxhpy::class]
/// pub struct Button {
///     on_click: Field,
/// }
///
/// #[oxhpy::methods]
/// impl Button {
///     #[new]
///     fn new() -> Self {
///         Button { on_click: Field::default() }
///     }
///
///     fn connect(slf: PyRef<'_, Self>, f: Borrowed<'_, '_>) -> PyResult<()> {
///         slf.on_click.store(&slf, &f)
///     }
///
///     fn click(slf: PyRef<'_, Self>) -> PyResult<()> {
///         if let Some(f) = slf.on_click.load(&slf)? {
///             f.call(())?;
///         }
///         Ok(())
///     }
/// }
/// ```
#[repr(transparent)]
pub struct Field {
    cell: FieldCell,
    _marker: PhantomData<DirectClassMemberOnly>,
}

/// The `HPyField`.
#[repr(transparent)]
struct FieldCell(UnsafeCell<ffi::HPyField>);

// SAFETY: a `FieldCell` only exists inside a `Field`, whose marker decides whether it is `Send` or
// `Sync` (so compile errors name one cause, not two); an HPyField is only read or written with the
// interpreter held, through a `PyRef` of its owner or from `tp_traverse`/`tp_destroy`.
unsafe impl Sync for FieldCell {}

/// Makes [`Field`] neither `Send` nor `Sync` (and, in compile errors, says where it may live).
struct DirectClassMemberOnly(PhantomData<*const ()>);

impl Default for Field {
    fn default() -> Self {
        Field {
            cell: FieldCell(UnsafeCell::new(ffi::HPyField_NULL)),
            _marker: PhantomData,
        }
    }
}

impl Field {
    /// Whether this field is one of `owner`'s [`Field`] members (`ValueError` if not).
    fn check_owner<T: PyClass>(&self, owner: &PyRef<'_, T>, what: &str) -> PyResult<()> {
        let base = &**owner as *const T as usize;
        let at = self as *const Field as usize;
        if at >= base && T::FIELDS.contains(&(at - base)) {
            return Ok(());
        }
        Err(PyErr::new(
            Exc::ValueError,
            format!(
                "Field::{what}: this Field is not a member of the given {} object (a Field is \
                 used through the object whose payload holds it)",
                T::NAME
            ),
        ))
    }

    /// Stores `value` in this field of `owner`, the object that holds it. `ValueError` if the
    /// field is not one of `owner`'s members.
    ///
    /// ```
    /// # use oxhpy::prelude::*;
    /// # use oxhpy::{Field, PyRef};
    /// # #[oxhpy::class]
    /// # pub struct Memo { last: Field }
    /// #[oxhpy::methods]
    /// impl Memo {
    ///     /// Keeps `value` (the previous one is released) and returns it.
    ///     fn keep<'a>(slf: PyRef<'a, Self>, value: Borrowed<'a, 'a>) -> PyResult<Borrowed<'a, 'a>> {
    ///         slf.last.store(&slf, &value)?;
    ///         Ok(value)
    ///     }
    /// }
    /// ```
    pub fn store<'b, T: PyClass>(
        &self,
        owner: &PyRef<'_, T>,
        value: &impl AsHandle<'b>,
    ) -> PyResult<()> {
        self.check_owner(owner, "store")?;
        let ctx = owner.obj.ctx();
        // SAFETY: `self` is a member of `owner`'s payload (checked); both handles are live.
        unsafe {
            ffi::HPyField_Store(
                ctx.as_ptr(),
                owner.obj.raw(),
                self.cell.0.get(),
                value.raw(),
            )
        }
        Ok(())
    }

    /// Empties this field of `owner` (`ValueError` as for [`store`](Field::store)): the object
    /// it held is released now rather than with `owner`.
    ///
    /// ```
    /// # use oxhpy::prelude::*;
    /// # use oxhpy::{Field, PyRef};
    /// # #[oxhpy::class]
    /// # pub struct Memo { last: Field }
    /// #[oxhpy::methods]
    /// impl Memo {
    ///     fn forget(slf: PyRef<'_, Self>) -> PyResult<()> {
    ///         slf.last.clear(&slf)
    ///     }
    /// }
    /// ```
    pub fn clear<T: PyClass>(&self, owner: &PyRef<'_, T>) -> PyResult<()> {
        self.check_owner(owner, "clear")?;
        let ctx = owner.obj.ctx();
        // SAFETY: as in `store`; storing HPy_NULL empties the field.
        unsafe {
            ffi::HPyField_Store(
                ctx.as_ptr(),
                owner.obj.raw(),
                self.cell.0.get(),
                ffi::HPy_NULL,
            )
        }
        Ok(())
    }

    /// The stored object, or `None` when empty. `ValueError` if the field is not one of `owner`'s
    /// members.
    ///
    /// ```
    /// # use oxhpy::prelude::*;
    /// # use oxhpy::{Field, PyRef};
    /// # #[oxhpy::class]
    /// # pub struct Memo { last: Field }
    /// #[oxhpy::methods]
    /// impl Memo {
    ///     /// The kept value, or `None`.
    ///     #[getter]
    ///     fn last(slf: PyRef<'_, Self>) -> PyResult<Option<Handle<'_>>> {
    ///         slf.last.load(&slf)
    ///     }
    /// }
    /// ```
    pub fn load<'a, T: PyClass>(&self, owner: &PyRef<'a, T>) -> PyResult<Option<Handle<'a>>> {
        self.check_owner(owner, "load")?;
        let ctx = owner.obj.ctx();
        // SAFETY: reading a field of its live owner; HPyField_Load returns a new owned handle.
        unsafe {
            let f = *self.cell.0.get();
            if ffi::HPyField_IsNull(f) {
                return Ok(None);
            }
            Handle::from_raw(ctx, ffi::HPyField_Load(ctx.as_ptr(), owner.obj.raw(), f)).map(Some)
        }
    }

    /// Reports the field to the GC's visitor.
    ///
    /// # Safety
    /// Called from `tp_traverse` with its `visit` and `arg`.
    unsafe fn visit(&self, visit: ffi::HPyFunc_visitproc, arg: *mut c_void) -> i32 {
        // SAFETY: per the contract; HPy_VISIT skips null fields.
        unsafe {
            if ffi::HPyField_IsNull(*self.cell.0.get()) {
                return 0;
            }
            match visit {
                Some(v) => v(self.cell.0.get(), arg),
                None => 0,
            }
        }
    }
}

/// For `#[oxhpy::class]`, on the members of a class with [`Field`]s other than its fields: they
/// must be `Send + Sync` (the class is made so), which a type holding a `Field` is not.
#[doc(hidden)]
#[inline(always)]
pub fn assert_member<T: ?Sized + Send + Sync>() {}

/// `#[oxhpy(get)]` on a member: `(&MemberRef(&member)).member_value(ctx)` converts it by
/// reference when `&T: IntoPy` ([`MemberByRef`], chosen first by method lookup), else clones it
/// ([`MemberByClone`]: `T: Clone + IntoPy`), to be converted after the borrow of the object ends.
#[doc(hidden)]
pub struct MemberRef<'r, T>(pub &'r T);

/// The converted member (see [`MemberRef`]).
#[doc(hidden)]
pub struct Converted<'py>(PyResult<Handle<'py>>);

impl<'py> crate::IntoPy<'py> for Converted<'py> {
    #[inline(always)]
    fn into_py(self, _ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        self.0
    }
}

/// A member converted by reference (see [`MemberRef`]).
#[doc(hidden)]
pub trait MemberByRef<'py> {
    type Value: crate::IntoPy<'py>;
    fn member_value(self, ctx: Ctx<'py>) -> Self::Value;
}

impl<'r, 'py, T> MemberByRef<'py> for &MemberRef<'r, T>
where
    &'r T: crate::IntoPy<'py>,
{
    type Value = Converted<'py>;
    #[inline(always)]
    fn member_value(self, ctx: Ctx<'py>) -> Converted<'py> {
        Converted(crate::IntoPy::into_py(self.0, ctx))
    }
}

/// A member cloned (see [`MemberRef`]).
#[doc(hidden)]
pub trait MemberByClone<'py> {
    type Value: crate::IntoPy<'py>;
    fn member_value(self, ctx: Ctx<'py>) -> Self::Value;
}

impl<'py, T: Clone + crate::IntoPy<'py>> MemberByClone<'py> for MemberRef<'_, T> {
    type Value = T;
    #[inline(always)]
    fn member_value(self, _ctx: Ctx<'py>) -> T {
        self.0.clone()
    }
}

/// The `tp_traverse` slot: visits the [`Field`]s at `T::FIELDS`.
///
/// # Safety
/// Called by HPy with the payload of a live instance of `T`.
#[doc(hidden)]
pub unsafe extern "C" fn traverse<T: PyClass>(
    data: *mut c_void,
    visit: ffi::HPyFunc_visitproc,
    arg: *mut c_void,
) -> i32 {
    let p = data as *const PayloadOf<T>;
    if p.is_null() {
        return 0; // an instance without a struct (see `instantiate`)
    }
    // SAFETY: HPy passes the payload of a live object; only initialised values are visited.
    unsafe {
        if (*p).head.flag.get() == UNINIT {
            return 0;
        }
        <LayoutOf<T> as Parts>::visit_fields((*p).value.get() as *const LayoutOf<T>, visit, arg)
    }
}
