//! `throughput.svg` of `tandem bench`: one panel per swept workload, GB/s
//! against array size on log-log axes, a line per device and per peer
//! (NumPy, numexpr), the STREAM ceiling as a grey line, and each GPU's
//! crossover with the CPU as a vertical line. Drawn with plotters' SVG
//! backend: text is emitted as SVG `<text>`, so no fonts are needed here.

use crate::report::{elements, series, Crossover, CrossoverRow};
use crate::results::Results;
use crate::workloads::{formula, SWEPT};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

const ORANGE: RGBColor = RGBColor(230, 140, 0);
const PURPLE: RGBColor = RGBColor(140, 60, 180);
const GREY: RGBColor = RGBColor(130, 130, 130);
const DARK_GREEN: RGBColor = RGBColor(0, 150, 60);

/// The colour of the i-th tandem device (CPU first).
fn device_color(i: usize) -> RGBColor {
    [BLUE, RED, PURPLE, CYAN, MAGENTA][i % 5]
}

/// A GB/s value as an axis label.
fn gbps_label(y: f64) -> String {
    if y >= 10.0 {
        format!("{y:.0}")
    } else if y >= 0.1 {
        format!("{y:.1}")
    } else {
        format!("{y:.0e}")
    }
}

/// One line of the plot: colour (the legend is in the last panel), (elements, GB/s) points.
struct Line {
    color: RGBColor,
    points: Vec<(f64, f64)>,
}

fn lines_for(r: &Results, kind: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    for (i, d) in r.devices.iter().enumerate() {
        let name = d.device.to_string();
        let pts: Vec<(f64, f64)> = series(r, kind, &name)
            .into_iter()
            .map(|(n, g)| (n as f64, g))
            .collect();
        lines.push(Line {
            color: device_color(i),
            points: pts,
        });
    }
    // Bytes moved by size: any device's measurement says it.
    let bytes: BTreeMap<usize, f64> = r
        .measurements
        .iter()
        .filter(|m| m.kind == kind)
        .map(|m| (m.n, m.bytes))
        .collect();
    for (color, numpy) in [(DARK_GREEN, true), (ORANGE, false)] {
        let pts: Vec<(f64, f64)> = bytes
            .iter()
            .filter_map(|(&n, &b)| {
                let t = r.peers.get(&format!("{kind}:{n}"))?;
                let s = if numpy { t.numpy } else { t.numexpr }?;
                Some((n as f64, b / s / 1e9))
            })
            .collect();
        lines.push(Line { color, points: pts });
    }
    for l in &mut lines {
        l.points
            .retain(|&(x, y)| x > 0.0 && y > 0.0 && y.is_finite());
    }
    lines.retain(|l| !l.points.is_empty());
    lines
}

