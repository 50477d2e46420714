//! Hard limits (issue 14): hostile and extreme inputs, one test per class
//! of failure rather than one per input.
//!
//! - Shape arithmetic never wraps: a shape whose element count or byte size
//!   cannot be addressed is an error (NumPy's "array is too big"), never a
//!   wrong-but-`Ok` array; slicing with any `isize` step gives NumPy's answer.
//! - Reductions with no identity never panic on empty input: the `Array`
//!   forms give a value whose read fails, on every device.
//! - Deep and wide graphs, and a failed value extended in a long loop, cost
//!   no stack overflow and no quadratic time (a 10^6-leaf tree is planned
//!   and run in linear time).
//!
//! The NumPy answers below were computed with NumPy 2.4 (the expressions
//! are in the comments).

mod common;

use common::*;
use std::time::{Duration, Instant};
use tandem::prelude::*;

/// `r` is an `InvalidArgument` error whose message names `op` and says `what`.
fn assert_invalid<T: std::fmt::Debug>(r: Result<T>, op: &str, what: &str) {
    match r {
        Err(e @ Error::InvalidArgument { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains(op), "{msg:?} does not name {op}");
            assert!(msg.contains(what), "{msg:?} does not say {what:?}");
        }
        other => panic!("expected InvalidArgument from {op} ({what}), got {other:?}"),
    }
}

fn too_big<T: std::fmt::Debug>(r: Result<T>, op: &str) {
    assert_invalid(r, op, "too big");
}

// ---------------------------------------------------------------------------
// Class 1: shape arithmetic never wraps

#[test]
fn shapes_too_big_to_address_are_errors_not_wrapped_arrays() {
    // np.zeros(2**62) and np.zeros((2**32, 2**32)): "array is too big".
    for shape in [
        vec![1usize << 62],
        vec![1 << 32, 1 << 32],
        vec![usize::MAX, 2],
        vec![usize::MAX, usize::MAX, usize::MAX],
    ] {
        let z = Array::zeros(&shape, DType::F64);
        // The shape is what was asked for, and nothing wrapped to a small size.
        assert_eq!(z.shape(), &shape[..]);
        // (A size that overflows `usize` saturates rather than wraps.)
        let size = shape.iter().fold(1usize, |a, &n| a.saturating_mul(n));
        assert_eq!(z.size(), size);
        too_big(z.to_vec::<f64>(), "array");
        too_big(z.eval(), "array");
        // Anything built on it fails the same way when read.
        too_big((&z + 1.0).sum().item::<f64>(), "array");
        too_big(Array::full(&shape, 1i32).to_vec::<i32>(), "array");
        // 2^62 bools are addressable (NumPy: MemoryError), the rest too big.
        match Array::ones(&shape, DType::Bool).to_vec::<bool>() {
            Err(Error::OutOfMemory { .. }) if shape == [1 << 62] => {}
            r => too_big(r, "array"),
        }
    }
    // The byte size counts, not only the element count: 2**61 f64 is 2**64 bytes.
    too_big(Array::zeros(&[1 << 61], DType::F64).eval(), "array");
    // np.zeros((0, 2**59)) is fine, np.zeros((0, 2**60)) is too big: the
    // other lengths count even in an empty array (they make its strides).
    let empty = Array::zeros(&[0, 1 << 59], DType::F64);
    assert_eq!(empty.to_vec::<f64>().unwrap(), Vec::<f64>::new());
    too_big(Array::zeros(&[0, 1 << 60], DType::F64).eval(), "array");
    // The Result forms say so at the call.
    too_big(
        Array::from_vec(Vec::<f32>::new(), &[0, usize::MAX, 2]),
        "from_vec",
    );
}

