//! The direct path for tiny forces.
//!
//! A force of one elementwise op over data (`(&a + &b).eval()`, `x.sqrt()`
//! read back, `&a * 2.0` compared in a loop) on small host arrays is the
//! commonest force of a NumPy-style program, and the one where NumPy's op
//! costs least (~0.4 µs for 1000 elements). Walking the graph, finding the
//! plan, building and binding a kernel costs more than the op itself, so
//! such a force skips all of it: the host backend runs the op straight over
//! the operands' memory ([`Backend::execute_direct`]) into a buffer from the
//! small-buffer pool.
//!
//! It applies only where the general path would do exactly the same work:
//! every operand is data on the host in C order with the result's shape
//! (or a constant), nothing lazy is below the value (so there is nothing to
//! fuse, keep or share), the result is at most [`DIRECT_MAX`] elements (one
//! thread: the general path would not split it either), and the device
//! asked for is the CPU or `Auto` (placement puts so small a kernel over
//! host data on the host). Anything else, or an op the backend has no
//! direct loop for, takes the general path. The force is counted in
//! [`Stats`](crate::Stats) like any other (a force and one kernel, its bytes
//! and its allocation), but neither as a plan-cache hit nor a miss: there
//! is no plan.
//!
//! [`Backend::execute_direct`]: crate::Backend::execute_direct

use crate::backend::{Device, Memory};
use crate::buffer::HostBuffer;
use crate::error::Result;
use crate::graph::{Node, NodeDef, Storage};
use crate::kernel::{DirectInput, OneOp};
use crate::layout::Layout;
use crate::registry::runtime;
use crate::run::record_kernel;
use crate::stats::record;
use std::sync::Arc;

/// The largest result (elements) the direct path computes: well inside
/// one thread's share of work and the L2 cache.
pub(crate) const DIRECT_MAX: usize = 1 << 14;

/// An operand as the direct path reads it: the host copy of data in C
/// order of the result's shape and the operand's offset in it, or a
/// constant.
enum Held {
    Data(Arc<HostBuffer>, usize),
    Const(crate::Scalar),
}

impl Held {
    /// `child` as an operand of a result of shape `shape`, if the direct
    /// path can read it: a constant, or host data in C order of `shape`.
    /// One lock at a time (an operand may appear twice, `&a + &a`, or two
    /// operands share a storage), and only the host buffer's handle is
    /// cloned: each clone is an atomic operation, and a tiny force is a few
    /// dozen of them.
    fn of(child: &Node, shape: &[usize]) -> Option<Held> {
        child.with_def(|e| match e {
            NodeDef::Const(s) => Some(Held::Const(*s)),
            NodeDef::Data { storage, layout }
                if layout.shape.as_slice() == shape && layout.is_contiguous() =>
            {
                let host = storage.copies().host.clone()?;
                Some(Held::Data(host, layout.offset))
            }
            _ => None,
        })
    }

    fn input(&self) -> DirectInput<'_> {
        match self {
            Held::Data(host, offset) => DirectInput::Host(host, *offset),
            Held::Const(s) => DirectInput::Scalar(*s),
        }
    }
}

/// Computes `node` by the direct path if it applies (see the module docs);
/// `None` if it does not, and the caller takes the general path.
pub(crate) fn try_force(node: &Arc<Node>, want: Device) -> Option<Result<()>> {
    if matches!(want, Device::Gpu(_)) {
        return None;
    }
    let n = node.size();
    if n == 0 || n > DIRECT_MAX {
        return None;
    }
    let (index, entry) = runtime().host_entry();
    debug_assert_eq!(entry.memory, Memory::Host);
    let (op, dtype, first, second) = node.with_def(|e| match e {
        NodeDef::Unary(op, x) => {
            Some((OneOp::Unary(*op), x.dtype, Held::of(x, &node.shape)?, None))
        }
        NodeDef::Binary(op, a, b) => Some((
            OneOp::Binary(*op),
            a.dtype,
            Held::of(a, &node.shape)?,
            Some(Held::of(b, &node.shape)?),
        )),
        _ => None,
    })?;
    let is_const = |h: &Held| matches!(h, Held::Const(_));
    if is_const(&first) && second.as_ref().is_none_or(is_const) {
        // Constants only: the general path folds or broadcasts them.
        return None;
    }
    // The graph resolved the op's dtypes when it built the node: the
    // operands already have the op's compute dtype (`graph::NodeDef`).
    let out_dtype = node.dtype;
    let (one, two);
    let inputs: &[DirectInput] = match &second {
        None => {
            one = [first.input()];
            &one
        }
        Some(s) => {
            two = [first.input(), s.input()];
            &two
        }
    };
    let bytes = n * out_dtype.size_of();
    let mut output = match entry.backend.alloc(bytes) {
        Ok(b) => b,
        Err(e) => return Some(Err(e)),
    };
    if let Err(e) = entry
        .backend
        .execute_direct(op, dtype, out_dtype, inputs, &mut output, n)?
    {
        return Some(Err(e));
    }
    let read = inputs
        .iter()
        .filter(|i| matches!(i, DirectInput::Host(..)))
        .count()
        * n
        * dtype.size_of();
    record(|s| s.forces += 1);
    if let Err(e) = record_kernel(entry, *index, (read as u64, bytes as u64), 1, bytes as u64) {
        return Some(Err(e));
    }
    let storage = Storage::from_buffer(out_dtype, n, *index, true, output);
    node.set_data(storage, Layout::contiguous(&node.shape));
    Some(Ok(()))
}
