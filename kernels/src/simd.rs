//! The kernels' inner loops, each with an AVX2 version chosen at run time and a portable one.
//!
//! This module holds the only `unsafe` of the kernels: calls into functions compiled for AVX2
//! (`#[target_feature]`), made only after `is_x86_feature_detected!("avx2")` said yes, and the
//! loads of the two hand-written loops ([`sum_bytes`], `vpsadbw`; [`sum_u32`], `vpmovzxdq`). The
//! other AVX2 version is the portable loop compiled again with AVX2 enabled. Measured on one core (AMD EPYC, Zen 4; numbers
//! from `bench/`): on 64 MiB every loop here is bound by memory bandwidth; on data in cache AVX2
//! is 2-4x faster than what the compiler makes of the portable loops for the x86-64 baseline (SSE2).
//!
//! This file depends on `std` alone: `bench/probe` includes it to measure the machine with the
//! very same loop.

/// Sum of unsigned byte values, exact (in `u64`) for any slice.
pub fn sum_bytes(data: &[u8]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { avx2::sum_bytes(data) };
    }
    sum_bytes_portable(data)
}

/// Sum of unsigned byte values without `std::arch`: what CPUs without AVX2 run.
pub fn sum_bytes_portable(data: &[u8]) -> u64 {
    // 32 lanes of u16, each taking at most 256 bytes (256 * 255 < 2^16) before they are added
    // up: the compiler turns the row loop into 16-bit vector adds (two per 16 bytes with SSE2),
    // which keeps up with memory, where widening every byte to u32 reaches half of it.
    const LANES: usize = 32;
    let rows = data.chunks_exact(LANES);
    let tail = rows.remainder();
    let body = &data[..data.len() - tail.len()];
    let mut total: u64 = tail.iter().map(|&b| b as u64).sum();
    for block in body.chunks(LANES * 256) {
        let mut acc = [0u16; LANES];
        for row in block.chunks_exact(LANES) {
            for (a, &b) in acc.iter_mut().zip(row) {
                *a += b as u16;
            }
        }
        total += acc.iter().map(|&a| a as u64).sum::<u64>();
    }
    total
}

/// `b = b * factor` (mod 256) for every byte.
pub fn scale_bytes(data: &mut [u8], factor: u8) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { avx2::scale_bytes(data, factor) };
    }
    scale_bytes_loop(data, factor)
}

#[inline(always)]
fn scale_bytes_loop(data: &mut [u8], factor: u8) {
    data.iter_mut().for_each(|b| *b = b.wrapping_mul(factor));
}

/// `data` as four streams read side by side: its four quarters (whole cache lines of `LINE` items
/// each) zipped line by line, and the tail after them (shorter than four lines). A single core has
/// more lines in flight this way than the prefetchers give one sequential stream (measured on 64
/// MiB: 5-10 % more bandwidth, most on a busy machine).
#[inline(always)]
fn four_streams<T, const LINE: usize>(data: &[T]) -> (impl Iterator<Item = [&[T]; 4]>, &[T]) {
    let part = data.len() / (4 * LINE) * LINE;
    let (quarters, tail) = data.split_at(4 * part);
    let (q01, q23) = quarters.split_at(2 * part);
    let ((q0, q1), (q2, q3)) = (q01.split_at(part), q23.split_at(part));
    let lines = q0
        .chunks_exact(LINE)
        .zip(q1.chunks_exact(LINE))
        .zip(q2.chunks_exact(LINE))
        .zip(q3.chunks_exact(LINE))
        .map(|(((a, b), c), d)| [a, b, c, d]);
    (lines, tail)
}

/// Sum of `u32`s, exact in `u64`, on the calling thread.
pub fn sum_u32(data: &[u32]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { avx2::sum_u32(data) };
    }
    sum_u32_loop(data)
}

