//! Test of proportional hazards (R's `cox.zph`, survival ≥ 3.0, algorithms.md §2.9).
//!
//! ```text
//! g(t) = 1 - S_KM(t-)   (transform "km": left-continuous Kaplan–Meier of all rows,
//!                        unweighted and unstratified), or rank(t) over all rows, t, log t;
//!                        centred on its mean over the events
//! augmented design [X, X·g(t)] at (β̂, 0): score (0, u_g), information I (2p × 2p)
//! term j:  χ² = u'I⁻¹u over (all p base columns, g-column j), 1 df
//! GLOBAL:  χ² = u'I⁻¹u over the full 2p system, p df
//! ```
//! This is the exact score test R uses since survival 3.0 (not the older approximation of
//! lifelines and Stata). Aliased (NA) coefficients are left out, as in R.
//!
//! Counting-process data `(start, stop]` (R's `zph2`): the KM of the transform counts as at
//! risk at t the rows with `start < t <= stop`, and the risk-set sums drop rows whose
//! interval starts at or after the current time; rank, identity and log use the stop times.
//!
//! Scaled Schoenfeld residuals for plotting (R's `zph$y`): per stratum, the Schoenfeld
//! residuals r of the deaths times `vmean⁻¹` plus β̂, with `vmean = I / (number of deaths)`
//! over the covariates that vary in the stratum (others NaN, R's `NA`).

use nalgebra::{DMatrix, DVector};

use super::Ties;
use super::prepare::{Departures, Prepared};
use super::residuals::{efron_sums, steps_of};
use crate::{ChiSqTest, Error, Result};

/// The time scale `g(t)` of the proportional-hazards test (R's `cox.zph(transform = ...)`).
///
/// # Examples
/// ```
/// use oncostat::{CoxPh, Design, SurvivalData, ZphTransform};
/// # fn main() -> Result<(), oncostat::Error> {
/// let data = SurvivalData::from_status(
///     vec![5.0, 8.0, 12.0, 3.0, 9.0, 15.0, 7.0, 11.0],
///     &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
/// )?;
/// let x = Design::from_columns([("age", vec![61.0, 55.0, 48.0, 70.0, 52.0, 45.0, 66.0, 59.0])])?;
/// let fit = CoxPh::new().fit(&data, &x)?;
/// let zph = fit.zph_with(ZphTransform::Rank)?;
/// assert_eq!(zph.transform().name(), "rank");
/// assert_eq!(zph.x()[0], 1.0); // the first death is the earliest of all times
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum ZphTransform {
    /// `1 − S(t−)` of the left-continuous Kaplan–Meier curve of all rows (unweighted,
    /// unstratified; R's default `"km"`).
    #[default]
    Km,
    /// The rank of the time among all rows, ties averaged (R's `"rank"`).
    Rank,
    /// The time itself (R's `"identity"`).
    Identity,
    /// The natural logarithm of the time (R's `"log"`).
    Log,
}

crate::settings::setting_names!(ZphTransform, "zph transform", {
    Km => "km",
    Rank => "rank",
    Identity => "identity",
    Log => "log",
});

/// One line of [`CoxZph`]: a covariate (or `GLOBAL`) with its chi-square test.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ZphTerm {
    name: String,
    test: ChiSqTest,
}

impl ZphTerm {
    /// The covariate name, or `GLOBAL`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The score test of proportional hazards for this term.
    pub fn test(&self) -> ChiSqTest {
        self.test
    }
}

/// Score tests of the proportional-hazards assumption (R's `cox.zph(fit)`), from
/// [`CoxFit::zph`](super::CoxFit::zph) or [`CoxFit::zph_with`](super::CoxFit::zph_with): one
/// row per (non-aliased) covariate, then `GLOBAL`; and the scaled Schoenfeld residuals
/// against transformed time for plotting β(t) (R's `x`, `y`, `time`, `strata`).
///
/// # Examples
/// ```
/// use oncostat::{CoxPh, Design, SurvivalData};
/// # fn main() -> Result<(), oncostat::Error> {
/// let data = SurvivalData::from_status(
///     vec![5.0, 8.0, 12.0, 3.0, 9.0, 15.0, 7.0, 11.0],
///     &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
/// )?;
/// let x = Design::from_columns([("age", vec![61.0, 55.0, 48.0, 70.0, 52.0, 45.0, 66.0, 59.0])])?;
/// let fit = CoxPh::new().fit(&data, &x)?;
/// let zph = fit.zph()?;
/// println!("{zph}");
/// assert_eq!(zph.terms().len(), 1);
/// assert_eq!(zph.y().shape(), (6, 1)); // deaths × covariates, to plot against zph.x()
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CoxZph {
    terms: Vec<ZphTerm>,
    global: ZphTerm,
    transform: ZphTransform,
    x: Vec<f64>,
    time: Vec<f64>,
    strata: Vec<usize>,
    y: DMatrix<f64>,
    /// The 2p × 2p information of the augmented score test and its score, for tests of
    /// groups of columns ([`CoxZph::grouped`]).
    #[cfg_attr(feature = "serde", serde(skip))]
    info: DMatrix<f64>,
    #[cfg_attr(feature = "serde", serde(skip))]
    score: DVector<f64>,
}

