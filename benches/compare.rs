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

use std::time::Instant;
use tandem::prelude::*;

mod common;

// The workloads `tandem bench` runs, defined once.
#[allow(dead_code)]
#[path = "../cli/src/workloads.rs"]
mod workloads;

use workloads::Workload;

/// Median seconds per call over `repeat` samples; a sample of a small
/// workload makes many calls (as `peers.py` does, by the same rule), so the
/// timer's own cost does not count.
fn median_seconds(w: &Workload, repeat: usize) -> f64 {
    w.run().expect("warm-up");
    let calls = if w.n <= 100_000 {
        (100_000 / w.n.max(1)).max(1)
    } else {
        1
    };
    let times = (0..repeat)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..calls {
                w.run().expect("workload");
            }
            t.elapsed().as_secs_f64() / calls as f64
        })
        .collect();
    common::median(times)
}

/// Every workload of the comparison, on the CPU, as `(kind, size, dtype)`:
/// the 4096² matrix ones, the per-call overhead of a 1000-element add, the
/// 1-d ones at 10^6 and 10^7 elements of f32 and f64 (with the power
/// workloads), reductions along rows of several lengths and dtypes, and the
/// k-means distance.
fn specs() -> Vec<(&'static str, usize, DType)> {
    let mut w: Vec<(&'static str, usize, DType)> = workloads::MATRIX
        .iter()
        .map(|&k| (k, 4096 * 4096, DType::F32))
        .collect();
    // The per-force overhead: one op and a chain of ten over 1000 elements.
    w.push(("add", 1000, DType::F32));
    w.push(("chain10", 1000, DType::F32));
    for dtype in [DType::F32, DType::F64] {
        for n in [1_000_000, 10_000_000] {
            for &k in workloads::SWEPT.iter().chain(&workloads::POW) {
                w.push((k, n, dtype));
            }
        }
    }
    for &(k, n) in &workloads::ROWS {
        w.push((k, n, DType::F32));
    }
    // The arg-reductions in the other dtypes.
    for dtype in [DType::F64, DType::I32, DType::I64] {
        for &(k, n) in workloads::ROWS
            .iter()
            .filter(|(k, _)| k.starts_with("argmin"))
        {
            w.push((k, n, dtype));
        }
    }
    for &(k, n) in &workloads::KMEANS {
        w.push((k, n, DType::F32));
    }
    w.push(("kmeans_k16_d4", 100_000, DType::F64));
    for dtype in [DType::F32, DType::F64] {
        for &(k, n) in &workloads::PRODUCTS {
            w.push((k, n, dtype));
        }
    }
    w
}

fn main() {
    let wanted = common::wanted();
    let repeat: usize = std::env::var("TANDEM_BENCH_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15);
    // Only the chosen workloads build their inputs.
    let chosen: Vec<Workload> = specs()
        .into_iter()
        .filter(|&(k, n, d)| wanted(&workloads::name(k, n, d)))
        .map(|(k, n, d)| workloads::build(k, n, d, Device::Cpu).expect("workload"))
        .collect();
    let (read_bw, triad_bw) = tandem_cpu::bandwidth::stream(10_000_000, repeat);
    println!(
        "STREAM (this run, 10^7 f32, {} threads): read {:.1} GB/s, triad {:.1} GB/s\n",
        rayon::current_num_threads(),
        read_bw / 1e9,
        triad_bw / 1e9
    );
    let ours: Vec<f64> = chosen.iter().map(|w| median_seconds(w, repeat)).collect();
    let names: Vec<String> = chosen.iter().map(Workload::name).collect();
    let peers = common::peers("peers.py", &names, "tandem's timings only");
    // einsum: NumPy's other spelling of the k-means distance.
    println!("| workload | tandem ms | GB/s | % of STREAM | NumPy ms | × NumPy | numexpr ms | × numexpr | einsum ms | × einsum |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (w, t) in chosen.iter().zip(ours) {
        let name = w.name();
        let peer = |p: &str| common::versus(peers.as_ref().and_then(|v| v[&name][p].as_f64()), t);
        let (np_ms, np_x) = peer("numpy");
        let (ne_ms, ne_x) = peer("numexpr");
        let (es_ms, es_x) = peer("einsum");
        // Reductions only read; everything else reads and writes (the triad's mix).
        let ceiling = if w.reads_only { read_bw } else { triad_bw };
        println!(
            "| {} | {} | {:.1} | {:.0}% | {np_ms} | {np_x} | {ne_ms} | {ne_x} | {es_ms} | {es_x} |",
            name,
            common::ms(t),
            w.bytes / t / 1e9,
            100.0 * w.bytes / t / ceiling
        );
    }
}
