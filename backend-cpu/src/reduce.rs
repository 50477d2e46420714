//! Kernels that end in a reduction.
//!
//! The kernel's iteration axes are reordered, never the data:
//! - **Runs** (the innermost axis is reduced, or there are few outputs):
//!   reduced axes go last, so each output's elements are one contiguous run
//!   of the flat index. Blocks of values are reduced with SIMD-friendly
//!   lane accumulators: floats sum pairwise (16 lanes, then a tree, as NumPy
//!   or better), arg-reductions find the extreme then its first position.
//!   One output (a full reduction) is split across threads by ranges;
//!   many outputs are split by output.
//! - **Rows** (the innermost axis is kept, e.g. `sum(axis=0)` of a C-order
//!   matrix): reduced axes go first, and each block of consecutive outputs
//!   is folded elementwise into a row of accumulators, so memory streams in
//!   storage order (never column by column). Threads split the outputs.

use crate::exec::{reads, validate, Read, Sink, Src, Workspace, BLOCK};
use crate::jit;
use rayon::prelude::*;
use tandem_core::kernel::{Kernel, Op, Reduction};
use tandem_core::layout::Layout;
use tandem_core::ops::ReduceOp;
use tandem_core::{DType, Error, Result};

/// Outputs below this many use the runs strategy even when the innermost
/// axis is kept: folding rows of a handful of outputs costs a block per row.
const ROWS_MIN_OUTPUTS: usize = 64;
/// Rows of accumulators up to this size are folded per thread over bands of
/// rows (they stay in L2); wider ones are split by column slabs instead.
const ROW_BAND_MAX_BYTES: usize = 256 * 1024;
/// Below this many iterations a reduction runs on the calling thread.
const PARALLEL_MIN: usize = 1 << 16;

/// An element type reductions run on.
pub(crate) trait Red: Copy + PartialOrd + Send + Sync + bytemuck::Pod + 'static {
    const ZERO: Self;
    const ONE: Self;
    /// NaN for floats; unused (zero) for the others.
    const NAN: Self;
    fn is_nan(self) -> bool;
    fn add(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    /// The sum of a slice: pairwise for floats (NumPy's accuracy or better),
    /// wrapping for integers.
    fn sum(v: &[Self]) -> Self;
    fn slice(r: Src<'_>) -> &[Self];
}

macro_rules! red_int {
    ($t:ty, $v:ident, $add:expr, $mul:expr) => {
        impl Red for $t {
            const ZERO: Self = 0;
            const ONE: Self = 1;
            const NAN: Self = 0;
            #[inline(always)]
            fn is_nan(self) -> bool {
                false
            }
            #[inline(always)]
            fn add(self, o: Self) -> Self {
                $add(self, o)
            }
            #[inline(always)]
            fn mul(self, o: Self) -> Self {
                $mul(self, o)
            }
            fn sum(v: &[Self]) -> Self {
                crate::simd::dispatch(
                    #[inline(always)]
                    || v.iter().fold(0 as $t, |a, &x| $add(a, x)),
                )
            }
            fn slice(r: Src<'_>) -> &[Self] {
                match r {
                    Src::$v(v) => v,
                    _ => &[],
                }
            }
        }
    };
}
// Bool values (0 or 1) add and multiply as NumPy's bool `add` and
// `multiply`: logical or and logical and (a sum of 256 trues is true, not a
// wrapped 0). The core sums bools as I64 counts; this is the kernel-level
// `sum` of `Bool` into `Bool`.
red_int!(u8, Bool, |a: u8, b: u8| a | b, |a: u8, b: u8| a & b);
red_int!(i32, I32, i32::wrapping_add, i32::wrapping_mul);
red_int!(i64, I64, i64::wrapping_add, i64::wrapping_mul);
red_int!(u32, U32, u32::wrapping_add, u32::wrapping_mul);

macro_rules! red_float {
    ($t:ty, $v:ident) => {
        impl Red for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const NAN: Self = <$t>::NAN;
            #[inline(always)]
            fn is_nan(self) -> bool {
                self != self
            }
            #[inline(always)]
            fn add(self, o: Self) -> Self {
                self + o
            }
            #[inline(always)]
            fn mul(self, o: Self) -> Self {
                self * o
            }
            fn sum(v: &[Self]) -> Self {
                crate::simd::dispatch(
                    #[inline(always)]
                    || pairwise(v),
                )
            }
            fn slice(r: Src<'_>) -> &[Self] {
                match r {
                    Src::$v(v) => v,
                    _ => &[],
                }
            }
        }
    };
}
red_float!(f32, F32);
red_float!(f64, F64);

