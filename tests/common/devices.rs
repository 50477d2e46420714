//! Running one test body on every device ([`for_each_device`]; a GPU is
//! required with `TANDEM_REQUIRE_GPU=1`) and placing operands on a device
//! ([`Opd`], the `with_opd!` macro).

use super::*;

// ---------------------------------------------------------------------------
// Devices

static GPU_NOTICE: Once = Once::new();

/// Every usable device, after enforcing `TANDEM_REQUIRE_GPU=1`.
pub fn devices() -> Vec<tandem::DeviceInfo> {
    let devices = tandem::devices();
    assert!(
        !devices.is_empty(),
        "tandem::devices() is empty; the CPU backend must always be listed"
    );
    let has_gpu = devices.iter().any(|d| matches!(d.device, Device::Gpu(_)));
    if !has_gpu && !tandem::GPU_BACKEND_BUILT {
        GPU_NOTICE.call_once(|| {
            let _ = writeln!(
                std::io::stderr(),
                "no GPU runs: this build of tandem has no GPU backend yet (TANDEM_REQUIRE_GPU applies once it has)"
            );
        });
    } else if !has_gpu {
        if std::env::var("TANDEM_REQUIRE_GPU").as_deref() == Ok("1") {
            panic!(
                "TANDEM_REQUIRE_GPU=1 but tandem::devices() lists no GPU (got: {}); \
                 install a Vulkan driver (e.g. Mesa's lavapipe: apt-get install mesa-vulkan-drivers) \
                 or unset TANDEM_REQUIRE_GPU to skip the GPU runs",
                devices
                    .iter()
                    .map(|d| d.name.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        GPU_NOTICE.call_once(|| {
            // Written to the real stderr, past libtest's capture, so it shows.
            let _ = writeln!(
                std::io::stderr(),
                "skipping GPU: no adapter (set TANDEM_REQUIRE_GPU=1 to make this a failure)"
            );
        });
    }
    devices
}

/// Runs `body` once per entry of `tandem::devices()` (see [`devices`]).
pub fn for_each_device(mut body: impl FnMut(&tandem::DeviceInfo)) {
    for info in devices() {
        body(&info);
    }
}

/// `a` placed on the device of `info` (panics with the device name if that fails).
pub fn on(info: &tandem::DeviceInfo, a: &Array) -> Array {
    a.to_device(info.device)
        .unwrap_or_else(|e| panic!("to_device({}) failed: {e}", info.name))
}

/// A short label for a device in messages.
pub fn label(info: &tandem::DeviceInfo) -> String {
    format!("{:?} ({})", info.device, info.name)
}

// ---------------------------------------------------------------------------
// Operands placed on a device

/// An operand ready to pass to a method: an array (already on its device)
/// or a weak Rust scalar.
#[derive(Clone, Debug)]
pub enum Opd {
    Arr(Array),
    W(Weak),
}

impl Arg {
    /// This operand on the device of `info`.
    pub fn place(&self, info: &tandem::DeviceInfo) -> Opd {
        match self {
            Arg::Array(fx) => Opd::Arr(on(info, &fx.build())),
            Arg::Weak(w) => Opd::W(*w),
        }
    }
}

/// Expands `$body` once per operand type, with `$v` bound to `&Array` or to
/// the Rust scalar (`&Opd` in `$o`).
#[allow(unused_macros)]
macro_rules! with_opd {
    ($o:expr, |$v:ident| $body:expr) => {
        match $o {
            Opd::Arr(a) => {
                let $v = a;
                $body
            }
            Opd::W(Weak::Bool(x)) => {
                let $v = *x;
                $body
            }
            Opd::W(Weak::I32(x)) => {
                let $v = *x;
                $body
            }
            Opd::W(Weak::I64(x)) => {
                let $v = *x;
                $body
            }
            Opd::W(Weak::U32(x)) => {
                let $v = *x;
                $body
            }
            Opd::W(Weak::F32(x)) => {
                let $v = *x;
                $body
            }
            Opd::W(Weak::F64(x)) => {
                let $v = *x;
                $body
            }
        }
    };
}
