//! Shapes, strides and views: how an N-d index maps to a buffer position,
//! NumPy's broadcasting rule, and the view transforms (broadcast, permute,
//! reshape …) that change that map without touching data.

use crate::error::{Error, Result};

/// Where the elements of an array sit in its buffer: element `idx` lives at
/// `offset + Σ idx[i] * strides[i]` (in elements, not bytes). Strides may be
/// 0 (broadcast) or negative (reversed views).
///
/// ```
/// use tandem_core::layout::Layout;
/// let l = Layout::contiguous(&[2, 3]);
/// assert_eq!(l.strides, vec![3, 1]);
/// assert!(l.is_contiguous());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Layout {
    /// The logical shape.
    pub shape: Vec<usize>,
    /// Elements to step per index along each axis.
    pub strides: Vec<isize>,
    /// Position of element `[0, 0, …]`.
    pub offset: usize,
}

/// C-order (row-major) strides for `shape`.
///
/// ```
/// assert_eq!(tandem_core::layout::c_strides(&[4, 5, 6]), vec![30, 6, 1]);
/// ```
pub fn c_strides(shape: &[usize]) -> Vec<isize> {
    // Filled in place rather than zeroed first (`vec![0; n]` is a calloc:
    // visible on every small force).
    let mut strides = Vec::with_capacity(shape.len());
    let mut acc = 1isize;
    strides.extend(shape.iter().rev().map(|&n| {
        let s = acc;
        acc = acc.saturating_mul(n.max(1) as isize);
        s
    }));
    strides.reverse();
    strides
}

/// The number of elements of `shape`, or an error if it overflows `usize`.
///
/// ```
/// assert_eq!(tandem_core::layout::checked_size("zeros", &[2, 3]).unwrap(), 6);
/// assert!(tandem_core::layout::checked_size("zeros", &[usize::MAX, 2]).is_err());
/// ```
pub fn checked_size(op: &'static str, shape: &[usize]) -> Result<usize> {
    // As NumPy, the product of the non-zero lengths must be addressable
    // even when a zero makes the array empty: the C strides are that
    // product's partial products (`np.zeros((0, 2**62))` is too big).
    nonzero_product(shape)
        .filter(|&n| n <= isize::MAX as usize)
        .map(|n| if shape.contains(&0) { 0 } else { n })
        .ok_or_else(|| too_big(op, shape, None))
}

/// The product of the non-zero lengths of `shape`, if it fits `usize`.
fn nonzero_product(shape: &[usize]) -> Option<usize> {
    shape
        .iter()
        .try_fold(1usize, |acc, &n| acc.checked_mul(n.max(1)))
}

/// The number of elements of `shape`, or NumPy's "array is too big" error
/// when the elements of `dtype` would take more bytes than a pointer can
/// address (`isize::MAX`), or the count overflows `usize`. Every array's
/// shape passes this check, so products of its dimensions (and strides in
/// elements) never wrap.
///
/// ```
/// use tandem_core::{layout::checked_bytes, DType};
/// assert_eq!(checked_bytes("zeros", &[2, 3], DType::F64).unwrap(), 6);
/// assert!(checked_bytes("zeros", &[1 << 62], DType::F64).is_err());
/// assert_eq!(checked_bytes("zeros", &[0, 1 << 59], DType::F64).unwrap(), 0);
/// assert!(checked_bytes("zeros", &[0, 1 << 60], DType::F64).is_err());
/// ```
pub fn checked_bytes(op: &'static str, shape: &[usize], dtype: crate::DType) -> Result<usize> {
    // The non-zero lengths count even for an empty shape (see `checked_size`).
    nonzero_product(shape)
        .filter(|&n| {
            n.checked_mul(dtype.size_of())
                .is_some_and(|b| b <= isize::MAX as usize)
        })
        .map(|n| if shape.contains(&0) { 0 } else { n })
        .ok_or_else(|| too_big(op, shape, Some(dtype)))
}

/// NumPy's "array is too big" for `shape`.
pub(crate) fn too_big(op: &'static str, shape: &[usize], dtype: Option<crate::DType>) -> Error {
    let what = match dtype {
        Some(d) => format!(" of {d:?}"),
        None => String::new(),
    };
    Error::invalid(
        op,
        format!(
            "array is too big: shape {shape:?}{what} has more elements or bytes than this machine can address (isize::MAX bytes)"
        ),
    )
}

