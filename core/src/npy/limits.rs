//! The `.npy` format's constants (magic string, alignment) and the limits
//! that bound what a hostile file can cost; shared by reading and writing.

/// The magic string every `.npy` file starts with.
pub(super) const MAGIC: &[u8; 6] = b"\x93NUMPY";
/// NumPy aligns the start of the data to this many bytes.
pub(super) const ARRAY_ALIGN: usize = 64;
/// NumPy leaves room in the header for the growing axis to reach this many digits.
pub(super) const GROWTH_AXIS_MAX_DIGITS: usize = 21;
/// The longest header tandem reads, in bytes. NumPy's own default limit is
/// 10,000; this one is generous, and still bounds what a hostile file costs.
///
/// ```
/// assert_eq!(tandem_core::npy::MAX_HEADER_LEN, 1 << 20);
/// ```
pub const MAX_HEADER_LEN: usize = 1 << 20;
/// The most dimensions an array read from a file may have (NumPy's `NPY_MAXDIMS`).
pub(super) const MAX_NDIM: usize = 64;
/// How deeply the header's literals may nest (`((((…))))`).
pub(super) const MAX_NESTING: usize = 32;
/// The most entries one tuple, list or dict of the header may have.
pub(super) const MAX_ITEMS: usize = 1 << 16;
/// What an in-memory buffer is called in error messages.
pub(super) const IN_MEMORY: &str = "<in-memory .npy bytes>";
