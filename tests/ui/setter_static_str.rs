// A `#[setter]` that keeps its value in the object.
#[oxhpy::class]
struct Named {
    name: &'static str,
}

#[oxhpy::methods]
impl Named {
    #[getter]
    fn name(&self) -> &str {
        self.name
    }

    #[setter]
    fn set_name(&mut self, name: &'static str) {
        self.name = name;
    }
}

fn main() {}
