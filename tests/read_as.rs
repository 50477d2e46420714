//! Reading values as another Rust type, on every device: `item_as::<T>()`
//! (NumPy's `float(a.max())`, `int(a.argmax())`) and `to_vec_as::<T>()`
//! (`a.astype(T).tolist()`) for every pair of dtypes, with NumPy's cast
//! rules; `Scalar::{to_f64, to_i64, to_bool}`; and the read-out errors,
//! which name the method the user called (`item`, not the `to_vec` it reads
//! through).
//!
//! The expected casts were computed with NumPy 2.4.6
//! (`np.array(v, dtype=d).astype(t).item()`).

#[macro_use]
mod common;

use common::*;
use tandem::prelude::*;

/// NumPy's casts of one value to bool, int32, int64, uint32, float32, float64.
type Casts = (bool, i32, i64, u32, f32, f64);

/// One value of each dtype, as a 0-d array, and its casts.
fn table() -> Vec<(Array, Casts)> {
    vec![
        (Array::scalar(true), (true, 1, 1, 1, 1.0, 1.0)),
        (Array::scalar(-7i32), (true, -7, -7, 4294967289, -7.0, -7.0)),
        (
            Array::scalar((1i64 << 40) + 3),
            (true, 3, 1099511627779, 3, 1099511627776.0, 1099511627779.0),
        ),
        (
            Array::scalar(u32::MAX),
            (true, -1, 4294967295, 4294967295, 4294967296.0, 4294967295.0),
        ),
        (
            Array::scalar(-2.75f32),
            (true, -2, -2, 4294967294, -2.75, -2.75),
        ),
        (
            Array::scalar(-1e9 - 0.5),
            (true, -1000000000, -1000000000, 3294967296, -1e9, -1e9 - 0.5),
        ),
    ]
}

#[test]
fn item_as_casts_every_dtype_as_numpy() {
    for_each_device(|info| {
        for (a, want) in table() {
            // As data on the device, as a lazy expression, and as a
            // one-element view at an offset into a larger buffer.
            let data = on(info, &a).eval().unwrap();
            let lazy = on(info, &a) + Array::zeros(&[1, 1], a.dtype()); // bool: logical or
            let big = on(info, &Array::stack(&[&a, &a, &a], 0).unwrap())
                .eval()
                .unwrap();
            let view = big.at(s![2..3]);
            for x in [&data, &lazy, &view] {
                let what = format!("{} {:?} on {}", x.dtype(), x.shape(), label(info));
                assert_eq!(x.item_as::<bool>().unwrap(), want.0, "{what} as bool");
                assert_eq!(x.item_as::<i32>().unwrap(), want.1, "{what} as i32");
                assert_eq!(x.item_as::<i64>().unwrap(), want.2, "{what} as i64");
                assert_eq!(x.item_as::<u32>().unwrap(), want.3, "{what} as u32");
                assert_eq!(x.item_as::<f32>().unwrap(), want.4, "{what} as f32");
                assert_eq!(x.item_as::<f64>().unwrap(), want.5, "{what} as f64");
            }
        }
    });
}

#[test]
fn to_vec_as_casts_every_dtype_as_numpy() {
    for_each_device(|info| {
        for (a, want) in table() {
            let x = on(info, &a.reshape(&[1]).unwrap().broadcast(&[3]));
            assert_eq!(x.to_vec_as::<bool>().unwrap(), vec![want.0; 3]);
            assert_eq!(x.to_vec_as::<i32>().unwrap(), vec![want.1; 3]);
            assert_eq!(x.to_vec_as::<i64>().unwrap(), vec![want.2; 3]);
            assert_eq!(x.to_vec_as::<u32>().unwrap(), vec![want.3; 3]);
            assert_eq!(x.to_vec_as::<f32>().unwrap(), vec![want.4; 3]);
            assert_eq!(x.to_vec_as::<f64>().unwrap(), vec![want.5; 3]);
        }
        // The same as astype + to_vec, for a lazy expression too.
        let a = on(
            info,
            &Array::from_vec(vec![1.5f32, -2.5, 7.25, 0.0], &[2, 2]).unwrap(),
        );
        let e = (&a * 3.0).t();
        assert_eq!(
            e.to_vec_as::<i64>().unwrap(),
            e.astype(DType::I64).to_vec::<i64>().unwrap()
        );
        assert_eq!(e.to_vec_as::<f32>().unwrap(), e.to_vec::<f32>().unwrap());
    });
}

