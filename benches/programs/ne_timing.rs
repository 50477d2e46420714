//! numexpr's timing suite: the twelve expressions of `bench/timing.py`
//! (arithmetic, `arctan2`, `sinh(cos())`, `where` in four shapes, `%`,
//! powers), each evaluated into its own result over `float32` `arange`
//! inputs, `a` a strided view (`arange(2n)[::2]`) as there. Source:
//! numexpr, `bench/timing.py`,
//! <https://github.com/pydata/numexpr/blob/master/bench/timing.py>.

use super::{close, inputs, Params, Program, Run};
use tandem::prelude::*;

/// The suite's entry.
pub const PROGRAM: Program = Program {
    name: "ne_timing",
    source: "numexpr bench/timing.py: its 12 expressions, float32",
    tolerance: close(1e-5, 1e-6),
    full: &[("n", 1_000_000)],
    quick: &[("n", 20_000)],
    prepare,
};

/// The twelve expressions, in `timing.py`'s order.
pub fn timing(a: &Array, b: &Array, c: &Array, d: &Array, e: &Array) -> tandem::Result<Vec<Array>> {
    // expr1 = 'b*c+d*e' (setup1)
    let r1 = b * c + d * e;
    // expr2 = '2*a+3*b' (setup2: a, b both arange(n); here a is the strided one, as setup3-5)
    let r2 = 2 * a + 3 * b;
    // expr3 = '2*a + (cos(3)+5)*sinh(cos(b))': NumPy's cos(3) is a float64
    // scalar, strong under NEP 50, so the result is float64 there and here
    let r3 = 2 * a + (Array::scalar(3i64).cos() + 5) * b.cos().sinh();
    // expr4 = '2*a + arctan2(a, b)'
    let r4 = 2 * a + a.atan2(b)?;
    // expr5 = 'where(0.1*a > arctan2(a, b), 2*a, arctan2(a,b))'
    let r5 = Array::where_(&(0.1 * a).gt(a.atan2(b)?)?, 2 * a, a.atan2(b)?)?;
    // expr6 = 'where(a != 0.0, 2, b)'
    let r6 = Array::where_(&a.ne(0.0)?, 2, b)?;
    // expr7 = 'where(a-10 != 0.0, a, 2)'
    let r7 = Array::where_(&(a - 10).ne(0.0)?, a, 2)?;
    // expr8 = 'where(a%2 != 0.0, b+5, 2)'
    let r8 = Array::where_(&(a % 2).ne(0.0)?, b + 5, 2)?;
    // expr9 = 'where(a%2 != 0.0, 2, b+5)'
    let r9 = Array::where_(&(a % 2).ne(0.0)?, 2, b + 5)?;
    // expr10 = 'a**2 + (b+1)**-2.5'
    let r10 = a.pow(2)? + (b + 1).pow(-2.5)?;
    // expr11 = '(a+1)**50'
    let r11 = (a + 1).pow(50)?;
    // expr12 = 'sqrt(a**2 + b**2)'
    let r12 = (a.pow(2)? + b.pow(2)?).sqrt();
    Ok(vec![r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12])
}

fn prepare(p: &Params) -> tandem::Result<Run> {
    let n = p.get("n") as f64;
    // a = arange(2*n, dtype='float32')[::2]; b = c = d = e = arange(n, dtype='float32')
    let arange = |stop: f64| inputs::materialise(Array::arange(0.0, stop, 1.0, DType::F32)?);
    let a = arange(2.0 * n)?.slice(s![..;2])?;
    let (b, c, d, e) = (arange(n)?, arange(n)?, arange(n)?, arange(n)?);
    Ok(Box::new(move || timing(&a, &b, &c, &d, &e)))
}
