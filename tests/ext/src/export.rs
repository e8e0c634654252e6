//! `tests/test_export.py`: classes that export their memory (`__buffer__`).
use oxhpy::prelude::*;

/// ByteStore(data: bytes): owns a copy of `data` and exports it read-only (HPy_bf_getbuffer).
#[oxhpy::class]
pub struct ByteStore {
    data: Vec<u8>,
}

#[oxhpy::methods]
impl ByteStore {
    #[new]
    fn new(data: Vec<u8>) -> Self {
        ByteStore { data }
    }

    /// Appends a byte: refused while a memoryview of the store is alive.
    fn append(&mut self, b: u8) {
        self.data.push(b);
    }

    fn __buffer__(&self) -> oxhpy::buffer::Exported<'_> {
        oxhpy::buffer::Exported::of(&self.data)
    }
}

/// Shifty(data): each export exports one byte more than the one before (interior mutability
/// under `&self`): while an export is alive, another shape must be refused, never written over
/// the live export's shape.
#[oxhpy::class]
pub struct Shifty {
    data: Vec<u8>,
    exports: std::sync::atomic::AtomicUsize,
}

#[oxhpy::methods]
impl Shifty {
    #[new]
    fn new(data: Vec<u8>) -> Self {
        Shifty {
            data,
            exports: Default::default(),
        }
    }

    fn __buffer__(&self) -> oxhpy::buffer::Exported<'_> {
        let i = self
            .exports
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        oxhpy::buffer::Exported::of(&self.data[..1 + i % self.data.len()])
    }
}

/// WordStore(n): exports n u32 words (format 'I') computed from their index.
#[oxhpy::class]
pub struct WordStore {
    words: Vec<u32>,
}

#[oxhpy::methods]
impl WordStore {
    #[new]
    fn new(n: usize) -> Self {
        WordStore {
            words: (0..n as u32)
                .map(|i| i.wrapping_mul(2_654_435_761))
                .collect(),
        }
    }

    fn __buffer__(&self) -> PyResult<oxhpy::buffer::Exported<'_>> {
        Ok(oxhpy::buffer::Exported::of(&self.words))
    }
}
