//! ndarray ↔ tandem (feature `ndarray`): every dtype both ways, ndarray's
//! non-standard layouts (transposed, Fortran order, stepped and reversed
//! slices, broadcasts, permuted axes) into tandem, tandem's views out to
//! ndarray, 0-d and empty arrays, and arrays on every device.
//!
//! Zero-copy is checked two ways: by address (the array's host data is the
//! ndarray's own memory, and `into_ndarray` gives back the same pointer),
//! and by a counting global allocator that sees every large allocation and
//! free made on the test's thread (a conversion that copied would allocate
//! the array's size; an adopted `Vec` must be freed with its own layout).
//!
//! Run with `cargo test --features ndarray --test ndarray_interop`.
#![cfg(feature = "ndarray")]

mod common;

use common::{for_each_device, label, on};
use ndarray::{arr0, s as nd_s, ArcArray, Array2, Array3, ArrayD, Axis, IxDyn, ShapeBuilder};
use std::alloc::{GlobalAlloc, Layout as AllocLayout, System};
use std::cell::Cell;
use tandem::prelude::*;

/// Allocations and frees of at least this many bytes are counted: more than
/// any bookkeeping a conversion does (nodes, shapes), less than any array
/// the zero-copy tests convert.
const BIG: usize = 16 * 1024;

thread_local! {
    /// Bytes allocated in big blocks on this thread.
    static BIG_ALLOCATED: Cell<usize> = const { Cell::new(0) };
    /// (size, align) of every big block freed on this thread, latest last (up to 8).
    static BIG_FREED: Cell<[(usize, usize); 8]> = const { Cell::new([(0, 0); 8]) };
}

/// The system allocator, counting big blocks per thread.
struct Counting;

fn note_alloc(size: usize) {
    if size >= BIG {
        // `try_with`: the counters may already be gone while a thread exits.
        let _ = BIG_ALLOCATED.try_with(|c| c.set(c.get() + size));
    }
}

// SAFETY: every method forwards its arguments unchanged to `System`, which
// implements the same contract; the bookkeeping only touches thread-local
// `Cell`s with constant initialisers, which neither allocate nor re-enter.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: AllocLayout) -> *mut u8 {
        note_alloc(layout.size());
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: AllocLayout) -> *mut u8 {
        note_alloc(layout.size());
        // SAFETY: the caller upholds `GlobalAlloc::alloc_zeroed`'s contract.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: AllocLayout, new_size: usize) -> *mut u8 {
        note_alloc(new_size);
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: AllocLayout) {
        if layout.size() >= BIG {
            let _ = BIG_FREED.try_with(|c| {
                let mut v = c.get();
                v.rotate_left(1);
                v[7] = (layout.size(), layout.align());
                c.set(v);
            });
        }
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// `f()`, and how many bytes this thread allocated in big blocks meanwhile.
fn big_allocations<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = BIG_ALLOCATED.with(Cell::get);
    let r = f();
    (r, BIG_ALLOCATED.with(Cell::get) - before)
}

/// `f()`, and the (size, align) of the big blocks this thread freed meanwhile.
fn big_frees(f: impl FnOnce()) -> Vec<(usize, usize)> {
    BIG_FREED.with(|c| c.set([(0, 0); 8]));
    f();
    BIG_FREED
        .with(Cell::get)
        .into_iter()
        .filter(|&(size, _)| size > 0)
        .collect()
}

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
    let nd = arr0(2.5f64);
    let ptr = nd.as_ptr();
    let a = Array::from(nd);
    assert_eq!(a.shape(), &[] as &[usize]);
    assert_eq!(a.item::<f64>().unwrap(), 2.5);
    let back = a.into_ndarray::<f64>().unwrap(); // 0-d is dense: no copy
    assert_eq!(
        (back.ndim(), back.as_ptr(), back[IxDyn(&[])]),
        (0, ptr, 2.5)
    );
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

// ---------------------------------------------------------------------------
// Zero-copy

/// The address of `nd`'s first element, as `host_data_ptr` reports it.
fn addr<T>(
    nd: &ndarray::ArrayBase<impl ndarray::RawData<Elem = T>, impl ndarray::Dimension>,
) -> *const u8 {
    nd.as_ptr().cast::<u8>()
}

