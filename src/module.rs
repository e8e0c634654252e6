//! Modules: the static `HPyModuleDef`, [`Module`] (the module object in its exec slot) and
//! [`Global`] (a module-level reference that outlives calls: `HPyGlobal`).
//!
//! `#[oxhpy::module]` on an inline `mod` generates the module definition and the four exported
//! entry points (`HPyInit_<name>`, `HPyInitGlobalContext_<name>`,
//! `get_required_hpy_major/minor_version_<name>`), where `<name>` is the mod's name, i.e. the last
//! part of the import name. Its exec slot decides the context layout, creates `PanicException`,
//! then runs the user's `#[oxhpy::exec]` function, if any.
use crate::context::{cstring, Ctx};
use crate::convert::IntoPy;
use crate::err::{PyErr, PyResult};
use crate::handle::{AsHandle, Borrowed, Handle};
use hpy_sys as ffi;
use std::cell::UnsafeCell;
use std::ffi::CStr;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

/// The module object, borrowed, while its exec slot runs.
pub struct Module<'py> {
    h: Borrowed<'py, 'py>,
}

impl<'py> Module<'py> {
    /// Wraps the module handle passed to the exec slot.
    ///
    /// # Safety
    /// `raw` is the live module handle of the current exec call.
    pub unsafe fn from_raw(ctx: Ctx<'py>, raw: ffi::HPy) -> Self {
        // SAFETY: per the contract above.
        let h = unsafe { Borrowed::from_raw(ctx, raw) };
        Module { h }
    }

    /// Sets the module attribute `name` to `value`.
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
    pub fn add_exception(
        &self,
        global: &'static Global,
        name: &str,
        base: Option<crate::Exc>,
        doc: &str,
    ) -> PyResult<()> {
        let ctx = self.h.ctx();
        let modname: String =
            crate::Object::extract(&crate::Object::getattr(&self.h, "__name__")?)?;
        let qual = cstring(&format!("{modname}.{name}"))?;
        let doc = cstring(doc)?;
        let base = base.unwrap_or(crate::Exc::Exception).handle(ctx);
        // SAFETY: valid context, NUL-terminated strings, live base type; result owned or NULL.
        let ty = unsafe {
            Handle::from_raw(
                ctx,
                ffi::HPyErr_NewExceptionWithDoc(
                    ctx.as_ptr(),
                    qual.as_ptr(),
                    doc.as_ptr(),
                    base,
                    ffi::HPy_NULL,
                ),
            )?
        };
        global.store(ctx, &ty)?;
        self.add(name, ty)
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
/// Declare it as a `static` inside a `#[oxhpy::module]` mod (which lists it in the module
/// definition, as HPy requires), store it at exec time, load it in later calls.
///
/// Whether it was stored, and what, is tracked here, not read from the listed `HPyGlobal`: HPy
/// does not define the value of a global that was never stored. CPython and PyPy leave it 0, but
/// GraalPy 24.2 writes a table index into every listed global whenever it creates a module object
/// from the definition (loading it before any store gives its internal `NoValue` object), even
/// for a second module object whose initialisation oxhpy then refuses: the value a store gave is
/// kept here and loaded, so a stored global keeps its object.
#[repr(C)]
pub struct Global {
    /// First field: its address is the `HPyGlobal *` listed in the module definition.
    raw: UnsafeCell<ffi::HPyGlobal>,
    stored: AtomicBool,
    /// The `HPyGlobal` value as the last store left it.
    value: AtomicIsize,
    /// Whether the module definition lists it (set when the module initialises): HPy requires
    /// that of every global stored into (GraalPy indexes a table with it).
    listed: AtomicBool,
}

// SAFETY: the HPyGlobal is only read and written while holding the interpreter (a `Ctx` is
// required), which serialises all access.
unsafe impl Sync for Global {}

impl Global {
    /// An empty global.
    pub const fn new() -> Self {
        Global {
            raw: UnsafeCell::new(ffi::HPyGlobal { _i: 0 }),
            stored: AtomicBool::new(false),
            value: AtomicIsize::new(0),
            listed: AtomicBool::new(false),
        }
    }

    /// The pointer that goes into a module's `globals` list.
    pub const fn as_ptr(&'static self) -> *mut ffi::HPyGlobal {
        self.raw.get()
    }

    /// This global as an entry of its module's list of globals ([`GlobalList`]).
    #[doc(hidden)]
    pub const fn listed(&'static self) -> Listed {
        Listed(self)
    }

    /// Whether something was stored.
    pub fn is_set(&self) -> bool {
        self.stored.load(Ordering::Relaxed)
    }

    /// Stores a reference to `obj` (the global keeps its own reference).
    ///
    /// `SystemError` for a global that the module definition does not list: one declared
    /// anywhere but as a `static` item directly inside the `#[oxhpy::module]` mod.
    pub fn store<'py>(&'static self, ctx: Ctx<'py>, obj: &impl AsHandle<'py>) -> PyResult<()> {
        if !self.listed.load(Ordering::Relaxed) {
            return Err(PyErr::new(
                crate::Exc::SystemError,
                "this oxhpy::Global is not listed in the module definition: declare it as a \
                 `static` item directly inside the #[oxhpy::module] mod",
            ));
        }
        // SAFETY: the global is listed in the module definition, `obj` is live; the interpreter is
        // held, so nothing else touches the global meanwhile.
        unsafe {
            let raw = self.raw.get();
            if self.is_set() {
                (*raw)._i = self.value.load(Ordering::Relaxed); // replace what we stored
            }
            ffi::HPyGlobal_Store(ctx.as_ptr(), raw, obj.raw());
            self.value.store((*raw)._i, Ordering::Relaxed);
        }
        self.stored.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// A new handle to the stored object, or `None` before anything was stored.
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
            Handle::from_raw(ctx, raw).ok()
        }
    }
}

