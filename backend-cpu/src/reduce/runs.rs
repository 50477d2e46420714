//! The runs strategy: reduced axes go last, so each output's elements are
//! one contiguous run of the flat index. Blocks of values are reduced with
//! SIMD-friendly lane accumulators (float sums pairwise, see `red.rs`);
//! arg-reductions find the extreme and its first position (`extreme.rs`).
//! One output (a full reduction) is split across threads by ranges; many
//! outputs are split by output.

use super::blocks::{blocks, PARALLEL_MIN};
use super::columns::SHORT_MAX;
use super::extreme::extreme;
use super::red::{block_sum_from_lanes, Red, JIT_BLOCKS, LANES};
use super::short_rows::numpy_sum;
use crate::block::{Read, BLOCK};
use crate::exec::Workspace;
use crate::jit;
use rayon::prelude::*;
use tandem_core::kernel::Kernel;
use tandem_core::ops::ReduceOp;
use tandem_core::Result;

/// The state of one output's reduction in the runs strategy.
#[derive(Clone, Debug)]
struct Acc<T> {
    val: T,
    /// Index of `val` (arg-reductions), -1 before any candidate.
    idx: i64,
    /// Block sums, combined pairwise at the end (float sums).
    partials: Partials<T>,
}

/// The block sums of one output. Most runs are one block, so the first sum
/// is kept inline: a `Vec` per output cost a tenth of `sum(axis=1)` of a
/// 1000² matrix in `malloc` and `free`.
///
/// Memory follows the output, not the work: past [`PARTIALS_HELD`] block
/// sums, the held ones are summed (pairwise, as always) into one value that
/// joins a binary counter of sums of equal weight, combined pairwise as
/// they pair up (a balanced tree over the chunks, O(log n) values). So a
/// sum over 2^36 broadcast elements holds a few KiB, not 2^26 block sums;
/// sums of up to `PARTIALS_HELD` blocks are unchanged, bit for bit.
#[derive(Clone, Debug)]
struct Partials<T> {
    first: Option<T>,
    rest: Vec<T>,
    /// Sums of earlier chunks of `PARTIALS_HELD · 2^level` blocks, oldest
    /// first, levels strictly decreasing.
    chunks: Vec<(u32, T)>,
}

/// Block sums held before they are summed into one chunk.
const PARTIALS_HELD: usize = 4096;

impl<T: Red> Partials<T> {
    fn new() -> Partials<T> {
        Partials {
            first: None,
            rest: Vec::new(),
            chunks: Vec::new(),
        }
    }

    fn push(&mut self, x: T) {
        if self.first.is_none() && self.rest.is_empty() && self.chunks.is_empty() {
            self.first = Some(x);
            return;
        }
        if let Some(f) = self.first.take() {
            self.rest.push(f);
        }
        self.rest.push(x);
        if self.rest.len() == PARTIALS_HELD {
            let chunk = T::sum(&self.rest);
            self.rest.clear();
            self.chunks.push((0, chunk));
            // Carry: two sums of equal weight become one of the next.
            while let [.., (l1, a), (l2, b)] = self.chunks[..] {
                if l1 != l2 {
                    break;
                }
                self.chunks.truncate(self.chunks.len() - 2);
                self.chunks.push((l1 + 1, a.add(b)));
            }
        }
    }

    fn extend(&mut self, xs: impl IntoIterator<Item = T>) {
        xs.into_iter().for_each(|x| self.push(x));
    }

    /// `T::sum` of the sums, in order (chunks first, then the held sums).
    fn sum(self) -> T {
        if self.chunks.is_empty() {
            return match self.first {
                // `T::sum` of one value, `0 + x` (pairwise's one leaf),
                // without its 64 lanes.
                Some(x) => T::ZERO.add(x),
                None => T::sum(&self.rest),
            };
        }
        let mut sums: Vec<T> = self.chunks.into_iter().map(|(_, s)| s).collect();
        if !self.rest.is_empty() {
            sums.push(T::sum(&self.rest));
        }
        // The smallest (latest) sums first, as the balanced tree would.
        sums.into_iter()
            .rev()
            .reduce(|later, earlier| earlier.add(later))
            .unwrap_or(T::ZERO)
    }
}