/// Lanes of the sum accumulators: four AVX-512 registers of f32, so four
/// independent add chains hide the add latency.
const LANES: usize = 64;
/// Values per leaf of the pairwise tree (16 per lane, as NumPy's 128-value
/// leaves over 8 lanes).
const LEAF: usize = 16 * LANES;

/// The sum of at most [`LEAF`] values: [`LANES`] lanes, combined as a tree.
#[inline(always)]
fn leaf_sum<T: Red>(v: &[T]) -> T {
    let mut acc = [T::ZERO; LANES];
    let chunks = v.chunks_exact(LANES);
    let rest = chunks.remainder();
    for c in chunks {
        let c: &[T; LANES] = c.try_into().expect("chunks_exact gives LANES values");
        for j in 0..LANES {
            acc[j] = acc[j].add(c[j]);
        }
    }
    for (a, &x) in acc.iter_mut().zip(rest) {
        *a = a.add(x);
    }
    lane_tree(acc)
}

/// The lanes of a leaf, added as a tree.
#[inline(always)]
fn lane_tree<T: Red>(mut acc: [T; LANES]) -> T {
    let mut w = LANES;
    while w > 1 {
        w /= 2;
        for i in 0..w {
            acc[i] = acc[i].add(acc[i + w]);
        }
    }
    acc[0]
}

/// `T::sum` of one whole block of [`BLOCK`] values (a single leaf) from its
/// lanes as the JIT's summing loop leaves them (`jit.rs`): the leaf's tree,
/// then pairwise summation's final `+ 0`.
fn block_sum_from_lanes<T: Red>(lanes: &[T]) -> T {
    let lanes: [T; LANES] = lanes.try_into().expect("a block's lanes");
    lane_tree(lanes).add(T::ZERO)
}

// The JIT's summing loop must cut and lay out blocks exactly as this module.
const _: () = assert!(BLOCK == LEAF && BLOCK == jit::SUM_BLOCK && LANES == jit::SUM_LANES);
/// Blocks summed per call of the JIT's loop: their lanes (16 KiB of f64 at
/// most) stay in L1 until folded.
const JIT_BLOCKS: usize = 16;

/// Pairwise summation (NumPy's algorithm, error O(log n)), iterative so
/// that it inlines into the SIMD trampoline: leaf sums are merged like a
/// binary counter, each merge adding two sums of equal size.
#[inline(always)]
fn pairwise<T: Red>(v: &[T]) -> T {
    let mut stack: [(T, u32); 64] = [(T::ZERO, 0); 64];
    let mut depth = 0;
    for leaf in v.chunks(LEAF) {
        let mut s = (leaf_sum(leaf), 0u32);
        while depth > 0 && stack[depth - 1].1 == s.1 {
            depth -= 1;
            s = (stack[depth].0.add(s.0), s.1 + 1);
        }
        stack[depth] = s;
        depth += 1;
    }
    let mut total = T::ZERO;
    while depth > 0 {
        depth -= 1;
        total = stack[depth].0.add(total);
    }
    total
}

/// The state of one output's reduction in the runs strategy.
#[derive(Clone, Debug)]
struct Acc<T> {
    val: T,
    /// Index of `val` (arg-reductions), -1 before any candidate.
    idx: i64,
    /// Block sums, combined pairwise at the end (float sums).
    partials: Vec<T>,
}

impl<T: Red> Acc<T> {
    fn new(op: ReduceOp) -> Acc<T> {
        let val = match op {
            ReduceOp::Prod | ReduceOp::All => T::ONE,
            ReduceOp::NanMin | ReduceOp::NanMax => T::NAN,
            _ => T::ZERO,
        };
        Acc {
            val,
            idx: -1,
            partials: Vec::new(),
        }
    }

    /// Folds in a candidate `(v, i)` that comes after everything seen so far.
    #[inline(always)]
    fn offer(&mut self, op: ReduceOp, v: T, i: i64) {
        let first = self.idx < 0;
        let better = |greater: bool| {
            if greater {
                v > self.val
            } else {
                v < self.val
            }
        };
        let take = match op {
            // NaN wins and then sticks; ties keep the earlier candidate.
            ReduceOp::Max | ReduceOp::ArgMax => {
                first || (!self.val.is_nan() && (v.is_nan() || better(true)))
            }
            ReduceOp::Min | ReduceOp::ArgMin => {
                first || (!self.val.is_nan() && (v.is_nan() || better(false)))
            }
            ReduceOp::NanMax | ReduceOp::NanArgMax => !v.is_nan() && (first || better(true)),
            ReduceOp::NanMin | ReduceOp::NanArgMin => !v.is_nan() && (first || better(false)),
            _ => false,
        };
        if take {
            self.val = v;
            self.idx = i;
        }
    }

