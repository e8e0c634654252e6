//! `oxhpy-probe [--mib N] [--reps N]`: every loop of the probe on its own arrays, round-robin (so a
//! slow phase of the machine hits every loop alike), each timed after one untimed pass; prints one
//! JSON object. `--mib 1` shows the loops on data in the L2 cache, `--mib 64` (the default) from
//! memory.
use oxhpy_probe::{read_portable, read_sum, read_xor, read_xor4, timed, triad, triad_inplace};
use std::hint::black_box;

/// The operations, in the order they run and print.
const OPS: [(&str, &str); 9] = [
    (
        "read_sum",
        "byte sum, the kernels' loop (AVX2 vpsadbw if the CPU has it)",
    ),
    ("read_xor", "XOR of the bytes, auto-vectorised: loads only"),
    ("read_xor4", "XOR of the bytes, as four streams: loads only"),
    ("read_portable", "byte sum, the kernels' portable loop"),
    ("copy", "dst = src (memcpy), bytes"),
    ("fill", "dst = 0 (memset), bytes: write only"),
    ("triad", "dst = a*x + y, float32, three distinct arrays"),
    ("triad_inplace", "y = a*x + y, float32"),
    ("triad_2t", "dst = a*x + y, float32, split over 2 threads"),
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
    fn run(&mut self, op: &str) -> (usize, f64) {
        let n = self.bytes.len();
        let a = self.a;
        match op {
            "read_sum" => (
                n,
                timed(|| {
                    black_box(read_sum(black_box(&self.bytes)));
                }),
            ),
            "read_xor" => (
                n,
                timed(|| {
                    black_box(read_xor(black_box(&self.bytes)));
                }),
            ),
            "read_xor4" => (
                n,
                timed(|| {
                    black_box(read_xor4(black_box(&self.bytes)));
                }),
            ),
            "read_portable" => (
                n,
                timed(|| {
                    black_box(read_portable(black_box(&self.bytes)));
                }),
            ),
            "copy" => (
                2 * n,
                timed(|| black_box(&mut self.bytes_dst).copy_from_slice(&self.bytes)),
            ),
            "fill" => (
                n,
                timed(|| black_box(&mut self.bytes_dst).fill(black_box(0))),
            ),
            "triad" => (
                3 * n,
                timed(|| triad(black_box(&mut self.dst), &self.x, &self.y, a)),
            ),
            "triad_inplace" => (
                3 * n,
                timed(|| triad_inplace(black_box(&mut self.y), &self.x, a)),
            ),
            "triad_2t" => {
                let half = self.dst.len().div_ceil(2);
                let (x, y, dst) = (&self.x, &self.y, &mut self.dst);
                let t = timed(|| {
                    std::thread::scope(|s| {
                        for (i, d) in black_box(dst).chunks_mut(half).enumerate() {
                            let r = i * half..i * half + d.len();
                            let (x, y) = (&x[r.clone()], &y[r]);
                            s.spawn(move || triad(d, x, y, a));
                        }
                    })
                });
                (3 * n, t)
            }
            _ => unreachable!("unknown op {op}"),
        }
    }
}

fn json_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[s.len() / 2]
}

fn main() {
    let mut mib = 64usize;
    let mut reps = 15usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args.next().and_then(|v| v.parse::<usize>().ok());
        match (a.as_str(), value) {
            ("--mib", Some(v)) => mib = v.max(1),
            ("--reps", Some(v)) => reps = v.max(1),
            _ => {
                eprintln!("usage: oxhpy-probe [--mib N] [--reps N]");
                std::process::exit(2);
            }
        }
    }
    let mut arrays = Arrays::new(mib << 20);
    let mut times = vec![Vec::new(); OPS.len()];
    let mut moved = vec![0; OPS.len()];
    for _ in 0..reps {
        for (i, (op, _)) in OPS.iter().enumerate() {
            // One pass untimed first: data that fits in a cache is measured from that cache, not
            // from memory after the previous operation evicted it.
            arrays.run(op);
            let (m, t) = arrays.run(op);
            moved[i] = m;
            times[i].push(t);
        }
    }
    let mut fields = Vec::new();
    for (i, (op, what)) in OPS.iter().enumerate() {
        let best = times[i].iter().copied().fold(f64::INFINITY, f64::min);
        let med = median(&times[i]);
        fields.push(format!(
            "{}:{{\"what\":{},\"bytes\":{},\"best_s\":{best:.9},\"median_s\":{med:.9},\"best_gbs\":{:.2},\"median_gbs\":{:.2}}}",
            json_str(op),
            json_str(what),
            moved[i],
            moved[i] as f64 / best / 1e9,
            moved[i] as f64 / med / 1e9,
        ));
    }
    println!(
        "{{\"mib\":{mib},\"avx2\":{},\"threads\":{},\"reps\":{reps},\"ops\":{{{}}}}}",
        oxhpy_probe::avx2(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        fields.join(",")
    );
}
