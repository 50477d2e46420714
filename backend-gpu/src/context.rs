//! [`DeviceContext`]: the state one device's backend shares (the device,
//! its buffer pool, pipeline and bind group caches, the pending batch).
//! Its own module so that the parts that record and run work (`exec.rs`,
//! `reduce.rs`, `transfer.rs`, `record.rs`) take it without depending on
//! the `Backend` implementation that owns it.

use crate::batch::Batch;
use crate::bind_cache::BindCache;
use crate::device::Gpu;
use crate::pipeline_cache::PipelineCache;
use crate::pool::Pool;
use std::sync::Arc;

/// The state one device's backend shares.
pub(crate) struct DeviceContext {
    pub gpu: Gpu,
    pub pool: Arc<Pool>,
    pub cache: PipelineCache,
    pub binds: BindCache,
    pub batch: Batch,
    pub index: usize,
}
