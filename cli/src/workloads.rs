//! The benchmark workloads, shared by `tandem bench` and `benches/compare.rs`
//! (which includes this file with `#[path]`): names `kind[_dtype]:size`
//! (`_f64`, `_i32`, `_i64`; none for f32), which `benches/peers.py`
//! understands at any size, their inputs, and the bytes each must move. A
//! workload takes a size, a dtype and a device, so the command can sweep
//! sizes and run every adapter; they use the `Result`-returning methods so
//! that a device that cannot run one reports it instead of panicking.
//!
//! The swept and matrix kinds read `linspace` ramps. The shaped kinds
//! ([`ROWS`], [`KMEANS`]; `benches/compare.rs` only) read scrambled values,
//! `(i * 7919) % 65521` for flat index `i`, exact in every dtype and the
//! same in NumPy: on a ramp every row's minimum is its first element, which
//! flatters an arg-reduction.

use tandem::prelude::*;

/// The 1-d workloads swept over sizes (and plotted).
pub const SWEPT: [&str; 5] = ["add", "fma2", "sum", "dot", "transc"];

/// The power workloads (`a**2`, NumPy's multiply fast path, and a general
/// `a**-1.5`), run by `benches/compare.rs` at 10^6 and 10^7 elements.
#[allow(dead_code)] // used by benches/compare.rs, which includes this file
pub const POW: [&str; 2] = ["pow2", "pow"];

/// The square-matrix workloads, run at one size (`elements = side²`).
pub const MATRIX: [&str; 7] = [
    "sum0", "sum1", "argmin1", "nanmax0", "summat", "concat0", "concat1",
];

/// The matrix products, `matmul:<elements>`: `M @ N` of two square
/// matrices of `side² = elements` (512² and 2048², f32 and f64 in
/// `benches/compare.rs`). Compute-bound: the GB/s column counts the two
/// inputs and the output once, as the other matrix kinds do.
#[allow(dead_code)] // used by benches/compare.rs, which includes this file
pub const PRODUCTS: [(&str, usize); 2] = [("matmul", 512 * 512), ("matmul", 2048 * 2048)];

/// Reductions along the contiguous axis, `<op>1x<W>:<elements>`: `op` of
/// an `elements/W × W` C-order matrix of scrambled values along axis 1
/// (`argmin1x8:8000000` is `M.argmin(axis=1)` of a 10^6 × 8 matrix), with
/// the size `benches/compare.rs` runs: 4096², 10^6 × 8, 1000², 64 × 10^5,
/// and 10^6 short rows.
#[allow(dead_code)] // used by benches/compare.rs, which includes this file
pub const ROWS: [(&str, usize); 14] = [
    ("argmin1x4096", 4096 * 4096),
    ("argmax1x4096", 4096 * 4096),
    ("nanargmin1x4096", 4096 * 4096),
    ("nanargmax1x4096", 4096 * 4096),
    ("argmin1x8", 8_000_000),
    ("nanargmax1x8", 8_000_000),
    ("argmin1x1000", 1_000_000),
    ("argmin1x100000", 6_400_000),
    ("sum1x4", 4_000_000),
    ("mean1x4", 4_000_000),
    ("max1x4", 4_000_000),
    ("sum1x3", 3_000_000),
    ("sum1x16", 16_000_000),
    ("max1x16", 16_000_000),
];

/// The k-means distance, `kmeans_k<K>_d<D>:<N>`: `((x[:, None, :] -
/// c[None, :, :])**2).sum(-1)` for `x` of `N × D` and `c` of `K × D`
/// (here `N` counts points, not elements), with the `N` that
/// `benches/compare.rs` runs.
#[allow(dead_code)] // used by benches/compare.rs, which includes this file
pub const KMEANS: [(&str, usize); 7] = [
    ("kmeans_k4_d2", 1_000_000),
    ("kmeans_k16_d4", 100_000),
    ("kmeans_k16_d4", 1_000_000),
    ("kmeans_k16_d3", 100_000),
    ("kmeans_k8_d16", 100_000),
    ("kmeans_k64_d8", 10_000),
    ("kmeans_k64_d2", 100_000),
];

/// The operation and row length of a [`ROWS`] kind.
fn rows_kind(kind: &str) -> Option<(&str, usize)> {
    let (op, width) = kind.split_once("1x")?;
    Some((op, width.parse().ok()?))
}

/// The centroids and dimensions of a [`KMEANS`] kind.
fn kmeans_kind(kind: &str) -> Option<(usize, usize)> {
    let (k, d) = kind.strip_prefix("kmeans_k")?.split_once("_d")?;
    Some((k.parse().ok()?, d.parse().ok()?))
}

