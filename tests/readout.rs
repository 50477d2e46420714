//! Read-out and single-element access: get/set with negative indices, set's
//! cast and copy-on-write, item, len of 0-d arrays, repeated eval; on every
//! device.

mod common;

use common::*;
use tandem::prelude::*;

#[test]
fn get_with_negative_indices() {
    for_each_device(|info| {
        let a = on(
            info,
            &Array::from_vec((0..24).map(|i| i as f64).collect(), &[2, 3, 4]).unwrap(),
        );
        let dev = label(info);
        assert_eq!(
            a.get(&[0, 0, 0]).unwrap(),
            Scalar::F64(0.0),
            "[0,0,0] on {dev}"
        );
        assert_eq!(
            a.get(&[1, 2, 3]).unwrap(),
            Scalar::F64(23.0),
            "[1,2,3] on {dev}"
        );
        assert_eq!(
            a.get(&[-1, -1, -1]).unwrap(),
            Scalar::F64(23.0),
            "[-1,-1,-1] on {dev}"
        );
        assert_eq!(
            a.get(&[-2, -3, -4]).unwrap(),
            Scalar::F64(0.0),
            "[-2,-3,-4] on {dev}"
        );
        assert_eq!(
            a.get(&[0, -1, 1]).unwrap(),
            Scalar::F64(9.0),
            "[0,-1,1] on {dev}"
        );
        assert_eq!(
            a.get(&[1, 0, -2]).unwrap(),
            Scalar::F64(14.0),
            "[1,0,-2] on {dev}"
        );
        // get on a lazy result.
        let b = &a * 2.0;
        assert_eq!(
            b.get(&[-1, 0, 0]).unwrap(),
            Scalar::F64(24.0),
            "lazy [-1,0,0] on {dev}"
        );
        // 0-d: the empty index.
        let s = Array::scalar(7u32);
        assert_eq!(s.get(&[]).unwrap(), Scalar::U32(7), "0-d get([])");
    });
}

#[test]
fn get_returns_the_arrays_dtype() {
    let cases: Vec<(Array, Scalar)> = vec![
        (
            Array::from_vec(vec![true], &[1]).unwrap(),
            Scalar::Bool(true),
        ),
        (Array::from_vec(vec![-3i32], &[1]).unwrap(), Scalar::I32(-3)),
        (
            Array::from_vec(vec![i64::MIN], &[1]).unwrap(),
            Scalar::I64(i64::MIN),
        ),
        (
            Array::from_vec(vec![u32::MAX], &[1]).unwrap(),
            Scalar::U32(u32::MAX),
        ),
        (
            Array::from_vec(vec![0.1f32], &[1]).unwrap(),
            Scalar::F32(0.1),
        ),
        (
            Array::from_vec(vec![0.1f64], &[1]).unwrap(),
            Scalar::F64(0.1),
        ),
    ];
    for (a, want) in cases {
        assert_eq!(a.get(&[0]).unwrap(), want, "get on {}", a.dtype());
        assert_eq!(a.get(&[-1]).unwrap(), want, "get(-1) on {}", a.dtype());
    }
}

#[test]
fn set_with_negative_indices_and_cast() {
    for_each_device(|info| {
        let dev = label(info);
        let mut a = on(info, &Array::zeros(&[2, 3], DType::I32));
        a.set(&[-1, -1], 5i32).unwrap();
        a.set(&[0, -3], 2.9f64).unwrap(); // cast to i32: truncates to 2
        a.set(&[1, 0], true).unwrap(); // bool -> 1
        a.set(&[0, 1], -7i64).unwrap();
        assert_eq!(a.dtype(), DType::I32, "set keeps the dtype on {dev}");
        assert_eq!(
            a.to_vec::<i32>().unwrap(),
            vec![2, -7, 0, 1, 0, 5],
            "after sets on {dev}"
        );

        let mut f = on(info, &Array::zeros(&[3], DType::F32));
        f.set(&[0], 0.1f64).unwrap(); // rounds to f32
        f.set(&[-1], 16777217i64).unwrap(); // rounds to 16777216
        assert_eq!(
            f.to_vec::<f32>().unwrap(),
            vec![0.1f32, 0.0, 16777216.0],
            "f32 sets on {dev}"
        );

        let mut u = on(info, &Array::zeros(&[2], DType::U32));
        u.set(&[0], 4294967295i64).unwrap(); // in range: fits
        u.set(&[1], 3.75f32).unwrap(); // float -> int truncates
        assert_eq!(
            u.to_vec::<u32>().unwrap(),
            vec![u32::MAX, 3],
            "u32 sets on {dev}"
        );
        // An integer that does not fit is refused, as NumPy's `u[0] = -1`
        // raises OverflowError; the array is unchanged.
        let r = u.set(&[0], -1i64);
        assert!(
            matches!(r, Err(Error::InvalidArgument { .. })),
            "u32 set(-1i64) on {dev}: expected InvalidArgument, got {r:?}"
        );
        assert_eq!(
            u.to_vec::<u32>().unwrap(),
            vec![u32::MAX, 3],
            "u32 after refused set on {dev}"
        );

        let mut b = on(info, &Array::zeros(&[3], DType::Bool));
        b.set(&[0], f64::NAN).unwrap(); // NaN is truthy
        b.set(&[1], 0.0f64).unwrap();
        b.set(&[2], 2i32).unwrap();
        assert_eq!(
            b.to_vec::<bool>().unwrap(),
            vec![true, false, true],
            "bool sets on {dev}"
        );
        assert_eq!(b.get(&[0]).unwrap(), Scalar::Bool(true));
    });
}

