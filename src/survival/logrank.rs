//! Log-rank and G-rho tests as R's `survdiff` (survival 3.5-3).

use std::fmt;

use nalgebra::{DMatrix, DVector};

use crate::survival::rformat::{format_column, format_pval, format_signif, write_matrix};
use crate::survival::risk_set::{GroupCodes, code_groups};
use crate::survival::run_table::{KeyRuns, RunTable, TableRows};
use crate::{ChiSqTest, Error, Result, SurvivalData};

/// Log-rank / Harrington–Fleming G-rho and Fleming–Harrington FH(ρ, γ) test settings (R's
/// `survdiff`, which has γ = 0).
///
/// ```text
/// per stratum, at each distinct death time t (n at risk, d deaths; n_k, d_k in group k):
///   w   = S(t−)^ρ (1 − S(t−))^γ     S = pooled, unweighted, left-continuous Kaplan–Meier
///                                   of the stratum (1 before the first time; 0⁰ = 1)
///   O_k += w·d_k         E_k += w·d·n_k/n
///   V_jk += w²·d·(n − d)/(n − 1) · (n_j/n)(δ_jk − n_k/n)        (skipped when n = 1)
/// O, E, V summed over strata; groups with E > 0 kept, the first of them dropped:
///   χ² = (O − E)ᵀ V⁻¹ (O − E)  on (number kept − 1) df
/// ```
/// ρ = 0 is the log-rank test, ρ = 1 the Peto–Peto modification of the Gehan–Wilcoxon
/// test; γ > 0 (with ρ = 0) weights late differences (FH(0, 1)). For two groups,
/// [`LogRankTest::z`] is the standardised statistic `(O₂ − E₂)/√V₂₂`, positive when the second
/// group has more events than expected; `z² = χ²`. [`MaxCombo`](crate::MaxCombo) combines four
/// of these tests. Strata come from [`SurvivalData::strata`]. Times within `sqrt(eps)` are merged
/// first (R's `timefix`).
///
/// # Examples
/// ```
/// use oncostat::{LogRank, SurvivalData};
/// # fn main() -> Result<(), oncostat::Error> {
/// let data = SurvivalData::from_status(
///     vec![6.0, 7.0, 10.0, 15.0, 19.0, 25.0, 1.0, 2.0, 3.0, 4.0, 5.0, 8.0],
///     &[1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0],
/// )?;
/// let arm = ["A", "A", "A", "A", "A", "A", "B", "B", "B", "B", "B", "B"];
/// let test = LogRank::new().test(&data, &arm)?;
/// assert_eq!(test.groups(), ["A", "B"]);
/// assert_eq!(test.df(), 1);
/// assert!(test.p_value() < 0.05);
/// println!("{test}");
/// # Ok(()) }
/// ```
///
/// # References
/// Harrington & Fleming (1982), Biometrika 69:553; Therneau & Grambsch (2000).
#[derive(Debug, Clone, PartialEq)]
pub struct LogRank {
    rho: f64,
    gamma: f64,
    timefix: bool,
}

impl Default for LogRank {
    fn default() -> Self {
        LogRank {
            rho: 0.0,
            gamma: 0.0,
            timefix: true,
        }
    }
}

/// The result of a [`LogRank`] test.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LogRankTest {
    groups: Vec<String>,
    n: Vec<usize>,
    observed: Vec<f64>,
    expected: Vec<f64>,
    variance: DMatrix<f64>,
    chisq: f64,
    df: usize,
    p_value: f64,
    rho: f64,
    gamma: f64,
}

impl LogRank {
    /// Settings with R's defaults: ρ = 0 (log-rank), timefix on.
    pub fn new() -> Self {
        Self::default()
    }

    /// The G-rho exponent ρ (default 0 = log-rank; 1 = Peto–Peto).
    pub fn rho(mut self, rho: f64) -> Self {
        self.rho = rho;
        self
    }

    /// The Fleming–Harrington exponent γ of `1 − S(t−)` (default 0, as `survdiff`).
    pub fn gamma(mut self, gamma: f64) -> Self {
        self.gamma = gamma;
        self
    }

