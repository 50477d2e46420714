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
//! - [`Error::Io`]: the file cannot be read or written, is truncated, lacks
//!   the magic string, has a header length past its end or a header that does
//!   not parse, has a shape whose size overflows, or less data than its shape
//!   needs.
//! - [`Error::Unsupported`]: a well-formed file of a dtype tandem has no
//!   equivalent for (`<f2`, `<c16`, object arrays `|O`, strings, structured
//!   arrays, `<u8` …), more than 64 dimensions, or an unknown format version.
//!   The message says how to convert the array in NumPy.

use crate::array::Array;
use crate::buffer::HostBuffer;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::graph::Node;
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

/// The magic string every `.npy` file starts with.
const MAGIC: &[u8; 6] = b"\x93NUMPY";
/// NumPy aligns the start of the data to this many bytes.
const ARRAY_ALIGN: usize = 64;
/// NumPy leaves room in the header for the growing axis to reach this many digits.
const GROWTH_AXIS_MAX_DIGITS: usize = 21;
/// The longest header tandem reads, in bytes. NumPy's own default limit is
/// 10,000; this one is generous, and still bounds what a hostile file costs.
///
/// ```
/// assert_eq!(tandem_core::npy::MAX_HEADER_LEN, 1 << 20);
/// ```
pub const MAX_HEADER_LEN: usize = 1 << 20;
/// The most dimensions an array read from a file may have (NumPy's `NPY_MAXDIMS`).
const MAX_NDIM: usize = 64;
/// How deeply the header's literals may nest (`((((…))))`).
const MAX_NESTING: usize = 32;
/// The most entries one tuple, list or dict of the header may have.
const MAX_ITEMS: usize = 1 << 16;
/// What an in-memory buffer is called in error messages.
const IN_MEMORY: &str = "<in-memory .npy bytes>";

// ---------------------------------------------------------------------------
// Public API

/// Writes `a` to `path` as a NumPy `.npy` file (version 1.0, little-endian,
/// C order; byte-for-byte what `np.save` writes). Forces evaluation. A view
/// (transposed, sliced …) saves its logical C-order contents.
///
/// Errors: [`Error::Io`] naming the path when the file cannot be created or
/// written.
///
/// ```
/// use tandem::prelude::*;
/// let path = std::env::temp_dir().join("tandem_doc_save_npy.npy");
/// let a = Array::arange(0.0, 6.0, 1.0, DType::F32)?.reshape(&[2, 3])?;
/// tandem::io::save_npy(&path, &a.t())?;
/// let b = tandem::io::load_npy(&path)?;
/// assert_eq!(b.shape(), &[3, 2]);
/// assert_eq!(b.to_vec::<f32>()?, vec![0.0, 3.0, 1.0, 4.0, 2.0, 5.0]);
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), tandem::Error>(())
/// ```
pub fn save_npy(path: impl AsRef<Path>, a: &Array) -> Result<()> {
    const OP: &str = "save_npy";
    let path = path.as_ref();
    let shown = path.display().to_string();
    let header = header_bytes(a.dtype(), a.shape());
    let data = data_bytes(a)?;
    let io = |what: &str, e: std::io::Error| Error::Io {
        op: OP,
        path: shown.clone(),
        message: format!("cannot {what}: {e}; check that the directory exists and is writable"),
    };
    let mut file = File::create(path).map_err(|e| io("create the file", e))?;
    file.write_all(&header)
        .and_then(|_| file.write_all(data.as_bytes()))
        .and_then(|_| file.flush())
        .map_err(|e| io("write the file", e))
}

