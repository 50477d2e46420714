//! `report.md` of `tandem bench`: the devices, the bandwidth measured in the
//! same run, one table of medians (GB/s, fraction of the STREAM ceiling,
//! ratios to NumPy and numexpr), the real-program suite against NumPy (its
//! times, agreement and work counters), and where a GPU overtakes the CPU.

use crate::devices::kind_name;
use crate::results::{Measurement, Results};
use crate::workloads::{formula, MATRIX, SWEPT};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use tandem::DeviceKind;

/// Where a GPU's throughput curve crosses the CPU's for one workload.
#[derive(Clone, Debug, PartialEq)]
pub enum Crossover {
    /// The GPU overtakes the CPU at about this many elements (interpolated
    /// on the log scale between the two measured sizes around it).
    At(f64),
    /// The GPU was faster at every size measured on both.
    GpuFaster,
    /// The CPU was faster at every size measured on both (up to this size).
    CpuFaster(usize),
    /// No size was measured on both.
    NoData,
}

/// The crossover of one GPU on one workload.
#[derive(Clone, Debug)]
pub struct CrossoverRow {
    /// Workload kind.
    pub kind: &'static str,
    /// The GPU (`gpu:0` …).
    pub gpu: String,
    /// Where it crosses.
    pub at: Crossover,
}

impl Crossover {
    /// How the report says it.
    pub fn describe(&self) -> String {
        match self {
            Crossover::At(n) => format!("GPU faster from ≈ {}", elements(*n)),
            Crossover::GpuFaster => "GPU faster at every size measured".into(),
            Crossover::CpuFaster(n) => {
                format!(
                    "CPU faster at every size measured (up to {})",
                    elements(*n as f64)
                )
            }
            Crossover::NoData => "no common sizes".into(),
        }
    }
}

/// A count of elements, compactly (`65536` → `65.5k`).
pub fn elements(n: f64) -> String {
    let short = |x: f64, digits: usize| {
        let t = format!("{x:.digits$}");
        let t = t.trim_end_matches('0').trim_end_matches('.');
        t.to_string()
    };
    if n >= 1e6 {
        format!("{}M", short(n / 1e6, 2))
    } else if n >= 1e3 {
        format!("{}k", short(n / 1e3, 1))
    } else {
        format!("{n:.0}")
    }
}

/// Throughput (GB/s) by size, of `kind` on `device`.
pub fn series(r: &Results, kind: &str, device: &str) -> BTreeMap<usize, f64> {
    r.measurements
        .iter()
        .filter(|m| m.kind == kind && m.device == device)
        .map(|m| (m.n, m.gbps()))
        .collect()
}

/// The crossover of `gpu` against `cpu` (size → GB/s, on the same sizes).
pub fn crossover(cpu: &BTreeMap<usize, f64>, gpu: &BTreeMap<usize, f64>) -> Crossover {
    let common: Vec<(usize, f64)> = cpu
        .iter()
        .filter_map(|(&n, &c)| gpu.get(&n).map(|&g| (n, (g / c).ln())))
        .filter(|(_, d)| d.is_finite())
        .collect();
    let Some(&(last, _)) = common.last() else {
        return Crossover::NoData;
    };
    match common.iter().position(|&(_, d)| d >= 0.0) {
        None => Crossover::CpuFaster(last),
        Some(0) => Crossover::GpuFaster,
        Some(i) => {
            let (n0, d0) = common[i - 1];
            let (n1, d1) = common[i];
            let (x0, x1) = ((n0 as f64).ln(), (n1 as f64).ln());
            let t = if d1 > d0 { -d0 / (d1 - d0) } else { 1.0 };
            Crossover::At((x0 + t.clamp(0.0, 1.0) * (x1 - x0)).exp())
        }
    }
}

/// Every GPU's crossover on every swept workload.
pub fn crossovers(r: &Results) -> Vec<CrossoverRow> {
    let mut rows = Vec::new();
    for gpu in r.devices.iter().filter(|d| d.kind != DeviceKind::Cpu) {
        let gpu_name = gpu.device.to_string();
        for kind in SWEPT {
            let at = crossover(&series(r, kind, "cpu"), &series(r, kind, &gpu_name));
            rows.push(CrossoverRow {
                kind,
                gpu: gpu_name.clone(),
                at,
            });
        }
    }
    rows
}

/// The STREAM ceiling for a measurement, if it means anything for its
/// device (a discrete GPU has its own memory).
fn ceiling(r: &Results, m: &Measurement) -> Option<f64> {
    if m.device_kind == DeviceKind::DiscreteGpu {
        return None;
    }
    Some(if m.reads_only {
        r.stream_read
    } else {
        r.stream_triad
    })
}

fn ms(s: Option<f64>) -> String {
    s.map_or("—".into(), |s| format!("{:.3}", s * 1e3))
}

fn ratio(peer: Option<f64>, ours: f64) -> String {
    peer.map_or("—".into(), |p| format!("{:.2}×", p / ours))
}