impl CoxZph {
    /// The tests with the columns grouped into terms (R's `cox.zph()`):
    /// for a term with columns J (positions among [`CoxZph::terms`]),
    /// `χ² = u'I⁻¹u` over the p base columns and the g-columns of J, on |J| df. Terms
    /// without a column are left out; `GLOBAL` is unchanged.
    pub(crate) fn grouped(&self, groups: &[(String, Vec<usize>)]) -> Result<CoxZph> {
        let p = self.terms.len();
        let mut terms = Vec::with_capacity(groups.len());
        for (name, cols) in groups {
            if cols.is_empty() {
                continue;
            }
            let kk: Vec<usize> = (0..p).chain(cols.iter().map(|&j| p + j)).collect();
            let sub = self.info.select_rows(&kk).select_columns(&kk);
            let u = DVector::from_iterator(kk.len(), kk.iter().map(|&k| self.score[k]));
            let sol = sub.lu().solve(&u).ok_or(Error::SingularMatrix {
                what: "the cox.zph information matrix",
            })?;
            terms.push(ZphTerm {
                name: name.clone(),
                test: ChiSqTest::new(sol.dot(&u), cols.len() as f64),
            });
        }
        Ok(CoxZph {
            terms,
            ..self.clone()
        })
    }

    /// Per-covariate tests (1 df each), in design order.
    pub fn terms(&self) -> &[ZphTerm] {
        &self.terms
    }

    /// The global test (df = number of covariates).
    pub fn global(&self) -> &ZphTerm {
        &self.global
    }

    /// All rows as R prints them: the covariates, then `GLOBAL`.
    pub fn rows(&self) -> impl Iterator<Item = &ZphTerm> {
        self.terms.iter().chain(std::iter::once(&self.global))
    }

    /// The time transform used.
    pub fn transform(&self) -> ZphTransform {
        self.transform
    }

    /// Transformed time `g(t)` of each death, uncentred (R's `zph$x`), deaths ordered by
    /// stratum, time, then row.
    pub fn x(&self) -> &[f64] {
        &self.x
    }

    /// Time of each death (R's `zph$time`); tied deaths of counting-process data come in
    /// decreasing row order, as R.
    pub fn time(&self) -> &[f64] {
        &self.time
    }

    /// Stratum index of each death (R's `zph$strata`; all 0 without strata).
    pub fn strata(&self) -> &[usize] {
        &self.strata
    }

    /// Scaled Schoenfeld residuals (R's `zph$y`): one row per death, one column per term of
    /// [`CoxZph::terms`]; NaN (R's `NA`) for a covariate constant within the death's stratum.
    pub fn y(&self) -> &DMatrix<f64> {
        &self.y
    }
}

impl std::fmt::Display for CoxZph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let w = self.rows().map(|r| r.name.len()).max().unwrap_or(6).max(6);
        writeln!(f, "{:<w$} {:>10} {:>4} {:>10}", "", "chisq", "df", "p")?;
        for r in self.rows() {
            writeln!(
                f,
                "{:<w$} {:>10} {:>4} {:>10}",
                r.name,
                crate::table::format_number(r.test.statistic(), 4),
                r.test.df(),
                crate::table::format_p(r.test.p_value(), f.alternate())
            )?;
        }
        Ok(())
    }
}

