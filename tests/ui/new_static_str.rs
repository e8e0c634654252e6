// `#[new]`: a constructor argument kept in the object. The instance outlives the call, the str's
// buffer may not.
#[oxhpy::class]
struct Named {
    name: &'static str,
}

#[oxhpy::methods]
impl Named {
    #[new]
    fn new(name: &'static str) -> Self {
        Named { name }
    }

    #[getter]
    fn name(&self) -> &str {
        self.name
    }
}

fn main() {}