    /// Folds in a run of values whose first has index `base`.
    fn fold(&mut self, op: ReduceOp, v: &[T], base: i64, scratch: &mut Vec<T>) {
        if v.is_empty() {
            return;
        }
        match op {
            ReduceOp::Sum => self.partials.push(T::sum(v)),
            ReduceOp::NanSum => {
                scratch.clear();
                scratch.extend(v.iter().map(|&x| if x.is_nan() { T::ZERO } else { x }));
                self.partials.push(T::sum(scratch));
            }
            ReduceOp::Prod => self.val = v.iter().fold(self.val, |a, &x| a.mul(x)),
            ReduceOp::Any => {
                self.val = if self.val != T::ZERO || v.iter().any(|&x| x != T::ZERO) {
                    T::ONE
                } else {
                    T::ZERO
                }
            }
            ReduceOp::All => {
                self.val = if self.val != T::ZERO && v.iter().all(|&x| x != T::ZERO) {
                    T::ONE
                } else {
                    T::ZERO
                }
            }
            _ => {
                let (val, at) = extreme(op, v);
                if let Some(at) = at {
                    self.offer(op, val, base + at as i64);
                }
            }
        }
    }

    /// Folds in the state of a later range of the same output.
    fn merge(&mut self, op: ReduceOp, later: Acc<T>) {
        match op {
            ReduceOp::Sum | ReduceOp::NanSum => self.partials.extend(later.partials),
            ReduceOp::Prod => self.val = self.val.mul(later.val),
            ReduceOp::Any => {
                self.val = if self.val != T::ZERO || later.val != T::ZERO {
                    T::ONE
                } else {
                    T::ZERO
                }
            }
            ReduceOp::All => {
                self.val = if self.val != T::ZERO && later.val != T::ZERO {
                    T::ONE
                } else {
                    T::ZERO
                }
            }
            _ => {
                if later.idx >= 0 {
                    self.offer(op, later.val, later.idx);
                }
            }
        }
    }

    fn finish(self, op: ReduceOp) -> (T, i64) {
        match op {
            ReduceOp::Sum | ReduceOp::NanSum => (T::sum(&self.partials), 0),
            ReduceOp::Max | ReduceOp::Min | ReduceOp::NanMax | ReduceOp::NanMin if self.idx < 0 => {
                (T::NAN, -1)
            }
            _ => (self.val, self.idx),
        }
    }
}

/// Lanes of the min/max search.
const EXT_LANES: usize = 16;

/// The extreme of a run by `op`'s rule and the offset of its first
/// occurrence (`None` if the run has no candidate: all NaN for the
/// NaN-skipping ops). Two passes over an L1-resident run: a lane-parallel
/// min/max of pure selects (a NaN never wins a comparison, so it is skipped
/// there and detected on the side), then a search for its first position.
#[inline(always)]
fn extreme<T: Red>(op: ReduceOp, v: &[T]) -> (T, Option<usize>) {
    let greater = matches!(
        op,
        ReduceOp::Max | ReduceOp::ArgMax | ReduceOp::NanMax | ReduceOp::NanArgMax
    );
    let skip_nan = matches!(
        op,
        ReduceOp::NanMax | ReduceOp::NanArgMax | ReduceOp::NanMin | ReduceOp::NanArgMin
    );
    crate::simd::dispatch(
        #[inline(always)]
        || {
            let Some(seed) = v.iter().position(|x| !x.is_nan()) else {
                return if skip_nan {
                    (T::NAN, None)
                } else {
                    (T::NAN, Some(0))
                };
            };
            let mut lanes = [v[seed]; EXT_LANES];
            let mut nan = [false; EXT_LANES];
            let chunks = v.chunks_exact(EXT_LANES);
            let rest = chunks.remainder();
            for c in chunks {
                for ((b, n), &x) in lanes.iter_mut().zip(nan.iter_mut()).zip(c) {
                    *n |= x.is_nan();
                    *b = if (greater && x > *b) || (!greater && x < *b) {
                        x
                    } else {
                        *b
                    };
                }
            }
            let mut best = v[seed];
            let mut has_nan = seed > 0 || nan.contains(&true);
            for &b in &lanes {
                best = if (greater && b > best) || (!greater && b < best) {
                    b
                } else {
                    best
                };
            }
            for &x in rest {
                has_nan |= x.is_nan();
                best = if (greater && x > best) || (!greater && x < best) {
                    x
                } else {
                    best
                };
            }
            if has_nan && !skip_nan {
                return (T::NAN, v.iter().position(|x| x.is_nan()));
            }
            (best, v.iter().position(|&x| x == best))
        },
    )
}

