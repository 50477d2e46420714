//! Two-dimensional diffusion (the heat equation) by explicit finite
//! differences: the five-point Laplacian written with slices of a copy of
//! the grid, the interior assigned, the four boundaries reset, every
//! step. Source: Lorena Barba's *CFD Python: 12 steps to Navier-Stokes*,
//! step 7, "2-D Diffusion"
//! (<https://github.com/barbagroup/CFDPython/blob/master/lessons/09_Step_7.ipynb>),
//! at a larger grid.

use super::{close, Params, Program, Run};
use tandem::prelude::*;

/// The suite's entry.
pub const PROGRAM: Program = Program {
    name: "heat",
    source: "Barba, CFD Python step 7 (2-D diffusion): slice stencil, assign",
    tolerance: close(1e-12, 1e-12),
    full: &[("nx", 400), ("ny", 400), ("nt", 100)],
    quick: &[("nx", 64), ("ny", 64), ("nt", 10)],
    prepare,
};

/// The grid after `nt + 1` steps from the hat function.
pub fn diffuse(nx: usize, ny: usize, nt: usize) -> tandem::Result<Array> {
    let nu = 0.05;
    let dx = 2.0 / (nx - 1) as f64;
    let dy = 2.0 / (ny - 1) as f64;
    let sigma = 0.25;
    let dt = sigma * dx * dy / nu;

    let mut u = Array::ones(&[ny, nx], DType::F64);
    // u[int(.5 / dy):int(1 / dy + 1), int(.5 / dx):int(1 / dx + 1)] = 2
    let (y0, y1) = ((0.5 / dy) as usize, (1.0 / dy + 1.0) as usize);
    let (x0, x1) = ((0.5 / dx) as usize, (1.0 / dx + 1.0) as usize);
    u.assign(s![y0..y1, x0..x1], 2.0)?;

    for _ in 0..=nt {
        // un = u.copy(): a clone is a copy-on-write handle, the same thing
        let un = u.clone();
        u.assign(
            s![1..-1, 1..-1],
            &un.at(s![1..-1, 1..-1])
                + nu * dt / dx.powi(2)
                    * (&un.at(s![1..-1, 2..]) - 2 * &un.at(s![1..-1, 1..-1])
                        + &un.at(s![1..-1, 0..-2]))
                + nu * dt / dy.powi(2)
                    * (&un.at(s![2.., 1..-1]) - 2 * &un.at(s![1..-1, 1..-1])
                        + &un.at(s![0..-2, 1..-1])),
        )?;
        u.assign(s![0, ..], 1)?;
        u.assign(s![-1, ..], 1)?;
        u.assign(s![.., 0], 1)?;
        u.assign(s![.., -1], 1)?;
    }
    Ok(u)
}

fn prepare(p: &Params) -> tandem::Result<Run> {
    let (nx, ny, nt) = (p.get("nx"), p.get("ny"), p.get("nt"));
    Ok(Box::new(move || Ok(vec![diffuse(nx, ny, nt)?])))
}
