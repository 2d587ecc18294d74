//! Gray's K-sample test of equal cumulative incidence, a port of cmprsk's Fortran `crstm`
//! (cmprsk 2.2-11, `cuminc(ftime, fstatus, group, rho = 0, cencode = 0)$Tests`).
#![allow(clippy::needless_range_loop)] // index loops mirror the formulas (and crstm's Fortran)

use std::fmt;

use nalgebra::{DMatrix, DVector};

use crate::stats::chisq_sf;
use crate::survival::rformat::{format_column, write_matrix};
use crate::survival::risk_set::{Entry, code_groups, run_end, sort_rows};
use crate::{CompetingRisksData, Error, Result};

/// Gray's test settings: for each cause, a (G − 1)-df comparison of the groups'
/// subdistribution hazards `dF_k / (1 − F_k(t−))`, weighted by `(1 − F⁰(t−))^ρ` with F⁰ the
/// pooled cumulative incidence (cmprsk's `rho`, default 0).
///
/// ```text
/// at each distinct time, per group g (R_g = at-risk count, S_g(t−) KM of any cause,
/// F_g(t−) CIF of the cause), with h_g = R_g/S_g(t−):
///   score_g += (1 − F⁰(t−))^ρ (d_g − d · R_g (1 − F_g(t−)) / (S_g(t−) Σ_r R_r(1 − F_r(t−))/S_r(t−)))
/// statistic = sᵀ V⁻¹ s over the first G − 1 groups,  V = crstm's variance
/// ```
/// The variance is Gray's (1988) estimator exactly as `crstm`/`crst` compute it, ported line
/// by line (the terms `a`, `c`, `v2`, `v3` of the Fortran), so the statistic matches R to
/// rounding. Strata are not supported (cmprsk's `strata` argument). cmprsk does not merge
/// near-equal times (no `timefix`) and neither does this test. When V is singular
/// (R's `qr` rank below G − 1, tolerance 1e-7) R reports the statistic as −1; here the
/// statistic and p-value are `None`.
///
/// # Examples
/// ```
/// use oncostat::{CompetingRisksData, GrayTest};
/// # fn main() -> Result<(), oncostat::Error> {
/// let cr = CompetingRisksData::new(
///     vec![1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0, 6.0, 7.0, 8.0],
///     &[1.0, 2.0, 0.0, 1.0, 0.0, 1.0, 2.0, 0.0, 1.0, 0.0],
/// )?;
/// let tests = GrayTest::new().test(&cr, &[1, 1, 1, 1, 1, 2, 2, 2, 2, 2])?;
/// // R: cuminc(time, status, g)$Tests
/// let t1 = &tests.tests()[0];
/// assert_eq!((t1.cause, t1.df), (1, 1));
/// assert!((t1.statistic.unwrap() - 1.1580010540898749).abs() < 1e-12);
/// # Ok(()) }
/// ```
///
/// # References
/// Gray (1988), Ann. Statist. 16:1141.
#[derive(Debug, Clone, PartialEq)]
pub struct GrayTest {
    rho: f64,
}

impl Default for GrayTest {
    fn default() -> Self {
        GrayTest { rho: 0.0 }
    }
}

/// Gray's test of one cause.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GrayCause {
    /// The cause.
    pub cause: u32,
    /// The chi-square statistic (`None` where R reports −1: singular variance).
    pub statistic: Option<f64>,
    /// Degrees of freedom, G − 1.
    pub df: usize,
    /// Upper-tail chi-square p-value (`None` with the statistic).
    pub p_value: Option<f64>,
}

/// Gray's tests of every cause (R's `cuminc(...)$Tests`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GrayTests {
    groups: Vec<String>,
    tests: Vec<GrayCause>,
}

impl GrayTests {
    /// The group labels, sorted.
    pub fn groups(&self) -> &[String] {
        &self.groups
    }

    /// One test per cause, in increasing cause order.
    pub fn tests(&self) -> &[GrayCause] {
        &self.tests
    }
}

impl GrayTest {
    /// Settings with cmprsk's default ρ = 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// The weight exponent ρ of `(1 − F⁰(t−))^ρ` (default 0).
    pub fn rho(mut self, rho: f64) -> Self {
        self.rho = rho;
        self
    }

