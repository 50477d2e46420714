//! Kernels with a matrix product ([`Op::Dot`]) on the GPU.
//!
//! - A **matrix product** ([`Kernel::matmul_axes`]: `[batch…, m, k] @
//!   [batch…, k, n]`) runs as a tiled GEMM generated in WGSL
//!   (`codegen/gemm/tiled.rs`): workgroup-memory tiles, a register block
//!   per invocation, `vec4` loads where an operand's layout allows, every
//!   product of the batch in the same dispatch, operands read in place
//!   through their strides (`a.t().matmul(&b)` copies nothing), uneven
//!   edges padded with zeros in the tiles. The tile is measured per
//!   adapter and dtype (`tune.rs`).
//! - **Any other product** (`matvec`, `vecdot`, a batch of vector dots)
//!   runs naive: an invocation per output element looping over the
//!   contracted axis (`codegen/gemm/naive.rs`), the baseline of the
//!   benchmark too ([`ProductKernel::Naive`](crate::ProductKernel::Naive)).
//! - **The epilogue** (the rest of the kernel: `relu(a @ b + bias)`, a
//!   scaling, a cast, a comparison, several outputs) is computed in the
//!   product's shader as it writes each output, so a product and what
//!   follows it are one kernel and one pass.
//! - **A reduction of a product** (`(a @ b).sum(axis)`) runs as two
//!   dispatches recorded into the same submission: the product (without
//!   epilogue) into a scratch buffer from the pool, then the existing
//!   reduction kernel over the rest of the kernel, reading the product as
//!   one more contiguous input (what the CPU backend does too). Fusing the
//!   reduction into the GEMM would save one write and read of the product
//!   (`m·n` elements against the GEMM's `m·n·k` multiply-adds) at the price
//!   of a second set of reduction kernels over register blocks; left until
//!   a measurement asks for it.
//!
//! `units.rs` normalises a kernel and cuts it into dispatches within the
//! limits (when the tuned tile's row blocks do not fit a binding, the
//! smallest tile, then the naive form, is tried); `launch.rs` compiles and
//! records them.

mod launch;
mod tune;
mod units;

pub(crate) use tune::{known as known_tile, tuned as tune_tile};

use crate::context::DeviceContext;
use crate::device::Limits;
use crate::dispatch::too_big;
use crate::key::ShaderKey;
use crate::pool::{GpuBuffer, STORAGE};
use crate::reduce;
use crate::tile::{ProductKernel, Tile};
use tandem_core::kernel::{Instr, Kernel, KernelOutput, Op};
use tandem_core::layout::Layout;
use tandem_core::{Error, Result};
use units::Units;

/// Runs `kernel` (which has a product) on `inputs` into `outputs`.
pub(crate) fn run(
    inner: &DeviceContext,
    kernel: &Kernel,
    inputs: &[&GpuBuffer],
    outputs: &[&GpuBuffer],
) -> Result<()> {
    let (lowered, kept) = kernel
        .with_product_loaded()
        .ok_or_else(|| Error::invalid("gpu matmul", "a product kernel without a product"))?;
    let Some(red) = &kernel.reduction else {
        return product(inner, kernel, inputs, outputs);
    };
    let [out] = outputs else {
        return Err(Error::invalid(
            "gpu reduction",
            "a reduction kernel has exactly one output",
        ));
    };
    if kernel.size() == 0 {
        return reduce::run(inner, &lowered, red, &with(&kept, inputs, out), out);
    }
    let alone = alone(kernel);
    let temp = inner.pool.get(
        &inner.gpu,
        STORAGE,
        alone.outputs[0].buffer_len as u64 * dot_bytes(kernel),
        "matrix product",
    )?;
    product(inner, &alone, inputs, &[&temp])?;
    reduce::run(inner, &lowered, red, &with(&kept, inputs, &temp), out)
}

/// Bytes per element of `kernel`'s product.
fn dot_bytes(kernel: &Kernel) -> u64 {
    kernel
        .dot()
        .map_or(0, |(v, _)| kernel.instrs[v].dtype.size_of() as u64)
}

/// The product of `kernel` alone, written C-contiguously over its shape
/// (what a reduction of it reads).
fn alone(kernel: &Kernel) -> Kernel {
    let (value, dot) = kernel.dot().expect("a product kernel");
    let dtype = kernel.instrs[value].dtype;
    Kernel {
        shape: kernel.shape.clone(),
        inputs: kernel.inputs.clone(),
        instrs: vec![Instr {
            op: Op::Dot(dot),
            dtype,
        }],
        outputs: vec![KernelOutput {
            value: 0,
            dtype,
            layout: Layout::contiguous(&kernel.shape),
            buffer_len: kernel.size(),
        }],
        reduction: None,
    }
}