impl<T: Red> IntoIterator for Partials<T> {
    type Item = T;
    type IntoIter = std::iter::Chain<
        std::iter::Chain<std::vec::IntoIter<T>, std::option::IntoIter<T>>,
        std::vec::IntoIter<T>,
    >;

    /// The chunk sums (oldest first), then the held block sums.
    fn into_iter(self) -> Self::IntoIter {
        let chunks: Vec<T> = self.chunks.into_iter().map(|(_, s)| s).collect();
        chunks.into_iter().chain(self.first).chain(self.rest)
    }
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
            partials: Partials::new(),
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
            ReduceOp::Sum | ReduceOp::NanSum => (self.partials.sum(), 0),
            ReduceOp::Max | ReduceOp::Min | ReduceOp::NanMax | ReduceOp::NanMin if self.idx < 0 => {
                (T::NAN, -1)
            }
            _ => (self.val, self.idx),
        }
    }
}
/// The runs strategy: output `o` reduces flat indices `o*per .. (o+1)*per`.
pub(super) fn by_runs<T: Red>(
    k: &Kernel,
    reads: &[Read],
    value: usize,
    op: ReduceOp,
    per: usize,
    outputs: usize,
    summer: Option<&jit::BoundLoop>,
) -> Result<(Vec<T>, Vec<i64>)> {
    let finish = |accs: Vec<Acc<T>>| -> (Vec<T>, Vec<i64>) {
        accs.into_iter().map(|a| a.finish(op)).unzip()
    };
    // Float sums of short rows in NumPy's order, as the short strategies
    // (a row of at most SHORT_MAX values is one block, and the only one).
    let numpy_order = per <= SHORT_MAX && matches!(op, ReduceOp::Sum | ReduceOp::NanSum);
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
                    if numpy_order {
                        // The whole row in one block (it is short).
                        accs[o - o0].partials.push(numpy_sum(op, v));
                    } else {
                        accs[o - o0].fold(op, v, (s - base) as i64, &mut scratch);
                    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One inline sum, or several, total as `T::sum` of them all.
    #[test]
    fn partials_sum_as_the_pairwise_sum_of_the_blocks() {
        for x in [-0.0f32, 0.0, 1.5, -2.25, f32::NAN, f32::INFINITY, 1e-45] {
            let mut p = Partials::new();
            p.push(x);
            let (got, want) = (p.sum(), f32::sum(&[x]));
            assert!(got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()));
        }
        let xs: Vec<f64> = (0..3000).map(|i| (i as f64).sin() * 1e3).collect();
        for n in [0, 2, 3, 100, 3000] {
            let mut p = Partials::new();
            p.extend(xs[..n].iter().copied());
            assert_eq!(p.sum().to_bits(), f64::sum(&xs[..n]).to_bits());
        }
        let mut p = Partials::new();
        p.push(7i64);
        assert_eq!(p.sum(), 7);
    }

    #[test]
    fn partials_hold_a_bounded_number_of_sums() {
        // 1000 chunks' worth of block sums: held sums stay under the cap and
        // the chunk counter holds one sum per set bit of 1000 (six).
        let n = PARTIALS_HELD * 1000 + 17;
        let (mut ints, mut floats) = (Partials::new(), Partials::new());
        for i in 0..n {
            ints.push(i as i64);
            floats.push(0.1f64);
        }
        assert!(ints.rest.len() < PARTIALS_HELD && ints.chunks.len() <= 10);
        assert_eq!(ints.chunks.len(), 1000u32.count_ones() as usize);
        // Exact for integers whatever the order; close for floats.
        assert_eq!(ints.clone().sum(), (n as i64) * (n as i64 - 1) / 2);
        let want = 0.1 * n as f64;
        assert!((floats.sum() - want).abs() / want < 1e-12);
        // Merging two (the threads' ranges) keeps the total.
        let mut more = Partials::new();
        more.extend([1i64, 2, 3]);
        more.extend(ints);
        assert_eq!(more.sum(), (n as i64) * (n as i64 - 1) / 2 + 6);
    }
}
