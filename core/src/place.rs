//! Place: choosing the backend a kernel runs on, from where its inputs
//! live, their sizes, what each backend supports, each backend's own cost
//! estimate and the device the user asked for. The reason is kept in words
//! for `explain`.

use crate::backend::{Device, DeviceKind, Memory};
use crate::error::Result;
use crate::kernel::Kernel;
use crate::registry::runtime;
use crate::stats::record;

/// Where one kernel input lives and how big it is, for placement.
#[derive(Clone, Copy, Debug)]
pub(crate) struct InputSite {
    /// Bytes of its buffer.
    pub bytes: usize,
    /// Backends holding a valid copy, as bits by backend index (the host
    /// backend's bit: a host copy).
    pub on: u64,
}

/// The backend a kernel runs on, and why (the reason is only worded when
/// `why` is set: `explain` asks, a force does not).
///
/// - A device the user asked for runs it if it can; otherwise the host
///   does (it runs everything), and the reason says so.
/// - `Auto`: a device already holding every input (and no host copy)
///   keeps the work there, so resident data is never pulled back;
///   otherwise the cheapest backend by its own estimate plus the transfers
///   it would need wins. Software GPUs (lavapipe, llvmpipe, WARP) are never
///   picked by cost: they are slower than the CPU they emulate on.
pub(crate) fn place(
    kernel: &Kernel,
    inputs: &[InputSite],
    want: Device,
    why: bool,
) -> Result<(usize, String)> {
    let rt = runtime();
    let host = rt.host_index();
    let bit = |b: usize| 1u64 << b.min(63);
    if want != Device::Auto {
        let i = rt.index_of(want)?;
        return Ok(match rt.backend(i).check(kernel) {
            Ok(()) => (
                i,
                if why {
                    format!("{want} requested")
                } else {
                    String::new()
                },
            ),
            Err(e) => {
                record(|s| s.fallbacks += 1);
                (
                    host,
                    format!(
                        "{want} requested but cannot run it ({e}): routed to {}",
                        rt.name(host)
                    ),
                )
            }
        });
    }
    let entries = rt.entries();
    if !inputs.is_empty() {
        for (i, e) in entries.iter().enumerate() {
            let all_here = inputs
                .iter()
                .all(|s| s.on & bit(host) == 0 && s.on & bit(i) != 0);
            if e.memory == Memory::Device && all_here {
                match e.backend.check(kernel) {
                    Ok(()) => {
                        let reason = if why {
                            format!("its inputs live on {}", rt.name(i))
                        } else {
                            String::new()
                        };
                        return Ok((i, reason));
                    }
                    Err(err) => {
                        record(|s| s.fallbacks += 1);
                        return Ok((
                            host,
                            format!(
                                "its inputs live on {} but it cannot run it ({err}): routed to {}",
                                rt.name(i),
                                rt.name(host)
                            ),
                        ));
                    }
                }
            }
        }
    }
    let mut best: Option<(f64, usize)> = None;
    let mut costs = Vec::new();
    let mut candidates = 0;
    for (i, e) in entries.iter().enumerate() {
        let (b, software) = (&e.backend, e.info.kind == DeviceKind::SoftwareGpu);
        if software && i != host {
            continue;
        }
        if entries.len() > 1 && b.check(kernel).is_err() {
            continue;
        }
        candidates += 1;
        let moves: f64 = inputs
            .iter()
            .filter(|s| s.on & bit(i) == 0)
            .map(|s| b.transfer_seconds(s.bytes))
            .sum();
        let t = b.estimate_seconds(kernel) + moves;
        if why {
            costs.push(format!("{} {:.1} µs", e.name, t * 1e6));
        }
        if best.is_none_or(|(bt, _)| t < bt) {
            best = Some((t, i));
        }
    }
    Ok(match best {
        Some((_, i)) if candidates > 1 => (
            i,
            if why {
                format!("auto, cheapest by estimate ({})", costs.join(", "))
            } else {
                String::new()
            },
        ),
        Some((_, i)) => (
            i,
            if why {
                format!(
                    "auto: {} is the only hardware device that runs it",
                    rt.name(i)
                )
            } else {
                String::new()
            },
        ),
        None => (host, "auto: only the host runs it".into()),
    })
}
