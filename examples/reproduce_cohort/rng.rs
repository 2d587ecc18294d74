//! A tiny deterministic pseudo-random number generator (xoshiro256**, seeded with splitmix64).
//!
//! Written out here instead of depending on `rand`, so that a given `--seed` produces the same
//! cohorts forever, whatever happens to external crates. Draws used by the model: uniform,
//! standard normal (Marsaglia's polar method), exponential and Bernoulli.
//!
//! Both generators are checked against outputs of their authors' public-domain reference
//! implementations (`tests/reproduce_cohort_rng.rs`, vectors in
//! `tests/data/rng_known_answers.json`).

/// One step of splitmix64: used to expand a 64-bit seed into the xoshiro state and to derive
/// independent per-replicate seeds.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of replicate `index` of a run started with `seed` (replicate 0 is the cohort of a
/// single run with the same seed).
pub fn replicate_seed(seed: u64, index: u64) -> u64 {
    if index == 0 {
        return seed;
    }
    let mut s = seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03);
    splitmix64(&mut s)
}

/// xoshiro256** (Blackman & Vigna 2018).
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
    spare_normal: Option<f64>,
}

impl Rng {
    /// A generator whose state is expanded from `seed` by splitmix64.
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        let s = [
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ];
        Rng {
            s,
            spare_normal: None,
        }
    }

    /// A generator with the raw xoshiro256** state `s` (known-answer tests; not all zero).
    #[cfg(test)]
    pub fn from_state(s: [u64; 4]) -> Self {
        Rng {
            s,
            spare_normal: None,
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform on the open interval (0, 1) (53 random bits, never exactly 0).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform on (a, b).
    pub fn uniform_in(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.uniform()
    }

    /// `true` with probability `p`.
    pub fn bernoulli(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// An index in `0..n` (n > 0) with (practically) equal probabilities.
    pub fn index(&mut self, n: usize) -> usize {
        ((self.uniform() * n as f64) as usize).min(n.saturating_sub(1))
    }

    /// Standard normal (Marsaglia's polar method; the second value is kept for the next call).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        loop {
            let u = 2.0 * self.uniform() - 1.0;
            let v = 2.0 * self.uniform() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let m = (-2.0 * s.ln() / s).sqrt();
                self.spare_normal = Some(v * m);
                return u * m;
            }
        }
    }

    /// Exponential with rate 1.
    pub fn exponential(&mut self) -> f64 {
        -self.uniform().ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_are_right() {
        let mut rng = Rng::new(7);
        let n = 200_000;
        let (mut su, mut sn, mut sn2, mut se) = (0.0, 0.0, 0.0, 0.0);
        for _ in 0..n {
            su += rng.uniform();
            let z = rng.normal();
            sn += z;
            sn2 += z * z;
            se += rng.exponential();
        }
        let n = n as f64;
        assert!((su / n - 0.5).abs() < 0.005);
        assert!((sn / n).abs() < 0.01);
        assert!((sn2 / n - 1.0).abs() < 0.01);
        assert!((se / n - 1.0).abs() < 0.01);
    }

    #[test]
    fn seeds_are_reproducible() {
        let a: Vec<u64> = (0..4).map(|_| Rng::new(42).next_u64()).collect();
        assert!(a.iter().all(|&x| x == a[0]));
        assert_eq!(replicate_seed(42, 0), 42);
        assert_ne!(replicate_seed(42, 1), replicate_seed(42, 2));
    }
}
