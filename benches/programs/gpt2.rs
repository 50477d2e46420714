//! A GPT-2 forward pass as picoGPT writes it: per block, multi-head causal
//! self-attention (`linear` to q, k, v, a split into heads, `softmax(q @
//! k.T / sqrt(d) + mask) @ v` per head, `hstack`, `linear`) and the
//! feed-forward network (`linear`, `gelu`, `linear`), each behind a
//! `layer_norm` and added to the residual stream; then the final layer
//! norm. Source: Jay Mody's picoGPT, `gpt2.py` (`gelu`, `softmax`,
//! `layer_norm`, `linear`, `ffn`, `attention`, `mha`, `transformer_block`
//! and the loop over the blocks in `gpt2`),
//! <https://github.com/jaymody/picoGPT/blob/main/gpt2.py>; token and
//! position embeddings and the final projection to the vocabulary are left
//! out (the input is the embedded sequence). float32 weights and inputs, as
//! GPT-2's; `np.sqrt(q.shape[-1])` and `np.sqrt(2 / np.pi)` are float64
//! scalars, strong under NEP 50, so NumPy turns the activations to float64
//! from the first attention on, and the port does the same.

use super::{close, inputs, Params, Program, Run};
use tandem::prelude::*;

/// The suite's entry.
pub const PROGRAM: Program = Program {
    name: "gpt2",
    source: "jaymody/picoGPT gpt2.py: transformer blocks (attention, ffn, layer_norm, gelu)",
    tolerance: close(1e-4, 1e-5),
    full: &[("seq", 256), ("embd", 768), ("heads", 12), ("layers", 12)],
    quick: &[("seq", 32), ("embd", 64), ("heads", 4), ("layers", 2)],
    prepare,
};

/// A linear layer: weight `[in, out]`, bias `[out]`.
struct Linear {
    w: Array,
    b: Array,
}

/// A layer norm's gain and bias.
struct Norm {
    g: Array,
    b: Array,
}

/// One transformer block's parameters.
struct Block {
    ln_1: Norm,
    c_attn: Linear,
    attn_proj: Linear,
    ln_2: Norm,
    c_fc: Linear,
    mlp_proj: Linear,
}

/// picoGPT's `gelu(x)` (the tanh approximation).
fn gelu(x: &Array) -> tandem::Result<Array> {
    // np.sqrt(2 / np.pi) is a float64 scalar (strong under NEP 50)
    let c = Array::scalar(2.0 / std::f64::consts::PI).sqrt();
    Ok(0.5 * x * (1 + (c * (x + 0.044715 * x.pow(3)?)).tanh()))
}

/// picoGPT's `softmax(x)` over the last axis.
fn softmax(x: &Array) -> tandem::Result<Array> {
    let exp_x = (x - x.max_axis(-1, true)?).exp();
    Ok(&exp_x / exp_x.sum_axis(-1, true)?)
}

/// picoGPT's `layer_norm(x, g, b, eps=1e-5)` over the last axis.
fn layer_norm(x: &Array, n: &Norm) -> tandem::Result<Array> {
    let eps = 1e-5;
    let mean = x.mean_axis(-1, true)?;
    let variance = x.var_axis(-1, true)?;
    // normalize x to have mean=0 and var=1 over last axis
    let x = (x - &mean) / (variance + eps).sqrt();
    // scale and offset with gamma/beta params
    Ok(&n.g * x + &n.b)
}

/// picoGPT's `linear(x, w, b)`: `x @ w + b`.
fn linear(x: &Array, l: &Linear) -> tandem::Result<Array> {
    Ok(x.matmul(&l.w)? + &l.b)
}

/// picoGPT's `ffn(x, c_fc, c_proj)`.
fn ffn(x: &Array, c_fc: &Linear, c_proj: &Linear) -> tandem::Result<Array> {
    // project up, then back down
    linear(&gelu(&linear(x, c_fc)?)?, c_proj)
}

/// picoGPT's `attention(q, k, v, mask)`.
fn attention(q: &Array, k: &Array, v: &Array, mask: &Array) -> tandem::Result<Array> {
    // np.sqrt(q.shape[-1]) is a float64 scalar (strong under NEP 50)
    let d = Array::scalar(q.shape()[1] as f64).sqrt();
    softmax(&(q.matmul(&k.t())? / d + mask))?.matmul(v)
}