/// The transformed time of every row (sorted order), uncentred.
fn transformed_times(data: &Prepared, transform: ZphTransform) -> Vec<f64> {
    match transform {
        ZphTransform::Identity => data.time.clone(),
        ZphTransform::Log => data.time.iter().map(|t| t.ln()).collect(),
        ZphTransform::Km if data.counting.is_some() => km_counting(data),
        ZphTransform::Km | ZphTransform::Rank => {
            // all rows by time, ignoring strata and weights
            let mut by_time: Vec<usize> = (0..data.n).collect();
            by_time.sort_unstable_by(|&a, &b| data.time[a].total_cmp(&data.time[b]));
            let mut g = vec![0.0; data.n];
            let mut surv = 1.0;
            let mut at_risk = data.n as f64;
            let mut start = 0;
            while start < by_time.len() {
                let t = data.time[by_time[start]];
                let mut end = start;
                let mut deaths = 0.0;
                while end < by_time.len() && data.time[by_time[end]].total_cmp(&t).is_eq() {
                    if data.is_event(by_time[end]) {
                        deaths += 1.0;
                    }
                    end += 1;
                }
                // km: S(t-); rank: the average of the ranks start+1..=end
                let value = match transform {
                    ZphTransform::Km => 1.0 - surv,
                    _ => (start + 1 + end) as f64 / 2.0,
                };
                for &k in &by_time[start..end] {
                    g[k] = value;
                }
                surv *= 1.0 - deaths / at_risk;
                at_risk -= (end - start) as f64;
                start = end;
            }
            g
        }
    }
}

/// `1 − S(t−)` for counting-process data: R's `survfitKM` on `Surv(start, stop, event)` (all
/// rows, unweighted, unstratified), where the number at risk at t is
/// `#{stop >= t} − #{start >= t}`; evaluated at every row's stop time, uncentred.
fn km_counting(data: &Prepared) -> Vec<f64> {
    let Some(counting) = &data.counting else {
        return vec![0.0; data.n];
    };
    let mut stops = data.time.clone();
    stops.sort_unstable_by(f64::total_cmp);
    let mut starts = counting.start.clone();
    starts.sort_unstable_by(f64::total_cmp);
    let mut death_times: Vec<f64> = (0..data.n)
        .filter(|&k| data.is_event(k))
        .map(|k| data.time[k])
        .collect();
    death_times.sort_unstable_by(f64::total_cmp);
    // S just before each distinct death time
    let mut before: Vec<(f64, f64)> = Vec::new();
    let mut surv = 1.0;
    let mut i = 0;
    while i < death_times.len() {
        let t = death_times[i];
        let mut j = i;
        while j < death_times.len() && death_times[j].total_cmp(&t).is_eq() {
            j += 1;
        }
        let at_risk = (stops.len() - stops.partition_point(|&v| v < t))
            - (starts.len() - starts.partition_point(|&v| v < t));
        before.push((t, surv));
        surv *= 1.0 - (j - i) as f64 / at_risk.max(1) as f64;
        i = j;
    }
    (0..data.n)
        .map(|k| {
            let t = data.time[k];
            // the last death time <= t: S(t-) is S before it when t is that death time, else
            // S after it
            let idx = before.partition_point(|&(u, _)| u <= t);
            match idx.checked_sub(1).and_then(|m| before.get(m)) {
                Some(&(u, s_before)) if u.total_cmp(&t).is_eq() => 1.0 - s_before,
                Some(_) => 1.0 - before.get(idx).map_or(surv, |&(_, s)| s),
                None => 0.0,
            }
        })
        .collect()
}

