//! [`Storage`]: one allocation of elements, with every valid copy of it
//! (host and devices). A data node reads a storage through a layout; the
//! transfer stage (`transfer.rs`) adds copies, so nothing moves twice.

use crate::backend::Buffer;
use crate::buffer::HostBuffer;
use crate::dtype::DType;
use std::sync::{Arc, Mutex, MutexGuard};

/// One allocation of elements, with every valid copy of it: on the host
/// and/or on devices (by backend index). All copies hold the same values.
#[derive(Debug)]
pub(crate) struct Storage {
    pub dtype: DType,
    /// Number of elements.
    pub len: usize,
    copies: Mutex<Copies>,
}

#[derive(Debug, Default)]
pub(crate) struct Copies {
    pub host: Option<Arc<HostBuffer>>,
    pub devices: Vec<(usize, Buffer)>,
}

impl Storage {
    pub fn from_host(dtype: DType, len: usize, host: HostBuffer) -> Arc<Storage> {
        debug_assert_eq!(host.len(), len * dtype.size_of());
        Arc::new(Storage {
            dtype,
            len,
            copies: Mutex::new(Copies {
                host: Some(Arc::new(host)),
                devices: Vec::new(),
            }),
        })
    }

    pub fn from_host_arc(dtype: DType, len: usize, host: Arc<HostBuffer>) -> Arc<Storage> {
        Arc::new(Storage {
            dtype,
            len,
            copies: Mutex::new(Copies {
                host: Some(host),
                devices: Vec::new(),
            }),
        })
    }

    pub fn from_buffer(
        dtype: DType,
        len: usize,
        backend: usize,
        host_memory: bool,
        buf: Buffer,
    ) -> Arc<Storage> {
        let copies = match (host_memory, buf) {
            (true, Buffer::Host(h)) => Copies {
                host: Some(h),
                devices: Vec::new(),
            },
            (_, b) => Copies {
                host: None,
                devices: vec![(backend, b)],
            },
        };
        Arc::new(Storage {
            dtype,
            len,
            copies: Mutex::new(copies),
        })
    }

    pub fn copies(&self) -> MutexGuard<'_, Copies> {
        self.copies.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The host copy, moved out, when nothing else can observe it: this is
    /// the only handle to the storage and to its host buffer (other copies,
    /// on devices, are dropped). Otherwise the storage comes back unchanged.
    #[cfg_attr(not(feature = "ndarray"), allow(dead_code))]
    pub fn into_sole_host(self: Arc<Storage>) -> Result<HostBuffer, Arc<Storage>> {
        let Storage { dtype, len, copies } = Arc::try_unwrap(self)?;
        let copies = copies.into_inner().unwrap_or_else(|e| e.into_inner());
        match copies.host.map(Arc::try_unwrap) {
            Some(Ok(host)) => Ok(host),
            host => Err(Arc::new(Storage {
                dtype,
                len,
                copies: Mutex::new(Copies {
                    host: host.map(|h| h.map_or_else(|shared| shared, Arc::new)),
                    devices: copies.devices,
                }),
            })),
        }
    }
}
