//! The per-thread scratch every force walks into, and the key words that
//! say what a force is asked for beyond its graph (device, target region).

use crate::backend::Device;
use crate::fuse::Target;
use crate::graph::walk::Walk;
use smallvec::SmallVec;
use std::cell::RefCell;

thread_local! {
    /// The walk's buffers, reused by every force on this thread.
    static SCRATCH: RefCell<Option<Box<Walk>>> = const { RefCell::new(None) };
}

pub(crate) fn take_walk() -> Box<Walk> {
    SCRATCH.with(|s| s.borrow_mut().take()).unwrap_or_default()
}

pub(crate) fn put_walk(mut walk: Box<Walk>) {
    walk.clear();
    SCRATCH.with(|s| *s.borrow_mut() = Some(walk));
}

/// Marks the key word saying how many of a force's roots were asked for
/// (the rest are pending values computed alongside).
pub(crate) const ASKED: u64 = 0xA5 << 56;

/// The key words naming what a force is asked for beyond its graph.
pub(crate) fn prefix(want: Device, target: Option<(&Target, Option<usize>)>) -> SmallVec<[u64; 4]> {
    let device = match want {
        Device::Auto => 0,
        Device::Cpu => 1,
        Device::Gpu(i) => 2 + ((i as u64) << 8),
    };
    let mut p = SmallVec::new();
    p.push(device);
    if let Some((t, backend)) = target {
        p.push(1 + backend.map_or(0, |b| b as u64 + 1));
        p.push(t.buffer_len as u64);
        p.push(t.layout.offset as u64);
        p.push(t.layout.shape.len() as u64);
        p.extend(t.layout.shape.iter().map(|&d| d as u64));
        p.extend(t.layout.strides.iter().map(|&d| d as u64));
    }
    p
}
