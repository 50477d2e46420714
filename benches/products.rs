//! Same-run benchmark of matrix products: tandem against NumPy's `matmul`
//! (its BLAS, the machine's threads) and ndarray's `dot`, f32 and f64 at
//! 256² to 4096², a batch of small products, and the fused
//! `relu(a @ b + bias)` against NumPy's three operations. Reported as ms,
//! GFLOP/s and ratios (> 1: tandem is faster). NumPy's side is
//! `benches/products.py`, run by this program in the same run.
//!
//! `cargo bench --bench products` runs everything; `cargo bench --bench
//! products -- 1024` runs the workloads whose name contains `1024`.
//! `TANDEM_BENCH_SECONDS` (default 1) is the time budget per workload and
//! peer (at least 3 samples; the median is reported).

use ndarray::{Array2, Array3};
use std::time::Instant;
use tandem::prelude::*;

mod common;

/// One product workload: `kind` (`matmul`, `bmatmul`, `relumm`), its
/// matrix side, batch and dtype.
#[derive(Clone, Copy)]
struct Spec {
    kind: &'static str,
    side: usize,
    batch: usize,
    dtype: DType,
}

impl Spec {
    /// The name `products.py` knows it by: `matmul_f32_1024`, `bmatmul_f64_64x128`.
    fn name(&self) -> String {
        let d = self.dtype.name().replace("float", "f");
        match self.kind {
            "bmatmul" => format!("bmatmul_{d}_{}x{}", self.batch, self.side),
            k => format!("{k}_{d}_{}", self.side),
        }
    }

    fn flops(&self) -> f64 {
        2.0 * (self.batch * self.side * self.side * self.side) as f64
    }
}

fn specs() -> Vec<Spec> {
    let mut v = Vec::new();
    for dtype in [DType::F32, DType::F64] {
        for side in [256, 1024, 2048, 4096] {
            v.push(Spec {
                kind: "matmul",
                side,
                batch: 1,
                dtype,
            });
        }
        v.push(Spec {
            kind: "bmatmul",
            side: 128,
            batch: 64,
            dtype,
        });
        v.push(Spec {
            kind: "relumm",
            side: 1024,
            batch: 1,
            dtype,
        });
    }
    v
}

/// Median seconds of `f` over a time budget (at least 3 samples).
fn median(mut f: impl FnMut()) -> f64 {
    let budget: f64 = std::env::var("TANDEM_BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1.0);
    f();
    let start = Instant::now();
    let mut times = Vec::new();
    while times.len() < 3 || (start.elapsed().as_secs_f64() < budget && times.len() < 50) {
        let t = Instant::now();
        f();
        times.push(t.elapsed().as_secs_f64());
    }
    common::median(times)
}

/// `batch × side × side` values in [lo, hi), as products.py makes them.
fn ramp(s: &Spec, lo: f64, hi: f64) -> Vec<f64> {
    let n = s.batch * s.side * s.side;
    (0..n)
        .map(|i| lo + (hi - lo) * i as f64 / n as f64)
        .collect()
}

fn tandem_seconds(s: &Spec) -> f64 {
    let shape: Vec<usize> = if s.batch > 1 {
        vec![s.batch, s.side, s.side]
    } else {
        vec![s.side, s.side]
    };
    let arr = |lo, hi| {
        Array::from_vec(ramp(s, lo, hi), &shape)
            .unwrap()
            .astype(s.dtype)
            .eval()
            .unwrap()
    };
    let (a, b) = (arr(0.0, 1.0), arr(1.0, 2.0));
    let bias = Array::linspace(-1.0, 1.0, s.side, s.dtype).eval().unwrap();
    match s.kind {
        "relumm" => median(|| {
            (a.matmul(&b).unwrap() + &bias)
                .maximum(0.0)
                .unwrap()
                .eval()
                .unwrap();
        }),
        _ => median(|| {
            a.matmul(&b).unwrap().eval().unwrap();
        }),
    }
}

fn ndarray_seconds<T>(s: &Spec, cast: fn(f64) -> T) -> f64
where
    T: ndarray::LinalgScalar + PartialOrd,
{
    let (n, b) = (s.side, s.batch);
    let va: Vec<T> = ramp(s, 0.0, 1.0).into_iter().map(cast).collect();
    let vb: Vec<T> = ramp(s, 1.0, 2.0).into_iter().map(cast).collect();
    if s.kind == "bmatmul" {
        let a = Array3::from_shape_vec((b, n, n), va).unwrap();
        let bb = Array3::from_shape_vec((b, n, n), vb).unwrap();
        return median(|| {
            let _: Vec<Array2<T>> = (0..b)
                .map(|i| {
                    a.index_axis(ndarray::Axis(0), i)
                        .dot(&bb.index_axis(ndarray::Axis(0), i))
                })
                .collect();
        });
    }
    let a = Array2::from_shape_vec((n, n), va).unwrap();
    let bb = Array2::from_shape_vec((n, n), vb).unwrap();
    let bias = ndarray::Array1::from_shape_fn(n, |i| cast(-1.0 + 2.0 * i as f64 / (n - 1) as f64));
    match s.kind {
        "relumm" => median(|| {
            let zero = cast(0.0);
            let _ = (a.dot(&bb) + &bias).mapv(|x| if x > zero { x } else { zero });
        }),
        _ => median(|| {
            let _ = a.dot(&bb);
        }),
    }
}

fn main() {
    let wanted = common::wanted();
    let chosen: Vec<Spec> = specs().into_iter().filter(|s| wanted(&s.name())).collect();
    let ours: Vec<(f64, f64)> = chosen
        .iter()
        .map(|s| {
            let t = tandem_seconds(s);
            let nd = match s.dtype {
                DType::F32 => ndarray_seconds::<f32>(s, |x| x as f32),
                _ => ndarray_seconds::<f64>(s, |x| x),
            };
            (t, nd)
        })
        .collect();
    let names: Vec<String> = chosen.iter().map(Spec::name).collect();
    let peers = common::peers("products.py", &names, "no NumPy column");
    println!(
        "Matrix products, {} threads (× > 1: tandem is faster; relumm is relu(a @ b + bias), NumPy's three ops)\n",
        rayon::current_num_threads()
    );
    println!("| workload | tandem ms | GFLOP/s | NumPy ms | × NumPy | ndarray ms | × ndarray |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for ((s, name), (t, nd)) in chosen.iter().zip(&names).zip(ours) {
        let (np_ms, np_x) = common::versus(peers.as_ref().and_then(|v| v[name].as_f64()), t);
        let (nd_ms, nd_x) = common::versus(Some(nd), t);
        println!(
            "| {name} | {} | {:.1} | {np_ms} | {np_x} | {nd_ms} | {nd_x} |",
            common::ms(t),
            s.flops() / t / 1e9,
        );
    }
}
