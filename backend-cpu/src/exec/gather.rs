//! Walking a layout: runs along the innermost axis, gathering strided
//! inputs into a block, scattering a block into a strided output, spotting
//! a broadcast row, and whether a layout writes one-to-one.

use crate::block::{Sink, BLOCK};

/// `true` when `layout` sends distinct indices to distinct positions: sorted
/// by stride, each axis steps past everything the smaller axes can reach.
pub(crate) fn injective(layout: &tandem_core::layout::Layout) -> bool {
    let mut axes: Vec<(usize, usize)> = layout
        .shape
        .iter()
        .zip(&layout.strides)
        .filter(|(&n, _)| n > 1)
        .map(|(&n, &s)| (n, s.unsigned_abs()))
        .collect();
    axes.sort_by_key(|&(_, s)| s);
    let mut reach = 0usize;
    for (n, s) in axes {
        if s <= reach {
            return false;
        }
        reach += s * (n - 1);
    }
    true
}

/// Walks `count` elements of `layout` from flat (C-order) index `start` as
/// runs along the innermost axis, calling `f(done, first_position, run)`.
pub(crate) fn for_each_run(
    layout: &tandem_core::layout::Layout,
    start: usize,
    count: usize,
    index: &mut [usize],
    mut f: impl FnMut(usize, isize, usize),
) {
    let nd = layout.shape.len();
    if nd == 0 {
        f(0, layout.offset as isize, count.min(1));
        return;
    }
    let mut rest = start;
    for ax in (0..nd).rev() {
        index[ax] = rest % layout.shape[ax];
        rest /= layout.shape[ax];
    }
    let inner = nd - 1;
    let (n_in, s_in) = (layout.shape[inner], layout.strides[inner]);
    let mut done = 0;
    while done < count {
        let base = layout.offset as isize
            + (0..inner)
                .map(|ax| index[ax] as isize * layout.strides[ax])
                .sum::<isize>();
        let run = (n_in - index[inner]).min(count - done);
        f(done, base + index[inner] as isize * s_in, run);
        done += run;
        index[inner] += run;
        // Carry into the outer axes.
        let mut ax = inner;
        while index[ax] == layout.shape[ax] && ax > 0 {
            index[ax] = 0;
            ax -= 1;
            index[ax] += 1;
        }
    }
}

/// The row length when every row of `layout` is the same strided row (all
/// outer strides 0, a short inner axis neither contiguous nor broadcast):
/// `x[:, 0]` broadcast down a matrix (an n-body's `x.T - x`, or a column
/// reduction's reading of it), which a strided walk per row would gather
/// again and again.
pub(crate) fn broadcast_row(layout: &tandem_core::layout::Layout) -> Option<usize> {
    let (&s_in, outer) = layout.strides.split_last()?;
    let &n_in = layout.shape.last()?;
    (!outer.is_empty()
        && outer.iter().all(|&s| s == 0)
        && !matches!(s_in, 0 | 1)
        && (2..=BLOCK).contains(&n_in))
    .then_some(n_in)
}

/// Flat elements `start..start + out.len()` of an array whose rows all
/// equal `row`.
pub(crate) fn repeat_row<T: Copy>(row: &[T], start: usize, out: &mut [T]) {
    let n = row.len();
    let (mut pos, mut done) = (start % n, 0);
    while done < out.len() {
        let take = (n - pos).min(out.len() - done);
        out[done..done + take].copy_from_slice(&row[pos..pos + take]);
        done += take;
        pos = 0;
    }
}

/// Reads `out.len()` elements of `layout` starting at flat index `start`
/// (copy for stride-1 runs, fill for stride 0).
pub(crate) fn gather<T: Copy>(
    src: &[T],
    layout: &tandem_core::layout::Layout,
    start: usize,
    out: &mut [T],
    index: &mut [usize],
) {
    let s_in = layout.strides.last().copied().unwrap_or(0);
    for_each_run(layout, start, out.len(), index, |done, first, run| {
        let dst = &mut out[done..done + run];
        match s_in {
            1 => dst.copy_from_slice(&src[first as usize..first as usize + run]),
            0 => dst.fill(src[first as usize]),
            // A forward stride: an iterator over the source (no bounds check
            // per element).
            s if s > 0 => {
                let from = &src[first as usize..];
                for (d, v) in dst.iter_mut().zip(from.iter().step_by(s as usize)) {
                    *d = *v;
                }
            }
            _ => {
                for (k, d) in dst.iter_mut().enumerate() {
                    *d = src[(first + k as isize * s_in) as usize];
                }
            }
        }
    });
}

/// Writes a block of `size`-byte elements to `layout`'s positions from flat index `start`.
pub(crate) fn scatter(
    sink: &Sink,
    size: usize,
    src: &[u8],
    layout: &tandem_core::layout::Layout,
    start: usize,
    index: &mut [usize],
) {
    let s_in = layout.strides.last().copied().unwrap_or(0);
    for_each_run(
        layout,
        start,
        src.len() / size,
        index,
        |done, first, run| {
            if s_in == 1 {
                sink.write(
                    first as usize * size,
                    &src[done * size..(done + run) * size],
                );
            } else {
                for k in 0..run {
                    let p = (first + k as isize * s_in) as usize;
                    sink.write(p * size, &src[(done + k) * size..(done + k + 1) * size]);
                }
            }
        },
    );
}
