//! Moving averages of a long price series and the crossings of a fast one
//! with a slow one (the classic trading-tutorial use of them), the count
//! read back. Source of `moving_average`: Jaime's NumPy answer to "Moving
//! average or running mean", <https://stackoverflow.com/a/14314054>, which
//! takes a `cumsum`; tandem has none yet, so the port sums `n` shifted
//! slices, the other way NumPy users write a short window.

use super::{close, inputs, Params, Program, Run};
use tandem::prelude::*;

/// The suite's entry.
pub const PROGRAM: Program = Program {
    name: "moving_average",
    source: "stackoverflow.com/a/14314054 moving_average (cumsum there, shifted slices here), fast/slow crossings",
    tolerance: close(1e-8, 1e-8),
    full: &[("n", 10_000_000), ("fast", 5), ("slow", 20)],
    quick: &[("n", 100_000), ("fast", 5), ("slow", 20)],
    prepare,
};

/// `moving_average(a, n)`: the means of every window of `n` elements.
pub fn moving_average(a: &Array, n: usize) -> tandem::Result<Array> {
    // ret = np.cumsum(a); ret[n:] = ret[n:] - ret[:-n]; ret[n - 1:] / n,
    // without cumsum: the window sums as n shifted slices
    let (len, n) = (a.shape()[0] as isize, n as isize);
    let mut ret = a.slice(s![0..len - n + 1])?;
    for k in 1..n {
        ret += a.at(s![k..len - n + 1 + k]);
    }
    Ok(ret / n as f64)
}

/// `(fast, slow, crossings)`: the two averages, aligned at the end, and how
/// often the fast one crosses the slow one.
pub fn crossings(price: &Array, fast: usize, slow: usize) -> tandem::Result<Vec<Array>> {
    let fast_ma = moving_average(price, fast)?;
    let slow_ma = moving_average(price, slow)?;
    let fast_ma = fast_ma.slice(s![(slow - fast) as isize..])?;
    let signal = fast_ma.gt(&slow_ma)?;
    let crossings = signal.at(s![1..]).ne(signal.at(s![..-1]))?.sum();
    Ok(vec![fast_ma, slow_ma, crossings])
}

fn prepare(p: &Params) -> tandem::Result<Run> {
    let (n, fast, slow) = (p.get("n"), p.get("fast"), p.get("slow"));
    // price = 100 + 10*sin(i/10^4) + uniform noise
    let i = Array::arange(0.0, n as f64, 1.0, DType::F64)?;
    let price = inputs::materialise(100.0 + 10.0 * (i * 1e-4).sin() + inputs::weyl(n, 0, 0)?)?;
    Ok(Box::new(move || crossings(&price, fast, slow)))
}
