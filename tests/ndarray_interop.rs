//! ndarray ↔ tandem (feature `ndarray`): every dtype both ways, ndarray's
//! non-standard layouts (transposed, Fortran order, stepped and reversed
//! slices, broadcasts, permuted axes) into tandem, tandem's views out to
//! ndarray, 0-d and empty arrays, and arrays on every device.
//!
//! Run with `cargo test --features ndarray --test ndarray_interop`.
#![cfg(feature = "ndarray")]

mod common;

use common::{for_each_device, label, on};
use ndarray::{arr0, s as nd_s, ArcArray, Array2, ArrayD, Axis, IxDyn};
use tandem::prelude::*;

/// `n` values of `T` built from `f(i)`.
fn values<T>(n: usize, f: impl Fn(usize) -> T) -> Vec<T> {
    (0..n).map(f).collect()
}

/// Checks `a` holds exactly `nd`'s shape and logical (C-order) values.
fn assert_matches<T: tandem::Element>(a: &Array, nd: &ndarray::ArrayViewD<'_, T>, what: &str) {
    assert_eq!(a.dtype(), T::DTYPE, "{what}: dtype");
    assert_eq!(a.shape(), nd.shape(), "{what}: shape");
    let want: Vec<T> = nd.iter().copied().collect();
    let got = a
        .to_vec::<T>()
        .unwrap_or_else(|e| panic!("{what}: to_vec: {e}"));
    assert!(
        got.len() == want.len()
            && got
                .iter()
                .zip(&want)
                .all(|(g, w)| g == w || (format!("{g:?}") == "NaN" && format!("{w:?}") == "NaN")),
        "{what}: values\n got  {got:?}\n want {want:?}"
    );
}

macro_rules! both_ways {
    ($t:ty, $f:expr) => {{
        let shape = [2usize, 3, 4];
        let nd = ArrayD::from_shape_vec(IxDyn(&shape), values(24, $f)).unwrap();
        let a = Array::from(nd.clone());
        assert_matches::<$t>(&a, &nd.view(), stringify!($t));
        let back = a.to_ndarray::<$t>().unwrap();
        assert_eq!(back.shape(), nd.shape());
        assert!(back.is_standard_layout());
        let same = back
            .iter()
            .zip(nd.iter())
            .all(|(x, y)| x == y || format!("{x:?}") == "NaN");
        assert!(same, "{}: round trip", stringify!($t));
        let via_try: ArrayD<$t> = ArrayD::try_from(&a).unwrap();
        assert_eq!(via_try.shape(), nd.shape());
    }};
}

#[test]
fn every_dtype_both_ways() {
    both_ways!(bool, |i| i % 3 == 0);
    both_ways!(i32, |i| i as i32 * -1000 + 7);
    both_ways!(i64, |i| (i as i64) << 40);
    both_ways!(u32, |i| u32::MAX - i as u32);
    both_ways!(f32, |i| if i == 5 {
        f32::NAN
    } else {
        i as f32 * 0.5 - 3.0
    });
    both_ways!(f64, |i| if i == 0 { -0.0 } else { (i as f64).sqrt() });
}

#[test]
fn ndarray_layouts_into_tandem() {
    let base = Array2::from_shape_vec((4, 6), values(24, |i| i as i64 * 3 - 20)).unwrap();
    let fortran = base.t().to_owned(); // ndarray keeps the transposed (Fortran) strides
    let mut inverted = base.clone();
    inverted.invert_axis(Axis(1));
    let cube = ndarray::Array3::from_shape_vec((2, 3, 4), values(24, |i| i as i64)).unwrap();
    let row = base.row(1).to_owned();
    let cases: Vec<(&str, ndarray::ArrayViewD<'_, i64>)> = vec![
        ("standard", base.view().into_dyn()),
        ("transposed view", base.t().into_dyn()),
        ("Fortran-order owned", fortran.view().into_dyn()),
        ("stepped slice", base.slice(nd_s![1..4, ..;2]).into_dyn()),
        ("reversed rows", base.slice(nd_s![..;-1, ..]).into_dyn()),
        (
            "reversed both, stepped",
            base.slice(nd_s![..;-2, ..;-3]).into_dyn(),
        ),
        ("inverted axis (owned)", inverted.view().into_dyn()),
        ("column", base.column(2).into_dyn()),
        (
            "permuted 3-d",
            cube.view().permuted_axes([2, 0, 1]).into_dyn(),
        ),
        ("broadcast", row.broadcast((3, 6)).unwrap().into_dyn()),
        ("inserted axis", base.view().insert_axis(Axis(1)).into_dyn()),
        ("empty slice", base.slice(nd_s![2..2, ..]).into_dyn()),
    ];
    for (name, v) in cases {
        let a = Array::from(v.clone());
        assert_matches::<i64>(&a, &v, name);
        // The result works in expressions (strided data feeds the kernels).
        let b = (&a * 2 + 1).to_vec::<i64>().unwrap();
        let want: Vec<i64> = v.iter().map(|x| x * 2 + 1).collect();
        assert_eq!(b, want, "{name}: in an expression");
        // And comes back out.
        let back = a.to_ndarray::<i64>().unwrap();
        assert_eq!(back, v.to_owned(), "{name}: back to ndarray");
    }
    // Owned arrays of any dimensionality, by value and by reference.
    assert_matches::<i64>(
        &Array::from(fortran.clone()),
        &fortran.view().into_dyn(),
        "owned Fortran",
    );
    assert_matches::<i64>(
        &Array::from(&fortran),
        &fortran.view().into_dyn(),
        "&Fortran",
    );
    let shared: ArcArray<i64, _> = base.clone().into_shared();
    assert_matches::<i64>(&Array::from(&shared), &base.view().into_dyn(), "&ArcArray");
}