/// Runs the test on prepared data restricted to the kept columns, at `beta` (scaled
/// coordinates of `data`); `coefficients` are the fit's β̂ of the kept columns.
pub(super) fn cox_zph(
    data: &Prepared,
    ties: Ties,
    beta: &[f64],
    coefficients: &[f64],
    names: Vec<String>,
    transform: ZphTransform,
    strata_of: &dyn Fn(usize) -> usize,
) -> Result<CoxZph> {
    let p = data.p;
    let counting = data.counting.is_some();
    let times = transformed_times(data, transform);
    let (sum, count) = (0..data.n)
        .filter(|&k| data.is_event(k))
        .fold((0.0, 0.0), |(s, c), k| (s + times[k], c + 1.0));
    let centre = sum / count;
    let g: Vec<f64> = times.iter().map(|t| t - centre).collect();
    // information blocks Σ V, Σ g V, Σ g² V and the score Σ g · (x - x̄)
    let mut i_xx = DMatrix::<f64>::zeros(p, p);
    let mut i_xg = DMatrix::<f64>::zeros(p, p);
    let mut i_gg = DMatrix::<f64>::zeros(p, p);
    let mut u_g = DVector::<f64>::zeros(p);
    // Schoenfeld residuals (scaled coordinates), deaths in sorted order
    let n_deaths = (0..data.n).filter(|&k| data.is_event(k)).count();
    let mut schoen = DMatrix::<f64>::zeros(n_deaths, p);
    let mut death_row = vec![0usize; data.groups.len()];
    let mut seen = 0;
    for (g, group) in data.groups.iter().enumerate() {
        death_row[g] = seen;
        seen += group.n_deaths();
    }

    let risk: Vec<f64> = (0..data.n)
        .map(|k| {
            let eta = data.offset[k]
                + data
                    .row(k)
                    .iter()
                    .zip(beta)
                    .map(|(x, b)| x * b)
                    .sum::<f64>();
            data.weight[k] * eta.exp()
        })
        .collect();
    let mut s1 = DVector::<f64>::zeros(p);
    let mut s2 = DMatrix::<f64>::zeros(p, p);
    let mut d1 = DVector::<f64>::zeros(p);
    let mut d2 = DMatrix::<f64>::zeros(p, p);
    let mut xw = DVector::<f64>::zeros(p);
    let mut x = DVector::<f64>::zeros(p);
    for stratum in &data.strata {
        let mut s0 = 0.0;
        s1.fill(0.0);
        s2.fill(0.0);
        let mut departures = Departures::new(data.stratum_rows(stratum));
        for gi in stratum.groups.clone().rev() {
            let group = data.groups[gi];
            departures.advance(data, &group, |leaving| match leaving {
                None => {
                    s0 = 0.0;
                    s1.fill(0.0);
                    s2.fill(0.0);
                }
                Some(k) => {
                    x.copy_from_slice(data.row(k));
                    s0 -= risk[k];
                    s1.axpy(-risk[k], &x, 1.0);
                    s2.ger(-risk[k], &x, &x, 1.0);
                }
            });
            let censored = group.start()..group.death_start();
            for (k, &r) in censored.clone().zip(&risk[censored]) {
                x.copy_from_slice(data.row(k));
                s0 += r;
                s1.axpy(r, &x, 1.0);
                s2.ger(r, &x, &x, 1.0);
            }
            let nd = group.n_deaths();
            if nd == 0 {
                continue;
            }
            let (mut d0, mut wd) = (0.0, 0.0);
            d1.fill(0.0);
            d2.fill(0.0);
            xw.fill(0.0);
            let deaths = group.death_start()..group.end();
            for ((k, &r), wk) in deaths
                .clone()
                .zip(&risk[deaths.clone()])
                .zip(data.weight.range(deaths))
            {
                x.copy_from_slice(data.row(k));
                d0 += r;
                wd += wk;
                d1.axpy(r, &x, 1.0);
                d2.ger(r, &x, &x, 1.0);
                xw.axpy(wk, &x, 1.0);
            }
            // Σ_k wt (S2_k/den_k - m_k m_k'),  m_k = a_k S1 + b_k D1 (Breslow: one step)
            let steps = steps_of(ties, nd);
            let wt = wd / steps as f64;
            let (mut gaa, mut gab, mut gbb) = (0.0, 0.0, 0.0);
            for k in 1..=steps {
                let frac = k as f64 / steps as f64;
                let den = s0 + frac * d0;
                let (a, b) = (1.0 / den, frac / den);
                gaa += a * a;
                gab += a * b;
                gbb += b * b;
            }
            let (sa, sb) = efron_sums(s0, d0, steps);
            let v = &s2 * (wt * sa) + &d2 * (wt * sb)
                - (&s1 * s1.transpose()) * (wt * gaa)
                - (&s1 * d1.transpose() + &d1 * s1.transpose()) * (wt * gab)
                - (&d1 * d1.transpose()) * (wt * gbb);
            let resid = &xw - &s1 * (wt * sa) - &d1 * (wt * sb);
            let gt = g[group.death_start()];
            i_xx += &v;
            i_xg += &v * gt;
            i_gg += &v * (gt * gt);
            u_g.axpy(gt, &resid, 1.0);
            // the deaths' Schoenfeld residuals: x minus the (Efron: mean of the) risk-set means
            let mean = (&s1 * sa + &d1 * sb) / steps as f64;
            for (offset, k) in (group.death_start()..group.end()).enumerate() {
                let slot = death_row[gi] + death_slot(offset, nd, counting);
                for (j, z) in data.row(k).iter().enumerate() {
                    schoen[(slot, j)] = z - mean[j];
                }
            }
            s0 += d0;
            s1 += &d1;
            s2 += &d2;
        }
    }

    let mut full = DMatrix::<f64>::zeros(2 * p, 2 * p);
    full.view_mut((0, 0), (p, p)).copy_from(&i_xx);
    full.view_mut((0, p), (p, p)).copy_from(&i_xg);
    full.view_mut((p, 0), (p, p)).copy_from(&i_xg.transpose());
    full.view_mut((p, p), (p, p)).copy_from(&i_gg);
    let mut u = DVector::<f64>::zeros(2 * p);
    u.rows_mut(p, p).copy_from(&u_g);

    let quadratic = |m: DMatrix<f64>, u: DVector<f64>| -> Result<f64> {
        let sol = m.lu().solve(&u).ok_or(Error::SingularMatrix {
            what: "the cox.zph information matrix",
        })?;
        Ok(sol.dot(&u))
    };
    let mut terms = Vec::with_capacity(p);
    for (j, name) in names.into_iter().enumerate() {
        let kk: Vec<usize> = (0..p).chain(std::iter::once(p + j)).collect();
        let sub = full.select_rows(&kk).select_columns(&kk);
        let mut uj = DVector::<f64>::zeros(p + 1);
        uj[p] = u_g[j];
        terms.push(ZphTerm {
            name,
            test: ChiSqTest::new(quadratic(sub, uj)?, 1.0),
        });
    }
    let global = ZphTerm {
        name: "GLOBAL".to_string(),
        test: ChiSqTest::new(quadratic(full.clone(), u.clone())?, p as f64),
    };

    let mut death_rows: Vec<usize> = Vec::with_capacity(n_deaths);
    for group in &data.groups {
        let deaths = group.death_start()..group.end();
        if counting {
            death_rows.extend(deaths.rev());
        } else {
            death_rows.extend(deaths);
        }
    }
    let strata: Vec<usize> = death_rows
        .iter()
        .map(|&k| strata_of(data.order[k] as usize))
        .collect();
    let y = scaled_schoenfeld(data, &i_xx, schoen, coefficients)?;
    Ok(CoxZph {
        terms,
        global,
        transform,
        x: death_rows.iter().map(|&k| times[k]).collect(),
        time: death_rows.iter().map(|&k| data.time[k]).collect(),
        strata,
        y,
        info: full,
        score: u,
    })
}

