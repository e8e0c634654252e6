//! A STREAM-like memory bandwidth probe: what one core of this machine moves per second, measured
//! with the kernels' own byte-sum loop (`kernels/src/simd.rs`, included as is) and with plain
//! loops, to put the kernels' figures in `bench/run.py` next to the machine's.
//!
//! ```text
//! oxhpy-probe [--mib N] [--reps N]   every operation, interleaved; one JSON object on stdout
//! oxhpy-probe --serve [--mib N]      reads "OP REPS" lines, answers one JSON line each
//! ```
//!
//! Bytes are counted as STREAM does (copy: 2 per element byte, triad: 3), without the extra read
//! a cache fills before writing a line it does not hold.
use std::hint::black_box;
use std::io::{BufRead, Write};
use std::time::Instant;

#[path = "../../../kernels/src/simd.rs"]
#[allow(dead_code)]
mod simd;

/// The operations, in the order the summary runs and prints them.
const OPS: [(&str, &str); 8] = [
    (
        "read_sum",
        "byte sum, the kernels' loop (AVX2 vpsadbw if the CPU has it)",
    ),
    ("read_xor", "XOR of the bytes, auto-vectorised: loads only"),
    ("read_portable", "byte sum, the kernels' portable loop"),
    ("copy", "dst = src (memcpy), bytes"),
    ("triad", "dst = a*x + y, float32, three distinct arrays"),
    ("triad_inplace", "y = a*x + y, float32"),
    ("triad_2t", "dst = a*x + y, float32, split over 2 threads"),
    ("fill", "dst = 0 (memset), bytes: write only"),
];

struct Arrays {
    bytes: Vec<u8>,
    bytes_dst: Vec<u8>,
    x: Vec<f32>,
    y: Vec<f32>,
    dst: Vec<f32>,
    a: f32,
}

impl Arrays {
    fn new(nbytes: usize) -> Self {
        let n = nbytes / 4;
        // Every page is written once here, so no page fault lands in a measurement.
        Arrays {
            bytes: (0..nbytes).map(|i| (i % 251) as u8).collect(),
            bytes_dst: vec![1; nbytes],
            x: (0..n).map(|i| (i % 1000) as f32 * 1e-3).collect(),
            y: vec![1.0; n],
            dst: vec![2.0; n],
            a: black_box(1e-6),
        }
    }

    /// Runs `op` once; returns (bytes moved, seconds).
    fn run(&mut self, op: &str) -> Option<(usize, f64)> {
        let n = self.bytes.len();
        let t = Instant::now();
        let moved = match op {
            "read_sum" => {
                black_box(simd::sum_bytes(black_box(&self.bytes)));
                n
            }
            "read_xor" => {
                black_box(black_box(&self.bytes).iter().fold(0u8, |a, &b| a ^ b));
                n
            }
            "read_portable" => {
                black_box(simd::sum_bytes_portable(black_box(&self.bytes)));
                n
            }
            "copy" => {
                black_box(&mut self.bytes_dst).copy_from_slice(black_box(&self.bytes));
                2 * n
            }
            "fill" => {
                black_box(&mut self.bytes_dst).fill(black_box(0));
                n
            }
            "triad" => {
                triad(black_box(&mut self.dst), &self.x, &self.y, self.a);
                3 * n
            }
            "triad_inplace" => {
                let a = self.a;
                black_box(&mut self.y)
                    .iter_mut()
                    .zip(&self.x)
                    .for_each(|(y, &x)| *y += a * x);
                3 * n
            }
            "triad_2t" => {
                let half = self.dst.len().div_ceil(2);
                let (a, x, y) = (self.a, &self.x, &self.y);
                std::thread::scope(|s| {
                    for (i, d) in black_box(&mut self.dst).chunks_mut(half).enumerate() {
                        let r = i * half..i * half + d.len();
                        let (x, y) = (&x[r.clone()], &y[r]);
                        s.spawn(move || triad(d, x, y, a));
                    }
                });
                3 * n
            }
            _ => return None,
        };
        Some((moved, t.elapsed().as_secs_f64()))
    }
}

fn triad(dst: &mut [f32], x: &[f32], y: &[f32], a: f32) {
    dst.iter_mut()
        .zip(x.iter().zip(y))
        .for_each(|(d, (&x, &y))| *d = a * x + y);
}

fn avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    return std::arch::is_x86_feature_detected!("avx2");
    #[cfg(not(target_arch = "x86_64"))]
    false
}

fn json_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn json_floats(v: &[f64]) -> String {
    let items: Vec<String> = v.iter().map(|t| format!("{t:.9}")).collect();
    format!("[{}]", items.join(","))
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[s.len() / 2]
}

/// `OP REPS` per line; answers `{"op":…,"bytes":…,"times":[…]}` (or `{"error":…}`).
fn serve(arrays: &mut Arrays) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let mut words = line.split_whitespace();
        let Some(op) = words.next() else { continue };
        let reps: usize = words.next().and_then(|w| w.parse().ok()).unwrap_or(1);
        let mut times = Vec::with_capacity(reps);
        let mut moved = 0;
        for _ in 0..reps.max(1) {
            match arrays.run(op) {
                Some((m, t)) => {
                    moved = m;
                    times.push(t);
                }
                None => break,
            }
        }
        if times.is_empty() {
            writeln!(
                out,
                "{{\"error\":{}}}",
                json_str(&format!("unknown op {op}"))
            )?;
        } else {
            writeln!(
                out,
                "{{\"op\":{},\"bytes\":{moved},\"times\":{}}}",
                json_str(op),
                json_floats(&times)
            )?;
        }
        out.flush()?;
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let mut mib = 64usize;
    let mut reps = 15usize;
    let mut serving = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut num = |name: &str| -> usize {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{name} needs a number"))
        };
        match a.as_str() {
            "--mib" => mib = num("--mib"),
            "--reps" => reps = num("--reps").max(1),
            "--serve" => serving = true,
            _ => {
                eprintln!("usage: oxhpy-probe [--mib N] [--reps N] [--serve]");
                std::process::exit(2);
            }
        }
    }
    let mut arrays = Arrays::new(mib << 20);
    let header = format!(
        "\"mib\":{mib},\"avx2\":{},\"threads\":{}",
        avx2(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    if serving {
        println!("{{{header}}}");
        std::io::stdout().flush()?;
        return serve(&mut arrays);
    }
    // Round-robin, so a slow phase of the machine hits every operation alike.
    let mut times = vec![Vec::new(); OPS.len()];
    let mut moved = vec![0; OPS.len()];
    for _ in 0..reps {
        for (i, (op, _)) in OPS.iter().enumerate() {
            let (m, t) = arrays.run(op).expect("known op");
            moved[i] = m;
            times[i].push(t);
        }
    }
    let mut fields = Vec::new();
    for (i, (op, what)) in OPS.iter().enumerate() {
        let best = times[i].iter().copied().fold(f64::INFINITY, f64::min);
        fields.push(format!(
            "{}:{{\"what\":{},\"bytes\":{},\"best_s\":{best:.9},\"median_s\":{:.9},\"best_gbs\":{:.2},\"median_gbs\":{:.2}}}",
            json_str(op),
            json_str(what),
            moved[i],
            median(&times[i]),
            moved[i] as f64 / best / 1e9,
            moved[i] as f64 / median(&times[i]) / 1e9,
        ));
    }
    println!(
        "{{{header},\"reps\":{reps},\"ops\":{{{}}}}}",
        fields.join(",")
    );
    Ok(())
}
