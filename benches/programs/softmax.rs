//! Softmax and log-sum-exp over the rows of a matrix of logits, as SciPy
//! writes them: the row maximum kept with `keepdims`, `exp` of the shifted
//! values, their sum, a division (softmax) or a log plus the maximum
//! (logsumexp). Source: SciPy 1.x, `scipy/special/_logsumexp.py`
//! (`softmax`, and `logsumexp` without its `b`/`return_sign` options),
//! <https://github.com/scipy/scipy/blob/v1.11.4/scipy/special/_logsumexp.py>.

use super::{close, inputs, Params, Program, Run};
use tandem::prelude::*;

/// The suite's entry.
pub const PROGRAM: Program = Program {
    name: "softmax",
    source: "SciPy 1.x scipy/special/_logsumexp.py: softmax, logsumexp over rows",
    tolerance: close(1e-12, 1e-15),
    full: &[("rows", 20_000), ("cols", 200)],
    quick: &[("rows", 500), ("cols", 100)],
    prepare,
};

/// `scipy.special.softmax(x, axis)`.
pub fn softmax(x: &Array, axis: isize) -> tandem::Result<Array> {
    let x_max = x.max_axis(axis, true)?;
    let exp_x_shifted = (x - &x_max).exp();
    Ok(&exp_x_shifted / exp_x_shifted.sum_axis(axis, true)?)
}

/// `scipy.special.logsumexp(a, axis)`.
pub fn logsumexp(a: &Array, axis: isize) -> tandem::Result<Array> {
    let a_max = a.max_axis(axis, true)?;
    // a_max[~np.isfinite(a_max)] = 0: no masked assignment yet
    let a_max = Array::where_(&a_max.is_finite(), &a_max, 0)?;
    let tmp = (a - &a_max).exp();
    let s = tmp.sum_axis(axis, false)?;
    let out = s.ln();
    let a_max = a_max.squeeze_axis(axis)?;
    Ok(out + a_max)
}

fn prepare(p: &Params) -> tandem::Result<Run> {
    let (rows, cols) = (p.get("rows"), p.get("cols"));
    // logits uniform on [-10, 10)
    let x = inputs::materialise(
        (inputs::weyl(rows * cols, 0, 0)? * 20.0 - 10.0)
            .reshape(&[rows as isize, cols as isize])?,
    )?;
    Ok(Box::new(move || {
        Ok(vec![softmax(&x, 1)?, logsumexp(&x, 1)?])
    }))
}
