//! Modules: the `HPyModuleDef`, [`Module`] (the module object in its exec slot) and [`Global`] (a
//! module-level reference that outlives calls: `HPyGlobal`), with the registry of globals.
//!
//! `#[oxhpy::module]` on an inline `mod` generates the module definition and the four exported
//! entry points (`HPyInit_<name>`, `HPyInitGlobalContext_<name>`,
//! `get_required_hpy_major/minor_version_<name>`), where `<name>` is the mod's name, i.e. the last
//! part of the import name. Its exec slot decides the context layout, creates `PanicException`,
//! the registered exceptions (`#[oxhpy::exception]`, each after its base) and classes (then their
//! static and class methods and class attributes), then runs the user's `#[oxhpy::exec]` function,
//! if any.
//!
//! ```
//! /// Statistics helpers (the module's docstring).
//! #[oxhpy::module]
//! mod _stats {
//!     use oxhpy::prelude::*;
//!
//!     #[oxhpy::exec]
//!     fn exec(m: &Module<'_>) -> PyResult<()> {
//!         m.add("__version__", "1.0")
//!     }
//!
//!     #[oxhpy::function]
//!     fn mean(xs: Vec<f64>) -> f64 {
//!         xs.iter().sum::<f64>() / xs.len() as f64
//!     }
//! }
//! ```
//!
//! `#[oxhpy::global]` registers the static it declares in `GLOBALS`, a link-time registry
//! (`linkme`'s distributed slice: the linker gathers the entries of every crate of the binary into
//! one section, and nothing runs at load time), and the module definition lists the whole
//! registry. `#[oxhpy::function]` registers its definition in `FUNCTIONS` and `#[oxhpy::methods]`
//! its class in `CLASSES` the same way, so a module's items may be declared in any Rust module or
//! file of the crate. Hence one `#[oxhpy::module]` per binary (a second one does not compile or
//! link: both would define `OXHPY_ONE_MODULE_PER_BINARY`): it lists every global, function and
//! class of the binary, and a module's state is per process anyway.
//!
//! Why `linkme` and not `inventory` (which registers each entry from a constructor run when the
//! library loads): no code runs at load time, an entry's type is checked at compile time, and the
//! registry is plain read-only data. Checked on Linux with LLD (rustc's default linker) and GNU ld,
//! in release (fat LTO, one codegen unit) and debug cdylibs, and in `cargo test` binaries.
use crate::context::{cstring, Ctx};
use crate::convert::IntoPy;
use crate::err::{CustomException, ExceptionBase, ExceptionType, PyErr, PyResult};
use crate::handle::{AsHandle, Borrowed, Handle};
use hpy_sys as ffi;
use std::cell::UnsafeCell;
use std::ffi::CStr;
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::sync::OnceLock;

/// The module object, borrowed, while its exec slot runs: what the `#[oxhpy::exec]` function
/// receives. It is a handle too ([`Object`](crate::Object)'s methods).
///
/// ```
/// # #[oxhpy::module]
/// # mod _native {
/// use oxhpy::prelude::*;
///
/// #[oxhpy::exec]
/// fn exec(m: &Module<'_>) -> PyResult<()> {
///     let name: String = m.getattr("__name__")?.extract()?; // e.g. "mypkg._native"
///     m.add("DEFAULT_LOGGER", format!("{name}.log"))
/// }
/// # }
/// ```
pub struct Module<'py> {
    h: Borrowed<'py, 'py>,
}

impl<'py> Module<'py> {
    /// Wraps the module handle passed to the exec slot.
    ///
    /// <!-- no example: the code `#[oxhpy::module]` generates calls it; see `Module` -->
    ///
    /// # Safety
    /// `raw` is the live module handle of the current exec call.
    pub unsafe fn from_raw(ctx: Ctx<'py>, raw: ffi::HPy) -> Self {
        // SAFETY: per the contract above.
        let h = unsafe { Borrowed::from_raw(ctx, raw) };
        Module { h }
    }

    /// Sets the module attribute `name` to `value` (any [`IntoPy`] type).
    ///
    /// ```
    /// # #[oxhpy::module]
    /// # mod _native {
    /// use oxhpy::prelude::*;
    ///
    /// #[oxhpy::exec]
    /// fn exec(m: &Module<'_>) -> PyResult<()> {
    ///     m.add("MAX_ITEMS", 1024usize)?;
    ///     m.add("FORMATS", vec!["csv", "json"])?;
    ///     m.add("DEFAULT", ())
    /// }
    /// # }
    /// ```
    pub fn add(&self, name: &str, value: impl IntoPy<'py>) -> PyResult<()> {
        let value = value.into_py(self.h.ctx())?;
        let name = cstring(name)?;
        // SAFETY: live module and value handles, NUL-terminated name.
        let rc = unsafe {
            ffi::HPy_SetAttr_s(
                self.h.ctx().as_ptr(),
                self.h.raw(),
                name.as_ptr(),
                value.raw(),
            )
        };
        if rc < 0 {
            Err(PyErr::raised())
        } else {
            Ok(())
        }
    }

