// tandem-gpu: the uniform block every shader reads its sizes, strides,
// offsets and constants from (`params.rs` lays out its words), and `pw`,
// which reads word `i`: written once for every template, which takes it
// in place of its PARAMS placeholder (`ParamLayout::wgsl`, which sizes
// the block).

struct Params {
    w: array<vec4<u32>, {{PARAM_VEC4S}}>,
}

@group(0) @binding(0) var<uniform> params: Params;

fn pw(i: u32) -> u32 {
    return params.w[i >> 2u][i & 3u];
}
