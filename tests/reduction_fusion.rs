//! Reductions fuse with the elementwise expression feeding them (DESIGN.md,
//! "Fuse": a maximal elementwise region becomes one kernel, optionally
//! ending in one reduction), on every device: `(&a * &b).sum()` of
//! evaluated inputs is one kernel and never materialises `a * b`; so are
//! `sum_axis` of a product and `max_axis` of a chain; and reductions of
//! views (transposed, sliced, reversed) give NumPy's values.
//!
//! The data are small integers, so every sum is exact in any order and the
//! naive references computed here are NumPy's values exactly.
//! `tandem::stats()` counts per thread, so these tests need no locking.

#[macro_use]
mod common;

use common::*;
use tandem::prelude::*;

const ROWS: usize = 256;
const COLS: usize = 384;

/// An evaluated f32 `[ROWS, COLS]` array on the device of `info` with small
/// integer values (`0..8` plus `offset`), and its values.
fn evaluated(info: &tandem::DeviceInfo, salt: usize, offset: f32) -> (Array, Vec<f32>) {
    let vals: Vec<f32> = (0..ROWS * COLS)
        .map(|i| ((i * 7 + salt * 13 + i / 5) % 8) as f32 + offset)
        .collect();
    let a = Array::from_vec(vals.clone(), &[ROWS, COLS]).unwrap();
    (on(info, &a).eval().unwrap(), vals)
}

/// The stats since the last reset, asserted to be exactly one kernel, run on
/// the device of `info` (where the inputs live), whose allocations stay
/// below `limit` bytes (no full-size temporary).
fn assert_one_kernel_no_temporary(what: &str, info: &tandem::DeviceInfo, limit: usize) {
    let s = tandem::stats();
    let here = info.device.to_string();
    assert!(
        s.total_kernels() == 1 && s.kernels_on(&here) == 1,
        "{what} on {}: expected exactly 1 kernel, on {here}, got {} ({:?}); {} allocations, {} bytes",
        label(info),
        s.total_kernels(),
        s.kernels,
        s.allocations,
        s.allocated_bytes
    );
    assert!(
        (s.allocated_bytes as usize) < limit,
        "{what} on {}: allocated {} bytes in {} allocations, not below {limit} (the size of one input): a temporary was materialised",
        label(info),
        s.allocated_bytes,
        s.allocations
    );
}

#[test]
fn product_sum_is_one_kernel_without_temporary() {
    for_each_device(|info| {
        let (a, av) = evaluated(info, 1, 0.0);
        let (b, bv) = evaluated(info, 2, -3.0);
        tandem::reset_stats();
        let r = (&a * &b).sum().eval().unwrap();
        assert_one_kernel_no_temporary("(&a * &b).sum()", info, ROWS * COLS * 4);
        let want: f64 = av.iter().zip(&bv).map(|(&x, &y)| (x * y) as f64).sum();
        assert_eq!(r.dtype(), DType::F32);
        assert_eq!(r.shape(), &[] as &[usize]);
        assert_eq!(
            r.item::<f32>().unwrap() as f64,
            want,
            "(&a * &b).sum() on {}",
            label(info)
        );
    });
}

#[test]
fn product_sum_axis_is_one_kernel_without_temporary() {
    for_each_device(|info| {
        let (a, av) = evaluated(info, 3, 0.0);
        let (b, bv) = evaluated(info, 4, -3.0);
        tandem::reset_stats();
        let r = (&a * &b).sum_axis(1, false).unwrap().eval().unwrap();
        assert_one_kernel_no_temporary("(&a * &b).sum_axis(1, false)", info, ROWS * COLS * 4);
        let want: Vec<f32> = (0..ROWS)
            .map(|i| {
                (0..COLS)
                    .map(|j| (av[i * COLS + j] * bv[i * COLS + j]) as f64)
                    .sum::<f64>() as f32
            })
            .collect();
        assert_eq!(r.shape(), &[ROWS]);
        assert_eq!(
            r.to_vec::<f32>().unwrap(),
            want,
            "(&a * &b).sum_axis(1) on {}",
            label(info)
        );

        // The other axis too (a strided reduction).
        tandem::reset_stats();
        let r0 = (&a * &b).sum_axis(0, true).unwrap().eval().unwrap();
        assert_one_kernel_no_temporary("(&a * &b).sum_axis(0, true)", info, ROWS * COLS * 4);
        let want0: Vec<f32> = (0..COLS)
            .map(|j| {
                (0..ROWS)
                    .map(|i| (av[i * COLS + j] * bv[i * COLS + j]) as f64)
                    .sum::<f64>() as f32
            })
            .collect();
        assert_eq!(r0.shape(), &[1, COLS]);
        assert_eq!(
            r0.to_vec::<f32>().unwrap(),
            want0,
            "(&a * &b).sum_axis(0) on {}",
            label(info)
        );
    });
}

#[test]
fn elementwise_chain_max_axis_is_one_kernel() {
    for_each_device(|info| {
        let (a, av) = evaluated(info, 5, -2.0);
        tandem::reset_stats();
        let r = ((&a - 1.0).abs() * 2.0)
            .max_axis(0, false)
            .unwrap()
            .eval()
            .unwrap();
        assert_one_kernel_no_temporary(
            "((&a - 1.0).abs() * 2.0).max_axis(0, false)",
            info,
            ROWS * COLS * 4,
        );
        let want: Vec<f32> = (0..COLS)
            .map(|j| {
                (0..ROWS)
                    .map(|i| (av[i * COLS + j] - 1.0).abs() * 2.0)
                    .fold(f32::NEG_INFINITY, f32::max)
            })
            .collect();
        assert_eq!(r.dtype(), DType::F32);
        assert_eq!(
            r.to_vec::<f32>().unwrap(),
            want,
            "chain max_axis(0) on {}",
            label(info)
        );
    });
}

