// Methods, in both shapes of `__call__` (keywords, and positional-only behind tp_call) and as a
// plain `sig = "o"` method: the argument kept in the object.
#[oxhpy::class]
struct Named {
    name: &'static str,
}

#[oxhpy::methods]
impl Named {
    #[oxhpy(sig = "varargs")]
    fn __call__(&mut self, name: &'static str) {
        self.name = name;
    }

    #[oxhpy(sig = "o")]
    fn rename(&mut self, name: &'static str) {
        self.name = name;
    }
}

#[oxhpy::class]
struct Other {
    name: &'static str,
}

#[oxhpy::methods]
impl Other {
    fn __call__(&mut self, name: &'static str) {
        self.name = name;
    }
}

fn main() {}
