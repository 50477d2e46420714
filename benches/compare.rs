//! Same-run benchmarks of tandem against NumPy and numexpr.
//!
//! Each workload is timed here (median of several runs, the result produced
//! with `eval()` as a user would see it), then `benches/peers.py` times the
//! same workload in NumPy/numexpr in the same `cargo bench` run, and the
//! table reports GB/s and the ratios. Machines like CI's are noisy: compare
//! within one run, as ratios, never across runs.
//!
//! `cargo bench --bench compare` runs everything; `cargo bench --bench
//! compare -- concat` runs the workloads whose name contains `concat`.

use std::process::Command;
use std::time::Instant;
use tandem::prelude::*;

/// A workload: its name (shared with peers.py), bytes it must move, and how
/// tandem runs it given its inputs.
struct Workload {
    name: String,
    bytes: f64,
    run: Box<dyn Fn() -> Array>,
}

fn f32s(n: usize, lo: f64, hi: f64) -> Array {
    Array::linspace(lo, hi, n, DType::F32)
        .eval()
        .expect("linspace")
}

fn f64s(n: usize, lo: f64, hi: f64) -> Array {
    Array::linspace(lo, hi, n, DType::F64)
        .eval()
        .expect("linspace")
}

fn median_seconds(f: &dyn Fn() -> Array, repeat: usize) -> f64 {
    f().eval().expect("warm-up");
    let mut times: Vec<f64> = (0..repeat)
        .map(|_| {
            let t = Instant::now();
            f().eval().expect("workload");
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn workloads() -> Vec<Workload> {
    let mut w = Vec::new();
    for &side in &[4096usize] {
        let n = side * side;
        let a = f32s(n, 0.0, 1.0)
            .reshape(&[side as isize, side as isize])
            .unwrap();
        let b = f32s(n, 1.0, 2.0)
            .reshape(&[side as isize, side as isize])
            .unwrap();
        for axis in [0, 1] {
            let (a, b) = (a.clone(), b.clone());
            w.push(Workload {
                name: format!("concat{axis}:{n}"),
                bytes: (4 * n * 4) as f64,
                run: Box::new(move || Array::concatenate(&[&a, &b], axis).unwrap()),
            });
        }
    }
    {
        let side = 4096usize;
        let m = f32s(side * side, 0.0, 1.0)
            .reshape(&[side as isize, side as isize])
            .unwrap();
        let bytes = (side * side * 4) as f64;
        type Reduction = fn(&Array) -> Array;
        let reductions: [(&str, Reduction); 5] = [
            ("sum0", |m| m.sum_axis(0, false).unwrap()),
            ("sum1", |m| m.sum_axis(1, false).unwrap()),
            ("argmin1", |m| m.argmin_axis(1, false).unwrap()),
            ("nanmax0", |m| m.nanmax_axis(0, false).unwrap()),
            ("summat", |m| m.sum()),
        ];
        for (name, f) in reductions {
            let m = m.clone();
            w.push(Workload {
                name: format!("{name}:{}", side * side),
                bytes,
                run: Box::new(move || f(&m)),
            });
        }
    }
    {
        // Per-call overhead: a 1000-element add, end to end.
        let (a, b) = (f32s(1000, 0.0, 1.0), f32s(1000, 1.0, 2.0));
        w.push(Workload {
            name: "add:1000".into(),
            bytes: (3 * 1000 * 4) as f64,
            run: Box::new(move || &a + &b),
        });
    }
    for (suffix, make) in [("", f32s as fn(usize, f64, f64) -> Array), ("_f64", f64s)] {
        let size = if suffix.is_empty() { 4 } else { 8 };
        for &n in &[1_000_000usize, 10_000_000] {
            let (a, b, c, e) = (
                make(n, 0.0, 1.0),
                make(n, 1.0, 2.0),
                make(n, -1.0, 1.0),
                make(n, 2.0, 3.0),
            );
            let mut push = |kind: &str, streams: usize, run: Box<dyn Fn() -> Array>| {
                w.push(Workload {
                    name: format!("{kind}{suffix}:{n}"),
                    bytes: (streams * n * size) as f64,
                    run,
                })
            };
            let (a1, b1) = (a.clone(), b.clone());
            push("add", 3, Box::new(move || &a1 + &b1));
            let (a2, b2, c2, e2) = (a.clone(), b.clone(), c.clone(), e.clone());
            push("fma2", 5, Box::new(move || &a2 * &b2 + &c2 * &e2));
            let a3 = a.clone();
            push("sum", 1, Box::new(move || a3.sum()));
            let (a4, b4) = (a.clone(), b.clone());
            push("dot", 2, Box::new(move || (&a4 * &b4).sum()));
            push(
                "transc",
                4,
                Box::new(move || a.sin() * b.exp() + c.abs().sqrt()),
            );
        }
    }
    w
}

fn main() {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let repeat: usize = std::env::var("TANDEM_BENCH_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    let chosen: Vec<Workload> = workloads()
        .into_iter()
        .filter(|w| filter.is_empty() || filter.iter().any(|f| w.name.contains(f.as_str())))
        .collect();
    let (read_bw, triad_bw) = tandem_cpu::bandwidth::stream(10_000_000, repeat);
    println!(
        "STREAM (this run, 10^7 f32, {} threads): read {:.1} GB/s, triad {:.1} GB/s\n",
        rayon::current_num_threads(),
        read_bw / 1e9,
        triad_bw / 1e9
    );
    let ours: Vec<f64> = chosen
        .iter()
        .map(|w| median_seconds(&*w.run, repeat))
        .collect();
    let names: Vec<&str> = chosen.iter().map(|w| w.name.as_str()).collect();
    let peers = Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/peers.py"))
        .args(&names)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| serde_json::from_slice::<serde_json::Value>(&o.stdout).ok());
    if peers.is_none() {
        println!("(python3 with NumPy not found: tandem's timings only)");
    }
    println!("| workload | tandem ms | GB/s | % of STREAM | NumPy ms | × NumPy | numexpr ms | × numexpr |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (w, t) in chosen.iter().zip(ours) {
        let peer = |p: &str| peers.as_ref().and_then(|v| v[&w.name][p].as_f64());
        let cell = |p: Option<f64>| match p {
            Some(s) => (format!("{:.2}", s * 1e3), format!("{:.2}", s / t)),
            None => ("—".into(), "—".into()),
        };
        let (np_ms, np_x) = cell(peer("numpy"));
        let (ne_ms, ne_x) = cell(peer("numexpr"));
        // Reductions only read; everything else reads and writes (the triad's mix).
        let only_reads = ["sum", "dot", "summat", "sum0", "sum1", "argmin1", "nanmax0"]
            .iter()
            .any(|k| w.name.starts_with(&format!("{k}:")));
        let ceiling = if only_reads { read_bw } else { triad_bw };
        println!(
            "| {} | {:.2} | {:.1} | {:.0}% | {np_ms} | {np_x} | {ne_ms} | {ne_x} |",
            w.name,
            t * 1e3,
            w.bytes / t / 1e9,
            100.0 * w.bytes / t / ceiling
        );
    }
}
