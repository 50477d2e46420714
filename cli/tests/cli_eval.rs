//! `tandem eval` end to end: the built binary run on `.npy` inputs written by
//! `tandem::io::save_npy` into a temporary directory, its result read back
//! with `load_npy` (or its printed output compared) against values computed
//! here in plain Rust. Covers each syntax form, each function family,
//! reductions with and without `axis=`, broadcasting, `--device`,
//! `--explain`, and the errors: a syntax error's caret and exit code 2;
//! unknown names, shape mismatches and missing files with exit code 1.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use tandem::prelude::*;

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "tandem_cli_eval_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Scratch(dir)
    }

    /// Saves `a` as `NAME.npy`; returns the `NAME=PATH` argument.
    fn input(&self, name: &str, a: &Array) -> String {
        let path = self.0.join(format!("{name}.npy"));
        tandem::io::save_npy(&path, a).expect("save_npy");
        format!("{name}={}", path.display())
    }

    fn path(&self, file: &str) -> String {
        self.0.join(file).display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

fn tandem(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tandem"));
    cmd.args(args);
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        cmd.env("XDG_RUNTIME_DIR", std::env::temp_dir());
    }
    let out = cmd.output().expect("run tandem");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "tandem panicked: {stderr}");
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The standard inputs: `a` (2, 3) and `b` (3,) and `c` (2, 1), float64,
/// with negatives, and `p`/`q` positive.
struct Inputs {
    dir: Scratch,
    args: Vec<String>,
}

const A: [f64; 6] = [-2.5, -1.0, 0.0, 0.5, 1.5, 3.0];
const B: [f64; 3] = [2.0, -0.5, 4.0];
const C: [f64; 2] = [10.0, -3.0];
const P: [f64; 6] = [0.1, 0.25, 0.5, 0.75, 0.9, 0.99];

fn inputs() -> Inputs {
    let dir = Scratch::new();
    let args = vec![
        dir.input("a", &Array::from_vec(A.to_vec(), &[2, 3]).unwrap()),
        dir.input("b", &Array::from_vec(B.to_vec(), &[3]).unwrap()),
        dir.input("c", &Array::from_vec(C.to_vec(), &[2, 1]).unwrap()),
        dir.input("p", &Array::from_vec(P.to_vec(), &[2, 3]).unwrap()),
    ];
    Inputs { dir, args }
}

/// Runs `tandem eval EXPR <inputs> -o out.npy [extra]`, asserts success,
/// and loads the result.
fn eval_with(inp: &Inputs, expr: &str, extra: &[&str]) -> Array {
    let out = inp.dir.path(&format!("out_{}.npy", expr.len()));
    let mut args: Vec<&str> = vec!["eval", expr];
    args.extend(inp.args.iter().map(String::as_str));
    args.extend(["-o", out.as_str()]);
    args.extend(extra);
    let o = tandem(&args);
    assert!(
        o.status.success(),
        "tandem eval {expr:?} failed ({:?}): {}",
        o.status.code(),
        stderr(&o)
    );
    let a = tandem::io::load_npy(&out).expect("load the result");
    std::fs::remove_file(&out).ok();
    a
}

fn eval(inp: &Inputs, expr: &str) -> Array {
    eval_with(inp, expr, &[])
}

/// Element `(i, j)` of the (2, 3) broadcast of the inputs.
fn at2(i: usize, j: usize) -> (f64, f64, f64, f64) {
    (A[i * 3 + j], B[j], C[i], P[i * 3 + j])
}

/// Expected (2, 3) result of `f(a, b, c, p)` elementwise, broadcasting.
fn expect2(f: impl Fn(f64, f64, f64, f64) -> f64) -> Vec<f64> {
    let mut v = Vec::new();
    for i in 0..2 {
        for j in 0..3 {
            let (a, b, c, p) = at2(i, j);
            v.push(f(a, b, c, p));
        }
    }
    v
}

fn close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        let ok = (g.is_nan() && w.is_nan()) || g == w || (g - w).abs() <= 1e-12 * w.abs().max(1.0);
        assert!(ok, "{what}: element {k}: got {g}, want {w}");
    }
}