/// Elementwise fold of one row of values into the row of accumulators
/// (`acc`, `idx` for arg-reductions) at reduced index `r` (rows strategy).
fn fold_row<T: Red>(op: ReduceOp, acc: &mut [T], idx: &mut [i64], v: &[T], r: i64) {
    crate::simd::dispatch(
        #[inline(always)]
        || match op {
            ReduceOp::Sum => acc.iter_mut().zip(v).for_each(|(a, &x)| *a = a.add(x)),
            ReduceOp::NanSum => acc
                .iter_mut()
                .zip(v)
                .for_each(|(a, &x)| *a = if x.is_nan() { *a } else { a.add(x) }),
            ReduceOp::Prod => acc.iter_mut().zip(v).for_each(|(a, &x)| *a = a.mul(x)),
            ReduceOp::Any => acc.iter_mut().zip(v).for_each(|(a, &x)| {
                *a = if *a != T::ZERO || x != T::ZERO {
                    T::ONE
                } else {
                    T::ZERO
                }
            }),
            ReduceOp::All => acc.iter_mut().zip(v).for_each(|(a, &x)| {
                *a = if *a != T::ZERO && x != T::ZERO {
                    T::ONE
                } else {
                    T::ZERO
                }
            }),
            ReduceOp::Max => acc.iter_mut().zip(v).for_each(|(a, &x)| {
                *a = if !a.is_nan() && (x.is_nan() || x > *a) {
                    x
                } else {
                    *a
                }
            }),
            ReduceOp::Min => acc.iter_mut().zip(v).for_each(|(a, &x)| {
                *a = if !a.is_nan() && (x.is_nan() || x < *a) {
                    x
                } else {
                    *a
                }
            }),
            ReduceOp::NanMax => acc
                .iter_mut()
                .zip(v)
                .for_each(|(a, &x)| *a = if x > *a || a.is_nan() { x } else { *a }),
            ReduceOp::NanMin => acc
                .iter_mut()
                .zip(v)
                .for_each(|(a, &x)| *a = if x < *a || a.is_nan() { x } else { *a }),
            ReduceOp::ArgMax | ReduceOp::ArgMin => {
                let greater = op == ReduceOp::ArgMax;
                for ((a, i), &x) in acc.iter_mut().zip(idx.iter_mut()).zip(v) {
                    let take = !a.is_nan() && (x.is_nan() || if greater { x > *a } else { x < *a });
                    *a = if take { x } else { *a };
                    *i = if take { r } else { *i };
                }
            }
            ReduceOp::NanArgMax | ReduceOp::NanArgMin => {
                let greater = op == ReduceOp::NanArgMax;
                for ((a, i), &x) in acc.iter_mut().zip(idx.iter_mut()).zip(v) {
                    let take = !x.is_nan() && (*i < 0 || if greater { x > *a } else { x < *a });
                    *a = if take { x } else { *a };
                    *i = if take { r } else { *i };
                }
            }
        },
    )
}

/// Folds the partial results of a later band of rows (`b`, `bi`) into an
/// earlier one (`a`, `ai`), elementwise, by `op`'s rule (ties keep the
/// earlier band's index).
fn merge_rows<T: Red>(op: ReduceOp, a: &mut [T], ai: &mut [i64], b: &[T], bi: &[i64]) {
    for ((x, xi), (&y, &yi)) in a.iter_mut().zip(ai.iter_mut()).zip(b.iter().zip(bi)) {
        let take = match op {
            ReduceOp::Sum | ReduceOp::NanSum => {
                *x = x.add(y);
                false
            }
            ReduceOp::Prod => {
                *x = x.mul(y);
                false
            }
            ReduceOp::Any => {
                *x = if *x != T::ZERO || y != T::ZERO {
                    T::ONE
                } else {
                    T::ZERO
                };
                false
            }
            ReduceOp::All => {
                *x = if *x != T::ZERO && y != T::ZERO {
                    T::ONE
                } else {
                    T::ZERO
                };
                false
            }
            ReduceOp::Max | ReduceOp::ArgMax => !x.is_nan() && (y.is_nan() || y > *x),
            ReduceOp::Min | ReduceOp::ArgMin => !x.is_nan() && (y.is_nan() || y < *x),
            ReduceOp::NanMax => !y.is_nan() && (x.is_nan() || y > *x),
            ReduceOp::NanMin => !y.is_nan() && (x.is_nan() || y < *x),
            ReduceOp::NanArgMax => yi >= 0 && (*xi < 0 || y > *x),
            ReduceOp::NanArgMin => yi >= 0 && (*xi < 0 || y < *x),
        };
        if take {
            *x = y;
            *xi = yi;
        }
    }
}