fn panel(
    area: &DrawingArea<SVGBackend, Shift>,
    r: &Results,
    kind: &'static str,
    crossovers: &[CrossoverRow],
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    let lines = lines_for(r, kind);
    let ceiling = if matches!(kind, "sum" | "dot") {
        (r.stream_read / 1e9, "STREAM read")
    } else {
        (r.stream_triad / 1e9, "STREAM triad")
    };
    let xs = lines.iter().flat_map(|l| l.points.iter().map(|p| p.0));
    let ys = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .chain(std::iter::once(ceiling.0).filter(|c| *c > 0.0 && c.is_finite()));
    let (x_lo, x_hi) = xs.fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(x), b.max(x)));
    let (y_lo, y_hi) = ys.fold((f64::MAX, f64::MIN), |(a, b), y| (a.min(y), b.max(y)));
    let caption = format!("{kind}: {}", formula(kind));
    if x_lo > x_hi || y_lo > y_hi {
        area.titled(&caption, ("sans-serif", 18)).map_err(err)?;
        return Ok(());
    }
    let (x_lo, x_hi) = (x_lo / 1.6, x_hi * 1.6);
    let (y_lo, y_hi) = (y_lo / 2.0, y_hi * 2.5);
    let mut chart = ChartBuilder::on(area)
        .caption(&caption, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(52)
        .build_cartesian_2d((x_lo..x_hi).log_scale(), (y_lo..y_hi).log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("elements")
        .y_desc("GB/s")
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&|x| elements(*x))
        .y_label_formatter(&|y| gbps_label(*y))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    if ceiling.0 > 0.0 && ceiling.0.is_finite() {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x_lo, ceiling.0), (x_hi, ceiling.0)],
                GREY.stroke_width(1),
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Text::new(
                format!("{} {:.1} GB/s", ceiling.1, ceiling.0),
                (x_hi / 12.0, ceiling.0 * 1.15),
                ("sans-serif", 12).into_font().color(&GREY),
            )))
            .map_err(err)?;
    }
    for l in &lines {
        let color = l.color;
        chart
            .draw_series(LineSeries::new(l.points.clone(), color.stroke_width(2)))
            .map_err(err)?;
        chart
            .draw_series(l.points.iter().map(|&p| Circle::new(p, 3, color.filled())))
            .map_err(err)?;
    }
    // Each GPU's crossover with the CPU: a vertical line where it overtakes,
    // or a note that it never does in the sizes measured.
    let mut note_row = 0;
    for c in crossovers.iter().filter(|c| c.kind == kind) {
        let gpu_index = r
            .devices
            .iter()
            .position(|d| d.device.to_string() == c.gpu)
            .unwrap_or(1);
        let color = device_color(gpu_index);
        match c.at {
            Crossover::At(x) => {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x, y_lo), (x, y_hi)],
                        color.stroke_width(2),
                    )))
                    .map_err(err)?;
                chart
                    .draw_series(std::iter::once(Text::new(
                        format!("CPU/{} crossover ≈ {}", c.gpu, elements(x)),
                        (x * 1.08, y_hi / 1.6),
                        ("sans-serif", 13).into_font().color(&color),
                    )))
                    .map_err(err)?;
            }
            ref other => {
                let text = format!("{}: {}", c.gpu, other.describe());
                let y = y_hi / 1.6 / 1.5f64.powi(note_row);
                note_row += 1;
                chart
                    .draw_series(std::iter::once(Text::new(
                        text,
                        (x_lo * 1.1, y),
                        ("sans-serif", 13).into_font().color(&color),
                    )))
                    .map_err(err)?;
            }
        }
    }
    Ok(())
}

/// The legend (shared by every panel) and the run's facts.
fn notes(area: &DrawingArea<SVGBackend, Shift>, r: &Results) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    let font = || ("sans-serif", 15).into_font();
    let mut y = 40;
    let entry = |label: String, color: RGBColor, y: i32| -> Result<(), String> {
        area.draw(&PathElement::new(
            vec![(24, y), (64, y)],
            color.stroke_width(3),
        ))
        .map_err(err)?;
        area.draw(&Text::new(label, (76, y - 8), font()))
            .map_err(err)
    };
    for (i, d) in r.devices.iter().enumerate() {
        entry(
            format!("tandem {} ({})", d.device, d.name),
            device_color(i),
            y,
        )?;
        y += 24;
    }
    entry("NumPy".into(), DARK_GREEN, y)?;
    y += 24;
    entry("numexpr".into(), ORANGE, y)?;
    y += 24;
    entry(
        format!(
            "STREAM this run: read {:.1} GB/s, triad {:.1} GB/s ({} threads)",
            r.stream_read / 1e9,
            r.stream_triad / 1e9,
            r.threads
        ),
        GREY,
        y,
    )?;
    y += 40;
    let lines = [
        format!(
            "tandem bench ({}), medians of {} runs; log-log axes",
            r.plan.mode, r.plan.repeat
        ),
        "a vertical line in a GPU's colour: where it overtakes the CPU".to_string(),
        r.peer_note
            .split(", timed by")
            .next()
            .unwrap_or_default()
            .to_string(),
    ];
    for l in lines {
        area.draw(&Text::new(l, (24, y - 8), font())).map_err(err)?;
        y += 24;
    }
    Ok(())
}

