// What must keep compiling: the special methods of the slot table with every receiver form, a
// `Ctx` parameter, borrowed arguments, `Self` in a parameter's type (also of `#[new]`), `PyResult`
// results and the integer types `__hash__` takes.
use oxhpy::prelude::*;
use oxhpy::{PyRef, PyRefMut};

#[oxhpy::class]
pub struct Words {
    words: Vec<String>,
}

#[oxhpy::methods]
impl Words {
    #[new]
    fn new(words: Vec<String>, like: Option<PyRef<'_, Self>>) -> Self {
        match like {
            Some(other) => Words {
                words: other.words.clone(),
            },
            None => Words { words },
        }
    }

    fn __len__(slf: PyRef<'_, Self>) -> usize {
        slf.words.len()
    }

    fn __getitem__<'py>(&self, py: Ctx<'py>, key: &str) -> PyResult<Handle<'py>> {
        let found = self.words.iter().any(|w| w == key);
        Ok(py.bool(found))
    }

    fn __contains__(&mut self, word: &str) -> PyResult<bool> {
        Ok(self.words.iter().any(|w| w == word))
    }

    fn __bool__(slf: PyRefMut<'_, Self>) -> bool {
        !slf.words.is_empty()
    }

    fn __hash__(&self) -> i32 {
        self.words.len() as i32
    }

    fn __eq__(&self, other: PyRef<'_, Self>) -> bool {
        self.words == other.words
    }

    fn __lt__<'py>(
        slf: PyRef<'_, Self>,
        py: Ctx<'py>,
        other: Borrowed<'_, '_>,
    ) -> PyResult<Handle<'py>> {
        let _ = (slf, other);
        Ok(py.none())
    }

    fn __repr__(&self) -> String {
        self.words.join(" ")
    }
}

#[oxhpy::class]
pub struct Unsigned;

#[oxhpy::methods]
impl Unsigned {
    fn __hash__(&self) -> usize {
        usize::MAX
    }
}

fn main() {}
