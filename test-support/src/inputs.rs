//! The deterministic random inputs vmath's accuracy tests
//! (`backend-cpu/src/vmath/mod.rs`) draw from, shared with the GPU backend's
//! (`backend-gpu/tests/transcendental.rs`) so both sweep the same kinds of
//! values ([`Gen`]). Test support, not API: it lives in this unpublished
//! crate, which the backends use only as a dev-dependency.

/// xorshift64*: a small deterministic generator, so a sweep is the same on
/// every run and every machine.
///
/// ```
/// use tandem_test_support::inputs::Rng;
/// let (mut a, mut b) = (Rng(7), Rng(7));
/// assert_eq!(a.next(), b.next());
/// let x = a.uniform(-1.0, 1.0);
/// assert!((-1.0..=1.0).contains(&x));
/// ```
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    ///
    /// ```
    /// assert_ne!(tandem_test_support::inputs::Rng(1).next(), 0);
    /// ```
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `[0, 1)`.
    ///
    /// ```
    /// let u = tandem_test_support::inputs::Rng(3).unit();
    /// assert!((0.0..1.0).contains(&u));
    /// ```
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi]`.
    ///
    /// ```
    /// let x = tandem_test_support::inputs::Rng(5).uniform(2.0, 3.0);
    /// assert!((2.0..=3.0).contains(&x));
    /// ```
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// `±2^e`, `e` uniform in `[lo, hi]`, mantissa random.
    ///
    /// ```
    /// let x = tandem_test_support::inputs::Rng(9).log_uniform(-2.0, 2.0);
    /// assert!((0.25..=4.0).contains(&x.abs()));
    /// ```
    pub fn log_uniform(&mut self, lo: f64, hi: f64) -> f64 {
        let v = self.uniform(lo, hi).exp2();
        if self.next() & 1 == 1 {
            -v
        } else {
            v
        }
    }
}

/// A family of inputs an accuracy sweep draws from ([`Rng::draw`]).
#[derive(Clone, Copy, Debug)]
pub enum Gen {
    /// Uniform in `[lo, hi]`.
    U(f64, f64),
    /// `±2^e`, `e` uniform in `[lo, hi]`.
    Log(f64, f64),
    /// `±(k * step + d)`, `k` a uniform integer in `[0, kmax]`, `|d| <= dmax`:
    /// near multiples of `step` (`Near(step, kmax, dmax)`; the hard cases
    /// of range reduction, with `step` π/2).
    Near(f64, f64, f64),
    /// Uniformly random bit patterns (every class: NaN, inf, subnormals,
    /// huge, negative).
    Bits,
}

impl Rng {
    /// One input of family `g`, as an `f64` (`Bits`: 64 random bits).
    ///
    /// ```
    /// use tandem_test_support::inputs::{Gen, Rng};
    /// let x = Rng(2).draw(Gen::Near(std::f64::consts::FRAC_PI_2, 10.0, 1e-3));
    /// let k = (x.abs() / std::f64::consts::FRAC_PI_2).round();
    /// assert!((x.abs() - k * std::f64::consts::FRAC_PI_2).abs() <= 1e-3);
    /// ```
    pub fn draw(&mut self, g: Gen) -> f64 {
        match g {
            Gen::U(lo, hi) => self.uniform(lo, hi),
            Gen::Log(lo, hi) => self.log_uniform(lo, hi),
            Gen::Near(step, kmax, dmax) => {
                let k = (self.unit() * kmax).round();
                let s = if self.next() & 1 == 1 { -1.0 } else { 1.0 };
                s * (k * step + self.uniform(-dmax, dmax))
            }
            Gen::Bits => f64::from_bits(self.next()),
        }
    }

    /// One input of family `g` as an `f32` (`Bits`: 32 random bits; the
    /// others drawn as [`draw`](Rng::draw) and rounded).
    ///
    /// ```
    /// use tandem_test_support::inputs::{Gen, Rng};
    /// assert!((1.0..=2.0).contains(&Rng(4).draw_f32(Gen::U(1.0, 2.0))));
    /// ```
    pub fn draw_f32(&mut self, g: Gen) -> f32 {
        match g {
            Gen::Bits => f32::from_bits(self.next() as u32),
            g => self.draw(g) as f32,
        }
    }
}