macro_rules! zero_copy_round_trip {
    ($t:ty, $f:expr) => {{
        let what = stringify!($t);
        // 16 K elements: at least `BIG` bytes even for bool.
        let n = 1 << 14;
        let nd = ArrayD::from_shape_vec(IxDyn(&[n / 64, 64]), values(n, $f)).unwrap();
        let want = nd.clone();
        let ptr = nd.as_ptr();
        let (a, bytes) = big_allocations(|| Array::from(nd));
        assert_eq!(bytes, 0, "{what}: Array::from(owned ndarray) allocated");
        assert_eq!(
            a.host_data_ptr(),
            Some(ptr.cast::<u8>()),
            "{what}: not the ndarray's memory"
        );
        assert_matches::<$t>(&a, &want.view(), what);
        let (back, bytes) = big_allocations(|| a.into_ndarray::<$t>().unwrap());
        assert_eq!(bytes, 0, "{what}: into_ndarray allocated");
        assert_eq!(
            back.as_ptr(),
            ptr,
            "{what}: into_ndarray did not return the same Vec"
        );
        assert_eq!(back, want, "{what}: values after the round trip");
        // The copying forms copy (into tandem's pooled memory, or a new Vec
        // that the counter sees, which shows it works).
        let copy = Array::from(&back);
        assert_ne!(
            copy.host_data_ptr(),
            Some(ptr.cast::<u8>()),
            "{what}: Array::from(&nd)"
        );
        let (out, bytes) = big_allocations(|| copy.to_ndarray::<$t>().unwrap());
        assert!(
            bytes >= n && out.as_ptr() != ptr,
            "{what}: to_ndarray did not copy"
        );
    }};
}

#[test]
fn owned_ndarrays_round_trip_without_copying() {
    zero_copy_round_trip!(bool, |i| i % 3 == 0);
    zero_copy_round_trip!(i32, |i| i as i32 * -7);
    zero_copy_round_trip!(i64, |i| (i as i64) << 33);
    zero_copy_round_trip!(u32, |i| u32::MAX - i as u32);
    zero_copy_round_trip!(f32, |i| i as f32 * 0.25 - 9.0);
    zero_copy_round_trip!(f64, |i| (i as f64).sqrt());
}

/// Owned ndarrays in every layout an owned ndarray can have: adopted in
/// place (same address, no allocation), correct in expressions, and handed
/// back without a copy when dense (with the same strides), copied once when
/// gapped.
#[test]
fn owned_layouts_are_adopted_and_come_back() {
    let (r, c) = (64, 48);
    let f = |(i, j): (usize, usize)| (i * 1000 + j) as f64;
    let c_order = || Array2::from_shape_fn((r, c), f);
    let mut reversed = c_order();
    reversed.invert_axis(Axis(1));
    let mut fortran_reversed = Array2::from_shape_fn((r, c).f(), f);
    fortran_reversed.invert_axis(Axis(0));
    let mut rows = c_order();
    rows.slice_collapse(nd_s![10..40, ..]);
    let mut reversed_rows = c_order();
    reversed_rows.slice_collapse(nd_s![10..40;-1, ..]);
    let mut stepped = c_order();
    stepped.slice_collapse(nd_s![.., ..;2]);
    let mut columns = c_order();
    columns.slice_collapse(nd_s![5..60, 3..20]);
    let permuted = Array3::from_shape_fn((4, 16, 48), |(i, j, k)| (i * 10000 + j * 100 + k) as f64)
        .permuted_axes([2, 0, 1])
        .into_dyn();
    // (name, array, dense: comes back without a copy)
    let cases: Vec<(&str, ArrayD<f64>, bool)> = vec![
        ("C order", c_order().into_dyn(), true),
        (
            "Fortran order",
            Array2::from_shape_fn((r, c).f(), f).into_dyn(),
            true,
        ),
        ("reversed columns", reversed.into_dyn(), true),
        ("Fortran, reversed rows", fortran_reversed.into_dyn(), true),
        ("row range (offset)", rows.into_dyn(), true),
        ("reversed row range", reversed_rows.into_dyn(), true),
        ("permuted 3-d", permuted, true),
        ("column step (gapped)", stepped.into_dyn(), false),
        ("sub-block (gapped)", columns.into_dyn(), false),
        (
            "inserted axis",
            c_order().insert_axis(Axis(1)).into_dyn(),
            true,
        ),
    ];
    for (name, nd, dense) in cases {
        let want = nd.clone();
        let (ptr, strides) = (nd.as_ptr(), nd.strides().to_vec());
        let (a, bytes) = big_allocations(|| Array::from(nd));
        assert_eq!(bytes, 0, "{name}: Array::from allocated");
        assert_eq!(
            a.host_data_ptr(),
            Some(ptr.cast::<u8>()),
            "{name}: not adopted"
        );
        assert_matches::<f64>(&a, &want.view(), name);
        // Kernels read the adopted memory (strided, unaligned for AVX).
        let got = (&a * 2.0 + 1.0).to_ndarray::<f64>().unwrap();
        assert_eq!(got, want.mapv(|x| x * 2.0 + 1.0), "{name}: a * 2 + 1");
        assert_eq!(a.sum().item::<f64>().unwrap(), want.sum(), "{name}: sum");
        let t = a.t().to_ndarray::<f64>().unwrap();
        assert_eq!(t, want.t(), "{name}: transposed view out");
        // Back out: the same Vec and strides when dense, one copy otherwise.
        let (back, bytes) = big_allocations(|| a.into_ndarray::<f64>().unwrap());
        assert_eq!(back, want, "{name}: into_ndarray values");
        if dense {
            assert_eq!(bytes, 0, "{name}: into_ndarray allocated");
            assert_eq!(back.as_ptr(), ptr, "{name}: into_ndarray copied");
            // (Strides of axes of length 1 are free: they never move.)
            let moving = |nd: &ArrayD<f64>, st: &[isize]| -> Vec<isize> {
                nd.shape()
                    .iter()
                    .zip(st)
                    .filter(|(&n, _)| n > 1)
                    .map(|(_, &s)| s)
                    .collect()
            };
            assert_eq!(
                moving(&back, back.strides()),
                moving(&want, &strides),
                "{name}: strides"
            );
        } else {
            assert_ne!(back.as_ptr(), ptr, "{name}: gapped data is copied");
            assert!(back.is_standard_layout(), "{name}: gathered into C order");
        }
    }
}