/// The expression each workload computes, as the report shows it.
pub fn formula(kind: &str) -> &'static str {
    match kind {
        "add" => "a + b",
        "fma2" => "a*b + c*e",
        "sum" => "a.sum()",
        "dot" => "(a*b).sum()",
        "transc" => "sin(a)*exp(b) + sqrt(abs(c))",
        "pow2" => "a**2",
        "pow" => "b**-1.5",
        "chain10" => "x = a*1.5, then x + b and x*0.5 in turn (10 ops)",
        "sum0" => "M.sum(axis=0)",
        "sum1" => "M.sum(axis=1)",
        "argmin1" => "M.argmin(axis=1)",
        "nanmax0" => "nanmax(M, axis=0)",
        "summat" => "M.sum()",
        "concat0" => "concatenate([M, N], axis=0)",
        "concat1" => "concatenate([M, N], axis=1)",
        "matmul" => "M @ N",
        _ if kind.starts_with("kmeans") => "((x[:, None, :] - c[None, :, :])**2).sum(-1)",
        _ => match rows_kind(kind) {
            Some(("argmin", _)) => "M.argmin(axis=1)",
            Some(("argmax", _)) => "M.argmax(axis=1)",
            Some(("nanargmin", _)) => "nanargmin(M, axis=1)",
            Some(("nanargmax", _)) => "nanargmax(M, axis=1)",
            Some(("sum", _)) => "M.sum(axis=1)",
            Some(("mean", _)) => "M.mean(axis=1)",
            Some(("max", _)) => "M.max(axis=1)",
            _ => "?",
        },
    }
}

/// One workload at one size, with its inputs already on the device.
pub struct Workload {
    /// The kind (`add`, `sum0` …).
    pub kind: &'static str,
    /// Elements per input.
    pub n: usize,
    /// The inputs' dtype.
    pub dtype: DType,
    /// Bytes it must move (read + written), as compare.rs counts them.
    pub bytes: f64,
    /// Only reads (a reduction): its ceiling is the STREAM read, not the triad.
    pub reads_only: bool,
    run: Box<dyn Fn() -> tandem::Result<Array>>,
}

impl Workload {
    /// Builds the graph and forces it (on the device its inputs live on).
    pub fn run(&self) -> tandem::Result<Array> {
        (self.run)()?.eval()
    }

    /// The name peers.py knows it by: `add:1000000`, `fma2_f64:10000000`.
    #[allow(dead_code)] // used by benches/compare.rs, which includes this file
    pub fn name(&self) -> String {
        name(self.kind, self.n, self.dtype)
    }
}

/// The name peers.py knows workload `kind` at `n` of `dtype` by.
#[allow(dead_code)] // used by benches/compare.rs, which includes this file
pub fn name(kind: &str, n: usize, dtype: DType) -> String {
    let suffix = match dtype {
        DType::F32 => "",
        DType::F64 => "_f64",
        DType::I32 => "_i32",
        DType::I64 => "_i64",
        DType::U32 => "_u32",
        DType::Bool => "_bool",
    };
    format!("{kind}{suffix}:{n}")
}

/// `(i * 7919) % 65521` for `i` in `start..start + n`, as `dtype` (see the
/// module docs), computed once.
fn scrambled(n: usize, start: usize, dtype: DType, device: Device) -> tandem::Result<Array> {
    let i = Array::arange(start as f64, (start + n) as f64, 1.0, DType::I64)?;
    let a = i
        .try_mul(7919i64)?
        .try_rem(65521i64)?
        .astype(dtype)
        .eval()?;
    match device {
        Device::Gpu(_) => a.to_device(device),
        _ => Ok(a),
    }
}

/// A [`ROWS`] or [`KMEANS`] workload, or `None` for other kinds.
fn shaped(
    kind: &'static str,
    n: usize,
    dtype: DType,
    device: Device,
) -> Option<tandem::Result<Workload>> {
    let size = dtype.size_of() as f64;
    let built = |bytes: f64, run: Box<dyn Fn() -> tandem::Result<Array>>| Workload {
        kind,
        n,
        dtype,
        bytes,
        reads_only: true,
        run,
    };
    if let Some((k, d)) = kmeans_kind(kind) {
        let w = || -> tandem::Result<Workload> {
            let x = scrambled(n * d, 0, dtype, device)?
                .try_div(65521.0)?
                .reshape(&[n as isize, d as isize])?
                .eval()?;
            let c = scrambled(k * d, 5, dtype, device)?
                .try_div(65521.0)?
                .reshape(&[k as isize, d as isize])?
                .eval()?;
            // Reads x, writes the n × k distances.
            let bytes = (n * d + n * k) as f64 * size;
            let mut w = built(
                bytes,
                Box::new(move || {
                    let diff = x.expand_dims(1)?.try_sub(&c.expand_dims(0)?)?;
                    diff.square().sum_axis(-1, false)
                }),
            );
            w.reads_only = false;
            Ok(w)
        };
        return Some(w());
    }
    let (op, width) = rows_kind(kind)?;
    let w = move || -> tandem::Result<Workload> {
        let rows = (n / width.max(1)) as isize;
        let m = scrambled(n, 0, dtype, device)?.reshape(&[rows, width as isize])?;
        let run: Box<dyn Fn() -> tandem::Result<Array>> = match op {
            "argmin" => Box::new(move || m.argmin_axis(1, false)),
            "argmax" => Box::new(move || m.argmax_axis(1, false)),
            "nanargmin" => Box::new(move || m.nanargmin_axis(1, false)),
            "nanargmax" => Box::new(move || m.nanargmax_axis(1, false)),
            "sum" => Box::new(move || m.sum_axis(1, false)),
            "mean" => Box::new(move || m.mean_axis(1, false)),
            "max" => Box::new(move || m.max_axis(1, false)),
            other => {
                return Err(Error::InvalidArgument {
                    op: "bench",
                    message: format!("unknown row reduction {other}"),
                })
            }
        };
        Ok(built(n as f64 * size, run))
    };
    Some(w())
}

