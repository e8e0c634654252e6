//! A STREAM-like memory bandwidth probe: what one core (and all cores) of this machine moves per second, with the
//! kernels' own byte-sum loop (`kernels/src/simd.rs`, included as is) and with plain loops.
//!
//! Two ways to run it:
//!
//! - `oxhpy-probe [--mib N] [--reps N]` (`src/main.rs`): every loop on its own arrays, one JSON
//!   object on stdout.
//! - `liboxhpy_probe.so`, which `bench/run.py` loads with `ctypes` into the interpreter under test:
//!   the `oxhpy_probe_*` functions time one pass of a loop over memory that Python allocated, so
//!   the probe and the kernels run in the same process, on the same CPU and the same kind of pages
//!   (between two processes the same loop was seen to differ by up to 15 % on a shared VM).
//!
//! Bytes are counted as STREAM does (triad: 3 per element byte, copy: 2), without the extra read a
//! cache makes before writing a line it does not hold.
use std::hint::black_box;
use std::time::Instant;

#[path = "../../../kernels/src/simd.rs"]
#[allow(dead_code)]
mod simd;

/// Sum of the bytes with the kernels' loop (AVX2 `vpsadbw` where the CPU has it).
pub fn read_sum(d: &[u8]) -> u64 {
    simd::sum_bytes(d)
}

/// Sum of the bytes with the kernels' portable loop (what CPUs without AVX2 run).
pub fn read_portable(d: &[u8]) -> u64 {
    simd::sum_bytes_portable(d)
}

/// XOR of the bytes: loads and nothing else (auto-vectorised for the x86-64 baseline).
pub fn read_xor(d: &[u8]) -> u8 {
    d.iter().fold(0, |a, &b| a ^ b)
}

/// XOR of the bytes read as four streams side by side (a quarter each, one cache line per stream
/// and step), as the kernels' AVX2 loop reads: loads only, auto-vectorised.
pub fn read_xor4(d: &[u8]) -> u8 {
    const LINE: usize = 64;
    let part = d.len() / (4 * LINE) * LINE;
    let (quarters, tail) = d.split_at(4 * part);
    let mut acc = [[0u8; LINE]; 4];
    for k in 0..part / LINE {
        for (s, a) in acc.iter_mut().enumerate() {
            let line = &quarters[s * part + k * LINE..][..LINE];
            a.iter_mut().zip(line).for_each(|(a, &b)| *a ^= b);
        }
    }
    acc.iter().flatten().chain(tail).fold(0, |a, &b| a ^ b)
}

/// `dst = a*x + y`, the STREAM triad (the loop the `saxpy` kernel runs).
pub fn triad(dst: &mut [f32], x: &[f32], y: &[f32], a: f32) {
    dst.iter_mut()
        .zip(x.iter().zip(y))
        .for_each(|(d, (&x, &y))| *d = a * x + y);
}

/// `y = a*x + y`.
pub fn triad_inplace(y: &mut [f32], x: &[f32], a: f32) {
    y.iter_mut().zip(x).for_each(|(y, &x)| *y += a * x);
}

/// Whether the CPU has AVX2 (so `read_sum` runs the AVX2 loop).
pub fn avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    return std::arch::is_x86_feature_detected!("avx2");
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// Seconds one call of `f` takes.
pub fn timed(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}

/// Seconds one [`read_sum`] over `n` bytes at `p` takes.
///
/// # Safety
///
/// `p` is non-null and points to `n` bytes readable for the whole call.
#[no_mangle]
pub unsafe extern "C" fn oxhpy_probe_read_sum(p: *const u8, n: usize) -> f64 {
    // SAFETY: the caller's contract above.
    let d = unsafe { std::slice::from_raw_parts(p, n) };
    timed(|| {
        black_box(read_sum(black_box(d)));
    })
}

/// Seconds one [`read_xor`] over `n` bytes at `p` takes.
///
/// # Safety
///
/// As [`oxhpy_probe_read_sum`].
#[no_mangle]
pub unsafe extern "C" fn oxhpy_probe_read_xor(p: *const u8, n: usize) -> f64 {
    // SAFETY: the caller's contract.
    let d = unsafe { std::slice::from_raw_parts(p, n) };
    timed(|| {
        black_box(read_xor(black_box(d)));
    })
}

/// Seconds one [`read_xor4`] over `n` bytes at `p` takes.
///
/// # Safety
///
/// As [`oxhpy_probe_read_sum`].
#[no_mangle]
pub unsafe extern "C" fn oxhpy_probe_read_xor4(p: *const u8, n: usize) -> f64 {
    // SAFETY: the caller's contract.
    let d = unsafe { std::slice::from_raw_parts(p, n) };
    timed(|| {
        black_box(read_xor4(black_box(d)));
    })
}

/// Seconds one [`triad`] over `n` floats takes.
///
/// # Safety
///
/// `dst`, `x` and `y` are non-null, aligned and point to `n` floats each, readable (and `dst`
/// writable) for the whole call; `dst` overlaps neither `x` nor `y`.
#[no_mangle]
pub unsafe extern "C" fn oxhpy_probe_triad(
    dst: *mut f32,
    x: *const f32,
    y: *const f32,
    n: usize,
    a: f32,
) -> f64 {
    // SAFETY: the caller's contract above: three valid, disjoint-from-`dst` arrays of `n` floats.
    let (dst, x, y) = unsafe {
        (
            std::slice::from_raw_parts_mut(dst, n),
            std::slice::from_raw_parts(x, n),
            std::slice::from_raw_parts(y, n),
        )
    };
    timed(|| triad(black_box(dst), x, y, black_box(a)))
}

/// Seconds one [`triad_inplace`] over `n` floats takes.
///
/// # Safety
///
/// `y` and `x` are non-null, aligned, point to `n` floats each, readable (and `y` writable) for
/// the whole call, and do not overlap.
#[no_mangle]
pub unsafe extern "C" fn oxhpy_probe_triad_inplace(
    y: *mut f32,
    x: *const f32,
    n: usize,
    a: f32,
) -> f64 {
    // SAFETY: the caller's contract above.
    let (y, x) = unsafe {
        (
            std::slice::from_raw_parts_mut(y, n),
            std::slice::from_raw_parts(x, n),
        )
    };
    timed(|| triad_inplace(black_box(y), x, black_box(a)))
}

/// Seconds one read of `n` bytes at `p` takes on `threads` threads at once, each reading its own
/// contiguous part with [`read_xor4`] (as `sum_u32` splits its input): the all-core read
/// bandwidth, thread start and join included, as the kernel pays them.
///
/// # Safety
///
/// As [`oxhpy_probe_read_sum`].
#[no_mangle]
pub unsafe extern "C" fn oxhpy_probe_read_par(p: *const u8, n: usize, threads: usize) -> f64 {
    // SAFETY: the caller's contract.
    let d = unsafe { std::slice::from_raw_parts(p, n) };
    let chunk = n.div_ceil(threads.max(1)).max(1);
    timed(|| {
        std::thread::scope(|s| {
            for c in d.chunks(chunk) {
                s.spawn(move || black_box(read_xor4(black_box(c))));
            }
        })
    })
}

/// 1 if the CPU has AVX2, else 0.
#[no_mangle]
pub extern "C" fn oxhpy_probe_avx2() -> i32 {
    avx2() as i32
}