/// `kernel` with its axes reordered by `perm` (inputs' layouts follow).
fn permuted(kernel: &Kernel, perm: &[usize]) -> Kernel {
    let mut k = kernel.clone();
    k.shape = perm.iter().map(|&a| kernel.shape[a]).collect();
    for (inp, orig) in k.inputs.iter_mut().zip(&kernel.inputs) {
        inp.layout.shape = k.shape.clone();
        inp.layout.strides = perm.iter().map(|&a| orig.layout.strides[a]).collect();
    }
    k
}

/// Runs a kernel ending in `red`, writing its single output into `out`.
pub(crate) fn run(
    kernel: &Kernel,
    red: &Reduction,
    inputs: &[&[u8]],
    out: &mut [u8],
) -> Result<()> {
    run_with(kernel, red, inputs, out, jit::enabled())
}

/// The strategy for `kernel` (rows, or runs) and its iteration axes
/// reordered for it (see the module docs), with the number of outputs and
/// of values reduced into each.
fn arrangement(kernel: &Kernel, red: &Reduction) -> (bool, Kernel, usize, usize) {
    let nd = kernel.shape.len();
    let kept: Vec<usize> = (0..nd).filter(|a| !red.axes.contains(a)).collect();
    let outputs: usize = kept.iter().map(|&a| kernel.shape[a]).product();
    let per: usize = red.axes.iter().map(|&a| kernel.shape[a]).product();
    let rows = nd > 0 && !red.axes.contains(&(nd - 1)) && outputs >= ROWS_MIN_OUTPUTS;
    let perm: Vec<usize> = if rows {
        red.axes.iter().chain(&kept).copied().collect()
    } else {
        kept.iter().chain(&red.axes).copied().collect()
    };
    (rows, permuted(kernel, &perm), outputs, per)
}

/// Why a reduction is not one for the JIT's summing loop (`jit.rs`).
enum NotForJit {
    /// The sum of a plain input: read in place, nothing to compute.
    PlainInput,
    Because(String),
}

/// Why `op` over value `value` of the arranged kernel `pk` is not for the
/// JIT's summing loop, or `None` when it is (a float sum of a computed
/// value over contiguous runs), whether the JIT then compiles it or not.
fn not_for_jit(op: ReduceOp, pk: &Kernel, value: usize, rows: bool) -> Option<NotForJit> {
    let float = matches!(
        pk.instrs.get(value).map(|i| i.dtype),
        Some(DType::F32 | DType::F64)
    );
    if op != ReduceOp::Sum || !float {
        let why = format!("only float sums are compiled, not {}", op.name());
        return Some(NotForJit::Because(why));
    }
    if rows {
        return Some(NotForJit::Because(
            "sums are compiled over runs, not rows".into(),
        ));
    }
    if load_input(pk, value) != usize::MAX {
        return Some(NotForJit::PlainInput);
    }
    None
}

/// How [`run`] would execute `kernel`, in a few words (for `explain`).
pub(crate) fn describe(kernel: &Kernel, red: &Reduction) -> String {
    let Some(value) = kernel.outputs.first().map(|o| o.value) else {
        return String::new();
    };
    let (rows, pk, ..) = arrangement(kernel, red);
    let strategy = if rows {
        "folding rows of accumulators"
    } else {
        "over contiguous runs"
    };
    let interpreted = |why: String| format!("interpreted in blocks of {BLOCK}, {strategy}: {why}");
    match not_for_jit(red.op, &pk, value, rows) {
        Some(NotForJit::PlainInput) => {
            format!("summed {strategy}, in place (a plain input: nothing to compute)")
        }
        Some(NotForJit::Because(why)) => interpreted(why),
        None => match jit::verdict(&pk, value, true) {
            Ok(()) => "compiled: computed and summed in one AVX loop".into(),
            Err(why) => interpreted(why),
        },
    }
}

