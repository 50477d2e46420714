//! The `s!` macro and `SliceArg`: NumPy-style basic indexing written in Rust.
//! `s![1..5, ..;2, -1, NewAxis]` is `a[1:5, ::2, -1, np.newaxis]`, with
//! Python's slice semantics (negative steps walk backwards from `start`,
//! bounds clamp), resolved against a shape into a view.

use crate::error::{Error, Result};
use crate::layout::normalize_index;
use crate::view::AxisSlice;
use std::ops::{Range, RangeFrom, RangeFull, RangeInclusive, RangeTo, RangeToInclusive};

/// Inserts a new axis of length 1 (NumPy's `np.newaxis`) in `s!`.
///
/// ```
/// use tandem::prelude::*;
/// let a = Array::zeros(&[3], DType::F32);
/// assert_eq!(a.slice(s![NewAxis, ..])?.shape(), &[1, 3]);
/// # Ok::<(), tandem::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewAxis;

/// One element of a slice: a range with a step, one index, or a new axis.
///
/// ```
/// use tandem_core::SliceArg;
/// assert_eq!(SliceArg::from(1..4), SliceArg::Range { start: Some(1), end: Some(4), step: 1 });
/// assert_eq!(SliceArg::from(-1), SliceArg::Index(-1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SliceArg {
    /// Python's `start:end:step` (`None` for an open end).
    Range {
        /// First index (negative counts from the end); `None` is the start
        /// (the end, for a negative step).
        start: Option<isize>,
        /// One past the last index; `None` runs to the end (the start, for a negative step).
        end: Option<isize>,
        /// Step, non-zero.
        step: isize,
    },
    /// A single index (the axis disappears).
    Index(isize),
    /// A new length-1 axis.
    NewAxis,
}

impl SliceArg {
    /// The same range with another step (`s!`'s `;step`).
    ///
    /// ```
    /// use tandem_core::SliceArg;
    /// let r = SliceArg::from(..).step_by(-1);
    /// assert_eq!(r, SliceArg::Range { start: None, end: None, step: -1 });
    /// ```
    pub fn step_by(self, step: isize) -> SliceArg {
        match self {
            SliceArg::Range { start, end, .. } => SliceArg::Range { start, end, step },
            other => other,
        }
    }
}

impl From<NewAxis> for SliceArg {
    fn from(_: NewAxis) -> SliceArg {
        SliceArg::NewAxis
    }
}

impl From<RangeFull> for SliceArg {
    fn from(_: RangeFull) -> SliceArg {
        SliceArg::Range {
            start: None,
            end: None,
            step: 1,
        }
    }
}

/// An index or bound as `isize`, saturating: a `usize` past `isize::MAX`
/// must not wrap to a negative (from-the-end) index. Bounds clamp to the
/// axis anyway, and an index that large is out of bounds either way.
fn to_isize<T: TryInto<isize> + PartialOrd + Default>(x: T) -> isize {
    let negative = x < T::default();
    x.try_into()
        .unwrap_or(if negative { isize::MIN } else { isize::MAX })
}

macro_rules! slice_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for SliceArg {
            fn from(i: $t) -> SliceArg {
                SliceArg::Index(to_isize(i))
            }
        }
        impl From<Range<$t>> for SliceArg {
            fn from(r: Range<$t>) -> SliceArg {
                SliceArg::Range { start: Some(to_isize(r.start)), end: Some(to_isize(r.end)), step: 1 }
            }
        }
        impl From<RangeFrom<$t>> for SliceArg {
            fn from(r: RangeFrom<$t>) -> SliceArg {
                SliceArg::Range { start: Some(to_isize(r.start)), end: None, step: 1 }
            }
        }
        impl From<RangeTo<$t>> for SliceArg {
            fn from(r: RangeTo<$t>) -> SliceArg {
                SliceArg::Range { start: None, end: Some(to_isize(r.end)), step: 1 }
            }
        }
        impl From<RangeInclusive<$t>> for SliceArg {
            fn from(r: RangeInclusive<$t>) -> SliceArg {
                let end = to_isize(*r.end());
                // `a..=-1` runs to the end, not to an empty `a..0`.
                let end = if end == -1 { None } else { end.checked_add(1) };
                SliceArg::Range { start: Some(to_isize(*r.start())), end, step: 1 }
            }
        }
        impl From<RangeToInclusive<$t>> for SliceArg {
            fn from(r: RangeToInclusive<$t>) -> SliceArg {
                let end = to_isize(r.end);
                let end = if end == -1 { None } else { end.checked_add(1) };
                SliceArg::Range { start: None, end, step: 1 }
            }
        }
    )*};
}
slice_from_int!(i32, i64, isize, usize, u32);

