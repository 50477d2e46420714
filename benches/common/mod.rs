//! What the same-run benchmarks against Python peers (`compare.rs`,
//! `products.rs`) share: choosing workloads by name from the command line,
//! running the peer script over the same workloads in the same run, the
//! median of samples, and the table's cells (milliseconds, and a peer's
//! time as a ratio to tandem's: > 1, tandem is faster).

use std::process::Command;

/// Whether a workload named `name` was asked for: every one when the
/// command line names none, else those whose name contains one of the
/// words (`cargo bench --bench compare -- concat`; options are cargo's).
pub fn wanted() -> impl Fn(&str) -> bool {
    let words: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    move |name| words.is_empty() || words.iter().any(|w| name.contains(w.as_str()))
}

/// The peer timings `benches/{script}` prints as JSON for the workloads
/// `names` (seconds, by name), or `None` after saying so (with what the
/// table then lacks, `missing`) when python3 or NumPy is not there.
pub fn peers(script: &str, names: &[String], missing: &str) -> Option<serde_json::Value> {
    let path = format!("{}/benches/{script}", env!("CARGO_MANIFEST_DIR"));
    let peers = Command::new("python3")
        .arg(path)
        .args(names)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| serde_json::from_slice::<serde_json::Value>(&o.stdout).ok());
    if peers.is_none() {
        println!("(python3 with NumPy not found: {missing})");
    }
    peers
}

/// The median of `times` (not empty).
pub fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Seconds as milliseconds, with the digits a microsecond workload needs.
pub fn ms(s: f64) -> String {
    if s < 1e-4 {
        format!("{:.4}", s * 1e3)
    } else {
        format!("{:.2}", s * 1e3)
    }
}

/// A peer's cells beside tandem's `ours` seconds: its milliseconds and
/// its time over tandem's, or dashes where the peer has no time.
pub fn versus(peer: Option<f64>, ours: f64) -> (String, String) {
    match peer {
        Some(p) => (ms(p), format!("{:.2}", p / ours)),
        None => ("—".into(), "—".into()),
    }
}
