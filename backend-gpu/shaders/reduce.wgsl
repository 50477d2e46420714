// tandem-gpu: the reduction template. The reduced axes are the last ones of
// the (normalised) iteration space, so output `row` reduces the elements
// (row, 0) .. (row, K-1). Each row is cut into C parts of `chunk` elements,
// and a dispatch runs "units", one part of one row each. Workgroup mode: a
// workgroup per unit (unit u is part u % C of row u / C) reduces its
// elements with a grid-stride loop per invocation, then a tree reduction in
// workgroup memory, and invocation 0 writes the unit's result. Serial mode:
// an invocation per unit (unit u is part u / rows of row u % rows), for
// short rows or rows cut into short parts. The result is the final value
// through the output's layout (when C == 1) or a partial that the next pass
// reduces (multi-pass for large rows). `codegen/reduce.rs` fills in the
// {{PLACEHOLDERS}}: the uniform block (`params.wgsl`), bindings, the
// accumulator type, identity/combine for the op, how an element is read
// (the fused kernel body, or a partial), and how a result is stored.

{{PARAMS}}
{{BINDINGS}}
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
    let rows = pw(6u);
{{MAIN}}}
