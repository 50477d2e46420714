//! Reductions along rows against NumPy, on every device: `argmin argmax
//! nanargmin nanargmax min max nanmin nanmax` along the last axis of
//! matrices with rows of every length from 1 to 40 (vector tails, the
//! lengths the CPU specialises) and longer ones, of ints and floats with
//! ties, both zeros, infinities and NaNs; rows that are strided or
//! reversed views; row sums and means of short rows; and the k-means
//! distance `((x[:, None, :] - c[None, :, :])**2).sum(-1)`.
//!
//! The expected values are `tests/fixtures/reductions/rows.json`, written by
//! `scripts/fixtures/reduction_rows.py`; the inputs are generated here with
//! the script's counter-based generator (its docstring has the format).
//! Arg-reductions compare exactly, min/max up to the sign of zero. Sums
//! and means compare bit for bit on the CPU for rows of at most 128 values
//! (it sums those in NumPy's order), and within the summation tolerance of
//! `tests/reductions.rs` otherwise.

#[macro_use]
mod common;

use common::*;
use serde_json::Value;
use tandem::prelude::*;

/// The script's splitmix64 of `seed + i`.
fn hash(seed: u64, i: u64) -> u64 {
    let mut z = seed.wrapping_add(i).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The script's "special" values of `dtype` (extremes: ties, zeros,
/// infinities, NaN).
fn special(dtype: DType, seed: u64, n: usize) -> Array {
    let vals: Vec<(u64, i64)> = (0..n as u64)
        .map(|i| {
            let h = hash(seed, i);
            (h % 64, ((h >> 8) % 9) as i64 - 4)
        })
        .collect();
    let float = |(k, small): (u64, i64)| match k {
        0 => f64::NAN,
        1 => -0.0,
        2 => 0.0,
        3 => f64::INFINITY,
        4 => f64::NEG_INFINITY,
        _ => small as f64,
    };
    let int = |(k, small): (u64, i64), lo: i64, hi: i64, shift: i64| match k {
        0..=2 => 0,
        3 => hi,
        4 => lo,
        _ => small + shift,
    };
    let shape = [n];
    match dtype {
        DType::F32 => Array::from_vec(vals.iter().map(|&v| float(v) as f32).collect(), &shape),
        DType::F64 => Array::from_vec(vals.iter().map(|&v| float(v)).collect(), &shape),
        DType::I32 => Array::from_vec(
            vals.iter()
                .map(|&v| int(v, i32::MIN as i64, i32::MAX as i64, 0) as i32)
                .collect(),
            &shape,
        ),
        DType::I64 => Array::from_vec(
            vals.iter()
                .map(|&v| int(v, i64::MIN, i64::MAX, 0))
                .collect(),
            &shape,
        ),
        DType::U32 => Array::from_vec(
            vals.iter()
                .map(|&v| int(v, 0, u32::MAX as i64, 4) as u32)
                .collect(),
            &shape,
        ),
        other => panic!("no special values of {other:?}"),
    }
    .unwrap()
}

/// The script's "spread" values: `m * 2^e`, exact in float32.
fn spread_f64(seed: u64, n: usize) -> Vec<f64> {
    (0..n as u64)
        .map(|i| {
            let h = hash(seed, i);
            let m = ((h >> 11) % 2001) as i64 - 1000;
            let e = ((h >> 40) % 41) as i32 - 20;
            m as f64 * 2f64.powi(e)
        })
        .collect()
}

fn spread(dtype: DType, seed: u64, n: usize) -> Array {
    let v = spread_f64(seed, n);
    match dtype {
        DType::F32 => Array::from_vec(v.iter().map(|&x| x as f32).collect(), &[n]),
        DType::F64 => Array::from_vec(v, &[n]),
        other => panic!("no spread values of {other:?}"),
    }
    .unwrap()
}

/// The case's matrix: the values as (rows, per), reversed along the rows
/// or built transposed (rows of stride `rows`) per its view.
fn matrix(flat: &Array, rows: usize, per: usize, view: &str) -> Array {
    let (r, p) = (rows as isize, per as isize);
    match view {
        "none" => flat.reshape(&[r, p]).unwrap(),
        "reverse" => flat.reshape(&[r, p]).unwrap().slice(s![.., ..;-1]).unwrap(),
        "transpose" => flat.reshape(&[p, r]).unwrap().t(),
        other => panic!("unknown view {other:?}"),
    }
}

fn reduce(op: &str, a: &Array) -> Result<Array> {
    match op {
        "argmin" => a.argmin_axis(1, false),
        "argmax" => a.argmax_axis(1, false),
        "nanargmin" => a.nanargmin_axis(1, false),
        "nanargmax" => a.nanargmax_axis(1, false),
        "min" => a.min_axis(1, false),
        "max" => a.max_axis(1, false),
        "nanmin" => a.nanmin_axis(1, false),
        "nanmax" => a.nanmax_axis(1, false),
        "sum" => a.sum_axis(1, false),
        "mean" => a.mean_axis(1, false),
        other => panic!("unknown op {other:?}"),
    }
}

/// Checks one result: `exact_sums` makes sums bit-exact, otherwise they
/// are within the summation tolerance of each row (`rows_f64`).
fn check(
    op: &str,
    got: Result<Array>,
    want: &Value,
    rows_f64: &[Vec<f64>],
    exact_sums: bool,
) -> std::result::Result<(), String> {
    if want.get("error").is_some() {
        // All-NaN rows: NumPy raises; tandem may too at call or read time.
        return match got.and_then(|a| a.eval()) {
            Err(Error::InvalidArgument { .. }) => Ok(()),
            other => Err(format!("expected Err(InvalidArgument), got {other:?}")),
        };
    }
    let got = got.map_err(|e| format!("error {e}"))?;
    let want = parse_array(want);
    let summed = matches!(op, "sum" | "mean");
    if !summed || exact_sums {
        let cmp = if matches!(op, "min" | "max" | "nanmin" | "nanmax") {
            Cmp::NoSign
        } else {
            Cmp::Exact
        };
        return compare(&got, &want, cmp, &[]);
    }
    if got.shape() != &want.shape[..] || got.dtype() != want.dtype {
        return Err(format!("got {:?} {:?}", got.dtype(), got.shape()));
    }
    let u = if want.dtype == DType::F32 {
        f32::EPSILON as f64
    } else {
        f64::EPSILON
    };
    let g = data_f64(&read(&got).map_err(|e| e.to_string())?);
    let w = data_f64(&want.data);
    for (i, row) in rows_f64.iter().enumerate() {
        let n = row.len() as f64;
        let mut tol = 2.0 * (n + 1.0) * u * row.iter().map(|x| x.abs()).sum::<f64>();
        if op == "mean" {
            tol = tol / n + 2.0 * u * w[i].abs();
        }
        if (g[i] - w[i]).abs() > tol {
            return Err(format!(
                "[{i}]: expected {}, got {} (tolerance {tol:e})",
                w[i], g[i]
            ));
        }
    }
    Ok(())
}

#[test]
fn reductions_along_rows_match_numpy() {
    let fx = load_reductions("rows.json");
    let cases = cases(fx, "cases");
    assert!(
        cases.len() > 300,
        "rows.json has only {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        let cpu = info.device == Device::Cpu;
        for case in cases.iter().filter(|c| c["kind"] != "kmeans") {
            let name = case["name"].as_str().unwrap();
            let dt = dtype(case["dtype"].as_str().unwrap());
            let seed = case["seed"].as_u64().unwrap();
            let rows = case["rows"].as_u64().unwrap() as usize;
            let per = case["per"].as_u64().unwrap() as usize;
            let flat = if case["kind"] == "spread" {
                spread(dt, seed, rows * per)
            } else {
                special(dt, seed, rows * per)
            };
            let m = matrix(&on(info, &flat), rows, per, case["view"].as_str().unwrap());
            // The rows as f64 (for tolerances), from the matrix as built.
            let vals = data_f64(&read(&m.astype(DType::F64)).unwrap());
            let rows_f64: Vec<Vec<f64>> = vals.chunks(per.max(1)).map(|r| r.to_vec()).collect();
            for (op, want) in case["ops"].as_object().unwrap() {
                total += 1;
                let got = reduce(op, &m);
                if let Err(e) = check(op, got, want, &rows_f64, cpu && per <= 128) {
                    failures.push(format!("{op} of {name} on {}: {e}", label(info)));
                }
            }
        }
    });
    report("reductions along rows", total, &failures);
}