/// Reads a NumPy `.npy` file (versions 1.0, 2.0, 3.0; any byte order; C or
/// Fortran order). The result is a C-contiguous array on the host.
///
/// Errors: [`Error::Io`] naming the path when the file cannot be read, is
/// not a `.npy` file, or is malformed or truncated; [`Error::Unsupported`]
/// for a dtype tandem does not have (the message says how to convert it in
/// NumPy). See the [module docs](self) for the details.
///
/// ```
/// use tandem::prelude::*;
/// let path = std::env::temp_dir().join("tandem_doc_load_npy.npy");
/// tandem::io::save_npy(&path, &Array::from_vec(vec![1i64, -2, 3], &[3])?)?;
/// let a = tandem::io::load_npy(&path)?;
/// assert_eq!((a.dtype(), a.to_vec::<i64>()?), (DType::I64, vec![1, -2, 3]));
/// assert!(matches!(
///     tandem::io::load_npy(path.with_extension("missing")),
///     Err(Error::Io { .. })
/// ));
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), tandem::Error>(())
/// ```
pub fn load_npy(path: impl AsRef<Path>) -> Result<Array> {
    const OP: &str = "load_npy";
    let path = path.as_ref();
    let shown = path.display().to_string();
    let io = |what: &str, e: std::io::Error| Error::Io {
        op: OP,
        path: shown.clone(),
        message: format!("cannot {what}: {e}"),
    };
    let mut file = File::open(path).map_err(|e| io("open the file", e))?;
    // The size of a regular file bounds every allocation below before it is
    // made; for a pipe or device reading proceeds in bounded steps instead.
    let file_len = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());

    // Magic and version first: they say how long the header length field is.
    let mut bytes = Vec::with_capacity(12);
    (&mut file)
        .take(8)
        .read_to_end(&mut bytes)
        .map_err(|e| io("read the file", e))?;
    let prefix_len = check_start(&bytes).map_err(|f| f.into_error(OP, &shown))?;
    (&mut file)
        .take((prefix_len - bytes.len()) as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| io("read the file", e))?;
    let pre = parse_preamble(&bytes).map_err(|f| f.into_error(OP, &shown))?;
    let header_end = pre.prefix_len + pre.header_len;
    if file_len.is_some_and(|n| n < header_end as u64) {
        let n = file_len.unwrap_or(0) as usize;
        return Err(Fail::Io(header_past_end(&pre, n)).into_error(OP, &shown));
    }
    (&mut file)
        .take(pre.header_len as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| io("read the header", e))?;
    if bytes.len() < header_end {
        return Err(Fail::Io(header_past_end(&pre, bytes.len())).into_error(OP, &shown));
    }
    let header = parse_header(&pre, &bytes).map_err(|f| f.into_error(OP, &shown))?;

    let have = file_len.map(|n| n.saturating_sub(header_end as u64));
    if have.is_some_and(|h| h < header.data_len as u64) {
        return Err(
            Fail::Io(data_too_short(&header, have.unwrap_or(0) as usize)).into_error(OP, &shown),
        );
    }
    let host = if file_len.is_some() {
        let mut host = HostBuffer::try_for_overwrite(OP, header.data_len)?;
        file.read_exact(host.as_bytes_mut()).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                Fail::Io(format!(
                    "truncated data: the file ended before the {} bytes its shape needs were read; \
                     was it still being written?",
                    header.data_len
                ))
                .into_error(OP, &shown)
            } else {
                io("read the data", e)
            }
        })?;
        host
    } else {
        let mut data = Vec::new();
        (&mut file)
            .take(header.data_len as u64)
            .read_to_end(&mut data)
            .map_err(|e| io("read the data", e))?;
        if data.len() < header.data_len {
            return Err(Fail::Io(data_too_short(&header, data.len())).into_error(OP, &shown));
        }
        HostBuffer::from_bytes(&data)
    };
    finish(&header, host)
}

/// The bytes of the `.npy` file [`save_npy`] would write for `a`. Forces
/// evaluation.
///
/// ```
/// use tandem::prelude::*;
/// let bytes = tandem::io::to_npy_bytes(&Array::from_vec(vec![1.5f64, 2.5], &[2])?)?;
/// assert_eq!(&bytes[..6], b"\x93NUMPY");
/// assert_eq!(bytes.len(), 128 + 2 * 8); // a 128-byte preamble and header, then the data
/// let header = std::str::from_utf8(&bytes[10..128]).unwrap();
/// assert!(header.starts_with("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"));
/// # Ok::<(), tandem::Error>(())
/// ```
pub fn to_npy_bytes(a: &Array) -> Result<Vec<u8>> {
    let header = header_bytes(a.dtype(), a.shape());
    let data = data_bytes(a)?;
    let mut out = Vec::new();
    out.try_reserve_exact(header.len() + data.len())
        .map_err(|_| Error::OutOfMemory {
            op: "to_npy_bytes",
            device: "cpu".into(),
            bytes: (header.len() + data.len()) as u64,
        })?;
    out.extend_from_slice(&header);
    out.extend_from_slice(data.as_bytes());
    Ok(out)
}

/// Reads an array from the bytes of a `.npy` file (as [`load_npy`] does).
/// Never panics, whatever the bytes; allocates at most about as much as
/// `bytes` holds.
///
/// Errors: as [`load_npy`], with the path given as `<in-memory .npy bytes>`.
///
/// ```
/// use tandem::prelude::*;
/// let a = Array::from_vec(vec![true, false, true], &[3])?;
/// let b = tandem::io::from_npy_bytes(&tandem::io::to_npy_bytes(&a)?)?;
/// assert_eq!(b.to_vec::<bool>()?, vec![true, false, true]);
/// assert!(matches!(tandem::io::from_npy_bytes(b"not numpy"), Err(Error::Io { .. })));
/// # Ok::<(), tandem::Error>(())
/// ```
pub fn from_npy_bytes(bytes: &[u8]) -> Result<Array> {
    const OP: &str = "from_npy_bytes";
    let pre = parse_preamble(bytes).map_err(|f| f.into_error(OP, IN_MEMORY))?;
    let header_end = pre.prefix_len + pre.header_len;
    if bytes.len() < header_end {
        return Err(Fail::Io(header_past_end(&pre, bytes.len())).into_error(OP, IN_MEMORY));
    }
    let header =
        parse_header(&pre, &bytes[..header_end]).map_err(|f| f.into_error(OP, IN_MEMORY))?;
    let data = &bytes[header_end..];
    if data.len() < header.data_len {
        return Err(Fail::Io(data_too_short(&header, data.len())).into_error(OP, IN_MEMORY));
    }
    let mut host = HostBuffer::try_for_overwrite(OP, header.data_len)?;
    host.as_bytes_mut()
        .copy_from_slice(&data[..header.data_len]);
    finish(&header, host)
}

