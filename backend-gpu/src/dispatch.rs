//! Fitting work into the device's limits: splitting a kernel's iteration
//! range into dispatches whose buffer *windows* fit the storage-binding
//! limit (an array larger than `max_storage_buffer_binding_size` is bound
//! piece by piece, at aligned offsets, never copied), 2-D grids for more
//! than `max_compute_workgroups_per_dimension` workgroups, and encoding the
//! dispatches, each with its cached bind group.

use crate::device::{Gpu, Limits};
use crate::key::Access;
use tandem_core::Error;

/// The part of a buffer bound for one dispatch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    /// Byte offset (aligned to `storage_align`).
    pub offset: u64,
    /// Bytes bound.
    pub size: u64,
    /// The element index at `offset`: positions in the shader are relative to it.
    pub base: usize,
}

/// The positions (inclusive) an operand may touch while the flat index
/// runs over `s..e` (non-empty): exact for contiguous and scalar operands,
/// a tight bound for strided ones (axes before the first that changes are
/// fixed, that axis spans its range, later axes span everything).
pub(crate) fn span(
    shape: &[usize],
    strides: &[isize],
    offset: usize,
    access: Access,
    s: usize,
    e: usize,
) -> (i64, i64) {
    let off = offset as i64;
    match access {
        Access::Contig => (off + s as i64, off + e as i64 - 1),
        Access::Scalar => (off, off),
        Access::Strided => {
            let a = unravel(s, shape);
            let b = unravel(e - 1, shape);
            let (mut lo, mut hi) = (off, off);
            let mut varying = false;
            for k in 0..shape.len() {
                let st = strides[k] as i64;
                if !varying && a[k] == b[k] {
                    lo += a[k] as i64 * st;
                    hi += a[k] as i64 * st;
                    continue;
                }
                let (x, y) = if varying {
                    (0, shape[k] as i64 - 1)
                } else {
                    (a[k] as i64, b[k] as i64)
                };
                varying = true;
                lo += (x * st).min(y * st);
                hi += (x * st).max(y * st);
            }
            (lo, hi)
        }
    }
}

fn unravel(mut i: usize, shape: &[usize]) -> Vec<usize> {
    let mut idx = vec![0; shape.len()];
    for k in (0..shape.len()).rev() {
        idx[k] = i % shape[k];
        i /= shape[k];
    }
    idx
}

/// The window covering element positions `lo..=hi` of a buffer of
/// elements of `elem` bytes whose allocation is `phys` bytes; `vec_align`
/// rounds the end up for `vec4` arrays. `None` for an empty range.
pub(crate) fn window(
    lo: i64,
    hi: i64,
    elem: usize,
    limits: &Limits,
    phys: u64,
    round: u64,
) -> Window {
    let (lo, hi) = (lo.max(0) as u64, hi.max(lo).max(0) as u64);
    let e = elem as u64;
    let offset = lo * e / limits.storage_align * limits.storage_align;
    let end = ((hi + 1) * e).div_ceil(round) * round;
    let end = end.min(phys).max(offset + round.min(phys - offset));
    Window {
        offset,
        size: end - offset,
        base: (offset / e) as usize,
    }
}

/// Splits `0..total` into consecutive ranges (starts multiples of `align`)
/// for which `fits` holds: each tries twice the previous one's length and
/// halves until it fits (so one awkward spot, such as a range across a row
/// boundary of a strided operand, does not shrink every range after it).
pub(crate) fn split(
    total: usize,
    align: usize,
    fits: impl Fn(usize, usize) -> bool,
) -> Option<Vec<(usize, usize)>> {
    split_at_most(total, align, usize::MAX, fits)
}

/// [`split`], giving up (`None`) past `max_parts` ranges: a caller with
/// another way to cut the work tries it instead of planning thousands of
/// tiny dispatches.
pub(crate) fn split_at_most(
    total: usize,
    align: usize,
    max_parts: usize,
    fits: impl Fn(usize, usize) -> bool,
) -> Option<Vec<(usize, usize)>> {
    let mut out = Vec::new();
    let mut s = 0;
    let mut len = total.max(1);
    while s < total {
        let mut l = len.min(total - s);
        while !fits(s, s + l) {
            if l <= align {
                return None;
            }
            l = (l / 2).div_ceil(align) * align;
        }
        if out.len() == max_parts {
            return None;
        }
        out.push((s, s + l));
        s += l;
        len = l.saturating_mul(2);
    }
    Some(out)
}

/// A 2-D grid of `workgroups` workgroups within the per-dimension limit
/// (the shaders linearise it and skip the excess).
pub(crate) fn grid(workgroups: u64, limits: &Limits) -> (u32, u32) {
    let max = u64::from(limits.max_workgroups);
    let x = workgroups.clamp(1, max);
    let y = workgroups.div_ceil(x);
    (x as u32, y as u32)
}

/// Most workgroups one dispatch may launch.
pub(crate) fn max_workgroups(limits: &Limits) -> u64 {
    u64::from(limits.max_workgroups) * u64::from(limits.max_workgroups)
}

/// The error for work that cannot be split to fit the limits.
pub(crate) fn too_big(gpu: &Gpu, what: &str) -> Error {
    Error::unsupported(
        "gpu kernel",
        format!(
            "{what} does not fit {}'s limits (storage bindings of {} bytes, {} workgroups per dimension)",
            gpu.label, gpu.limits.max_binding, gpu.limits.max_workgroups
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            max_binding: 1024,
            max_buffer: 1 << 20,
            max_workgroups: 10,
            storage_align: 256,
            uniform_align: 256,
            max_storage_buffers: 8,
            workgroup: 64,
        }
    }

    #[test]
    fn strided_spans_bound_every_position() {
        let shape = [3, 4];
        let strides = [1isize, -3];
        let offset = 9;
        for s in 0..12 {
            for e in s + 1..=12 {
                let (lo, hi) = span(&shape, &strides, offset, Access::Strided, s, e);
                for f in s..e {
                    let i = unravel(f, &shape);
                    let p = offset as i64 + i[0] as i64 - 3 * i[1] as i64;
                    assert!(lo <= p && p <= hi, "{s}..{e}: {p} outside {lo}..={hi}");
                }
            }
        }
    }

    #[test]
    fn windows_align_and_splits_fit() {
        let l = limits();
        let w = window(300, 400, 4, &l, 4096, 4);
        assert_eq!((w.offset, w.base), (1024, 256));
        assert!(w.offset + w.size >= 401 * 4);
        let parts = split(1000, 4, |s, e| (e - s) * 4 <= l.max_binding as usize).unwrap();
        assert_eq!(parts.last().map(|p| p.1), Some(1000));
        for w in parts.windows(2) {
            assert_eq!(w[0].1, w[1].0);
        }
        assert!(parts
            .iter()
            .all(|&(s, e)| s % 4 == 0 && (e - s) * 4 <= 1024));
        assert!(split(10, 1, |_, _| false).is_none());
        assert_eq!(grid(25, &l), (10, 3));
    }
}
