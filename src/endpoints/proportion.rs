//! Response rates with exact (Clopper–Pearson) and Wilson intervals, and Fisher's exact test
//! of two rates with the conditional maximum-likelihood odds ratio (R's `binom.test`,
//! `prop.test(correct = FALSE)` and `fisher.test`).

use statrs::function::gamma::ln_gamma;

use crate::stats::{beta_quantile, check_level, normal_quantile};
use crate::{Error, Result};

/// A response rate `x / n` with its Clopper–Pearson and Wilson confidence intervals.
///
/// ```text
/// Clopper–Pearson (R binom.test):  lower = qbeta(α/2, x, n − x + 1)   (0 when x = 0)
///                                  upper = qbeta(1 − α/2, x + 1, n − x) (1 when x = n)
/// Wilson (R prop.test, correct = FALSE), z = qnorm(1 − α/2), p = x/n:
///   (p + z²/(2n) ± z·sqrt(p(1 − p)/n + z²/(4n²))) / (1 + z²/n), clipped to [0, 1]
/// ```
///
/// So `x = 0` gives lower bounds of exactly 0 and `x = n` upper bounds of exactly 1, as in R.
///
/// # Examples
/// ```
/// use oncostat::endpoints::ResponseRate;
/// # fn main() -> Result<(), oncostat::Error> {
/// // 90 women among 228 lung-cancer patients (R: binom.test(90, 228), prop.test(90, 228, correct = FALSE))
/// let r = ResponseRate::new(90, 228)?;
/// assert!((r.clopper_pearson().0 - 0.3308399).abs() < 1e-7);
/// assert!((r.wilson().1 - 0.4594237).abs() < 1e-7);
/// assert_eq!(ResponseRate::new(0, 10)?.clopper_pearson().0, 0.0);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ResponseRate {
    x: u64,
    n: u64,
    level: f64,
    clopper_pearson: (f64, f64),
    wilson: (f64, f64),
}

impl ResponseRate {
    /// The rate of `x` responders among `n` patients with 95 % intervals.
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] if `n` is 0 or `x > n`.
    pub fn new(x: u64, n: u64) -> Result<Self> {
        Self::with_level(x, n, 0.95)
    }

    /// As [`new`](Self::new) at confidence level `level` (R's `conf.level`).
    ///
    /// ```
    /// use oncostat::endpoints::ResponseRate;
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let r = ResponseRate::with_level(3, 17, 0.9)?;
    /// assert!(r.clopper_pearson().0 < r.rate() && r.rate() < r.clopper_pearson().1);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] if `n` is 0, `x > n` or the level is not in (0, 1).
    pub fn with_level(x: u64, n: u64, level: f64) -> Result<Self> {
        check_level(level)?;
        check_counts(x, n)?;
        let alpha = 1.0 - level;
        let (xf, nf) = (x as f64, n as f64);
        let lower = if x == 0 {
            0.0
        } else {
            beta_quantile(alpha / 2.0, xf, nf - xf + 1.0)
        };
        let upper = if x == n {
            1.0
        } else {
            beta_quantile(1.0 - alpha / 2.0, xf + 1.0, nf - xf)
        };
        let z = normal_quantile(1.0 - alpha / 2.0);
        let p = xf / nf;
        let z2 = z * z;
        let centre = p + z2 / (2.0 * nf);
        let half = z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
        let denom = 1.0 + z2 / nf;
        let wilson = (
            ((centre - half) / denom).max(0.0),
            ((centre + half) / denom).min(1.0),
        );
        Ok(ResponseRate {
            x,
            n,
            level,
            clopper_pearson: (lower, upper),
            wilson,
        })
    }

    /// Number of responders.
    pub fn x(&self) -> u64 {
        self.x
    }

    /// Number of patients.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// The rate `x / n`.
    pub fn rate(&self) -> f64 {
        self.x as f64 / self.n as f64
    }

    /// Confidence level of both intervals.
    pub fn level(&self) -> f64 {
        self.level
    }

    /// Exact Clopper–Pearson interval `(lower, upper)` (R's `binom.test`).
    #[doc(alias = "binom.test")]
    pub fn clopper_pearson(&self) -> (f64, f64) {
        self.clopper_pearson
    }

    /// Wilson score interval `(lower, upper)` (R's `prop.test(x, n, correct = FALSE)`).
    #[doc(alias = "prop.test")]
    pub fn wilson(&self) -> (f64, f64) {
        self.wilson
    }
}

fn check_counts(x: u64, n: u64) -> Result<()> {
    if n == 0 {
        return Err(Error::InvalidParameter {
            name: "patients",
            value: 0.0,
            reason: "a rate needs at least one patient",
        });
    }
    if x > n {
        return Err(Error::InvalidParameter {
            name: "responders",
            value: x as f64,
            reason: "the number of responders cannot exceed the number of patients",
        });
    }
    Ok(())
}

