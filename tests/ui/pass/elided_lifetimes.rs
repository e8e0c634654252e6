// What must keep compiling: owned parameters, elided and named borrows that end with the call, in
// every calling convention, for functions, methods, constructors and setters.
use oxhpy::prelude::*;
use oxhpy::PyRef;

#[oxhpy::class]
pub struct Counter {
    n: i64,
    label: String,
}

#[oxhpy::methods]
impl Counter {
    #[new]
    fn new(label: &str, #[oxhpy(default = 0)] n: i64, note: Option<&str>) -> Self {
        let label = format!("{label}{}", note.unwrap_or(""));
        Counter { n, label }
    }

    #[getter]
    fn label(&self) -> &str {
        &self.label
    }

    #[setter]
    fn set_label(&mut self, label: &str) {
        self.label = label.to_owned();
    }

    fn add(
        &mut self,
        _py: Ctx<'_>,
        other: PyRef<'_, Counter>,
        by: Borrowed<'_, '_>,
    ) -> PyResult<i64> {
        let by: i64 = by.extract()?;
        self.n += other.n * by;
        Ok(self.n)
    }

    #[oxhpy(sig = "o")]
    fn starts_with(&self, prefix: &str) -> bool {
        self.label.starts_with(prefix)
    }

    fn __call__(&self, data: &[u8]) -> usize {
        data.len()
    }

    fn __repr__(&self) -> String {
        format!("Counter({})", self.n)
    }
}

#[oxhpy::function]
pub fn owned(a: i64, s: String, b: Vec<u8>, h: Handle<'_>) -> (i64, String, Vec<u8>, Handle<'_>) {
    (a, s, b, h)
}

#[oxhpy::function]
pub fn borrowed(s: &str, b: &[u8], o: Option<&str>, x: Borrowed<'_, '_>) -> usize {
    s.len() + b.len() + o.map_or(0, str::len) + usize::from(x.is_none())
}

#[oxhpy::function]
pub fn named<'a, 'py>(
    py: Ctx<'py>,
    x: Borrowed<'a, 'py>,
    s: &'a str,
) -> PyResult<(Borrowed<'a, 'py>, Handle<'py>)> {
    Ok((x, s.into_py(py)?))
}

#[oxhpy::function]
pub fn echo(s: &str) -> &str {
    s
}

#[oxhpy::function]
pub fn count(c: PyRef<'_, Counter>) -> i64 {
    c.n
}

#[oxhpy::function(sig = "o")]
pub fn one(s: &str) -> String {
    s.to_uppercase()
}

#[oxhpy::function(sig = "varargs")]
pub fn positional(a: &str, #[oxhpy(default = 1)] times: usize) -> String {
    a.repeat(times)
}

#[oxhpy::function]
pub fn nothing() {}

fn main() {}
