//! k-means by Lloyd's iterations until the centres stop moving: squared
//! distances by broadcasting `x[:, None, :] - c[None, :, :]`, `argmin`,
//! the new centres as the means of each cluster, and the convergence test
//! `np.all(centers == new_centers)` read every iteration. Source: Jake
//! VanderPlas, *Python Data Science Handbook*, "In Depth: k-Means
//! Clustering", `find_clusters`
//! (<https://github.com/jakevdp/PythonDataScienceHandbook>, notebook
//! 05.11-K-Means.ipynb), with sklearn's `pairwise_distances_argmin` written
//! out in NumPy, the first `k` points as the initial centres (instead of a
//! random permutation), and an iteration cap.

use super::{close, inputs, Params, Program, Run};
use tandem::prelude::*;

/// The suite's entry.
pub const PROGRAM: Program = Program {
    name: "kmeans",
    source: "VanderPlas, Python Data Science Handbook 05.11 find_clusters (Lloyd)",
    tolerance: close(1e-9, 1e-9),
    full: &[("n", 50_000), ("k", 8), ("max_iter", 50)],
    quick: &[("n", 4_000), ("k", 8), ("max_iter", 10)],
    prepare,
};

/// `(centers, labels, iterations)`.
pub fn find_clusters(x: &Array, n_clusters: usize, max_iter: usize) -> tandem::Result<Vec<Array>> {
    // 1. The first points as the initial clusters
    let mut centers = x.slice(s![0..n_clusters, ..])?;
    let mut labels = Array::zeros(&[x.shape()[0]], DType::I64);
    let mut iterations = 0i64;
    for _ in 0..max_iter {
        iterations += 1;
        // 2a. Assign labels based on closest center
        let distances = (x.at(s![.., NewAxis, ..]) - centers.at(s![NewAxis, .., ..]))
            .pow(2)?
            .sum_axis(-1, false)?;
        labels = distances.argmin_axis(1, false)?;
        // 2b. Find new centers from means of points: X[labels == i].mean(0)
        // needs boolean selection, which does not exist yet; a one-hot
        // (n, k) comparison and sums give the same means
        let k = Array::arange(0.0, n_clusters as f64, 1.0, DType::I64)?;
        let onehot = labels.at(s![.., NewAxis]).eq(&k)?;
        let counts = onehot.sum_axis(0, false)?;
        let new_centers = (onehot.at(s![.., .., NewAxis]) * x.at(s![.., NewAxis, ..]))
            .sum_axis(0, false)?
            / counts.at(s![.., NewAxis]);
        // 2c. Check for convergence
        if centers.eq(&new_centers)?.all().item::<bool>()? {
            break;
        }
        centers = new_centers;
    }
    Ok(vec![centers, labels, Array::scalar(iterations)])
}

fn prepare(p: &Params) -> tandem::Result<Run> {
    let (n, k, max_iter) = (p.get("n"), p.get("k"), p.get("max_iter"));
    // Eight blobs on a 4 x 2 grid (3 apart), points uniform within ±1 of
    // their centre, the blob drawn at random
    let blob = (inputs::weyl(n, 0, 0)? * 8.0).floor();
    let x0 = (&blob % 4.0) * 3.0 + (inputs::weyl(n, 1, 0)? * 2.0 - 1.0);
    let x1 = (&blob / 4.0).floor() * 3.0 + (inputs::weyl(n, 2, 0)? * 2.0 - 1.0);
    let x = inputs::materialise(Array::stack(&[&x0, &x1], 1)?)?;
    Ok(Box::new(move || find_clusters(&x, k, max_iter)))
}
