//! `tandem bench [--quick] [--out DIR]`: times the workloads of
//! [`workloads`](crate::workloads) on every device, measures this machine's
//! memory bandwidth (STREAM-style, as `benches/compare.rs` does) in the same
//! run, times the same workloads in NumPy and numexpr through
//! `benches/peers.py` when `python3` has NumPy, runs the real-program suite
//! of `benches/programs/` against NumPy on the CPU (small sizes with
//! `--quick`), and writes `DIR/report.md` and `DIR/throughput.svg`.
//!
//! Timings are medians of several runs of "build the graph and force it":
//! on the CPU the result is in host memory; on a GPU the inputs are resident
//! and the result stays on the device (the time includes waiting for the
//! device, not a download). Software adapters (lavapipe) are slow, so they
//! run the small sizes only.

use crate::failure::Failure;
use crate::results::{Measurement, PeerTimes, Plan, Results};
use crate::workloads::{self, Workload};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use tandem::{Device, DeviceInfo, DeviceKind};

/// Waits for every GPU's submitted work, so a GPU timing covers execution.
fn synchronize(device: Device) -> tandem::Result<()> {
    if let Device::Gpu(_) = device {
        for b in tandem_gpu::gpu_backends() {
            b.synchronize()?;
        }
    }
    Ok(())
}

/// Median seconds of `repeat` runs after one warm-up.
fn median_seconds(w: &Workload, device: Device, repeat: usize) -> tandem::Result<f64> {
    w.run()?;
    synchronize(device)?;
    let mut times = Vec::with_capacity(repeat);
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        let out = w.run()?;
        synchronize(device)?;
        times.push(t.elapsed().as_secs_f64());
        drop(out);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

/// Where peers.py is: `TANDEM_PEERS_PY`, else the source tree this binary
/// was built from.
fn peers_script() -> PathBuf {
    std::env::var_os("TANDEM_PEERS_PY")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../benches/peers.py"))
        })
}

/// Runs peers.py on `names`; the timings, or why there are none.
fn run_peers(names: &[String], repeat: usize) -> (BTreeMap<String, PeerTimes>, String) {
    let script = peers_script();
    if !script.is_file() {
        return (
            BTreeMap::new(),
            format!(
                "NumPy/numexpr not timed: {} not found (it ships in tandem's source tree, beside the benches; set TANDEM_PEERS_PY to its path)",
                script.display()
            ),
        );
    }
    let numpy = Command::new("python3")
        .args([
            "-c",
            "import numpy\ntry:\n import numexpr; v=numexpr.__version__\nexcept ImportError:\n v=None\nprint(numpy.__version__, v)",
        ])
        .output();
    let versions = match numpy {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        _ => {
            return (
                BTreeMap::new(),
                "NumPy/numexpr not timed: `python3 -c \"import numpy\"` failed (pip install numpy numexpr)".into(),
            )
        }
    };
    let out = Command::new("python3")
        .arg(&script)
        .args(names)
        .env("TANDEM_BENCH_REPEAT", repeat.to_string())
        .output();
    let out = match out {
        Ok(o) if o.status.success() => o.stdout,
        Ok(o) => {
            return (
                BTreeMap::new(),
                format!(
                    "NumPy/numexpr not timed: {} failed: {}",
                    script.display(),
                    String::from_utf8_lossy(&o.stderr).trim()
                ),
            )
        }
        Err(e) => {
            return (
                BTreeMap::new(),
                format!("NumPy/numexpr not timed: running python3: {e}"),
            )
        }
    };
    let json: serde_json::Value = match serde_json::from_slice(&out) {
        Ok(v) => v,
        Err(e) => {
            return (
                BTreeMap::new(),
                format!(
                    "NumPy/numexpr not timed: {} printed no JSON ({e})",
                    script.display()
                ),
            )
        }
    };
    let mut map = BTreeMap::new();
    for name in names {
        let t = PeerTimes {
            numpy: json[name]["numpy"].as_f64(),
            numexpr: json[name]["numexpr"].as_f64(),
        };
        map.insert(name.clone(), t);
    }
    let (np, ne) = versions
        .split_once(' ')
        .unwrap_or((versions.as_str(), "None"));
    let ne = if ne == "None" {
        "numexpr not installed".to_string()
    } else {
        format!("numexpr {ne}")
    };
    (
        map,
        format!(
            "NumPy {np} (1 thread), {ne}, timed by {} in this run",
            script.display()
        ),
    )
}

