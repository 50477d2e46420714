//! Outputs larger than the caches are written with the CPU backend's
//! streaming (non-temporal) stores: every element must still land, at every
//! chunk edge and in the unaligned tail, for each dtype width, including a
//! strided input feeding a streamed output.

use tandem::prelude::*;

/// Enough f32 elements for a 16 MiB+ output, and not a multiple of any
/// block or vector width.
const N: usize = (16 << 20) / 4 + 1_027;

#[test]
fn a_streamed_f32_output_holds_every_element() {
    let a = Array::arange(0.0, N as f64, 1.0, DType::F32).unwrap();
    let b = Array::full(&[N], 0.5f32);
    let y = (&a * 2.0 + &b).to_device(Device::Cpu).unwrap();
    let v = y.to_vec::<f32>().unwrap();
    assert_eq!(v.len(), N);
    for (i, &x) in v.iter().enumerate() {
        assert_eq!(x, (i as f32) * 2.0 + 0.5, "element {i}");
    }
}

#[test]
fn a_streamed_f64_output_from_a_strided_input_holds_every_element() {
    // Every other element of a 2N ramp: the input is gathered, the output
    // (N f64 = 32 MiB+) streamed.
    let a = Array::arange(0.0, 2.0 * N as f64, 1.0, DType::F64).unwrap();
    let odd = a.slice(s![1..;2]).unwrap();
    let y = (&odd - 1.0).to_device(Device::Cpu).unwrap();
    let v = y.to_vec::<f64>().unwrap();
    assert_eq!(v.len(), N);
    for (i, &x) in v.iter().enumerate() {
        assert_eq!(x, (2 * i) as f64, "element {i}");
    }
}

#[test]
fn a_streamed_bool_output_holds_every_element() {
    // 1-byte elements: a comparison over 16 Mi+ values.
    let n = (16 << 20) + 33;
    let a = Array::arange(0.0, n as f64, 1.0, DType::I32).unwrap();
    let y = a.try_rem(3).unwrap().eq(0).unwrap();
    let v = y.to_vec::<bool>().unwrap();
    assert_eq!(v.len(), n);
    for (i, &x) in v.iter().enumerate() {
        assert_eq!(x, i % 3 == 0, "element {i}");
    }
}
