//! The Mandelbrot set, the classic NumPy way: every point iterated at once
//! for `maxiter` rounds, a mask of the points still within the horizon
//! each round, their escape count and their `z = z**2 + c` updated under
//! it; `float32`, as the original. Source: Nicolas P. Rougier, *From Python
//! to NumPy*, "Code vectorization", `mandelbrot_numpy_1.py`
//! (<https://github.com/rougier/from-python-to-numpy/blob/master/code/mandelbrot_numpy_1.py>),
//! with `Z` and `C` as real and imaginary parts (tandem has no complex
//! dtype yet).

use super::{Params, Program, Run, Tolerance};
use tandem::prelude::*;

/// The suite's entry.
pub const PROGRAM: Program = Program {
    name: "mandelbrot",
    source: "Rougier, From Python to NumPy: mandelbrot_numpy_1.py (real zr/zi, float32)",
    // float32 iterations diverge at the edge of the set from the last bit
    // on: a few points may escape a round earlier or later
    tolerance: Tolerance {
        rtol: 1e-4,
        atol: 1e-4,
        mismatch: 2e-3,
    },
    full: &[("xn", 400), ("yn", 300), ("maxiter", 100)],
    quick: &[("xn", 80), ("yn", 60), ("maxiter", 20)],
    prepare,
};

/// `(Z.real, Z.imag, N)`.
#[allow(clippy::too_many_arguments)]
pub fn mandelbrot(
    xmin: f64,
    xmax: f64,
    ymin: f64,
    ymax: f64,
    xn: usize,
    yn: usize,
    maxiter: usize,
    horizon: f64,
) -> tandem::Result<Vec<Array>> {
    let x = Array::linspace(xmin, xmax, xn, DType::F32);
    let y = Array::linspace(ymin, ymax, yn, DType::F32);
    // C = X + Y[:,None]*1j
    let cr = x.broadcast_to(&[yn, xn])?;
    let ci = y.slice(s![.., NewAxis])?.broadcast_to(&[yn, xn])?;
    let mut n = Array::zeros(&[yn, xn], DType::I64);
    let mut zr = Array::zeros(&[yn, xn], DType::F32);
    let mut zi = Array::zeros(&[yn, xn], DType::F32);
    for it in 0..maxiter {
        // I = np.less(abs(Z), horizon)
        let i = (&zr * &zr + &zi * &zi).sqrt().lt(horizon)?;
        // N[I] = n: no masked assignment yet; where() keeps the rest
        n = Array::where_(&i, it as i64, &n)?;
        // Z[I] = Z[I]**2 + C[I]
        let zr_next = Array::where_(&i, &zr * &zr - &zi * &zi + &cr, &zr)?;
        let zi_next = Array::where_(&i, 2 * &zr * &zi + &ci, &zi)?;
        zr = zr_next;
        zi = zi_next;
    }
    // N[N == maxiter-1] = 0
    n = Array::where_(&n.eq(maxiter as i64 - 1)?, 0, &n)?;
    Ok(vec![zr, zi, n])
}

fn prepare(p: &Params) -> tandem::Result<Run> {
    let (xn, yn, maxiter) = (p.get("xn"), p.get("yn"), p.get("maxiter"));
    Ok(Box::new(move || {
        mandelbrot(-2.25, 0.75, -1.25, 1.25, xn, yn, maxiter, 2.0)
    }))
}
