//! Conway's Game of Life on an integer grid: the neighbour counts as the
//! sum of eight shifted slices, birth and survival masks, the grid
//! rewritten, and the fading "past activity" image the original animates.
//! Source: Nicolas P. Rougier, *From Python to NumPy*, "Uniform
//! vectorization", `game-of-life-numpy.py`
//! (<https://github.com/rougier/from-python-to-numpy/blob/master/code/game-of-life-numpy.py>),
//! without the plotting, `np.random.randint(0, 2, …)` replaced by Weyl draws.

use super::{close, inputs, Params, Program, Run};
use tandem::prelude::*;

/// The suite's entry.
pub const PROGRAM: Program = Program {
    name: "life",
    source: "Rougier, From Python to NumPy: game-of-life-numpy.py update()",
    tolerance: close(1e-12, 1e-12),
    full: &[("rows", 300), ("cols", 600), ("frames", 50)],
    quick: &[("rows", 30), ("cols", 60), ("frames", 5)],
    prepare,
};

/// One frame: `update(Z, M)`.
fn update(z: &mut Array, m: &mut Array) -> tandem::Result<()> {
    let n = &z.at(s![0..-2, 0..-2])
        + &z.at(s![0..-2, 1..-1])
        + &z.at(s![0..-2, 2..])
        + &z.at(s![1..-1, 0..-2])
        + &z.at(s![1..-1, 2..])
        + &z.at(s![2.., 0..-2])
        + &z.at(s![2.., 1..-1])
        + &z.at(s![2.., 2..]);
    let birth = n.eq(3)?.logical_and(&z.at(s![1..-1, 1..-1]).eq(0)?)?;
    let survive = n
        .eq(2)?
        .logical_or(&n.eq(3)?)?
        .logical_and(&z.at(s![1..-1, 1..-1]).eq(1)?)?;
    z.assign(s![..], 0)?;
    // Z[1:-1, 1:-1][birth | survive] = 1: no masked assignment yet; where()
    // keeps the rest
    let inner = z.at(s![1..-1, 1..-1]);
    z.assign(
        s![1..-1, 1..-1],
        Array::where_(&birth.logical_or(&survive)?, 1, &inner)?,
    )?;

    // Show past activities
    // M[M>0.25] = 0.25
    *m = Array::where_(&m.gt(0.25)?, 0.25, &*m)?;
    // M *= 0.995
    *m = &*m * 0.995;
    // M[Z==1] = 1
    *m = Array::where_(&z.eq(1)?, 1, &*m)?;
    Ok(())
}

/// `(Z, M)` after `frames` frames.
pub fn life(z: &Array, frames: usize) -> tandem::Result<Vec<Array>> {
    let mut z = z.clone();
    let mut m = Array::zeros(z.shape(), DType::F64);
    for _ in 0..frames {
        update(&mut z, &mut m)?;
    }
    Ok(vec![z, m])
}

fn prepare(p: &Params) -> tandem::Result<Run> {
    let (rows, cols, frames) = (p.get("rows"), p.get("cols"), p.get("frames"));
    // Z = np.random.randint(0, 2, (rows, cols))
    let z = inputs::materialise(
        (inputs::weyl(rows * cols, 0, 0)? * 2.0)
            .floor()
            .astype(DType::I64)
            .reshape(&[rows as isize, cols as isize])?,
    )?;
    Ok(Box::new(move || life(&z, frames)))
}