#[test]
fn kmeans_distances_match_numpy() {
    let fx = load_reductions("rows.json");
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in cases(fx, "cases").iter().filter(|c| c["kind"] == "kmeans") {
            let name = case["name"].as_str().unwrap();
            let dt = dtype(case["dtype"].as_str().unwrap());
            let get = |k: &str| case[k].as_u64().unwrap() as usize;
            let (n, k, d) = (get("n"), get("k"), get("d"));
            let x = spread(dt, get("seed_x") as u64, n * d);
            let c = spread(dt, get("seed_c") as u64, k * d);
            let x = on(info, &x).reshape(&[n as isize, d as isize]).unwrap();
            let c = on(info, &c).reshape(&[k as isize, d as isize]).unwrap();
            let diff = x.expand_dims(1).unwrap().try_sub(c.expand_dims(0).unwrap());
            let got = diff.and_then(|t| t.square().sum_axis(-1, false));
            let want = parse_array(&case["result"]);
            total += 1;
            let r = match got {
                Ok(g) if info.device == Device::Cpu => compare(&g, &want, Cmp::Exact, &[]),
                Ok(g) => {
                    // Other devices: within the tolerance of a sum of d
                    // non-negative terms.
                    let u = if dt == DType::F32 {
                        f32::EPSILON
                    } else {
                        f64::EPSILON as f32
                    } as f64;
                    let g = data_f64(&read(&g).unwrap());
                    let w = data_f64(&want.data);
                    let tol = 2.0 * (d as f64 + 1.0) * u;
                    match g
                        .iter()
                        .zip(&w)
                        .position(|(g, w)| (g - w).abs() > tol * w.abs())
                    {
                        None => Ok(()),
                        Some(i) => Err(format!("[{i}]: expected {}, got {}", w[i], g[i])),
                    }
                }
                Err(e) => Err(format!("error {e}")),
            };
            if let Err(e) = r {
                failures.push(format!("{name} on {}: {e}", label(info)));
            }
        }
    });
    report("k-means distances", total, &failures);
}