#[test]
fn shape_ops_check_the_size_of_what_they_build() {
    let one = Array::zeros(&[1], DType::F64);
    // np.broadcast_to(np.zeros(1), (2**62,)): too big even as a view.
    too_big(one.broadcast_to(&[1 << 62]), "broadcast_to");
    too_big(one.broadcast_to(&[usize::MAX]), "broadcast_to");
    // A broadcast view that fits is fine, and its reductions' shapes too.
    let wide = Array::zeros(&[1], DType::F32)
        .broadcast_to(&[1 << 40, 1 << 20])
        .unwrap();
    assert_eq!(wide.size(), 1 << 60);
    assert_eq!(wide.sum_axis(0, false).unwrap().shape(), &[1 << 20]);
    assert_eq!(wide.max_axis(1, true).unwrap().shape(), &[1 << 40, 1]);
    assert_eq!(wide.expand_dims(1).unwrap().shape(), &[1 << 40, 1, 1 << 20]);
    assert_eq!(wide.t().shape(), &[1 << 20, 1 << 40]);
    // Two addressable shapes that broadcast to one too big.
    let col = Array::zeros(&[1], DType::F32)
        .broadcast_to(&[1 << 40, 1])
        .unwrap();
    let row = Array::zeros(&[1], DType::F32)
        .broadcast_to(&[1, 1 << 40])
        .unwrap();
    too_big(col.try_add(&row), "add");
    too_big(col.maximum(&row), "maximum");
    too_big(Array::where_(&col.gt(0.0).unwrap(), &col, &row), "where");
    // Reshape: an empty array may not take lengths whose product wraps.
    let e = Array::zeros(&[0], DType::F32);
    too_big(e.reshape(&[0, 1 << 62, 1 << 62]), "reshape");
    assert!(
        e.reshape(&[0, -1]).is_err(),
        "-1 next to 0 cannot be inferred"
    );
    assert_eq!(
        e.reshape(&[4, 0, 1 << 40]).unwrap().shape(),
        &[4, 0, 1 << 40]
    );
    // Joins: lengths that add past what can be addressed.
    let half = Array::zeros(&[1], DType::Bool)
        .broadcast_to(&[1 << 62])
        .unwrap();
    too_big(Array::concatenate(&[&half, &half], 0), "concatenate");
    too_big(
        Array::concatenate(&[&half, &half, &half, &half], 0),
        "concatenate",
    );
    // (stack is a concatenate of expanded views, and says so.)
    too_big(Array::stack(&[&half, &half], 0), "concatenate");
    // Products: [2^32, 1] @ [1, 2^32] is 2^64 elements.
    let a = Array::ones(&[1], DType::F32)
        .broadcast_to(&[1 << 32, 1])
        .unwrap();
    let b = Array::ones(&[1], DType::F32)
        .broadcast_to(&[1, 1 << 32])
        .unwrap();
    too_big(a.matmul(&b), "matmul");
    let v = Array::ones(&[1], DType::F32)
        .broadcast_to(&[1 << 32])
        .unwrap();
    assert!(
        v.outer(&v).is_err(),
        "outer of two 2^32 vectors is 2^64 elements"
    );
}