/// [`run`], with the JIT (`jit.rs`) allowed or not: the tests compare the two.
pub(crate) fn run_with(
    kernel: &Kernel,
    red: &Reduction,
    inputs: &[&[u8]],
    out: &mut [u8],
    allow_jit: bool,
) -> Result<()> {
    validate(kernel, inputs)?;
    let [output] = kernel.outputs.as_slice() else {
        return Err(Error::invalid(
            "cpu reduction",
            "a reduction kernel has exactly one output",
        ));
    };
    let nd = kernel.shape.len();
    if red.axes.iter().any(|&a| a >= nd) || red.axes.windows(2).any(|w| w[0] >= w[1]) {
        return Err(Error::invalid(
            "cpu reduction",
            format!(
                "bad reduction axes {:?} for shape {:?}",
                red.axes, kernel.shape
            ),
        ));
    }
    let kept: Vec<usize> = (0..nd).filter(|a| !red.axes.contains(a)).collect();
    let kept_shape: Vec<usize> = kept.iter().map(|&a| kernel.shape[a]).collect();
    let elems = out.len() / output.dtype.size_of();
    if output.layout.shape != kept_shape
        || output.layout.span().is_some_and(|(_, hi)| hi > elems)
        || !crate::exec::injective(&output.layout)
    {
        return Err(Error::invalid(
            "cpu reduction",
            format!(
                "output layout {:?} does not fit the reduced shape {kept_shape:?}",
                output.layout
            ),
        ));
    }
    let (rows, pk, outputs, per) = arrangement(kernel, red);
    let reads = reads(&pk, inputs);
    let value = output.value;
    let vdtype = kernel.instrs[value].dtype;
    let want = if red.op.is_arg() { DType::I64 } else { vdtype };
    if output.dtype != want {
        return Err(Error::invalid(
            "cpu reduction",
            format!(
                "{} of {vdtype} writes {want}, not {}",
                red.op.name(),
                output.dtype
            ),
        ));
    }
    // A float sum of a computed value over contiguous runs: the JIT's loop
    // computes and sums it in one pass.
    let summer = if allow_jit && not_for_jit(red.op, &pk, value, rows).is_none() {
        jit::compile_sum(&pk, &reads, value)
    } else {
        None
    };
    let summer = summer.as_ref();
    let sink = Sink::new(out);
    macro_rules! go {
        ($t:ty) => {{
            let (vals, idx) = if rows {
                by_rows::<$t>(&pk, &reads, value, red.op, per, outputs)?
            } else {
                by_runs::<$t>(&pk, &reads, value, red.op, per, outputs, summer)?
            };
            if red.op.is_arg() {
                write(&sink, &output.layout, bytemuck::cast_slice(&idx), 8);
            } else {
                write(
                    &sink,
                    &output.layout,
                    bytemuck::cast_slice(&vals),
                    std::mem::size_of::<$t>(),
                );
            }
        }};
    }
    match vdtype {
        DType::Bool => go!(u8),
        DType::I32 => go!(i32),
        DType::I64 => go!(i64),
        DType::U32 => go!(u32),
        DType::F32 => go!(f32),
        DType::F64 => go!(f64),
    }
    Ok(())
}

/// Writes results (C order over the output's shape) through its layout.
fn write(sink: &Sink, layout: &Layout, bytes: &[u8], size: usize) {
    if bytes.is_empty() {
        return;
    }
    if layout.is_contiguous() {
        sink.write(layout.offset * size, bytes);
    } else {
        crate::exec::scatter(
            sink,
            size,
            bytes,
            layout,
            0,
            &mut vec![0; layout.shape.len()],
        );
    }
}

/// Evaluates flat range `start..end` in blocks, calling `f(offset, values)`.
/// When the value is a plain load of a contiguous input, the input's own
/// memory is handed over, in longer runs, with no copy.
fn blocks<T: Red>(
    ws: &mut Workspace,
    k: &Kernel,
    reads: &[Read],
    value: usize,
    start: usize,
    end: usize,
    mut f: impl FnMut(usize, &[T]),
) -> Result<()> {
    if let Some(Read::Contiguous { bytes, offset }) = reads.get(load_input(k, value)) {
        let all: &[T] = bytemuck::cast_slice(bytes);
        let mut s = start;
        while s < end {
            let len = (BLOCK * 16).min(end - s);
            f(s, &all[offset + s..offset + s + len]);
            s += len;
        }
        return Ok(());
    }
    let mut s = start;
    while s < end {
        let len = BLOCK.min(end - s);
        let v = ws.values(k, reads, value, s, len)?;
        f(s, T::slice(v));
        s += len;
    }
    Ok(())
}