#[test]
fn zero_d_and_empty() {
    let a = Array::from(arr0(2.5f64));
    assert_eq!(a.shape(), &[] as &[usize]);
    assert_eq!(a.item::<f64>().unwrap(), 2.5);
    let nd = Array::scalar(7u32).to_ndarray::<u32>().unwrap();
    assert_eq!((nd.ndim(), nd[IxDyn(&[])]), (0, 7));
    for shape in [vec![0], vec![2, 0, 3], vec![0, 0]] {
        let e = ArrayD::<f32>::zeros(IxDyn(&shape));
        let a = Array::from(e.clone());
        assert_eq!(a.shape(), &shape[..]);
        assert_eq!(a.to_ndarray::<f32>().unwrap(), e);
        let t = Array::zeros(&shape, DType::Bool)
            .t()
            .to_ndarray::<bool>()
            .unwrap();
        let mut rev = shape.clone();
        rev.reverse();
        assert_eq!(t.shape(), &rev[..]);
    }
}

#[test]
fn tandem_views_out_to_ndarray() {
    let a = Array::arange(0.0, 24.0, 1.0, DType::F32)
        .unwrap()
        .reshape(&[4, 6])
        .unwrap();
    let cases = [
        ("plain", a.clone()),
        ("transposed", a.t()),
        ("stepped", a.slice(s![.., ..;2]).unwrap()),
        ("reversed", a.slice(s![..;-1, ..]).unwrap()),
        (
            "reversed transposed",
            a.slice(s![..;-1, 1..;2]).unwrap().t(),
        ),
        (
            "broadcast",
            a.slice(s![1..2, ..])
                .unwrap()
                .broadcast_to(&[3, 6])
                .unwrap(),
        ),
        ("lazy", (&a * 0.5 - 1.0).t()),
        ("column", a.slice(s![.., 4]).unwrap()),
    ];
    for (name, v) in cases {
        let nd = v.to_ndarray::<f32>().unwrap();
        assert_eq!(nd.shape(), v.shape(), "{name}");
        let flat: Vec<f32> = nd.iter().copied().collect();
        assert_eq!(flat, v.to_vec::<f32>().unwrap(), "{name}");
    }
    // A transposed (dense) array comes out with Fortran strides, from one memcpy.
    let nd = a.t().to_ndarray::<f32>().unwrap();
    assert!(!nd.is_standard_layout());
    assert!(nd.t().is_standard_layout());
    assert_eq!(nd[[5, 3]], 23.0);
}

#[test]
fn dtype_mismatch_is_an_error() {
    let a = Array::zeros(&[2], DType::I32);
    match a.to_ndarray::<i64>() {
        Err(Error::DTypeMismatch { op, got, .. }) => {
            assert_eq!((op, got), ("to_ndarray", DType::I32));
        }
        other => panic!("expected DTypeMismatch, got {other:?}"),
    }
    assert!(ArrayD::<bool>::try_from(&a).is_err());
}

#[test]
fn on_every_device() {
    for_each_device(|info| {
        let nd = Array2::from_shape_fn((5, 7), |(i, j)| (i * 7 + j) as f64 / 4.0);
        let a = on(info, &Array::from(nd.t()));
        let r = (&a + 1.0).to_ndarray::<f64>().unwrap();
        let want = nd.t().mapv(|x| x + 1.0).into_dyn();
        assert_eq!(r, want, "on {}", label(info));
    });
}
