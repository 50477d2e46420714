//! `tandem devices`: every backend and adapter tandem can use, with its
//! kind, the backend that drives it, its limits and other facts
//! (`DeviceInfo::details`) and the dtypes it computes natively.

use crate::failure::Failure;
use tandem::{DeviceInfo, DeviceKind};

/// A device kind as people say it.
pub fn kind_name(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::Cpu => "cpu",
        DeviceKind::DiscreteGpu => "discrete gpu",
        DeviceKind::IntegratedGpu => "integrated gpu",
        DeviceKind::SoftwareGpu => "software gpu",
        DeviceKind::OtherGpu => "gpu",
    }
}

/// The listing of one device, several lines.
pub fn describe(info: &DeviceInfo) -> String {
    let mut out = format!(
        "{}  {}\n  kind     {}\n  backend  {}\n",
        info.device,
        info.name,
        kind_name(info.kind),
        info.backend
    );
    let dtypes: Vec<&str> = info.dtypes.iter().map(|d| d.name()).collect();
    out.push_str(&format!("  dtypes   {}\n", dtypes.join(" ")));
    let width = info.details.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    if !info.details.is_empty() {
        out.push_str("  details\n");
    }
    for (k, v) in &info.details {
        out.push_str(&format!("    {k:<width$}  {v}\n"));
    }
    out
}

/// Runs `tandem devices` (it takes no arguments).
pub fn run() -> Result<(), Failure> {
    let devices = tandem::devices();
    for (i, d) in devices.iter().enumerate() {
        if i > 0 {
            println!();
        }
        print!("{}", describe(d));
    }
    if !devices.iter().any(|d| d.kind != DeviceKind::Cpu) {
        println!(
            "\nno GPU adapter found{}",
            if tandem::GPU_BACKEND_BUILT {
                " (on Linux without a GPU, Mesa's lavapipe provides a software one: apt-get install mesa-vulkan-drivers)"
            } else {
                " (this build has no GPU backend)"
            }
        );
    }
    println!("\ndefault device: {}", tandem::default_device());
    Ok(())
}