fn check(inp: &Inputs, expr: &str, f: impl Fn(f64, f64, f64, f64) -> f64) {
    let r = eval(inp, expr);
    assert_eq!(r.shape(), &[2, 3], "{expr}: shape");
    assert_eq!(r.dtype(), DType::F64, "{expr}: dtype");
    close(&r.to_vec::<f64>().unwrap(), &expect2(f), expr);
}

fn check_bool(inp: &Inputs, expr: &str, f: impl Fn(f64, f64, f64, f64) -> bool) {
    let r = eval(inp, expr);
    assert_eq!(r.dtype(), DType::Bool, "{expr}: dtype");
    let want: Vec<bool> = expect2(|a, b, c, p| f64::from(u8::from(f(a, b, c, p))))
        .into_iter()
        .map(|x| x != 0.0)
        .collect();
    assert_eq!(r.to_vec::<bool>().unwrap(), want, "{expr}");
}

fn py_floor_div(a: f64, b: f64) -> f64 {
    (a / b).floor()
}

fn py_rem(a: f64, b: f64) -> f64 {
    let r = a % b;
    if r != 0.0 && (r < 0.0) != (b < 0.0) {
        r + b
    } else {
        r
    }
}

#[test]
fn arithmetic_precedence_and_associativity() {
    let inp = inputs();
    check(&inp, "a + b * c", |a, b, c, _| a + b * c);
    check(&inp, "(a + b) * c", |a, b, c, _| (a + b) * c);
    check(&inp, "a - b - c", |a, b, c, _| (a - b) - c);
    check(&inp, "a / b / c", |a, b, c, _| (a / b) / c);
    check(&inp, "a * b / c + 1", |a, b, c, _| a * b / c + 1.0);
    check(&inp, "a // b", |a, b, _, _| py_floor_div(a, b));
    check(&inp, "a % b", |a, b, _, _| py_rem(a, b));
    check(&inp, "a % b * c + a // 2", |a, b, c, _| {
        py_rem(a, b) * c + py_floor_div(a, 2.0)
    });
    check(&inp, "1e-3 * a + .5 - 2.", |a, _, _, _| {
        1e-3 * a + 0.5 - 2.0
    });
}

#[test]
fn unary_minus_and_power() {
    let inp = inputs();
    check(&inp, "-a", |a, _, _, _| -a);
    check(&inp, "- -a + +b", |a, b, _, _| a + b);
    check(&inp, "-a ** 2", |a, _, _, _| -(a * a));
    check(&inp, "(-a) ** 2", |a, _, _, _| a * a);
    check(&inp, "2 ** -1 * a", |a, _, _, _| 0.5 * a);
    check(&inp, "1 - a", |a, _, _, _| 1.0 - a);
    check(&inp, "2 ** a", |a, _, _, _| 2f64.powf(a));
    check(&inp, "p ** b", |_, b, _, p| p.powf(b));
    // Right-associative: 2 ** 3 ** 2 is 2 ** 9 = 512, not 8 ** 2 = 64.
    check(&inp, "0 * a + 2 ** 3 ** 2", |_, _, _, _| 512.0);
    check(&inp, "p ** 2 ** -1", |_, _, _, p| p.sqrt());
    // NumPy's fast paths: `a ** 2` is a multiply and `p ** 0.5` a sqrt, so
    // the kernel has no pow.
    let mut args = vec!["eval", "a ** 2 + p ** 0.5", "--explain"];
    args.extend(inp.args.iter().map(String::as_str));
    let text = stdout(&tandem(&args));
    assert!(text.contains("square") && text.contains("sqrt"), "{text}");
    assert!(!text.contains("= pow "), "{text}");
}

#[test]
fn comparisons() {
    let inp = inputs();
    check_bool(&inp, "a < b", |a, b, _, _| a < b);
    check_bool(&inp, "a <= 0", |a, _, _, _| a <= 0.0);
    check_bool(&inp, "a > c", |a, _, c, _| a > c);
    check_bool(&inp, "a >= -1", |a, _, _, _| a >= -1.0);
    check_bool(&inp, "a == 0.5", |a, _, _, _| a == 0.5);
    check_bool(&inp, "a != 0", |a, _, _, _| a != 0.0);
    // A number on the left: the comparison is mirrored, not reversed.
    check_bool(&inp, "0 < a", |a, _, _, _| 0.0 < a);
    check_bool(&inp, "1 >= b + 0 * a", |_, b, _, _| 1.0 >= b);
    check_bool(&inp, "a * 2 > b + 1", |a, b, _, _| a * 2.0 > b + 1.0);
}