// ---------------------------------------------------------------------------
// Failures before they get an operation and a path

/// What went wrong, before the caller adds its operation and path.
#[derive(Debug)]
enum Fail {
    /// Malformed or truncated input: [`Error::Io`].
    Io(String),
    /// Well-formed but not something tandem reads: [`Error::Unsupported`].
    Unsupported(String),
}

impl Fail {
    fn into_error(self, op: &'static str, path: &str) -> Error {
        match self {
            Fail::Io(message) => Error::Io {
                op,
                path: path.to_string(),
                message,
            },
            Fail::Unsupported(message) => Error::Unsupported {
                op,
                message: format!("{path}: {message}"),
            },
        }
    }
}

type Parsed<T> = std::result::Result<T, Fail>;

// ---------------------------------------------------------------------------
// Reading

/// The fixed-size start of a file: version and header length.
#[derive(Debug)]
struct Preamble {
    major: u8,
    /// Bytes before the header (magic, version, length field): 10 or 12.
    prefix_len: usize,
    header_len: usize,
}

/// Everything the header says, checked.
#[derive(Debug)]
struct Header {
    dtype: DType,
    /// The byte order of the file's elements is this machine's.
    native: bool,
    fortran: bool,
    shape: Vec<usize>,
    /// Bytes of element data the shape needs.
    data_len: usize,
    descr: String,
}

/// Checks the magic string and version; returns the length of the
/// preamble (magic, version and header length field: 10 or 12 bytes).
fn check_start(bytes: &[u8]) -> Parsed<usize> {
    if bytes.is_empty() {
        return Err(Fail::Io(
            "the file is empty (0 bytes); a .npy file starts with the magic string \\x93NUMPY"
                .into(),
        ));
    }
    if bytes.len() < MAGIC.len() && MAGIC.starts_with(bytes) {
        return Err(Fail::Io(format!(
            "truncated: the file is {} bytes, cut inside the .npy magic string",
            bytes.len()
        )));
    }
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        let start = &bytes[..bytes.len().min(8)];
        let hint = if start.starts_with(b"PK\x03\x04") {
            "this is a zip archive (an .npz from np.savez?): extract its .npy members and load those"
        } else {
            "this is not a .npy file; write one with np.save"
        };
        return Err(Fail::Io(format!(
            "does not start with the .npy magic string \\x93NUMPY (it starts with {}); {hint}",
            escape_bytes(start)
        )));
    }
    if bytes.len() < 8 {
        return Err(Fail::Io(format!(
            "truncated: the file is {} bytes, too short for the .npy version bytes",
            bytes.len()
        )));
    }
    let (major, minor) = (bytes[6], bytes[7]);
    match (major, minor) {
        (1, 0) => Ok(10),
        (2, 0) | (3, 0) => Ok(12),
        _ => Err(Fail::Unsupported(format!(
            ".npy format version {major}.{minor}; tandem reads versions 1.0, 2.0 and 3.0 \
             (re-save the array with np.save from a current NumPy)"
        ))),
    }
}

/// The magic string, version and header length at the start of `bytes`.
fn parse_preamble(bytes: &[u8]) -> Parsed<Preamble> {
    let prefix_len = check_start(bytes)?;
    let (major, minor) = (bytes[6], bytes[7]);
    if bytes.len() < prefix_len {
        return Err(Fail::Io(format!(
            "truncated: the file is {} bytes, too short for the header length of a version {major}.{minor} .npy file ({prefix_len} bytes)",
            bytes.len()
        )));
    }
    let header_len = if prefix_len == 10 {
        u16::from_le_bytes([bytes[8], bytes[9]]) as usize
    } else {
        u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize
    };
    if header_len > MAX_HEADER_LEN {
        return Err(Fail::Io(format!(
            "the header length field says {header_len} bytes, more than the {MAX_HEADER_LEN}-byte limit \
             (NumPy writes a few hundred); the file is corrupt"
        )));
    }
    Ok(Preamble {
        major,
        prefix_len,
        header_len,
    })
}

fn header_past_end(pre: &Preamble, total: usize) -> String {
    format!(
        "truncated header: the header length field says {} bytes, but only {} bytes follow the {}-byte preamble",
        pre.header_len,
        total.saturating_sub(pre.prefix_len),
        pre.prefix_len
    )
}