/// Reductions over a length-1 or empty last axis, and of matrices with no
/// rows, on every device: sums give zeros, extremes of empty rows fail as
/// NumPy's do, arg-reductions of length-1 rows are 0.
#[test]
fn empty_and_length_one_rows() {
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        let one = on(
            info,
            &Array::from_vec((0..70).map(|i| i as f32 - 35.0).collect(), &[70, 1]).unwrap(),
        );
        let empty = on(info, &Array::zeros(&[70, 0], DType::F32));
        let none = on(info, &Array::zeros(&[0, 5], DType::F64));
        let mut expect = |what: &str, ok: bool| {
            total += 1;
            if !ok {
                failures.push(format!("{what} on {}", label(info)));
            }
        };
        let zeros = |a: Result<Array>, n: usize| {
            a.and_then(|a| a.to_vec::<i64>())
                .is_ok_and(|v| v == vec![0; n])
        };
        expect("argmin of 70x1", zeros(one.argmin_axis(1, false), 70));
        expect("nanargmax of 70x1", zeros(one.nanargmax_axis(1, false), 70));
        expect(
            "max of 70x1",
            one.max_axis(1, false)
                .and_then(|a| a.to_vec::<f32>())
                .is_ok_and(|v| v == (0..70).map(|i| i as f32 - 35.0).collect::<Vec<_>>()),
        );
        expect(
            "sum of 70x0",
            empty
                .sum_axis(1, false)
                .and_then(|a| a.to_vec::<f32>())
                .is_ok_and(|v| v == vec![0.0; 70]),
        );
        expect(
            "argmin of 70x0 fails",
            matches!(
                empty.argmin_axis(1, false).and_then(|a| a.eval()),
                Err(Error::InvalidArgument { .. })
            ),
        );
        expect(
            "max of 70x0 fails",
            matches!(
                empty.max_axis(1, false).and_then(|a| a.eval()),
                Err(Error::InvalidArgument { .. })
            ),
        );
        expect(
            "argmax of 0x5 is empty",
            none.argmax_axis(1, false)
                .and_then(|a| a.to_vec::<i64>())
                .is_ok_and(|v| v.is_empty()),
        );
        expect(
            "sum of 0x5 is empty",
            none.sum_axis(1, false)
                .and_then(|a| a.to_vec::<f64>())
                .is_ok_and(|v| v.is_empty()),
        );
    });
    report("empty and length-1 rows", total, &failures);
}