    /// Whether to merge times closer than `sqrt(eps)` as R's `timefix`.
    ///
    /// [`Timefix::Merge`](crate::Timefix) is the default; [`Timefix::Exact`](crate::Timefix) compares times exactly.
    pub fn timefix(mut self, timefix: crate::Timefix) -> Self {
        self.timefix = timefix == crate::Timefix::Merge;
        self
    }

    fn check(&self) -> Result<()> {
        check_exponents(self.rho, self.gamma)
    }

    /// Tests for a difference in survival between `groups` (one label per row of `data`,
    /// compared in sorted label order), within the strata of `data` if it has any.
    ///
    /// When fewer than two groups have a positive expected count, R reports χ² = 0; so does
    /// this (with `df` 0 and p-value 1, as R).
    ///
    /// # Errors
    /// * [`Error::DimensionMismatch`] if `groups` does not have one label per observation.
    /// * [`Error::WeightsNotSupported`] if `data` has case weights (R's `survdiff` has none).
    /// * [`Error::CountingProcessNotSupported`] for `(start, stop]` data (as R's `survdiff`).
    /// * [`Error::TooFewGroups`] if there are fewer than 2 distinct groups.
    /// * [`Error::TooManyGroups`] for more than 1,000 groups (the variance matrix is
    ///   groups × groups; the cap bounds memory and time).
    /// * [`Error::NoEvents`] if there is no event at all.
    /// * [`Error::InvalidParameter`] if ρ is not finite.
    /// * [`Error::GroupsNotComparable`] if the variance of the kept groups is singular: a
    ///   group is never at risk together with another group at an event time in its stratum
    ///   (e.g. its only rows form a one-row stratum). R's `solve` fails too ("system is
    ///   exactly singular"); the error names the groups.
    pub fn test<T: Ord + ToString>(
        &self,
        data: &SurvivalData,
        groups: &[T],
    ) -> Result<LogRankTest> {
        self.check()?;
        let (coded, table) = prepare_groups(data, groups, self.timefix)?;
        let n_groups = coded.labels.len();
        let mut acc = Accumulator::new(n_groups);
        let (rho, gamma) = (self.rho, self.gamma);
        let mut n = vec![0usize; n_groups];
        for runs in table.keys() {
            let rows = for_each_death_time(runs, n_groups, |t| {
                acc.add(t, fh_weight(t.km, rho, gamma));
            });
            for (n, rows) in n.iter_mut().zip(rows) {
                // a whole number of rows, exact in f64
                *n += rows as usize;
            }
        }
        let (chisq, df) = chi_square(&acc.observed, &acc.expected, &acc.variance, &coded.labels)?;
        let p_value = if df == 0 {
            1.0
        } else {
            ChiSqTest::new(chisq, df as f64).p_value()
        };
        Ok(LogRankTest {
            groups: coded.labels,
            n,
            observed: acc.observed,
            expected: acc.expected,
            variance: acc.variance,
            chisq,
            df,
            p_value,
            rho: self.rho,
            gamma: self.gamma,
        })
    }
}

/// The most groups a comparison of groups (log-rank and its weighted forms, Gray's test)
/// accepts: its variance matrix is `k × k` and each death time updates it in `O(k²)`, so the
/// cap bounds memory (8 MB) and time. R has no cap (30,000 groups abort with a 7 GB matrix).
pub(crate) const MAX_COMPARED_GROUPS: usize = 1000;

/// [`MAX_COMPARED_GROUPS`] as an error.
///
/// # Errors
/// [`Error::TooManyGroups`] above the cap.
pub(crate) fn check_group_count(found: usize) -> Result<()> {
    if found > MAX_COMPARED_GROUPS {
        return Err(Error::TooManyGroups {
            found,
            max: MAX_COMPARED_GROUPS,
        });
    }
    Ok(())
}