    /// Gray's test of every cause between `groups` (one label per row, sorted order).
    ///
    /// # Errors
    /// * [`Error::InvalidParameter`] if ρ is not finite.
    /// * [`Error::DimensionMismatch`] if `groups` does not have one label per row.
    /// * [`Error::TooFewGroups`] for fewer than two groups.
    /// * [`Error::TooManyGroups`] for more than 1,000 groups.
    /// * [`Error::NoEvents`] if no row fails.
    pub fn test<T: Ord + ToString>(
        &self,
        data: &CompetingRisksData,
        groups: &[T],
    ) -> Result<GrayTests> {
        if !self.rho.is_finite() {
            return Err(Error::InvalidParameter {
                name: "rho",
                value: self.rho,
                reason: "Gray's weight exponent must be a finite number",
            });
        }
        let coded = code_groups(groups, data.len())?;
        let ng = coded.labels.len();
        if ng < 2 {
            return Err(Error::TooFewGroups { found: ng });
        }
        crate::survival::logrank::check_group_count(ng)?;
        if data.n_events() == 0 {
            return Err(Error::NoEvents {
                what: "Gray's test".to_string(),
            });
        }
        // one sort by time (no timefix, as cmprsk); tags = group code * (K + 1) + cause tag
        let k = data.causes().len();
        let cause_tags = data.cause_tags();
        let tags: Vec<usize> = coded
            .codes
            .iter()
            .zip(&cause_tags)
            .map(|(&g, &c)| g * (k + 1) + c)
            .collect();
        let sorted = sort_rows(
            data.time(),
            data.any_event().event(),
            None,
            Some(&tags),
            false,
        );
        let mut tests = Vec::with_capacity(k);
        for (index, &cause) in data.causes().iter().enumerate() {
            let (s, v) = crst(&sorted.entries, ng, k, index + 1, self.rho);
            let statistic = quadratic_form(&s, &v);
            tests.push(GrayCause {
                cause,
                statistic,
                df: ng - 1,
                p_value: statistic.map(|x| chisq_sf(x, (ng - 1) as f64)),
            });
        }
        Ok(GrayTests {
            groups: coded.labels,
            tests,
        })
    }
}

/// `sᵀ V⁻¹ s`, or `None` when V is rank deficient at R's `qr` tolerance 1e-7.
fn quadratic_form(s: &[f64], v: &DMatrix<f64>) -> Option<f64> {
    let m = s.len();
    // R: a <- qr(v); rank == ncol. Gram-Schmidt with dqrdc2's rule: a column whose
    // remaining norm is below 1e-7 of its original norm is deficient.
    let mut basis: Vec<DVector<f64>> = Vec::new();
    for j in 0..m {
        let col = v.column(j).into_owned();
        let norm = col.norm();
        let mut r = col.clone();
        for q in &basis {
            let proj = q.dot(&r);
            r -= q * proj;
        }
        let rn = r.norm();
        if norm == 0.0 || rn < 1e-7 * norm {
            return None;
        }
        basis.push(r / rn);
    }
    let b = DVector::from_column_slice(s);
    let x = v.clone().lu().solve(&b)?;
    Some(b.dot(&x))
}

