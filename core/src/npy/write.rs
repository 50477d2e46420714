//! Writing `.npy` files: [`save_npy`] to a path and [`to_npy_bytes`] to
//! memory, byte for byte what `np.save` writes (version 1.0, or 2.0 for a
//! header past 64 KiB; little-endian; C order; NumPy's spare room and
//! 64-byte alignment).

use super::limits::{ARRAY_ALIGN, GROWTH_AXIS_MAX_DIGITS, MAGIC};
use crate::array::Array;
use crate::buffer::HostBuffer;
use crate::dtype::DType;
use crate::error::{Error, Result};
use std::fs::File;
use std::io::Write;
use std::path::Path;

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
pub(super) fn py_tuple(shape: &[usize]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_matches_numpy_layout() {
        let h = header_bytes(DType::F32, &[3, 4]);
        assert_eq!(h.len() % super::ARRAY_ALIGN, 0);
        assert_eq!(&h[..8], b"\x93NUMPY\x01\x00");
        assert_eq!(*h.last().unwrap(), b'\n');
        let h = header_bytes(DType::F64, &[]);
        assert_eq!(h.len(), 128);
        assert_eq!(&header_bytes(DType::Bool, &[1; 64])[6..8], b"\x01\x00");
        // A header past u16::MAX bytes needs version 2.0 and its u32 length.
        let h = header_bytes(DType::Bool, &[1; 30_000]);
        assert_eq!(&h[6..8], b"\x02\x00");
        assert_eq!(h.len() % super::ARRAY_ALIGN, 0);
        let len = u32::from_le_bytes([h[8], h[9], h[10], h[11]]) as usize;
        assert_eq!(len + 12, h.len());
    }
}