/// Validates the FH exponents ρ and γ (finite, γ ≥ 0 so that `(1 − S)^γ` is finite at S = 1).
pub(crate) fn check_exponents(rho: f64, gamma: f64) -> Result<()> {
    if !rho.is_finite() {
        return Err(Error::InvalidParameter {
            name: "rho",
            value: rho,
            reason: "the G-rho exponent must be a finite number",
        });
    }
    if !(gamma.is_finite() && gamma >= 0.0) {
        return Err(Error::InvalidParameter {
            name: "gamma",
            value: gamma,
            reason: "the Fleming-Harrington exponent gamma must be a finite number >= 0",
        });
    }
    Ok(())
}

/// The FH weight `S^ρ (1 − S)^γ` with `0⁰ = 1` (the plain log-rank weight is exactly 1).
pub(crate) fn fh_weight(km: f64, rho: f64, gamma: f64) -> f64 {
    let a = if rho == 0.0 { 1.0 } else { km.powf(rho) };
    let b = if gamma == 0.0 {
        1.0
    } else {
        (1.0 - km).powf(gamma)
    };
    a * b
}

/// The checks shared by every `survdiff`-type test, the group codes and the table of runs of
/// equal times by stratum, with the rows and deaths of each group.
pub(crate) fn prepare_groups<T: Ord + ToString>(
    data: &SurvivalData,
    groups: &[T],
    timefix: bool,
) -> Result<(GroupCodes, RunTable)> {
    if data.is_counting() {
        return Err(Error::CountingProcessNotSupported {
            what: "the log-rank test (R's survdiff)",
            hint: "R's survdiff refuses (start, stop] data too; compare the groups with a Cox model",
        });
    }
    let coded = code_groups(groups, data.len())?;
    if data.weights().is_some() {
        return Err(Error::WeightsNotSupported {
            what: "the log-rank test (R's survdiff)",
        });
    }
    let n_groups = coded.labels.len();
    if n_groups < 2 {
        return Err(Error::TooFewGroups { found: n_groups });
    }
    check_group_count(n_groups)?;
    if data.n_events() == 0 {
        return Err(Error::NoEvents {
            what: "the log-rank test".to_string(),
        });
    }
    let rows = TableRows {
        time: data.time(),
        event: data.event(),
        weights: None,
        keys: data.strata().map(|s| (s, data.n_strata())),
        groups: Some((&coded.codes, n_groups)),
    };
    let table = RunTable::new(rows, timefix);
    Ok((coded, table))
}

/// The risk set at one death time of a stratum, as every `survdiff`-type test sees it.
pub(crate) struct DeathTime<'a> {
    /// The pooled unweighted Kaplan–Meier of the stratum just before this time, S(t−).
    pub(crate) km: f64,
    /// Number at risk.
    pub(crate) n: f64,
    /// Number of deaths.
    pub(crate) d: f64,
    /// Number at risk in each group.
    pub(crate) at_risk: &'a [f64],
    /// Number of deaths in each group.
    pub(crate) deaths: &'a [f64],
}

