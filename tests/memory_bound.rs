//! Hard limits (issue 14), the class "memory follows the data, not the
//! work": a reduction's working memory is bounded by its output and a
//! constant, measured by the process's peak resident memory. Alone in its
//! own test binary, so no other test's allocations run beside it.

/// This process's peak resident memory in bytes since the last
/// [`reset_peak`] (Linux: `VmHWM` of `/proc/self/status`).
#[cfg(target_os = "linux")]
fn peak_resident_bytes() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kib: usize = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

/// Resets the peak to the current resident memory, which it returns
/// (Linux ≥ 4.0: writing 5 to `/proc/self/clear_refs`).
#[cfg(target_os = "linux")]
fn reset_peak() -> usize {
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    peak_resident_bytes()
}

#[cfg(target_os = "linux")]
#[test]
fn a_huge_broadcast_reduction_holds_memory_for_its_output_only() {
    use tandem::prelude::*;
    // 2^33 elements of work over one stored value. The CPU's full sum kept
    // one partial sum per block of the input (2^33 / 1024 · 8 bytes: 64
    // MiB); it now keeps a bounded number (see `reduce/runs.rs`).
    let n = 1usize << 33;
    let a = Array::scalar(1.0f32).broadcast_to(&[n]).unwrap();
    // Warm the pools and caches first, so the measurement sees the sum only.
    let _ = Array::scalar(1.0f32)
        .broadcast_to(&[1 << 20])
        .unwrap()
        .sum()
        .item::<f32>()
        .unwrap();
    let before = reset_peak();
    let total = a.sum().item::<f32>().unwrap();
    let grown = peak_resident_bytes().saturating_sub(before);
    assert_eq!(total, n as f32);
    assert!(
        grown < 16 << 20,
        "the sum's peak resident memory was {grown} bytes above its start"
    );
}