/// Row of the `offset`-th death (sorted order) of a tie of `deaths` among the tie's rows of
/// R's `cox.zph` output: in row order, but reversed for counting-process data (R orders those
/// by decreasing stop time and reverses).
fn death_slot(offset: usize, deaths: usize, counting: bool) -> usize {
    if counting {
        deaths - 1 - offset
    } else {
        offset
    }
}

/// R's `cox.zph` scaling, on the original scale of the covariates: `vmean = I / wtmat` with
/// `wtmat_jk = Σ_s min(used_sj, used_sk)`, `used_sj` the deaths of stratum s if column j varies
/// in it (else 0); each death's row over the used columns `k` is `vmean[k,k]⁻¹ r_k + β̂_k`,
/// NaN elsewhere (rows R's block assignment leaves out: `r + β̂`).
fn scaled_schoenfeld(
    data: &Prepared,
    info_scaled: &DMatrix<f64>,
    mut schoen: DMatrix<f64>,
    coefficients: &[f64],
) -> Result<DMatrix<f64>> {
    let p = data.p;
    let scales = &data.scales;
    // back to the original scale: r_j / c_j, I_jk / (c_j c_k)
    for (j, mut col) in schoen.column_iter_mut().enumerate() {
        col /= scales[j];
    }
    let info = DMatrix::from_fn(p, p, |j, k| info_scaled[(j, k)] / (scales[j] * scales[k]));
    // used[s][j] over the strata spans (in sorted order, so span s holds the s-th stratum
    // present in the data)
    let mut used: Vec<Vec<f64>> = Vec::with_capacity(data.strata.len());
    for span in &data.strata {
        let (first, last) = match (span.groups.clone().next(), span.groups.clone().next_back()) {
            (Some(a), Some(b)) => (data.groups[a].start(), data.groups[b].end()),
            _ => (0, 0),
        };
        let deaths = (first..last).filter(|&k| data.is_event(k)).count();
        let row = (0..p)
            .map(|j| {
                let varies = deaths > 0
                    && (first..last).any(|k| data.row(k)[j].total_cmp(&data.row(first)[j]).is_ne());
                if varies { deaths as f64 } else { 0.0 }
            })
            .collect();
        used.push(row);
    }
    let wtmat = DMatrix::from_fn(p, p, |j, k| {
        used.iter().map(|u| u[j].min(u[k])).sum::<f64>()
    });
    let vmean = DMatrix::from_fn(p, p, |j, k| {
        let w = wtmat[(j, k)];
        info[(j, k)] / if w == 0.0 { 1.0 } else { w }
    });
    // per stratum: the used columns and the factorised vmean over them
    let mut solvers = Vec::with_capacity(used.len());
    for u in &used {
        let cols: Vec<usize> = (0..p).filter(|&j| u[j] > 0.0).collect();
        let lu = vmean.select_rows(&cols).select_columns(&cols).lu();
        solvers.push((cols, lu));
    }
    // R assigns the death rows to strata in blocks of max_j used[s][j] rows (`sgrp`): a
    // stratum whose covariates are all constant gets no block, and rows left over keep
    // their unscaled residual (plus β̂ below)
    let mut y = schoen;
    let mut row = 0;
    for (u, (cols, lu)) in used.iter().zip(&solvers) {
        let block = u.iter().copied().fold(0.0, f64::max) as usize;
        for _ in 0..block {
            if row >= y.nrows() {
                break;
            }
            let r = DVector::from_iterator(cols.len(), cols.iter().map(|&j| y[(row, j)]));
            let sol = lu.solve(&r).ok_or(Error::SingularMatrix {
                what: "the cox.zph variance of the Schoenfeld residuals",
            })?;
            for j in 0..p {
                y[(row, j)] = f64::NAN;
            }
            for (a, &j) in cols.iter().enumerate() {
                y[(row, j)] = sol[a];
            }
            row += 1;
        }
    }
    for (j, mut col) in y.column_iter_mut().enumerate() {
        col.add_scalar_mut(coefficients[j]);
    }
    Ok(y)
}

