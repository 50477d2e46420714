//! [`PadMode`]: how `pad` fills a border. A leaf of its own so that the
//! array module can re-export it without depending on `rearrange.rs`.

use crate::scalar::Scalar;

/// How [`Array::pad`](crate::Array::pad) fills the new border (NumPy's `mode=`).
///
/// ```
/// use tandem::prelude::*;
/// let a = Array::from_vec(vec![1i32, 2], &[2])?;
/// assert_eq!(a.pad(&[(1, 2)], PadMode::Constant(Scalar::I32(7)))?.to_vec::<i32>()?, vec![7, 1, 2, 7, 7]);
/// assert_eq!(a.pad(&[(1, 2)], PadMode::Edge)?.to_vec::<i32>()?, vec![1, 1, 2, 2, 2]);
/// # Ok::<(), tandem::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PadMode {
    /// Every new element is this value, converted to the array's dtype
    /// (NumPy's `mode="constant", constant_values=v`; `2.7` into `I32` is `2`).
    Constant(Scalar),
    /// Each new element repeats the nearest element of the edge (NumPy's
    /// `mode="edge"`).
    Edge,
}
