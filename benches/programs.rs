//! The real-program suite against NumPy, in one run: every program of
//! `benches/programs/` (ports of well-known public NumPy programs, written
//! as a NumPy user would, with no hand-placed `eval()`) timed in tandem
//! (median of several runs after a warm-up) and, through
//! `benches/programs/programs.py`, in NumPy; the results checked against
//! NumPy's; a table of times and ratios, then tandem's work counters
//! (`tandem::stats()`) for one run of each, which show work done twice.
//!
//! ```sh
//! cargo bench --bench programs                      # every program, full size, on the CPU
//! cargo bench --bench programs -- nbody kmeans      # the programs whose name contains a filter
//! cargo bench --bench programs -- --quick           # the small sizes `tandem bench --quick` runs
//! cargo bench --bench programs -- --device gpu      # another device (or TANDEM_DEVICE=gpu)
//! ```
//!
//! `TANDEM_BENCH_REPEAT` sets the timed runs (default 5),
//! `TANDEM_BENCH_BUDGET` the seconds of them per program and side beyond
//! which fewer run (default 10; at least one always does). Machines like
//! CI's are noisy: compare within one run, as ratios.

use tandem::prelude::*;

#[allow(dead_code)]
#[path = "programs/mod.rs"]
mod programs;

fn main() {
    let mut filters = Vec::new();
    let mut quick = false;
    let mut device = std::env::var("TANDEM_DEVICE")
        .ok()
        .map(|d| {
            d.parse::<Device>()
                .expect("TANDEM_DEVICE takes cpu, gpu, gpu:N or auto")
        })
        .unwrap_or(Device::Cpu);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quick" => quick = true,
            "--device" => {
                let d = args.next().expect("--device takes cpu, gpu, gpu:N or auto");
                device = d.parse().expect("--device takes cpu, gpu, gpu:N or auto");
            }
            // cargo bench passes --bench to every harness-less bench
            s if s.starts_with('-') => {}
            s => filters.push(s.to_string()),
        }
    }
    let repeat: usize = std::env::var("TANDEM_BENCH_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let chosen = programs::chosen(quick, &filters);
    if chosen.is_empty() {
        eprintln!("no program matches {filters:?}");
        std::process::exit(2);
    }
    let suite = programs::harness::run_suite(&chosen, device, repeat, &mut |what| {
        eprintln!("running {what}")
    });
    println!();
    println!("{}", programs::harness::times_table(&suite));
    println!("tandem's work in one run of each program (tandem::stats()):\n");
    println!("{}", programs::harness::stats_table(&suite));
    println!("Sources:\n");
    for s in &chosen {
        println!("- {}: {}", s.program.name, s.program.source);
    }
    if suite.outcomes.iter().any(|o| o.agrees == Some(false)) {
        eprintln!("some results differ from NumPy's");
        std::process::exit(1);
    }
}