/// The columns strategy with its last two kept axes swapped, over tiles
/// that cross the outer kept axis and its groups: `((x[:, :, None, :] -
/// c[None, None, :, :])**2).sum(-1)` and its argmin over the last axis, for
/// x of [3, 1000, d] and c of [3, d], against sums in NumPy's order (in
/// order, for d < 8) and a first-index search computed here, on every
/// device (sums exactly on the CPU).
#[test]
fn swapped_columns_across_outer_axes() {
    let mut failures = Vec::new();
    let mut total = 0;
    for d in [1usize, 3, 5] {
        let xs: Vec<f32> = spread_f64(7, 3 * 1000 * d)
            .iter()
            .map(|&v| v as f32)
            .collect();
        let cs: Vec<f32> = spread_f64(8, 3 * d).iter().map(|&v| v as f32).collect();
        // Expected, in the output's order [3, 1000, 3].
        let mut sums = Vec::new();
        let mut args = Vec::new();
        for p in 0..3 {
            for a in 0..1000 {
                for b in 0..3 {
                    let t: Vec<f32> = (0..d)
                        .map(|r| {
                            let v = xs[(p * 1000 + a) * d + r] - cs[b * d + r];
                            v * v
                        })
                        .collect();
                    sums.push(0.0 + t.iter().fold(0.0f32, |s, &v| s + v));
                    let mut best = 0;
                    for (r, &v) in t.iter().enumerate() {
                        if v < t[best] {
                            best = r;
                        }
                    }
                    args.push(best as i64);
                }
            }
        }
        for_each_device(|info| {
            let x = on(
                info,
                &Array::from_vec(xs.clone(), &[3, 1000, 1, d]).unwrap(),
            );
            let c = on(info, &Array::from_vec(cs.clone(), &[1, 1, 3, d]).unwrap());
            let sq = x.try_sub(&c).unwrap().square();
            total += 2;
            let got = sq.sum_axis(-1, false).and_then(|a| a.to_vec::<f32>());
            let ok = got.as_ref().is_ok_and(|g| {
                g.iter().zip(&sums).all(|(g, w)| {
                    if info.device == Device::Cpu {
                        g.to_bits() == w.to_bits()
                    } else {
                        (g - w).abs() <= 4.0 * f32::EPSILON * w.abs()
                    }
                })
            });
            if !ok {
                failures.push(format!("sum, d = {d}, on {}", label(info)));
            }
            let got = sq.argmin_axis(-1, false).and_then(|a| a.to_vec::<i64>());
            if got.as_ref().ok() != Some(&args) {
                failures.push(format!("argmin, d = {d}, on {}", label(info)));
            }
        });
    }
    report("swapped columns", total, &failures);
}

/// `explain` names the strategy the CPU takes for short rows (in storage
/// order: row by row; broadcast inputs: by columns, k and n swapped for a
/// k-means distance) and long ones (over runs).
#[test]
fn explain_names_the_row_strategies() {
    // Data, not constants (a kernel of constants folds its inputs away).
    let data = |shape: &[usize]| {
        let n: usize = shape.iter().product();
        Array::from_vec((0..n).map(|i| i as f32).collect(), shape).unwrap()
    };
    let (m, x, c) = (data(&[1000, 8]), data(&[1000, 3]), data(&[16, 3]));
    let kmeans = x
        .expand_dims(1)
        .unwrap()
        .try_sub(c.expand_dims(0).unwrap())
        .unwrap()
        .square()
        .sum_axis(-1, false)
        .unwrap();
    let long = data(&[100, 1000]);
    let cases = [
        (m.argmin_axis(1, false).unwrap(), "row by row (rows of 8"),
        (
            (&m * 2.0).sum_axis(1, false).unwrap(),
            "row by row (rows of 8",
        ),
        (
            kmeans,
            "by columns (3 per tile of outputs, the last two kept axes swapped)",
        ),
        (long.argmax_axis(1, false).unwrap(), "over contiguous runs"),
    ];
    for (a, want) in cases {
        let text = a.explain();
        if text.contains(" on cpu ") {
            assert!(text.contains(want), "expected {want:?} in:\n{text}");
        }
    }
}

/// An n-body's pairwise differences, `x.T - x` of a column of a `[n, 3]`
/// array, elementwise and summed along rows (weighted by a broadcast row):
/// the strided row broadcast down the rows that the CPU gathers once per
/// workspace, in the short-rows strategy. Against the same arithmetic in
/// plain loops (exact: each row sums in order on both sides for n ≤ 128).
#[test]
fn pairwise_differences_of_a_strided_column() {
    for n in [3usize, 40, 100, 300] {
        let pos: Vec<f64> = (0..3 * n)
            .map(|i| (hash(7, i as u64) % 1000) as f64 / 7.0)
            .collect();
        let w: Vec<f64> = (0..n).map(|i| 1.0 + (i % 5) as f64).collect();
        let p = Array::from_vec(pos.clone(), &[n, 3]).unwrap();
        let wa = Array::from_vec(w.clone(), &[n, 1]).unwrap();
        for c in 0..3 {
            let x = p.slice(s![.., c as isize..c as isize + 1]).unwrap();
            let d = (x.t() - &x).eval().unwrap();
            let got = d.to_vec::<f64>().unwrap();
            let want: Vec<f64> = (0..n * n)
                .map(|k| pos[3 * (k % n) + c] - pos[3 * (k / n) + c])
                .collect();
            assert_eq!(got, want, "x.T - x, n={n}");
            let s = ((x.t() - &x) * wa.t()).sum_axis(1, false).unwrap();
            let got = s.to_vec::<f64>().unwrap();
            for (i, g) in got.iter().enumerate() {
                let row: Vec<f64> = (0..n)
                    .map(|j| (pos[3 * j + c] - pos[3 * i + c]) * w[j])
                    .collect();
                let want: f64 = row.iter().sum();
                let tol = 1e-12 * row.iter().map(|v| v.abs()).sum::<f64>();
                assert!((g - want).abs() <= tol, "row {i} of n={n}: {g} vs {want}");
            }
        }
    }
}
