//! The wave-2 ufuncs (the op table's newer rows: `log1p` … `right_shift`,
//! the parts of `modf` and `frexp`) against NumPy, on every device: every
//! op × every dtype (and a few mixed pairs) over each dtype's special
//! values. Fixtures: `tests/fixtures/elementwise/ufuncs.json`, written by
//! `scripts/fixtures/ufuncs.py`.
//!
//! How a result is compared comes from the op's row of the op table, not
//! from the fixture: an `Exact` row must be NumPy's bits (`nosign` where the
//! fixture says NumPy's own zero sign depends on its SIMD path), an
//! `Ulp(n)` row within the suite's ULP tolerance of NumPy's result refined
//! at higher precision.

#[macro_use]
mod common;

use common::*;
use serde_json::Value;
use tandem::ops::{Accuracy, BinaryOp, UnaryOp};
use tandem::prelude::*;

/// The op's accuracy class and how the op is applied.
enum Op {
    Unary(UnaryOp),
    Binary(BinaryOp),
}

fn op_named(name: &str) -> Op {
    if let Some(op) = UnaryOp::from_name(name) {
        return Op::Unary(op);
    }
    Op::Binary(BinaryOp::from_name(name).unwrap_or_else(|| panic!("no op table row {name:?}")))
}

fn cmp_for(case: &Value, accuracy: Accuracy) -> Cmp {
    match (accuracy, case.get("cmp").and_then(Value::as_str)) {
        (Accuracy::Exact, Some("nosign")) => Cmp::NoSign,
        (Accuracy::Exact, _) => Cmp::Exact,
        (Accuracy::Ulp(_), _) => Cmp::Ulp,
    }
}

fn run(only: &str) {
    let fx = load("ufuncs.json");
    let mine: Vec<&Value> = cases(fx, "cases")
        .iter()
        .filter(|c| c["op"] == only)
        .collect();
    assert!(!mine.is_empty(), "no fixture cases for {only}");
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in &mine {
            let args: Vec<Fx> = case["args"]
                .as_array()
                .expect("args")
                .iter()
                .map(parse_array)
                .collect();
            let placed: Vec<Array> = args.iter().map(|a| on(info, &a.build())).collect();
            let (got, accuracy) = match op_named(only) {
                Op::Unary(op) => (placed[0].apply_unary(op), op.row().accuracy),
                Op::Binary(op) => (placed[0].apply_binary(op, &placed[1]), op.row().accuracy),
            };
            total += 1;
            let what = format!(
                "{only}({}) on {}",
                args.iter()
                    .map(|a| a.dtype.name())
                    .collect::<Vec<_>>()
                    .join(", "),
                label(info)
            );
            let inputs: Vec<&Fx> = args.iter().collect();
            let msg = if let Some(kind) = case.get("error").and_then(Value::as_str) {
                match got {
                    Err(e) if error_matches(kind, &e) => None,
                    Err(e) => Some(format!("expected a {kind} error, got {e}")),
                    Ok(a) => Some(format!(
                        "expected a {kind} error, got Ok({})",
                        a.dtype().name()
                    )),
                }
            } else {
                let expected = parse_array(&case["expected"]);
                match got {
                    Err(e) => Some(format!("error: {e}")),
                    Ok(a) => compare(&a, &expected, cmp_for(case, accuracy), &inputs).err(),
                }
            };
            if let Some(m) = msg {
                failures.push(format!("{what}: {m}"));
            }
        }
    });
    report(only, total, &failures);
}

macro_rules! ufunc_tests {
    ($($op:ident),* $(,)?) => {
        $(
            #[test]
            fn $op() {
                run(stringify!($op));
            }
        )*
    };
}

ufunc_tests!(
    log1p,
    expm1,
    cbrt,
    asinh,
    acosh,
    atanh,
    deg2rad,
    rad2deg,
    fabs,
    rint,
    positive,
    signbit,
    spacing,
    bitwise_not,
    bitwise_count,
    modf_fraction,
    frexp_mantissa,
    frexp_exponent,
    conj,
    hypot,
    copysign,
    nextafter,
    fmod,
    logaddexp,
    logaddexp2,
    heaviside,
    float_power,
    fmax,
    fmin,
    gcd,
    lcm,
    bitwise_and,
    bitwise_or,
    bitwise_xor,
    left_shift,
    right_shift,
    ldexp,
);

#[test]
fn every_newer_row_has_fixtures() {
    // Each op named above has NumPy cases; the list and the fixture agree.
    let fx = load("ufuncs.json");
    let mut ops: Vec<&str> = cases(fx, "cases")
        .iter()
        .filter_map(|c| c["op"].as_str())
        .collect();
    ops.sort_unstable();
    ops.dedup();
    assert_eq!(ops.len(), 37, "{ops:?}");
}