#[test]
fn logical_operators() {
    let inp = inputs();
    check_bool(&inp, "(a > 0) & (b > 0)", |a, b, _, _| a > 0.0 && b > 0.0);
    check_bool(&inp, "(a > 0) | (b > 3)", |a, b, _, _| a > 0.0 || b > 3.0);
    check_bool(&inp, "~(a > 0)", |a, _, _, _| a <= 0.0);
    check_bool(&inp, "(a > 0) ^ (c > 0)", |a, _, c, _| {
        (a > 0.0) != (c > 0.0)
    });
    check_bool(&inp, "~(a < 0) & (b < 3) | (c < 0)", |a, b, c, _| {
        (a >= 0.0 && b < 3.0) || c < 0.0
    });
    // numexpr's rule: logical operators take bools.
    let o = tandem(&["eval", "a & b", &inp.args[0], &inp.args[1]]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("bool"), "{}", stderr(&o));
}

#[test]
fn math_functions() {
    let inp = inputs();
    check(&inp, "sin(a) + cos(b) * tan(p)", |a, b, _, p| {
        a.sin() + b.cos() * p.tan()
    });
    check(
        &inp,
        "arcsin(p) + asin(p) + arccos(p) + acos(p)",
        |_, _, _, p| 2.0 * (p.asin() + p.acos()),
    );
    check(&inp, "arctan(a) - atan(b)", |a, b, _, _| {
        a.atan() - b.atan()
    });
    check(&inp, "exp(a) + exp2(b)", |a, b, _, _| a.exp() + b.exp2());
    check(&inp, "log(p) + ln(p) + log2(p) + log10(p)", |_, _, _, p| {
        2.0 * p.ln() + p.log2() + p.log10()
    });
    check(&inp, "sqrt(p) * abs(a)", |a, _, _, p| p.sqrt() * a.abs());
    check(&inp, "sinh(a) + cosh(b) + tanh(c)", |a, b, c, _| {
        a.sinh() + b.cosh() + c.tanh()
    });
    check(&inp, "floor(a) + ceil(b) * 10", |a, b, _, _| {
        a.floor() + b.ceil() * 10.0
    });
    check(
        &inp,
        "round(a) + trunc(b) * 10 + sign(a) * 100",
        |a, b, _, _| {
            a.round_ties_even()
                + b.trunc() * 10.0
                + a.signum() * 100.0 * f64::from(u8::from(a != 0.0))
        },
    );
    check(&inp, "sigmoid(a) + square(b)", |a, b, _, _| {
        1.0 / (1.0 + (-a).exp()) + b * b
    });
    check(&inp, "minimum(a, b) + maximum(a, c)", |a, b, c, _| {
        a.min(b) + a.max(c)
    });
    check(&inp, "arctan2(a, b) - atan2(b, c)", |a, b, c, _| {
        a.atan2(b) - b.atan2(c)
    });
    check(&inp, "clip(a, -1, 1)", |a, _, _, _| a.clamp(-1.0, 1.0));
    check(
        &inp,
        "where(a > 0, a, b)",
        |a, b, _, _| if a > 0.0 { a } else { b },
    );
    check(&inp, "where(a > 0, sqrt(a), -1)", |a, _, _, _| {
        if a > 0.0 {
            a.sqrt()
        } else {
            -1.0
        }
    });
}

