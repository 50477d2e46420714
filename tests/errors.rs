//! Bad input gives the documented `Error` variant (never a panic from a
//! `Result`-returning function), and error messages name what went wrong.

mod common;

use common::*;
use tandem::prelude::*;

#[test]
fn shape_mismatch_in_binary_ops() {
    let a = Array::zeros(&[2, 3], DType::F64);
    let b = Array::zeros(&[3, 2], DType::F64);
    for op in [
        "add",
        "sub",
        "mul",
        "div",
        "rem",
        "pow",
        "maximum",
        "lt",
        "logical_and",
    ] {
        let r = catch(|| binary(op, &a, &b));
        assert!(
            matches!(r, Ok(Err(Error::ShapeMismatch { .. }))),
            "{op}((2,3), (3,2)): expected Err(ShapeMismatch), got {r:?}"
        );
    }
    let c = Array::zeros(&[4], DType::Bool);
    let r = Array::where_(&c, &a, &b);
    assert!(
        matches!(r, Err(Error::ShapeMismatch { .. })),
        "where_ with (4,), (2,3), (3,2): {r:?}"
    );
}

#[test]
fn to_vec_of_the_wrong_type_is_dtype_mismatch() {
    let a = Array::from_vec(vec![1.0f32, 2.0], &[2]).unwrap();
    assert!(
        matches!(a.to_vec::<f64>(), Err(Error::DTypeMismatch { .. })),
        "f32 array to_vec::<f64>"
    );
    assert!(
        matches!(a.to_vec::<i32>(), Err(Error::DTypeMismatch { .. })),
        "f32 array to_vec::<i32>"
    );
    let b = Array::from_vec(vec![1i64], &[1]).unwrap();
    assert!(
        matches!(b.to_vec::<i32>(), Err(Error::DTypeMismatch { .. })),
        "i64 array to_vec::<i32>"
    );
    assert!(
        matches!(b.item::<u32>(), Err(Error::DTypeMismatch { .. })),
        "i64 array item::<u32>"
    );
    let c = Array::from_vec(vec![true], &[1]).unwrap();
    assert!(
        matches!(c.to_vec::<u32>(), Err(Error::DTypeMismatch { .. })),
        "bool array to_vec::<u32>"
    );
    // The right type still works afterwards.
    assert_eq!(a.to_vec::<f32>().unwrap(), vec![1.0, 2.0]);
    // And the message names both dtypes.
    let msg = a.to_vec::<f64>().unwrap_err().to_string();
    assert!(
        msg.contains("float32") && msg.contains("float64"),
        "message should name float32 and float64: {msg}"
    );
}

#[test]
fn from_vec_with_the_wrong_length() {
    for (len, shape) in [
        (5usize, vec![2usize, 3]),
        (7, vec![6]),
        (0, vec![1]),
        (2, vec![]),
    ] {
        let r = Array::from_vec(vec![0.5f64; len], &shape);
        assert!(
            matches!(
                r,
                Err(Error::ShapeMismatch { .. }) | Err(Error::InvalidArgument { .. })
            ),
            "from_vec with {len} elements for shape {shape:?}: expected ShapeMismatch or InvalidArgument, got {:?}",
            r.map(|a| a.shape().to_vec())
        );
    }
    let r = Array::from_slice(&[1i32, 2, 3], &[2, 2]);
    assert!(
        matches!(
            r,
            Err(Error::ShapeMismatch { .. }) | Err(Error::InvalidArgument { .. })
        ),
        "from_slice with 3 elements for [2, 2]"
    );
}