/// `a` viewed as `view(i, j)` of shape `[rows, cols]`, for naive references.
struct View {
    name: &'static str,
    shape: [usize; 2],
    at: fn(usize, usize) -> (usize, usize),
}

/// The views of a `[ROWS, COLS]` array the tests reduce, with where element
/// `(i, j)` of the view comes from in `a`.
fn views() -> Vec<View> {
    vec![
        View {
            name: "a.t()",
            shape: [COLS, ROWS],
            at: |i, j| (j, i),
        },
        View {
            name: "a[::-1, :]",
            shape: [ROWS, COLS],
            at: |i, j| (ROWS - 1 - i, j),
        },
        View {
            name: "a[1::3, ::-2]",
            shape: [(ROWS - 1).div_ceil(3), COLS / 2],
            at: |i, j| (1 + 3 * i, COLS - 1 - 2 * j),
        },
        View {
            name: "a.t()[10:50, ::2]",
            shape: [40, ROWS / 2],
            at: |i, j| (2 * j, 10 + i),
        },
    ]
}

fn make_view(a: &Array, name: &str) -> Array {
    match name {
        "a.t()" => a.t(),
        "a[::-1, :]" => a.slice(s![..;-1, ..]).unwrap(),
        "a[1::3, ::-2]" => a.slice(s![1..;3, ..;-2]).unwrap(),
        "a.t()[10:50, ::2]" => a.t().slice(s![10..50, ..;2]).unwrap(),
        other => panic!("unknown view {other}"),
    }
}

/// sum, max, argmin and mean of views, over everything and along each axis,
/// equal the naive references (NumPy's values: exact small-integer data).
#[test]
fn reductions_of_views_give_numpys_values() {
    for_each_device(|info| {
        let (a, av) = evaluated(info, 6, -4.0);
        for v in views() {
            let x = make_view(&a, v.name);
            let [r, c] = v.shape;
            assert_eq!(x.shape(), &[r, c], "{} shape", v.name);
            let get = |i: usize, j: usize| {
                let (p, q) = (v.at)(i, j);
                av[p * COLS + q]
            };
            let l = label(info);
            // Over everything.
            let total: f64 = (0..r)
                .flat_map(|i| (0..c).map(move |j| (i, j)))
                .map(|(i, j)| get(i, j) as f64)
                .sum();
            assert_eq!(
                x.sum().item::<f32>().unwrap() as f64,
                total,
                "{}.sum() on {l}",
                v.name
            );
            assert_eq!(
                x.mean().item::<f32>().unwrap(),
                (total / (r * c) as f64) as f32,
                "{}.mean() on {l}",
                v.name
            );
            // argmin over everything: the first minimum in C order of the view.
            let mut best = (0, get(0, 0));
            for i in 0..r {
                for j in 0..c {
                    if get(i, j) < best.1 {
                        best = (i * c + j, get(i, j));
                    }
                }
            }
            assert_eq!(
                x.argmin().item::<i64>().unwrap(),
                best.0 as i64,
                "{}.argmin() on {l}",
                v.name
            );
            // Along axis 0 and axis 1.
            let sum0: Vec<f32> = (0..c)
                .map(|j| (0..r).map(|i| get(i, j) as f64).sum::<f64>() as f32)
                .collect();
            let max1: Vec<f32> = (0..r)
                .map(|i| (0..c).map(|j| get(i, j)).fold(f32::NEG_INFINITY, f32::max))
                .collect();
            let argmax0: Vec<i64> = (0..c)
                .map(|j| {
                    let mut b = 0;
                    for i in 0..r {
                        if get(i, j) > get(b, j) {
                            b = i;
                        }
                    }
                    b as i64
                })
                .collect();
            assert_eq!(
                x.sum_axis(0, false).unwrap().to_vec::<f32>().unwrap(),
                sum0,
                "{}.sum_axis(0) on {l}",
                v.name
            );
            assert_eq!(
                x.max_axis(-1, false).unwrap().to_vec::<f32>().unwrap(),
                max1,
                "{}.max_axis(-1) on {l}",
                v.name
            );
            assert_eq!(
                x.argmax_axis(0, false).unwrap().to_vec::<i64>().unwrap(),
                argmax0,
                "{}.argmax_axis(0) on {l}",
                v.name
            );
        }
    });
}

/// A reduction of a view of an evaluated array is one kernel too: the view
/// is an index map inside the reduction kernel, not a copy first.
#[test]
fn reductions_of_views_are_one_kernel() {
    for_each_device(|info| {
        let (a, _) = evaluated(info, 7, 0.0);
        for v in views() {
            let x = make_view(&a, v.name);
            for (what, run) in [
                (
                    "sum()",
                    Box::new(|x: &Array| x.sum()) as Box<dyn Fn(&Array) -> Array>,
                ),
                (
                    "sum_axis(0)",
                    Box::new(|x: &Array| x.sum_axis(0, false).unwrap()),
                ),
                (
                    "max_axis(1)",
                    Box::new(|x: &Array| x.max_axis(1, false).unwrap()),
                ),
            ] {
                tandem::reset_stats();
                run(&x).eval().unwrap();
                assert_one_kernel_no_temporary(
                    &format!("{}.{what}", v.name),
                    info,
                    ROWS * COLS * 4,
                );
            }
        }
    });
}