/// Draws the plot to `path`.
pub fn throughput_svg(path: &Path, r: &Results, crossovers: &[CrossoverRow]) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    let root = SVGBackend::new(path, (1400, 1350)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let root = root
        .titled(
            "tandem: throughput against array size (f32)",
            ("sans-serif", 24),
        )
        .map_err(err)?;
    let panels = root.split_evenly((3, 2));
    for (area, kind) in panels.iter().zip(SWEPT) {
        panel(area, r, kind, crossovers)?;
    }
    if let Some(last) = panels.get(SWEPT.len()) {
        notes(last, r)?;
    }
    root.present().map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{Measurement, PeerTimes, Plan, Results};
    use tandem::{Device, DeviceInfo, DeviceKind};

    fn info(device: Device, kind: DeviceKind) -> DeviceInfo {
        DeviceInfo {
            device,
            name: format!("{device}"),
            kind,
            backend: "test".into(),
            dtypes: vec![],
            details: vec![],
        }
    }

    /// A made-up run where the GPU overtakes the CPU: the SVG marks it.
    #[test]
    fn crossover_is_drawn() {
        let mut measurements = Vec::new();
        for (i, n) in [1_000usize, 10_000, 100_000].into_iter().enumerate() {
            for (device, kind, gbps) in [
                ("cpu", DeviceKind::Cpu, 10.0),
                ("gpu:0", DeviceKind::DiscreteGpu, [1.0, 5.0, 50.0][i]),
            ] {
                measurements.push(Measurement {
                    kind: "add",
                    n,
                    bytes: 12.0 * n as f64,
                    reads_only: false,
                    device: device.into(),
                    device_kind: kind,
                    seconds: 12.0 * n as f64 / (gbps * 1e9),
                });
            }
        }
        let mut peers = std::collections::BTreeMap::new();
        peers.insert(
            "add:1000".to_string(),
            PeerTimes {
                numpy: Some(1e-6),
                numexpr: None,
            },
        );
        let r = Results {
            plan: Plan::new(true),
            devices: vec![
                info(Device::Cpu, DeviceKind::Cpu),
                info(Device::Gpu(0), DeviceKind::DiscreteGpu),
            ],
            threads: 2,
            stream_read: 20e9,
            stream_triad: 15e9,
            measurements,
            peers,
            peer_note: "NumPy test".into(),
            failures: vec![],
            programs: crate::programs::harness::Suite {
                outcomes: vec![crate::programs::harness::Outcome {
                    program: "poly",
                    size: "n=10".into(),
                    tandem: Ok(0.001),
                    numpy: Some(0.002),
                    stats: Some(tandem::Stats::default()),
                    agrees: Some(true),
                    agreement: "ok (0.0e0)".into(),
                }],
                numpy_note: "NumPy test".into(),
                device: Device::Cpu,
                repeat: 5,
            },
        };
        let cross = crate::report::crossovers(&r);
        assert!(matches!(cross[0].at, Crossover::At(n) if n > 10_000.0 && n < 100_000.0));
        let path =
            std::env::temp_dir().join(format!("tandem_plot_test_{}.svg", std::process::id()));
        throughput_svg(&path, &r, &cross).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).ok();
        assert!(svg.contains("<svg"));
        assert!(svg.contains("crossover"), "no crossover label");
        let md = crate::report::markdown(&r, &cross, 1.0);
        assert!(md.contains("| add `a + b` | 1000 | cpu |"));
        assert!(md.contains("GPU faster from"));
        assert!(
            md.contains("| poly | n=10 | 1.00 | 2.00 | 2.00× | ok (0.0e0) |"),
            "{md}"
        );
        assert!(md.contains("Median × NumPy: **2.00×**"), "{md}");
        assert!(md.contains("| poly | 0 | 0 B | 0 B | 0 | 0 B |"), "{md}");
    }
}