#[test]
fn numpy_scalar_conversions_of_reductions() {
    for_each_device(|info| {
        let a = on(info, &Array::from_vec(vec![3i32, 9, 6, -2], &[4]).unwrap());
        // float(a.max()), int(a.argmax()), float(a.mean()), bool(a.any())
        assert_eq!(a.max().item_as::<f64>().unwrap(), 9.0);
        assert_eq!(a.argmax().item_as::<i64>().unwrap(), 1);
        assert_eq!(a.mean().item_as::<f64>().unwrap(), 4.0);
        assert!(a.any().item_as::<bool>().unwrap());
        // int(x) truncates toward zero, as NumPy's cast.
        let f = on(info, &Array::from_vec(vec![2.7f32, -2.7], &[2]).unwrap());
        assert_eq!(f.max().item_as::<i32>().unwrap(), 2);
        assert_eq!(f.min().item_as::<i64>().unwrap(), -2);
        // NaN to an integer is 0 (tandem's saturating cast; Python's int() raises).
        let nan = Array::scalar(f64::NAN);
        assert_eq!(nan.item_as::<i64>().unwrap(), 0);
        assert!(nan.item_as::<bool>().unwrap());
    });
}

#[test]
fn scalar_conversions() {
    let a = Array::from_vec(vec![1.5f64, -2.5, 0.0, f64::NAN], &[4]).unwrap();
    let get = |i| a.get(&[i]).unwrap();
    assert_eq!(get(1).to_f64(), -2.5);
    assert_eq!(get(1).to_i64(), -2);
    assert_eq!(get(3).to_i64(), 0);
    assert!(get(0).to_bool() && !get(2).to_bool() && get(3).to_bool());
    assert_eq!(Scalar::U32(u32::MAX).to_i64(), 4294967295);
    assert_eq!(Scalar::I64(i64::MIN).to_i64(), i64::MIN);
    assert_eq!(Scalar::Bool(true).to_i64(), 1);
    assert_eq!(Scalar::F32(f32::INFINITY).to_i64(), i64::MAX);
    assert!(!Scalar::I32(0).to_bool() && Scalar::U32(7).to_bool());
    assert!(!Scalar::F64(-0.0).to_bool());
}

#[test]
fn read_out_errors_name_the_method_called() {
    let a = Array::from_vec(vec![1i32, 2], &[2]).unwrap();
    let one = Array::scalar(1i32);

    // item reads through to_vec, but its errors say item.
    let e = one.item::<f32>().unwrap_err();
    assert!(matches!(e, Error::DTypeMismatch { op: "item", .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.starts_with("item: expected dtype float32, got int32"),
        "{msg}"
    );
    assert!(
        msg.contains("item::<i32>()") && msg.contains("item_as::<f32>()"),
        "{msg}"
    );
    let e = a.item::<i32>().unwrap_err();
    assert!(
        matches!(e, Error::InvalidArgument { op: "item", .. }),
        "{e}"
    );

    let e = a.to_vec::<i64>().unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with("to_vec: expected dtype int64, got int32"),
        "{msg}"
    );
    assert!(
        msg.contains("to_vec::<i32>()") && msg.contains("to_vec_as::<i64>()"),
        "{msg}"
    );

    let e = a.item_as::<f64>().unwrap_err();
    assert!(
        matches!(e, Error::InvalidArgument { op: "item_as", .. }),
        "{e}"
    );
    let e = Array::zeros(&[0], DType::F32).item_as::<f32>().unwrap_err();
    assert!(
        e.to_string()
            .starts_with("item_as: only an array of exactly one element"),
        "{e}"
    );

    let e = a.get(&[2]).unwrap_err();
    assert!(
        matches!(e, Error::IndexOutOfBounds { op: "get", .. }),
        "{e}"
    );
    let mut b = a.clone();
    let e = b.set(&[0, 0], 1).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument { op: "set", .. }), "{e}");
    let e = b.set(&[0], -1i64 << 40).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument { op: "set", .. }), "{e}");
}

/// Copying a view of 2^45 elements out cannot allocate: the out-of-memory
/// error names the method that was called, not an internal "read".
#[test]
fn out_of_memory_while_reading_names_the_method_called() {
    let one = Array::scalar(1.0f32).eval().unwrap();
    let huge = one.broadcast(&[1 << 45]); // a stride-0 view: nothing allocated yet
    let e = huge.to_vec::<f32>().unwrap_err();
    assert!(matches!(e, Error::OutOfMemory { op: "to_vec", .. }), "{e}");
    let e = huge.to_vec_as::<f32>().unwrap_err();
    assert!(
        matches!(
            e,
            Error::OutOfMemory {
                op: "to_vec_as",
                ..
            }
        ),
        "{e}"
    );
}
