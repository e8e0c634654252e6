// A `Field` in a static: no object owns it, nothing traverses it.
use oxhpy::Field;
use std::sync::{Mutex, OnceLock};

static CACHED: OnceLock<Field> = OnceLock::new();
static LOCKED: Mutex<Option<Field>> = Mutex::new(None);

fn main() {
    let _ = (&CACHED, &LOCKED);
}
