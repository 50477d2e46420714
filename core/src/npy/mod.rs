//! NumPy `.npy` files: [`save_npy`] / [`load_npy`] on paths, and
//! [`to_npy_bytes`] / [`from_npy_bytes`] in memory.
//!
//! # The format
//!
//! A `.npy` file is the magic string `\x93NUMPY`, a major and a minor
//! version byte, the length of a header (`u16` little-endian in version 1.0,
//! `u32` in 2.0 and 3.0), the header itself, and then the raw elements. The
//! header is the text of a Python dict literal,
//! `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`, padded with
//! spaces and a final newline so that the data starts at a multiple of 64
//! bytes. Versions 1.0 and 2.0 encode the header as Latin-1, 3.0 as UTF-8.
//!
//! # What tandem reads
//!
//! Every version (1.0, 2.0, 3.0); every tandem dtype (`bool` `|b1`, `int32`
//! `<i4`, `int64` `<i8`, `uint32` `<u4`, `float32` `<f4`, `float64` `<f8`) in
//! either byte order (`<`, `>`, and `=`/`|`/none meaning this machine's);
//! C and Fortran order (a Fortran-order file is read as the transposed C
//! layout and copied once into C order); 0-d and empty arrays. Bool bytes
//! other than 0 and 1 read as `true`. The header is parsed by a small parser
//! of Python literals (no `eval`) that accepts what NumPy and other writers
//! produce: any key order, any spacing, trailing commas, `(3,)` or `(3)`,
//! Python 2's `3L`. Any alignment of the data is accepted (NumPy writes 64,
//! old writers 16). Bytes after the data are ignored, as NumPy does.
//!
//! # What tandem writes
//!
//! Exactly what `np.save` writes for the same array: version 1.0 (2.0 when
//! the header is too long for a `u16`), little-endian, C order, the header
//! keys sorted, with NumPy's spare room for growing the first axis and its
//! 64-byte alignment. A view (transposed, sliced, broadcast) writes its
//! logical C-order contents.
//!
//! # Hostile files
//!
//! Loading never panics and never allocates more than the input can fill:
//! the header is capped at [`MAX_HEADER_LEN`] bytes, nesting in it at 32
//! levels and arrays at 64 dimensions; the shape's element count is computed
//! with overflow checks, and the data is checked to be present before any
//! buffer for it is allocated. Errors:
//!
//! - [`Error::Io`](crate::Error::Io): the file cannot be read or written, is truncated, lacks
//!   the magic string, has a header length past its end or a header that does
//!   not parse, has a shape whose size overflows, or less data than its shape
//!   needs.
//! - [`Error::Unsupported`](crate::Error::Unsupported): a well-formed file of a dtype tandem has no
//!   equivalent for (`<f2`, `<c16`, object arrays `|O`, strings, structured
//!   arrays, `<u8` …), more than 64 dimensions, or an unknown format version.
//!   The message says how to convert the array in NumPy.
//!
//! # Where the code lives
//!
//! - `read.rs`: [`load_npy`] and [`from_npy_bytes`]: the preamble, the
//!   header's keys, dtype and shape checked, the data read and put in C order.
//! - `write.rs`: [`save_npy`] and [`to_npy_bytes`]: the header NumPy writes,
//!   the data in C order, little-endian.
//! - `literal.rs`: the parser of the header's Python literals (no `eval`).
//!
//! - `limits.rs`: the format's constants and limits, which both sides share.

mod limits;
mod literal;
mod read;
mod write;

pub use limits::MAX_HEADER_LEN;
pub use read::{from_npy_bytes, load_npy};
pub use write::{save_npy, to_npy_bytes};
