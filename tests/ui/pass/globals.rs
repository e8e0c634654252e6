// `#[oxhpy::global]` wherever a static can be: in the module mod, in another mod, in a function
// body, behind a type alias, as an array; and a class outside the module mod (its type global).
// Every one is in the registry that the module definition lists.
use oxhpy::Global;

#[oxhpy::module]
mod registry {
    use oxhpy::prelude::*;

    #[oxhpy::global]
    pub static IN_MODULE: Global;

    #[oxhpy::function]
    fn f() {}
}

mod other {
    /// Documented, public.
    #[oxhpy::global]
    pub static IN_OTHER_MOD: oxhpy::Global;
}

type Alias = Global;
#[oxhpy::global]
static ALIASED: Alias;

#[oxhpy::global]
static ARRAY: [Global; 3];

#[oxhpy::class]
pub struct Outside {}

fn in_fn() -> &'static Global {
    #[oxhpy::global]
    static IN_FN: Global;
    &IN_FN
}

fn main() {
    let _ = (&registry::IN_MODULE, &other::IN_OTHER_MOD, &ALIASED, &ARRAY, in_fn());
    // 5 statics and the class's type global.
    assert_eq!(oxhpy::impl_::GLOBALS.len(), 6);
}
