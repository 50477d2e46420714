//! The shapes a tiled GEMM can take ([`Tile`]) and how a backend picks
//! one for its matrix products ([`ProductKernel`]). A leaf: the shader key
//! (`key.rs`), the code generator, the device options and the autotuner
//! (`gemm/tune.rs`) all name tiles, and none of them should depend on
//! another for that.
//!
//! The candidates are the usual shapes of register-blocked WGSL GEMMs: a
//! workgroup of at most 256 invocations (the smallest
//! `max_compute_invocations_per_workgroup` WebGPU allows) whose two tiles
//! fit 16 KiB of workgroup memory (WebGPU's smallest
//! `max_compute_workgroup_storage_size`) even for 8-byte dtypes, so every
//! candidate runs on every adapter and the tuner only has to time them.

use std::fmt;

/// One tiling of a matrix product: each workgroup computes a `bm × bn`
/// block of the output, stepping through the contracted axis `bk` at a
/// time through workgroup memory, and each invocation a `tm × tn` block
/// of it in registers.
///
/// ```
/// let t = tandem_gpu::Tile { bm: 64, bn: 64, bk: 8, tm: 4, tn: 4 };
/// assert_eq!(t.invocations(), 256);
/// assert_eq!(t.to_string(), "64x64x8/4x4");
/// assert!(tandem_gpu::Tile::CANDIDATES.contains(&t));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tile {
    /// Output rows per workgroup.
    pub bm: u32,
    /// Output columns per workgroup.
    pub bn: u32,
    /// Contracted elements per step through workgroup memory.
    pub bk: u32,
    /// Output rows per invocation.
    pub tm: u32,
    /// Output columns per invocation.
    pub tn: u32,
}

impl Tile {
    /// The tiling of products too small to be worth tuning for: small
    /// blocks give a small product enough workgroups to fill the device.
    pub const SMALL: Tile = Tile {
        bm: 32,
        bn: 32,
        bk: 8,
        tm: 4,
        tn: 4,
    };

    /// The tilings the autotuner times, in the order it tries them (the
    /// likeliest winners on hardware first, as a time budget may stop it
    /// early): the 128×128 blocks of 8×8 per invocation that the fastest
    /// published WGSL GEMMs use, deeper and narrower variants, and
    /// [`SMALL`](Self::SMALL).
    pub const CANDIDATES: [Tile; 5] = [
        Tile {
            bm: 128,
            bn: 128,
            bk: 8,
            tm: 8,
            tn: 8,
        },
        Tile {
            bm: 64,
            bn: 64,
            bk: 16,
            tm: 8,
            tn: 8,
        },
        Tile {
            bm: 128,
            bn: 64,
            bk: 8,
            tm: 8,
            tn: 4,
        },
        Tile {
            bm: 64,
            bn: 64,
            bk: 8,
            tm: 4,
            tn: 4,
        },
        Tile::SMALL,
    ];

    /// Invocations per workgroup.
    ///
    /// ```
    /// assert_eq!(tandem_gpu::Tile::SMALL.invocations(), 64);
    /// ```
    pub fn invocations(&self) -> u32 {
        (self.bm / self.tm) * (self.bn / self.tn)
    }

    /// Bytes of workgroup memory the two tiles take for elements of
    /// `elem_bytes` (`Bool` is held as 4-byte words).
    ///
    /// ```
    /// assert_eq!(tandem_gpu::Tile::CANDIDATES[0].shared_bytes(8), 16384);
    /// ```
    pub fn shared_bytes(&self, elem_bytes: u32) -> u32 {
        (self.bm + self.bn) * self.bk * elem_bytes.max(4)
    }

    /// Whether the tile is well formed: its blocks divide it and every
    /// invocation has at least one element of each tile to load.
    ///
    /// ```
    /// assert!(tandem_gpu::Tile::CANDIDATES.iter().all(|t| t.is_valid()));
    /// assert!(!tandem_gpu::Tile { bm: 64, bn: 64, bk: 8, tm: 3, tn: 4 }.is_valid());
    /// ```
    pub fn is_valid(&self) -> bool {
        let nonzero = [self.bm, self.bn, self.bk, self.tm, self.tn]
            .iter()
            .all(|&x| x > 0);
        nonzero
            && self.bm.is_multiple_of(self.tm)
            && self.bn.is_multiple_of(self.tn)
            && self.bm.is_multiple_of(4)
            && self.bn.is_multiple_of(4)
            && self.bk.is_multiple_of(4)
            && self.invocations() <= 1024
    }
}

impl fmt::Display for Tile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}x{}x{}/{}x{}",
            self.bm, self.bn, self.bk, self.tm, self.tn
        )
    }
}

/// How a GPU backend runs its matrix products (set through
/// [`GpuOptions::product_kernel`](crate::GpuOptions::product_kernel)).
///
/// ```
/// use tandem_gpu::{GpuOptions, ProductKernel};
/// assert_eq!(GpuOptions::default().product_kernel, ProductKernel::Tuned);
/// let naive = GpuOptions { product_kernel: ProductKernel::Naive, ..Default::default() };
/// assert_ne!(naive, GpuOptions::default());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ProductKernel {
    /// Tiled, with the tile the autotuner measured as fastest on this
    /// adapter for the dtype (small products use [`Tile::SMALL`]).
    #[default]
    Tuned,
    /// One invocation per output element, looping over the contracted
    /// axis: the baseline the tiled kernel is measured against.
    Naive,
    /// Tiled, always with this tile.
    Tiled(Tile),
}