/// The `kept` ones of `inputs`, then `last` (the inputs of
/// [`Kernel::with_product_loaded`]'s kernel).
fn with<'a>(kept: &[usize], inputs: &[&'a GpuBuffer], last: &'a GpuBuffer) -> Vec<&'a GpuBuffer> {
    kept.iter().map(|&i| inputs[i]).chain([last]).collect()
}

/// The product kernel `kernel` (no reduction), tiled or naive.
fn product(
    inner: &DeviceContext,
    kernel: &Kernel,
    inputs: &[&GpuBuffer],
    outputs: &[&GpuBuffer],
) -> Result<()> {
    if kernel.size() == 0 {
        return Ok(());
    }
    let limits = &inner.gpu.limits;
    let mut forms = Vec::new();
    if let (Some(mm), ProductKernel::Tuned | ProductKernel::Tiled(_)) =
        (kernel.matmul_axes(), inner.gpu.product_kernel)
    {
        let dt = kernel.instrs[mm.value].dtype;
        let work = kernel.size().saturating_mul(mm.dot.len);
        let tile = tune::tile_for(inner, dt, work);
        forms.push(Units::tiled(kernel, mm, tile, limits));
        // A unit of the tiled form needs `bm` rows of `a` and one whole
        // matrix of `b` in a binding: smaller blocks, then the naive form
        // (lines of each operand), when that is too much.
        if tile != Tile::SMALL {
            forms.push(Units::tiled(kernel, mm, Tile::SMALL, limits));
        }
    }
    forms.push(Units::naive(kernel, limits.workgroup));
    for units in &forms {
        if let Some((compiled, ds)) = launch::prepare(inner, units, inputs, outputs)? {
            return launch::record(inner, &compiled, &ds);
        }
    }
    Err(too_big(&inner.gpu, "a matrix product's operand"))
}

/// The forms `check` tries: the tiled one with the smallest tile for a
/// matrix product, and the naive one.
fn forms(kernel: &Kernel, limits: &Limits) -> Vec<Units> {
    let mut v = Vec::new();
    if let Some(mm) = kernel.matmul_axes() {
        v.push(Units::tiled(kernel, mm, Tile::SMALL, limits));
    }
    v.push(Units::naive(kernel, limits.workgroup));
    v
}

/// The shader `check` generates for a product kernel without a reduction
/// (with one, the reduction's shader over [`lowered`] is the one to check).
pub(crate) fn check_key(kernel: &Kernel, limits: &Limits) -> ShaderKey {
    let units = forms(kernel, limits).swap_remove(0);
    ShaderKey::Gemm(units.key)
}

/// `Err(why)` if `kernel`'s product cannot be cut into dispatches within
/// `limits` (one matrix of an operand, or the product's scratch buffer for
/// a reduction, larger than the device holds in one binding or buffer).
pub(crate) fn fits(kernel: &Kernel, limits: &Limits) -> std::result::Result<(), String> {
    if kernel.dot().is_none() {
        return Ok(());
    }
    let k = match kernel.reduction {
        Some(_) => alone(kernel),
        None => kernel.clone(),
    };
    let bytes = |n: usize, elem: usize| (n * elem).div_ceil(4).max(1) as u64 * 4;
    let phys: Vec<u64> = k
        .inputs
        .iter()
        .map(|i| bytes(i.buffer_len, i.dtype.size_of()))
        .chain(
            k.outputs
                .iter()
                .map(|o| bytes(o.buffer_len, o.dtype.size_of())),
        )
        .collect();
    if kernel.reduction.is_some() && phys[phys.len() - 1] > limits.max_buffer {
        return Err(format!(
            "a reduction of a matrix product needs the product in a scratch buffer of {} bytes, more than the device's largest buffer ({} bytes)",
            phys[phys.len() - 1],
            limits.max_buffer
        ));
    }
    if k.size() == 0 || phys.iter().all(|&p| p <= limits.max_binding) {
        return Ok(());
    }
    if forms(&k, limits)
        .iter()
        .any(|p| p.split(&phys, limits).is_some())
    {
        return Ok(());
    }
    Err(format!(
        "a matrix product whose operands do not fit the device's storage bindings of {} bytes even one matrix (or one line, for a vector product) at a time",
        limits.max_binding
    ))
}
