//! One command submission per forced graph on a GPU, seen through
//! `tandem::stats().submissions` (per-thread): the kernels of a graph are
//! recorded and submitted together, a read of a lazy result joins the
//! same submission, uploads add none, and forcing computed data submits
//! nothing. On the CPU nothing is submitted at all.

mod common;

use common::{devices, on};
use tandem::prelude::*;

/// Every GPU device (none when there is no adapter and it is not required).
fn gpus() -> Vec<tandem::DeviceInfo> {
    devices()
        .into_iter()
        .filter(|d| matches!(d.device, Device::Gpu(_)))
        .collect()
}

fn matrix(rows: usize, cols: usize) -> Array {
    let v: Vec<f32> = (0..rows * cols).map(|i| (i % 97) as f32 - 40.0).collect();
    Array::from_vec(v, &[rows, cols]).unwrap()
}

#[test]
fn a_graph_of_several_kernels_is_one_submission() {
    for info in gpus() {
        let m = on(&info, &matrix(64, 48));
        let v = on(&info, &matrix(1, 48));
        tandem::reset_stats();
        // Three kernels: two reductions, then the elementwise kernel that
        // combines them.
        let rows = m.sum_axis(1, true).unwrap();
        let cols = (&m * &v).max_axis(0, true).unwrap();
        let y = (&rows + &cols).eval().unwrap();
        let s = tandem::stats();
        assert_eq!(s.total_kernels(), 3, "on {}: {s:?}", info.name);
        assert_eq!(s.submissions, 1, "on {}: {s:?}", info.name);
        assert_eq!(s.uploads, 0, "resident inputs on {}: {s:?}", info.name);

        // The values are right (the batch kept the kernels' order).
        let host = y.to_device(Device::Cpu).unwrap();
        let want = (&matrix(64, 48).sum_axis(1, true).unwrap()
            + &(&matrix(64, 48) * &matrix(1, 48))
                .max_axis(0, true)
                .unwrap())
            .to_device(Device::Cpu)
            .unwrap();
        assert_eq!(
            host.to_vec::<f32>().unwrap(),
            want.to_vec::<f32>().unwrap(),
            "on {}",
            info.name
        );
    }
}

#[test]
fn reading_a_lazy_result_is_one_submission_with_its_kernels() {
    for info in gpus() {
        let m = on(&info, &matrix(32, 32));
        tandem::reset_stats();
        let y = (m.sum_axis(0, false).unwrap() * 2.0)
            .to_vec::<f32>()
            .unwrap();
        let s = tandem::stats();
        assert_eq!(s.total_kernels(), 2, "on {}: {s:?}", info.name);
        assert_eq!(
            s.submissions, 1,
            "kernels and readback together on {}: {s:?}",
            info.name
        );
        assert_eq!(s.downloads, 1, "on {}: {s:?}", info.name);
        let col0: f32 = (0..32).map(|r| ((r * 32) % 97) as f32 - 40.0).sum();
        assert_eq!(y[0], col0 * 2.0, "on {}", info.name);
    }
}

#[test]
fn uploads_join_the_graph_submission_and_forcing_twice_submits_nothing() {
    for info in gpus() {
        let dev = info.device;
        let a = on(&info, &matrix(16, 16));
        let host = matrix(16, 16);
        tandem::reset_stats();
        // `host` must be uploaded for this kernel on the GPU.
        let y = (&a + &host).to_device(dev).unwrap();
        let s = tandem::stats();
        assert_eq!(s.submissions, 1, "on {}: {s:?}", info.name);
        assert!(s.uploads >= 1, "on {}: {s:?}", info.name);
        tandem::reset_stats();
        y.eval().unwrap();
        assert_eq!(tandem::stats().submissions, 0, "on {}", info.name);
    }
}

#[test]
fn recycled_device_buffers_never_see_a_later_upload_early() {
    // Each step frees last step's buffers to the pool while this step's
    // kernels may still be unsubmitted; an upload landing in such a buffer
    // must not overwrite data the pending kernels read.
    for info in gpus() {
        let mut acc = on(&info, &Array::zeros(&[256], DType::F32));
        let mut want = vec![0f32; 256];
        for step in 0..50 {
            let x: Vec<f32> = (0..256).map(|i| ((i * 7 + step) % 13) as f32).collect();
            for (w, v) in want.iter_mut().zip(&x) {
                *w = *w * 0.5 + v;
            }
            let fresh = Array::from_vec(x, &[256]).unwrap();
            acc = (&acc * 0.5 + &fresh).eval().unwrap();
        }
        assert_eq!(acc.to_vec::<f32>().unwrap(), want, "on {}", info.name);
    }
}

#[test]
fn the_cpu_submits_nothing() {
    let a = matrix(8, 8);
    tandem::reset_stats();
    let _ = (&a * 2.0).sum().to_vec::<f32>().unwrap();
    assert_eq!(tandem::stats().submissions, 0);
}