#[test]
fn numbers_are_weak_scalars() {
    let d = Scratch::new();
    let x = d.input("x", &Array::from_vec(vec![1.0f32, 2.0, 4.0], &[3]).unwrap());
    let out = d.path("y.npy");
    let o = tandem(&["eval", "x * 2.5 + 1 - inf * 0 ** 2", &x, "-o", &out]);
    assert!(o.status.success(), "{}", stderr(&o));
    let y = tandem::io::load_npy(&out).unwrap();
    assert_eq!(
        y.dtype(),
        DType::F32,
        "float32 stays float32 next to numbers"
    );
    assert!(
        y.to_vec::<f32>().unwrap().iter().all(|v| v.is_nan()),
        "inf * 0 is nan"
    );
    let o = tandem(&["eval", "x * 2.5 + 1", &x, "-o", &out]);
    assert!(o.status.success());
    assert_eq!(
        tandem::io::load_npy(&out).unwrap().to_vec::<f32>().unwrap(),
        vec![3.5, 6.0, 11.0]
    );
    // Numbers alone fold to a 0-d result.
    let o = tandem(&["eval", "2 ** 10 - 24 // 5 * 2"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o).trim(), "1016");
    let o = tandem(&["eval", "isnan(nan) & (1 < 2.5)"]);
    assert_eq!(stdout(&o).trim(), "True");
}

#[test]
fn reductions_with_and_without_axis() {
    let inp = inputs();
    let a = |i: usize, j: usize| A[i * 3 + j];
    let r = eval(&inp, "sum(a)");
    assert_eq!(r.shape(), &[] as &[usize]);
    close(&r.to_vec::<f64>().unwrap(), &[A.iter().sum()], "sum(a)");

    let r = eval(&inp, "sum(a * b, axis=1)");
    assert_eq!(r.shape(), &[2]);
    let want: Vec<f64> = (0..2)
        .map(|i| (0..3).map(|j| a(i, j) * B[j]).sum())
        .collect();
    close(&r.to_vec::<f64>().unwrap(), &want, "sum(a*b, axis=1)");

    let r = eval(&inp, "mean(a, axis=0)");
    let want: Vec<f64> = (0..3).map(|j| (a(0, j) + a(1, j)) / 2.0).collect();
    close(&r.to_vec::<f64>().unwrap(), &want, "mean axis 0");

    let r = eval(&inp, "max(a, axis=-1, keepdims=True)");
    assert_eq!(r.shape(), &[2, 1]);
    close(&r.to_vec::<f64>().unwrap(), &[0.0, 3.0], "max keepdims");

    let r = eval(&inp, "min(a, 1)");
    close(
        &r.to_vec::<f64>().unwrap(),
        &[-2.5, 0.5],
        "min positional axis",
    );

    let r = eval(&inp, "prod(b)");
    close(&r.to_vec::<f64>().unwrap(), &[-4.0], "prod");

    let mean: f64 = A.iter().sum::<f64>() / 6.0;
    let var: f64 = A.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 6.0;
    close(
        &eval(&inp, "var(a)").to_vec::<f64>().unwrap(),
        &[var],
        "var",
    );
    close(
        &eval(&inp, "std(a)").to_vec::<f64>().unwrap(),
        &[var.sqrt()],
        "std",
    );
    let var1: f64 = var * 6.0 / 5.0;
    close(
        &eval(&inp, "var(a, ddof=1)").to_vec::<f64>().unwrap(),
        &[var1],
        "var ddof=1",
    );

    assert_eq!(
        eval(&inp, "any(a > 2)").to_vec::<bool>().unwrap(),
        vec![true]
    );
    assert_eq!(
        eval(&inp, "all(a > -3)").to_vec::<bool>().unwrap(),
        vec![true]
    );
    assert_eq!(
        eval(&inp, "all(a > -2, axis=1)").to_vec::<bool>().unwrap(),
        vec![false, true]
    );

    let r = eval(&inp, "nansum(where(a > 0, nan, a))");
    close(&r.to_vec::<f64>().unwrap(), &[-3.5], "nansum");
    let r = eval(&inp, "nanmean(where(a > 0, nan, a), axis=1)");
    close(
        &r.to_vec::<f64>().unwrap(),
        &[-3.5 / 3.0, f64::NAN],
        "nanmean",
    );
    let r = eval(&inp, "nanmin(where(a < 0, nan, a))");
    close(&r.to_vec::<f64>().unwrap(), &[0.0], "nanmin");
    let r = eval(&inp, "nanmax(where(a > 1, nan, a), axis=0)");
    close(
        &r.to_vec::<f64>().unwrap(),
        &[0.5, -1.0, 0.0],
        "nanmax axis 0",
    );

    let r = eval(&inp, "argmax(a)");
    assert_eq!(r.dtype(), DType::I64);
    assert_eq!(r.to_vec::<i64>().unwrap(), vec![5]);
    assert_eq!(
        eval(&inp, "argmin(a, axis=0)").to_vec::<i64>().unwrap(),
        vec![0, 0, 0]
    );
    assert_eq!(
        eval(&inp, "argmin(a * c, axis=1)").to_vec::<i64>().unwrap(),
        vec![0, 2]
    );

    // A reduction inside an expression: centre each column.
    let r = eval(&inp, "a - mean(a, axis=0)");
    let want = expect2(|_, _, _, _| 0.0)
        .iter()
        .enumerate()
        .map(|(k, _)| {
            let (i, j) = (k / 3, k % 3);
            a(i, j) - (a(0, j) + a(1, j)) / 2.0
        })
        .collect::<Vec<_>>();
    close(&r.to_vec::<f64>().unwrap(), &want, "a - mean(a, axis=0)");
}

