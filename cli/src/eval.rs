//! `tandem eval EXPR NAME=FILE.npy … [-o OUT.npy] [--device D] [--explain]`:
//! loads the inputs, builds the whole expression as one lazy graph with
//! [`tandem::expr`], optionally prints its plan, forces it once, and prints
//! or saves the result.

use crate::failure::Failure;
use std::collections::HashMap;
use tandem::expr::{ExprErrorKind, Expression};
use tandem::prelude::*;

/// The expression language, shown after the options by `tandem eval --help`
/// (`FUNCTIONS` is replaced by the list of functions).
const LANGUAGE: &str = "\
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

/// The arguments of `tandem eval`. Options may come before, between or
/// after the inputs; `--` ends the options.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// The expression (quote it if it has spaces; it may start with `-`).
    #[arg(value_name = "EXPR", allow_hyphen_values = true)]
    pub expr: String,
    /// The inputs, each as NAME=FILE.npy.
    #[arg(value_name = "NAME=FILE.npy", value_parser = parse_input)]
    pub inputs: Vec<(String, String)>,
    /// Save the result to this .npy file instead of printing it.
    #[arg(
        short = 'o',
        long = "out",
        visible_alias = "output",
        value_name = "OUT.npy"
    )]
    pub out: Option<String>,
    /// Where the kernels run: cpu, gpu, gpu:N or auto.
    #[arg(long, value_name = "DEVICE", default_value = "auto", value_parser = parse_device)]
    pub device: Device,
    /// Print the kernels it will run before the result.
    #[arg(long)]
    pub explain: bool,
}

impl EvalArgs {
    /// Checks what clap cannot: no input is named twice.
    ///
    /// # Errors
    ///
    /// A usage error naming the input given twice.
    pub fn check(&self) -> Result<(), Failure> {
        for (i, (name, _)) in self.inputs.iter().enumerate() {
            if self.inputs[..i].iter().any(|(n, _)| n == name) {
                return Err(Failure::usage(format!("input '{name}' is given twice")));
            }
        }
        Ok(())
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// One `NAME=FILE.npy` input.
fn parse_input(arg: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((name, path)) if is_identifier(name) && !path.is_empty() => {
            Ok((name.to_string(), path.to_string()))
        }
        _ => Err(format!(
            "expected an input as NAME=FILE.npy after the expression, got '{arg}' (quote the expression if it has spaces)"
        )),
    }
}

fn parse_device(s: &str) -> Result<Device, String> {
    s.parse::<Device>()
        .map_err(|_| format!("--device takes cpu, gpu, gpu:N or auto, not '{s}'"))
}

/// The language part of `tandem eval --help`, with the functions listed.
pub fn language_help() -> String {
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
    LANGUAGE.replace("FUNCTIONS", &lines.join("\n              "))
}

/// Runs `tandem eval`.
pub fn run(args: EvalArgs) -> Result<(), Failure> {
    args.check()?;
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