/// NumPy's broadcasting of two shapes: align from the right; each pair of
/// axes must be equal or one of them 1.
///
/// ```
/// use tandem_core::layout::broadcast_shapes;
/// assert_eq!(broadcast_shapes("add", &[3, 1], &[4]).unwrap(), vec![3, 4]);
/// assert!(broadcast_shapes("add", &[2, 3], &[3, 2]).is_err());
/// ```
pub fn broadcast_shapes(op: &'static str, a: &[usize], b: &[usize]) -> Result<Vec<usize>> {
    // The common case of elementwise code: nothing to broadcast.
    if a == b {
        return Ok(a.to_vec());
    }
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        let da = if i < n - a.len() {
            1
        } else {
            a[i - (n - a.len())]
        };
        let db = if i < n - b.len() {
            1
        } else {
            b[i - (n - b.len())]
        };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            (x, y) => {
                return Err(Error::ShapeMismatch {
                    op,
                    lhs: a.to_vec(),
                    rhs: b.to_vec(),
                    detail: format!("axis {i} of the result: {x} vs {y}, neither is 1"),
                })
            }
        };
    }
    // Two addressable shapes can broadcast to one that is not
    // (`[2^40, 1]` with `[1, 2^40]`). An operand that is itself too big is
    // a failed value already: its own error comes back when the result is
    // read (`Node::lazy` passes it on).
    if let Err(e) = checked_size(op, &out) {
        if checked_size(op, a).is_ok() && checked_size(op, b).is_ok() {
            return Err(e);
        }
    }
    Ok(out)
}

impl Layout {
    /// A fresh C-contiguous layout at offset 0.
    ///
    /// ```
    /// assert_eq!(tandem_core::layout::Layout::contiguous(&[]).strides.len(), 0);
    /// ```
    pub fn contiguous(shape: &[usize]) -> Layout {
        Layout {
            shape: shape.to_vec(),
            strides: c_strides(shape),
            offset: 0,
        }
    }

    /// Number of elements.
    ///
    /// ```
    /// assert_eq!(tandem_core::layout::Layout::contiguous(&[2, 0]).size(), 0);
    /// ```
    pub fn size(&self) -> usize {
        self.shape.iter().product()
    }

    /// `true` when elements are in C order with no gaps from `offset` on
    /// (axes of length 1 may have any stride).
    ///
    /// ```
    /// use tandem_core::layout::Layout;
    /// let mut l = Layout::contiguous(&[2, 3]);
    /// l.strides = vec![1, 2];
    /// assert!(!l.is_contiguous());
    /// ```
    pub fn is_contiguous(&self) -> bool {
        let mut expected = 1isize;
        for (&n, &s) in self.shape.iter().zip(&self.strides).rev() {
            if n == 0 {
                return true;
            }
            if n != 1 && s != expected {
                return false;
            }
            expected *= n as isize;
        }
        true
    }

    /// The buffer position of a (non-negative, in-bounds) index.
    ///
    /// ```
    /// let l = tandem_core::layout::Layout::contiguous(&[2, 3]);
    /// assert_eq!(l.position(&[1, 2]), 5);
    /// ```
    pub fn position(&self, index: &[usize]) -> usize {
        let p = self.offset as isize
            + index
                .iter()
                .zip(&self.strides)
                .map(|(&i, &s)| i as isize * s)
                .sum::<isize>();
        p as usize
    }

    /// The smallest and one-past-largest buffer positions the layout reaches
    /// (`None` when it has no elements).
    ///
    /// ```
    /// let l = tandem_core::layout::Layout::contiguous(&[2, 3]);
    /// assert_eq!(l.span(), Some((0, 6)));
    /// ```
    pub fn span(&self) -> Option<(usize, usize)> {
        if self.size() == 0 {
            return None;
        }
        // In i128: a hostile layout (an offset or strides near the ends of
        // the address space) cannot wrap; one reaching below 0 or past
        // `usize::MAX` spans everything, so any bounds check rejects it.
        let (mut lo, mut hi) = (self.offset as i128, self.offset as i128);
        for (&n, &s) in self.shape.iter().zip(&self.strides) {
            let reach = (n as i128 - 1) * s as i128;
            if reach < 0 {
                lo += reach;
            } else {
                hi += reach;
            }
        }
        if lo < 0 || hi >= usize::MAX as i128 {
            return Some((0, usize::MAX));
        }
        Some((lo as usize, hi as usize + 1))
    }

