//! The Rosenbrock function and its gradient as SciPy writes them, in a
//! gradient-descent loop that reads the objective every iteration to accept
//! the step or halve it. Source: SciPy, `scipy/optimize/_optimize.py`
//! (`rosen`, `rosen_der`),
//! <https://github.com/scipy/scipy/blob/main/scipy/optimize/_optimize.py>;
//! the loop is the textbook steepest descent with step halving.

use super::{close, inputs, Params, Program, Run};
use tandem::prelude::*;

/// The suite's entry.
pub const PROGRAM: Program = Program {
    name: "rosenbrock",
    source: "scipy.optimize rosen, rosen_der in a gradient-descent loop",
    tolerance: close(1e-9, 1e-12),
    full: &[("n", 100_000), ("iters", 30)],
    quick: &[("n", 10_000), ("iters", 5)],
    prepare,
};

/// `scipy.optimize.rosen(x)`.
pub fn rosen(x: &Array) -> tandem::Result<Array> {
    (100.0 * (x.at(s![1..]) - x.at(s![..-1]).powf(2.0)?).powf(2.0)?
        + (1 - x.at(s![..-1])).powf(2.0)?)
    .sum_axis(0, false)
}

/// `scipy.optimize.rosen_der(x)`.
pub fn rosen_der(x: &Array) -> tandem::Result<Array> {
    let xm = x.slice(s![1..-1])?;
    let xm_m1 = x.slice(s![..-2])?;
    let xm_p1 = x.slice(s![2..])?;
    let mut der = Array::zeros(x.shape(), x.dtype());
    der.assign(
        s![1..-1],
        200 * (&xm - xm_m1.pow(2)?) - 400 * (&xm_p1 - xm.pow(2)?) * &xm - 2 * (1 - &xm),
    )?;
    let (x0, x1) = (x.slice(s![0])?, x.slice(s![1])?);
    der.assign(s![0], -400 * &x0 * (&x1 - x0.pow(2)?) - 2 * (1 - &x0))?;
    der.assign(s![-1], 200 * (x.at(s![-1]) - x.at(s![-2]).pow(2)?))?;
    Ok(der)
}

/// Steepest descent from `x0`: `(x, f at every iteration)`.
pub fn descend(x0: &Array, iters: usize, step: f64) -> tandem::Result<Vec<Array>> {
    let mut step = step;
    let mut x = x0.clone();
    let mut f = rosen(&x)?;
    let mut fs = vec![f.clone()];
    for _ in 0..iters {
        let g = rosen_der(&x)?;
        let x_new = &x - step * g;
        let f_new = rosen(&x_new)?;
        if f_new.lt(&f)?.item::<bool>()? {
            x = x_new;
            f = f_new;
        } else {
            step /= 2.0;
        }
        fs.push(f.clone());
    }
    // np.array(fs)
    let fs = Array::stack(&fs.iter().collect::<Vec<_>>(), 0)?;
    Ok(vec![x, fs])
}

fn prepare(p: &Params) -> tandem::Result<Run> {
    let (n, iters) = (p.get("n"), p.get("iters"));
    // x0 uniform on [0.8, 1.2)
    let x0 = inputs::materialise(0.8 + 0.4 * inputs::weyl(n, 0, 0)?)?;
    Ok(Box::new(move || descend(&x0, iters, 1e-3)))
}