/// Measures everything, with a progress bar on stderr.
pub fn measure(plan: &Plan) -> Results {
    let devices = tandem::devices();
    let jobs: Vec<(DeviceInfo, Vec<(&'static str, usize)>)> = devices
        .iter()
        .map(|d| (d.clone(), plan.jobs(d.kind == DeviceKind::SoftwareGpu)))
        .collect();
    let chosen = crate::programs::chosen(plan.mode == "quick", &[]);
    let total: usize = jobs.iter().map(|(_, j)| j.len()).sum::<usize>() + 2 + chosen.len();
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("{prefix:>8} [{bar:30}] {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix("bench");
    bar.set_message("STREAM bandwidth");
    let (stream_read, stream_triad) = tandem_cpu::bandwidth::stream(plan.stream_n, plan.repeat);
    bar.inc(1);

    let mut measurements = Vec::new();
    let mut failures = Vec::new();
    let before = tandem::default_device();
    for (info, jobs) in &jobs {
        tandem::set_default_device(info.device);
        for &(kind, n) in jobs {
            bar.set_message(format!("{} {kind}:{n}", info.device));
            let timed = workloads::build(kind, n, tandem::DType::F32, info.device)
                .and_then(|w| median_seconds(&w, info.device, plan.repeat).map(|s| (w, s)));
            match timed {
                Ok((w, seconds)) => measurements.push(Measurement {
                    kind: w.kind,
                    n: w.n,
                    bytes: w.bytes,
                    reads_only: w.reads_only,
                    device: info.device.to_string(),
                    device_kind: info.kind,
                    seconds,
                }),
                Err(e) => failures.push(format!("{} on {}: {e}", kind, info.device)),
            }
            bar.inc(1);
        }
    }
    tandem::set_default_device(before);

    bar.set_message("NumPy / numexpr");
    let mut names: Vec<String> = measurements.iter().map(Measurement::name).collect();
    names.sort();
    names.dedup();
    let (peers, peer_note) = run_peers(&names, plan.repeat);
    bar.inc(1);
    let programs =
        crate::programs::harness::run_suite(&chosen, Device::Cpu, plan.repeat, &mut |what| {
            bar.set_message(format!("program {what}"));
            bar.inc(1);
        });
    bar.finish_and_clear();
    Results {
        plan: plan.clone(),
        devices,
        threads: rayon::current_num_threads(),
        stream_read,
        stream_triad,
        measurements,
        peers,
        peer_note,
        failures,
        programs,
    }
}

/// The arguments of `tandem bench`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "TANDEM_BENCH_REPEAT sets the repeats; TANDEM_PEERS_PY the path of peers.py,
TANDEM_PROGRAMS_PY that of benches/programs/programs.py."
)]
pub struct BenchArgs {
    /// Small sizes, few repeats (CI).
    #[arg(long)]
    pub quick: bool,
    /// Where report.md and throughput.svg are written.
    #[arg(short, long, value_name = "DIR", default_value = "tandem-bench")]
    pub out: PathBuf,
}

fn write(path: &Path, text: &str) -> Result<(), Failure> {
    std::fs::write(path, text)
        .map_err(|e| Failure::runtime(format!("cannot write {}: {e}", path.display())))
}

/// Runs `tandem bench`.
pub fn run(args: BenchArgs) -> Result<(), Failure> {
    let BenchArgs { quick, out } = args;
    std::fs::create_dir_all(&out)
        .map_err(|e| Failure::runtime(format!("cannot create {}: {e}", out.display())))?;
    let started = Instant::now();
    let plan = Plan::new(quick);
    let results = measure(&plan);
    let crossovers = crate::report::crossovers(&results);
    let report = crate::report::markdown(&results, &crossovers, started.elapsed().as_secs_f64());
    let md = out.join("report.md");
    write(&md, &report)?;
    let svg = out.join("throughput.svg");
    crate::plot::throughput_svg(&svg, &results, &crossovers)
        .map_err(|e| Failure::runtime(format!("cannot draw {}: {e}", svg.display())))?;
    eprintln!(
        "tandem bench ({}): {} timings on {} device(s) in {:.1} s; {}",
        plan.mode,
        results.measurements.len(),
        results.devices.len(),
        started.elapsed().as_secs_f64(),
        results.peer_note
    );
    for f in &results.failures {
        eprintln!("  could not run {f}");
    }
    for o in &results.programs.outcomes {
        match &o.tandem {
            Err(e) => eprintln!("  program {} failed: {e}", o.program),
            Ok(_) if o.agrees == Some(false) => {
                eprintln!("  program {}: {}", o.program, o.agreement)
            }
            Ok(_) => {}
        }
    }
    println!("{}", md.display());
    println!("{}", svg.display());
    Ok(())
}
