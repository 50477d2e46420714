//! The benchmark workloads, shared by `tandem bench` and `benches/compare.rs`
//! (which includes this file with `#[path]`): names `kind[_f64]:elements`,
//! which `benches/peers.py` understands at any size, `linspace` ramps as
//! inputs, and the bytes each must move. A workload takes a size, a dtype
//! and a device, so the command can sweep sizes and run every adapter; they
//! use the `Result`-returning methods so that a device that cannot run one
//! reports it instead of panicking.

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
        "sum0" => "M.sum(axis=0)",
        "sum1" => "M.sum(axis=1)",
        "argmin1" => "M.argmin(axis=1)",
        "nanmax0" => "nanmax(M, axis=0)",
        "summat" => "M.sum()",
        "concat0" => "concatenate([M, N], axis=0)",
        "concat1" => "concatenate([M, N], axis=1)",
        _ => "?",
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
        let suffix = if self.dtype == DType::F64 { "_f64" } else { "" };
        format!("{}{suffix}:{}", self.kind, self.n)
    }
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
    let f4 = dtype.size_of() as f64;
    if MATRIX.contains(&kind) {
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
