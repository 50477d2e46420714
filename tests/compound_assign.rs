//! Compound assignment (`a += b`, `-=`, `*=`, `/=`, `%=` and the
//! `try_*_assign` forms), on every device, against NumPy's in-place
//! operators: every pair of dtypes and every weak scalar kind for every op
//! (the result keeps `a`'s dtype; NumPy's `same_kind` rule decides which
//! results may be cast back), weak integers out of range, and `b` that does
//! or does not broadcast to `a`'s shape. The operators panic with the
//! message the `try_` form returns. Also: copy-on-write against clones,
//! views and lazy results taken before; nothing runs until read, and then
//! one fused kernel.
//!
//! Expected values come from `tests/fixtures/elementwise/compound.json`,
//! written by `scripts/fixtures/compound.py` with NumPy.

#[macro_use]
mod common;

use common::*;
use serde_json::Value;
use tandem::prelude::*;

/// `a.try_<op>_assign(b)` by the fixture's op name, for any operand type.
macro_rules! try_assign {
    ($a:expr, $op:expr, $b:expr) => {
        match $op {
            "add" => $a.try_add_assign($b),
            "sub" => $a.try_sub_assign($b),
            "mul" => $a.try_mul_assign($b),
            "div" => $a.try_div_assign($b),
            "rem" => $a.try_rem_assign($b),
            other => panic!("unknown compound op {other:?}"),
        }
    };
}

/// `a <op>= b` through the operator, a panic returned as `Err(message)`.
macro_rules! assign_operator {
    ($a:expr, $op:expr, $b:expr) => {{
        let mut x: Array = $a.clone();
        let b = $b;
        catch(move || {
            match $op {
                "add" => x += b,
                "sub" => x -= b,
                "mul" => x *= b,
                "div" => x /= b,
                "rem" => x %= b,
                other => panic!("unknown compound op {other:?}"),
            }
            x
        })
    }};
}

/// `a.try_<op>_assign(x)` for a weak scalar of any Rust type.
fn try_assign_weak(a: &mut Array, op: &str, x: Weak) -> Result<()> {
    match x {
        Weak::Bool(x) => try_assign!(a, op, x),
        Weak::I32(x) => try_assign!(a, op, x),
        Weak::I64(x) => try_assign!(a, op, x),
        Weak::U32(x) => try_assign!(a, op, x),
        Weak::F32(x) => try_assign!(a, op, x),
        Weak::F64(x) => try_assign!(a, op, x),
    }
}

/// Whether `e` is the error the case expects (see compound.py's docs).
fn error_ok(case: &Value, e: &Error) -> std::result::Result<(), String> {
    let op = case["op"].as_str().unwrap();
    let kind = case["error"].as_str().unwrap();
    let prefix = format!("{op}_assign: ");
    if !e.to_string().starts_with(&prefix) {
        return Err(format!("the error should name {op}_assign: {e}"));
    }
    let ok = match kind {
        "cast" => match e {
            Error::DTypeMismatch { expected, got, .. } => {
                let to = case["to"].as_str().unwrap();
                // NumPy computes bool % bool in int8, which tandem lacks (int32).
                let from = DType::from_name(case["from"].as_str().unwrap());
                expected.starts_with(to) && from.is_none_or(|f| f == *got)
            }
            _ => false,
        },
        "type" => true,
        "overflow" => matches!(e, Error::InvalidArgument { .. }),
        "shape" => matches!(e, Error::ShapeMismatch { .. }),
        other => panic!("unknown error kind {other:?}"),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("expected a {kind} error, got: {e}"))
    }
}

/// Checks one outcome of `a <op>= b` (the array after it, or the error)
/// against the case; `original` is `a` before, which an error must leave
/// as it was.
fn check_outcome(
    case: &Value,
    got: std::result::Result<Array, Error>,
    original: &Fx,
) -> std::result::Result<(), String> {
    match (case.get("error"), got) {
        (Some(_), Err(e)) => error_ok(case, &e),
        (Some(kind), Ok(a)) => Err(format!(
            "expected a {kind} error (NumPy raises), got Ok({} {:?} = {:?})",
            a.dtype(),
            a.shape(),
            read(&a)
        )),
        (None, Err(e)) => Err(format!("expected Ok, got error: {e}")),
        (None, Ok(a)) => compare(&a, &parse_array(&case["expected"]), Cmp::Exact, &[original]),
    }
}