fn data_too_short(h: &Header, have: usize) -> String {
    format!(
        "truncated data: shape {} of {} ('{}') needs {} bytes of data, but only {have} follow the header; \
         the file is incomplete",
        py_tuple(&h.shape),
        h.dtype.name(),
        h.descr,
        h.data_len
    )
}

/// `bytes` (the whole preamble and header) → the checked header.
fn parse_header(pre: &Preamble, bytes: &[u8]) -> Parsed<Header> {
    let raw = &bytes[pre.prefix_len..pre.prefix_len + pre.header_len];
    let text: Vec<char> = if pre.major >= 3 {
        match std::str::from_utf8(raw) {
            Ok(s) => s.chars().collect(),
            Err(e) => {
                return Err(Fail::Io(format!(
                    "the header of a version 3.0 file is not valid UTF-8 ({e})"
                )))
            }
        }
    } else {
        // Versions 1.0 and 2.0 are Latin-1: every byte is the char of that code.
        raw.iter().map(|&b| b as char).collect()
    };
    let dict = match Parser::new(&text).document() {
        Ok(Py::Dict(d)) => d,
        Ok(other) => {
            return Err(Fail::Io(format!(
                "the header is not a dict but {}; expected {{'descr': …, 'fortran_order': …, 'shape': …}}",
                other.kind()
            )))
        }
        Err(e) => {
            return Err(Fail::Io(format!(
                "the header does not parse as a Python dict literal: {e} (header: {})",
                excerpt(&text)
            )))
        }
    };
    let (mut descr, mut fortran, mut shape) = (None, None, None);
    for (k, v) in dict {
        match k {
            Py::Str(k) if k == "descr" => descr = Some(v),
            Py::Str(k) if k == "fortran_order" => fortran = Some(v),
            Py::Str(k) if k == "shape" => shape = Some(v),
            other => {
                return Err(Fail::Io(format!(
                    "the header has an unexpected key {}; a .npy header has exactly 'descr', 'fortran_order' and 'shape'",
                    other.show()
                )))
            }
        }
    }
    let missing = |key: &str| {
        Fail::Io(format!(
            "the header has no '{key}' key; a .npy header has 'descr', 'fortran_order' and 'shape'"
        ))
    };
    let descr = descr.ok_or_else(|| missing("descr"))?;
    let fortran = match fortran.ok_or_else(|| missing("fortran_order"))? {
        Py::Bool(b) => b,
        other => {
            return Err(Fail::Io(format!(
                "'fortran_order' is {}, not True or False",
                other.show()
            )))
        }
    };
    // The dtype first: when tandem cannot hold it, that is the news, whatever the shape.
    let (dtype, native, descr) = parse_descr(&descr)?;
    let shape = parse_shape(shape.ok_or_else(|| missing("shape"))?)?;
    // NumPy's rule: the bytes of the non-zero axes must be addressable even
    // when another axis is 0, so every sub-product of the shape is too.
    let data_len = shape
        .iter()
        .filter(|&&n| n != 0)
        .try_fold(dtype.size_of(), |acc, &n| acc.checked_mul(n))
        .filter(|&n| n <= isize::MAX as usize)
        .map(|n| if shape.contains(&0) { 0 } else { n })
        .ok_or_else(|| {
            Fail::Io(format!(
                "shape {} of {} holds more bytes than this machine can address; the file is corrupt",
                py_tuple(&shape),
                dtype.name()
            ))
        })?;
    Ok(Header {
        dtype,
        native,
        fortran,
        shape,
        data_len,
        descr,
    })
}

fn parse_shape(v: Py) -> Parsed<Vec<usize>> {
    let items = match v {
        Py::Tuple(items) | Py::List(items) => items,
        // `(3)` is the integer 3 in Python; writers that mean `(3,)` produce it.
        i @ Py::Int { .. } => vec![i],
        other => {
            return Err(Fail::Io(format!(
                "'shape' is {}, not a tuple of integers",
                other.show()
            )))
        }
    };
    if items.len() > MAX_NDIM {
        return Err(Fail::Unsupported(format!(
            "the array has {} dimensions; tandem (like NumPy) reads at most {MAX_NDIM}",
            items.len()
        )));
    }
    items
        .into_iter()
        .map(|item| match item {
            Py::Int {
                negative: false,
                magnitude: Some(m),
            } => usize::try_from(m).map_err(|_| {
                Fail::Io(format!(
                    "the shape entry {m} is larger than this machine can address; the file is corrupt"
                ))
            }),
            other => Err(Fail::Io(format!(
                "the shape entry {} is not a non-negative integer",
                other.show()
            ))),
        })
        .collect()
}

