//! The reduced value of a kernel, evaluated in blocks (or handed over in
//! place when it is a plain load of a contiguous input): what every
//! strategy folds.

use super::red::Red;
use crate::block::{Read, BLOCK};
use crate::exec::Workspace;
use tandem_core::kernel::{Kernel, Op};
use tandem_core::Result;

/// Below this many iterations a reduction runs on the calling thread.
pub(crate) const PARALLEL_MIN: usize = 1 << 16;

/// Evaluates flat range `start..end` in blocks, calling `f(offset, values)`.
/// When the value is a plain load of a contiguous input, the input's own
/// memory is handed over, in longer runs, with no copy.
pub(crate) fn blocks<T: Red>(
    ws: &mut Workspace,
    k: &Kernel,
    reads: &[Read],
    value: usize,
    start: usize,
    end: usize,
    mut f: impl FnMut(usize, &[T]),
) -> Result<()> {
    if let Some(Read::Contiguous { bytes, offset }) = reads.get(load_input(k, value)) {
        let all: &[T] = bytemuck::cast_slice(bytes);
        let mut s = start;
        while s < end {
            let len = (BLOCK * 16).min(end - s);
            f(s, &all[offset + s..offset + s + len]);
            s += len;
        }
        return Ok(());
    }
    let mut s = start;
    while s < end {
        let len = BLOCK.min(end - s);
        let v = ws.values(k, reads, value, s, len)?;
        f(s, T::slice(v));
        s += len;
    }
    Ok(())
}

/// The input a `Load` value reads (or an index past the inputs otherwise).
pub(crate) fn load_input(k: &Kernel, value: usize) -> usize {
    match k.instrs[value].op {
        Op::Load(i) => i,
        _ => usize::MAX,
    }
}
