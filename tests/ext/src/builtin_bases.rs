//! `tests/test_builtin_bases.py`: classes that extend `float` and `str` (`extends = FloatBase`,
//! `extends = StrBase`).
use oxhpy::class::{FloatBase, StrBase};
use oxhpy::prelude::*;

use oxhpy::{PyNew, PyRef, PyRefMut};
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many `Celsius`, `Kelvin` and `Word` values were dropped.
static DROPS: [AtomicUsize; 3] = [const { AtomicUsize::new(0) }; 3];

/// `(celsius, kelvin, word)`: the drops so far.
#[oxhpy::function]
fn builtin_drops() -> (usize, usize, usize) {
    let d = |i: usize| DROPS[i].load(Ordering::Relaxed);
    (d(0), d(1), d(2))
}

/// Celsius(degrees): a `float` that knows its scale; refuses what is below absolute zero.
#[oxhpy::class(extends = FloatBase, subclass)]
pub struct Celsius {
    label: String,
}

impl Drop for Celsius {
    fn drop(&mut self) {
        DROPS[0].fetch_add(1, Ordering::Relaxed);
    }
}

#[oxhpy::methods]
impl Celsius {
    #[new]
    fn new(degrees: f64) -> PyResult<Self> {
        if degrees < -273.15 {
            return Err(PyErr::new(Exc::ValueError, "below absolute zero"));
        }
        Ok(Celsius {
            label: format!("{degrees:.2} °C"),
        })
    }

    #[getter]
    fn label(&self) -> &str {
        &self.label
    }

    #[setter]
    fn set_label(&mut self, label: String) {
        self.label = label;
    }

    /// The float value, read through the object.
    fn fahrenheit(slf: PyRef<'_, Self>) -> PyResult<f64> {
        Ok(slf.as_borrowed().extract::<f64>()? * 1.8 + 32.0)
    }

    /// Calls `f()` while `self` is borrowed mutably.
    fn with_exclusive<'py>(&mut self, f: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
        f.call(())
    }
}

/// Kelvin(degrees): extends `Celsius` (and so `float`): its value is in kelvin.
#[oxhpy::class(extends = Celsius)]
pub struct Kelvin {
    offset: f64,
}

impl Drop for Kelvin {
    fn drop(&mut self) {
        DROPS[1].fetch_add(1, Ordering::Relaxed);
    }
}

#[oxhpy::methods]
impl Kelvin {
    #[new]
    fn new(degrees: f64) -> PyResult<(Self, Celsius)> {
        let base = Celsius::new(degrees - 273.15)?;
        Ok((Kelvin { offset: 273.15 }, base))
    }

    /// The value in Celsius, from the float value and this part's offset.
    fn celsius(slf: PyRef<'_, Self>) -> PyResult<f64> {
        Ok(slf.as_borrowed().extract::<f64>()? - slf.offset)
    }
}

/// Rankine: extends `Celsius` without a `#[new]`: it cannot be made (its instances would lack
/// their own part).
#[oxhpy::class(extends = Celsius)]
pub struct Rankine {
    scale: f64,
}

#[oxhpy::methods]
impl Rankine {
    fn scale(&self) -> f64 {
        self.scale
    }
}

/// Word(text): a `str` that counts how often it was looked up.
#[oxhpy::class(extends = StrBase)]
pub struct Word {
    chars: usize,
    lookups: u32,
}

impl Drop for Word {
    fn drop(&mut self) {
        DROPS[2].fetch_add(1, Ordering::Relaxed);
    }
}

#[oxhpy::methods]
impl Word {
    #[new]
    fn new(text: &str) -> Self {
        Word {
            chars: text.chars().count(),
            lookups: 0,
        }
    }

    /// The number of characters, as Rust counted them in `#[new]`.
    #[getter]
    fn chars(&self) -> usize {
        self.chars
    }

    fn look_up(mut slf: PyRefMut<'_, Self>) -> PyResult<(String, u32)> {
        slf.lookups += 1;
        Ok((slf.as_borrowed().extract::<String>()?, slf.lookups))
    }
}

/// A `Celsius` made from Rust: refused (only the class's call gives it its float value).
#[oxhpy::function]
fn celsius_from_rust() -> PyNew<Celsius> {
    PyNew(Celsius {
        label: "rust".into(),
    })
}
