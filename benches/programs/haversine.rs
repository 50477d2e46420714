//! Great-circle distances between pairs of points by the haversine
//! formula, vectorised: `np.radians`, `sin`, `cos`, `arcsin`, `sqrt`, one
//! expression per line. Source: the well-known vectorised NumPy/pandas
//! haversine of "Fast Haversine Approximation (Python/Pandas)",
//! <https://stackoverflow.com/a/29546836>.

use super::{close, inputs, Params, Program, Run};
use tandem::prelude::*;

/// The suite's entry.
pub const PROGRAM: Program = Program {
    name: "haversine",
    source: "stackoverflow.com/a/29546836 haversine_np",
    tolerance: close(1e-12, 1e-9),
    full: &[("n", 1_000_000)],
    quick: &[("n", 20_000)],
    prepare,
};

/// `np.radians(a)`: `deg2rad` does not exist yet.
fn radians(a: &Array) -> Array {
    a * (std::f64::consts::PI / 180.0)
}

/// Distances in km between `(lon1, lat1)` and `(lon2, lat2)`, in degrees.
pub fn haversine_np(
    lon1: &Array,
    lat1: &Array,
    lon2: &Array,
    lat2: &Array,
) -> tandem::Result<Array> {
    // lon1, lat1, lon2, lat2 = map(np.radians, [lon1, lat1, lon2, lat2])
    let (lon1, lat1, lon2, lat2) = (radians(lon1), radians(lat1), radians(lon2), radians(lat2));

    let dlon = &lon2 - &lon1;
    let dlat = &lat2 - &lat1;

    let a = (&dlat / 2.0).sin().pow(2)? + lat1.cos() * lat2.cos() * (&dlon / 2.0).sin().pow(2)?;

    let c = 2 * a.sqrt().asin();
    let km = 6367 * c;
    Ok(km)
}

fn prepare(p: &Params) -> tandem::Result<Run> {
    let n = p.get("n");
    let draw = |stream, lo: f64, hi: f64| -> tandem::Result<Array> {
        inputs::materialise(inputs::weyl(n, stream, 0)? * (hi - lo) + lo)
    };
    let (lon1, lat1) = (draw(0, -180.0, 180.0)?, draw(1, -90.0, 90.0)?);
    let (lon2, lat2) = (draw(2, -180.0, 180.0)?, draw(3, -90.0, 90.0)?);
    Ok(Box::new(move || {
        Ok(vec![haversine_np(&lon1, &lat1, &lon2, &lat2)?])
    }))
}