#[test]
fn slicing_with_any_isize_step_matches_numpy() {
    let a = Array::arange(0.0, 10.0, 1.0, DType::I64).unwrap();
    let get = |r: Result<Array>| r.unwrap().to_vec::<i64>().unwrap();
    // a = np.arange(10); a[::-(2**63)] == [9]; a[::2**63-1] == [0]
    assert_eq!(get(a.slice(s![..;isize::MIN])), vec![9]);
    assert_eq!(get(a.slice(s![..;isize::MAX])), vec![0]);
    // a[9::-(2**63)] == [9]; a[-2**63:2**63-1:3] == [0, 3, 6, 9]
    assert_eq!(get(a.slice(s![9..;isize::MIN])), vec![9]);
    assert_eq!(get(a.slice(s![isize::MIN..isize::MAX;3])), vec![0, 3, 6, 9]);
    // a[2**63-1:-2**63:-4] == [9, 5, 1]
    assert_eq!(get(a.slice(s![isize::MAX..isize::MIN;-4])), vec![9, 5, 1]);
    // a[5::2**63-1] == [5]; a[5::-(2**63-1)] == [5]; a[:5:-(2**63)] == [9]
    assert_eq!(get(a.slice(s![5..;isize::MAX])), vec![5]);
    assert_eq!(get(a.slice(s![5..;-isize::MAX])), vec![5]);
    assert_eq!(get(a.slice(s![..5;isize::MIN])), vec![9]);
    // a[:2**63-1] is everything; a[2**63-1:] and a[:-2**63] are empty.
    assert_eq!(get(a.slice(s![..isize::MAX])), (0..10).collect::<Vec<_>>());
    assert_eq!(get(a.slice(s![isize::MAX..])), Vec::<i64>::new());
    assert_eq!(get(a.slice(s![..isize::MIN])), Vec::<i64>::new());
    // A usize bound past isize::MAX is a huge bound, not a negative index.
    assert_eq!(get(a.slice(s![..usize::MAX])), (0..10).collect::<Vec<_>>());
    assert_eq!(
        get(a.slice(s![2..=usize::MAX])),
        (2..10).collect::<Vec<_>>()
    );
    assert_eq!(get(a.slice(s![..=isize::MAX])), (0..10).collect::<Vec<_>>());
    assert!(
        a.slice(s![usize::MAX]).is_err(),
        "an index that large is out of bounds"
    );
    // Steps on a strided (2-d, then reversed) view compose without wrapping:
    // b = np.arange(30).reshape(3, 10)[::-1]; b[::2**63-1, ::-(2**63)] == [[29]]
    let b = Array::arange(0.0, 30.0, 1.0, DType::I64)
        .unwrap()
        .reshape(&[3, 10])
        .unwrap()
        .slice(s![..;-1])
        .unwrap();
    let c = b.slice(s![..;isize::MAX, ..;isize::MIN]).unwrap();
    assert_eq!(c.shape(), &[1, 1]);
    assert_eq!(c.to_vec::<i64>().unwrap(), vec![29]);
    // b[::-(2**63), 3::2**62] == [[3]]
    let d = b.slice(s![..;isize::MIN, 3..;1isize << 62]).unwrap();
    assert_eq!(d.to_vec::<i64>().unwrap(), vec![3]);
    // The same through a lazy value (the view is pushed into a kernel),
    // on every device.
    for_each_device(|info| {
        let lazy = &on(info, &b) * 1i64;
        let e = lazy.slice(s![..;isize::MIN, 3..;isize::MAX]).unwrap();
        assert_eq!(e.to_vec::<i64>().unwrap(), vec![3], "{}", label(info));
        let f = lazy
            .slice(s![isize::MAX..isize::MIN;-2, ..;isize::MIN])
            .unwrap();
        // b[2**63-1:-2**63:-2, ::-(2**63)] == [[9], [29]] (b is reversed)
        assert_eq!(f.to_vec::<i64>().unwrap(), vec![9, 29], "{}", label(info));
    });
}

// ---------------------------------------------------------------------------
// Class 2: reductions without an identity on empty input

type Whole = fn(&Array) -> Array;
type TryWhole = fn(&Array) -> Result<Array>;
type Axis = fn(&Array, isize, bool) -> Result<Array>;

const IDENTITYLESS: [(&str, Whole, TryWhole, Axis); 8] = [
    ("max", Array::max, Array::try_max, Array::max_axis),
    ("min", Array::min, Array::try_min, Array::min_axis),
    (
        "nanmax",
        Array::nanmax,
        Array::try_nanmax,
        Array::nanmax_axis,
    ),
    (
        "nanmin",
        Array::nanmin,
        Array::try_nanmin,
        Array::nanmin_axis,
    ),
    (
        "argmax",
        Array::argmax,
        Array::try_argmax,
        Array::argmax_axis,
    ),
    (
        "argmin",
        Array::argmin,
        Array::try_argmin,
        Array::argmin_axis,
    ),
    (
        "nanargmax",
        Array::nanargmax,
        Array::try_nanargmax,
        Array::nanargmax_axis,
    ),
    (
        "nanargmin",
        Array::nanargmin,
        Array::try_nanargmin,
        Array::nanargmin_axis,
    ),
];

