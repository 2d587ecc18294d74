//! Test of proportional hazards (R's `cox.zph`, survival ≥ 3.0, algorithms.md §2.9).
//!
//! ```text
//! g(t) = 1 - S_KM(t-)   (transform "km": left-continuous Kaplan–Meier of all rows,
//!                        unweighted and unstratified), centred on its mean over the events
//! augmented design [X, X·g(t)] at (β̂, 0): score (0, u_g), information I (2p × 2p)
//! term j:  χ² = u'I⁻¹u over (all p base columns, g-column j), 1 df
//! GLOBAL:  χ² = u'I⁻¹u over the full 2p system, p df
//! ```
//! This is the exact score test R uses since survival 3.0 (not the older approximation of
//! lifelines and Stata). Aliased (NA) coefficients are left out, as in R.
//!
//! Counting-process data `(start, stop]` (R's `zph2`): the KM of the transform counts as at
//! risk at t the rows with `start < t <= stop`, and the risk-set sums drop rows whose
//! interval starts at or after the current time.

use nalgebra::{DMatrix, DVector};

use super::Ties;
use super::prepare::Prepared;
use crate::{ChiSqTest, Error, Result};

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

/// Score tests of the proportional-hazards assumption (R's `cox.zph(fit)$table`, transform
/// `"km"`), from [`CoxFit::zph`](super::CoxFit::zph): one row per (non-aliased) covariate,
/// then `GLOBAL`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CoxZph {
    terms: Vec<ZphTerm>,
    global: ZphTerm,
}

impl CoxZph {
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
}

impl std::fmt::Display for CoxZph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let w = self.rows().map(|r| r.name.len()).max().unwrap_or(6).max(6);
        writeln!(f, "{:<w$} {:>10} {:>4} {:>10}", "", "chisq", "df", "p")?;
        for r in self.rows() {
            writeln!(
                f,
                "{:<w$} {:>10.4} {:>4} {:>10}",
                r.name,
                r.test.statistic(),
                r.test.df(),
                crate::table::format_p(r.test.p_value(), f.alternate())
            )?;
        }
        Ok(())
    }
}

/// The left-continuous KM transform `g(t) = 1 - S(t-)` at each event row (sorted order),
/// centred on its mean over the event rows.
fn km_transform(data: &Prepared) -> Vec<f64> {
    if data.counting.is_some() {
        return km_transform_counting(data);
    }
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
        for &k in &by_time[start..end] {
            g[k] = 1.0 - surv; // S(t-)
        }
        surv *= 1.0 - deaths / at_risk;
        at_risk -= (end - start) as f64;
        start = end;
    }
    let (sum, count) = (0..data.n)
        .filter(|&k| data.is_event(k))
        .fold((0.0, 0.0), |(s, c), k| (s + g[k], c + 1.0));
    let mean = sum / count;
    for v in &mut g {
        *v -= mean;
    }
    g
}

/// [`km_transform`] for counting-process data: R's `survfitKM` on `Surv(start, stop, event)`
/// (all rows, unweighted, unstratified), where the number at risk at t is
/// `#{stop >= t} - #{start >= t}`.
fn km_transform_counting(data: &Prepared) -> Vec<f64> {
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
    let mut g: Vec<f64> = (0..data.n)
        .map(|k| {
            let t = data.time[k];
            // the last death time <= t: S(t-) there is S before it, times its own factor
            // when t is later
            let idx = before.partition_point(|&(u, _)| u <= t);
            match idx.checked_sub(1).and_then(|m| before.get(m)) {
                Some(&(u, s_before)) if u.total_cmp(&t).is_eq() => 1.0 - s_before,
                Some(_) => {
                    let s_after = before.get(idx).map_or(surv, |&(_, s)| s);
                    1.0 - s_after
                }
                None => 0.0,
            }
        })
        .collect();
    let (sum, count) = (0..data.n)
        .filter(|&k| data.is_event(k))
        .fold((0.0, 0.0), |(s, c), k| (s + g[k], c + 1.0));
    let mean = sum / count;
    for v in &mut g {
        *v -= mean;
    }
    g
}

/// Runs the test on prepared data restricted to the kept columns, at `beta` (scaled
/// coordinates of `data`).
pub(super) fn cox_zph(
    data: &Prepared,
    ties: Ties,
    beta: &[f64],
    names: Vec<String>,
) -> Result<CoxZph> {
    let p = data.p;
    let g = km_transform(data);
    // information blocks Σ V, Σ g V, Σ g² V and the score Σ g · (x - x̄)
    let mut i_xx = DMatrix::<f64>::zeros(p, p);
    let mut i_xg = DMatrix::<f64>::zeros(p, p);
    let mut i_gg = DMatrix::<f64>::zeros(p, p);
    let mut u_g = DVector::<f64>::zeros(p);

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
        let rows = data.stratum_rows(stratum);
        let mut next_removal = rows.start;
        let mut n_at_risk = 0usize;
        for gi in stratum.groups.clone().rev() {
            let group = data.groups[gi];
            // counting data: drop the rows whose interval starts at or after this time
            if let Some(counting) = &data.counting {
                let t = data.time[group.start];
                while next_removal < rows.end {
                    let k = counting.by_start[next_removal];
                    if counting.start[k] < t {
                        break;
                    }
                    next_removal += 1;
                    n_at_risk = n_at_risk.saturating_sub(1);
                    if n_at_risk == 0 {
                        s0 = 0.0;
                        s1.fill(0.0);
                        s2.fill(0.0);
                    } else {
                        x.copy_from_slice(data.row(k));
                        s0 -= risk[k];
                        s1.axpy(-risk[k], &x, 1.0);
                        s2.ger(-risk[k], &x, &x, 1.0);
                    }
                }
                n_at_risk += group.end - group.start;
            }
            let censored = group.start..group.death_start;
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
            let deaths = group.death_start..group.end;
            for ((k, &r), &wk) in deaths
                .clone()
                .zip(&risk[deaths.clone()])
                .zip(&data.weight[deaths])
            {
                x.copy_from_slice(data.row(k));
                d0 += r;
                wd += wk;
                d1.axpy(r, &x, 1.0);
                d2.ger(r, &x, &x, 1.0);
                xw.axpy(wk, &x, 1.0);
            }
            // Σ_k wt (S2_k/den_k - m_k m_k'),  m_k = a_k S1 + b_k D1 (Breslow: one step)
            let steps = if ties == Ties::Breslow || nd == 1 {
                1
            } else {
                nd
            };
            let wt = wd / steps as f64;
            let (mut sa, mut sb, mut gaa, mut gab, mut gbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for k in 1..=steps {
                let frac = k as f64 / steps as f64;
                let den = s0 + frac * d0;
                let (a, b) = (1.0 / den, frac / den);
                sa += a;
                sb += b;
                gaa += a * a;
                gab += a * b;
                gbb += b * b;
            }
            let v = &s2 * (wt * sa) + &d2 * (wt * sb)
                - (&s1 * s1.transpose()) * (wt * gaa)
                - (&s1 * d1.transpose() + &d1 * s1.transpose()) * (wt * gab)
                - (&d1 * d1.transpose()) * (wt * gbb);
            let resid = &xw - &s1 * (wt * sa) - &d1 * (wt * sb);
            let gt = g[group.death_start];
            i_xx += &v;
            i_xg += &v * gt;
            i_gg += &v * (gt * gt);
            u_g.axpy(gt, &resid, 1.0);
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
        test: ChiSqTest::new(quadratic(full, u)?, p as f64),
    };
    Ok(CoxZph { terms, global })
}
