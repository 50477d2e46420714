//! Every row of the op table, on every dtype its rule accepts, on every
//! device, against the row's own scalar reference (`tandem::ops::reference`)
//! within the row's accuracy class: the test that makes a backend's missing
//! or wrong kernel a failure here rather than a user's `Unsupported`.
//!
//! Exact rows must match the reference bit for bit (any NaN matches any
//! NaN); `Ulp(n)` rows must be within `n + 1` units in the last place (the
//! reference is computed in `f64` by Rust's libm and rounded, itself within
//! about one unit of the correctly rounded result), with NaN, infinities and
//! exact special values matching. NumPy's own answers are checked by the
//! fixture tests (tests/elementwise.rs, tests/ufuncs.rs); this one checks
//! that every backend implements every row the way the table says.

#[macro_use]
mod common;

use common::*;
use tandem::ops::{Accuracy, BinaryOp, UnaryOp};
use tandem::prelude::*;
use tandem_test_support::ulp::within;

/// A few values of each dtype: small integers (so `lcm`'s products and the
/// shift counts around the widths stay meaningful), float special values,
/// and floats across the ranges the math functions reduce over.
fn values(dt: DType) -> Array {
    let ints: Vec<i64> = vec![
        0, 1, -1, 2, -3, 7, -8, 13, 100, -100, 999, 31, 32, 33, -32, 63, 64,
    ];
    let floats: Vec<f64> = vec![
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.5,
        -2.5,
        3.0,
        1e-3,
        -7.25,
        100.0,
        0.1,
        0.7,
        -0.3,
        1e10,
        1e-30,
        30.0,
        -30.0,
        0.999,
        1.001,
    ];
    match dt {
        DType::Bool => Array::from_vec(vec![false, true, true, false], &[4]).unwrap(),
        DType::I32 => Array::from_vec(ints.iter().map(|&v| v as i32).collect(), &[17]).unwrap(),
        DType::I64 => Array::from_vec(ints.clone(), &[17]).unwrap(),
        DType::U32 => Array::from_vec(
            ints.iter().map(|&v| v.unsigned_abs() as u32).collect(),
            &[17],
        )
        .unwrap(),
        DType::F32 => Array::from_vec(floats.iter().map(|&v| v as f32).collect(), &[24]).unwrap(),
        DType::F64 => Array::from_vec(floats.clone(), &[24]).unwrap(),
    }
}

fn scalars(a: &Array) -> Vec<Scalar> {
    let n = a.size();
    (0..n as isize)
        .map(|i| a.get(&[i]).expect("in range"))
        .collect()
}

/// Whether `got` is `want` to within the row's accuracy, with one ULP more
/// for the reference's own error (see the module docs).
fn agrees(got: Scalar, want: Scalar, accuracy: Accuracy) -> bool {
    match (got, want) {
        (Scalar::F32(g), Scalar::F32(w)) => within(g, w, accuracy, 1),
        (Scalar::F64(g), Scalar::F64(w)) => within(g, w, accuracy, 1),
        _ => got == want,
    }
}

/// `logaddexp` / `logaddexp2` where the result is below 1/4 (`e^a + e^b`
/// near 1): the result is a difference of terms of order 1, which no
/// formula in the dtype carries to a relative accuracy, the `f64`
/// reference's included (5 ULP off mpmath at `logaddexp2(-2.5, -0.3)`,
/// where the backends are within 0.9). There the backends' bound is
/// absolute (vmath's module docs): within an ULP of 1/4 of the reference.
fn cancels(op: BinaryOp, got: Scalar, want: Scalar) -> bool {
    let eps = match want {
        Scalar::F32(_) => f64::from(f32::EPSILON),
        Scalar::F64(_) => f64::EPSILON,
        _ => return false,
    };
    let (g, w) = (got.to_f64(), want.to_f64());
    matches!(op, BinaryOp::Logaddexp | BinaryOp::Logaddexp2)
        && w.abs() < 0.25
        && (g - w).abs() <= eps / 4.0
}