#[test]
fn into_ndarray_copies_what_it_cannot_hand_back() {
    let nd = Array2::from_shape_fn((128, 64), |(i, j)| (i * 64 + j) as f32);
    let ptr = addr(&nd);
    let a = Array::from(nd.clone());
    let own = a.host_data_ptr();
    // Another handle holds the data: it keeps it, the consumed one is copied.
    let b = a.clone();
    let out = a.into_ndarray::<f32>().unwrap();
    assert_eq!(
        (addr(&out) != own.unwrap(), &out),
        (true, &nd.clone().into_dyn())
    );
    // A view of it, then a pending expression over it, share it too.
    let view = b.slice(s![1.., ..]).unwrap();
    let out = view.into_ndarray::<f32>().unwrap();
    assert_ne!(Some(addr(&out)), b.host_data_ptr());
    let lazy = &b + 1.0;
    let b2 = b.clone();
    drop(b);
    let out = b2.into_ndarray::<f32>().unwrap(); // `lazy` still reads it
    assert_ne!(Some(addr(&out)), own);
    assert_eq!(
        lazy.to_ndarray::<f32>().unwrap(),
        nd.mapv(|x| x + 1.0).into_dyn()
    );
    // A computed result and tandem's own buffers are 64-byte aligned, not Vecs.
    let r = (Array::from(nd.clone()) * 2.0).eval().unwrap();
    let r_ptr = r.host_data_ptr().unwrap();
    let out = r.into_ndarray::<f32>().unwrap();
    assert_ne!(addr(&out), r_ptr);
    assert_eq!(out, nd.mapv(|x| x * 2.0).into_dyn());
    let t = Array::from_vec(vec![1i32, 2, 3], &[3]).unwrap();
    assert_eq!(
        t.into_ndarray::<i32>().unwrap().as_slice(),
        Some(&[1, 2, 3][..])
    );
    // The wrong element type is an error, as for to_ndarray.
    let e = Array::from(nd.clone()).into_ndarray::<f64>();
    assert!(
        matches!(
            e,
            Err(Error::DTypeMismatch {
                op: "into_ndarray",
                ..
            })
        ),
        "{e:?}"
    );
    // And the by-value TryFrom is into_ndarray.
    let back = ArrayD::<f32>::try_from(Array::from(nd)).unwrap();
    assert_eq!(addr(&back), ptr);
}