/// A `descr` → (dtype, elements in this machine's byte order, descr text).
fn parse_descr(v: &Py) -> Parsed<(DType, bool, String)> {
    let s = match v {
        Py::Str(s) => s,
        Py::List(_) => {
            return Err(Fail::Unsupported(format!(
                "a structured (record) array with fields {}; tandem arrays have one plain dtype: \
                 save each field separately, e.g. np.save(path, a['name'])",
                v.show()
            )))
        }
        Py::Tuple(_) => {
            return Err(Fail::Unsupported(format!(
                "a sub-array dtype {}; save the array with its full shape (np.ascontiguousarray(a)) instead",
                v.show()
            )))
        }
        other => {
            return Err(Fail::Io(format!(
                "'descr' is {}, not a dtype string such as '<f4'",
                other.show()
            )))
        }
    };
    let little_host = cfg!(target_endian = "little");
    let (native, code) = match s.chars().next() {
        Some('<') => (little_host, &s[1..]),
        Some('>') => (!little_host, &s[1..]),
        Some('=') | Some('|') => (true, &s[1..]),
        _ => (true, &s[..]),
    };
    let dtype = match code {
        "b1" | "?" => DType::Bool,
        "i4" => DType::I32,
        "i8" => DType::I64,
        "u4" => DType::U32,
        "f4" => DType::F32,
        "f8" => DType::F64,
        _ => return Err(Fail::Unsupported(unsupported_descr(s, code))),
    };
    Ok((dtype, native, s.clone()))
}

/// Why a NumPy dtype has no tandem equivalent, and what to do.
fn unsupported_descr(descr: &str, code: &str) -> String {
    let kind = code.chars().next().unwrap_or(' ');
    let bits = code
        .get(1..)
        .and_then(|n| n.parse::<usize>().ok())
        .map(|n| n * 8);
    let what = match (kind, bits) {
        ('f' | 'e' | 'g', _) => format!(
            "float{} is not a tandem dtype; convert in NumPy with a.astype(np.float32) or a.astype(np.float64)",
            bits.map_or("?".into(), |b| b.to_string())
        ),
        ('i', _) => format!(
            "int{} is not a tandem dtype; convert in NumPy with a.astype(np.int32) or a.astype(np.int64)",
            bits.map_or("?".into(), |b| b.to_string())
        ),
        ('u', Some(64)) => "uint64 is not a tandem dtype; convert in NumPy with a.astype(np.int64) if the values fit, else a.astype(np.float64)".into(),
        ('u' | 'B', _) => format!(
            "uint{} is not a tandem dtype; convert in NumPy with a.astype(np.uint32)",
            bits.map_or("?".into(), |b| b.to_string())
        ),
        ('c', _) => "complex numbers are not a tandem dtype; save the real and imaginary parts (a.real, a.imag) as two float arrays".into(),
        ('O', _) => "object arrays hold pickled Python objects, which tandem never loads; convert to a numeric dtype with a.astype(np.float64)".into(),
        ('U' | 'S' | 'a' | 'V', _) => "string, bytes and void arrays are not tandem dtypes; tandem reads numeric and bool arrays".into(),
        ('M' | 'm', _) => "datetime and timedelta arrays are not tandem dtypes; convert in NumPy with a.astype(np.int64)".into(),
        _ => "this is not a dtype descriptor tandem knows; tandem reads '|b1', '<i4', '<i8', '<u4', '<f4' and '<f8' (either byte order)".into(),
    };
    format!("unsupported dtype '{descr}': {what}")
}

/// Element bytes as read → the array: byte order, bool bytes, Fortran order.
fn finish(h: &Header, mut host: HostBuffer) -> Result<Array> {
    let size = h.dtype.size_of();
    if !h.native && size > 1 {
        for e in host.as_bytes_mut().chunks_exact_mut(size) {
            e.reverse();
        }
    }
    if h.dtype == DType::Bool {
        for b in host.as_bytes_mut() {
            *b = (*b != 0) as u8;
        }
    }
    if h.fortran && h.shape.len() > 1 {
        // Fortran order is the C layout of the reversed shape, transposed.
        let reversed: Vec<usize> = h.shape.iter().rev().copied().collect();
        let transposed = Array::from_node(Node::from_host(h.dtype, &reversed, host)).t();
        host = transposed.contiguous_bytes()?;
    }
    Ok(Array::from_node(Node::from_host(h.dtype, &h.shape, host)))
}

// ---------------------------------------------------------------------------
// Writing

/// NumPy's `descr` for a dtype, little-endian.
fn descr_of(dtype: DType) -> &'static str {
    match dtype {
        DType::Bool => "|b1",
        DType::I32 => "<i4",
        DType::I64 => "<i8",
        DType::U32 => "<u4",
        DType::F32 => "<f4",
        DType::F64 => "<f8",
    }
}

/// Python's `repr` of a tuple of ints: `()`, `(3,)`, `(3, 4)`.
fn py_tuple(shape: &[usize]) -> String {
    match shape {
        [] => "()".into(),
        [n] => format!("({n},)"),
        _ => {
            let parts: Vec<String> = shape.iter().map(|n| n.to_string()).collect();
            format!("({})", parts.join(", "))
        }
    }
}

