#!/usr/bin/env bash
# GPU matrix-product check, for a machine with a real GPU: builds the GPU
# benchmark (benches/gpu.rs) in release and prints, for f32 products of
# 1024² to 8192² (resident operands), the GPU's time and GFLOP/s with the
# tile the autotuner chose, beside the CPU backend's GEMM measured in the
# same run. Set GPU_PEAK_TFLOPS to the GPU's f32 peak (e.g. 67 for an
# H100 SXM, 82.6 for an RTX 4090) to see the fraction of it reached, and
# SIZES to change the sizes. A product whose one matrix exceeds the
# adapter's storage-binding size is reported as not run (the CPU runs it).
#
#   scripts/gpu_gemm_check.sh
#   GPU_PEAK_TFLOPS=67 SIZES="2048 4096" scripts/gpu_gemm_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# wgpu wants a runtime directory even without a display.
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
sizes="${SIZES:-1024 2048 4096 8192}"

cargo bench --bench gpu --no-run
out=$(cargo bench --bench gpu -- products $sizes)
echo "$out"
if grep -q "no GPU adapter" <<<"$out"; then
    echo "gpu_gemm_check: no GPU adapter was found" >&2
    exit 1
fi
if grep -q "SoftwareGpu" <<<"$out"; then
    echo "gpu_gemm_check: the first adapter is a software renderer (lavapipe/llvmpipe), not a GPU;" \
        "its figures say nothing about hardware (WGPU_BACKEND=vulkan or a GPU driver may help)" >&2
fi
