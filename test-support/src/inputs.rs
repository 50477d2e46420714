//! The deterministic random inputs vmath's accuracy tests
//! (`backend-cpu/src/vmath.rs`) draw from, shared with the GPU backend's
//! (`backend-gpu/tests/transcendental.rs`) so both sweep the same kinds of
//! values. Test support, not API: it lives in this unpublished crate, which
//! the backends use only as a dev-dependency.

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
