//! numexpr's polynomial benchmark: `.25*x**3 + .75*x**2 - 1.5*x - 2` over
//! ten million points of `linspace(-1, 1)`, one fused expression with two
//! powers. Source: numexpr, `bench/poly.py` (Francesc Alted, 2010),
//! <https://github.com/pydata/numexpr/blob/master/bench/poly.py>.

use super::{close, inputs, Params, Program, Run};
use tandem::prelude::*;

/// The suite's entry.
pub const PROGRAM: Program = Program {
    name: "poly",
    source: "numexpr bench/poly.py: .25*x**3 + .75*x**2 - 1.5*x - 2",
    tolerance: close(1e-12, 1e-12),
    full: &[("n", 10_000_000)],
    quick: &[("n", 100_000)],
    prepare,
};

/// `y = .25*x**3 + .75*x**2 - 1.5*x - 2`.
pub fn poly(x: &Array) -> tandem::Result<Array> {
    let y = 0.25 * x.pow(3)? + 0.75 * x.pow(2)? - 1.5 * x - 2.0;
    Ok(y)
}

fn prepare(p: &Params) -> tandem::Result<Run> {
    // x = np.linspace(-1, 1, N)
    let x = inputs::materialise(Array::linspace(-1.0, 1.0, p.get("n"), DType::F64))?;
    Ok(Box::new(move || Ok(vec![poly(&x)?])))
}
