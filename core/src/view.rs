//! View transforms: slicing, permuting, reshaping and broadcasting change how
//! indices map into a buffer, never the data. A `ViewOp` applied to a
//! [`Layout`] gives the new layout, or `None` when no layout over the same
//! buffer can express it (a reshape of a non-contiguous view): then, and
//! only then, the data is copied first.

use crate::layout::{c_strides, Layout};

/// One axis of a resolved slice.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AxisSlice {
    /// Elements `start, start+step, …` (`len` of them); `step` may be negative.
    Range {
        /// First index taken (within the axis).
        start: usize,
        /// Step between taken indices (non-zero).
        step: isize,
        /// Number of indices taken.
        len: usize,
    },
    /// One index; the axis disappears.
    Index(usize),
    /// A new axis of length 1.
    NewAxis,
}

/// A view transform, resolved against the shape it applies to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ViewOp {
    /// Axis `i` of the result is axis `axes[i]` of the input.
    Permute(Vec<usize>),
    /// One entry per input axis (plus inserted axes).
    Slice(Vec<AxisSlice>),
    /// The same elements in C order under a new shape.
    Reshape(Vec<usize>),
    /// NumPy broadcasting to a larger shape (stride 0 on new and stretched axes).
    Broadcast(Vec<usize>),
    /// NumPy's `diagonal(offset, axis1, axis2)`: both axes are removed and
    /// the diagonal becomes the last axis, with stride `s1 + s2`. `offset >
    /// 0` starts on the superdiagonal (column `offset`), `< 0` below.
    Diagonal {
        /// The diagonal's offset from the main one.
        offset: isize,
        /// The first axis (rows).
        axis1: usize,
        /// The second axis (columns).
        axis2: usize,
    },
}

impl ViewOp {
    /// The layout of the view, or `None` when it needs a copy.
    ///
    /// ```
    /// use tandem_core::layout::Layout;
    /// use tandem_core::view::ViewOp;
    /// let t = ViewOp::Permute(vec![1, 0]).apply(&Layout::contiguous(&[2, 3])).unwrap();
    /// assert_eq!((t.shape, t.strides), (vec![3, 2], vec![1, 3]));
    /// assert!(ViewOp::Reshape(vec![6]).apply(&Layout { shape: vec![3, 2], strides: vec![1, 3], offset: 0 }).is_none());
    /// ```
    pub fn apply(&self, l: &Layout) -> Option<Layout> {
        match self {
            ViewOp::Permute(axes) => Some(Layout {
                shape: axes.iter().map(|&a| l.shape[a]).collect(),
                strides: axes.iter().map(|&a| l.strides[a]).collect(),
                offset: l.offset,
            }),
            ViewOp::Broadcast(shape) => Some(l.broadcast_to(shape)),
            ViewOp::Reshape(shape) => reshape_layout(l, shape),
            &ViewOp::Diagonal {
                offset,
                axis1,
                axis2,
            } => {
                let (n1, n2) = (l.shape[axis1], l.shape[axis2]);
                let (s1, s2) = (l.strides[axis1], l.strides[axis2]);
                let (row, col) = if offset >= 0 {
                    (0, offset.unsigned_abs())
                } else {
                    (offset.unsigned_abs(), 0)
                };
                let len = n1.saturating_sub(row).min(n2.saturating_sub(col));
                let mut out = Layout {
                    shape: vec![],
                    strides: vec![],
                    offset: l.offset,
                };
                for i in (0..l.shape.len()).filter(|&i| i != axis1 && i != axis2) {
                    out.shape.push(l.shape[i]);
                    out.strides.push(l.strides[i]);
                }
                out.shape.push(len);
                out.strides.push(s1 + s2);
                if len > 0 {
                    out.offset =
                        (l.offset as isize + row as isize * s1 + col as isize * s2) as usize;
                }
                Some(out)
            }
            ViewOp::Slice(axes) => {
                let mut out = Layout {
                    shape: vec![],
                    strides: vec![],
                    offset: l.offset,
                };
                let mut offset = l.offset as isize;
                let mut axis = 0;
                for s in axes {
                    match *s {
                        AxisSlice::Range { start, step, len } => {
                            let stride = l.strides[axis];
                            if len > 0 {
                                offset += start as isize * stride;
                            }
                            out.shape.push(len);
                            // With one element (or none) the step is never
                            // taken, and `isize::MAX * stride` would wrap;
                            // with two or more, `|step| < n`, so it fits.
                            out.strides
                                .push(if len > 1 { stride * step } else { stride });
                            axis += 1;
                        }
                        AxisSlice::Index(i) => {
                            offset += i as isize * l.strides[axis];
                            axis += 1;
                        }
                        AxisSlice::NewAxis => {
                            out.shape.push(1);
                            out.strides.push(0);
                        }
                    }
                }
                out.offset = offset as usize;
                Some(out)
            }
        }
    }

