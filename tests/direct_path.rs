//! The direct path of tiny forces (`core/src/force/direct.rs`): one op over
//! small host data runs without a plan, and gives the same bits as the
//! general path (a kernel planned, fused and run block by block), which an
//! array too large for the direct path takes. Counts, never times.

use tandem::prelude::*;

/// Past the direct path's size bound (2^14 elements).
const LARGE: usize = 20_000;
const SMALL: usize = 1000;

/// `n` values with NaN, infinities, signed zeros, negatives and a spread of
/// magnitudes, as `dtype` (the integer dtypes drop the non-finite ones).
fn values(n: usize, seed: u64, dtype: DType) -> Array {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let v: Vec<f64> = (0..n)
        .map(|i| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            match i % 17 {
                0 => f64::NAN,
                1 => f64::INFINITY,
                2 => f64::NEG_INFINITY,
                3 => -0.0,
                4 => 0.0,
                _ => (u - 0.5) * 10f64.powi((i % 7) as i32 - 2),
            }
        })
        .collect();
    let a = Array::from_vec(v, &[n]).unwrap();
    match dtype {
        DType::F64 => a,
        DType::F32 => a.astype(DType::F32),
        _ => (a.where_finite() * 100.0).astype(dtype),
    }
}

trait Finite {
    fn where_finite(&self) -> Array;
}

impl Finite for Array {
    fn where_finite(&self) -> Array {
        Array::where_(&self.is_finite(), self, 0.0).unwrap()
    }
}

fn bits(a: &Array) -> Vec<u64> {
    match a.dtype() {
        DType::F32 => a
            .to_vec::<f32>()
            .unwrap()
            .iter()
            .map(|v| v.to_bits() as u64)
            .collect(),
        DType::F64 => a
            .to_vec::<f64>()
            .unwrap()
            .iter()
            .map(|v| v.to_bits())
            .collect(),
        _ => a
            .astype(DType::I64)
            .to_vec::<i64>()
            .unwrap()
            .iter()
            .map(|&v| v as u64)
            .collect(),
    }
}

/// `f` over the first `SMALL` elements (the direct path, where the op
/// computes in the operands' dtype) and over all `LARGE` of them (the
/// general path) agree bit for bit on those elements.
fn same_bits(name: &str, dtype: DType, f: impl Fn(&Array, &Array) -> tandem::Result<Array>) {
    let (x, y) = (
        values(LARGE, 1, dtype).eval().unwrap(),
        values(LARGE, 2, dtype).eval().unwrap(),
    );
    let (xs, ys) = (
        x.slice(s![..SMALL as isize]).unwrap().eval().unwrap(),
        y.slice(s![..SMALL as isize]).unwrap().eval().unwrap(),
    );
    let Ok(large) = f(&x, &y) else {
        // Not defined for this dtype: the small form must say so too.
        assert!(f(&xs, &ys).is_err(), "{name} on {dtype}");
        return;
    };
    let large = large.eval().unwrap();
    tandem::reset_stats();
    let small = f(&xs, &ys).unwrap().eval().unwrap();
    let s = tandem::stats();
    if dtype.is_float() {
        assert_eq!(
            (s.forces, s.plan_cache_hits + s.plan_cache_misses),
            (1, 0),
            "{name} on {dtype} takes the direct path: {s:?}"
        );
    }
    let head = large.slice(s![..SMALL as isize]).unwrap();
    assert_eq!(bits(&small), bits(&head), "{name} on {dtype}");
}

#[test]
fn the_direct_path_gives_the_general_paths_bits() {
    type Op = fn(&Array, &Array) -> tandem::Result<Array>;
    let ops: [(&str, Op); 17] = [
        ("add", |x, y| x.try_add(y)),
        ("sub", |x, y| x.try_sub(y)),
        ("mul", |x, y| x.try_mul(y)),
        ("rem", |x, y| x.try_rem(y)),
        ("maximum", |x, y| x.maximum(y)),
        ("minimum", |x, y| x.minimum(y)),
        ("lt", |x, y| x.lt(y)),
        ("eq", |x, y| x.eq(y)),
        ("mul scalar", |x, _| x.try_mul(3)),
        ("scalar sub", |x, _| Ok(2.5 - x)),
        ("neg", |x, _| Ok(-x)),
        ("abs", |x, _| Ok(x.abs())),
        ("sqrt", |x, _| Ok(x.sqrt())),
        ("exp", |x, _| Ok(x.exp())),
        ("sin", |x, _| Ok(x.sin())),
        ("floor", |x, _| Ok(x.floor())),
        ("is_nan", |x, _| Ok(x.is_nan())),
    ];
    for dtype in [DType::F32, DType::F64, DType::I32, DType::I64] {
        for (name, op) in ops {
            same_bits(name, dtype, op);
        }
    }
}

#[test]
fn direct_forces_count_a_kernel_and_its_bytes() {
    let a = values(SMALL, 3, DType::F32).eval().unwrap();
    let b = values(SMALL, 4, DType::F32).eval().unwrap();
    tandem::reset_stats();
    let c = (&a + &b).eval().unwrap();
    let s = tandem::stats();
    assert_eq!(s.total_kernels(), 1, "{s:?}");
    assert_eq!(s.bytes_read, (2 * SMALL * 4) as u64, "{s:?}");
    assert_eq!(s.bytes_written, (SMALL * 4) as u64, "{s:?}");
    assert_eq!(s.allocations, 1, "{s:?}");
    assert_eq!(c.shape(), &[SMALL]);
}

#[test]
fn an_operand_used_twice_or_a_shared_storage_is_read_safely() {
    // The same node on both sides, and two views of one buffer: the
    // direct path locks one operand at a time.
    let a = Array::arange(0.0, 16.0, 1.0, DType::F64)
        .unwrap()
        .eval()
        .unwrap();
    assert_eq!((&a * &a).to_vec::<f64>().unwrap()[3], 9.0);
    let lo = a.slice(s![..8]).unwrap();
    let hi = a.slice(s![8..]).unwrap();
    assert_eq!(
        (&lo + &hi).to_vec::<f64>().unwrap(),
        (0..8).map(|i| (2 * i + 8) as f64).collect::<Vec<_>>()
    );
}

#[test]
fn what_the_direct_path_cannot_read_takes_the_general_path() {
    let a = values(SMALL, 5, DType::F32).eval().unwrap();
    let row = values(10, 6, DType::F32).eval().unwrap();
    let m = a.reshape(&[100, 10]).unwrap();
    let sq = values(1024, 7, DType::F32)
        .reshape(&[32, 32])
        .unwrap()
        .eval()
        .unwrap();
    for (name, x) in [
        // broadcast, transposed, lazy operand
        ("broadcast", &m + &row),
        ("transposed", sq.t() + &sq),
        ("lazy", (&m * 2.0) + &m),
    ] {
        tandem::reset_stats();
        x.eval().unwrap();
        let s = tandem::stats();
        assert_eq!(s.plan_cache_hits + s.plan_cache_misses, 1, "{name}: {s:?}");
    }
    // On a GPU asked for by name, the general path (and its placement) runs.
    tandem::reset_stats();
    let on_gpu = (&a + &a).to_device(Device::Gpu(0));
    let s = tandem::stats();
    if let Ok(g) = on_gpu {
        assert_eq!(s.plan_cache_hits + s.plan_cache_misses, 1, "{s:?}");
        // Read back: the same values (and no GPU work left in flight when
        // the test process exits, which Mesa's lavapipe does not survive).
        assert_eq!(bits(&g), bits(&(&a + &a)));
    }
}