    /// Creates an exception type `<module>.<name>` deriving from `base` (default `Exception`),
    /// keeps it in `global` for [`PyErr::custom`](crate::PyErr::custom), and adds it to the module.
    ///
    /// ```
    /// # #[oxhpy::module]
    /// # mod _native {
    /// use oxhpy::prelude::*;
    ///
    /// #[oxhpy::global]
    /// static PARSE_ERROR: Global;
    ///
    /// #[oxhpy::exec]
    /// fn exec(m: &Module<'_>) -> PyResult<()> {
    ///     // `except ValueError` catches it too.
    ///     m.add_exception(&PARSE_ERROR, "ParseError", Some(Exc::ValueError), "Malformed input.")
    /// }
    /// # }
    /// ```
    pub fn add_exception(
        &self,
        global: &'static Global,
        name: &str,
        base: Option<crate::Exc>,
        doc: &str,
    ) -> PyResult<()> {
        let ctx = self.h.ctx();
        let base = base.unwrap_or(crate::Exc::Exception).handle(ctx);
        let ty = self.new_exception(name, base, Some(doc))?;
        global.store(ctx, &ty)?;
        self.add(name, ty)
    }

    /// A new exception type `<module>.<name>` deriving from `base`.
    fn new_exception(
        &self,
        name: &str,
        base: ffi::HPy,
        doc: Option<&str>,
    ) -> PyResult<Handle<'py>> {
        let ctx = self.h.ctx();
        let modname: String =
            crate::Object::extract(&crate::Object::getattr(&self.h, "__name__")?)?;
        let qual = cstring(&format!("{modname}.{name}"))?;
        let doc = doc.map(cstring).transpose()?;
        // SAFETY: valid context, NUL-terminated strings, live base type; result owned or NULL.
        unsafe {
            let ty = match &doc {
                Some(doc) => ffi::HPyErr_NewExceptionWithDoc(
                    ctx.as_ptr(),
                    qual.as_ptr(),
                    doc.as_ptr(),
                    base,
                    ffi::HPy_NULL,
                ),
                None => ffi::HPyErr_NewException(ctx.as_ptr(), qual.as_ptr(), base, ffi::HPy_NULL),
            };
            Handle::from_raw(ctx, ty)
        }
    }
}

impl<'py> AsHandle<'py> for Module<'py> {
    fn ctx(&self) -> Ctx<'py> {
        self.h.ctx()
    }
    fn raw(&self) -> ffi::HPy {
        self.h.raw()
    }
}

/// A module-level reference that survives calls (`HPyGlobal`): cached types, exceptions.
///
/// Declare one with [`#[oxhpy::global]`](crate::global) (`#[oxhpy::global] static CACHE: Global;`,
/// or `[Global; N]`), anywhere in the crate: at the top of the module mod, in another module or
/// file, inside a function. The attribute registers it, and the module definition lists every
/// registered global of the binary, as HPy requires of every global stored into. There is no
/// other way to create one in code without `unsafe`; [`store`](Global::store) into one that is not
/// listed raises `SystemError` all the same.
///
/// Whether it was stored, and what, is tracked here, not read from the listed `HPyGlobal`: HPy
/// does not define the value of a global that was never stored. CPython and PyPy leave it 0, but
/// GraalPy 24.2 writes a table index into every listed global whenever it creates a module object
/// from the definition (loading it before any store gives its internal `NoValue` object), even
/// for a second module object whose initialisation oxhpy then refuses: the value a store gave is
/// kept here and loaded, so a stored global keeps its object.
///
/// ```
/// use oxhpy::prelude::*;
///
/// #[oxhpy::global]
/// static DECIMAL: Global;
///
/// /// `decimal.Decimal(s)`, with the class looked up once.
/// #[oxhpy::function]
/// fn to_decimal<'py>(ctx: Ctx<'py>, s: &str) -> PyResult<Handle<'py>> {
///     let cls = match DECIMAL.load(ctx) {
///         Some(cls) => cls,
///         None => {
///             let cls = ctx.import("decimal")?.getattr("Decimal")?;
///             DECIMAL.store(ctx, &cls)?;
///             cls
///         }
///     };
///     cls.call((s,))
/// }
/// ```
#[repr(C)]
pub struct Global {
    /// First field: its address is the `HPyGlobal *` listed in the module definition.
    raw: UnsafeCell<ffi::HPyGlobal>,
    stored: AtomicBool,
    /// The `HPyGlobal` value as the last store left it.
    value: AtomicIsize,
    /// Whether the stored object is kept inside a 1-tuple (GraalPy; see `store`).
    boxed: AtomicBool,
    /// Whether the module definition lists it (set when the module initialises): HPy requires
    /// that of every global stored into (GraalPy indexes a table with it).
    listed: AtomicBool,
}

// SAFETY: the HPyGlobal is only read and written while holding the interpreter (a `Ctx` is
// required), which serialises all access.
unsafe impl Sync for Global {}

impl Global {
    /// An empty global, for oxhpy's own (listed by [`global_list`]) and [`Globals::EMPTY`].
    pub(crate) const fn new() -> Self {
        Global {
            raw: UnsafeCell::new(ffi::HPyGlobal { _i: 0 }),
            stored: AtomicBool::new(false),
            value: AtomicIsize::new(0),
            boxed: AtomicBool::new(false),
            listed: AtomicBool::new(false),
        }
    }

