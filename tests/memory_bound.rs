//! Hard limits (issue 14), the class "memory follows the data, not the
//! work": a reduction's working memory is bounded by its output and a
//! constant; a `.npy` read from a pipe allocates what arrives, not what its
//! header claims. Measured by the process's peak resident memory, in a test
//! binary of their own, one test at a time (no other test's allocations
//! run beside them).

/// Held by each test for its whole run.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

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
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
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

#[cfg(target_os = "linux")]
#[test]
fn a_npy_from_a_pipe_allocates_what_arrives_not_what_its_header_claims() {
    use std::io::Write;
    use tandem::prelude::*;
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = std::env::temp_dir().join(format!("tandem_npy_pipe_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pipe = dir.join("huge.npy");
    let made = std::process::Command::new("mkfifo").arg(&pipe).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
    // A valid header claiming 2^40 float64 values (8 TiB), then 3 MiB of them.
    let real = tandem::io::to_npy_bytes(&Array::zeros(&[1], DType::F64)).unwrap();
    let header_len = u16::from_le_bytes([real[8], real[9]]) as usize;
    let dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }";
    let mut header = format!("{dict:<width$}", width = header_len - 1).into_bytes();
    header.push(b'\n');
    let writer = {
        let pipe = pipe.clone();
        std::thread::spawn(move || {
            let mut w = std::fs::OpenOptions::new().write(true).open(pipe).unwrap();
            w.write_all(&real[..10]).unwrap();
            w.write_all(&header).unwrap();
            // The reader stops at the first error, so a write may fail.
            let _ = w.write_all(&vec![0u8; 3 << 20]);
        })
    };
    let before = reset_peak();
    let read = tandem::io::load_npy(&pipe);
    let grown = peak_resident_bytes().saturating_sub(before);
    writer.join().unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let message = format!("{:?}", read.as_ref().map(|_| ()));
    assert!(matches!(read, Err(Error::Io { .. })), "{message}");
    assert!(
        message.contains("shape") || message.contains("short"),
        "{message}"
    );
    assert!(
        grown < 32 << 20,
        "reading the pipe peaked {grown} bytes above its start"
    );
}