/// Fisher's exact test of two response rates with the conditional maximum-likelihood odds
/// ratio and its exact confidence interval (R's `fisher.test` on the 2 × 2 table).
///
/// The table has the two groups as rows (group 1 first) and (no response, response) as
/// columns, so the odds ratio is the odds of response in group 2 over group 1. With
/// `S` the (1, 1) cell, `m`, `n` the column totals and `k` the first row total, the
/// conditional distribution given the margins is the noncentral hypergeometric
///
/// ```text
/// P_ψ(S = s) ∝ dhyper(s; m, n, k) ψ^s,   s = max(0, k − n) … min(k, m)
/// p-value   = Σ P_1(S = s) over s with P_1(s) ≤ P_1(x)·(1 + 1e−7)   (two-sided)
/// estimate  : E_ψ[S] = x                (0 when x is the smallest s, ∞ when the largest)
/// lower     : P_ψ(S ≥ x) = α/2          (0 when x is the smallest s)
/// upper     : P_ψ(S ≤ x) = α/2          (∞ when x is the largest s)
/// ```
///
/// **Decision (exact roots).** R finds the estimate and bounds with `uniroot` at its default
/// tolerance (1.2e−4 on `ψ` below 1, on `1/ψ` above 1), so its printed values are accurate to
/// about 1e−4 (TeaTasting's upper bound: R 621.93, exact 626.24). This crate solves each
/// equation to machine precision (bisection on `log ψ`); it agrees with R within R's
/// tolerance and with tightly solved roots to 1e−6. The p-value does not depend on the roots
/// and matches R exactly.
///
/// # Examples
/// ```
/// use oncostat::endpoints::FisherTest;
/// # fn main() -> Result<(), oncostat::Error> {
/// // TeaTasting of ?fisher.test: 3 of 4 right in group 1, 1 of 4 in group 2
/// let f = FisherTest::new((3, 4), (1, 4))?;
/// assert!((f.p_value() - 0.4857142857).abs() < 1e-9);
/// assert!((f.odds_ratio() - 1.0 / 6.408319658).abs() < 1e-8);
/// // no responder in group 1: odds ratio infinite, as R
/// let g = FisherTest::new((0, 10), (5, 10))?;
/// assert!(g.odds_ratio().is_infinite() && g.conf_int().1.is_infinite());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FisherTest {
    table: [[u64; 2]; 2],
    level: f64,
    p_value: f64,
    odds_ratio: f64,
    conf_int: (f64, f64),
}

impl FisherTest {
    /// Compares `group1 = (responders, patients)` with `group2` at the 95 % level.
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] if a group has no patients or more responders than
    ///   patients.
    pub fn new(group1: (u64, u64), group2: (u64, u64)) -> Result<Self> {
        Self::with_level(group1, group2, 0.95)
    }

    /// As [`new`](Self::new) with confidence level `level` (R's `conf.level`).
    ///
    /// ```
    /// use oncostat::endpoints::FisherTest;
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let f = FisherTest::with_level((12, 40), (20, 41), 0.9)?;
    /// assert!(f.conf_int().0 < f.odds_ratio() && f.odds_ratio() < f.conf_int().1);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`new`](Self::new), and [`Error::InvalidParameter`] for a level outside (0, 1).
    pub fn with_level(group1: (u64, u64), group2: (u64, u64), level: f64) -> Result<Self> {
        check_level(level)?;
        check_counts(group1.0, group1.1)?;
        check_counts(group2.0, group2.1)?;
        let table = [
            [group1.1 - group1.0, group1.0],
            [group2.1 - group2.0, group2.0],
        ];
        let h = Hypergeometric::new(table);
        let alpha = (1.0 - level) / 2.0;
        let p_value = h.p_value();
        let odds_ratio = h.mle();
        let conf_int = (h.lower(alpha), h.upper(alpha));
        Ok(FisherTest {
            table,
            level,
            p_value,
            odds_ratio,
            conf_int,
        })
    }

    /// The 2 × 2 table: rows = groups, columns = (no response, response).
    pub fn table(&self) -> [[u64; 2]; 2] {
        self.table
    }

    /// Confidence level of [`conf_int`](Self::conf_int).
    pub fn level(&self) -> f64 {
        self.level
    }

    /// Two-sided p-value.
    pub fn p_value(&self) -> f64 {
        self.p_value
    }

    /// Conditional maximum-likelihood odds ratio of group 2 versus group 1 (0 or `+∞` at
    /// the ends of the support, as R).
    pub fn odds_ratio(&self) -> f64 {
        self.odds_ratio
    }

    /// Exact confidence interval of the odds ratio (a bound may be 0 or `+∞`).
    pub fn conf_int(&self) -> (f64, f64) {
        self.conf_int
    }
}

