//! `tandem eval EXPR NAME=FILE.npy … [-o OUT.npy] [--device D] [--explain]`:
//! loads the inputs, builds the whole expression as one lazy graph with
//! [`tandem::expr`], optionally prints its plan, forces it once, and prints
//! or saves the result.

use crate::Failure;
use std::collections::HashMap;
use tandem::expr::{ExprErrorKind, Expression};
use tandem::prelude::*;

const HELP: &str = "\
usage: tandem eval EXPR [NAME=FILE.npy ...] [-o OUT.npy] [--device cpu|gpu|gpu:N|auto] [--explain]

Evaluates EXPR over the named .npy inputs as one lazy graph, forced once (so
elementwise work fuses, into reductions too), and prints the result as NumPy's
str() does, or saves it with -o. --explain prints the kernels first.

The language (numexpr-style, NumPy semantics: broadcasting, promotion; numbers
are weak scalars, so float32 inputs stay float32):
  values      3  -2  1.5  .5  1e-3  inf  nan  True  False  input names
  operators   + - * / // % ** (right-assoc)  unary - ~
              < <= > >= == !=   & | ^ (logical, on bool operands)
              precedence as Python: comparisons < | < ^ < & < + - < * / // % < unary < **
              so write (a > 0) & (b < 1)
  functions   FUNCTIONS
  reductions  sum(x), sum(x, axis=1), mean(x, axis=-1, keepdims=True), std(x, ddof=1)

examples:
  tandem eval 'a * b + c * d' a=a.npy b=b.npy c=c.npy d=d.npy -o out.npy
  tandem eval 'where(x > 0, sqrt(x), 0)' x=x.npy
  tandem eval 'sum((a - mean(a, axis=0))**2, axis=0)' a=m.npy --explain";

/// The parsed command line.
struct Args {
    expr: String,
    inputs: Vec<(String, String)>,
    out: Option<String>,
    device: Device,
    explain: bool,
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn parse_device(s: &str) -> Result<Device, Failure> {
    s.parse::<Device>()
        .map_err(|_| Failure::usage(format!("--device takes cpu, gpu, gpu:N or auto, not '{s}'")))
}

/// `None` when help was asked for (and printed).
fn parse_args(args: &[String]) -> Result<Option<Args>, Failure> {
    let mut expr: Option<String> = None;
    let mut inputs: Vec<(String, String)> = Vec::new();
    let mut out = None;
    let mut device = Device::Auto;
    let mut explain = false;
    let mut options_done = false;
    let mut it = args.iter();
    let value = |it: &mut std::slice::Iter<String>, flag: &str| {
        it.next()
            .cloned()
            .ok_or_else(|| Failure::usage(format!("{flag} needs a value\n\n{}", short_usage())))
    };
    while let Some(arg) = it.next() {
        if !options_done {
            match arg.as_str() {
                "--" => {
                    options_done = true;
                    continue;
                }
                "-h" | "--help" => {
                    println!("{}", help());
                    return Ok(None);
                }
                "-o" | "--out" | "--output" => {
                    out = Some(value(&mut it, arg)?);
                    continue;
                }
                "--device" => {
                    device = parse_device(&value(&mut it, arg)?)?;
                    continue;
                }
                "--explain" => {
                    explain = true;
                    continue;
                }
                s if s.starts_with("--device=") => {
                    device = parse_device(&s["--device=".len()..])?;
                    continue;
                }
                s if s.starts_with("--out=") || s.starts_with("--output=") => {
                    out = Some(
                        s.split_once('=')
                            .map(|(_, v)| v.to_string())
                            .unwrap_or_default(),
                    );
                    continue;
                }
                // `-a * b` is an expression, `--foo` never is.
                s if s.starts_with("--") => {
                    return Err(Failure::usage(format!(
                        "unknown option '{s}'\n\n{}",
                        short_usage()
                    )))
                }
                _ => {}
            }
        }
        if expr.is_none() {
            expr = Some(arg.clone());
            continue;
        }
        match arg.split_once('=') {
            Some((name, path)) if is_identifier(name) && !path.is_empty() => {
                if inputs.iter().any(|(n, _)| n == name) {
                    return Err(Failure::usage(format!("input '{name}' is given twice")));
                }
                inputs.push((name.to_string(), path.to_string()));
            }
            _ => {
                return Err(Failure::usage(format!(
                    "expected an input as NAME=FILE.npy after the expression, got '{arg}' (quote the expression if it has spaces)\n\n{}",
                    short_usage()
                )))
            }
        }
    }
    let Some(expr) = expr else {
        return Err(Failure::usage(format!(
            "eval needs an expression\n\n{}",
            short_usage()
        )));
    };
    Ok(Some(Args {
        expr,
        inputs,
        out,
        device,
        explain,
    }))
}

fn short_usage() -> &'static str {
    "usage: tandem eval EXPR [NAME=FILE.npy ...] [-o OUT.npy] [--device cpu|gpu|gpu:N|auto] [--explain]\n(tandem eval --help describes the language)"
}

