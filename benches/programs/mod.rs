//! The real-program suite: ports of well-known public NumPy programs, each
//! written as a NumPy user would write it (statement by statement, the
//! intermediates in `let` bindings, reads where the original reads, and no
//! hand-placed `eval()`), so that what they cost shows what tandem's lazy
//! model costs in real code: loops, intermediates reused across statements,
//! small and medium arrays, values read back mid-program.
//!
//! Each program lives in its own file beside this one (`poly.rs`,
//! `nbody.rs` …) with its source cited; its NumPy original is a function of
//! `programs.py`, which builds the same inputs from the same formula
//! ([`inputs`]) and saves its results as `.npy` files that [`harness`]
//! compares tandem's with. This module is the registry: [`all`] lists the
//! programs with their sizes (full and `--quick`) and the tolerance their
//! results are held to.
//!
//! Shared by `benches/programs.rs` (`cargo bench --bench programs`) and the
//! `tandem bench` command, which include it with `#[path]`.

use tandem::prelude::*;

pub mod harness;
pub mod inputs;

mod black_scholes;
mod gpt2;
mod gray_scott;
mod haversine;
mod heat;
mod kmeans;
mod life;
mod mandelbrot;
mod moving_average;
mod nbody;
mod ne_timing;
mod poly;
mod rosenbrock;
mod softmax;
mod standardize;

/// One run of a program: builds its graph from inputs already in memory and
/// returns its results (lazy or not; the harness forces them, as the caller
/// of the original would use them).
pub type Run = Box<dyn Fn() -> tandem::Result<Vec<Array>>>;

/// How close tandem's results must be to NumPy's: element by element,
/// `|t - n| <= atol + rtol * |n|` (equal infinities and two NaNs agree), and
/// at most `mismatch` (a fraction) of the elements may fail that, for the
/// programs whose results are chaotic in the last bits of their inputs
/// (escape counts at the edge of the Mandelbrot set).
#[derive(Clone, Copy, Debug)]
pub struct Tolerance {
    /// Relative tolerance.
    pub rtol: f64,
    /// Absolute tolerance.
    pub atol: f64,
    /// Fraction of elements allowed outside `rtol`/`atol`.
    pub mismatch: f64,
}

/// A tolerance with no mismatched elements allowed.
pub const fn close(rtol: f64, atol: f64) -> Tolerance {
    Tolerance {
        rtol,
        atol,
        mismatch: 0.0,
    }
}

/// A program of the suite.
pub struct Program {
    /// Its name, as `programs.py` knows it.
    pub name: &'static str,
    /// What it is and where the original comes from (one line).
    pub source: &'static str,
    /// How close its results must be to NumPy's.
    pub tolerance: Tolerance,
    /// Its parameters at full size (sizes, iterations).
    pub full: &'static [(&'static str, usize)],
    /// Its parameters for `--quick` runs (CI).
    pub quick: &'static [(&'static str, usize)],
    /// Builds its inputs (materialised: they stand for data already in
    /// memory) and returns the program, ready to run.
    pub prepare: fn(&Params) -> tandem::Result<Run>,
}

/// A program's parameters: `(name, value)` pairs.
#[derive(Clone, Debug)]
pub struct Params(pub Vec<(&'static str, usize)>);

impl Params {
    /// The value of parameter `key`; a missing one is a bug in the program's table.
    pub fn get(&self, key: &str) -> usize {
        self.0
            .iter()
            .find(|(k, _)| *k == key)
            .map(|&(_, v)| v)
            .unwrap_or_else(|| panic!("program parameter '{key}' is not in its table"))
    }

    /// `n=1000,steps=10`, as the name shows them.
    pub fn describe(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A program at one size.
pub struct Sized {
    /// The program.
    pub program: &'static Program,
    /// Its parameters.
    pub params: Params,
}

impl Sized {
    /// `name:k=v,k=v`, the name `programs.py` takes.
    pub fn name(&self) -> String {
        format!("{}:{}", self.program.name, self.params.describe())
    }
}

/// Every program of the suite, in the order the tables list them.
pub fn all() -> Vec<&'static Program> {
    vec![
        &poly::PROGRAM,
        &ne_timing::PROGRAM,
        &black_scholes::PROGRAM,
        &nbody::PROGRAM,
        &kmeans::PROGRAM,
        &mandelbrot::PROGRAM,
        &heat::PROGRAM,
        &softmax::PROGRAM,
        &standardize::PROGRAM,
        &moving_average::PROGRAM,
        &haversine::PROGRAM,
        &rosenbrock::PROGRAM,
        &life::PROGRAM,
        &gray_scott::PROGRAM,
        &gpt2::PROGRAM,
    ]
}

/// Every program at its full or quick size, those whose name contains one
/// of `filters` (all of them when `filters` is empty).
pub fn chosen(quick: bool, filters: &[String]) -> Vec<Sized> {
    all()
        .into_iter()
        .filter(|p| filters.is_empty() || filters.iter().any(|f| p.name.contains(f.as_str())))
        .map(|program| Sized {
            program,
            params: Params(if quick { program.quick } else { program.full }.to_vec()),
        })
        .collect()
}
