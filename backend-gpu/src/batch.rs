//! One command submission per forced graph. `execute` records each kernel's
//! compute passes into the device's pending command encoder instead of
//! submitting it; `flush` (which the core calls once at the end of a forced
//! graph), a readback, a wait, or an upload that might overwrite memory
//! the pending work still reads, submits everything recorded so far at
//! once. A submission costs a driver round trip (on lavapipe about as much
//! as a small kernel), so a graph of several kernels pays it once.
//!
//! Ordering stays that of the calls: passes run in recording order inside
//! one encoder, and queue writes (uploads) land before the next submission,
//! which is why an upload into a buffer recycled since the last submission
//! flushes first (the pool's epoch, advanced here, tells).

use crate::device::Gpu;
use crate::pool::Pool;
use std::cell::Cell;
use std::sync::{Mutex, MutexGuard};

thread_local! {
    /// Whether this thread has recorded work since it last submitted. The
    /// pending encoder is the device's, shared by every thread; the core's
    /// end-of-graph flush submits only when this thread has work in it, so
    /// one thread's graph never submits (and counts) another thread's
    /// half-recorded graph. Reads and waits submit whatever is pending.
    static RECORDED: Cell<bool> = const { Cell::new(false) };
}
use tandem_core::Result;

/// The pending work of one device.
#[derive(Default)]
pub(crate) struct Batch {
    encoder: Mutex<Option<wgpu::CommandEncoder>>,
}

/// Exclusive access to the pending encoder while a kernel records into it.
pub(crate) struct Recording<'a> {
    guard: MutexGuard<'a, Option<wgpu::CommandEncoder>>,
}

impl Recording<'_> {
    /// The encoder to record into.
    pub fn encoder(&mut self) -> &mut wgpu::CommandEncoder {
        self.guard.as_mut().expect("a recording holds an encoder")
    }
}

impl Batch {
    /// The pending encoder (created if there is none), locked for recording.
    pub fn record<'a>(&'a self, gpu: &Gpu) -> Recording<'a> {
        let mut guard = self.encoder.lock().unwrap_or_else(|e| e.into_inner());
        RECORDED.set(true);
        if guard.is_none() {
            *guard = Some(
                gpu.device
                    .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                        label: Some("tandem batch"),
                    }),
            );
        }
        Recording { guard }
    }

    /// Submits what is pending, with `last` (e.g. a readback copy) recorded
    /// after it, as one submission. Nothing pending and no `last`: nothing
    /// is submitted.
    pub fn submit_with(
        &self,
        gpu: &Gpu,
        pool: &Pool,
        last: Option<&dyn Fn(&mut wgpu::CommandEncoder)>,
    ) -> Result<()> {
        let mut guard = self.encoder.lock().unwrap_or_else(|e| e.into_inner());
        let mut enc = match (guard.take(), last) {
            (Some(enc), _) => enc,
            (None, Some(_)) => gpu
                .device
                .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                    label: Some("tandem batch"),
                }),
            (None, None) => return Ok(()),
        };
        if let Some(f) = last {
            f(&mut enc);
        }
        let result = gpu.scoped("submit", 0, || {
            gpu.queue.submit([enc.finish()]);
        });
        // Advance even on error: whatever was recorded is gone either way.
        pool.advance_epoch();
        drop(guard);
        RECORDED.set(false);
        tandem_core::stats::record(|s| s.submissions += 1);
        result
    }

    /// Submits what is pending.
    pub fn flush(&self, gpu: &Gpu, pool: &Pool) -> Result<()> {
        self.submit_with(gpu, pool, None)
    }

    /// The end of a forced graph: submits what is pending if this thread
    /// recorded any of it since it last submitted (see [`RECORDED`]).
    pub fn flush_graph(&self, gpu: &Gpu, pool: &Pool) -> Result<()> {
        if !RECORDED.get() {
            return Ok(());
        }
        self.flush(gpu, pool)
    }
}