#[test]
fn compound_assignment_matches_numpy() {
    let fx = load("compound.json");
    let mut failures = Vec::new();
    let mut total = 0;
    for_each_device(|info| {
        for case in cases(fx, "cases") {
            let name = case["name"].as_str().unwrap();
            let op = case["op"].as_str().unwrap();
            let original = parse_array(&case["a"]);
            let a = on(info, &original.build());
            let mut fail = |what: &str, r: std::result::Result<(), String>| {
                total += 1;
                if let Err(m) = r {
                    failures.push(format!("{name} ({what}) on {}: {m}", label(info)));
                }
            };
            // The `try_` form, with every Rust type that holds the operand.
            let b = &case["b"];
            let (tried, message) = if b.get("kind").is_some() {
                let variants = weak_variants(b);
                for &w in &variants {
                    let mut x = a.clone();
                    let r = try_assign_weak(&mut x, op, w);
                    if r.is_err() {
                        fail(
                            &format!("{w:?} leaves a unchanged"),
                            compare(&x, &original, Cmp::Exact, &[]),
                        );
                    }
                    fail(
                        &format!("try_{op}_assign({w:?})"),
                        check_outcome(case, r.map(|_| x), &original),
                    );
                }
                // The operator forms take i64 and f64, the first variant.
                let w = variants[0];
                let mut x = a.clone();
                let message = try_assign_weak(&mut x, op, w).err().map(|e| e.to_string());
                let by_operator = match w {
                    Weak::I64(v) => Some(assign_operator!(a, op, v)),
                    Weak::F64(v) => Some(assign_operator!(a, op, v)),
                    _ => None,
                };
                (by_operator, message)
            } else {
                let bv = on(info, &array(b));
                let mut x = a.clone();
                let r = try_assign!(x, op, &bv);
                let message = r.as_ref().err().map(|e| e.to_string());
                if r.is_err() {
                    fail(
                        "leaves a unchanged",
                        compare(&x, &original, Cmp::Exact, &[]),
                    );
                }
                fail(
                    &format!("try_{op}_assign(&b)"),
                    check_outcome(case, r.map(|_| x), &original),
                );
                let by_ref = assign_operator!(a, op, &bv);
                let by_value = assign_operator!(a, op, bv.clone());
                let same = match (&by_ref, &by_value) {
                    (Ok(x), Ok(y)) => format!("{:?}", read(x)) == format!("{:?}", read(y)),
                    (Err(x), Err(y)) => x == y,
                    _ => false,
                };
                fail(
                    "a op= b is a op= &b",
                    if same { Ok(()) } else { Err("differ".into()) },
                );
                (Some(by_ref), message)
            };
            // The operator: the same result, or a panic with the same message.
            if let Some(got) = tried {
                let r = match (got, &message) {
                    (Ok(x), None) => check_outcome(case, Ok(x), &original),
                    (Err(p), Some(m)) if &p == m => Ok(()),
                    (Err(p), Some(m)) => Err(format!(
                        "the operator panicked with {p:?}, the try_ form said {m:?}"
                    )),
                    (Err(p), None) => Err(format!(
                        "the operator panicked ({p}) where the try_ form succeeded"
                    )),
                    (Ok(_), Some(m)) => Err(format!(
                        "the operator did not panic where the try_ form said {m:?}"
                    )),
                };
                fail(&format!("operator {op}="), r);
            }
            // Whatever happened, `a` itself never changed.
            fail(
                "the original handle",
                compare(&a, &original, Cmp::Exact, &[]),
            );
        }
    });
    report("compound assignment", total, &failures);
}

#[test]
fn copy_on_write_against_clones_views_and_lazy_results() {
    for_each_device(|info| {
        let mut a = on(
            info,
            &Array::from_vec(vec![1i32, 2, 3, 4], &[2, 2]).unwrap(),
        );
        let clone = a.clone();
        let view = a.at(s![.., 1]);
        let lazy = &a * 10;
        a += 100;
        a *= &Array::from_vec(vec![2i64, 3], &[2]).unwrap();
        assert_eq!(a.to_vec::<i32>().unwrap(), vec![202, 306, 206, 312]);
        assert_eq!(clone.to_vec::<i32>().unwrap(), vec![1, 2, 3, 4]);
        assert_eq!(view.to_vec::<i32>().unwrap(), vec![2, 4]);
        assert_eq!(lazy.to_vec::<i32>().unwrap(), vec![10, 20, 30, 40]);
        // And the other way round: a write to a clone does not reach `a`.
        let mut c = a.clone();
        c -= 1;
        assert_eq!(a.to_vec::<i32>().unwrap(), vec![202, 306, 206, 312]);
        assert_eq!(c.to_vec::<i32>().unwrap(), vec![201, 305, 205, 311]);
    });
}