/// The preamble and padded header, as NumPy's `_write_array_header` makes them.
fn header_bytes(dtype: DType, shape: &[usize]) -> Vec<u8> {
    let mut dict = format!(
        "{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}",
        descr_of(dtype),
        py_tuple(shape)
    );
    // Spare room so that the header can be rewritten in place when axis 0 grows.
    if let Some(first) = shape.first() {
        let digits = first.to_string().len();
        dict.push_str(&" ".repeat(GROWTH_AXIS_MAX_DIGITS.saturating_sub(digits)));
    }
    let wrap = |field: usize| {
        let hlen = dict.len() + 1;
        let pad = ARRAY_ALIGN - (MAGIC.len() + 2 + field + hlen) % ARRAY_ALIGN;
        (hlen + pad, pad)
    };
    let (major, field) = if wrap(2).0 <= u16::MAX as usize {
        (1u8, 2)
    } else {
        (2u8, 4)
    };
    let (total, pad) = wrap(field);
    let mut out = Vec::with_capacity(8 + field + total);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[major, 0]);
    if field == 2 {
        out.extend_from_slice(&(total as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(total as u32).to_le_bytes());
    }
    out.extend_from_slice(dict.as_bytes());
    out.resize(out.len() + pad, b' ');
    out.push(b'\n');
    out
}

/// The elements of `a` in C order, little-endian.
fn data_bytes(a: &Array) -> Result<HostBuffer> {
    #[allow(unused_mut)]
    let mut data = a.contiguous_bytes()?;
    #[cfg(target_endian = "big")]
    {
        let size = a.dtype().size_of();
        if size > 1 {
            for e in data.as_bytes_mut().chunks_exact_mut(size) {
                e.reverse();
            }
        }
    }
    Ok(data)
}

// ---------------------------------------------------------------------------
// Messages

