//! Column standardisation and the correlation matrix of the columns: the
//! column means and standard deviations, `Z = (X - mu) / sigma`, then
//! `Z.T @ Z / n`, the Pearson correlations, with `Z` reused. Sources:
//! scikit-learn's `StandardScaler` (`sklearn/preprocessing/_data.py`: mean
//! and `np.sqrt(var)` per column) followed by the textbook correlation of
//! standardised columns, which is what `np.corrcoef(X, rowvar=False)`
//! computes up to rounding.

use super::{close, inputs, Params, Program, Run};
use tandem::prelude::*;

/// The suite's entry.
pub const PROGRAM: Program = Program {
    name: "standardize",
    source: "sklearn StandardScaler (mean, std per column) + Z.T @ Z / n correlation",
    tolerance: close(1e-10, 1e-12),
    full: &[("n", 500_000), ("p", 8)],
    quick: &[("n", 10_000), ("p", 8)],
    prepare,
};

/// `(Z, corr)`.
pub fn standardize(x: &Array) -> tandem::Result<Vec<Array>> {
    let n = x.shape()[0];
    let mu = x.mean_axis(0, false)?;
    let sigma = x.std_axis(0, false)?;
    let z = (x - &mu) / &sigma;
    // corr = Z.T @ Z / n
    let corr = z.t().matmul(&z)? / n as f64;
    Ok(vec![z, corr])
}

fn prepare(p: &Params) -> tandem::Result<Run> {
    let (n, cols) = (p.get("n"), p.get("p"));
    // X = U + f[:, None] * w: independent uniform columns plus a shared
    // factor with weights 0, 1/p, …, so the correlations differ
    let u = inputs::weyl(n * cols, 0, 0)?.reshape(&[n as isize, cols as isize])?;
    let f = inputs::weyl(n, 1, 0)?;
    let w = Array::arange(0.0, cols as f64, 1.0, DType::F64)? / cols as f64;
    let x = inputs::materialise(u + f.slice(s![.., NewAxis])? * w)?;
    Ok(Box::new(move || standardize(&x)))
}