/// cmprsk's `crst` for one stratum: rows sorted by time, `tag = group·(K+1) + cause tag`;
/// `cause` is the cause tag of interest (1-based). Returns the scores of the first G − 1
/// groups and their variance matrix.
#[allow(clippy::many_single_char_names)] // the Fortran's names, kept for the line-by-line port
fn crst(
    entries: &[Entry],
    ng: usize,
    k: usize,
    cause: usize,
    rho: f64,
) -> (Vec<f64>, DMatrix<f64>) {
    let ng1 = ng - 1;
    let split = |e: &Entry| -> (usize, usize) {
        let tag = e.tag();
        let (g, c) = (tag / (k + 1), tag % (k + 1));
        // m: 0 censored, 1 the cause of interest, 2 another cause
        let m = if c == 0 {
            0
        } else if c == cause {
            1
        } else {
            2
        };
        (g, m)
    };
    let mut rs = vec![0.0f64; ng];
    for e in entries {
        rs[split(e).0] += 1.0;
    }
    let mut s = vec![0.0; ng1];
    let mut v = DMatrix::<f64>::zeros(ng1, ng1);
    let mut f1m = vec![0.0; ng];
    let mut f1 = vec![0.0; ng];
    let mut skmm = vec![1.0; ng];
    let mut skm = vec![1.0; ng];
    let mut v3 = vec![0.0; ng];
    let mut v2 = DMatrix::<f64>::zeros(ng1, ng);
    let mut c = DMatrix::<f64>::zeros(ng, ng);
    let mut a = DMatrix::<f64>::zeros(ng, ng);
    let mut d = vec![[0.0f64; 3]; ng];
    let mut fm = 0.0;
    let mut f = 0.0;
    let n = entries.len();
    let mut ll = 0;
    while ll < n {
        let lu = run_end(entries, ll);
        for row in d.iter_mut() {
            *row = [0.0; 3];
        }
        for e in &entries[ll..lu] {
            let (g, m) = split(e);
            d[g][m] += 1.0;
        }
        let nd1: f64 = d.iter().map(|r| r[1]).sum();
        let nd2: f64 = d.iter().map(|r| r[2]).sum();
        if nd1 != 0.0 || nd2 != 0.0 {
            let mut tr = 0.0;
            let mut tq = 0.0;
            for i in 0..ng {
                if rs[i] <= 0.0 {
                    continue;
                }
                let td = d[i][1] + d[i][2];
                // skmm left-, skm right-continuous KM; f1m, f1 the same for the CIF
                skm[i] = skmm[i] * (rs[i] - td) / rs[i];
                f1[i] = f1m[i] + (skmm[i] * d[i][1]) / rs[i];
                tr += rs[i] / skmm[i];
                tq += rs[i] * (1.0 - f1m[i]) / skmm[i];
            }
            f = fm + nd1 / tr;
            let fb = (1.0 - fm).powf(rho);
            for i in 0..ng {
                for j in i..ng {
                    a[(i, j)] = 0.0;
                }
                if rs[i] <= 0.0 {
                    continue;
                }
                let t1 = rs[i] / skmm[i];
                a[(i, i)] = fb * t1 * (1.0 - t1 / tr);
                c[(i, i)] += a[(i, i)] * nd1 / (tr * (1.0 - fm));
                for j in i + 1..ng {
                    if rs[j] <= 0.0 {
                        continue;
                    }
                    a[(i, j)] = -fb * t1 * rs[j] / (skmm[j] * tr);
                    c[(i, j)] += a[(i, j)] * nd1 / (tr * (1.0 - fm));
                }
            }
            for i in 1..ng {
                for j in 0..i {
                    a[(i, j)] = a[(j, i)];
                    c[(i, j)] = c[(j, i)];
                }
            }
            for i in 0..ng1 {
                if rs[i] <= 0.0 {
                    continue;
                }
                s[i] += fb * (d[i][1] - nd1 * rs[i] * (1.0 - f1m[i]) / (skmm[i] * tq));
            }
            if nd1 > 0.0 {
                for kk in 0..ng {
                    if rs[kk] <= 0.0 {
                        continue;
                    }
                    let mut t4 = 1.0;
                    if skm[kk] > 0.0 {
                        t4 = 1.0 - (1.0 - f) / skm[kk];
                    }
                    let mut t5 = 1.0;
                    if nd1 > 1.0 {
                        t5 = 1.0 - (nd1 - 1.0) / (tr * skmm[kk] - 1.0);
                    }
                    let t3 = t5 * skmm[kk] * nd1 / (tr * rs[kk]);
                    v3[kk] += t4 * t4 * t3;
                    for i in 0..ng1 {
                        let t1 = a[(i, kk)] - t4 * c[(i, kk)];
                        v2[(i, kk)] += t1 * t4 * t3;
                        for j in 0..=i {
                            let t2 = a[(j, kk)] - t4 * c[(j, kk)];
                            v[(i, j)] += t1 * t2 * t3;
                        }
                    }
                }
            }
            if nd2 != 0.0 {
                for kk in 0..ng {
                    if skm[kk] <= 0.0 || d[kk][2] <= 0.0 {
                        continue;
                    }
                    let t4 = (1.0 - f) / skm[kk];
                    let mut t5 = 1.0;
                    if d[kk][2] > 1.0 {
                        t5 = 1.0 - (d[kk][2] - 1.0) / (rs[kk] - 1.0);
                    }
                    let t3 = t5 * ((skmm[kk] * skmm[kk]) * d[kk][2]) / (rs[kk] * rs[kk]);
                    v3[kk] += t4 * t4 * t3;
                    for i in 0..ng1 {
                        let t1 = t4 * c[(i, kk)];
                        v2[(i, kk)] -= t1 * t4 * t3;
                        for j in 0..=i {
                            let t2 = t4 * c[(j, kk)];
                            v[(i, j)] += t1 * t2 * t3;
                        }
                    }
                }
            }
        }
        if lu >= n {
            break;
        }
        for e in &entries[ll..lu] {
            rs[split(e).0] -= 1.0;
        }
        fm = f;
        f1m.copy_from_slice(&f1);
        skmm.copy_from_slice(&skm);
        ll = lu;
    }
    for i in 0..ng1 {
        for j in 0..=i {
            let mut add = 0.0;
            for kk in 0..ng {
                add += c[(i, kk)] * c[(j, kk)] * v3[kk];
                add += c[(i, kk)] * v2[(j, kk)];
                add += c[(j, kk)] * v2[(i, kk)];
            }
            v[(i, j)] += add;
        }
    }
    for i in 0..ng1 {
        for j in 0..i {
            v[(j, i)] = v[(i, j)];
        }
    }
    (s, v)
}

/// cmprsk's `print.cuminc` `Tests:` block:
///
/// ```text
///        stat        pv df
/// 1 1.1580011 0.2818805  1
/// ```
impl fmt::Display for GrayTests {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self.tests.iter().map(|t| t.cause.to_string()).collect();
        let stat: Vec<f64> = self
            .tests
            .iter()
            .map(|t| t.statistic.unwrap_or(-1.0))
            .collect();
        let p: Vec<f64> = self
            .tests
            .iter()
            .map(|t| t.p_value.unwrap_or(f64::NAN))
            .collect();
        let df: Vec<f64> = self.tests.iter().map(|t| t.df as f64).collect();
        writeln!(f, "Tests:")?;
        write_matrix(
            f,
            &names,
            &["stat", "pv", "df"],
            &[
                format_column(&stat, 7),
                format_column(&p, 7),
                format_column(&df, 7),
            ],
        )
    }
}
