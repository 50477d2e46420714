//! Runs the suite: times each tandem port (median of several runs after a
//! warm-up), counts the work one run does (`tandem::stats()`), runs
//! `programs.py` in the same process tree for NumPy's times and results,
//! checks that the results agree, and renders the tables that
//! `cargo bench --bench programs` prints and `tandem bench` puts in its
//! report. Machines like CI's are noisy: compare within one run, as ratios.

use super::{Run, Sized, Tolerance};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use tandem::prelude::*;
use tandem::Stats;

/// What one program measured.
pub struct Outcome {
    /// The program's name.
    pub program: &'static str,
    /// Its parameters, `n=…,steps=…`.
    pub size: String,
    /// tandem's median seconds, or why it did not run.
    pub tandem: Result<f64, String>,
    /// NumPy's median seconds, when NumPy ran it.
    pub numpy: Option<f64>,
    /// The counters of one run of the tandem port.
    pub stats: Option<Stats>,
    /// Whether the results agree with NumPy's (`None`: not checked).
    pub agrees: Option<bool>,
    /// How close they are, or how they differ, or why they were not checked.
    pub agreement: String,
}

impl Outcome {
    /// NumPy's time over tandem's (above 1: tandem is faster).
    pub fn ratio(&self) -> Option<f64> {
        match (&self.tandem, self.numpy) {
            (Ok(t), Some(n)) if *t > 0.0 => Some(n / t),
            _ => None,
        }
    }
}

/// Everything one run of the suite measured.
pub struct Suite {
    /// One outcome per program, in the suite's order.
    pub outcomes: Vec<Outcome>,
    /// Where NumPy's times come from, or why there are none.
    pub numpy_note: String,
    /// The device tandem ran on.
    pub device: Device,
    /// Timed runs per program (after one warm-up).
    pub repeat: usize,
}

/// Forces every result (on a GPU: and waits for the device), as a caller
/// that uses them would.
pub fn force(outs: &[Array], device: Device) -> tandem::Result<Vec<Array>> {
    let forced = outs
        .iter()
        .map(Array::eval)
        .collect::<tandem::Result<Vec<_>>>()?;
    if let Device::Gpu(_) = device {
        for b in tandem_gpu::gpu_backends() {
            b.synchronize()?;
        }
    }
    Ok(forced)
}

/// One run of `run`, its results forced, in seconds.
fn timed(run: &Run, device: Device) -> tandem::Result<(f64, Vec<Array>)> {
    let t = Instant::now();
    let outs = force(&run()?, device)?;
    Ok((t.elapsed().as_secs_f64(), outs))
}

/// A warm-up run (its results kept for the comparison, its counters
/// reported), then timed runs: `repeat` of them, fewer when the warm-up
/// says they would take more than `budget` seconds (at least one).
/// Returns (median seconds, stats, results).
pub fn measure(
    run: &Run,
    device: Device,
    repeat: usize,
    budget: f64,
) -> tandem::Result<(f64, Stats, Vec<Array>)> {
    tandem::reset_stats();
    let (first, outs) = timed(run, device)?;
    let stats = tandem::stats();
    let runs = ((budget / first.max(1e-9)) as usize).clamp(1, repeat.max(1));
    let mut times = (0..runs)
        .map(|_| timed(run, device).map(|(s, _)| s))
        .collect::<tandem::Result<Vec<f64>>>()?;
    times.sort_by(f64::total_cmp);
    Ok((times[times.len() / 2], stats, outs))
}

/// Seconds of timed runs per program and side: `TANDEM_BENCH_BUDGET`, else 10.
pub fn budget() -> f64 {
    std::env::var("TANDEM_BENCH_BUDGET")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&b: &f64| b > 0.0)
        .unwrap_or(10.0)
}

/// Where `programs.py` is: `TANDEM_PROGRAMS_PY`, else the source tree this
/// binary was built from (this module is built into `benches/programs.rs`,
/// whose manifest is the workspace root, and into the `tandem` command,
/// whose manifest is `cli/`).
pub fn script() -> PathBuf {
    std::env::var_os("TANDEM_PROGRAMS_PY")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            let beside = manifest.join("benches/programs/programs.py");
            if beside.is_file() {
                beside
            } else {
                manifest.join("../benches/programs/programs.py")
            }
        })
}