#[test]
fn broadcasting_between_inputs() {
    let inp = inputs();
    // (2, 3) + (3,) + (2, 1)
    check(&inp, "a + b + c", |a, b, c, _| a + b + c);
    let r = eval(&inp, "b * c");
    assert_eq!(r.shape(), &[2, 3]);
    let want: Vec<f64> = (0..2)
        .flat_map(|i| (0..3).map(move |j| B[j] * C[i]))
        .collect();
    close(&r.to_vec::<f64>().unwrap(), &want, "b * c");
}

#[test]
fn prints_numpy_style_without_output_file() {
    let inp = inputs();
    let o = tandem(&["eval", "c * 2", &inp.args[2]]);
    assert!(o.status.success(), "{}", stderr(&o));
    let want = Array::from_vec(vec![20.0f64, -6.0], &[2, 1]).unwrap();
    assert_eq!(stdout(&o).trim_end(), format!("{want}"));
    assert_eq!(stdout(&o).trim_end(), "[[20.]\n [-6.]]");
}

#[test]
fn output_file_round_trips_dtype_and_shape() {
    let d = Scratch::new();
    let i = d.input(
        "i",
        &Array::from_vec(vec![1i32, -7, 9, 4], &[2, 2]).unwrap(),
    );
    let out = d.path("o.npy");
    let o = tandem(&["eval", "i // 2 + i % 3", &i, "-o", &out]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "nothing printed with -o");
    let r = tandem::io::load_npy(&out).unwrap();
    assert_eq!(r.dtype(), DType::I32);
    assert_eq!(r.shape(), &[2, 2]);
    assert_eq!(r.to_vec::<i32>().unwrap(), vec![1, -2, 4, 3]);
}

#[test]
fn device_cpu_and_explain() {
    let inp = inputs();
    let r = eval_with(&inp, "a * b + c * p", &["--device", "cpu"]);
    close(
        &r.to_vec::<f64>().unwrap(),
        &expect2(|a, b, c, p| a * b + c * p),
        "--device cpu",
    );
    let mut args = vec!["eval", "a * b + c * p", "--explain"];
    args.extend(inp.args.iter().map(String::as_str));
    args.extend(["--device", "cpu"]);
    let o = tandem(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    // The whole expression is one graph: one fused kernel, on the CPU.
    assert!(text.starts_with("1 kernel(s)"), "{text}");
    assert!(text.contains("kernel 1 on cpu"), "{text}");
    // The plan comes first, then the result.
    assert!(text.trim_end().ends_with(']'), "{text}");

    let o = tandem(&[
        "eval",
        "sum(a * b, axis=1)",
        "--explain",
        &inp.args[0],
        &inp.args[1],
    ]);
    assert!(stdout(&o).contains("reduce sum"), "{}", stdout(&o));
}

#[test]
fn device_gpu_runs_or_says_why() {
    let inp = inputs();
    let has_gpu = tandem::devices().iter().any(|d| d.device == Device::Gpu(0));
    let out = inp.dir.path("g.npy");
    let mut args = vec!["eval", "sin(a) * b + c"];
    args.extend(inp.args.iter().map(String::as_str));
    args.extend(["--device", "gpu", "-o", out.as_str()]);
    let o = tandem(&args);
    if has_gpu {
        assert!(o.status.success(), "{}", stderr(&o));
        let r = tandem::io::load_npy(&out).unwrap();
        let got = r.to_vec::<f64>().unwrap();
        let want = expect2(|a, b, c, _| a.sin() * b + c);
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() < 1e-9, "{g} vs {w}");
        }
    } else {
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("gpu"), "{}", stderr(&o));
    }
}