fn help() -> String {
    let functions = tandem::expr::functions().join(" ");
    // Wrap the function list under its heading.
    let mut lines = vec![String::new()];
    for f in functions.split(' ') {
        let last = lines.last_mut().expect("one line at least");
        if !last.is_empty() && last.len() + f.len() + 1 > 62 {
            lines.push(String::new());
        }
        let last = lines.last_mut().expect("one line at least");
        if !last.is_empty() {
            last.push(' ');
        }
        last.push_str(f);
    }
    HELP.replace("FUNCTIONS", &lines.join("\n              "))
}

/// Runs `tandem eval`.
pub fn run(args: &[String]) -> Result<(), Failure> {
    let Some(args) = parse_args(args)? else {
        return Ok(());
    };
    let expr = Expression::parse(&args.expr).map_err(|e| Failure::usage(e.render(&args.expr)))?;
    if let Device::Gpu(_) = args.device {
        if !tandem::devices().iter().any(|d| d.device == args.device) {
            let listed: Vec<String> = tandem::devices()
                .iter()
                .map(|d| d.device.to_string())
                .collect();
            return Err(Failure::runtime(format!(
                "--device {}: there is no such GPU (devices: {}); see `tandem devices`, or use --device cpu",
                args.device,
                listed.join(", ")
            )));
        }
    }
    tandem::set_default_device(args.device);
    let mut inputs: HashMap<String, Array> = HashMap::new();
    for (name, path) in &args.inputs {
        let a = tandem::io::load_npy(path)
            .map_err(|e| Failure::runtime(format!("cannot read input {name} from {path}: {e}")))?;
        let a = match args.device {
            Device::Gpu(_) => a.to_device(args.device).map_err(|e| {
                Failure::runtime(format!("moving input {name} to {}: {e}", args.device))
            })?,
            _ => a,
        };
        inputs.insert(name.clone(), a);
    }
    let result = expr.build(&inputs).map_err(|e| {
        let mut message = e.render(&args.expr);
        if e.kind == ExprErrorKind::UnknownName {
            if let Some(name) = e
                .span
                .map(|(s, t)| args.expr.chars().skip(s).take(t - s).collect::<String>())
            {
                message.push_str(&format!(
                    "\nhint: give the input on the command line as {name}=FILE.npy"
                ));
            }
        }
        Failure::runtime(message)
    })?;
    if args.explain {
        println!("{}", result.explain().trim_end());
    }
    let result = result
        .eval()
        .map_err(|e| Failure::runtime(format!("evaluating {}: {e}", args.expr)))?;
    match &args.out {
        Some(path) => tandem::io::save_npy(path, &result)
            .map_err(|e| Failure::runtime(format!("cannot write {path}: {e}")))?,
        None => println!("{result}"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arguments() {
        let a = parse_args(&strings(&[
            "-a * b",
            "a=x.npy",
            "--device=cpu",
            "b=y.npy",
            "-o",
            "o.npy",
        ]))
        .ok()
        .flatten()
        .expect("parses");
        assert_eq!(a.expr, "-a * b");
        assert_eq!(a.inputs.len(), 2);
        assert_eq!(a.device, Device::Cpu);
        assert_eq!(a.out.as_deref(), Some("o.npy"));
        assert!(parse_args(&strings(&["a", "oops"])).is_err());
        assert!(parse_args(&strings(&["a", "--bogus"])).is_err());
        assert!(parse_args(&strings(&[])).is_err());
        assert!(parse_args(&strings(&["a", "a=1", "a=2"])).is_err());
    }
}