    /// This layout seen through a broadcast to `shape` (stride 0 on new and
    /// stretched axes). The caller has checked that the shapes broadcast.
    ///
    /// ```
    /// use tandem_core::layout::Layout;
    /// let l = Layout::contiguous(&[3, 1]).broadcast_to(&[2, 3, 4]);
    /// assert_eq!(l.strides, vec![0, 1, 0]);
    /// ```
    pub fn broadcast_to(&self, shape: &[usize]) -> Layout {
        let lead = shape.len() - self.shape.len();
        let strides = (0..shape.len())
            .map(|i| {
                if i < lead || self.shape[i - lead] != shape[i] {
                    0
                } else {
                    self.strides[i - lead]
                }
            })
            .collect();
        Layout {
            shape: shape.to_vec(),
            strides,
            offset: self.offset,
        }
    }
}

/// Merges adjacent axes that every layout in `layouts` (all of one shape)
/// walks as one, and drops axes of length 1, so that the loops that execute a
/// kernel run over as few, as long axes as possible. A contiguous array of any
/// rank becomes one axis.
///
/// ```
/// use tandem_core::layout::{coalesce, Layout};
/// let (shape, ls) = coalesce(&[2, 3, 4], &[Layout::contiguous(&[2, 3, 4])]);
/// assert_eq!(shape, vec![24]);
/// assert_eq!(ls[0].strides, vec![1]);
/// ```
pub fn coalesce(shape: &[usize], layouts: &[Layout]) -> (Vec<usize>, Vec<Layout>) {
    let keep: Vec<usize> = (0..shape.len()).filter(|&i| shape[i] != 1).collect();
    let mut out_shape: Vec<usize> = Vec::new();
    let mut out_strides: Vec<Vec<isize>> = vec![Vec::new(); layouts.len()];
    for &i in &keep {
        let n = shape[i];
        let mergeable = !out_shape.is_empty()
            && layouts.iter().enumerate().all(|(k, l)| {
                let prev = *out_strides[k].last().unwrap();
                prev == l.strides[i] * n as isize
            });
        if mergeable {
            *out_shape.last_mut().unwrap() *= n;
            for (k, l) in layouts.iter().enumerate() {
                *out_strides[k].last_mut().unwrap() = l.strides[i];
            }
        } else {
            out_shape.push(n);
            for (k, l) in layouts.iter().enumerate() {
                out_strides[k].push(l.strides[i]);
            }
        }
    }
    let out = layouts
        .iter()
        .zip(out_strides)
        .map(|(l, strides)| Layout {
            shape: out_shape.clone(),
            strides,
            offset: l.offset,
        })
        .collect();
    (out_shape, out)
}

/// Resolves a possibly negative axis against `ndim`.
///
/// ```
/// assert_eq!(tandem_core::layout::normalize_axis("sum", -1, 3).unwrap(), 2);
/// assert!(tandem_core::layout::normalize_axis("sum", 3, 3).is_err());
/// ```
pub fn normalize_axis(op: &'static str, axis: isize, ndim: usize) -> Result<usize> {
    let n = ndim as isize;
    if axis < -n || axis >= n {
        return Err(Error::AxisOutOfBounds { op, axis, ndim });
    }
    Ok(if axis < 0 { axis + n } else { axis } as usize)
}

/// Resolves a possibly negative index into an axis of length `len`.
///
/// ```
/// assert_eq!(tandem_core::layout::normalize_index("get", -1, 0, 4).unwrap(), 3);
/// assert!(tandem_core::layout::normalize_index("get", 4, 0, 4).is_err());
/// ```
pub fn normalize_index(op: &'static str, index: isize, axis: usize, len: usize) -> Result<usize> {
    let n = len as isize;
    if index < -n || index >= n {
        return Err(Error::IndexOutOfBounds {
            op,
            index,
            axis,
            len,
        });
    }
    Ok(if index < 0 { index + n } else { index } as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coalesce_keeps_broadcast_axes_apart() {
        let a = Layout::contiguous(&[4, 5]);
        let b = Layout::contiguous(&[5]).broadcast_to(&[4, 5]);
        let (shape, ls) = coalesce(&[4, 5], &[a, b]);
        assert_eq!(shape, vec![4, 5]);
        assert_eq!(ls[1].strides, vec![0, 1]);
    }

    #[test]
    fn coalesce_drops_unit_axes() {
        let (shape, ls) = coalesce(&[1, 3, 1], &[Layout::contiguous(&[1, 3, 1])]);
        assert_eq!(shape, vec![3]);
        assert_eq!(ls[0].strides, vec![1]);
    }

    #[test]
    fn broadcast_error_names_the_axis() {
        let e = broadcast_shapes("add", &[2, 3], &[4]).unwrap_err();
        assert!(
            e.to_string()
                .contains("axis 1 of the result: 3 vs 4, neither is 1"),
            "{e}"
        );
    }
}