    /// The `HPyGlobal` that `#[oxhpy::module]` lists in the module definition. Listing it in a
    /// hand-written `HPyModuleDef` does not make [`store`](Global::store) accept it: only
    /// oxhpy's own module definition marks its globals as listed.
    ///
    /// <!-- no example: nothing outside oxhpy's module definition can use it -->
    pub const fn as_ptr(&'static self) -> *mut ffi::HPyGlobal {
        self.raw.get()
    }

    /// Whether something was stored.
    ///
    /// ```
    /// use oxhpy::Global;
    ///
    /// #[oxhpy::global]
    /// static CACHE: Global;
    ///
    /// assert!(!CACHE.is_set()); // until a module stores into it
    /// ```
    pub fn is_set(&self) -> bool {
        self.stored.load(Ordering::Relaxed)
    }

    /// Stores a reference to `obj` (the global keeps its own reference).
    ///
    /// `SystemError` for a global that the module definition does not list: one not declared
    /// with `#[oxhpy::global]` (only `unsafe` code can make one), or any before the module's
    /// initialisation.
    ///
    /// ```
    /// # #[oxhpy::module]
    /// # mod _native {
    /// use oxhpy::prelude::*;
    ///
    /// #[oxhpy::global]
    /// static DUMPS: Global;
    ///
    /// #[oxhpy::exec]
    /// fn exec(m: &Module<'_>) -> PyResult<()> {
    ///     let ctx = m.ctx();
    ///     DUMPS.store(ctx, &ctx.import("json")?.getattr("dumps")?)
    /// }
    /// # }
    /// ```
    pub fn store<'py>(&'static self, ctx: Ctx<'py>, obj: &impl AsHandle<'py>) -> PyResult<()> {
        if !self.listed.load(Ordering::Relaxed) {
            return Err(PyErr::new(
                crate::Exc::SystemError,
                "this oxhpy::Global is not listed in the module definition: declare it with \
                 #[oxhpy::global]",
            ));
        }
        // GraalPy 24.2 keeps a small int's handle bits in the HPyGlobal itself instead of a table
        // index, and the next store takes them for an index: out of bounds (the JVM dies) or another
        // global's slot. There every object is stored inside a 1-tuple, unwrapped by `load` (not
        // only ints: GraalPy's HPy_TypeCheck misanswers for small ints, so they cannot be told).
        let ctx_ptr = ctx.as_ptr();
        let boxed = crate::context::Interpreter::get().graalpy;
        let tuple = if boxed {
            let mut item = [obj.raw()];
            // SAFETY: `item` holds a live handle, which HPyTuple_FromArray does not steal.
            Some(unsafe {
                Handle::from_raw(ctx, ffi::HPyTuple_FromArray(ctx_ptr, item.as_mut_ptr(), 1))?
            })
        } else {
            None
        };
        let stored = tuple.as_ref().map_or(obj.raw(), |t| t.raw());
        // SAFETY: the global is listed in the module definition, `stored` is live; the interpreter
        // is held, so nothing else touches the global meanwhile.
        unsafe {
            let raw = self.raw.get();
            if self.is_set() {
                (*raw)._i = self.value.load(Ordering::Relaxed); // replace what we stored
            }
            ffi::HPyGlobal_Store(ctx_ptr, raw, stored);
            self.value.store((*raw)._i, Ordering::Relaxed);
        }
        self.boxed.store(boxed, Ordering::Relaxed);
        self.stored.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// A new handle to the stored object, or `None` before anything was stored.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// #[oxhpy::global]
    /// static DUMPS: Global; // `json.dumps`, stored by the module's exec function
    ///
    /// #[oxhpy::function]
    /// fn to_json(obj: Borrowed<'_, '_>) -> PyResult<String> {
    ///     let dumps = DUMPS.load(obj.ctx()).ok_or_else(|| PyErr::new(Exc::RuntimeError, "no json"))?;
    ///     dumps.call((obj,))?.extract()
    /// }
    /// ```
    pub fn load<'py>(&'static self, ctx: Ctx<'py>) -> Option<Handle<'py>> {
        if !self.is_set() {
            return None;
        }
        // SAFETY: the global holds an object; HPyGlobal_Load returns a new owned handle.
        unsafe {
            let global = ffi::HPyGlobal {
                _i: self.value.load(Ordering::Relaxed),
            };
            let raw = ffi::HPyGlobal_Load(ctx.as_ptr(), global);
            let h = Handle::from_raw(ctx, raw).ok()?;
            if !self.boxed.load(Ordering::Relaxed) {
                return Some(h);
            }
            // The int inside the 1-tuple `store` made.
            Handle::from_raw(ctx, ffi::HPy_GetItem_i(ctx.as_ptr(), h.raw(), 0)).ok()
        }
    }
}