/// picoGPT's `mha(x, c_attn, c_proj, n_head)`.
fn mha(x: &Array, c_attn: &Linear, c_proj: &Linear, n_head: usize) -> tandem::Result<Array> {
    // qkv projection
    let x = linear(x, c_attn)?;
    // split into qkv, then into heads
    let qkv = x.split(3, -1)?;
    let heads = qkv
        .iter()
        .map(|t| t.split(n_head, -1))
        .collect::<tandem::Result<Vec<_>>>()?;
    // causal mask to hide future inputs from being attended to
    let n = x.shape()[0];
    let causal_mask = (1 - Array::ones(&[n, n], x.dtype()).tril(0)?) * -1e10;
    // perform attention over each head
    let out_heads = (0..n_head)
        .map(|h| attention(&heads[0][h], &heads[1][h], &heads[2][h], &causal_mask))
        .collect::<tandem::Result<Vec<_>>>()?;
    // merge heads, then the output projection
    let x = Array::hstack(&out_heads.iter().collect::<Vec<_>>())?;
    linear(&x, c_proj)
}

/// picoGPT's `transformer_block`: attention, then the feed-forward network,
/// each on the layer-normed residual stream and added back to it.
fn transformer_block(x: &Array, b: &Block, n_head: usize) -> tandem::Result<Array> {
    let x = x + mha(&layer_norm(x, &b.ln_1)?, &b.c_attn, &b.attn_proj, n_head)?;
    Ok(&x + ffn(&layer_norm(&x, &b.ln_2)?, &b.c_fc, &b.mlp_proj)?)
}

/// The blocks, then `ln_f`.
fn forward(x: &Array, blocks: &[Block], ln_f: &Norm, n_head: usize) -> tandem::Result<Array> {
    let mut x = x.clone();
    for block in blocks {
        x = transformer_block(&x, block, n_head)?;
    }
    layer_norm(&x, ln_f)
}

fn prepare(p: &Params) -> tandem::Result<Run> {
    let (seq, embd, heads, layers) = (p.get("seq"), p.get("embd"), p.get("heads"), p.get("layers"));
    let f32 = |a: Array| inputs::materialise(a.astype(DType::F32));
    // the embedded tokens, uniform on [-2, 2)
    let x =
        f32((inputs::weyl(seq * embd, 0, 0)? * 4.0 - 2.0)
            .reshape(&[seq as isize, embd as isize])?)?;
    // Parameter `which` of `layer`, `len` values: its own stretch of stream 3.
    let draw = |layer: usize, which: usize, len: usize| {
        inputs::weyl(len, 3, ((layer * 12 + which) * 12 * embd * embd) as i64)
    };
    // a gain near 1 and a small bias
    let norm = |layer: usize, which: usize| -> tandem::Result<Norm> {
        Ok(Norm {
            g: f32(1.0 + 0.2 * (draw(layer, which, embd)? - 0.5))?,
            b: f32(0.1 * (draw(layer, which + 1, embd)? - 0.5))?,
        })
    };
    // weights uniform on ±0.02 (GPT-2 draws them with std 0.02), small biases
    let lin = |layer: usize, which: usize, n_in: usize, n_out: usize| -> tandem::Result<Linear> {
        let w = (draw(layer, which, n_in * n_out)? - 0.5) * 0.04;
        Ok(Linear {
            w: f32(w.reshape(&[n_in as isize, n_out as isize])?)?,
            b: f32(0.02 * (draw(layer, which + 1, n_out)? - 0.5))?,
        })
    };
    let block = |l: usize| -> tandem::Result<Block> {
        Ok(Block {
            ln_1: norm(l, 0)?,
            c_attn: lin(l, 2, embd, 3 * embd)?,
            attn_proj: lin(l, 4, embd, embd)?,
            ln_2: norm(l, 6)?,
            c_fc: lin(l, 8, embd, 4 * embd)?,
            mlp_proj: lin(l, 10, 4 * embd, embd)?,
        })
    };
    let blocks = (0..layers).map(block).collect::<tandem::Result<Vec<_>>>()?;
    let ln_f = norm(layers, 0)?;
    Ok(Box::new(move || {
        Ok(vec![forward(&x, &blocks, &ln_f, heads)?])
    }))
}