#[test]
fn set_is_copy_on_write() {
    for_each_device(|info| {
        let dev = label(info);
        let mut a = on(
            info,
            &Array::from_vec(vec![1.0f64, 2.0, 3.0], &[3]).unwrap(),
        );
        let before = a.clone();
        let derived = &a + 1.0; // lazy, built before the write
        a.set(&[1], 20.0).unwrap();
        assert_eq!(
            a.to_vec::<f64>().unwrap(),
            vec![1.0, 20.0, 3.0],
            "a after set on {dev}"
        );
        assert_eq!(
            before.to_vec::<f64>().unwrap(),
            vec![1.0, 2.0, 3.0],
            "a clone made before set() must not see the write on {dev}"
        );
        assert_eq!(
            derived.to_vec::<f64>().unwrap(),
            vec![2.0, 3.0, 4.0],
            "a lazy result built before set() must not see the write on {dev}"
        );
        // And the other way round: writing to the clone leaves the original alone.
        let mut c = a.clone();
        c.set(&[0], -1.0).unwrap();
        assert_eq!(
            a.get(&[0]).unwrap(),
            Scalar::F64(1.0),
            "original after clone.set on {dev}"
        );
        assert_eq!(c.get(&[0]).unwrap(), Scalar::F64(-1.0));
        // Set on an evaluated result of a lazy op.
        let mut e = (&a * 2.0).eval().unwrap();
        e.set(&[2], 0.5).unwrap();
        assert_eq!(e.to_vec::<f64>().unwrap(), vec![2.0, 40.0, 0.5]);
        assert_eq!(a.to_vec::<f64>().unwrap(), vec![1.0, 20.0, 3.0]);
    });
}

#[test]
fn item_needs_exactly_one_element() {
    assert_eq!(Array::scalar(2.5f64).item::<f64>().unwrap(), 2.5);
    assert_eq!(
        Array::from_vec(vec![-4i32], &[1, 1])
            .unwrap()
            .item::<i32>()
            .unwrap(),
        -4
    );
    assert!(Array::full(&[1], true).item::<bool>().unwrap());
    assert_eq!(
        (Array::scalar(3u32) + 4).item::<u32>().unwrap(),
        7,
        "item of a lazy 0-d result"
    );
    let two = Array::from_vec(vec![1.0f32, 2.0], &[2]).unwrap();
    assert!(two.item::<f32>().is_err(), "item on 2 elements must be Err");
    let empty = Array::zeros(&[0], DType::F32);
    assert!(
        empty.item::<f32>().is_err(),
        "item on 0 elements must be Err"
    );
}

#[test]
fn len_and_shape_queries() {
    let s = Array::scalar(1i64);
    assert_eq!(
        (s.len(), s.ndim(), s.size()),
        (0, 0, 1),
        "0-d: len 0 (documented)"
    );
    assert_eq!(s.shape(), &[] as &[usize]);
    let a = Array::zeros(&[4, 0, 2], DType::F64);
    assert_eq!((a.len(), a.ndim(), a.size()), (4, 3, 0));
    let b = Array::ones(&[0], DType::I32);
    assert_eq!((b.len(), b.size()), (0, 0));
    assert_eq!(b.to_vec::<i32>().unwrap(), Vec::<i32>::new());
    let c = &Array::ones(&[3, 1], DType::F32) + &Array::ones(&[5], DType::F32);
    assert_eq!(
        (c.len(), c.shape()),
        (3, &[3usize, 5][..]),
        "lazy result shape"
    );
}

#[test]
fn eval_twice_is_fine() {
    for_each_device(|info| {
        let a = on(info, &Array::from_vec(vec![1i32, 2, 3], &[3]).unwrap());
        let b = &a * 3 + 1;
        let e1 = b.eval().unwrap();
        let e2 = b.eval().unwrap();
        let e3 = e1.eval().unwrap();
        for (n, x) in [("b", &b), ("e1", &e1), ("e2", &e2), ("e3", &e3)] {
            assert_eq!(
                x.to_vec::<i32>().unwrap(),
                vec![4, 7, 10],
                "{n} on {}",
                label(info)
            );
        }
        // Reading twice is fine too.
        assert_eq!(b.to_vec::<i32>().unwrap(), b.to_vec::<i32>().unwrap());
    });
}

#[test]
fn to_vec_is_c_order_for_every_dtype() {
    for_each_device(|info| {
        for d in DTYPES {
            let a = on(info, &Array::arange(0.0, 6.0, 1.0, DType::I64).unwrap()).astype(d);
            let got = read(&a).unwrap();
            let want = match d {
                DType::Bool => Data::Bool(vec![false, true, true, true, true, true]),
                DType::I32 => Data::I32(vec![0, 1, 2, 3, 4, 5]),
                DType::I64 => Data::I64(vec![0, 1, 2, 3, 4, 5]),
                DType::U32 => Data::U32(vec![0, 1, 2, 3, 4, 5]),
                DType::F32 => Data::F32(vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]),
                DType::F64 => Data::F64(vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]),
            };
            assert_eq!(got, want, "{d} on {}", label(info));
        }
    });
}