/// The file stem `programs.py` saves result `i` of `name` under
/// (`<stem>_<i>.npy`): every character but ASCII letters and digits
/// becomes `_`.
pub fn stem(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Runs `programs.py` on `names`, saving results under `dir`: NumPy's
/// median seconds per name, or why there are none.
pub fn run_numpy(
    names: &[String],
    dir: &Path,
    repeat: usize,
) -> Result<BTreeMap<String, f64>, String> {
    let script = script();
    if !script.is_file() {
        return Err(format!(
            "NumPy not timed: {} not found (set TANDEM_PROGRAMS_PY to its path)",
            script.display()
        ));
    }
    let out = Command::new("python3")
        .arg(&script)
        .arg("--out")
        .arg(dir)
        .args(names)
        .env("TANDEM_BENCH_REPEAT", repeat.to_string())
        .env("TANDEM_BENCH_BUDGET", budget().to_string())
        .output()
        .map_err(|e| format!("NumPy not timed: running python3: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "NumPy not timed: {} failed: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "NumPy not timed: {} printed no JSON ({e})",
            script.display()
        )
    })?;
    Ok(names
        .iter()
        .filter_map(|n| json[n].as_f64().map(|s| (n.clone(), s)))
        .collect())
}

/// NumPy's version, for the report.
fn numpy_version() -> Option<String> {
    let o = Command::new("python3")
        .args(["-c", "import numpy; print(numpy.__version__)"])
        .output()
        .ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// Compares tandem's results with NumPy's saved ones: `Ok` with the largest
/// error (relative above 1 in magnitude, absolute below), or `Err` saying
/// what differs.
pub fn compare(outs: &[Array], dir: &Path, name: &str, tol: Tolerance) -> Result<String, String> {
    let stem = stem(name);
    if dir.join(format!("{stem}_{}.npy", outs.len())).exists() {
        return Err(format!(
            "NumPy returned more than tandem's {} results",
            outs.len()
        ));
    }
    let (mut worst, mut allowed, mut total) = (0.0f64, 0usize, 0usize);
    for (i, ours) in outs.iter().enumerate() {
        let path = dir.join(format!("{stem}_{i}.npy"));
        let theirs = tandem::io::load_npy(&path)
            .map_err(|e| format!("result {i}: cannot read {}: {e}", path.display()))?;
        if ours.shape() != theirs.shape() {
            return Err(format!(
                "result {i}: shape {:?}, NumPy's {:?}",
                ours.shape(),
                theirs.shape()
            ));
        }
        let read = |a: &Array| a.astype(DType::F64).to_vec::<f64>();
        let (t, n) = (
            read(ours).map_err(|e| e.to_string())?,
            read(&theirs).map_err(|e| e.to_string())?,
        );
        let mut off = 0usize;
        let mut first = None;
        for (k, (&x, &y)) in t.iter().zip(&n).enumerate() {
            if x == y || (x.is_nan() && y.is_nan()) {
                continue;
            }
            if (x - y).abs() <= tol.atol + tol.rtol * y.abs() {
                worst = worst.max((x - y).abs() / y.abs().max(1.0));
            } else {
                off += 1;
                first.get_or_insert((k, x, y));
            }
        }
        if off as f64 > tol.mismatch * t.len() as f64 {
            let (k, x, y) = first.expect("a mismatch");
            return Err(format!(
                "result {i}: {off} of {} elements differ (first at flat index {k}: {x} vs NumPy's {y})",
                t.len()
            ));
        }
        allowed += off;
        total += t.len();
    }
    if allowed > 0 {
        Ok(format!(
            "ok ({worst:.1e}; {allowed} of {total} elements outside, as allowed)"
        ))
    } else {
        Ok(format!("ok ({worst:.1e})"))
    }
}

/// Runs every program of `chosen`: its NumPy original (its time and
/// results), then its tandem port on `device`, checked against NumPy's
/// results.
/// Each side times `repeat` runs after a warm-up, fewer where they would
/// take more than [`budget`] seconds.
/// `progress` hears the name of each program as it starts.
pub fn run_suite(
    chosen: &[Sized],
    device: Device,
    repeat: usize,
    progress: &mut dyn FnMut(&str),
) -> Suite {
    let dir = std::env::temp_dir().join(format!("tandem-programs-{}", std::process::id()));
    let mut numpy_note = match numpy_version() {
        Some(v) => Ok(format!(
            "NumPy {v}, each program timed by programs.py just before its tandem port"
        )),
        None => Err(
            "NumPy not timed: `python3 -c \"import numpy\"` failed (pip install numpy)".to_string(),
        ),
    };
    if numpy_note.is_ok() {
        if let Err(e) = std::fs::create_dir_all(&dir) {
            numpy_note = Err(format!(
                "NumPy not run: cannot create {}: {e}",
                dir.display()
            ));
        }
    }
    let before = tandem::default_device();
    tandem::set_default_device(device);
    let mut outcomes = Vec::new();
    for s in chosen {
        let name = &s.name();
        progress(name);
        // NumPy right before tandem, program by program: on a noisy machine
        // the two sides of a ratio are measured as close in time as can be
        let numpy = match &numpy_note {
            Ok(_) => run_numpy(std::slice::from_ref(name), &dir, repeat),
            Err(e) => Err(e.clone()),
        };
        if let (Err(e), Ok(_)) = (&numpy, &numpy_note) {
            numpy_note = Err(e.clone());
        }
        let numpy_s = numpy.as_ref().ok().and_then(|m| m.get(name).copied());
        let measured =
            (s.program.prepare)(&s.params).and_then(|run| measure(&run, device, repeat, budget()));
        let outcome = match measured {
            Ok((seconds, stats, outs)) => {
                let (agrees, agreement) = match (&numpy, numpy_s) {
                    (Ok(_), Some(_)) => match compare(&outs, &dir, name, s.program.tolerance) {
                        Ok(msg) => (Some(true), msg),
                        Err(msg) => (Some(false), format!("DIFFERS: {msg}")),
                    },
                    _ => (None, "not checked".into()),
                };
                Outcome {
                    program: s.program.name,
                    size: s.params.describe(),
                    tandem: Ok(seconds),
                    numpy: numpy_s,
                    stats: Some(stats),
                    agrees,
                    agreement,
                }
            }
            Err(e) => Outcome {
                program: s.program.name,
                size: s.params.describe(),
                tandem: Err(e.to_string()),
                numpy: numpy_s,
                stats: None,
                agrees: None,
                agreement: "not run".into(),
            },
        };
        outcomes.push(outcome);
    }
    tandem::set_default_device(before);
    std::fs::remove_dir_all(&dir).ok();
    Suite {
        outcomes,
        numpy_note: numpy_note.unwrap_or_else(|e| e),
        device,
        repeat,
    }
}

fn ms(s: Option<f64>) -> String {
    s.map_or("—".into(), |s| format!("{:.2}", s * 1e3))
}

/// The median of NumPy-over-tandem ratios, and how many programs are at
/// least as fast as NumPy, of how many with both times.
pub fn summary(outcomes: &[Outcome]) -> Option<(f64, usize, usize)> {
    let mut ratios: Vec<f64> = outcomes.iter().filter_map(Outcome::ratio).collect();
    if ratios.is_empty() {
        return None;
    }
    ratios.sort_by(f64::total_cmp);
    let n = ratios.len();
    let median = if n % 2 == 1 {
        ratios[n / 2]
    } else {
        (ratios[n / 2 - 1] + ratios[n / 2]) / 2.0
    };
    Some((median, ratios.iter().filter(|&&r| r >= 1.0).count(), n))
}

/// The times table (Markdown), with its summary line.
pub fn times_table(suite: &Suite) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| program | size | tandem ms | NumPy ms | × NumPy | agrees with NumPy |"
    );
    let _ = writeln!(s, "| --- | --- | ---: | ---: | ---: | --- |");
    for o in &suite.outcomes {
        let tandem = match &o.tandem {
            Ok(t) => format!("{:.2}", t * 1e3),
            Err(e) => format!("failed: {e}"),
        };
        let ratio = o.ratio().map_or("—".into(), |r| format!("{r:.2}×"));
        let _ = writeln!(
            s,
            "| {} | {} | {tandem} | {} | {ratio} | {} |",
            o.program,
            o.size,
            ms(o.numpy),
            o.agreement
        );
    }
    let _ = writeln!(s);
    match summary(&suite.outcomes) {
        Some((median, fast, n)) => {
            let _ = writeln!(
                s,
                "Median × NumPy: **{median:.2}×**; at least as fast as NumPy (≥ 1.0×): **{fast} of {n}**. \
                 × NumPy is NumPy's median time over tandem's (above 1: tandem is faster); medians of up to {} timed runs after a warm-up (fewer past {} s a program), tandem on `{}`. {}.",
                suite.repeat, budget(), suite.device, suite.numpy_note
            );
        }
        None => {
            let _ = writeln!(s, "No ratios: {}.", suite.numpy_note);
        }
    }
    s
}

/// Bytes, compactly (`1.5 MB`).
fn bytes(b: u64) -> String {
    let b = b as f64;
    if b >= 1e9 {
        format!("{:.2} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else if b >= 1e3 {
        format!("{:.1} kB", b / 1e3)
    } else {
        format!("{b:.0} B")
    }
}

/// The counters of one run of each tandem port (Markdown).
pub fn stats_table(suite: &Suite) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| program | kernels | bytes read | bytes written | allocations | allocated |"
    );
    let _ = writeln!(s, "| --- | ---: | ---: | ---: | ---: | ---: |");
    for o in &suite.outcomes {
        if let Some(st) = &o.stats {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                o.program,
                st.total_kernels(),
                bytes(st.bytes_read),
                bytes(st.bytes_written),
                st.allocations,
                bytes(st.allocated_bytes)
            );
        }
    }
    s
}
