//! Reading `.npy` files: [`load_npy`] from a path and [`from_npy_bytes`]
//! from memory, and what they share: the preamble (magic, version, header
//! length), the header's dict checked key by key (dtype, order, shape), the
//! limits that make a hostile file cheap to reject, and the messages that
//! say what is wrong with a file. The format itself is described in the
//! [module docs](crate::npy).

use super::limits::{IN_MEMORY, MAGIC, MAX_HEADER_LEN, MAX_NDIM};
use super::literal::{Parser, Py};
use super::write::py_tuple;
use crate::array::Array;
use crate::buffer::HostBuffer;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::graph::Node;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Reads a NumPy `.npy` file (versions 1.0, 2.0, 3.0; any byte order; C or
/// Fortran order). The result is a C-contiguous array on the host.
///
/// Errors: [`Error::Io`] naming the path when the file cannot be read, is
/// not a `.npy` file, or is malformed or truncated; [`Error::Unsupported`]
/// for a dtype tandem does not have (the message says how to convert it in
/// NumPy). See the [module docs](crate::npy) for the details.
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
        let (host, got) = read_stream(&mut file, header.data_len, OP).map_err(|e| match e {
            StreamFail::Io(e) => io("read the data", e),
            StreamFail::Alloc(e) => e,
        })?;
        if got < header.data_len {
            return Err(Fail::Io(data_too_short(&header, got)).into_error(OP, &shown));
        }
        host
    };
    finish(&header, host)
}

/// Why reading a stream stopped.
enum StreamFail {
    Io(std::io::Error),
    Alloc(Error),
}

/// Reads up to `len` bytes from a stream of unknown length (a pipe, a
/// device) into a buffer that grows with the bytes that arrive, doubling
/// from 1 MiB, each allocation fallible ([`Error::OutOfMemory`]). So a
/// header that claims more than the stream holds costs what was sent, not
/// what was claimed, and a stream too big for memory is an error, never an
/// abort; the final buffer is tandem's own (no copy into one at the end).
/// Returns the buffer and how many bytes arrived (fewer than `len` if the
/// stream ended first).
fn read_stream(
    r: &mut impl Read,
    len: usize,
    op: &'static str,
) -> std::result::Result<(HostBuffer, usize), StreamFail> {
    let mut cap = len.min(1 << 20);
    let mut buf = HostBuffer::try_for_overwrite(op, cap).map_err(StreamFail::Alloc)?;
    let mut got = 0;
    loop {
        while got < cap {
            match r.read(&mut buf.as_bytes_mut()[got..cap]) {
                Ok(0) => return Ok((buf, got)),
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(StreamFail::Io(e)),
            }
        }
        if got == len {
            return Ok((buf, got));
        }
        let next = cap.saturating_mul(2).min(len);
        let mut bigger = HostBuffer::try_for_overwrite(op, next).map_err(StreamFail::Alloc)?;
        bigger.as_bytes_mut()[..got].copy_from_slice(&buf.as_bytes()[..got]);
        buf = bigger;
        cap = next;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream that hands out at most `step` bytes per read and is
    /// interrupted before every other read, as a pipe may be.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
        interrupt: bool,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            self.interrupt = !self.interrupt;
            if self.interrupt {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let n = self.step.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_stream_is_read_into_a_buffer_that_grows_with_what_arrives() {
        // 3 MiB + 5 bytes, in pieces: the buffer doubles twice past 1 MiB.
        let data: Vec<u8> = (0..(3 << 20) + 5).map(|i| (i % 251) as u8).collect();
        let stream = |step| Trickle {
            data: &data,
            step,
            interrupt: false,
        };
        let (buf, got) = read_stream(&mut stream(70_001), data.len(), "t")
            .ok()
            .unwrap();
        assert_eq!((got, buf.as_bytes()), (data.len(), &data[..]));
        // Asked for less than the stream holds: exactly that much is read.
        let (buf, got) = read_stream(&mut stream(4096), 10, "t").ok().unwrap();
        assert_eq!((got, buf.as_bytes()), (10, &data[..10]));
        // A stream shorter than claimed ends early, having allocated about
        // what arrived (never the 2^50 bytes claimed).
        let (buf, got) = read_stream(&mut stream(1 << 16), 1 << 50, "t")
            .ok()
            .unwrap();
        assert_eq!(got, data.len());
        assert!(buf.len() <= 4 << 20, "{}", buf.len());
    }
}
