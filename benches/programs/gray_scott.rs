//! Gray-Scott reaction-diffusion: two fields, their five-point Laplacians
//! from slices, the reaction term `u*v*v` shared by both updates, written
//! back into the interior (`u += …` through a view in the original); ten
//! steps per frame, and the colour range `V.min()`, `V.max()` read every
//! frame. Source: Nicolas P. Rougier, *From Python to NumPy*, `gray-scott.py`
//! (<https://github.com/rougier/from-python-to-numpy/blob/master/code/gray-scott.py>),
//! parameters "Bacteria 1", without the plotting, the uniform noise from
//! Weyl draws.

use super::{close, inputs, Params, Program, Run};
use tandem::prelude::*;

/// The suite's entry.
pub const PROGRAM: Program = Program {
    name: "gray_scott",
    source: "Rougier, From Python to NumPy: gray-scott.py update(), 10 steps per frame",
    tolerance: close(1e-9, 1e-12),
    full: &[("n", 256), ("frames", 10)],
    quick: &[("n", 48), ("frames", 2)],
    prepare,
};

/// `(U, V, vmin per frame, vmax per frame)`.
pub fn gray_scott(noise_u: &Array, noise_v: &Array, frames: usize) -> tandem::Result<Vec<Array>> {
    let n = noise_u.shape()[0];
    let (du, dv, f, k) = (0.16, 0.08, 0.035, 0.065); // Bacteria 1

    // Z = np.zeros((n+2, n+2), [('U', np.double), ('V', np.double)])
    let mut uu = Array::zeros(&[n + 2, n + 2], DType::F64);
    let mut vv = Array::zeros(&[n + 2, n + 2], DType::F64);
    let r = 20;
    // u[...] = 1.0
    uu.assign(s![1..-1, 1..-1], 1.0)?;
    let c = s![n / 2 - r..n / 2 + r, n / 2 - r..n / 2 + r];
    uu.assign(c, 0.50)?;
    vv.assign(c, 0.25)?;
    // u += 0.05*np.random.uniform(-1, +1, (n, n)); v likewise
    let u = uu.at(s![1..-1, 1..-1]);
    uu.assign(s![1..-1, 1..-1], &u + 0.05 * noise_u)?;
    let v = vv.at(s![1..-1, 1..-1]);
    vv.assign(s![1..-1, 1..-1], &v + 0.05 * noise_v)?;

    let mut vmin = Vec::new();
    let mut vmax = Vec::new();
    for _ in 0..frames {
        for _ in 0..10 {
            let u = uu.at(s![1..-1, 1..-1]);
            let v = vv.at(s![1..-1, 1..-1]);
            let lu = &uu.at(s![0..-2, 1..-1]) + &uu.at(s![1..-1, 0..-2])
                - 4 * &uu.at(s![1..-1, 1..-1])
                + &uu.at(s![1..-1, 2..])
                + &uu.at(s![2.., 1..-1]);
            let lv = &vv.at(s![0..-2, 1..-1]) + &vv.at(s![1..-1, 0..-2])
                - 4 * &vv.at(s![1..-1, 1..-1])
                + &vv.at(s![1..-1, 2..])
                + &vv.at(s![2.., 1..-1]);
            let uvv = &u * &v * &v;
            // u += (Du*Lu - uvv + F*(1-u)): u is a view of U there
            uu.assign(s![1..-1, 1..-1], &u + (du * &lu - &uvv + f * (1 - &u)))?;
            vv.assign(s![1..-1, 1..-1], &v + (dv * &lv + &uvv - (f + k) * &v))?;
        }
        // im.set_clim(vmin=V.min(), vmax=V.max())
        vmin.push(vv.min().item::<f64>()?);
        vmax.push(vv.max().item::<f64>()?);
    }
    let frames = vmin.len();
    Ok(vec![
        uu,
        vv,
        Array::from_vec(vmin, &[frames])?,
        Array::from_vec(vmax, &[frames])?,
    ])
}

fn prepare(p: &Params) -> tandem::Result<Run> {
    let (n, frames) = (p.get("n"), p.get("frames"));
    let noise = |stream| -> tandem::Result<Array> {
        inputs::materialise(
            (inputs::weyl(n * n, stream, 0)? * 2.0 - 1.0).reshape(&[n as isize, n as isize])?,
        )
    };
    let (noise_u, noise_v) = (noise(0)?, noise(1)?);
    Ok(Box::new(move || gray_scott(&noise_u, &noise_v, frames)))
}