#[test]
fn out_of_bounds_get_and_set() {
    let mut a = Array::from_vec(vec![1i32, 2, 3, 4, 5, 6], &[2, 3]).unwrap();
    for idx in [
        vec![2isize, 0],
        vec![0, 3],
        vec![-3, 0],
        vec![0, -4],
        vec![isize::MAX, 0],
        vec![isize::MIN, 0],
    ] {
        let r = a.get(&idx);
        assert!(
            matches!(r, Err(Error::IndexOutOfBounds { .. })),
            "get({idx:?}) on shape [2, 3]: expected IndexOutOfBounds, got {r:?}"
        );
        let r = a.set(&idx, 9i32);
        assert!(
            matches!(r, Err(Error::IndexOutOfBounds { .. })),
            "set({idx:?}) on shape [2, 3]: expected IndexOutOfBounds, got {r:?}"
        );
    }
    // A failed set leaves the data alone.
    assert_eq!(a.to_vec::<i32>().unwrap(), vec![1, 2, 3, 4, 5, 6]);
    // The wrong number of indices is an error too (which one is not specified).
    assert!(a.get(&[0]).is_err(), "get with 1 index on a 2-d array");
    assert!(
        a.get(&[0, 0, 0]).is_err(),
        "get with 3 indices on a 2-d array"
    );
    let e = Array::zeros(&[0], DType::F32);
    assert!(
        matches!(e.get(&[0]), Err(Error::IndexOutOfBounds { .. })),
        "get([0]) on an empty array"
    );
    let msg = a.get(&[5, 0]).unwrap_err().to_string();
    assert!(msg.contains('5'), "message names the index: {msg}");
}

#[test]
fn arange_with_step_zero_is_invalid() {
    for dt in DTYPES {
        let r = Array::arange(0.0, 10.0, 0.0, dt);
        assert!(
            matches!(r, Err(Error::InvalidArgument { .. })),
            "arange(0, 10, 0, {dt}): expected InvalidArgument, got {:?}",
            r.map(|a| a.shape().to_vec())
        );
    }
    let r = Array::arange(0.0, f64::NAN, 1.0, DType::F64);
    assert!(r.is_err(), "arange(0, nan, 1): NumPy raises ValueError");
}

#[test]
fn weak_int_out_of_range_is_invalid() {
    let u = Array::from_vec(vec![1u32, 2], &[2]).unwrap();
    assert!(
        matches!(u.try_add(-1i64), Err(Error::InvalidArgument { .. })),
        "u32 + (-1i64)"
    );
    assert!(
        matches!(u.try_add(-1i32), Err(Error::InvalidArgument { .. })),
        "u32 + (-1i32)"
    );
    assert!(
        matches!(u.try_mul(1i64 << 40), Err(Error::InvalidArgument { .. })),
        "u32 * 2**40"
    );
    let i = Array::from_vec(vec![1i32], &[1]).unwrap();
    assert!(
        matches!(i.try_sub(u32::MAX), Err(Error::InvalidArgument { .. })),
        "i32 - u32::MAX"
    );
    assert!(
        catch(|| &u + (-1i64)).is_err(),
        "the + operator panics for u32 + (-1)"
    );
}

#[test]
fn bool_negative_and_subtract_are_errors() {
    let b = Array::from_vec(vec![true, false], &[2]).unwrap();
    assert!(b.try_neg().is_err(), "try_neg on bool (NumPy TypeError)");
    assert!(b.try_sub(&b).is_err(), "bool - bool (NumPy TypeError)");
    assert!(catch(|| -&b).is_err(), "-bool panics");
    assert!(catch(|| &b - &b).is_err(), "bool - bool panics");
    // bool - int is fine.
    let r = b.try_sub(1i64).expect("bool - 1 is allowed");
    assert_eq!(r.dtype(), DType::I64);
    assert_eq!(r.to_vec::<i64>().unwrap(), vec![0, -1]);
}

#[test]
fn errors_are_values_not_panics() {
    // Each Result-returning call on bad input returns Err rather than panicking.
    let a = Array::zeros(&[2, 3], DType::F32);
    let b = Array::zeros(&[4], DType::I32);
    let checks: Vec<(&str, std::result::Result<bool, String>)> = vec![
        ("try_add mismatch", catch(|| a.try_add(&b).is_err())),
        ("pow mismatch", catch(|| a.pow(&b).is_err())),
        ("eq mismatch", catch(|| a.eq(&b).is_err())),
        ("atan2 mismatch", catch(|| a.atan2(&b).is_err())),
        ("floor_div mismatch", catch(|| a.floor_div(&b).is_err())),
        ("get oob", catch(|| a.get(&[9, 9]).is_err())),
        ("item of 6", catch(|| a.item::<f32>().is_err())),
        (
            "arange step 0",
            catch(|| Array::arange(1.0, 2.0, 0.0, DType::F32).is_err()),
        ),
    ];
    for (name, r) in checks {
        assert_eq!(r, Ok(true), "{name}: expected Err, not a panic or Ok");
    }
}
