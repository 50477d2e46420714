//! The `tandem` command: see `tandem help`.
//!
//! - `tandem devices` lists every backend and adapter, with its kind, limits
//!   and dtypes.
//! - `tandem eval EXPR NAME=FILE.npy …` evaluates a numexpr-style expression
//!   ([`tandem::expr`]) over `.npy` inputs as one lazy graph, forced once.
//! - `tandem bench` times the benchmark workloads on every device and, when
//!   NumPy is installed, in NumPy and numexpr in the same run, and the
//!   real-program suite (`benches/programs/`) against NumPy on the CPU, and
//!   writes a Markdown report and an SVG plot.
//!
//! Exit codes: 0 success; 1 a runtime error (unknown name, shapes that do not
//! broadcast, a missing file, no GPU …); 2 a usage or syntax error.

mod bench;
mod devices;
mod eval;
mod plot;
// The real-program suite, shared with `benches/programs.rs`.
#[allow(dead_code)]
#[path = "../../../benches/programs/mod.rs"]
mod programs;
mod report;
mod workloads;

use std::process::ExitCode;

const USAGE: &str = "\
tandem — N-d arrays with NumPy semantics, fused lazy kernels, CPU and GPU

usage:
  tandem devices
      every backend and adapter: kind, limits, dtypes
  tandem eval EXPR [NAME=FILE.npy ...] [-o OUT.npy] [--device cpu|gpu|gpu:N|auto] [--explain]
      evaluate a numexpr-style expression over .npy inputs, e.g.
        tandem eval 'sum(a * b, axis=1) / 2' a=a.npy b=b.npy
      prints the result (NumPy's str) unless -o saves it; --explain prints the
      kernels it will run first. `tandem eval --help` lists the language.
  tandem bench [--quick] [--out DIR]
      time the benchmark workloads on every device (and NumPy/numexpr when
      python3 has NumPy) and the real-program suite against NumPy on the CPU;
      writes DIR/report.md and DIR/throughput.svg (DIR defaults to tandem-bench)
  tandem help | --help | --version

exit codes: 0 ok, 1 runtime error, 2 usage or syntax error";

/// A command's failure: its message and exit code.
pub struct Failure {
    /// What to print on stderr.
    pub message: String,
    /// 1 for runtime errors, 2 for usage and syntax errors.
    pub code: u8,
}

impl Failure {
    /// A usage error (exit code 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 2,
        }
    }

    /// A runtime error (exit code 1).
    pub fn runtime(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 1,
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("devices") => devices::run(&args[1..]),
        Some("eval") => eval::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("help" | "-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some("--version" | "-V") => {
            println!("tandem {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Some(other) => Err(Failure::usage(format!(
            "unknown command '{other}'\n\n{USAGE}"
        ))),
        None => Err(Failure::usage(USAGE)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            // The usage text names itself; everything else gets the command's name.
            let prefix = if f.message.starts_with("tandem") {
                ""
            } else {
                "tandem: "
            };
            eprintln!("{prefix}{}", f.message);
            ExitCode::from(f.code)
        }
    }
}