/// The whole report.
pub fn markdown(r: &Results, crossovers: &[CrossoverRow], elapsed: f64) -> String {
    let mut s = String::new();
    let p = &r.plan;
    let _ = writeln!(s, "# tandem bench ({})\n", p.mode);
    let sizes: Vec<String> = p.sizes.iter().map(|&n| elements(n as f64)).collect();
    let side = (p.matrix as f64).sqrt().round();
    let _ = writeln!(
        s,
        "Medians of {} runs after a warm-up. Swept sizes {} elements (f32); matrix workloads {side}×{side}; software GPUs up to {} and {}×{}. Measured in {elapsed:.1} s. \
         These machines are noisy: compare within this run, as ratios.\n",
        p.repeat,
        sizes.join(", "),
        elements(p.software_max as f64),
        (p.software_matrix as f64).sqrt().round(),
        (p.software_matrix as f64).sqrt().round(),
    );
    let _ = writeln!(s, "## Devices\n");
    for d in &r.devices {
        let details: Vec<String> = d.details.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(
            s,
            "- `{}` — {} ({}, {}){}",
            d.device,
            d.name,
            kind_name(d.kind),
            d.backend,
            if details.is_empty() {
                String::new()
            } else {
                format!("; {}", details.join(", "))
            }
        );
    }
    let _ = writeln!(
        s,
        "\n## Memory bandwidth (STREAM-style, this run)\n\n\
         {} f32 elements on {} threads: **read (sum) {:.1} GB/s**, **triad `a = b + 3c` {:.1} GB/s**. \
         Reductions are held to the read, everything else to the triad; discrete GPUs have their own memory and no ceiling here.\n",
        elements(p.stream_n as f64),
        r.threads,
        r.stream_read / 1e9,
        r.stream_triad / 1e9
    );
    let _ = writeln!(s, "## Results\n");
    let _ = writeln!(s, "Peers: {}.\n", r.peer_note);
    let _ = writeln!(
        s,
        "| workload | elements | device | median ms | GB/s | % of STREAM | NumPy ms | vs NumPy | numexpr ms | vs numexpr |"
    );
    let _ = writeln!(
        s,
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    let order = |k: &str| {
        SWEPT
            .iter()
            .chain(MATRIX.iter())
            .position(|x| *x == k)
            .unwrap_or(usize::MAX)
    };
    let mut rows: Vec<&Measurement> = r.measurements.iter().collect();
    rows.sort_by(|a, b| (order(a.kind), a.n, &a.device).cmp(&(order(b.kind), b.n, &b.device)));
    for m in rows {
        let peer = r.peers.get(&m.name()).copied().unwrap_or_default();
        let pct = ceiling(r, m).map_or("—".into(), |c| {
            format!("{:.0}%", 100.0 * m.bytes / m.seconds / c)
        });
        let _ = writeln!(
            s,
            "| {} `{}` | {} | {} | {:.3} | {:.2} | {pct} | {} | {} | {} | {} |",
            m.kind,
            formula(m.kind),
            m.n,
            m.device,
            m.seconds * 1e3,
            m.gbps(),
            ms(peer.numpy),
            ratio(peer.numpy, m.seconds),
            ms(peer.numexpr),
            ratio(peer.numexpr, m.seconds),
        );
    }
    let _ = writeln!(
        s,
        "\n\"vs NumPy\" is NumPy's median over tandem's (above 1×: tandem is faster). \
         GB/s counts the bytes the workload must read and write. \
         GPU rows: inputs resident on the device, result left there (the time includes waiting for the device, not a download).\n"
    );
    programs_section(&mut s, r);
    let _ = writeln!(s, "## CPU/GPU crossover\n");
    if crossovers.is_empty() {
        let _ = writeln!(s, "No GPU adapter: CPU only.");
    } else {
        let _ = writeln!(s, "| workload | GPU | crossover |");
        let _ = writeln!(s, "| --- | --- | --- |");
        for c in crossovers {
            let _ = writeln!(s, "| {} | {} | {} |", c.kind, c.gpu, c.at.describe());
        }
    }
    if !r.failures.is_empty() {
        let _ = writeln!(s, "\n## Not run\n");
        for f in &r.failures {
            let _ = writeln!(s, "- {f}");
        }
    }
    let _ = writeln!(
        s,
        "\nThe plot: `throughput.svg` (GB/s against elements, log-log)."
    );
    s
}

/// The real-program suite: times against NumPy, then tandem's counters.
fn programs_section(s: &mut String, r: &Results) {
    use crate::programs::harness::{stats_table, times_table};
    let suite = &r.programs;
    let _ = writeln!(s, "## Real programs (CPU)\n");
    let _ = writeln!(
        s,
        "Ports of well-known public NumPy programs (`benches/programs/`), written as a NumPy user would \
         write them, with no hand-placed `eval()`; the originals run in NumPy by `programs.py` in this run, \
         from the same inputs, and the results are checked against NumPy's (\"agrees\": the largest error, \
         relative above 1 in magnitude, absolute below).\n"
    );
    let _ = writeln!(s, "{}", times_table(suite));
    let _ = writeln!(
        s,
        "tandem's work in one run of each program (`tandem::stats()`):\n"
    );
    let _ = writeln!(s, "{}", stats_table(suite));
    let _ = writeln!(s, "Sources:\n");
    for p in crate::programs::all() {
        if suite.outcomes.iter().any(|o| o.program == p.name) {
            let _ = writeln!(s, "- `{}`: {}", p.name, p.source);
        }
    }
    let _ = writeln!(s);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossover_interpolates_on_the_log_scale() {
        let cpu: BTreeMap<usize, f64> = [(100, 10.0), (10_000, 10.0)].into();
        let gpu: BTreeMap<usize, f64> = [(100, 1.0), (10_000, 100.0)].into();
        match crossover(&cpu, &gpu) {
            Crossover::At(n) => assert!((n - 1000.0).abs() < 1.0, "{n}"),
            other => panic!("{other:?}"),
        }
        let slow: BTreeMap<usize, f64> = [(100, 1.0), (10_000, 2.0)].into();
        assert_eq!(crossover(&cpu, &slow), Crossover::CpuFaster(10_000));
        assert_eq!(crossover(&slow, &cpu), Crossover::GpuFaster);
        assert_eq!(crossover(&cpu, &BTreeMap::new()), Crossover::NoData);
        assert_eq!(elements(65536.0), "65.5k");
        assert_eq!(elements(1_000_000.0), "1M");
    }
}