    /// The shape of the view of an array of shape `shape`.
    ///
    /// ```
    /// use tandem_core::view::ViewOp;
    /// assert_eq!(ViewOp::Permute(vec![2, 0, 1]).shape_of(&[2, 3, 4]), vec![4, 2, 3]);
    /// ```
    pub fn shape_of(&self, shape: &[usize]) -> Vec<usize> {
        self.apply(&Layout::contiguous(shape))
            .expect("a view of a contiguous layout always exists")
            .shape
    }
}

/// NumPy's `_attempt_nocopy_reshape`: new strides over the same buffer for
/// `shape`, if the old layout's axes that merge are themselves mergeable.
fn reshape_layout(l: &Layout, shape: &[usize]) -> Option<Layout> {
    let size: usize = l.shape.iter().product();
    if size == 0 || l.is_contiguous() {
        return Some(Layout {
            shape: shape.to_vec(),
            strides: c_strides(shape),
            offset: l.offset,
        });
    }
    let (old_dims, old_strides): (Vec<usize>, Vec<isize>) = l
        .shape
        .iter()
        .zip(&l.strides)
        .filter(|(&n, _)| n != 1)
        .map(|(&n, &s)| (n, s))
        .unzip();
    let (oldnd, newnd) = (old_dims.len(), shape.len());
    let mut new_strides = vec![0isize; newnd];
    let (mut oi, mut oj, mut ni, mut nj) = (0, 1, 0, 1);
    while ni < newnd && oi < oldnd {
        let mut np = shape[ni];
        let mut op = old_dims[oi];
        while np != op {
            if np < op {
                np *= shape[nj];
                nj += 1;
            } else {
                op *= old_dims[oj];
                oj += 1;
            }
        }
        for ok in oi..oj - 1 {
            if old_strides[ok] != old_dims[ok + 1] as isize * old_strides[ok + 1] {
                return None;
            }
        }
        new_strides[nj - 1] = old_strides[oj - 1];
        for nk in (ni + 1..nj).rev() {
            new_strides[nk - 1] = new_strides[nk] * shape[nk] as isize;
        }
        ni = nj;
        nj += 1;
        oi = oj;
        oj += 1;
    }
    let last = if ni >= 1 { new_strides[ni - 1] } else { 1 };
    for s in new_strides.iter_mut().skip(ni) {
        *s = last;
    }
    Some(Layout {
        shape: shape.to_vec(),
        strides: new_strides,
        offset: l.offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn positions(l: &Layout) -> Vec<usize> {
        let mut out = vec![];
        let n = l.size();
        for flat in 0..n {
            let mut rest = flat;
            let mut idx = vec![0; l.shape.len()];
            for ax in (0..l.shape.len()).rev() {
                idx[ax] = rest % l.shape[ax];
                rest /= l.shape[ax];
            }
            out.push(l.position(&idx));
        }
        out
    }

    #[test]
    fn reshape_of_a_view_keeps_element_order() {
        // A [4, 8] array, columns 0, 2, 4: [4, 3] with strides [8, 2].
        let v = Layout {
            shape: vec![4, 3],
            strides: vec![8, 2],
            offset: 0,
        };
        let r = reshape_layout(&v, &[2, 2, 3]).unwrap();
        assert_eq!(positions(&r), positions(&v));
        assert!(reshape_layout(&v, &[12]).is_none());
        let t = ViewOp::Permute(vec![1, 0])
            .apply(&Layout::contiguous(&[3, 4]))
            .unwrap();
        assert!(reshape_layout(&t, &[12]).is_none());
        let r = reshape_layout(&t, &[2, 2, 3, 1]).unwrap();
        assert_eq!(positions(&r), positions(&t));
    }

    #[test]
    fn diagonal_is_a_strided_view() {
        let d = |offset| {
            let v = ViewOp::Diagonal {
                offset,
                axis1: 0,
                axis2: 1,
            };
            positions(&v.apply(&Layout::contiguous(&[3, 4])).unwrap())
        };
        assert_eq!(d(0), vec![0, 5, 10]);
        assert_eq!(d(1), vec![1, 6, 11]);
        assert_eq!(d(3), vec![3]);
        assert_eq!(d(4), Vec::<usize>::new());
        assert_eq!(d(-1), vec![4, 9]);
        assert_eq!(d(-3), Vec::<usize>::new());
        // Of a transposed view: the same elements.
        let t = ViewOp::Permute(vec![1, 0])
            .apply(&Layout::contiguous(&[4, 3]))
            .unwrap();
        let v = ViewOp::Diagonal {
            offset: 1,
            axis1: 0,
            axis2: 1,
        };
        assert_eq!(positions(&v.apply(&t).unwrap()), vec![3, 7, 11]);
    }

    #[test]
    fn negative_step_slice() {
        let s = ViewOp::Slice(vec![AxisSlice::Range {
            start: 4,
            step: -2,
            len: 3,
        }]);
        let l = s.apply(&Layout::contiguous(&[5])).unwrap();
        assert_eq!(positions(&l), vec![4, 2, 0]);
    }
}
