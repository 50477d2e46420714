//! # tandem-gpu
//!
//! tandem's GPU backend on wgpu: generated WGSL compute shaders for fused
//! kernels. Not written yet (see the GPU issue); until it is, this crate is
//! empty and the facade registers only the CPU backend.