#[test]
fn nothing_runs_until_read_then_one_fused_kernel() {
    for_each_device(|info| {
        let x = Array::from_vec((0..1000).map(|i| i as f32).collect(), &[10, 100]).unwrap();
        let x = on(info, &x).eval().unwrap();
        let row = on(info, &Array::full(&[100], 0.5f32)).eval().unwrap();
        let mut a = x.clone();
        tandem::reset_stats();
        a -= &x.mean_axis(0, true).unwrap();
        a *= 2.0;
        a += &row;
        a /= &x.at(s![0..1, ..]).broadcast(&[10, 100]).astype(DType::F64);
        a %= 7.0;
        let s = tandem::stats();
        assert_eq!(
            (s.total_kernels(), s.allocations),
            (0, 0),
            "compound assignment ran something on {} before any read",
            label(info)
        );
        assert_eq!(a.dtype(), DType::F32);
        assert_eq!(a.shape(), &[10, 100]);
        let got = a.to_vec::<f32>().unwrap();
        assert!(tandem::stats().total_kernels() >= 1);
        // The same computation spelled with binary operators.
        let mean = x.mean_axis(0, true).unwrap();
        let d = (&x - &mean) * 2.0 + &row;
        let want = ((&d.astype(DType::F64) / &x.at(s![0..1, ..]).astype(DType::F64))
            .astype(DType::F32)
            % 7.0)
            .to_vec::<f32>()
            .unwrap();
        assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!(g == w || (g.is_nan() && w.is_nan()), "[{i}]: {g} vs {w}");
        }
    });
}

#[test]
fn elementwise_chain_of_assignments_is_one_kernel() {
    for_each_device(|info| {
        let b = on(info, &Array::ones(&[4096], DType::F32)).eval().unwrap();
        let mut a = on(info, &Array::full(&[4096], 2.0f32)).eval().unwrap();
        tandem::reset_stats();
        a += &b;
        a *= 3.0;
        a -= 1;
        assert_eq!(tandem::stats().total_kernels(), 0);
        assert_eq!(a.to_vec::<f32>().unwrap(), vec![8.0; 4096]);
        assert_eq!(tandem::stats().total_kernels(), 1, "on {}", label(info));
    });
}

#[test]
fn a_long_loop_of_assignments_stays_bounded_and_right() {
    let mut a = Array::zeros(&[256], DType::F64);
    let step = Array::full(&[256], 0.25f64);
    for _ in 0..2000 {
        a += &step;
    }
    assert_eq!(a.to_vec::<f64>().unwrap(), vec![500.0; 256]);
}

#[test]
fn errors_leave_a_unchanged_and_say_what_to_do() {
    let mut a = Array::from_vec(vec![1i32, 2], &[2]).unwrap();
    let e = a.try_add_assign(0.5).unwrap_err();
    let msg = e.to_string();
    for part in [
        "add_assign",
        "int32",
        "float64",
        "'same_kind'",
        "UFuncTypeError",
        "astype(DType::F64)",
    ] {
        assert!(msg.contains(part), "{part:?} missing from {msg:?}");
    }
    assert!(matches!(
        e,
        Error::DTypeMismatch {
            got: DType::F64,
            ..
        }
    ));
    let e = a
        .try_add_assign(Array::zeros(&[3, 2], DType::I32))
        .unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, Error::ShapeMismatch { .. }));
    assert!(
        msg.contains("non-broadcastable output operand") && msg.contains("[3, 2]"),
        "{msg}"
    );
    assert_eq!(a.dtype(), DType::I32);
    assert_eq!(a.to_vec::<i32>().unwrap(), vec![1, 2]);
}

#[test]
#[should_panic(expected = "add_assign: expected dtype int32")]
fn int_array_plus_float_panics_as_numpy_raises() {
    let mut a = Array::zeros(&[2], DType::I32);
    a += 0.5;
}

#[test]
#[should_panic(expected = "div_assign: expected dtype int64")]
fn true_division_of_an_int_array_in_place_panics() {
    let mut a = Array::ones(&[2], DType::I64);
    a /= 2;
}

#[test]
#[should_panic(expected = "non-broadcastable output operand")]
fn a_value_of_a_larger_shape_panics() {
    let mut a = Array::zeros(&[3], DType::F32);
    a += &Array::zeros(&[2, 3], DType::F32);
}

#[test]
#[should_panic(expected = "mul_assign: shapes [2, 3] and [4] cannot be broadcast together")]
fn shapes_that_do_not_broadcast_panic() {
    let mut a = Array::zeros(&[2, 3], DType::F32);
    a *= Array::zeros(&[4], DType::F32);
}

#[test]
#[should_panic(expected = "sub_assign: expected dtype a numeric (non-bool) dtype, got bool")]
fn bool_subtraction_in_place_panics() {
    let mut a = Array::from_vec(vec![true, false], &[2]).unwrap();
    a -= &Array::from_vec(vec![true, true], &[2]).unwrap();
}

#[test]
#[should_panic(expected = "rem_assign: the integer -1 is out of bounds for uint32")]
fn a_weak_integer_out_of_range_panics() {
    let mut a = Array::zeros(&[2], DType::U32);
    a %= -1;
}