/// The conditional distribution of the (1, 1) cell of a 2 × 2 table given its margins.
struct Hypergeometric {
    x: u64,
    lo: u64,
    /// `log dhyper(s)` for `s = lo ..= hi`.
    log_d: Vec<f64>,
}

fn ln_choose(n: u64, k: u64) -> f64 {
    let (n, k) = (n as f64, k as f64);
    ln_gamma(n + 1.0) - ln_gamma(k + 1.0) - ln_gamma(n - k + 1.0)
}

impl Hypergeometric {
    fn new(t: [[u64; 2]; 2]) -> Self {
        let x = t[0][0];
        let m = t[0][0] + t[1][0];
        let n = t[0][1] + t[1][1];
        let k = t[0][0] + t[0][1];
        let lo = k.saturating_sub(n);
        let hi = k.min(m);
        let total = ln_choose(m + n, k);
        let log_d = (lo..=hi)
            .map(|s| ln_choose(m, s) + ln_choose(n, k - s) - total)
            .collect();
        Hypergeometric { x, lo, log_d }
    }

    fn hi(&self) -> u64 {
        self.lo + self.log_d.len() as u64 - 1
    }

    fn support(&self) -> impl Iterator<Item = f64> + '_ {
        (0..self.log_d.len()).map(move |i| (self.lo + i as u64) as f64)
    }

    /// Probabilities at `ψ = exp(u)`, normalised in log space.
    fn density(&self, u: f64) -> Vec<f64> {
        let logs: Vec<f64> = self
            .log_d
            .iter()
            .zip(self.support())
            .map(|(&l, s)| l + u * s)
            .collect();
        let max = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let d: Vec<f64> = logs.iter().map(|&l| (l - max).exp()).collect();
        let sum: f64 = d.iter().sum();
        d.into_iter().map(|v| v / sum).collect()
    }

    fn index(&self) -> usize {
        (self.x - self.lo) as usize
    }

    fn p_value(&self) -> f64 {
        let d = self.density(0.0);
        let cut = d[self.index()] * (1.0 + 1e-7);
        d.iter().filter(|&&v| v <= cut).sum::<f64>().min(1.0)
    }

    fn mean(&self, u: f64) -> f64 {
        self.density(u)
            .iter()
            .zip(self.support())
            .map(|(p, s)| p * s)
            .sum()
    }

    /// `P(S <= x)` at `ψ = exp(u)`.
    fn lower_tail(&self, u: f64) -> f64 {
        self.density(u)[..=self.index()].iter().sum()
    }

    /// `P(S >= x)` at `ψ = exp(u)`.
    fn upper_tail(&self, u: f64) -> f64 {
        self.density(u)[self.index()..].iter().sum()
    }

    fn mle(&self) -> f64 {
        if self.x == self.lo {
            return 0.0;
        }
        if self.x == self.hi() {
            return f64::INFINITY;
        }
        let x = self.x as f64;
        solve_increasing(|u| self.mean(u) - x)
    }

    fn lower(&self, alpha: f64) -> f64 {
        if self.x == self.lo {
            return 0.0;
        }
        solve_increasing(|u| self.upper_tail(u) - alpha)
    }

    fn upper(&self, alpha: f64) -> f64 {
        if self.x == self.hi() {
            return f64::INFINITY;
        }
        solve_increasing(|u| alpha - self.lower_tail(u))
    }
}

/// The root `ψ = exp(u)` of `f(u) = 0` for `f` increasing in `u = log ψ`, to machine
/// precision: the bracket is widened from `[-1, 1]` until `f` changes sign, then bisected
/// until its ends are adjacent floating-point numbers.
fn solve_increasing(f: impl Fn(f64) -> f64) -> f64 {
    let (mut lo, mut hi) = (-1.0_f64, 1.0_f64);
    while f(lo) > 0.0 && lo > -745.0 {
        hi = lo;
        lo *= 2.0;
    }
    while f(hi) < 0.0 && hi < 745.0 {
        lo = hi;
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if f(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (0.5 * (lo + hi)).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_impossible_counts() {
        assert!(ResponseRate::new(3, 2).is_err());
        assert!(ResponseRate::new(0, 0).is_err());
        assert!(FisherTest::new((1, 0), (1, 2)).is_err());
        assert!(ResponseRate::with_level(1, 2, 1.0).is_err());
    }

    #[test]
    fn all_responders_in_both_groups() {
        // Degenerate support {x}: R gives p = 1, OR 0 (x == lo), CI (0, Inf).
        let f = FisherTest::new((10, 10), (10, 10)).unwrap();
        assert!((f.p_value() - 1.0).abs() < 1e-15);
        assert!(f.odds_ratio().abs() < 1e-300);
        assert!(f.conf_int().1.is_infinite());
    }
}
