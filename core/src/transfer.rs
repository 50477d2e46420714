//! Move: getting a buffer's values to where a kernel runs. A [`Storage`]
//! remembers every valid copy of its elements (host and devices), so a
//! value is downloaded or uploaded at most once per place, and each
//! transfer is counted in [`Stats`](crate::Stats).

use crate::backend::{Buffer, Memory};
use crate::buffer::HostBuffer;
use crate::error::{Error, Result};
use crate::graph::Storage;
use crate::registry::{runtime, Entry};
use crate::stats::record;
use std::sync::Arc;

/// A host copy of `storage`, downloading it from a device if that is the
/// only place it lives.
pub(crate) fn host_copy(storage: &Storage) -> Result<Arc<HostBuffer>> {
    let rt = runtime();
    let mut copies = storage.copies();
    if let Some(h) = &copies.host {
        return Ok(h.clone());
    }
    let (backend, buf) = copies.devices.first().cloned().ok_or_else(|| Error::Device {
        device: "host".into(),
        message: "an array's data has no valid copy anywhere (a device was lost before it was read back)".into(),
    })?;
    let host = Arc::new(rt.backend(backend).download(&buf)?);
    record(|s| {
        s.downloads += 1;
        s.download_bytes += host.len() as u64;
    });
    copies.host = Some(host.clone());
    Ok(host)
}

/// `storage` as a buffer of the backend of `entry` (index `backend`),
/// copying it there if needed.
pub(crate) fn buffer_for(storage: &Storage, backend: usize, entry: &Entry) -> Result<Buffer> {
    if entry.memory == Memory::Host {
        if let Some(h) = &storage.copies().host {
            return Ok(Buffer::Host(h.clone()));
        }
        return Ok(Buffer::Host(host_copy(storage)?));
    }
    let rt = runtime();
    if let Some((_, b)) = storage.copies().devices.iter().find(|(i, _)| *i == backend) {
        return Ok(b.clone());
    }
    let host = host_copy(storage)?;
    let buf = rt.backend(backend).upload(&host)?;
    record(|s| {
        s.uploads += 1;
        s.upload_bytes += host.len() as u64;
    });
    storage.copies().devices.push((backend, buf.clone()));
    Ok(buf)
}
