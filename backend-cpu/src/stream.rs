//! Non-temporal ("streaming") stores for large kernel outputs. A normal store
//! to memory that is not in cache first reads the line (read-for-ownership),
//! so writing an output costs two trips over the memory bus; a streaming
//! store writes the line without reading it. For an output far larger than
//! the caches (which the next kernel will not find in cache anyway) that
//! removes a quarter of `a + b`'s memory traffic. Smaller outputs use normal
//! stores: their consumer should find them in cache.

/// Outputs of at least this many bytes are written with streaming stores
/// (several times the L2 of the machines we measure, so the data could not
/// have stayed in the core's caches).
pub(crate) const STREAM_MIN_BYTES: usize = 16 << 20;

/// Whether streaming stores are available here (x86-64 with AVX).
pub(crate) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `dst.copy_from_slice(src)`, with streaming stores for the 32-byte
/// aligned middle of `dst`. Call [`fence`] before another thread reads `dst`.
pub(crate) fn copy(dst: &mut [u8], src: &[u8]) {
    assert_eq!(dst.len(), src.len(), "streaming copy of unequal lengths");
    #[cfg(target_arch = "x86_64")]
    if available() {
        // SAFETY: AVX was detected at run time just above.
        unsafe { copy_avx(dst, src) };
        return;
    }
    dst.copy_from_slice(src);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn copy_avx(dst: &mut [u8], src: &[u8]) {
    use std::arch::x86_64::{__m256i, _mm256_loadu_si256, _mm256_stream_si256};
    let head = dst.as_ptr().align_offset(32).min(dst.len());
    dst[..head].copy_from_slice(&src[..head]);
    let body = (dst.len() - head) / 32 * 32;
    let (d, s) = (&mut dst[head..head + body], &src[head..head + body]);
    for (d, s) in d.chunks_exact_mut(32).zip(s.chunks_exact(32)) {
        // SAFETY: `d` is 32 bytes at a 32-byte-aligned address (`head`
        // aligned the start and every chunk is 32 bytes); `s` is 32
        // readable bytes (an unaligned load).
        unsafe {
            let v = _mm256_loadu_si256(s.as_ptr().cast::<__m256i>());
            _mm256_stream_si256(d.as_mut_ptr().cast::<__m256i>(), v);
        }
    }
    dst[head + body..].copy_from_slice(&src[head + body..]);
}

/// Orders this thread's streaming stores before its later stores (and so
/// before the synchronisation that hands the output to other threads).
pub(crate) fn fence() {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `sfence` (SSE) is part of the x86-64 baseline.
    unsafe {
        std::arch::x86_64::_mm_sfence()
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_every_byte_at_every_alignment_and_length() {
        let src: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for start in 0..40 {
            for len in [0, 1, 31, 32, 33, 64, 95, 200, 260 - start] {
                let mut dst = vec![0u8; 300];
                copy(&mut dst[start..start + len], &src[..len]);
                fence();
                assert_eq!(
                    &dst[start..start + len],
                    &src[..len],
                    "start {start} len {len}"
                );
                assert!(dst[..start].iter().all(|&b| b == 0));
                assert!(dst[start + len..].iter().all(|&b| b == 0));
            }
        }
    }
}
