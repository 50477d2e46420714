//! Run: what happens around a backend running a kernel. Kernels run inside
//! a [`batch`], so a GPU submits a whole force (and the readback of its
//! result) at once; each kernel is counted in [`Stats`](crate::Stats).

use crate::error::Result;
use crate::kernel::Kernel;
use crate::registry::{runtime, Entry};
use crate::stats::record;

thread_local! {
    /// How deep this thread is in nested [`batch`]es, and the backends that
    /// ran kernels since the outermost one began.
    static BATCH: std::cell::RefCell<(usize, Vec<usize>)> =
        const { std::cell::RefCell::new((0, Vec::new())) };
}

/// Runs `f` (which forces a graph, and may read its result) as one batch:
/// every backend that ran a kernel inside it is flushed once at the end of
/// the outermost batch, so a GPU submits the whole graph (and the readback
/// of its result) in one submission instead of one per kernel.
pub(crate) fn batch<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    BATCH.with(|b| b.borrow_mut().0 += 1);
    let value = f();
    let done = BATCH.with(|b| {
        let mut b = b.borrow_mut();
        b.0 -= 1;
        if b.0 == 0 {
            std::mem::take(&mut b.1)
        } else {
            Vec::new()
        }
    });
    // Flush even when `f` failed: kernels recorded before the failure must
    // not wait for some later, unrelated graph.
    let flushed = if done.is_empty() {
        Ok(())
    } else {
        let rt = runtime();
        done.iter().try_for_each(|&i| rt.backend(i).flush())
    };
    let value = value?;
    flushed?;
    Ok(value)
}

/// Notes that `backend` has work to flush at the end of this batch (or
/// flushes it now when no batch is open).
fn touched(entry: &Entry, backend: usize) -> Result<()> {
    let open = BATCH.with(|b| {
        let mut b = b.borrow_mut();
        if b.0 > 0 && !b.1.contains(&backend) {
            b.1.push(backend);
        }
        b.0 > 0
    });
    if open {
        Ok(())
    } else {
        entry.backend.flush()
    }
}

/// The bytes a kernel reads from its inputs and writes to its outputs, as
/// `Stats::bytes_read` and `bytes_written` count them.
pub(crate) fn kernel_bytes(kernel: &Kernel) -> (u64, u64) {
    let read: usize = kernel
        .inputs
        .iter()
        .map(|i| i.dtype.size_of() * i.layout.size())
        .sum();
    let written: usize = kernel
        .outputs
        .iter()
        .map(|o| o.dtype.size_of() * o.layout.size())
        .sum();
    (read as u64, written as u64)
}

/// Counts a kernel that backend `entry` ran (kernels, `bytes` read and
/// written, and `allocated` output bytes in `allocations` buffers) and notes
/// it for the batch's flush.
pub(crate) fn record_kernel(
    entry: &Entry,
    backend: usize,
    (read, written): (u64, u64),
    allocations: u64,
    allocated: u64,
) -> Result<()> {
    let name = entry.name.as_str();
    record(|s| {
        // Look up before inserting: cloning the name per kernel cost an
        // allocation on every small kernel.
        match s.kernels.get_mut(name) {
            Some(n) => *n += 1,
            None => {
                s.kernels.insert(name.to_string(), 1);
            }
        }
        s.bytes_read += read;
        s.bytes_written += written;
        s.allocations += allocations;
        s.allocated_bytes += allocated;
    });
    touched(entry, backend)
}