/// NumPy-style slice arguments for [`Array::slice`](crate::Array::slice)
/// and [`Array::assign`](crate::Array::assign): ranges (`a..b`, `a..`, `..b`,
/// `..`, `a..=b`) with an optional `;step`, single indices, and `NewAxis`.
///
/// ```
/// use tandem::prelude::*;
/// let a = Array::arange(0.0, 12.0, 1.0, DType::I32)?.reshape(&[3, 4])?;
/// let b = a.slice(s![..;-1, 1..;2])?;          // a[::-1, 1::2]
/// assert_eq!(b.to_vec::<i32>()?, vec![9, 11, 5, 7, 1, 3]);
/// assert_eq!(a.slice(s![-1, ..])?.shape(), &[4]); // a[-1, :]
/// # Ok::<(), tandem::Error>(())
/// ```
#[macro_export]
macro_rules! s {
    ($($r:expr $(; $step:expr)?),* $(,)?) => {
        [$({
            // NumPy's `1..-1` is a range Rust's clippy calls empty; here it
            // means "up to the last", so the lint is off for what users write.
            #[allow(clippy::reversed_empty_ranges)]
            let r = $r;
            $crate::SliceArg::from(r) $(.step_by($step as isize))?
        }),*]
    };
}

/// Python's `slice.indices`: `(start, step, len)` of a range over `n` elements.
fn resolve_range(
    start: Option<isize>,
    end: Option<isize>,
    step: isize,
    n: usize,
) -> Result<(usize, isize, usize)> {
    if step == 0 {
        return Err(Error::invalid(
            "slice",
            "slice step cannot be 0; use 1 (or -1 to reverse)",
        ));
    }
    let n = n as isize;
    let clamp = |v: isize, lo: isize, hi: isize| v.max(lo).min(hi);
    let norm = |v: isize| if v < 0 { v + n } else { v };
    let (lo, hi) = if step > 0 { (0, n) } else { (-1, n - 1) };
    let s = start.map_or(if step > 0 { lo } else { hi }, |v| clamp(norm(v), lo, hi));
    let e = end.map_or(if step > 0 { hi } else { lo }, |v| clamp(norm(v), lo, hi));
    // `(e - s - 1) / step + 1` rather than the usual `(e - s + step - 1) /
    // step`, which wraps for a step near `isize::MAX`; the distance is at
    // most `n + 1`, and `unsigned_abs` takes `isize::MIN` too.
    let len = if step > 0 && e > s {
        (e - s - 1) as usize / step.unsigned_abs() + 1
    } else if step < 0 && s > e {
        (s - e - 1) as usize / step.unsigned_abs() + 1
    } else {
        0
    };
    Ok((s.max(0) as usize, step, len))
}

/// Resolves slice arguments against `shape` (missing trailing axes are taken whole).
pub(crate) fn resolve(
    op: &'static str,
    args: &[SliceArg],
    shape: &[usize],
) -> Result<Vec<AxisSlice>> {
    let used = args
        .iter()
        .filter(|a| !matches!(a, SliceArg::NewAxis))
        .count();
    if used > shape.len() {
        return Err(Error::invalid(
            op,
            format!(
                "{used} indices for an array of shape {shape:?} ({} axes); give at most one per axis",
                shape.len()
            ),
        ));
    }
    let mut out = Vec::with_capacity(args.len() + shape.len() - used);
    let mut axis = 0;
    for a in args {
        match *a {
            SliceArg::NewAxis => out.push(AxisSlice::NewAxis),
            SliceArg::Index(i) => {
                out.push(AxisSlice::Index(normalize_index(op, i, axis, shape[axis])?));
                axis += 1;
            }
            SliceArg::Range { start, end, step } => {
                let (start, step, len) = resolve_range(start, end, step, shape[axis])?;
                out.push(AxisSlice::Range { start, step, len });
                axis += 1;
            }
        }
    }
    for &n in &shape[axis..] {
        out.push(AxisSlice::Range {
            start: 0,
            step: 1,
            len: n,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_slice_indices() {
        // Python: slice(None, None, -1).indices(5) == (4, -1, -1) -> 5 elements.
        assert_eq!(resolve_range(None, None, -1, 5).unwrap(), (4, -1, 5));
        assert_eq!(resolve_range(Some(5), Some(1), -1, 10).unwrap(), (5, -1, 4));
        assert_eq!(
            resolve_range(Some(-100), Some(100), 3, 10).unwrap(),
            (0, 3, 4)
        );
        assert_eq!(resolve_range(Some(3), Some(1), 1, 10).unwrap().2, 0);
        assert_eq!(resolve_range(Some(-1), None, -2, 5).unwrap(), (4, -2, 3));
        assert_eq!(resolve_range(None, None, 1, 0).unwrap().2, 0);
        assert!(resolve_range(None, None, 0, 3).is_err());
    }
}
