//! Placement through the public `Backend` trait: a test double reporting a
//! hardware GPU with its own cost model is registered at run time, and Auto
//! must send large kernels to it and small ones to the CPU, follow data
//! resident on it, route what it cannot run (F64 here) back to the CPU, and
//! honour an explicit `Device` — while never picking a software GPU on its own.

use std::any::Any;
use std::sync::{Arc, Mutex, OnceLock};
use tandem::backend::{Buffer, DeviceBuffer};
use tandem::buffer::HostBuffer;
use tandem::kernel::Kernel;
use tandem::prelude::*;
use tandem::{Backend, DeviceInfo, DeviceKind, Memory};

/// Device memory of the fake GPU: bytes held on the "device".
#[derive(Debug)]
struct FakeBuffer(Mutex<HostBuffer>);

impl DeviceBuffer for FakeBuffer {
    fn byte_len(&self) -> usize {
        self.0.lock().unwrap().len()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A "discrete GPU" that computes with the CPU backend on its own copies,
/// lacks F64, binds 6 buffers per kernel, launches in 5 µs and streams at
/// 400 GB/s over a 50 GB/s link.
struct FakeGpu {
    cpu: tandem_cpu::CpuBackend,
}

fn host_of(b: &Buffer) -> HostBuffer {
    match b {
        Buffer::Device(d) => d
            .as_any()
            .downcast_ref::<FakeBuffer>()
            .expect("a FakeBuffer")
            .0
            .lock()
            .unwrap()
            .clone(),
        Buffer::Host(h) => (**h).clone(),
    }
}

impl Backend for FakeGpu {
    fn info(&self) -> DeviceInfo {
        DeviceInfo {
            device: Device::Gpu(0),
            name: "fake discrete GPU (test double)".into(),
            kind: DeviceKind::DiscreteGpu,
            backend: "test".into(),
            dtypes: vec![DType::Bool, DType::I32, DType::U32, DType::F32],
            details: vec![],
        }
    }
    fn memory(&self) -> Memory {
        Memory::Device
    }
    fn check(&self, kernel: &Kernel) -> Result<()> {
        if kernel.inputs.len() > self.max_inputs(kernel) {
            return Err(Error::unsupported(
                "fake gpu",
                "more input buffers than this device binds",
            ));
        }
        if kernel
            .dtypes()
            .iter()
            .any(|d| matches!(d, DType::F64 | DType::I64))
        {
            return Err(Error::unsupported(
                "fake gpu",
                "no 64-bit types on this device",
            ));
        }
        Ok(())
    }
    fn alloc(&self, bytes: usize) -> Result<Buffer> {
        Ok(Buffer::Device(Arc::new(FakeBuffer(Mutex::new(
            HostBuffer::zeroed(bytes),
        )))))
    }
    fn upload(&self, data: &HostBuffer) -> Result<Buffer> {
        Ok(Buffer::Device(Arc::new(FakeBuffer(Mutex::new(
            data.clone(),
        )))))
    }
    fn download(&self, buffer: &Buffer) -> Result<HostBuffer> {
        Ok(host_of(buffer))
    }
    fn execute(&self, kernel: &Kernel, inputs: &[Buffer], outputs: &mut [Buffer]) -> Result<()> {
        let ins: Vec<Buffer> = inputs
            .iter()
            .map(|b| Buffer::Host(Arc::new(host_of(b))))
            .collect();
        let mut outs: Vec<Buffer> = outputs
            .iter()
            .map(|b| Buffer::Host(Arc::new(host_of(b))))
            .collect();
        self.cpu.execute(kernel, &ins, &mut outs)?;
        for (o, r) in outputs.iter().zip(outs) {
            let Buffer::Device(d) = o else {
                unreachable!("fake outputs are device buffers")
            };
            *d.as_any()
                .downcast_ref::<FakeBuffer>()
                .unwrap()
                .0
                .lock()
                .unwrap() = host_of(&r);
        }
        Ok(())
    }
    fn estimate_seconds(&self, kernel: &Kernel) -> f64 {
        5e-6 + kernel.bytes_moved() as f64 / 400e9
    }
    /// Like a GPU with 6 storage-buffer slots per shader.
    fn max_inputs(&self, kernel: &Kernel) -> usize {
        6 - kernel.outputs.len()
    }
    fn transfer_seconds(&self, bytes: usize) -> f64 {
        10e-6 + bytes as f64 / 50e9
    }
}

/// The fake GPU's device, registered once per test binary.
fn fake() -> Device {
    static DEV: OnceLock<Device> = OnceLock::new();
    *DEV.get_or_init(|| {
        tandem::register_backend(Arc::new(FakeGpu {
            cpu: tandem_cpu::CpuBackend::new(),
        }))
    })
}

fn ran_on(device: Device) -> u64 {
    tandem::stats().kernels_on(&device.to_string())
}

#[test]
fn registered_backend_is_listed() {
    let dev = fake();
    let info = tandem::devices()
        .into_iter()
        .find(|d| d.device == dev)
        .expect("listed");
    assert_eq!(info.kind, DeviceKind::DiscreteGpu);
}

#[test]
fn auto_sends_large_kernels_to_the_gpu_and_small_ones_to_the_cpu() {
    let dev = fake();
    let big = Array::linspace(0.0, 1.0, 4_000_000, DType::F32)
        .eval()
        .unwrap();
    let small = Array::linspace(0.0, 1.0, 1000, DType::F32).eval().unwrap();
    tandem::reset_stats();
    let s = (big.sin() * big.cos() + 1.0).eval().unwrap();
    assert_eq!(
        ran_on(dev),
        1,
        "a 4M-element transcendental kernel goes to the GPU: {:?}",
        tandem::stats()
    );
    tandem::reset_stats();
    (&small + 1.0).eval().unwrap();
    assert_eq!(
        ran_on(Device::Cpu),
        1,
        "a 1000-element kernel stays on the CPU: {:?}",
        tandem::stats()
    );
    assert_eq!(ran_on(dev), 0);
    // And the GPU's answer is the CPU's.
    let want = (big.sin() * big.cos() + 1.0)
        .to_device(Device::Cpu)
        .unwrap()
        .to_vec::<f32>()
        .unwrap();
    assert_eq!(s.to_vec::<f32>().unwrap(), want);
}

#[test]
fn auto_follows_resident_data_and_uploads_nothing() {
    let dev = fake();
    let a = Array::linspace(0.0, 1.0, 1000, DType::F32)
        .to_device(dev)
        .unwrap();
    let b = Array::linspace(1.0, 2.0, 1000, DType::F32)
        .to_device(dev)
        .unwrap();
    tandem::reset_stats();
    let c = (&a + &b).eval().unwrap();
    let s = tandem::stats();
    assert_eq!(
        ran_on(dev),
        1,
        "small, but its inputs live on the GPU: {s:?}"
    );
    assert_eq!(s.uploads, 0, "nothing moves: {s:?}");
    assert_eq!(c.device(), dev, "the result stays on the device until read");
    tandem::reset_stats();
    let d = (&c * 2.0).eval().unwrap();
    assert_eq!(ran_on(dev), 1);
    assert_eq!(tandem::stats().downloads, 0);
    assert_eq!(d.to_vec::<f32>().unwrap()[0], 2.0);
    assert_eq!(tandem::stats().downloads, 1, "reading downloads once");
}

#[test]
fn a_dtype_the_gpu_lacks_falls_back_to_the_cpu_and_explain_says_why() {
    let dev = fake();
    let a = Array::linspace(0.0, 1.0, 1000, DType::F64)
        .to_device(dev)
        .unwrap();
    let y = &a * 2.0;
    let plan = y.explain();
    assert!(
        plan.contains("cannot run it") && plan.contains("on cpu"),
        "{plan}"
    );
    tandem::reset_stats();
    let v = y.to_vec::<f64>().unwrap();
    assert_eq!(ran_on(Device::Cpu), 1);
    assert_eq!(v[999], 2.0);
}

#[test]
fn an_explicit_device_is_honoured() {
    let dev = fake();
    let small = Array::linspace(0.0, 1.0, 10, DType::F32);
    tandem::reset_stats();
    let on_gpu = (&small + 1.0).to_device(dev).unwrap();
    assert_eq!(ran_on(dev), 1, "{:?}", tandem::stats());
    assert_eq!(on_gpu.device(), dev);
    assert_eq!(on_gpu.to_vec::<f32>().unwrap()[9], 2.0);
}

#[test]
fn a_software_gpu_is_never_chosen_automatically() {
    let _ = fake();
    for d in tandem::devices()
        .into_iter()
        .filter(|d| d.kind == DeviceKind::SoftwareGpu)
    {
        let big = Array::linspace(0.0, 1.0, 4_000_000, DType::F32)
            .eval()
            .unwrap();
        tandem::reset_stats();
        big.sin().exp().eval().unwrap();
        assert_eq!(
            ran_on(d.device),
            0,
            "Auto picked the software adapter {}",
            d.name
        );
        // Asked for explicitly, it is used.
        tandem::reset_stats();
        let x = Array::linspace(0.0, 1.0, 1000, DType::F32)
            .to_device(d.device)
            .unwrap();
        (&x + 1.0).eval().unwrap();
        assert_eq!(
            ran_on(d.device),
            1,
            "Device::Gpu on {} was not honoured",
            d.name
        );
    }
}

#[test]
fn a_kernel_wider_than_the_device_binds_is_split_and_stays_there() {
    let dev = fake();
    let xs: Vec<Array> = (0..9)
        .map(|k| {
            Array::linspace(k as f64, k as f64 + 1.0, 1000, DType::F32)
                .to_device(dev)
                .unwrap()
        })
        .collect();
    // One expression reading nine buffers; the device binds five inputs.
    let mut y = xs[0].clone();
    for (k, x) in xs.iter().enumerate().skip(1) {
        y = if k % 2 == 0 { &y * x } else { &y + x };
    }
    let plan = y.explain();
    assert!(plan.contains("split off"), "{plan}");
    assert!(!plan.contains("routed to cpu"), "{plan}");
    tandem::reset_stats();
    let got = y.eval().unwrap();
    let s = tandem::stats();
    assert!(ran_on(dev) >= 2, "split into kernels that fit: {s:?}");
    assert_eq!(ran_on(Device::Cpu), 0, "nothing sent to the CPU: {s:?}");
    assert_eq!(s.fallbacks, 0, "{s:?}");
    assert_eq!(got.device(), dev);
    let host: Vec<Vec<f32>> = xs.iter().map(|x| x.to_vec::<f32>().unwrap()).collect();
    let got = got.to_vec::<f32>().unwrap();
    for i in [0, 1, 500, 999] {
        let mut want = host[0][i];
        for (k, x) in host.iter().enumerate().skip(1) {
            want = if k % 2 == 0 { want * x[i] } else { want + x[i] };
        }
        assert_eq!(got[i], want, "element {i}");
    }
}

#[test]
fn a_fallback_to_the_cpu_is_counted() {
    let dev = fake();
    let a = Array::linspace(0.0, 1.0, 1000, DType::F64)
        .to_device(dev)
        .unwrap();
    tandem::reset_stats();
    (&a * 2.0).eval().unwrap();
    let s = tandem::stats();
    assert_eq!(s.fallbacks, 1, "{s:?}");
    assert_eq!(ran_on(Device::Cpu), 1, "{s:?}");
}