#[test]
fn identityless_reductions_of_nothing_fail_when_read_never_panic() {
    let mut devices = 0;
    for_each_device(|info| {
        devices += 1;
        let at = label(info);
        for dtype in [DType::F32, DType::I32] {
            let empty = on(info, &Array::zeros(&[0], dtype).eval().unwrap());
            let rows = on(info, &Array::zeros(&[3, 0], dtype).eval().unwrap());
            let cols = on(info, &Array::zeros(&[0, 3], dtype).eval().unwrap());
            for (op, whole, try_whole, axis) in IDENTITYLESS {
                let what = "no identity";
                // np.zeros(0).max() raises: the Array form defers it to the read.
                let r = whole(&empty);
                assert_eq!(r.shape(), &[] as &[usize], "{op} on {at}");
                assert_invalid(r.to_vec::<f64>().or(r.eval().map(|_| vec![])), op, what);
                assert_invalid(r.eval(), op, what);
                assert_invalid(r.get(&[]), op, what);
                let shown = format!("{r}");
                assert!(shown.contains("no identity"), "{op}: {shown}");
                // Built on, it still fails with the reduction's error.
                assert_invalid((&r + 1).eval(), op, what);
                assert_invalid(try_whole(&empty), op, what);
                assert_invalid(try_whole(&rows), op, what);
                assert_invalid(whole(&cols).eval(), op, what);
                // np.zeros((3, 0)).max(axis=1) raises, axis=0 gives an empty [0].
                assert_invalid(axis(&rows, 1, false), op, what);
                assert_invalid(axis(&rows, -1, true), op, what);
                let r = axis(&rows, 0, false).unwrap_or_else(|e| panic!("{op} on {at}: {e}"));
                assert_eq!(r.shape(), &[0], "{op}(axis=0) of [3, 0] on {at}");
                assert_eq!(r.eval().unwrap().size(), 0, "{op} on {at}");
                let k = axis(&rows, 0, true).unwrap();
                assert_eq!(k.shape(), &[1, 0], "{op} keepdims on {at}");
                assert_eq!(k.eval().unwrap().size(), 0);
                // np.zeros((0, 3)).max(axis=0) raises, axis=1 gives an empty [0].
                assert_invalid(axis(&cols, 0, false), op, what);
                let r = axis(&cols, 1, false).unwrap();
                assert_eq!(r.shape(), &[0]);
                assert_eq!(r.eval().unwrap().size(), 0, "{op} on {at}");
            }
        }
    });
    assert!(devices >= 1);
}

// ---------------------------------------------------------------------------
// Class 3: deep and wide graphs, long loops over failed values

#[test]
fn a_failed_value_extended_in_a_long_loop_reports_its_error_in_linear_time() {
    // All-NaN: nanargmax's failure is found only when the kernel runs,
    // so the first depth-bound flush meets it, and from then on the loop
    // builds on a failed value.
    let nan = Array::from_vec(vec![f64::NAN; 4], &[4]).unwrap();
    let timed = |n: usize| {
        let start = Instant::now();
        let mut x = nan.nanargmax();
        for _ in 0..n {
            x = &x + 1;
        }
        let r = x.item::<i64>();
        drop(x);
        (start.elapsed(), r)
    };
    let (small, r) = timed(10_000);
    assert_invalid(r, "nanargmax", "All-NaN");
    let (large, r) = timed(100_000);
    assert_invalid(r, "nanargmax", "All-NaN");
    // Linear: 10x the steps in well under 100x the time (quadratic was
    // ~5·10^9 node visits at 10^5 steps), and under a bound in absolute terms.
    assert!(
        large < small * 40 + Duration::from_millis(500),
        "10^4 steps took {small:?}, 10^5 took {large:?}"
    );
    assert!(large < Duration::from_secs(20), "10^5 steps took {large:?}");

    // Running out of memory is a failure too: a loop over a value too big
    // to allocate (but addressable) keeps no graph and reports the error.
    let start = Instant::now();
    let mut z = Array::zeros(&[1 << 59], DType::F64);
    for _ in 0..100_000 {
        z = &z + 1.0;
    }
    match z.eval() {
        Err(Error::OutOfMemory { .. }) => {}
        other => panic!("expected OutOfMemory, got {:?}", other.map(|_| ())),
    }
    drop(z);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );

    // A failure known at the call (an empty max) costs O(1) per step too.
    let mut y = Array::zeros(&[0], DType::F32).max();
    let start = Instant::now();
    for _ in 0..1_000_000 {
        y = y.sqrt();
    }
    assert_invalid(y.eval(), "max", "no identity");
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn a_very_wide_graph_is_read_and_dropped_without_overflow() {
    // A balanced tree of adds over 10^6 float leaves: 2·10^6 nodes, one
    // root, planned in linear time (the CPU JIT looked each input up in a
    // list of the kernel's inputs so far: 10^6 leaves took minutes). Float,
    // so the JIT is asked; every partial sum is an integer below 2^53, exact.
    let n = 1_000_000usize;
    let mut level: Vec<Array> = (0..n)
        .map(|i| Array::from_vec(vec![i as f64], &[1]).unwrap())
        .collect();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|p| {
                if p.len() == 2 {
                    &p[0] + &p[1]
                } else {
                    p[0].clone()
                }
            })
            .collect();
    }
    let root = level.pop().unwrap();
    assert_eq!(
        root.to_vec::<f64>().unwrap(),
        vec![(n * (n - 1) / 2) as f64]
    );
    // And unread: the whole tree is dropped by the last handle.
    let leaf = Array::from_vec(vec![1.0f32], &[1]).unwrap();
    let mut wide: Vec<Array> = (0..n).map(|i| &leaf * i as f64).collect();
    while wide.len() > 1 {
        wide = wide
            .chunks(2)
            .map(|p| {
                if p.len() == 2 {
                    &p[0] + &p[1]
                } else {
                    p[0].clone()
                }
            })
            .collect();
    }
    drop(wide);
}