#[test]
fn syntax_error_points_at_the_column() {
    let inp = inputs();
    let o = tandem(&["eval", "a + * b", &inp.args[0], &inp.args[1]]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == "a + * b")
        .unwrap_or_else(|| panic!("the expression is shown: {err}"));
    let expr_col = lines[at].find('a').unwrap();
    let caret_col = lines[at + 1].find('^').expect("a caret line");
    assert_eq!(caret_col - expr_col, 4, "the caret is under '*':\n{err}");
    assert!(err.contains("column 5"), "{err}");

    for (expr, col) in [
        ("(a + b", 6),
        ("sin(a))", 6),
        ("a ! b", 2),
        ("2a", 1),
        ("a > 0 & b > 0", 10),
    ] {
        let o = tandem(&["eval", expr, &inp.args[0], &inp.args[1]]);
        assert_eq!(o.status.code(), Some(2), "{expr}");
        let err = stderr(&o);
        let lines: Vec<&str> = err.lines().collect();
        let at = lines.iter().position(|l| l.trim() == expr).expect("shown");
        let caret = lines[at + 1].find('^').unwrap()
            - lines[at].find(|c: char| !c.is_whitespace()).unwrap();
        assert_eq!(caret, col, "{expr}:\n{err}");
    }
}

#[test]
fn runtime_errors_exit_1_with_clear_messages() {
    let inp = inputs();
    // Unknown name.
    let o = tandem(&["eval", "a + zz", &inp.args[0]]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("'zz' is not an input"), "{err}");
    assert!(err.contains("zz=FILE.npy"), "{err}");
    // Unknown function, with a suggestion.
    let o = tandem(&["eval", "sqr(a)", &inp.args[0]]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("did you mean 'sqrt'"), "{}", stderr(&o));
    // Wrong arity.
    let o = tandem(&["eval", "where(a > 0, a)", &inp.args[0]]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("takes 3 arguments"), "{}", stderr(&o));
    // Shapes that do not broadcast: (2, 3) and (2,).
    let d = Scratch::new();
    let two = d.input("t", &Array::from_vec(vec![1.0f64, 2.0], &[2]).unwrap());
    let o = tandem(&["eval", "a + t", &inp.args[0], &two]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("cannot be broadcast"), "{err}");
    assert!(err.contains("[2, 3]") && err.contains("[2]"), "{err}");
    // Axis out of bounds.
    let o = tandem(&["eval", "sum(a, axis=2)", &inp.args[0]]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("axis 2"), "{}", stderr(&o));
    // Missing file.
    let missing = d.path("does_not_exist.npy");
    let o = tandem(&["eval", "a + 1", &format!("a={missing}")]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("does_not_exist.npy"), "{err}");
    assert!(err.contains("cannot read input a"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(tandem(&["eval"]).status.code(), Some(2));
    assert_eq!(
        tandem(&["eval", "a", "notanassignment"]).status.code(),
        Some(2)
    );
    assert_eq!(
        tandem(&["eval", "a", "--frobnicate"]).status.code(),
        Some(2)
    );
    assert_eq!(
        tandem(&["eval", "a", "--device", "tpu"]).status.code(),
        Some(2)
    );
    assert_eq!(tandem(&["frobnicate"]).status.code(), Some(2));
    let o = tandem(&["eval", "--help"]);
    assert!(o.status.success());
    assert!(
        stdout(&o).contains("arctan2"),
        "the help lists the functions"
    );
}

#[test]
fn devices_lists_every_backend() {
    let o = tandem(&["devices"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for d in tandem::devices() {
        assert!(
            text.contains(&format!("{}  {}", d.device, d.name)),
            "{text}"
        );
        for (k, v) in &d.details {
            assert!(
                text.contains(k.as_str()) && text.contains(v.as_str()),
                "{k}={v} in {text}"
            );
        }
    }
    assert!(
        text.contains("dtypes   bool int32 int64 uint32 float32 float64"),
        "{text}"
    );
    assert!(text.contains("kind     cpu"), "{text}");
}
