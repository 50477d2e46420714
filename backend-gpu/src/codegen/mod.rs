//! WGSL generation: a [`ShaderKey`] (a kernel's structure) becomes one
//! compute shader, filled into a template from `backend-gpu/shaders/`
//! (inside this crate, so they ship in its package; the top-level
//! `shaders/` is a symlink to that folder). Every variant is validated with
//! naga in this module's tests, so a codegen bug fails on any machine, GPU
//! or not (`codegen_tests.rs`, beside this module, as the tests build keys
//! through `exec.rs` and `reduce.rs`).
//!
//! - `types.rs`: dtypes as WGSL types and literals.
//! - `bindings.rs`: the binding declarations and template filling that
//!   every shader kind shares.
//! - `helpers.rs`: the helper functions of `shaders/math.wgsl`.
//! - `ops.rs`: the expression of every op per dtype (the GPU's op table).
//! - `body.rs`: the kernel body, inputs read through strided index arithmetic.
//! - `elementwise.rs`, `reduce.rs`: the shader kinds. A strided copy (what
//!   `contiguous()`, `assign` and `concatenate` run) is an elementwise kernel
//!   whose body is one load, so it uses `elementwise.wgsl` (at `vec4` width
//!   when both sides are contiguous) rather than a template of its own.
//! - `gemm/`: kernels with a matrix product (tiled or naive, the rest of
//!   the kernel computed as each output is written), from `gemm.wgsl`.

pub(crate) mod bindings;
pub(crate) mod body;
pub(crate) mod elementwise;
pub(crate) mod gemm;
pub(crate) mod helpers;
pub(crate) mod ops;
pub(crate) mod reduce;
pub(crate) mod types;

use crate::key::ShaderKey;

/// The WGSL source for `key`, workgroups of `wg` invocations, or why the
/// GPU cannot run it.
pub(crate) fn generate(key: &ShaderKey, wg: u32) -> Result<String, String> {
    match key {
        ShaderKey::Elementwise(k) => elementwise::generate(k, wg),
        ShaderKey::Reduce(k) => reduce::generate_first(k, wg),
        ShaderKey::Partials(k) => reduce::generate_partials(k, wg),
        ShaderKey::Gemm(k) => gemm::generate(k, wg),
    }
}
