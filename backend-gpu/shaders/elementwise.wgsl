// tandem-gpu: the elementwise kernel template. `codegen/elementwise.rs`
// fills in the {{PLACEHOLDERS}}: the uniform block (`params.wgsl`), one storage
// binding per kernel input and output, the helper functions the body calls,
// and the body (the kernel's SSA list as `let` statements, then one store
// per output). Each invocation computes one element (or one `vec4` of four
// consecutive elements on the contiguous fast path). Dispatches are 2-D so
// more than 65,535 workgroups fit: `item` linearises the grid.

{{PARAMS}}
{{BINDINGS}}
{{HELPERS}}
@compute @workgroup_size({{WORKGROUP}})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let item = gid.x + gid.y * (nwg.x * {{WORKGROUP}}u);
    let n = pw(0u);
    let start = pw(1u);
{{BODY}}}
