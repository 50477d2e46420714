// tandem-gpu: the reduction template. The reduced axes are the last ones of
// the (normalised) iteration space, so output `row` reduces the flat indices
// row*K .. row*K+K. A dispatch runs "units": unit u is chunk u % C of row
// u / C. Each workgroup reduces its unit's elements with a grid-stride loop
// per invocation, then a tree reduction in workgroup memory, and invocation
// 0 writes the unit's result: the final value through the output's layout
// (when C == 1) or a partial that the next pass reduces (multi-pass for
// large rows). For short rows, serial mode gives each invocation a whole
// row instead. `codegen/reduce.rs` fills in the {{PLACEHOLDERS}}: bindings,
// the accumulator type, identity/combine for the op, how an element is
// read (the fused kernel body, or a partial), and how a result is stored.

struct Params {
    w: array<vec4<u32>, {{PARAM_VEC4S}}>,
}

@group(0) @binding(0) var<uniform> params: Params;
{{BINDINGS}}
fn pw(i: u32) -> u32 {
    return params.w[i >> 2u][i & 3u];
}

const WG: u32 = {{WORKGROUP}}u;
// The index of an accumulator that has seen no element (yet).
const EMPTY: u32 = 0xffffffffu;

struct Acc {
    v: {{ACC}},
    i: u32,
}

{{HELPERS}}
{{REDUCE_FNS}}
var<workgroup> sv: array<{{ACC}}, {{WORKGROUP}}>;
var<workgroup> si: array<u32, {{WORKGROUP}}>;

@compute @workgroup_size({{WORKGROUP}})
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let t = lid.x;
    let k = pw(2u);
    let c = pw(3u);
    let chunk = pw(4u);
{{MAIN}}}
