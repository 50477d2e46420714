//! [`DeviceContext`]: the state one device's backend shares (the device,
//! its buffer pool, pipeline and bind group caches, the pending batch, the
//! product tiles the autotuner chose).
//! Its own module so that the parts that record and run work (`exec.rs`,
//! `reduce.rs`, `transfer.rs`, `record.rs`) take it without depending on
//! the `Backend` implementation that owns it.

use crate::batch::Batch;
use crate::bind_cache::BindCache;
use crate::device::Gpu;
use crate::pipeline_cache::PipelineCache;
use crate::pool::Pool;
use crate::tile::Tile;
use rustc_hash::FxHashMap;
use std::sync::{Arc, Mutex};
use tandem_core::DType;

/// The state one device's backend shares.
pub(crate) struct DeviceContext {
    pub gpu: Gpu,
    pub pool: Arc<Pool>,
    pub cache: PipelineCache,
    pub binds: BindCache,
    pub batch: Batch,
    pub index: usize,
    /// The tile measured fastest for each dtype's products (`product/tune.rs`).
    pub tuned: Mutex<FxHashMap<DType, Tile>>,
}