impl super::CoxFit {
    /// [`CoxFit::zph`](super::CoxFit::zph) with a chosen time transform (R's
    /// `cox.zph()`).
    ///
    /// ```text
    /// g(t) = 1 - KM(t-) | rank(t) | t | log t, centred over the deaths;
    /// score test of X·g(t) at (β̂, 0)
    /// ```
    ///
    /// # Errors
    /// * [`Error::DimensionMismatch`] if `data` or `x` do not have the shape of the fit, or
    ///   the column names differ.
    /// * [`Error::SingularMatrix`] if the augmented information matrix is singular.
    ///
    /// # Examples
    /// ```
    /// use oncostat::{CoxPh, Design, SurvivalData, ZphTransform};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let data = SurvivalData::from_status(
    ///     vec![5.0, 8.0, 12.0, 3.0, 9.0, 15.0, 7.0, 11.0],
    ///     &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
    /// )?;
    /// let x = Design::from_columns([("age", vec![61.0, 55.0, 48.0, 70.0, 52.0, 45.0, 66.0, 59.0])])?;
    /// let fit = CoxPh::new().fit(&data, &x)?;
    /// let zph = fit.zph_with(ZphTransform::Identity)?;
    /// assert_eq!(zph.x(), zph.time()); // identity: x is the death time
    /// assert_eq!(zph.y().nrows(), 6);  // one scaled Schoenfeld residual per death
    /// # Ok(()) }
    /// ```
    pub fn zph_with(&self, transform: ZphTransform) -> Result<CoxZph> {
        let (data, x) = self.inputs()?;
        let kept: Vec<usize> = (0..self.aliased.len())
            .filter(|&j| !self.aliased[j])
            .collect();
        let names: Vec<String> = kept.iter().map(|&j| self.term_names[j].clone()).collect();
        let columns = kept.iter().map(|&j| {
            (
                self.term_names[j].clone(),
                x.matrix().column(j).iter().copied().collect::<Vec<f64>>(),
            )
        });
        let design = crate::Design::from_columns(columns)?;
        let prepared = Prepared::new(data, &design, self.timefix)?;
        let beta: Vec<f64> = kept
            .iter()
            .zip(&prepared.scales)
            .map(|(&j, s)| self.coefficients[j] / s)
            .collect();
        let coefficients: Vec<f64> = kept.iter().map(|&j| self.coefficients[j]).collect();
        let strata_of = |i: usize| data.strata().map_or(0, |s| s[i]);
        cox_zph(
            &prepared,
            self.ties,
            &beta,
            &coefficients,
            names,
            transform,
            &strata_of,
        )
    }
}
