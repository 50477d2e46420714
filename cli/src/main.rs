//! The `tandem` command (package `tandem-cli`): see `tandem --help`.
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
//! # Why a crate of its own
//!
//! The command draws plots (plotters), shows progress bars (indicatif),
//! reads JSON (serde_json) and parses arguments (clap); a program that uses
//! the `tandem` library needs none of them. Kept here, they are compiled
//! only by those who build the command.
//!
//! Arguments are parsed by clap from the types below (one `Args` struct per
//! subcommand, in that subcommand's module), which also writes `--help`.
//!
//! The modules read in one direction: this root parses and dispatches to the
//! subcommands (`devices`, `eval`, `bench`); `bench` measures and hands its
//! [`results`] to `report` and `plot`; what several of them share sits in
//! leaves that import none of them ([`failure`], [`results`], [`workloads`]).
//! `scripts/check_module_cycles.py` keeps it so.
//!
//! Exit codes: 0 success; 1 a runtime error (unknown name, shapes that do not
//! broadcast, a missing file, no GPU …); 2 a usage or syntax error (clap's
//! own exit code for usage errors is 2 as well).

mod bench;
mod devices;
mod eval;
mod failure;
mod plot;
// The real-program suite, shared with `benches/programs.rs`.
#[allow(dead_code)]
#[path = "../../benches/programs/mod.rs"]
mod programs;
mod report;
mod results;
mod workloads;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::process::ExitCode;

/// tandem — N-d arrays with NumPy semantics, fused lazy kernels, CPU and GPU.
#[derive(Parser, Debug)]
#[command(
    name = "tandem",
    version,
    arg_required_else_help = true,
    after_help = "exit codes: 0 ok, 1 runtime error, 2 usage or syntax error"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Every backend and adapter: kind, limits, dtypes.
    #[command(after_help = "TANDEM_DEVICE=cpu|gpu|auto sets the default device.")]
    Devices,
    /// Evaluate a numexpr-style expression over .npy inputs, e.g.
    /// `tandem eval 'sum(a * b, axis=1) / 2' a=a.npy b=b.npy`.
    ///
    /// Prints the result (NumPy's str) unless -o saves it; --explain prints
    /// the kernels it will run first.
    Eval(eval::EvalArgs),
    /// Time the benchmark workloads on every device (and NumPy/numexpr when
    /// python3 has NumPy) and the real-program suite against NumPy on the
    /// CPU; writes DIR/report.md and DIR/throughput.svg.
    Bench(bench::BenchArgs),
}

/// The command-line interface, with the help texts that are computed at run
/// time (`tandem eval --help` lists the expression language's functions).
pub fn command() -> clap::Command {
    Cli::command().mut_subcommand("eval", |eval| {
        let language = eval::language_help();
        eval.after_help(language.clone()).after_long_help(language)
    })
}

/// Parses `args` (the first is the program's name) as the command line.
///
/// # Errors
///
/// clap's error for a usage error, or for `--help` / `--version` (which
/// `clap::Error::exit` prints to stdout with exit code 0).
pub fn parse<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut matches = command().try_get_matches_from(args)?;
    Cli::from_arg_matches_mut(&mut matches)
}

fn main() -> ExitCode {
    let cli = match parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let result = match cli.command {
        Command::Devices => devices::run(),
        Command::Eval(args) => eval::run(args),
        Command::Bench(args) => bench::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            // A message that names the command already gets no prefix.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interface_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn usage_errors() {
        assert!(parse(["tandem"]).is_err());
        assert!(parse(["tandem", "frobnicate"]).is_err());
        assert!(parse(["tandem", "devices", "extra"]).is_err());
        assert!(matches!(
            parse(["tandem", "devices"]).map(|c| c.command),
            Ok(Command::Devices)
        ));
    }

    fn eval_args(args: &[&str]) -> Result<eval::EvalArgs, String> {
        let cli = parse(["tandem", "eval"].iter().chain(args)).map_err(|e| e.to_string())?;
        match cli.command {
            Command::Eval(a) => a.check().map(|()| a).map_err(|f| f.message),
            other => Err(format!("not eval: {other:?}")),
        }
    }

    #[test]
    fn eval_arguments() {
        let a = eval_args(&[
            "-a * b",
            "a=x.npy",
            "--device=cpu",
            "b=y.npy",
            "-o",
            "o.npy",
        ])
        .expect("parses");
        assert_eq!(a.expr, "-a * b");
        assert_eq!(a.inputs.len(), 2);
        assert_eq!(a.device, tandem::Device::Cpu);
        assert_eq!(a.out.as_deref(), Some("o.npy"));
        let a = eval_args(&["a", "--output=o.npy", "--", "b=y.npy"]).expect("parses");
        assert_eq!(a.out.as_deref(), Some("o.npy"));
        assert_eq!(a.inputs, [("b".to_string(), "y.npy".to_string())]);
        assert!(eval_args(&["a", "oops"]).is_err());
        assert!(eval_args(&["a", "--bogus"]).is_err());
        assert!(eval_args(&["a", "--device", "tpu"]).is_err());
        assert!(eval_args(&[]).is_err());
        assert!(eval_args(&["a", "a=1", "a=2"]).is_err());
    }
}
