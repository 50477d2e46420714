//! Checking a kernel before it runs: every position it can read or write
//! lies inside its buffers and every output is written one-to-one, so the
//! loops can index without further checks.

use super::gather::injective;
use tandem_core::kernel::{Kernel, Op};
use tandem_core::{Error, Result};

pub(crate) fn unsupported(what: String) -> Error {
    Error::unsupported("cpu kernel", what)
}

/// Checks every position a kernel can read lies inside its buffers, so
/// the loops below can index without further checks failing.
pub(crate) fn validate(kernel: &Kernel, inputs: &[&[u8]]) -> Result<()> {
    validate_structure(kernel)?;
    validate_inputs(kernel, inputs)
}

/// The checks that depend on the kernel alone: input shapes, that every
/// instruction reads earlier values, that outputs name values.
pub(crate) fn validate_structure(kernel: &Kernel) -> Result<()> {
    for (k, input) in kernel.inputs.iter().enumerate() {
        if input.layout.shape != kernel.shape {
            return Err(Error::invalid(
                "cpu kernel",
                format!(
                    "input {k} has shape {:?}, kernel {:?}",
                    input.layout.shape, kernel.shape
                ),
            ));
        }
    }
    for (i, ins) in kernel.instrs.iter().enumerate() {
        let (refs, n): ([usize; 3], usize) = match &ins.op {
            Op::Load(k) => {
                if *k >= kernel.inputs.len() {
                    return Err(Error::invalid(
                        "cpu kernel",
                        format!("instruction {i} loads missing input {k}"),
                    ));
                }
                ([0; 3], 0)
            }
            Op::Const(_) => ([0; 3], 0),
            Op::Unary(_, a) | Op::Cast(a) => ([*a, 0, 0], 1),
            Op::Binary(_, a, b) => ([*a, *b, 0], 2),
            Op::Select(c, a, b) => ([*c, *a, *b], 3),
            // `product/` computes a product before these loops run.
            Op::Dot(_) => {
                return Err(unsupported(format!(
                    "instruction {i} is a matrix product, which the elementwise loops do not run"
                )))
            }
        };
        if refs[..n].iter().any(|&r| r >= i) {
            return Err(Error::invalid(
                "cpu kernel",
                format!("instruction {i} uses a later value"),
            ));
        }
    }
    for o in &kernel.outputs {
        if o.value >= kernel.instrs.len() {
            return Err(Error::invalid(
                "cpu kernel",
                "an output names a missing value".to_string(),
            ));
        }
    }
    Ok(())
}

/// The checks that depend on the buffers bound: their number, and that
/// every position the layouts reach lies inside them.
pub(crate) fn validate_inputs(kernel: &Kernel, inputs: &[&[u8]]) -> Result<()> {
    if inputs.len() != kernel.inputs.len() {
        return Err(Error::invalid(
            "cpu kernel",
            format!(
                "{} buffers bound for {} inputs",
                inputs.len(),
                kernel.inputs.len()
            ),
        ));
    }
    for (k, (input, bytes)) in kernel.inputs.iter().zip(inputs).enumerate() {
        let elems = bytes.len() / input.dtype.size_of();
        if let Some((_, hi)) = input.layout.span() {
            if hi > elems {
                return Err(Error::invalid(
                    "cpu kernel",
                    format!("input {k} reads up to element {hi} of a buffer of {elems}"),
                ));
            }
        }
    }
    Ok(())
}

/// Checks each output's layout covers the kernel's shape one-to-one inside
/// its buffer (`injective` only when `structure`: it depends on the kernel
/// alone, so a prepared kernel checked it once).
pub(crate) fn validate_outputs(
    kernel: &Kernel,
    outputs: &[&mut [u8]],
    structure: bool,
) -> Result<()> {
    if outputs.len() != kernel.outputs.len() {
        return Err(Error::invalid(
            "cpu kernel",
            format!(
                "{} buffers bound for {} outputs",
                outputs.len(),
                kernel.outputs.len()
            ),
        ));
    }
    for (j, (o, buf)) in kernel.outputs.iter().zip(outputs.iter()).enumerate() {
        let elems = buf.len() / o.dtype.size_of();
        let fits =
            o.layout.shape == kernel.shape && o.layout.span().is_none_or(|(_, hi)| hi <= elems);
        if !fits || (structure && !injective(&o.layout)) {
            return Err(Error::invalid(
                "cpu kernel",
                format!("output {j}'s layout {:?} does not fit its buffer of {elems} elements one-to-one", o.layout),
            ));
        }
    }
    Ok(())
}