#[test]
fn writes_go_into_adopted_memory_only_when_nothing_else_holds_it() {
    let nd = Array2::from_shape_fn((128, 64), |(i, j)| (i * 64 + j) as i64);
    let ptr = addr(&nd);
    let mut a = Array::from(nd);
    a.set(&[1, 2], -5i64).unwrap(); // the only handle: in place
    assert_eq!(a.host_data_ptr(), Some(ptr));
    let b = a.clone();
    a.set(&[0, 0], 99i64).unwrap(); // shared: `a` copies, `b` keeps the Vec
    assert_ne!(a.host_data_ptr(), Some(ptr));
    assert_eq!(b.host_data_ptr(), Some(ptr));
    assert_eq!(a.get(&[0, 0]).unwrap(), Scalar::I64(99));
    assert_eq!(b.get(&[0, 0]).unwrap(), Scalar::I64(0));
    assert_eq!(b.get(&[1, 2]).unwrap(), Scalar::I64(-5));
    drop(a);
    let mut b = b;
    b.assign(s![..2, ..], 7i64).unwrap(); // the only handle again: in place
    assert_eq!(b.host_data_ptr(), Some(ptr));
    let back = b.into_ndarray::<i64>().unwrap();
    assert_eq!(addr(&back), ptr);
    assert_eq!((back[[1, 63]], back[[2, 0]]), (7, 128));
    // Bools stay valid bools through writes.
    let flags = ndarray::Array1::from_elem(BIG, false);
    let fptr = addr(&flags);
    let mut f = Array::from(flags);
    f.set(&[3], true).unwrap();
    f.assign(s![10..12], 1).unwrap();
    let back = f.into_ndarray::<bool>().unwrap();
    assert_eq!(addr(&back), fptr);
    assert_eq!(back.iter().filter(|&&x| x).count(), 3);
}

/// Dropping an adopted array frees the `Vec` at once, as a `Vec` of its own
/// element type (size and alignment), not into tandem's buffer pool.
#[test]
fn dropping_adopted_arrays_frees_the_vec() {
    let nd = Array2::from_shape_fn((64, 64), |(i, j)| (i + j) as f64);
    let size = std::mem::size_of_val(nd.as_slice().unwrap());
    let a = Array::from(nd);
    let v = a.slice(s![..10, ..]).unwrap(); // a view keeps it alive
    assert!(
        big_frees(|| drop(a)).is_empty(),
        "freed while a view holds it"
    );
    assert_eq!(v.get(&[9, 63]).unwrap(), Scalar::F64(72.0));
    assert_eq!(
        big_frees(|| drop(v)),
        vec![(size, std::mem::align_of::<f64>())]
    );
    let flags = Array::from(ndarray::Array1::from_elem(BIG * 2, true));
    assert_eq!(big_frees(|| drop(flags)), vec![(BIG * 2, 1)]);
    let ints = Array::from(ndarray::Array1::<i32>::zeros(BIG).into_dyn());
    let used = (&ints + 1).sum().item::<i64>().unwrap(); // read by kernels first
    assert_eq!(used, BIG as i64);
    assert_eq!(big_frees(|| drop(ints)), vec![(BIG * 4, 4)]);
}

#[test]
fn adopted_arrays_on_every_device() {
    for_each_device(|info| {
        let f = |(i, j): (usize, usize)| (i * 7 + j) as f32 / 8.0;
        let mut reversed = Array2::from_shape_fn((300, 70), f);
        reversed.invert_axis(Axis(0));
        let mut stepped = Array2::from_shape_fn((300, 70), f);
        stepped.slice_collapse(nd_s![1.., ..;3]);
        let cases = [
            ("C order", Array2::from_shape_fn((300, 70), f)),
            ("Fortran order", Array2::from_shape_fn((300, 70).f(), f)),
            ("reversed rows", reversed),
            ("stepped", stepped),
        ];
        for (name, nd) in cases {
            let want = nd.mapv(|x| x * 3.0 - 1.0).into_dyn();
            let host = Array::from(nd.clone());
            let a = on(info, &host);
            let r = (&a * 3.0 - 1.0).to_ndarray::<f32>().unwrap();
            assert_eq!(r, want, "{name} on {}", label(info));
            // The device copy is a copy: moving it out downloads it, and the
            // adopted array still hands its own Vec back.
            let ptr = host.host_data_ptr();
            assert_eq!(a.into_ndarray::<f32>().unwrap(), nd.clone().into_dyn());
            let back = host.into_ndarray::<f32>().unwrap();
            assert_eq!(back, nd.into_dyn(), "{name} on {}", label(info));
            if name != "stepped" {
                assert_eq!(Some(addr(&back)), ptr, "{name} on {}", label(info));
            }
        }
    });
}
