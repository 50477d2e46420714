//! tandem in one page: build arrays, write NumPy-style expressions, and see
//! what ran where. Run it with `cargo run --release --example quickstart`.

use std::time::Instant;
use tandem::prelude::*;

fn main() -> Result<()> {
    println!("devices:");
    for d in tandem::devices() {
        println!("  {d}");
    }

    // Small arrays: broadcasting, promotion, NumPy's printing.
    let m = Array::arange(0.0, 6.0, 1.0, DType::F32)?.to_vec::<f32>()?;
    let m = Array::from_vec(m, &[2, 3])?;
    let row = Array::from_vec(vec![10.0f32, 20.0, 30.0], &[3])?;
    println!("\nm =\n{m}");
    println!("m * 2.0 + row =\n{}", &m * 2.0 + &row);
    let ints = Array::from_vec(vec![-7i32, 7, -7, 7], &[4])?;
    let divisors = Array::from_vec(vec![2i32, 2, -2, -2], &[4])?;
    println!(
        "{ints} % {divisors} = {} (Python's sign rule); true division gives {}",
        ints.try_rem(&divisors)?,
        ints.try_div(&divisors)?.dtype()
    );
    let x = Array::from_vec(vec![1.0f32, f32::NAN, -0.0, f32::INFINITY], &[4])?;
    println!("maximum({x}, 0.5) = {}", x.maximum(0.5)?);

    // A real workload: one fused kernel over 10^7 elements.
    let n = 10_000_000;
    let a = Array::linspace(0.0, 1.0, n, DType::F32);
    let b = Array::linspace(1.0, 2.0, n, DType::F32);
    let c = Array::linspace(-1.0, 1.0, n, DType::F32);
    let (a, b, c) = (a.eval()?, b.eval()?, c.eval()?);
    tandem::reset_stats();
    let start = Instant::now();
    let y = (a.sin() * b.exp() + c.abs().sqrt()).eval()?;
    let took = start.elapsed();
    let stats = tandem::stats();
    println!(
        "\nsin(a)*exp(b) + sqrt(|c|) over {n} f32 elements: {:.1} ms, {} kernel(s) {:?}, result on {}",
        took.as_secs_f64() * 1e3,
        stats.total_kernels(),
        stats.kernels,
        y.device()
    );
    println!("y = {y}");
    Ok(())
}