/// What `#[oxhpy::global]` can declare: a [`Global`], an array `[Global; N]`, a class's
/// [`TypeGlobal`](crate::class::TypeGlobal).
///
/// ```
/// use oxhpy::Global;
///
/// #[oxhpy::global]
/// static CONSTANTS: [Global; 3]; // `&CONSTANTS[i]` is a `&'static Global`
///
/// assert!(CONSTANTS.iter().all(|g| !g.is_set()));
/// ```
///
/// # Safety
/// `Self` is `size_of::<Self>() / size_of::<Global>()` [`Global`]s one after the other from its
/// address (and nothing else), and [`EMPTY`](Globals::EMPTY) holds globals never stored into.
#[diagnostic::on_unimplemented(
    message = "`#[oxhpy::global]` declares a `Global` or an array `[Global; N]`, not `{Self}`"
)]
pub unsafe trait Globals: Sync + Sized + 'static {
    /// The value of a new declaration (to be registered).
    #[doc(hidden)]
    const EMPTY: Unregistered<Self>;
}

/// Globals that no module definition lists yet: only oxhpy can unwrap them, for
/// `#[oxhpy::global]`, which registers them.
#[doc(hidden)]
pub struct Unregistered<T>(ManuallyDrop<T>);

impl<T> Unregistered<T> {
    pub(crate) const fn new(value: T) -> Self {
        Unregistered(ManuallyDrop::new(value))
    }
}

// SAFETY: one `Global`; `new` is empty.
unsafe impl Globals for Global {
    const EMPTY: Unregistered<Self> = Unregistered::new(Global::new());
}

// SAFETY: an array lays its `N` `Global`s out one after the other; all empty.
unsafe impl<const N: usize> Globals for [Global; N] {
    const EMPTY: Unregistered<Self> = Unregistered::new([const { Global::new() }; N]);
}

/// The value of a `#[oxhpy::global]` static.
///
/// # Safety
/// The static is registered ([`Registered::new`] of it in [`GLOBALS`]): HPy requires every
/// global stored into to be listed in the module definition.
#[doc(hidden)]
pub const unsafe fn unregistered<T: Globals>() -> T {
    ManuallyDrop::into_inner(T::EMPTY.0)
}