/// `bytes` as a Python bytes literal (`b'\x93NUMPY'`), for messages.
fn escape_bytes(bytes: &[u8]) -> String {
    let mut s = String::from("b'");
    for &b in bytes {
        match b {
            b'\\' => s.push_str("\\\\"),
            b'\'' => s.push_str("\\'"),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s.push('\'');
    s
}

/// The start of a header, trimmed and escaped, for messages.
fn excerpt(text: &[char]) -> String {
    const MAX: usize = 120;
    let shown: String = text.iter().take(MAX).collect();
    let shown = format!("{:?}", shown.trim_end());
    if text.len() > MAX {
        format!("{shown}…")
    } else {
        shown
    }
}

// ---------------------------------------------------------------------------
// The header parser: Python literals, no eval

/// A Python literal from the header.
#[derive(Debug, Clone, PartialEq)]
enum Py {
    Str(String),
    /// An integer: its sign and magnitude (`None` when past `u128`).
    Int {
        negative: bool,
        magnitude: Option<u128>,
    },
    Bool(bool),
    None,
    Tuple(Vec<Py>),
    List(Vec<Py>),
    Dict(Vec<(Py, Py)>),
}

impl Py {
    fn kind(&self) -> &'static str {
        match self {
            Py::Str(_) => "a string",
            Py::Int { .. } => "an integer",
            Py::Bool(_) => "a bool",
            Py::None => "None",
            Py::Tuple(_) => "a tuple",
            Py::List(_) => "a list",
            Py::Dict(_) => "a dict",
        }
    }

    /// Python-like text of the value, shortened, for messages.
    fn show(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        if s.chars().count() > 80 {
            let head: String = s.chars().take(80).collect();
            format!("{head}…")
        } else {
            s
        }
    }

    fn write(&self, out: &mut String) {
        if out.len() > 200 {
            return;
        }
        let seq = |out: &mut String, items: &[Py], open: char, close: char| {
            out.push(open);
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                x.write(out);
            }
            if open == '(' && items.len() == 1 {
                out.push(',');
            }
            out.push(close);
        };
        match self {
            Py::Str(s) => out.push_str(&format!("{s:?}")),
            Py::Int {
                negative,
                magnitude,
            } => {
                if *negative {
                    out.push('-');
                }
                match magnitude {
                    Some(m) => out.push_str(&m.to_string()),
                    None => out.push_str("<huge>"),
                }
            }
            Py::Bool(true) => out.push_str("True"),
            Py::Bool(false) => out.push_str("False"),
            Py::None => out.push_str("None"),
            Py::Tuple(items) => seq(out, items, '(', ')'),
            Py::List(items) => seq(out, items, '[', ']'),
            Py::Dict(items) => {
                out.push('{');
                for (i, (k, v)) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    k.write(out);
                    out.push_str(": ");
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// A recursive-descent parser for the subset of Python literals that
/// `.npy` headers use: dicts, tuples, lists, strings, integers (with
/// Python 2's `L` suffix), `True`, `False`, `None`.
struct Parser<'a> {
    text: &'a [char],
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a [char]) -> Parser<'a> {
        Parser {
            text,
            pos: 0,
            depth: 0,
        }
    }

    /// The whole text: one literal with only whitespace around it.
    fn document(&mut self) -> std::result::Result<Py, String> {
        let v = self.value()?;
        self.skip_ws();
        if self.pos < self.text.len() {
            return Err(format!(
                "unexpected {} at character {} after the literal",
                self.show_here(),
                self.pos
            ));
        }
        Ok(v)
    }

    fn peek(&self) -> Option<char> {
        self.text.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn show_here(&self) -> String {
        match self.peek() {
            Some(c) => format!("{c:?}"),
            None => "end of header".into(),
        }
    }

    fn expect(&mut self, c: char) -> std::result::Result<(), String> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!(
                "expected {c:?} at character {} but found {}",
                self.pos,
                self.show_here()
            ))
        }
    }

    fn value(&mut self) -> std::result::Result<Py, String> {
        self.skip_ws();
        let Some(c) = self.peek() else {
            return Err("the header ended where a value was expected".into());
        };
        match c {
            '{' | '(' | '[' => {
                if self.depth >= MAX_NESTING {
                    return Err(format!("literals nest more than {MAX_NESTING} levels deep"));
                }
                self.depth += 1;
                let v = match c {
                    '{' => self.dict(),
                    '(' => self.tuple(),
                    _ => self.list(),
                };
                self.depth -= 1;
                v
            }
            '\'' | '"' => self.string(),
            '-' | '+' | '0'..='9' => self.int(),
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.pos += 1;
                }
                let word: String = self.text[start..self.pos].iter().collect();
                match word.as_str() {
                    "True" => Ok(Py::Bool(true)),
                    "False" => Ok(Py::Bool(false)),
                    "None" => Ok(Py::None),
                    // String prefixes: u'…' (Python 2 unicode), b'…'.
                    "u" | "U" | "b" | "B" if matches!(self.peek(), Some('\'' | '"')) => {
                        self.string()
                    }
                    _ => Err(format!(
                        "unexpected name {word:?} at character {start}; only True, False and None are literals"
                    )),
                }
            }
            _ => Err(format!(
                "unexpected {} at character {} where a value was expected",
                self.show_here(),
                self.pos
            )),
        }
    }

    /// Items up to `close`, comma-separated, with an optional trailing comma.
    /// Returns the items and whether a comma was seen.
    fn items(
        &mut self,
        close: char,
        mut item: impl FnMut(&mut Self) -> std::result::Result<(), String>,
    ) -> std::result::Result<bool, String> {
        let mut comma = false;
        let mut count = 0usize;
        loop {
            self.skip_ws();
            if self.peek() == Some(close) {
                self.pos += 1;
                return Ok(comma);
            }
            count += 1;
            if count > MAX_ITEMS {
                return Err(format!("a literal has more than {MAX_ITEMS} entries"));
            }
            item(self)?;
            self.skip_ws();
            match self.peek() {
                Some(',') => {
                    self.pos += 1;
                    comma = true;
                }
                Some(c) if c == close => {}
                _ => {
                    return Err(format!(
                        "expected ',' or {close:?} at character {} but found {}",
                        self.pos,
                        self.show_here()
                    ))
                }
            }
        }
    }

    fn dict(&mut self) -> std::result::Result<Py, String> {
        self.pos += 1; // '{'
        let mut entries = Vec::new();
        self.items('}', |p| {
            let k = p.value()?;
            p.expect(':')?;
            let v = p.value()?;
            // A repeated key keeps its last value, as in Python: the
            // reader takes the last occurrence.
            entries.push((k, v));
            Ok(())
        })?;
        Ok(Py::Dict(entries))
    }

    fn tuple(&mut self) -> std::result::Result<Py, String> {
        self.pos += 1; // '('
        let mut items = Vec::new();
        let comma = self.items(')', |p| {
            items.push(p.value()?);
            Ok(())
        })?;
        // `(x)` is just `x` in Python; `(x,)` and `()` are tuples.
        if items.len() == 1 && !comma {
            return Ok(items.pop().unwrap_or(Py::None));
        }
        Ok(Py::Tuple(items))
    }

    fn list(&mut self) -> std::result::Result<Py, String> {
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.items(']', |p| {
            items.push(p.value()?);
            Ok(())
        })?;
        Ok(Py::List(items))
    }

    fn string(&mut self) -> std::result::Result<Py, String> {
        let start = self.pos;
        let Some(quote) = self.peek() else {
            return Err("the header ended where a string was expected".into());
        };
        self.pos += 1;
        let mut s = String::new();
        loop {
            match self.peek() {
                None | Some('\n') => {
                    return Err(format!(
                        "the string starting at character {start} is not closed"
                    ))
                }
                Some(c) if c == quote => {
                    self.pos += 1;
                    return Ok(Py::Str(s));
                }
                Some('\\') => {
                    self.pos += 1;
                    match self.peek() {
                        None => {
                            return Err(format!(
                                "the string starting at character {start} is not closed"
                            ))
                        }
                        Some(c) => {
                            self.pos += 1;
                            match c {
                                'n' => s.push('\n'),
                                't' => s.push('\t'),
                                'r' => s.push('\r'),
                                '0' => s.push('\0'),
                                '\\' | '\'' | '"' => s.push(c),
                                other => {
                                    s.push('\\');
                                    s.push(other);
                                }
                            }
                        }
                    }
                }
                Some(c) => {
                    self.pos += 1;
                    s.push(c);
                }
            }
        }
    }

    fn int(&mut self) -> std::result::Result<Py, String> {
        let start = self.pos;
        let mut negative = false;
        while let Some(c @ ('-' | '+')) = self.peek() {
            if c == '-' {
                negative = !negative;
            }
            self.pos += 1;
            self.skip_ws();
        }
        let mut magnitude: Option<u128> = Some(0);
        let mut digits = 0usize;
        while let Some(c) = self.peek() {
            if let Some(d) = c.to_digit(10) {
                magnitude = magnitude
                    .and_then(|m| m.checked_mul(10))
                    .and_then(|m| m.checked_add(d as u128));
                digits += 1;
                self.pos += 1;
            } else if c == '_' && digits > 0 {
                self.pos += 1;
            } else {
                break;
            }
        }
        if digits == 0 {
            return Err(format!("expected digits at character {start}"));
        }
        // Python 2 long integers: `3L`.
        if matches!(self.peek(), Some('L' | 'l')) {
            self.pos += 1;
        }
        if self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.')
        {
            return Err(format!(
                "the number at character {start} is not an integer literal"
            ));
        }
        Ok(Py::Int {
            negative: negative && magnitude != Some(0),
            magnitude,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> std::result::Result<Py, String> {
        let chars: Vec<char> = s.chars().collect();
        Parser::new(&chars).document()
    }

    fn int(n: u128) -> Py {
        Py::Int {
            negative: false,
            magnitude: Some(n),
        }
    }

    #[test]
    fn parses_header_variants() {
        let d = parse("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }   \n").unwrap();
        assert_eq!(
            d,
            Py::Dict(vec![
                (Py::Str("descr".into()), Py::Str("<f4".into())),
                (Py::Str("fortran_order".into()), Py::Bool(false)),
                (Py::Str("shape".into()), Py::Tuple(vec![int(3), int(4)])),
            ])
        );
        assert_eq!(parse("(3)").unwrap(), int(3));
        assert_eq!(parse("(3,)").unwrap(), Py::Tuple(vec![int(3)]));
        assert_eq!(parse("()").unwrap(), Py::Tuple(vec![]));
        assert_eq!(parse("(3L, 4l)").unwrap(), Py::Tuple(vec![int(3), int(4)]));
        assert_eq!(parse("u'x'").unwrap(), Py::Str("x".into()));
        assert_eq!(parse("\"a\\\"b\"").unwrap(), Py::Str("a\"b".into()));
        assert_eq!(parse("-0").unwrap(), int(0));
        assert!(matches!(
            parse("-5").unwrap(),
            Py::Int { negative: true, .. }
        ));
        assert_eq!(
            parse("99999999999999999999999999999999999999999999").unwrap(),
            Py::Int {
                negative: false,
                magnitude: None
            }
        );
    }

    #[test]
    fn rejects_malformed_literals() {
        for bad in [
            "",
            "{",
            "{'a' 1}",
            "{'a': }",
            "(1 2)",
            "'abc",
            "1.5",
            "0x10",
            "eval('1')",
            "{}}",
            "[1,,]",
            "3e5",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
        let deep = "(".repeat(10_000);
        assert!(parse(&deep).unwrap_err().contains("nest"));
    }

    #[test]
    fn header_matches_numpy_layout() {
        let h = header_bytes(DType::F32, &[3, 4]);
        assert_eq!(h.len() % ARRAY_ALIGN, 0);
        assert_eq!(&h[..8], b"\x93NUMPY\x01\x00");
        assert_eq!(*h.last().unwrap(), b'\n');
        let h = header_bytes(DType::F64, &[]);
        assert_eq!(h.len(), 128);
        assert_eq!(&header_bytes(DType::Bool, &[1; 64])[6..8], b"\x01\x00");
        // A header past u16::MAX bytes needs version 2.0 and its u32 length.
        let h = header_bytes(DType::Bool, &[1; 30_000]);
        assert_eq!(&h[6..8], b"\x02\x00");
        assert_eq!(h.len() % ARRAY_ALIGN, 0);
        let len = u32::from_le_bytes([h[8], h[9], h[10], h[11]]) as usize;
        assert_eq!(len + 12, h.len());
    }
}
