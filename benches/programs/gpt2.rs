//! The elementwise half of a GPT-2 forward pass: `layer_norm` and `gelu` as
//! picoGPT writes them, in the residual loop over the blocks, then the final
//! layer norm. Source: Jay Mody's picoGPT, `gpt2.py` (`gelu`, `layer_norm`,
//! the `for block in blocks: x = transformer_block(x, …)` loop),
//! <https://github.com/jaymody/picoGPT/blob/main/gpt2.py>; the block's
//! matmuls (attention, `c_fc`, `c_proj`) are left out, as tandem has none
//! yet, leaving `x = x + gelu(layer_norm(x))` per block. float32 inputs,
//! as GPT-2's weights; `np.sqrt(2 / np.pi)` is a float64 scalar, strong
//! under NEP 50, so NumPy turns the activations to float64 from the first
//! `gelu` on, and the port does the same.

use super::{close, inputs, Params, Program, Run};
use tandem::prelude::*;

/// The suite's entry.
pub const PROGRAM: Program = Program {
    name: "gpt2",
    source:
        "jaymody/picoGPT gpt2.py: layer_norm, gelu in the residual block loop (matmuls left out)",
    tolerance: close(1e-4, 1e-5),
    full: &[("seq", 256), ("embd", 768), ("layers", 12)],
    quick: &[("seq", 32), ("embd", 64), ("layers", 2)],
    prepare,
};

/// picoGPT's `gelu(x)` (the tanh approximation).
fn gelu(x: &Array) -> tandem::Result<Array> {
    // np.sqrt(2 / np.pi) is a float64 scalar (strong under NEP 50)
    let c = Array::scalar(2.0 / std::f64::consts::PI).sqrt();
    Ok(0.5 * x * (1 + (c * (x + 0.044715 * x.pow(3)?)).tanh()))
}

/// picoGPT's `layer_norm(x, g, b, eps=1e-5)` over the last axis.
fn layer_norm(x: &Array, g: &Array, b: &Array) -> tandem::Result<Array> {
    let eps = 1e-5;
    let mean = x.mean_axis(-1, true)?;
    let variance = x.var_axis(-1, true)?;
    // normalize x to have mean=0 and var=1 over last axis
    let x = (x - &mean) / (variance + eps).sqrt();
    // scale and offset with gamma/beta params
    Ok(g * x + b)
}

/// The blocks, then `ln_f`.
pub fn forward(
    x: &Array,
    blocks: &[(Array, Array)],
    ln_f: &(Array, Array),
) -> tandem::Result<Array> {
    let mut x = x.clone();
    for (g, b) in blocks {
        // x = x + mlp(layer_norm(x, **ln_2)), the matmuls of mlp left out
        x = &x + gelu(&layer_norm(&x, g, b)?)?;
    }
    layer_norm(&x, &ln_f.0, &ln_f.1)
}

fn prepare(p: &Params) -> tandem::Result<Run> {
    let (seq, embd, layers) = (p.get("seq"), p.get("embd"), p.get("layers"));
    let f32 = |a: Array| inputs::materialise(a.astype(DType::F32));
    // the token activations, uniform on [-2, 2); per block a gain near 1
    // and a small bias
    let x =
        f32((inputs::weyl(seq * embd, 0, 0)? * 4.0 - 2.0)
            .reshape(&[seq as isize, embd as isize])?)?;
    let param = |layer: usize| -> tandem::Result<(Array, Array)> {
        let c = (layer * embd) as i64;
        Ok((
            f32(1.0 + 0.2 * (inputs::weyl(embd, 1, c)? - 0.5))?,
            f32(0.1 * (inputs::weyl(embd, 2, c)? - 0.5))?,
        ))
    };
    let blocks = (0..layers).map(param).collect::<tandem::Result<Vec<_>>>()?;
    let ln_f = param(layers)?;
    Ok(Box::new(move || Ok(vec![forward(&x, &blocks, &ln_f)?])))
}