/// The input a `Load` value reads (or an index past the inputs otherwise).
fn load_input(k: &Kernel, value: usize) -> usize {
    match k.instrs[value].op {
        Op::Load(i) => i,
        _ => usize::MAX,
    }
}

/// The runs strategy: output `o` reduces flat indices `o*per .. (o+1)*per`.
fn by_runs<T: Red>(
    k: &Kernel,
    reads: &[Read],
    value: usize,
    op: ReduceOp,
    per: usize,
    outputs: usize,
    summer: Option<&jit::Fused>,
) -> Result<(Vec<T>, Vec<i64>)> {
    let finish = |accs: Vec<Acc<T>>| -> (Vec<T>, Vec<i64>) {
        accs.into_iter().map(|a| a.finish(op)).unzip()
    };
    // Reduce flat range [start, end) (within outputs o0..) into one Acc per output touched.
    let range =
        |ws: &mut Workspace, o0: usize, o1: usize, r0: usize, r1: usize| -> Result<Vec<Acc<T>>> {
            let mut accs: Vec<Acc<T>> = (o0..o1).map(|_| Acc::new(op)).collect();
            let mut scratch = Vec::new();
            for o in o0..o1 {
                let base = o * per;
                let mut from = base + r0;
                if let Some(f) = summer {
                    // Whole blocks in the JIT's loop (the same blocks, and
                    // the same partial sums, as `blocks` below would give).
                    let whole = (r1 - r0) / BLOCK;
                    let mut lanes = vec![T::ZERO; whole.min(JIT_BLOCKS) * LANES];
                    let mut b = 0;
                    while b < whole {
                        let count = (whole - b).min(JIT_BLOCKS);
                        let lanes = &mut lanes[..count * LANES];
                        f.sum_lanes(bytemuck::cast_slice_mut(lanes), from, count);
                        let acc = &mut accs[o - o0];
                        acc.partials
                            .extend(lanes.chunks_exact(LANES).map(block_sum_from_lanes));
                        from += count * BLOCK;
                        b += count;
                    }
                }
                blocks::<T>(ws, k, reads, value, from, base + r1, |s, v| {
                    accs[o - o0].fold(op, v, (s - base) as i64, &mut scratch);
                })?;
            }
            Ok(accs)
        };
    let n = outputs * per;
    if n < PARALLEL_MIN || outputs == 0 {
        let mut ws = Workspace::new(k, BLOCK, false);
        return Ok(finish(range(&mut ws, 0, outputs, 0, per)?));
    }
    let threads = rayon::current_num_threads().max(1);
    if outputs >= threads * 4 {
        let chunk = outputs.div_ceil(threads * 4);
        let parts = (0..outputs.div_ceil(chunk))
            .into_par_iter()
            .map_init(
                || Workspace::new(k, BLOCK, false),
                |ws, c| range(ws, c * chunk, ((c + 1) * chunk).min(outputs), 0, per),
            )
            .collect::<Result<Vec<_>>>()?;
        return Ok(finish(parts.into_iter().flatten().collect()));
    }
    // Few outputs: split each one's run across threads, merge in order.
    let chunk = (per.div_ceil(threads * 4)).div_ceil(BLOCK).max(1) * BLOCK;
    let mut accs = Vec::with_capacity(outputs);
    for o in 0..outputs {
        let parts = (0..per.div_ceil(chunk))
            .into_par_iter()
            .map_init(
                || Workspace::new(k, BLOCK, false),
                |ws, c| {
                    range(ws, o, o + 1, c * chunk, ((c + 1) * chunk).min(per))
                        .map(|mut v| v.remove(0))
                },
            )
            .collect::<Result<Vec<_>>>()?;
        let mut it = parts.into_iter();
        let mut acc = it.next().unwrap_or_else(|| Acc::new(op));
        for later in it {
            acc.merge(op, later);
        }
        accs.push(acc);
    }
    Ok(finish(accs))
}

