//! What one `tandem bench` run measured: the plan it followed, tandem's
//! timings, the peers' and the real-program suite's. [`bench`](crate::bench)
//! fills these in; [`report`](crate::report) and [`plot`](crate::plot) read
//! them. A leaf of its own, so the three never import each other in a circle.

use crate::workloads::{MATRIX, SWEPT};
use std::collections::BTreeMap;
use tandem::{DeviceInfo, DeviceKind};

/// The sizes and repeats of one mode.
#[derive(Clone, Debug)]
pub struct Plan {
    /// `quick` or `full`.
    pub mode: &'static str,
    /// Sizes (elements) of the swept workloads on the CPU and hardware GPUs.
    pub sizes: Vec<usize>,
    /// The largest swept size a software GPU runs.
    pub software_max: usize,
    /// Elements of the matrix workloads (a square).
    pub matrix: usize,
    /// Elements of the matrix workloads on a software GPU.
    pub software_matrix: usize,
    /// Timed runs per measurement (after one warm-up).
    pub repeat: usize,
    /// Elements of the STREAM arrays.
    pub stream_n: usize,
}

impl Plan {
    /// The plan for `--quick` (CI: well under a minute) or the full run.
    pub fn new(quick: bool) -> Plan {
        let repeat_env = std::env::var("TANDEM_BENCH_REPEAT")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|&r| r > 0);
        if quick {
            Plan {
                mode: "quick",
                sizes: vec![
                    1 << 10,
                    1 << 12,
                    1 << 14,
                    1 << 16,
                    1 << 18,
                    1 << 20,
                    1 << 22,
                ],
                software_max: 1 << 20,
                matrix: 512 * 512,
                software_matrix: 256 * 256,
                repeat: repeat_env.unwrap_or(5),
                stream_n: 10_000_000,
            }
        } else {
            Plan {
                mode: "full",
                sizes: vec![1_000, 10_000, 100_000, 1_000_000, 10_000_000],
                software_max: 1_000_000,
                matrix: 4096 * 4096,
                software_matrix: 1024 * 1024,
                repeat: repeat_env.unwrap_or(7),
                stream_n: 10_000_000,
            }
        }
    }

    /// The (kind, elements) pairs a device runs.
    pub fn jobs(&self, software: bool) -> Vec<(&'static str, usize)> {
        let mut jobs = Vec::new();
        for kind in SWEPT {
            for &n in &self.sizes {
                if !software || n <= self.software_max {
                    jobs.push((kind, n));
                }
            }
        }
        let m = if software {
            self.software_matrix
        } else {
            self.matrix
        };
        for kind in MATRIX {
            jobs.push((kind, m));
        }
        jobs
    }
}

/// One timing of tandem.
#[derive(Clone, Debug)]
pub struct Measurement {
    /// Workload kind.
    pub kind: &'static str,
    /// Elements per input.
    pub n: usize,
    /// Bytes moved.
    pub bytes: f64,
    /// A reduction (its ceiling is the STREAM read).
    pub reads_only: bool,
    /// `cpu`, `gpu:0` …
    pub device: String,
    /// The device's kind.
    pub device_kind: DeviceKind,
    /// Median seconds.
    pub seconds: f64,
}

impl Measurement {
    /// `kind:elements`, the name peers.py knows.
    pub fn name(&self) -> String {
        format!("{}:{}", self.kind, self.n)
    }

    /// Achieved throughput in GB/s.
    pub fn gbps(&self) -> f64 {
        self.bytes / self.seconds / 1e9
    }
}

/// NumPy's and numexpr's median seconds for one workload name.
#[derive(Clone, Copy, Debug, Default)]
pub struct PeerTimes {
    /// NumPy.
    pub numpy: Option<f64>,
    /// numexpr (absent for workloads it cannot express).
    pub numexpr: Option<f64>,
}

/// Everything one run measured.
pub struct Results {
    /// The plan it followed.
    pub plan: Plan,
    /// The devices as `tandem::devices()` lists them.
    pub devices: Vec<DeviceInfo>,
    /// Threads of the CPU pool.
    pub threads: usize,
    /// STREAM read bandwidth, bytes/s.
    pub stream_read: f64,
    /// STREAM triad bandwidth, bytes/s.
    pub stream_triad: f64,
    /// tandem's timings.
    pub measurements: Vec<Measurement>,
    /// The peers' timings by workload name, when NumPy ran.
    pub peers: BTreeMap<String, PeerTimes>,
    /// Why there are no peer timings, or which versions ran.
    pub peer_note: String,
    /// Workloads a device could not run, with the error.
    pub failures: Vec<String>,
    /// The real-program suite, on the CPU.
    pub programs: crate::programs::harness::Suite,
}