#[test]
fn modf_frexp_and_divmod_match_numpy_pairs() {
    // The pair-returning forms are the rows put together.
    let x = Array::from_vec(vec![-2.5f64, 0.75, 8.0, f64::INFINITY, -0.0], &[5]).unwrap();
    let (frac, int) = x.modf();
    assert_eq!(frac.to_vec::<f64>().unwrap()[..3], [-0.5, 0.75, 0.0]);
    assert_eq!(
        int.to_vec::<f64>().unwrap()[..4],
        [-2.0, 0.0, 8.0, f64::INFINITY]
    );
    assert!(frac.to_vec::<f64>().unwrap()[4].is_sign_negative());
    let (m, e) = x.frexp();
    assert_eq!(m.to_vec::<f64>().unwrap()[..3], [-0.625, 0.75, 0.5]);
    assert_eq!(e.to_vec::<i32>().unwrap(), vec![2, 0, 4, 0, 0]);
    let back = m.ldexp(&e).unwrap().to_vec::<f64>().unwrap();
    assert_eq!(back[..3], [-2.5, 0.75, 8.0]);
    let i = Array::from_vec(vec![7i32, -7], &[2]).unwrap();
    let (q, r) = i.divmod(-2).unwrap();
    assert_eq!(q.to_vec::<i32>().unwrap(), vec![-4, 3]);
    assert_eq!(r.to_vec::<i32>().unwrap(), vec![-1, -1]);
}

#[test]
fn rejected_dtypes_fail_when_read_not_when_built() {
    // The non-Result forms of ops that reject a dtype (NumPy's TypeError)
    // give a value whose read is the error.
    let f = Array::from_vec(vec![1.5f32], &[1]).unwrap();
    assert!(matches!(
        f.bitwise_not().to_vec::<f32>(),
        Err(Error::DTypeMismatch { .. })
    ));
    let b = Array::from_vec(vec![true], &[1]).unwrap();
    assert!(b.positive().to_vec::<bool>().is_err());
    assert!(f.gcd(2).is_err());
}

#[test]
fn new_rows_fuse_into_one_kernel() {
    // A row is an instruction like any other: hypot + copysign + fmax of a
    // shifted integer ramp is one fused kernel.
    let x = Array::from_vec((0..64).map(|v| v as f32 * 0.25 - 3.0).collect(), &[64]).unwrap();
    let k = Array::from_vec((0..64i32).collect(), &[64]).unwrap();
    let y = x
        .hypot(2.0)
        .unwrap()
        .copysign(&x)
        .unwrap()
        .fmax(
            k.left_shift(1)
                .unwrap()
                .bitwise_and(7)
                .unwrap()
                .astype(DType::F32),
        )
        .unwrap();
    tandem::reset_stats();
    let v = y.to_vec::<f32>().unwrap();
    assert_eq!(tandem::stats().total_kernels(), 1);
    assert_eq!(v[0], (9.0f32 + 4.0).sqrt().copysign(-3.0).max(0.0));
}

#[test]
fn bitwise_operators_follow_numpy() {
    for_each_device(|info| {
        let a = on(info, &Array::from_vec(vec![12i32, -10, 7], &[3]).unwrap());
        let b = on(info, &Array::from_vec(vec![6i32, 3, 1], &[3]).unwrap());
        assert_eq!((&a & &b).to_vec::<i32>().unwrap(), vec![4, 2, 1]);
        assert_eq!((&a | 1).to_vec::<i32>().unwrap(), vec![13, -9, 7]);
        assert_eq!((5 ^ &a).to_vec::<i32>().unwrap(), vec![9, -13, 2]);
        assert_eq!((&a << 2).to_vec::<i32>().unwrap(), vec![48, -40, 28]);
        assert_eq!((&a >> &b).to_vec::<i32>().unwrap(), vec![0, -2, 3]);
        assert_eq!((!&a).to_vec::<i32>().unwrap(), vec![-13, 9, -8]);
        let m = on(info, &Array::from_vec(vec![true, false], &[2]).unwrap());
        assert_eq!((&m ^ true).to_vec::<bool>().unwrap(), vec![false, true]);
        assert_eq!((!&m).to_vec::<bool>().unwrap(), vec![false, true]);
        let mut c = a.clone();
        c <<= 1;
        c ^= &b;
        assert_eq!(c.to_vec::<i32>().unwrap(), vec![30, -17, 15]);
        assert_eq!(a.to_vec::<i32>().unwrap(), vec![12, -10, 7]); // copy-on-write
    });
    let f = Array::from_vec(vec![1.0f32], &[1]).unwrap();
    assert!(
        catch(|| &f & 1).is_err(),
        "floats have no bitwise and, as in NumPy"
    );
    assert!(catch(|| !&f).is_err());
}