/// The rows strategy: flat index `r*outputs + o`; each thread folds rows
/// of its own output range into a row of accumulators.
fn by_rows<T: Red>(
    k: &Kernel,
    reads: &[Read],
    value: usize,
    op: ReduceOp,
    per: usize,
    outputs: usize,
) -> Result<(Vec<T>, Vec<i64>)> {
    let init = match op {
        ReduceOp::Prod | ReduceOp::All => T::ONE,
        ReduceOp::NanMax | ReduceOp::NanMin => T::NAN,
        _ => T::ZERO,
    };
    // Extremes start from the first row; so do the NaN-skipping ones on
    // types without NaN (their NaN placeholder would be a real value, 0).
    let seeded = matches!(
        op,
        ReduceOp::Max | ReduceOp::Min | ReduceOp::ArgMax | ReduceOp::ArgMin
    ) || (matches!(op, ReduceOp::NanMax | ReduceOp::NanMin) && !T::NAN.is_nan());
    // Rows r0..r1 of outputs o0..o1 folded into one row of accumulators.
    let slab = |ws: &mut Workspace,
                o0: usize,
                o1: usize,
                r0: usize,
                r1: usize|
     -> Result<(Vec<T>, Vec<i64>)> {
        let mut acc = vec![init; o1 - o0];
        let mut idx = vec![if seeded { r0 as i64 } else { -1 }; o1 - o0];
        for r in r0..r1 {
            let base = r * outputs;
            blocks::<T>(ws, k, reads, value, base + o0, base + o1, |s, v| {
                let at = s - base - o0;
                if r == r0 && seeded {
                    acc[at..at + v.len()].copy_from_slice(v);
                } else {
                    fold_row(
                        op,
                        &mut acc[at..at + v.len()],
                        &mut idx[at..at + v.len()],
                        v,
                        r as i64,
                    );
                }
            })?;
        }
        if r0 == r1 && matches!(op, ReduceOp::Max | ReduceOp::Min) {
            acc.fill(T::NAN);
        }
        Ok((acc, idx))
    };
    if outputs * per < PARALLEL_MIN {
        let mut ws = Workspace::new(k, BLOCK, false);
        return slab(&mut ws, 0, outputs, 0, per);
    }
    let threads = rayon::current_num_threads().max(1);
    if outputs * std::mem::size_of::<T>() <= ROW_BAND_MAX_BYTES && per >= threads {
        // A row of accumulators fits in cache: each thread folds a band of
        // whole rows (one contiguous stream, which the prefetchers love),
        // and the bands' rows of partial results are merged in order.
        let band = per.div_ceil(threads);
        let parts = (0..per.div_ceil(band))
            .into_par_iter()
            .map_init(
                || Workspace::new(k, BLOCK, false),
                |ws, b| slab(ws, 0, outputs, b * band, ((b + 1) * band).min(per)),
            )
            .collect::<Result<Vec<_>>>()?;
        let mut it = parts.into_iter();
        let (mut acc, mut idx) = it.next().expect("at least one band");
        for (v, i) in it {
            merge_rows(op, &mut acc, &mut idx, &v, &i);
        }
        return Ok((acc, idx));
    }
    // Slabs of whole blocks, several per thread; each thread streams its
    // columns of every row, so memory is read in storage order.
    let chunk = (outputs.div_ceil(threads * 2)).div_ceil(BLOCK).max(1) * BLOCK;
    let parts = (0..outputs.div_ceil(chunk))
        .into_par_iter()
        .map_init(
            || Workspace::new(k, BLOCK, false),
            |ws, c| slab(ws, c * chunk, ((c + 1) * chunk).min(outputs), 0, per),
        )
        .collect::<Result<Vec<_>>>()?;
    let mut vals = Vec::with_capacity(outputs);
    let mut idx = Vec::with_capacity(outputs);
    for (v, i) in parts {
        vals.extend(v);
        idx.extend(i);
    }
    Ok((vals, idx))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_is_exact_on_integers_and_close_on_floats() {
        let v: Vec<f32> = (0..100_000).map(|i| (i % 7) as f32).collect();
        let exact: f64 = v.iter().map(|&x| x as f64).sum();
        assert_eq!(pairwise(&v) as f64, exact);
        let w: Vec<f32> = (0..1_000_000)
            .map(|i| 0.1 + (i % 3) as f32 * 1e-3)
            .collect();
        let exact: f64 = w.iter().map(|&x| x as f64).sum();
        assert!(((pairwise(&w) as f64 - exact) / exact).abs() < 1e-6);
    }

    #[test]
    fn extreme_finds_first_nan_and_first_tie() {
        let v = [1.0f32, 3.0, 3.0, f32::NAN, 5.0, f32::NAN];
        assert_eq!(extreme(ReduceOp::ArgMax, &v).1, Some(3));
        assert_eq!(extreme(ReduceOp::NanArgMax, &v), (5.0, Some(4)));
        let w: Vec<f32> = (0..100).map(|i| (i % 10) as f32).collect();
        assert_eq!(extreme(ReduceOp::ArgMax, &w), (9.0, Some(9)));
        assert_eq!(extreme(ReduceOp::NanArgMin, &[f32::NAN; 20]).1, None);
    }
}
