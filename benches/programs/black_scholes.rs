//! Black-Scholes call and put prices, the classic vectorised NumPy version
//! with a polynomial approximation of the normal CDF built from `exp`,
//! `abs` and `where` (no `erf`): one million options. Source: Numba's
//! examples, `examples/blackscholes/blackscholes_numpy.py`
//! (<https://github.com/numba/numba>), inputs drawn as its
//! `randfloat(np.random.random(OPT_N), low, high)` does, from a Weyl
//! sequence instead of `np.random`.

use super::{close, inputs, Params, Program, Run};
use tandem::prelude::*;

/// The suite's entry.
pub const PROGRAM: Program = Program {
    name: "black_scholes",
    source: "Numba examples/blackscholes/blackscholes_numpy.py (cnd from exp/abs/where)",
    tolerance: close(1e-10, 1e-10),
    full: &[("n", 1_000_000)],
    quick: &[("n", 20_000)],
    prepare,
};

const RISKFREE: f64 = 0.02;
const VOLATILITY: f64 = 0.30;

/// The cumulative normal distribution, by the Abramowitz-Stegun polynomial.
fn cnd(d: &Array) -> tandem::Result<Array> {
    const A1: f64 = 0.31938153;
    const A2: f64 = -0.356563782;
    const A3: f64 = 1.781477937;
    const A4: f64 = -1.821255978;
    const A5: f64 = 1.330274429;
    const RSQRT2PI: f64 = 0.398_942_280_401_432_7;
    let k = 1.0 / (1.0 + 0.2316419 * d.abs());
    let ret_val =
        RSQRT2PI * (-0.5 * d * d).exp() * (&k * (A1 + &k * (A2 + &k * (A3 + &k * (A4 + &k * A5)))));
    Array::where_(&d.gt(0)?, 1.0 - &ret_val, &ret_val)
}

/// `(callResult, putResult)`.
pub fn black_scholes(
    stock_price: &Array,
    option_strike: &Array,
    option_years: &Array,
    riskfree: f64,
    volatility: f64,
) -> tandem::Result<(Array, Array)> {
    let s = stock_price;
    let x = option_strike;
    let t = option_years;
    let r = riskfree;
    let v = volatility;
    let sqrt_t = t.sqrt();
    let d1 = ((s / x).ln() + (r + 0.5 * v * v) * t) / (v * &sqrt_t);
    let d2 = &d1 - v * &sqrt_t;
    let cndd1 = cnd(&d1)?;
    let cndd2 = cnd(&d2)?;

    let exp_rt = (-r * t).exp();

    let call_result = s * &cndd1 - x * &exp_rt * &cndd2;
    let put_result = x * &exp_rt * (1.0 - &cndd2) - s * (1.0 - &cndd1);

    Ok((call_result, put_result))
}

/// `randfloat(rand_var, low, high)`.
fn randfloat(rand_var: &Array, low: f64, high: f64) -> Array {
    (1.0 - rand_var) * low + rand_var * high
}

fn prepare(p: &Params) -> tandem::Result<Run> {
    let n = p.get("n");
    let draw = |stream, low, high| -> tandem::Result<Array> {
        inputs::materialise(randfloat(&inputs::weyl(n, stream, 0)?, low, high))
    };
    let stock_price = draw(0, 5.0, 30.0)?;
    let option_strike = draw(1, 1.0, 100.0)?;
    let option_years = draw(2, 0.25, 10.0)?;
    Ok(Box::new(move || {
        let (call, put) = black_scholes(
            &stock_price,
            &option_strike,
            &option_years,
            RISKFREE,
            VOLATILITY,
        )?;
        Ok(vec![call, put])
    }))
}