/// Walks the death times of one stratum (`runs`: its runs of equal times with the rows and
/// deaths of each of `n_groups` groups), calling `visit` with the risk set of each; returns
/// the number of rows of each group in the stratum. The counts are whole numbers, exact in
/// `f64`.
pub(crate) fn for_each_death_time(
    runs: KeyRuns<'_>,
    n_groups: usize,
    mut visit: impl FnMut(&DeathTime<'_>),
) -> Vec<f64> {
    let mut at_risk = vec![0.0; n_groups];
    for r in 0..runs.len() {
        for (n, c) in at_risk.iter_mut().zip(runs.counts(r)) {
            *n += c[0];
        }
    }
    let rows = at_risk.clone();
    let mut deaths = vec![0.0; n_groups];
    let mut n: f64 = at_risk.iter().sum();
    let mut km: f64 = 1.0; // S(t−) of the stratum, unweighted
    for r in 0..runs.len() {
        let run = runs.counts(r);
        for (d, c) in deaths.iter_mut().zip(run) {
            *d = c[1];
        }
        let d: f64 = deaths.iter().sum();
        if d > 0.0 {
            visit(&DeathTime {
                km,
                n,
                d,
                at_risk: &at_risk,
                deaths: &deaths,
            });
            km *= (n - d) / n;
        }
        for (n, c) in at_risk.iter_mut().zip(run) {
            *n -= c[0];
        }
        n -= run.iter().map(|c| c[0]).sum::<f64>();
    }
    rows
}

/// Observed, expected and variance sums over strata.
struct Accumulator {
    observed: Vec<f64>,
    expected: Vec<f64>,
    variance: DMatrix<f64>,
}

impl Accumulator {
    fn new(g: usize) -> Self {
        Accumulator {
            observed: vec![0.0; g],
            expected: vec![0.0; g],
            variance: DMatrix::zeros(g, g),
        }
    }

    /// Adds one death time with weight `w`.
    fn add(&mut self, t: &DeathTime<'_>, w: f64) {
        let g = self.observed.len();
        let (n, d) = (t.n, t.d);
        for k in 0..g {
            self.observed[k] += w * t.deaths[k];
            self.expected[k] += w * d * t.at_risk[k] / n;
        }
        if n > 1.0 {
            let factor = w * w * d * (n - d) / (n * (n - 1.0));
            for j in 0..g {
                let fj = factor * t.at_risk[j];
                if fj == 0.0 {
                    continue;
                }
                self.variance[(j, j)] += fj;
                for k in 0..g {
                    self.variance[(k, j)] -= fj * t.at_risk[k] / n;
                }
            }
        }
    }
}

/// χ² over the groups with E > 0, the first of them dropped; R's chi = 0 when fewer than
/// two groups have E > 0.
///
/// # Errors
/// [`Error::GroupsNotComparable`] if the variance of the kept groups is singular, naming the
/// kept groups with zero variance (never at risk together with another group at an event
/// time in their stratum: a stratum of one row or one group).
fn chi_square(
    observed: &[f64],
    expected: &[f64],
    variance: &DMatrix<f64>,
    labels: &[String],
) -> Result<(f64, usize)> {
    let kept: Vec<usize> = (0..expected.len()).filter(|&k| expected[k] > 0.0).collect();
    if kept.len() < 2 {
        return Ok((0.0, kept.len().saturating_sub(1)));
    }
    let used = &kept[1..];
    let diff = DVector::from_iterator(used.len(), used.iter().map(|&k| observed[k] - expected[k]));
    let sub = DMatrix::from_fn(used.len(), used.len(), |a, b| variance[(used[a], used[b])]);
    let not_comparable = || Error::GroupsNotComparable {
        groups: kept
            .iter()
            .filter(|&&k| variance[(k, k)] <= 0.0)
            .map(|&k| labels[k].clone())
            .collect(),
    };
    let solved = sub.lu().solve(&diff).ok_or_else(not_comparable)?;
    let chisq = solved.dot(&diff);
    if !chisq.is_finite() {
        return Err(not_comparable());
    }
    Ok((chisq, used.len()))
}

impl LogRankTest {
    /// Group labels in sorted order (the order of every per-group vector).
    pub fn groups(&self) -> &[String] {
        &self.groups
    }

    /// Number of observations in each group (R's `n`).
    pub fn n(&self) -> &[usize] {
        &self.n
    }

    /// Observed (ρ-weighted) number of events per group, summed over strata (R's `obs`).
    #[doc(alias = "obs")]
    pub fn observed(&self) -> &[f64] {
        &self.observed
    }

    /// Expected (ρ-weighted) number of events per group under equal hazards (R's `exp`).
    #[doc(alias = "exp")]
    pub fn expected(&self) -> &[f64] {
        &self.expected
    }

    /// Variance matrix of O − E over all groups (R's `var`).
    #[doc(alias = "var")]
    pub fn variance(&self) -> &DMatrix<f64> {
        &self.variance
    }

    /// The chi-square statistic.
    pub fn chisq(&self) -> f64 {
        self.chisq
    }

    /// Degrees of freedom: groups with a positive expected count, minus one.
    pub fn df(&self) -> usize {
        self.df
    }

    /// Upper-tail chi-square p-value (1 when `df` is 0, as R).
    pub fn p_value(&self) -> f64 {
        self.p_value
    }

    /// The ρ used.
    pub fn rho(&self) -> f64 {
        self.rho
    }

    /// The γ used (0 for `survdiff`'s G-rho family).
    pub fn gamma(&self) -> f64 {
        self.gamma
    }

    /// For two groups, the standardised weighted log-rank statistic
    /// `z = (O₂ − E₂) / √V₂₂` (positive when the second group has more events than expected;
    /// `z² = χ²`); `None` for more than two groups or a zero variance.
    pub fn z(&self) -> Option<f64> {
        if self.groups.len() != 2 || self.variance[(1, 1)] <= 0.0 {
            return None;
        }
        Some((self.observed[1] - self.expected[1]) / self.variance[(1, 1)].sqrt())
    }

    /// The test as a [`ChiSqTest`] (its p-value is NaN when `df` is 0).
    pub fn test(&self) -> ChiSqTest {
        ChiSqTest::new(self.chisq, self.df as f64)
    }
}

/// R's `print.survdiff` layout (3 significant digits):
///
/// ```text
///     N Observed Expected (O-E)^2/E (O-E)^2/V
/// 1 138      112     91.6      4.83      10.3
/// 2  90       53     73.4      6.07      10.3
///
///  Chisq= 10.3  on 1 degrees of freedom, p= 0.001
/// ```
impl fmt::Display for LogRankTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = self.groups.len();
        let n: Vec<f64> = self.n.iter().map(|&x| x as f64).collect();
        let oe_e: Vec<f64> = (0..g)
            .map(|k| (self.observed[k] - self.expected[k]).powi(2) / self.expected[k])
            .collect();
        let oe_v: Vec<f64> = (0..g)
            .map(|k| (self.observed[k] - self.expected[k]).powi(2) / self.variance[(k, k)])
            .collect();
        let columns = [
            format_column(&n, 3),
            format_column(&self.observed, 3),
            format_column(&self.expected, 3),
            format_column(&oe_e, 3),
            format_column(&oe_v, 3),
        ];
        write_matrix(
            f,
            &self.groups,
            &["N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V"],
            &columns,
        )?;
        let rounded = (self.chisq * 10.0).round() / 10.0;
        let p = format_pval(self.p_value, 1);
        write!(
            f,
            "\n Chisq= {}  on {} degrees of freedom, p= {}",
            format_signif(rounded, 3),
            self.df,
            p
        )
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // exact values: chi-square 0 and p-value 1 by construction
mod tests {
    use super::*;

    fn lung_like() -> SurvivalData {
        SurvivalData::from_status(vec![1.0, 2.0, 3.0, 4.0], &[1.0, 1.0, 0.0, 1.0]).unwrap()
    }

    #[test]
    fn input_errors_are_named() {
        let d = lung_like();
        assert!(matches!(
            LogRank::new().test(&d, &[1, 1, 1, 1]),
            Err(Error::TooFewGroups { found: 1 })
        ));
        let w = lung_like().with_weights(vec![1.0; 4]).unwrap();
        assert!(matches!(
            LogRank::new().test(&w, &[1, 2, 1, 2]),
            Err(Error::WeightsNotSupported { .. })
        ));
        assert!(matches!(
            LogRank::new().test(&d, &[1, 2]),
            Err(Error::DimensionMismatch { .. })
        ));
        assert!(matches!(
            LogRank::new().rho(f64::NAN).test(&d, &[1, 2, 1, 2]),
            Err(Error::InvalidParameter { name: "rho", .. })
        ));
        let none = SurvivalData::from_status(vec![1.0, 2.0], &[0.0, 0.0]).unwrap();
        assert!(matches!(
            LogRank::new().test(&none, &[1, 2]),
            Err(Error::NoEvents { .. })
        ));
    }

    #[test]
    fn one_group_with_expected_events_gives_zero() {
        // group 1 leaves before the first death: R reports chisq 0
        let d = SurvivalData::from_status(vec![1.0, 2.0, 5.0, 6.0], &[0.0, 0.0, 1.0, 1.0]).unwrap();
        let t = LogRank::new().test(&d, &[1, 1, 2, 2]).unwrap();
        assert_eq!(t.df(), 0);
        assert_eq!(t.chisq(), 0.0);
        assert_eq!(t.p_value(), 1.0);
    }
}