/// An entry of the registry of globals: the globals of one `#[oxhpy::global]` static.
#[doc(hidden)]
pub struct Registered(&'static [Global]);

impl Registered {
    /// The entry of `globals`.
    pub const fn new<T: Globals>(globals: &'static T) -> Self {
        let len = std::mem::size_of::<T>() / std::mem::size_of::<Global>();
        // SAFETY: per `Globals`, `T` is `len` `Global`s one after the other from its address;
        // `'static` and shared like `globals`.
        Registered(unsafe { std::slice::from_raw_parts(globals as *const T as *const Global, len) })
    }
}

/// Every `#[oxhpy::global]` static linked into the binary (a link-time registry): the module
/// definition lists them all.
#[doc(hidden)]
#[linkme::distributed_slice]
pub static GLOBALS: [Registered];

/// An entry of the registry of module functions: the definition of one `#[oxhpy::function]`.
#[doc(hidden)]
pub struct ModuleFunction(&'static crate::impl_::MethodDef);

impl ModuleFunction {
    /// The entry of `def`.
    ///
    /// # Safety
    /// `def` defines a module-level function (`HPyDef_Kind_Meth`, built as
    /// [`MethodDef::meth`](crate::impl_::MethodDef::meth) requires) whose impl accepts any object
    /// as `self`: the module lists it, and HPy calls it with the module object.
    pub const unsafe fn new(def: &'static crate::impl_::MethodDef) -> Self {
        ModuleFunction(def)
    }
}

/// Every `#[oxhpy::function]` linked into the binary (a link-time registry, like [`GLOBALS`]):
/// the module definition lists them all, wherever they are declared.
#[doc(hidden)]
#[linkme::distributed_slice]
pub static FUNCTIONS: [ModuleFunction];

/// An entry of the registry of classes: what creates one class (of an `#[oxhpy::methods]` block)
/// in the module's exec slot.
#[doc(hidden)]
pub struct ModuleClass {
    name: &'static str,
    /// Where its type is kept (what identifies the class).
    global: fn() -> &'static crate::class::TypeGlobal,
    /// Where the type of the class it extends is kept.
    base: fn() -> Option<&'static crate::class::TypeGlobal>,
    add: fn(&Module<'_>) -> PyResult<()>,
    /// Adds its static and class methods and class attributes, once every class exists.
    add_items: fn(&Module<'_>) -> PyResult<()>,
    /// The definitions of its `#[oxhpy::methods]` block (`PyMethods::method_defs`).
    defs: fn() -> Vec<*mut ffi::HPyDef>,
}

impl ModuleClass {
    /// The entry of class `T`.
    pub const fn of<T: crate::class::PyMethods>() -> Self {
        ModuleClass {
            name: T::NAME,
            global: T::type_global,
            base: <T::Base as crate::class::BaseClass>::base_type,
            add: crate::class::add_class::<T>,
            add_items: crate::class::add_class_items::<T>,
            defs: T::method_defs,
        }
    }
}

/// Every class with an `#[oxhpy::methods]` block linked into the binary: the module's exec slot
/// creates them all (each after the class it extends), wherever they are declared.
#[doc(hidden)]
#[linkme::distributed_slice]
pub static CLASSES: [ModuleClass];

/// The registered class whose type is kept in `global`.
fn class_of(global: &'static crate::class::TypeGlobal) -> Option<&'static ModuleClass> {
    CLASSES.iter().find(|c| std::ptr::eq((c.global)(), global))
}

/// The name of a registered class that extends the class of `base` (directly or not) and of which
/// `ty` is a subtype, if any: `ty`'s instances then hold more than `base`'s class's.
pub(crate) fn extending_class(
    ctx: Ctx<'_>,
    base: &'static crate::class::TypeGlobal,
    ty: ffi::HPy,
) -> PyResult<Option<&'static str>> {
    for c in CLASSES.iter() {
        let mut b = (c.base)();
        let extends = loop {
            match b {
                None => break false,
                Some(g) if std::ptr::eq(g, base) => break true,
                Some(g) => b = class_of(g).and_then(|c| (c.base)()),
            }
        };
        if !extends {
            continue;
        }
        let Some(sub) = (c.global)().load(ctx) else {
            continue;
        };
        // SAFETY: live type handles.
        if unsafe { ffi::HPyType_IsSubtype(ctx.as_ptr(), ty, sub.raw()) } != 0 {
            return Ok(Some(c.name));
        }
    }
    Ok(None)
}

/// The `__call__` (`HPy_tp_call`) definition of the nearest registered class from the class of
/// `base` up (the classes it extends) that has one: what a class that extends `base`'s class and
/// defines no `__call__` calls.
pub(crate) fn inherited_call(
    mut base: Option<&'static crate::class::TypeGlobal>,
) -> Option<*mut ffi::HPyDef> {
    while let Some(c) = base.and_then(class_of) {
        let mut defs = (c.defs)().into_iter();
        // SAFETY: `PyMethods::method_defs` gives the `as_ptr()`s of static definitions.
        if let Some(def) = defs.find(|&d| unsafe { crate::class::is_call_slot(d) }) {
            return Some(def);
        }
        base = (c.base)();
    }
    None
}

/// The order in which to create the registered classes (indices in [`CLASSES`]): each after the
/// class it extends. `Err(message)` names a class whose base is not registered (it has no
/// `#[oxhpy::methods]` block).
fn class_order() -> Result<Vec<usize>, String> {
    let classes: Vec<&'static ModuleClass> = CLASSES.iter().collect();
    let keys: Vec<usize> = classes
        .iter()
        .map(|c| (c.global)() as *const _ as usize)
        .collect();
    let bases: Vec<Option<usize>> = classes
        .iter()
        .map(|c| (c.base)().map(|g| g as *const _ as usize))
        .collect();
    after_bases(&keys, &bases).map_err(|stuck| {
        let names: Vec<&str> = stuck.iter().map(|&i| classes[i].name).collect();
        format!(
            "these #[oxhpy::class]es extend a class that the module does not create (it has no \
             #[oxhpy::methods] block; an empty `#[oxhpy::methods] impl Base {{}}` registers it): {}",
            names.join(", ")
        )
    })
}

/// The order (indices) in which to create items of keys `keys` whose bases are `bases` (`None`:
/// none to wait for): each after its base. `Err(indices)`: the items whose bases never come, in a
/// cycle or missing.
fn after_bases(keys: &[usize], bases: &[Option<usize>]) -> Result<Vec<usize>, Vec<usize>> {
    let mut done = vec![false; keys.len()];
    let mut order = Vec::with_capacity(keys.len());
    loop {
        let before = order.len();
        for i in 0..keys.len() {
            if done[i] {
                continue;
            }
            let ready = match bases[i] {
                None => true,
                Some(b) => keys.iter().position(|&k| k == b).is_some_and(|j| done[j]),
            };
            if ready {
                done[i] = true;
                order.push(i);
            }
        }
        if order.len() == keys.len() {
            return Ok(order);
        }
        if order.len() == before {
            return Err((0..keys.len()).filter(|&i| !done[i]).collect());
        }
    }
}

/// An entry of the registry of exceptions: one `#[oxhpy::exception]` static.
#[doc(hidden)]
pub struct ModuleException(&'static CustomException);

impl ModuleException {
    /// The entry of `exc`.
    pub const fn new(exc: &'static CustomException) -> Self {
        ModuleException(exc)
    }
}

/// Every `#[oxhpy::exception]` linked into the binary: the module's exec slot creates them all
/// (each after its base), wherever they are declared.
#[doc(hidden)]
#[linkme::distributed_slice]
pub static EXCEPTIONS: [ModuleException];

/// The order in which to create `excs` (indices): each after its base, when that is one of them.
/// `Err(names)`: the exceptions whose bases never get created, a cycle (`A` derives from `B`, which
/// derives from `A`) or a base outside `excs`.
fn creation_order(excs: &[&'static CustomException]) -> Result<Vec<usize>, Vec<&'static str>> {
    let keys: Vec<usize> = excs.iter().map(|e| *e as *const _ as usize).collect();
    let bases: Vec<Option<usize>> = excs
        .iter()
        .map(|e| match e.base() {
            ExceptionBase::Builtin(_) => None,
            ExceptionBase::Custom(b) => Some(b as *const _ as usize),
        })
        .collect();
    after_bases(&keys, &bases).map_err(|stuck| stuck.into_iter().map(|i| excs[i].name()).collect())
}

/// Creates every registered exception (see [`EXCEPTIONS`]): keeps it in its global, adds it to `m`.
fn add_exceptions(m: &Module<'_>) -> PyResult<()> {
    let ctx = m.ctx();
    let excs: Vec<&'static CustomException> = EXCEPTIONS.iter().map(|e| e.0).collect();
    let order = creation_order(&excs).map_err(|names| {
        PyErr::new(
            crate::Exc::ImportError,
            format!(
                "the bases of these #[oxhpy::exception]s derive from each other in a cycle: {}",
                names.join(", ")
            ),
        )
    })?;
    for i in order {
        let e = excs[i];
        let new = |base| m.new_exception(e.name(), base, e.doc());
        let ty = match e.base() {
            ExceptionBase::Builtin(b) => b.with_type(ctx, new),
            ExceptionBase::Custom(b) => b.with_type(ctx, new),
        };
        let ty = ty.ok_or_else(|| {
            PyErr::new(
                crate::Exc::SystemError,
                format!("the base of {} is not an exception class", e.name()),
            )
        })??;
        e.global().store(ctx, &ty)?;
        m.add(e.name(), ty)?;
    }
    Ok(())
}

/// The Python names of the registered functions (`HPyDef.meth.name`).
fn function_names() -> impl Iterator<Item = &'static CStr> {
    FUNCTIONS.iter().map(|f| {
        // SAFETY: every entry is a static `HPyDef_Kind_Meth` definition (`ModuleFunction::new`),
        // whose name is a static NUL-terminated string.
        unsafe { CStr::from_ptr((*f.0.as_ptr()).__bindgen_anon_1.meth.name) }
    })
}

/// Refuses two registered functions or classes of the same Python name: the module would keep
/// one of them silently (which one depends on the link order).
fn check_unique_names() -> PyResult<()> {
    let mut names: Vec<String> = function_names()
        .map(|n| n.to_string_lossy().into_owned())
        .chain(CLASSES.iter().map(|c| c.name.to_owned()))
        .chain(EXCEPTIONS.iter().map(|e| e.0.name().to_owned()))
        .collect();
    names.sort_unstable();
    match names.windows(2).find(|w| w[0] == w[1]) {
        None => Ok(()),
        Some(w) => Err(PyErr::new(
            crate::Exc::ImportError,
            format!(
                "two #[oxhpy::function]s, #[oxhpy::class]es or #[oxhpy::exception]s of this \
                 binary are both named '{}': rename one (`name = \"...\"`)",
                w[0]
            ),
        )),
    }
}

/// A NULL-terminated static array of pointers (`HPyDef **`).
#[doc(hidden)]
#[repr(transparent)]
pub struct PtrList<T, const N: usize>(UnsafeCell<[*mut T; N]>);

// SAFETY: immutable after construction; HPy only reads it.
unsafe impl<T, const N: usize> Sync for PtrList<T, N> {}

impl<T, const N: usize> PtrList<T, N> {
    /// Wraps `items`, whose last element must be null (checked).
    ///
    /// # Safety
    /// Every item before the terminating null points to a `T` that lives for the rest of the
    /// process and that HPy may read as such: the `as_ptr()` of a `static`
    /// [`MethodDef`](crate::impl_::MethodDef). HPy reads the list as the `defines` of a definition
    /// and trusts every entry.
    pub const unsafe fn new(items: [*mut T; N]) -> Self {
        assert!(
            N > 0 && items[N - 1].is_null(),
            "PtrList must end with a null pointer"
        );
        PtrList(UnsafeCell::new(items))
    }

    /// The array as `T **`.
    pub const fn as_ptr(&'static self) -> *mut *mut T {
        self.0.get() as *mut *mut T
    }
}

/// The `HPyGlobal **` list of the module definition: oxhpy's own globals, every registered one,
/// then null. One per binary (one module per binary), built at the first `HPyInit_<name>`.
struct GlobalList(*mut *mut ffi::HPyGlobal);

// SAFETY: the array is never written after `global_list` built it; HPy only reads it.
unsafe impl Send for GlobalList {}
// SAFETY: as for Send.
unsafe impl Sync for GlobalList {}

/// The list of globals (see [`GlobalList`]).
fn global_list() -> &'static GlobalList {
    static LIST: OnceLock<GlobalList> = OnceLock::new();
    LIST.get_or_init(|| {
        let own =
            std::iter::once(&crate::trampoline::PANIC_EXCEPTION).chain(&crate::cache::GLOBALS);
        let registered = GLOBALS.iter().flat_map(|r| r.0);
        let mut items: Vec<*mut ffi::HPyGlobal> =
            own.chain(registered).map(Global::as_ptr).collect();
        // Listing a global twice would make GraalPy assign it two table slots.
        items.sort_unstable();
        items.dedup();
        items.push(std::ptr::null_mut());
        GlobalList(Box::leak(items.into_boxed_slice()).as_mut_ptr())
    })
}

impl GlobalList {
    /// Marks every global of the list as listed (see [`Global::store`]).
    fn mark_listed(&self) {
        // SAFETY: built by `global_list` only: every entry up to the terminating null is the
        // `as_ptr()` of a `&'static Global`, whose first field it points to (`repr(C)`).
        unsafe {
            let mut p = self.0;
            while !(*p).is_null() {
                (*(*p as *const Global))
                    .listed
                    .store(true, Ordering::Relaxed);
                p = p.add(1);
            }
        }
    }
}

/// The `HPyModuleDef` of a module, built at the first `HPyInit_<name>` (its list of globals is
/// the registry's, known at run time only).
#[doc(hidden)]
pub struct ModuleDef {
    doc: Option<&'static CStr>,
    defines: *mut *mut ffi::HPyDef,
    def: OnceLock<DefCell>,
}

// SAFETY: `defines` is only read (by HPy); `def` is built once.
unsafe impl Sync for ModuleDef {}

/// The built definition (HPy takes it as `*mut`, and only reads it).
struct DefCell(UnsafeCell<ffi::HPyModuleDef>);

// SAFETY: never written after `ModuleDef::as_ptr` built it; its pointers are to static data.
unsafe impl Send for DefCell {}
// SAFETY: as for Send.
unsafe impl Sync for DefCell {}

impl ModuleDef {
    /// A module with `defines` (its exec slot), every registered function and every registered
    /// global.
    ///
    /// # Safety
    /// HPy calls what `defines` lists: every entry is a [`MethodDef`](crate::impl_::MethodDef)
    /// built as its constructor requires, and one of them is the module's `HPy_mod_exec` slot,
    /// whose impl calls [`exec_prologue`] (with the module) before anything else.
    pub const unsafe fn new<const D: usize>(
        doc: Option<&'static CStr>,
        defines: &'static PtrList<ffi::HPyDef, D>,
    ) -> Self {
        ModuleDef {
            doc,
            defines: defines.as_ptr(),
            def: OnceLock::new(),
        }
    }

    /// What `HPyInit_<name>` returns.
    pub fn as_ptr(&'static self) -> *mut ffi::HPyModuleDef {
        let def = self.def.get_or_init(|| {
            DefCell(UnsafeCell::new(ffi::HPyModuleDef {
                doc: match self.doc {
                    Some(d) => d.as_ptr(),
                    None => std::ptr::null(),
                },
                size: 0,
                legacy_methods: std::ptr::null_mut(),
                defines: self.all_defines(),
                globals: global_list().0,
            }))
        });
        def.0.get()
    }
}

impl ModuleDef {
    /// Every registered function, then `defines`, then null: the module definition's `defines`
    /// (leaked: built once per process, at the first `HPyInit_<name>`).
    fn all_defines(&self) -> *mut *mut ffi::HPyDef {
        let mut all: Vec<*mut ffi::HPyDef> = FUNCTIONS.iter().map(|f| f.0.as_ptr()).collect();
        let mut p = self.defines;
        // SAFETY: `defines` is a null-terminated `PtrList` (`ModuleDef::new`).
        unsafe {
            while !(*p).is_null() {
                all.push(*p);
                p = p.add(1);
            }
        }
        all.push(std::ptr::null_mut());
        Box::leak(all.into_boxed_slice()).as_mut_ptr()
    }
}

/// The exec work every oxhpy module does before the user's: fix the context layout for this
/// process, mark the listed globals, create `PanicException`, every registered exception, every
/// registered class, then the classes' static and class methods and class attributes.
///
/// # Safety
/// `m` is the module object of a [`ModuleDef`] (whose `as_ptr()` lists every registered global):
/// the globals are marked as listed, and [`Global::store`] then stores into them, which HPy only
/// allows for the globals a module definition lists.
#[doc(hidden)]
pub unsafe fn exec_prologue(m: &Module<'_>) -> PyResult<()> {
    // A module's state (its types, exceptions and globals) lives in statics of its library, one
    // per process: a second module object would replace the first one's types and exceptions
    // under its feet ("expected Big, got Big"). So a module initialises once per process, like
    // PyO3's on the interpreters without per-module state.
    if INITIALISED.swap(true, Ordering::Relaxed) {
        return Err(PyErr::new(
            crate::Exc::ImportError,
            "this oxhpy module was already initialised in this process and cannot be \
             initialised again (its state is per process): import it once, do not reload it \
             or import it again after removing it from sys.modules",
        ));
    }
    global_list().mark_listed();
    // SAFETY: the exec slot's context is live.
    unsafe { ffi::layout::ensure(m.ctx().as_ptr()) };
    crate::context::Interpreter::note(m.ctx());
    crate::trampoline::init_panic_exception(m)?;
    check_unique_names()?;
    add_exceptions(m)?;
    let order = class_order().map_err(|e| PyErr::new(crate::Exc::ImportError, e))?;
    for i in order {
        (CLASSES[i].add)(m)?;
    }
    for class in CLASSES {
        (class.add_items)(m)?;
    }
    Ok(())
}

/// Whether this library's module was initialised (see [`exec_prologue`]).
static INITIALISED: AtomicBool = AtomicBool::new(false);

#[cfg(test)]
mod tests {
    use super::*;

    // SAFETY: registered just below (twice, to check that the list has each global once).
    static PAIR: [Global; 2] = unsafe { unregistered() };
    #[linkme::distributed_slice(GLOBALS)]
    static PAIR_ENTRY: Registered = Registered::new(&PAIR);
    #[linkme::distributed_slice(GLOBALS)]
    static PAIR_AGAIN: Registered = Registered::new(&PAIR);

    #[test]
    fn the_list_holds_oxhpy_globals_and_every_registered_one_once() {
        let mut listed = Vec::new();
        // SAFETY: the list is null-terminated.
        unsafe {
            let mut p = global_list().0;
            while !(*p).is_null() {
                listed.push(*p);
                p = p.add(1);
            }
        }
        let mut expected: Vec<_> = [&crate::trampoline::PANIC_EXCEPTION, &PAIR[0], &PAIR[1]]
            .into_iter()
            .chain(&crate::cache::GLOBALS)
            .map(Global::as_ptr)
            .collect();
        expected.sort_unstable();
        assert_eq!(listed, expected);
        assert_eq!(GLOBALS.len(), 2);
    }

    /// Never called: the impl of the test definitions below.
    unsafe extern "C" fn never(_: *mut ffi::HPyContext, _: ffi::HPy) -> ffi::HPy {
        unreachable!()
    }

    /// Never called: their trampoline.
    extern "C" fn never_cpy() {
        unreachable!()
    }

    macro_rules! test_function {
        ($def:ident, $entry:ident, $name:literal) => {
            // SAFETY: a NOARGS definition of `never` (never called: the module is not created).
            static $def: crate::impl_::MethodDef = unsafe {
                crate::impl_::MethodDef::meth(
                    $name,
                    None,
                    ffi::HPyFunc_NOARGS,
                    crate::__cfunc!(never as crate::impl_::NoargsImpl, crate::impl_::NoargsImpl),
                    crate::__cpy!(never_cpy),
                )
            };
            #[linkme::distributed_slice(FUNCTIONS)]
            // SAFETY: a module-level function's definition.
            static $entry: ModuleFunction = unsafe { ModuleFunction::new(&$def) };
        };
    }

    macro_rules! test_exception {
        ($name:ident, $py:literal, $base:expr) => {
            static $name: CustomException = {
                let base = || ExceptionBase::from($base);
                // SAFETY: not registered, and never stored into (only `creation_order` reads it).
                unsafe { CustomException::new($py, None, base) }
            };
        };
    }

    test_exception!(CHILD, "Child", &PARENT);
    test_exception!(PARENT, "Parent", &crate::Exc::ValueError);
    test_exception!(GRANDCHILD, "Grandchild", &CHILD);
    test_exception!(PING, "Ping", &PONG);
    test_exception!(PONG, "Pong", &PING);
    test_exception!(LOOSE, "Loose", &ORPHAN_BASE);
    test_exception!(ORPHAN_BASE, "OrphanBase", &crate::Exc::Exception);

    #[test]
    fn exceptions_are_created_after_their_bases() {
        let excs = [&GRANDCHILD, &CHILD, &PARENT];
        let order = creation_order(&excs).unwrap();
        let names: Vec<_> = order.iter().map(|&i| excs[i].name()).collect();
        assert_eq!(names, ["Parent", "Child", "Grandchild"]);
        assert_eq!(creation_order(&[]).unwrap(), Vec::<usize>::new());
    }

    #[test]
    fn a_cycle_or_a_missing_base_is_refused() {
        let excs = [&PARENT, &PING, &CHILD, &PONG];
        assert_eq!(creation_order(&excs).unwrap_err(), ["Ping", "Pong"]);
        assert_eq!(creation_order(&[&LOOSE]).unwrap_err(), ["Loose"]);
    }

    #[test]
    fn items_come_after_their_bases() {
        // 30 extends 20, which extends 10; 40 extends none.
        let keys = [30, 40, 20, 10];
        let bases = [Some(20), None, Some(10), None];
        let order = after_bases(&keys, &bases).unwrap();
        let keys_in_order: Vec<_> = order.iter().map(|&i| keys[i]).collect();
        assert_eq!(keys_in_order, [40, 10, 20, 30]);
        // 50's base is missing, and so 60's never comes either.
        let err = after_bases(&[50, 60, 70], &[Some(99), Some(50), None]).unwrap_err();
        assert_eq!(err, [0, 1]);
    }

    test_function!(TWIN_A, TWIN_A_ENTRY, c"twin");
    test_function!(TWIN_B, TWIN_B_ENTRY, c"twin");
    test_function!(SINGLE, SINGLE_ENTRY, c"single");

    #[test]
    fn registered_functions_are_listed_and_two_of_one_name_refused() {
        let mut names: Vec<_> = function_names().collect();
        names.sort_unstable();
        assert_eq!(names, [c"single", c"twin", c"twin"]);
        let err = check_unique_names().unwrap_err();
        assert!(format!("{err:?}").contains("'twin'"), "{err:?}");
    }
}
