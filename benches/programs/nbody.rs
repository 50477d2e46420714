//! An N-body simulation: all-pairs gravitational accelerations by
//! broadcasting `x.T - x`, softening, `inv_r3**(-1.5)`, a leapfrog
//! (kick-drift-kick) loop, and the kinetic and potential energy computed
//! and saved every step, as the original does for its plot. Source: Philip
//! Mocz, "Create Your Own N-body Simulation (With Python)",
//! <https://github.com/pmocz/nbody-python/blob/main/nbody.py>; the
//! plotting is left out, `np.random.randn` replaced by Weyl draws.

use super::{close, inputs, Params, Program, Run};
use tandem::prelude::*;

/// The suite's entry.
pub const PROGRAM: Program = Program {
    name: "nbody",
    source: "pmocz/nbody-python nbody.py: getAcc, getEnergy, leapfrog loop",
    tolerance: close(1e-7, 1e-9),
    full: &[("n", 100), ("steps", 100)],
    quick: &[("n", 50), ("steps", 5)],
    prepare,
};

/// The acceleration on each particle (N x 3), by Newton's law.
fn get_acc(pos: &Array, mass: &Array, g: f64, softening: f64) -> tandem::Result<Array> {
    // positions r = [x,y,z] for all particles
    let x = pos.slice(s![.., 0..1])?;
    let y = pos.slice(s![.., 1..2])?;
    let z = pos.slice(s![.., 2..3])?;

    // matrix that stores all pairwise particle separations: r_j - r_i
    let dx = x.t() - &x;
    let dy = y.t() - &y;
    let dz = z.t() - &z;

    // matrix that stores 1/r^3 for all particle pairwise particle separations
    let inv_r3 = dx.pow(2)? + dy.pow(2)? + dz.pow(2)? + softening.powi(2);
    // inv_r3[inv_r3>0] = inv_r3[inv_r3>0]**(-1.5): no masked assignment yet
    let inv_r3 = Array::where_(&inv_r3.gt(0)?, inv_r3.powf(-1.5)?, &inv_r3)?;

    // ax = G * (dx * inv_r3) @ mass: no matmul yet; (N,N) @ (N,1) is the
    // product with mass.T broadcast along the rows, summed over them
    let ax = (g * (&dx * &inv_r3) * mass.t()).sum_axis(1, true)?;
    let ay = (g * (&dy * &inv_r3) * mass.t()).sum_axis(1, true)?;
    let az = (g * (&dz * &inv_r3) * mass.t()).sum_axis(1, true)?;

    // pack together the acceleration components
    Array::hstack(&[&ax, &ay, &az])
}

/// The kinetic and potential energy of the system (0-d arrays).
fn get_energy(pos: &Array, vel: &Array, mass: &Array, g: f64) -> tandem::Result<(Array, Array)> {
    // Kinetic Energy:
    let ke = 0.5 * (mass * vel.pow(2)?).sum().sum();

    // Potential Energy:

    // positions r = [x,y,z] for all particles
    let x = pos.slice(s![.., 0..1])?;
    let y = pos.slice(s![.., 1..2])?;
    let z = pos.slice(s![.., 2..3])?;

    // matrix that stores all pairwise particle separations: r_j - r_i
    let dx = x.t() - &x;
    let dy = y.t() - &y;
    let dz = z.t() - &z;

    // matrix that stores 1/r for all particle pairwise particle separations
    let inv_r = (dx.pow(2)? + dy.pow(2)? + dz.pow(2)?).sqrt();
    // inv_r[inv_r>0] = 1.0/inv_r[inv_r>0]
    let inv_r = Array::where_(&inv_r.gt(0)?, 1.0 / &inv_r, &inv_r)?;

    // sum over upper triangle, to count each interaction only once:
    // np.triu(m, 1) does not exist yet; where(j > i, m, 0) is the same
    let i = Array::arange(0.0, pos.shape()[0] as f64, 1.0, DType::I64)?;
    let upper = i.at(s![NewAxis, ..]).gt(i.at(s![.., NewAxis]))?;
    let pe = g * Array::where_(&upper, -(mass * mass.t()) * &inv_r, 0.0)?
        .sum()
        .sum();

    Ok((ke, pe))
}

/// The simulation: final positions and velocities, the saved trail of
/// positions (N x 3 x steps+1) and the energies of every step.
pub fn nbody(
    pos: &Array,
    vel: &Array,
    mass: &Array,
    nt: usize,
    dt: f64,
    softening: f64,
    g: f64,
) -> tandem::Result<Vec<Array>> {
    let n = pos.shape()[0];
    let mut pos = pos.clone();
    let mut vel = vel.clone();

    // Convert to Center-of-Mass frame
    vel -= (mass * &vel).mean_axis(0, false)? / mass.mean();

    // calculate initial gravitational accelerations
    let mut acc = get_acc(&pos, mass, g, softening)?;

    // calculate initial energy of system
    let (ke, pe) = get_energy(&pos, &vel, mass, g)?;

    // save energies, particle orbits for plotting trails
    let mut pos_save = Array::zeros(&[n, 3, nt + 1], DType::F64);
    pos_save.assign(s![.., .., 0], &pos)?;
    let mut ke_save = Array::zeros(&[nt + 1], DType::F64);
    ke_save.assign(s![0], &ke)?;
    let mut pe_save = Array::zeros(&[nt + 1], DType::F64);
    pe_save.assign(s![0], &pe)?;

    // Simulation Main Loop
    for i in 0..nt {
        // (1/2) kick
        vel += &acc * dt / 2.0;

        // drift
        pos += &vel * dt;

        // update accelerations
        acc = get_acc(&pos, mass, g, softening)?;

        // (1/2) kick
        vel += &acc * dt / 2.0;

        // get energy of system
        let (ke, pe) = get_energy(&pos, &vel, mass, g)?;

        // save energies, positions for plotting trail
        pos_save.assign(s![.., .., i + 1], &pos)?;
        ke_save.assign(s![i + 1], &ke)?;
        pe_save.assign(s![i + 1], &pe)?;
    }
    Ok(vec![pos, vel, pos_save, ke_save, pe_save])
}

fn prepare(p: &Params) -> tandem::Result<Run> {
    let (n, nt) = (p.get("n"), p.get("steps"));
    // mass = 20.0*np.ones((N,1))/N; pos, vel = np.random.randn(N,3): here
    // uniform on [-1.7, 1.7) (standard deviation about 1)
    let mass = inputs::materialise(20.0 * Array::ones(&[n, 1], DType::F64) / n as f64)?;
    let draw = |stream| -> tandem::Result<Array> {
        inputs::materialise(
            (inputs::weyl(3 * n, stream, 0)? * 3.4 - 1.7).reshape(&[n as isize, 3])?,
        )
    };
    let (pos, vel) = (draw(0)?, draw(1)?);
    // tEnd = 10.0, dt = 0.01 there (1000 steps); softening = 0.1, G = 1.0
    Ok(Box::new(move || {
        nbody(&pos, &vel, &mass, nt, 0.01, 0.1, 1.0)
    }))
}
