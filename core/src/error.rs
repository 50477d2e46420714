//! `Error`, the one error type of tandem, and `Result`.
//!
//! Every message names the operation, the shapes/indices/dtypes involved and
//! what to do about it, because the message is often all a user sees.

use crate::dtype::DType;

/// Everything that can go wrong in tandem.
///
/// ```
/// use tandem_core::Error;
/// let e = Error::IndexOutOfBounds { op: "get", index: 5, axis: 0, len: 3 };
/// assert!(e.to_string().contains("index 5 is out of bounds for axis 0 with size 3"));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// Two shapes that must broadcast (or match) do not.
    #[error("{op}: shapes {lhs:?} and {rhs:?} cannot be broadcast together ({detail}); make the mismatched axes equal or 1")]
    ShapeMismatch {
        /// The operation.
        op: &'static str,
        /// The first shape.
        lhs: Vec<usize>,
        /// The second shape.
        rhs: Vec<usize>,
        /// Which rule failed, e.g. "axis 1: 3 vs 4, neither is 1".
        detail: String,
    },
    /// An index past the end of an axis.
    #[error("{op}: index {index} is out of bounds for axis {axis} with size {len}; valid indices are -{len}..{len}")]
    IndexOutOfBounds {
        /// The operation.
        op: &'static str,
        /// The index as given (negative counts from the end).
        index: isize,
        /// The axis indexed.
        axis: usize,
        /// The length of that axis.
        len: usize,
    },
    /// An axis number outside `-ndim..ndim`.
    #[error("{op}: axis {axis} is out of bounds for an array of dimension {ndim}; valid axes are -{ndim}..{ndim}")]
    AxisOutOfBounds {
        /// The operation.
        op: &'static str,
        /// The axis as given.
        axis: isize,
        /// The array's number of dimensions.
        ndim: usize,
    },
    /// A dtype that the operation cannot take.
    #[error("{op}: expected dtype {expected}, got {got}; {hint}")]
    DTypeMismatch {
        /// The operation.
        op: &'static str,
        /// What was expected (a dtype name or a family, e.g. "a numeric dtype").
        expected: String,
        /// The dtype given.
        got: DType,
        /// What to do instead.
        hint: String,
    },
    /// An argument that is wrong whatever the array (step 0, wrong length …).
    #[error("{op}: {message}")]
    InvalidArgument {
        /// The operation.
        op: &'static str,
        /// What is wrong and what to do.
        message: String,
    },
    /// Something tandem (or the chosen device) does not do.
    #[error("{op}: unsupported: {message}")]
    Unsupported {
        /// The operation.
        op: &'static str,
        /// What is unsupported, where, and the alternative.
        message: String,
    },
    /// A device (backend) fault: no adapter, lost device, failed shader build.
    #[error("device {device}: {message}")]
    Device {
        /// The device's name.
        device: String,
        /// What happened and what was done about the data.
        message: String,
    },
    /// A device or the host ran out of memory.
    #[error(
        "out of memory on {device}: {op} needed {bytes} bytes; free arrays or use a smaller shape"
    )]
    OutOfMemory {
        /// The operation.
        op: &'static str,
        /// The device's name.
        device: String,
        /// The size of the failed allocation.
        bytes: u64,
    },
    /// A file could not be read or written, or is malformed.
    #[error("{op}: {path}: {message}")]
    Io {
        /// The operation.
        op: &'static str,
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

impl Error {
    /// Shorthand for [`Error::InvalidArgument`].
    ///
    /// ```
    /// let e = tandem_core::Error::invalid("arange", "step must not be 0");
    /// assert_eq!(e.to_string(), "arange: step must not be 0");
    /// ```
    pub fn invalid(op: &'static str, message: impl Into<String>) -> Error {
        Error::InvalidArgument {
            op,
            message: message.into(),
        }
    }

    /// Shorthand for [`Error::Unsupported`].
    ///
    /// ```
    /// let e = tandem_core::Error::unsupported("sub", "boolean subtract; use logical_xor");
    /// assert!(e.to_string().contains("unsupported"));
    /// ```
    pub fn unsupported(op: &'static str, message: impl Into<String>) -> Error {
        Error::Unsupported {
            op,
            message: message.into(),
        }
    }
}

impl Error {
    /// The same error attributed to `op`, the public method the user called,
    /// where a method reports an error found by another one it calls
    /// (`item` reading through `to_vec`, `a += b` through `add`).
    pub(crate) fn with_op(mut self, name: &'static str) -> Error {
        match &mut self {
            Error::ShapeMismatch { op, .. }
            | Error::IndexOutOfBounds { op, .. }
            | Error::AxisOutOfBounds { op, .. }
            | Error::DTypeMismatch { op, .. }
            | Error::InvalidArgument { op, .. }
            | Error::Unsupported { op, .. }
            | Error::OutOfMemory { op, .. }
            | Error::Io { op, .. } => *op = name,
            Error::Device { .. } => {}
        }
        self
    }
}

/// `Result` with tandem's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