// ---------------------------------------------------------------------------
// Class 4: constructors never abort or panic on absurd sizes

#[test]
fn constructors_fail_with_errors_for_absurd_sizes() {
    let oom = |r: Result<Array>, what: &str| match r {
        Err(Error::OutOfMemory { .. }) => {}
        other => panic!(
            "{what}: expected OutOfMemory, got {:?}",
            other.map(|a| a.shape().to_vec())
        ),
    };
    // Too big to address: InvalidArgument, from the Array form when read
    // and from the try_ form at once.
    too_big(Array::eye(usize::MAX, DType::F32).eval(), "eye");
    too_big(Array::eye(1 << 40, DType::F64).eval(), "eye");
    assert_eq!(Array::eye(1 << 40, DType::F64).shape(), &[1 << 40, 1 << 40]);
    too_big(Array::try_eye(1 << 32, DType::I32), "eye");
    too_big(
        Array::linspace(0.0, 1.0, usize::MAX, DType::F32).eval(),
        "linspace",
    );
    too_big(
        Array::try_linspace(0.0, 1.0, 1 << 61, DType::F64),
        "linspace",
    );
    // Addressable but far past any machine's memory (2^59 to 2^62 bytes):
    // OutOfMemory, never an abort.
    oom(Array::eye(1 << 28, DType::F64).eval(), "eye");
    oom(Array::try_eye(1 << 29, DType::Bool), "try_eye");
    oom(
        Array::linspace(0.0, 1.0, 1 << 59, DType::F64).eval(),
        "linspace",
    );
    oom(
        Array::try_linspace(0.0, 1.0, 1 << 60, DType::I32),
        "try_linspace",
    );
    oom(
        Array::arange(0.0, (1u64 << 59) as f64, 1.0, DType::F64),
        "arange",
    );
    oom(Array::zeros(&[1 << 59], DType::F64).eval(), "zeros");
    oom(Array::ones(&[1 << 30, 1 << 30], DType::F32).eval(), "ones");
    oom((Array::full(&[1 << 60], 2i32) + 1).eval(), "full + 1");
    // Placed on each device: still an error, not a panic or an abort.
    for_each_device(|info| {
        let r = Array::zeros(&[1 << 59], DType::F64).to_device(info.device);
        assert!(r.is_err(), "zeros(2^59) on {}", label(info));
    });
    // Sanity: the small ones still work.
    assert_eq!(
        Array::eye(2, DType::F64).to_vec::<f64>().unwrap(),
        vec![1.0, 0.0, 0.0, 1.0]
    );
    assert_eq!(
        Array::linspace(0.0, 1.0, 3, DType::F64)
            .to_vec::<f64>()
            .unwrap(),
        vec![0.0, 0.5, 1.0]
    );
}