#[test]
fn every_unary_row_runs_on_every_backend_as_its_reference_says() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for_each_device(|info| {
        for &op in UnaryOp::ALL {
            let row = op.row();
            for dt in DTYPES {
                let x = values(dt);
                let Ok((compute, result)) = op.rule().resolve(op.name(), dt) else {
                    // A rejected dtype is an error, never a kernel.
                    if x.apply_unary(op).is_ok() {
                        failures.push(format!("{}({}) accepted", op.name(), dt.name()));
                    }
                    continue;
                };
                let got = match on(info, &x).apply_unary(op).and_then(|a| {
                    assert_eq!(a.dtype(), result, "{}({})", op.name(), dt.name());
                    Ok(scalars(&a.to_device(Device::Cpu)?))
                }) {
                    Ok(g) => g,
                    Err(e) => {
                        failures.push(format!(
                            "{}({}) on {}: {e}",
                            op.name(),
                            dt.name(),
                            label(info)
                        ));
                        continue;
                    }
                };
                for (i, s) in scalars(&x).into_iter().enumerate() {
                    checked += 1;
                    let want = (row.reference)(s.cast(compute));
                    if !agrees(got[i], want, row.accuracy) {
                        failures.push(format!(
                            "{}({s:?}) on {}: got {:?}, reference {want:?} ({:?})",
                            op.name(),
                            label(info),
                            got[i],
                            row.accuracy
                        ));
                    }
                }
            }
        }
    });
    report("unary rows", checked, &failures);
}

#[test]
fn every_binary_row_runs_on_every_backend_as_its_reference_says() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for_each_device(|info| {
        for &op in BinaryOp::ALL {
            let row = op.row();
            for dt in DTYPES {
                let v = values(dt);
                let vs = scalars(&v);
                // Every pair of values: a is repeated, b tiled.
                let n = vs.len() as isize;
                let a = v
                    .reshape(&[n, 1])
                    .unwrap()
                    .broadcast_to(&[n as usize, n as usize])
                    .unwrap()
                    .flatten();
                let b = v
                    .reshape(&[1, n])
                    .unwrap()
                    .broadcast_to(&[n as usize, n as usize])
                    .unwrap()
                    .flatten();
                let Ok((compute, result)) = op.rule().resolve(op.name(), dt) else {
                    if a.apply_binary(op, &b).is_ok() {
                        failures.push(format!("{}({}) accepted", op.name(), dt.name()));
                    }
                    continue;
                };
                if op == BinaryOp::Ldexp && dt.is_float() {
                    // The exponent must be an integer: see the integer dtypes' runs.
                    continue;
                }
                let got = match on(info, &a).apply_binary(op, on(info, &b)).and_then(|r| {
                    assert_eq!(r.dtype(), result, "{}({})", op.name(), dt.name());
                    Ok(scalars(&r.to_device(Device::Cpu)?))
                }) {
                    Ok(g) => g,
                    Err(e) => {
                        failures.push(format!(
                            "{}({}) on {}: {e}",
                            op.name(),
                            dt.name(),
                            label(info)
                        ));
                        continue;
                    }
                };
                let (sa, sb) = (scalars(&a), scalars(&b));
                for i in 0..sa.len() {
                    checked += 1;
                    let want = (row.reference)(sa[i].cast(compute), sb[i].cast(compute));
                    if !agrees(got[i], want, row.accuracy) && !cancels(op, got[i], want) {
                        failures.push(format!(
                            "{}({:?}, {:?}) on {}: got {:?}, reference {want:?} ({:?})",
                            op.name(),
                            sa[i],
                            sb[i],
                            label(info),
                            got[i],
                            row.accuracy
                        ));
                    }
                }
            }
        }
    });
    report("binary rows", checked, &failures);
}
