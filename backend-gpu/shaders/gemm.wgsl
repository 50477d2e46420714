// tandem-gpu: the matrix-product template. `codegen/gemm/` fills in the
// {{PLACEHOLDERS}}: the uniform block (`params.wgsl`), one storage binding
// per kernel input and output (an operand read four elements at a time is
// an array of `vec4`s), the helper functions the epilogue calls, the epilogue (a
// function computing the kernel's body with the product's value given, and
// storing every output at one index), the workgroup tiles, and `main`:
// either a tiled GEMM (`codegen/gemm/tiled.rs`: each workgroup a block of
// one product of the batch, its operands staged through workgroup memory,
// each invocation a block of outputs in registers) or the naive form
// (`codegen/gemm/naive.rs`: an invocation per output element). Dispatches
// are 2-D so more than 65,535 workgroups fit: both forms linearise the grid.

{{PARAMS}}
{{BINDINGS}}
{{HELPERS}}
{{EPILOGUE}}
{{SHARED}}
@compute @workgroup_size({{WORKGROUP}})
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
{{MAIN}}}