/// Reads four streams side by side ([`four_streams`]), as `sum_bytes` does, into 16 `u64` lanes: on
/// all cores of a 64 MiB input one sequential stream per thread reached 0.74 of the probe's
/// four-stream read (`bench/`, 2026-12-07).
#[inline(always)]
fn sum_u32_loop(data: &[u32]) -> u64 {
    const LINE: usize = 16; // u32s in a 64-byte cache line
    let (lines, tail) = four_streams::<u32, LINE>(data);
    let mut acc = [0u64; LINE];
    for [a, b, c, d] in lines {
        for (j, s) in acc.iter_mut().enumerate() {
            *s += u64::from(a[j]) + u64::from(b[j]) + u64::from(c[j]) + u64::from(d[j]);
        }
    }
    acc.iter().sum::<u64>() + tail.iter().map(|&v| u64::from(v)).sum::<u64>()
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::{
        __m128i, __m256i, _mm256_add_epi64, _mm256_cvtepu32_epi64, _mm256_extract_epi64,
        _mm256_loadu_si256, _mm256_sad_epu8, _mm256_setzero_si256, _mm_loadu_si128,
    };

    /// `vpsadbw` against zero adds each group of 8 bytes into one 64-bit lane, so the eight
    /// accumulators (four lanes each) are exact for any input.
    ///
    /// The data is read as four streams side by side ([`four_streams`](super::four_streams)).
    ///
    /// # Safety
    ///
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn sum_bytes(data: &[u8]) -> u64 {
        const LINE: usize = 64;
        let (lines, tail) = super::four_streams::<u8, LINE>(data);
        let zero = _mm256_setzero_si256();
        let mut acc = [_mm256_setzero_si256(); 8];
        for four in lines {
            for (k, line) in four.into_iter().enumerate() {
                let p = line.as_ptr().cast::<__m256i>();
                // SAFETY: `line` holds LINE = 64 readable bytes, so the unaligned 32-byte loads
                // at byte offsets 0 and 32 are in bounds.
                let (lo, hi) = unsafe { (_mm256_loadu_si256(p), _mm256_loadu_si256(p.add(1))) };
                acc[2 * k] = _mm256_add_epi64(acc[2 * k], _mm256_sad_epu8(lo, zero));
                acc[2 * k + 1] = _mm256_add_epi64(acc[2 * k + 1], _mm256_sad_epu8(hi, zero));
            }
        }
        // Each lane is at most 255 * len / 32, far below 2^63. The tail is shorter than 4 lines.
        total(&acc) + super::sum_bytes_portable(tail)
    }

    /// The portable loop, compiled for AVX2.
    ///
    /// # Safety
    ///
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn scale_bytes(data: &mut [u8], factor: u8) {
        super::scale_bytes_loop(data, factor)
    }

    /// Each 16-byte quarter of a cache line widened to four `u64` lanes (`vpmovzxdq`) and added
    /// into one of four accumulators, the lines read as four streams side by side
    /// ([`four_streams`](super::four_streams)). What the compiler made of the portable loop kept a
    /// quarter of its accumulators in general registers, moved in and out on every step. Exact
    /// below 2^36 items (each lane then stays below 2^64).
    ///
    /// # Safety
    ///
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn sum_u32(data: &[u32]) -> u64 {
        const LINE: usize = 16; // u32s in a 64-byte cache line
        let (lines, tail) = super::four_streams::<u32, LINE>(data);
        let mut acc = [_mm256_setzero_si256(); 4];
        for four in lines {
            for line in four {
                let p = line.as_ptr().cast::<__m128i>();
                for (k, a) in acc.iter_mut().enumerate() {
                    // `line` holds LINE = 16 u32s, 64 readable bytes, so the unaligned
                    // 16-byte loads at byte offsets 0, 16, 32 and 48 are in bounds.
                    // SAFETY: the conditions just above.
                    let v = unsafe { _mm256_cvtepu32_epi64(_mm_loadu_si128(p.add(k))) };
                    *a = _mm256_add_epi64(*a, v);
                }
            }
        }
        total(&acc) + super::sum_u32_loop(tail)
    }

    /// The sum of every 64-bit lane of `acc`, each read as unsigned.
    #[target_feature(enable = "avx2")]
    fn total(acc: &[__m256i]) -> u64 {
        let v = acc
            .iter()
            .fold(_mm256_setzero_si256(), |v, &a| _mm256_add_epi64(v, a));
        let lanes = [
            _mm256_extract_epi64::<0>(v),
            _mm256_extract_epi64::<1>(v),
            _mm256_extract_epi64::<2>(v),
            _mm256_extract_epi64::<3>(v),
        ];
        lanes.iter().map(|&l| l as u64).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(n: usize) -> Vec<u8> {
        (0..n as u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect()
    }

    #[test]
    fn sums_match_the_reference_at_every_length_and_offset() {
        let data = bytes(20_000);
        for start in 0..40 {
            for len in (0..700).chain([1024, 8191, 8192, 8193, 8192 * 2 + 31, 19_000]) {
                let d = &data[start..(start + len).min(data.len())];
                let want: u64 = d.iter().map(|&b| b as u64).sum();
                assert_eq!(sum_bytes(d), want, "start {start} len {len}");
                assert_eq!(sum_bytes_portable(d), want, "start {start} len {len}");
            }
        }
    }

    #[test]
    fn byte_sums_are_exact_past_u32() {
        // 255 * len > 2^32: a total no 32-bit accumulator could hold.
        let v = vec![255u8; (1 << 24) + (1 << 17) + 129];
        assert!(255 * v.len() as u64 > 1 << 32);
        assert_eq!(sum_bytes(&v), 255 * v.len() as u64);
        assert_eq!(sum_bytes_portable(&v), 255 * v.len() as u64);
    }

    #[test]
    fn scale_matches_the_reference() {
        for factor in [0u8, 1, 3, 128, 255] {
            let mut d = bytes(1000);
            let want: Vec<u8> = d
                .iter()
                .map(|&b| (b as u32 * factor as u32 % 256) as u8)
                .collect();
            scale_bytes(&mut d, factor);
            assert_eq!(d, want);
            let mut d = bytes(1000);
            scale_bytes_loop(&mut d, factor);
            assert_eq!(d, want);
        }
    }

    #[test]
    fn u32_sum_is_exact() {
        let d: Vec<u32> = (0..10_001u32).map(|i| i.wrapping_mul(2654435761)).collect();
        let want = d.iter().map(|&v| v as u128).sum::<u128>() as u64;
        assert_eq!(sum_u32(&d), want);
        assert_eq!(sum_u32_loop(&d), want);
        assert_eq!(sum_u32(&[u32::MAX; 3]), 3 * u32::MAX as u64);
        // Every split into four streams and a tail, at every start.
        for start in 0..17 {
            for len in (0..300).chain([1023, 1024, 1025, 4099]) {
                let d = &d[start..start + len];
                let want = d.iter().map(|&v| v as u64).sum::<u64>();
                assert_eq!(sum_u32(d), want, "start {start} len {len}");
                assert_eq!(sum_u32_loop(d), want, "start {start} len {len}");
            }
        }
    }
}