impl Default for Global {
    fn default() -> Self {
        Self::new()
    }
}

/// A NULL-terminated static array of pointers (`HPyDef **`, `HPyGlobal **`).
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
    /// process and that HPy may read (and, for an `HPyGlobal`, write) as such: the `as_ptr()` of a
    /// `static` [`MethodDef`](crate::impl_::MethodDef) or [`Global`]. HPy reads the list as the
    /// `defines` or `globals` of a definition and trusts every entry.
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

/// How many globals every module lists besides its own: `PanicException`, oxhpy's cache, and the
/// terminating null.
#[doc(hidden)]
pub const OWN_GLOBALS: usize = 1 + crate::cache::COUNT + 1;

/// A global as an entry of a module's list: opaque, so that a class's type global cannot be
/// stored into through it.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct Listed(&'static Global);

/// A module's `HPyGlobal **` list: oxhpy's own globals, then the module's, then null. Built from
/// [`Global`]s only, so that initialising the module can mark each one as listed.
#[doc(hidden)]
pub struct GlobalList<const N: usize>(PtrList<ffi::HPyGlobal, N>);

impl<const N: usize> GlobalList<N> {
    /// A module's globals: oxhpy's own, then `user` (`N` must be `M + OWN_GLOBALS`).
    pub const fn new<const M: usize>(user: [Listed; M]) -> Self {
        assert!(N == M + OWN_GLOBALS, "wrong number of module globals");
        let mut items = [std::ptr::null_mut(); N];
        items[0] = crate::trampoline::PANIC_EXCEPTION.as_ptr();
        let mut i = 0;
        while i < crate::cache::COUNT {
            items[1 + i] = crate::cache::GLOBALS[i].as_ptr();
            i += 1;
        }
        let mut j = 0;
        while j < M {
            items[1 + crate::cache::COUNT + j] = user[j].0.as_ptr();
            j += 1;
        }
        // SAFETY: every item but the last (null) is the `as_ptr()` of a `&'static Global`.
        GlobalList(unsafe { PtrList::new(items) })
    }

    /// The list as `HPyGlobal **`, for the module definition.
    pub const fn as_ptr(&'static self) -> *mut *mut ffi::HPyGlobal {
        self.0.as_ptr()
    }

    /// Marks every global of the list as listed (see [`Global::store`]).
    fn mark_listed(&'static self) {
        // SAFETY: built by `new` only: every entry up to the terminating null is the `as_ptr()`
        // of a `&'static Global`, whose first field it points to (`repr(C)`).
        unsafe {
            let mut p = self.as_ptr();
            while !(*p).is_null() {
                (*(*p as *const Global))
                    .listed
                    .store(true, Ordering::Relaxed);
                p = p.add(1);
            }
        }
    }
}

/// The static `HPyModuleDef` of a module.
#[doc(hidden)]
#[repr(transparent)]
pub struct ModuleDef(UnsafeCell<ffi::HPyModuleDef>);

// SAFETY: immutable after construction; HPy only reads it.
unsafe impl Sync for ModuleDef {}

impl ModuleDef {
    /// A module with `defines` (functions and slots) and `globals`.
    ///
    /// # Safety
    /// HPy calls what `defines` lists: every entry is a [`MethodDef`](crate::impl_::MethodDef)
    /// built as its constructor requires, and one of them is the module's `HPy_mod_exec` slot,
    /// whose impl passes `globals` to [`exec_prologue`] (with the module) before anything else.
    pub const unsafe fn new<const D: usize, const G: usize>(
        doc: Option<&'static CStr>,
        defines: &'static PtrList<ffi::HPyDef, D>,
        globals: &'static GlobalList<G>,
    ) -> Self {
        ModuleDef(UnsafeCell::new(ffi::HPyModuleDef {
            doc: match doc {
                Some(d) => d.as_ptr(),
                None => std::ptr::null(),
            },
            size: 0,
            legacy_methods: std::ptr::null_mut(),
            defines: defines.as_ptr(),
            globals: globals.as_ptr(),
        }))
    }

    /// What `HPyInit_<name>` returns.
    pub const fn as_ptr(&'static self) -> *mut ffi::HPyModuleDef {
        self.0.get()
    }
}

/// The exec work every oxhpy module does before the user's: fix the context layout for this
/// process and create `PanicException`.
///
/// # Safety
/// `globals` is the list of globals of `m`'s module definition (what [`ModuleDef::new`] was
/// given): the globals it lists are marked as listed, and [`Global::store`] then stores into
/// them, which HPy only allows for the globals a module definition lists.
#[doc(hidden)]
pub unsafe fn exec_prologue<const N: usize>(
    m: &Module<'_>,
    globals: &'static GlobalList<N>,
) -> PyResult<()> {
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
    globals.mark_listed();
    // SAFETY: the exec slot's context is live.
    unsafe { ffi::layout::ensure(m.ctx().as_ptr()) };
    crate::threads::note_interpreter(m.ctx());
    crate::trampoline::init_panic_exception(m)
}

/// Whether this library's module was initialised (see [`exec_prologue`]).
static INITIALISED: AtomicBool = AtomicBool::new(false);
