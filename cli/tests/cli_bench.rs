//! `tandem bench --quick` end to end: it must succeed (CI runs it) and write
//! a Markdown report with its table and an SVG plot, with every device
//! `tandem::devices()` lists in the table, and NumPy's timings when `python3`
//! has NumPy; and the real-program suite's table, every program's results
//! agreeing with NumPy's when NumPy ran them.

use std::process::Command;

#[test]
fn quick_bench_writes_report_and_plot() {
    let dir = std::env::temp_dir().join(format!("tandem_cli_bench_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tandem"));
    cmd.args(["bench", "--quick", "--out"]).arg(&dir);
    if std::env::var_os("XDG_RUNTIME_DIR").is_none() {
        cmd.env("XDG_RUNTIME_DIR", std::env::temp_dir());
    }
    let started = std::time::Instant::now();
    let out = cmd.output().expect("run tandem bench");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "tandem bench --quick failed: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        started.elapsed().as_secs() < 120,
        "--quick took {:?}",
        started.elapsed()
    );

    let report = std::fs::read_to_string(dir.join("report.md")).expect("report.md");
    assert!(
        report.contains("| workload | elements | device | median ms | GB/s | % of STREAM | NumPy ms | vs NumPy | numexpr ms | vs numexpr |"),
        "{report}"
    );
    assert!(report.contains("| --- |"), "{report}");
    assert!(report.contains("STREAM"), "{report}");
    for d in tandem::devices() {
        let row = format!("| {} |", d.device);
        assert!(report.contains(&row), "no rows for {}: {report}", d.device);
    }
    for kind in ["add", "fma2", "sum", "dot", "transc", "sum0", "concat1"] {
        assert!(
            report.contains(&format!("| {kind} `")),
            "{kind} missing: {report}"
        );
    }
    let numpy = Command::new("python3")
        .args(["-c", "import numpy"])
        .status()
        .is_ok_and(|s| s.success());
    if numpy {
        assert!(report.contains("Peers: NumPy "), "{report}");
        let add_row = report
            .lines()
            .find(|l| l.starts_with("| add `a + b` | 1024 | cpu |"))
            .expect("the add row at 1024");
        assert!(add_row.contains('×'), "a ratio to NumPy: {add_row}");
    } else {
        assert!(report.contains("not timed"), "{report}");
    }
    assert!(report.contains("## CPU/GPU crossover"), "{report}");

    assert!(report.contains("## Real programs (CPU)"), "{report}");
    assert!(
        report.contains("| program | size | tandem ms | NumPy ms | × NumPy | agrees with NumPy |"),
        "{report}"
    );
    assert!(
        report.contains("| program | kernels | bytes read |"),
        "{report}"
    );
    for program in ["poly", "nbody", "kmeans", "mandelbrot", "life", "gpt2"] {
        let row = report
            .lines()
            .find(|l| l.starts_with(&format!("| {program} | ")))
            .unwrap_or_else(|| panic!("no row for program {program}: {report}"));
        if numpy {
            assert!(
                row.contains("| ok ("),
                "{program} disagrees with NumPy: {row}"
            );
        }
    }

    let svg = std::fs::read_to_string(dir.join("throughput.svg")).expect("throughput.svg");
    assert!(svg.contains("<svg"), "not an SVG");
    assert!(svg.contains("tandem cpu"), "the legend names the CPU");
    assert!(svg.contains("elements"), "the x axis is labelled");
    std::fs::remove_dir_all(&dir).ok();
}