fn ramp(n: usize, lo: f64, hi: f64, dtype: DType, device: Device) -> tandem::Result<Array> {
    let a = Array::linspace(lo, hi, n, dtype).eval()?;
    match device {
        Device::Gpu(_) => a.to_device(device),
        _ => Ok(a),
    }
}

/// `kind` at `n` elements (for the matrix kinds, the nearest square) of
/// `dtype`, with its inputs placed on `device`.
pub fn build(
    kind: &'static str,
    n: usize,
    dtype: DType,
    device: Device,
) -> tandem::Result<Workload> {
    if let Some(w) = shaped(kind, n, dtype, device) {
        return w;
    }
    let f4 = dtype.size_of() as f64;
    if MATRIX.contains(&kind) || kind == "matmul" {
        let side = ((n as f64).sqrt().round() as usize).max(1);
        let n = side * side;
        let sq = |lo, hi| -> tandem::Result<Array> {
            ramp(n, lo, hi, dtype, device)?.reshape(&[side as isize, side as isize])
        };
        let m = sq(0.0, 1.0)?;
        let (bytes, reads_only, run): (f64, bool, Box<dyn Fn() -> tandem::Result<Array>>) =
            match kind {
                "concat0" | "concat1" => {
                    let other = sq(1.0, 2.0)?;
                    let axis = if kind == "concat0" { 0 } else { 1 };
                    (
                        4.0 * n as f64 * f4,
                        false,
                        Box::new(move || Array::concatenate(&[&m, &other], axis)),
                    )
                }
                "matmul" => {
                    let other = sq(1.0, 2.0)?;
                    (
                        3.0 * n as f64 * f4,
                        false,
                        Box::new(move || m.matmul(&other)),
                    )
                }
                "sum0" => (n as f64 * f4, true, Box::new(move || m.sum_axis(0, false))),
                "sum1" => (n as f64 * f4, true, Box::new(move || m.sum_axis(1, false))),
                "argmin1" => (
                    n as f64 * f4,
                    true,
                    Box::new(move || m.argmin_axis(1, false)),
                ),
                "nanmax0" => (
                    n as f64 * f4,
                    true,
                    Box::new(move || m.nanmax_axis(0, false)),
                ),
                _ => (n as f64 * f4, true, Box::new(move || m.try_sum())),
            };
        return Ok(Workload {
            kind,
            n,
            dtype,
            bytes,
            reads_only,
            run,
        });
    }
    let a = ramp(n, 0.0, 1.0, dtype, device)?;
    let b = ramp(n, 1.0, 2.0, dtype, device)?;
    let nf = n as f64 * f4;
    let (bytes, reads_only, run): (f64, bool, Box<dyn Fn() -> tandem::Result<Array>>) = match kind {
        "add" => (3.0 * nf, false, Box::new(move || a.try_add(&b))),
        "sum" => (nf, true, Box::new(move || a.try_sum())),
        "dot" => (2.0 * nf, true, Box::new(move || a.try_mul(&b)?.try_sum())),
        "fma2" => {
            let c = ramp(n, -1.0, 1.0, dtype, device)?;
            let e = ramp(n, 2.0, 3.0, dtype, device)?;
            (
                5.0 * nf,
                false,
                Box::new(move || a.try_mul(&b)?.try_add(&c.try_mul(&e)?)),
            )
        }
        "transc" => {
            let c = ramp(n, -1.0, 1.0, dtype, device)?;
            (
                4.0 * nf,
                false,
                Box::new(move || a.sin().try_mul(b.exp())?.try_add(c.abs().sqrt())),
            )
        }
        "pow2" => (2.0 * nf, false, Box::new(move || a.pow(2))),
        // Ten ops in a chain, as a NumPy loop body writes them.
        "chain10" => (
            3.0 * nf,
            false,
            Box::new(move || {
                let mut x = &a * 1.5;
                for k in 0..9 {
                    x = if k % 2 == 0 { &x + &b } else { &x * 0.5 };
                }
                Ok(x)
            }),
        ),
        // `b` (in [1, 2]) rather than `a`: `0**-1.5` is inf, an edge case
        // that would not represent ordinary data.
        "pow" => (2.0 * nf, false, Box::new(move || b.powf(-1.5))),
        other => {
            return Err(Error::InvalidArgument {
                op: "bench",
                message: format!("unknown workload {other}"),
            })
        }
    };
    Ok(Workload {
        kind,
        n,
        dtype,
        bytes,
        reads_only,
        run,
    })
}
