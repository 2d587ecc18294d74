//! Residuals of a fitted Cox model, as R's `residuals.coxph` (survival 3.5-3, algorithms.md
//! §2.10), in O(n·p) after the one sort of the fit.
//!
//! ```text
//! martingale  m_i = δ_i − e^{η_i} Λ̂(t_i)   (Efron fits: Efron-weighted hazard increments,
//!                                            a death shares its own tie only in part)
//! deviance    sign(m_i) √(−2 (m_i + δ_i log(δ_i − m_i)))
//! score       L_i (n × p), Σ_i w_i L_i = U(β̂) = 0
//! schoenfeld  x_i − x̄(t_i) per death (Efron: mean of the d partial risk-set means)
//! dfbeta      w_i L_i V,   dfbetas = dfbeta · diag(1/√diag V)   (V model-based)
//! scaled      schoenfeld · V · (number of deaths) + β̂
//! ```

use nalgebra::DMatrix;

use super::Ties;
use super::fit::CoxFit;
use super::prepare::Prepared;
use super::robust;
use super::sweep;
use crate::survival::risk_set::Arrivals;
use crate::{Design, Error, Result, SurvivalData};

/// Which residuals [`CoxFit::residuals`] computes (R's `residuals(fit, type = ...)`).
///
/// # Examples
/// ```
/// use oncostat::{CoxPh, Design, SurvivalData, ResidualKind};
/// # fn main() -> Result<(), oncostat::Error> {
/// let data = SurvivalData::from_status(
///     vec![5.0, 8.0, 12.0, 3.0, 9.0, 15.0, 7.0, 11.0],
///     &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
/// )?;
/// let x = Design::from_columns([("age", vec![61.0, 55.0, 48.0, 70.0, 52.0, 45.0, 66.0, 59.0])])?;
/// let fit = CoxPh::new().fit(&data, &x)?;
/// let dfbeta = fit.residuals(ResidualKind::Dfbeta)?;
/// assert_eq!(dfbeta.values().shape(), (8, 1)); // n × p
/// assert_eq!(ResidualKind::ScaledSchoenfeld.name(), "scaledsch");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum ResidualKind {
    /// Observed minus expected events, `δ_i − e^{η_i} Λ̂(t_i)` (R's `"martingale"`), one
    /// column.
    Martingale,
    /// Martingale residuals made more symmetric (R's `"deviance"`), one column.
    Deviance,
    /// Each row's contribution to the score vector (R's `"score"`), n × p.
    Score,
    /// Covariate minus its risk-set mean at each death (R's `"schoenfeld"`), one row per
    /// death.
    Schoenfeld,
    /// Schoenfeld residuals scaled by the variance and shifted by β̂ (R's `"scaledsch"`):
    /// their smoothed plot against time estimates β(t).
    #[doc(alias = "scaledsch")]
    ScaledSchoenfeld,
    /// Approximate change in β̂ when the row is left out (R's `"dfbeta"`), n × p.
    Dfbeta,
    /// [`ResidualKind::Dfbeta`] divided by the standard errors (R's `"dfbetas"`), n × p.
    Dfbetas,
}

crate::settings::setting_names!(ResidualKind, "residual type", {
    Martingale => "martingale",
    Deviance => "deviance",
    Score => "score",
    Schoenfeld => "schoenfeld",
    ScaledSchoenfeld => "scaledsch" | "scaled schoenfeld" | "scaled-schoenfeld",
    Dfbeta => "dfbeta",
    Dfbetas => "dfbetas",
});

impl ResidualKind {
    /// `true` for the kinds with one row per death rather than per observation.
    pub fn per_death(self) -> bool {
        matches!(
            self,
            ResidualKind::Schoenfeld | ResidualKind::ScaledSchoenfeld
        )
    }
}

/// Residuals of a Cox fit, from [`CoxFit::residuals`].
///
/// Per-observation kinds have one row per observation in the ORIGINAL row order; the
/// Schoenfeld kinds have one row per death, ordered by stratum, then time, then row, with
/// [`CoxResiduals::times`] and [`CoxResiduals::strata`] naming each row. Martingale and deviance
/// residuals have one column, the others one column per design column.
///
/// # Examples
/// ```
/// use oncostat::{CoxPh, Design, SurvivalData, ResidualKind};
/// # fn main() -> Result<(), oncostat::Error> {
/// let data = SurvivalData::from_status(
///     vec![5.0, 8.0, 12.0, 3.0, 9.0, 15.0, 7.0, 11.0],
///     &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
/// )?;
/// let x = Design::from_columns([("age", vec![61.0, 55.0, 48.0, 70.0, 52.0, 45.0, 66.0, 59.0])])?;
/// let fit = CoxPh::new().fit(&data, &x)?;
/// let sch = fit.residuals(ResidualKind::Schoenfeld)?;
/// assert_eq!(sch.times(), &[3.0, 5.0, 7.0, 8.0, 9.0, 11.0]); // death times, sorted
/// assert_eq!(sch.rows()[0], 3); // the death at t = 3 is observation 4 (0-based 3)
/// let dev = fit.residuals(ResidualKind::Deviance)?.column(0);
/// assert_eq!(dev.map(|d| d.len()), Some(8));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CoxResiduals {
    kind: ResidualKind,
    values: DMatrix<f64>,
    column_names: Vec<String>,
    rows: Vec<usize>,
    times: Vec<f64>,
    strata: Vec<usize>,
}

impl CoxResiduals {
    /// Which residuals these are.
    pub fn kind(&self) -> ResidualKind {
        self.kind
    }

    /// The residuals, rows × columns (see the type's documentation for the row order).
    pub fn values(&self) -> &DMatrix<f64> {
        &self.values
    }

    /// Column `j` as a vector (martingale and deviance residuals: `column(0)`); `None` past the
    /// last column.
    pub fn column(&self, j: usize) -> Option<Vec<f64>> {
        (j < self.values.ncols()).then(|| self.values.column(j).iter().copied().collect())
    }

    /// Column names: the design's for the n × p kinds, the kind's name for the one-column
    /// kinds.
    pub fn column_names(&self) -> &[String] {
        &self.column_names
    }

    /// For the Schoenfeld kinds, the 0-based observation each row belongs to; for the other
    /// kinds `0..n`.
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    /// For the Schoenfeld kinds, the death time of each row (after R's `timefix` when the fit
    /// used it); the observation times otherwise.
    pub fn times(&self) -> &[f64] {
        &self.times
    }

    /// The stratum (index into [`SurvivalData::strata_labels`]) of each row; all 0 without
    /// strata.
    pub fn strata(&self) -> &[usize] {
        &self.strata
    }
}

/// Sorted data, sorted linear predictors (`η`, centred as the fit's) and per tie group the
/// hazard increments and death means the residuals need.
pub(super) struct ResidualPass {
    pub prepared: Prepared,
    pub eta: Vec<f64>,
    /// Hazard increment of a row at risk but not dying at the group's time.
    pub hazard: Vec<f64>,
    /// Hazard increment of a death at the group's time (Efron: its tie only in part).
    pub hazard_death: Vec<f64>,
    /// Risk-set mean `x̄` of each tie group (Efron: mean of the partial means), `groups × p`,
    /// in the centred and scaled coordinates of `prepared`.
    pub death_mean: Vec<f64>,
}

impl ResidualPass {
    /// Checks `data` and `x` against the fit and runs the backward pass.
    pub fn new(fit: &CoxFit, data: &SurvivalData, x: &Design) -> Result<Self> {
        check_shape(fit, data, x)?;
        let prepared = Prepared::new(data, x, fit.timefix)?;
        let lp = fit.linear_predictors();
        let eta: Vec<f64> = prepared.order.iter().map(|&i| lp[i as usize]).collect();
        let (hazard, hazard_death, death_mean) = group_pass(&prepared, fit.ties, &eta);
        Ok(ResidualPass {
            prepared,
            eta,
            hazard,
            hazard_death,
            death_mean,
        })
    }

    /// Martingale residuals in sorted order.
    pub fn martingale_sorted(&self) -> Vec<f64> {
        let data = &self.prepared;
        let mut out = vec![0.0; data.n];
        let counting = data.counting.as_ref();
        // counting data: cumulative hazard up to each row's start time
        let mut entry = vec![0.0; if counting.is_some() { data.n } else { 0 }];
        for stratum in &data.strata {
            let mut cumulative = 0.0;
            let rows = data.stratum_rows(stratum);
            let mut arrivals = Arrivals::new(data, rows);
            for g in stratum.groups.clone() {
                let group = data.groups[g];
                arrivals.advance(data.time[group.start()], |k| entry[k] = cumulative);
                for (k, m) in out
                    .iter_mut()
                    .enumerate()
                    .take(group.end())
                    .skip(group.start())
                {
                    let death = data.is_event(k);
                    let step = if death {
                        self.hazard_death[g]
                    } else {
                        self.hazard[g]
                    };
                    let before = entry.get(k).copied().unwrap_or(0.0);
                    *m = f64::from(u8::from(death))
                        - self.eta[k].exp() * (cumulative + step - before);
                }
                cumulative += self.hazard[g];
            }
        }
        out
    }
}

/// `data` and `x` must be the fit's: same number of rows and the fitted column names.
pub(super) fn check_shape(fit: &CoxFit, data: &SurvivalData, x: &Design) -> Result<()> {
    if data.len() != fit.n {
        return Err(Error::mismatch(
            "survival data rows (must be the fitted data)",
            fit.n,
            data.len(),
        ));
    }
    if x.names() != fit.term_names.as_slice() {
        return Err(Error::mismatch(
            "design columns (must be the fitted ones)",
            fit.term_names.len(),
            x.ncols(),
        ));
    }
    if x.nrows() != fit.n {
        return Err(Error::mismatch("design matrix rows", fit.n, x.nrows()));
    }
    Ok(())
}

/// Efron step sums of one tie group: with `den_k = s0 + f_k d0`, `f_k = k/steps`,
/// returns `(Σ 1/den_k, Σ f_k/den_k)` (Breslow or one death: one step with `f = 1`).
pub(super) fn efron_sums(s0: f64, d0: f64, steps: usize) -> (f64, f64) {
    let (mut sa, mut sb) = (0.0, 0.0);
    for k in 1..=steps {
        let frac = k as f64 / steps as f64;
        let den = s0 + frac * d0;
        sa += 1.0 / den;
        sb += frac / den;
    }
    (sa, sb)
}

/// Number of Efron steps of a tie group with `deaths` deaths.
pub(super) fn steps_of(ties: Ties, deaths: usize) -> usize {
    if ties == Ties::Breslow || deaths <= 1 {
        1
    } else {
        deaths
    }
}

/// One backward pass: per tie group the hazard increments (at risk / dying) and the death
/// mean `x̄` (scaled coordinates).
fn group_pass(data: &Prepared, ties: Ties, eta: &[f64]) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let p = data.p;
    let groups = data.groups.len();
    let mut hazard = vec![0.0; groups];
    let mut hazard_death = vec![0.0; groups];
    let mut death_mean = vec![0.0; groups * p];
    let risk: Vec<f64> = eta
        .iter()
        .zip(data.weight.range(0..data.n))
        .map(|(e, w)| w * e.exp())
        .collect();
    sweep::for_each_death_group(data, &risk, |sums| {
        let g = sums.group;
        let steps = steps_of(ties, sums.n_deaths);
        let (sa, sb) = efron_sums(sums.s0, sums.d0, steps);
        let mean_weight = sums.death_weight / steps as f64;
        hazard[g] = mean_weight * sa;
        hazard_death[g] = mean_weight * sb;
        for ((m, s), d) in death_mean[g * p..(g + 1) * p]
            .iter_mut()
            .zip(sums.s1)
            .zip(sums.d1)
        {
            *m = (sa * s + sb * d) / steps as f64;
        }
    });
    (hazard, hazard_death, death_mean)
}

impl CoxFit {
    /// Residuals of the fit (R's `residuals(fit, type = ...)`, survival 3.5-3 defaults: only
    /// dfbeta and dfbetas are multiplied by the case weights), on the data the model was
    /// fitted to (kept by the fit).
    ///
    /// ```text
    /// martingale  m_i = δ_i − e^{η_i} Λ̂(t_i)        deviance  sign(m)·√(−2(m + δ log(δ − m)))
    /// score       L_i                                schoenfeld x_i − x̄(t_i) per death
    /// dfbeta      w_i L_i V     dfbetas  dfbeta_ij / √V_jj     scaledsch  r V·(deaths) + β̂
    /// ```
    /// Efron fits use Efron-weighted hazard increments and the mean of the partial risk-set
    /// means, as R; counting-process `(start, stop]` rows are at risk on their interval only
    /// (martingale: `δ_i − e^{η_i}(Λ̂(stop_i) − Λ̂(start_i))`, R's `agreg` residuals); V is the model-based variance (R's `naive.var` when robust). Aliased
    /// columns get zero (dfbeta) or NaN (dfbetas) columns; their scaled Schoenfeld residuals
    /// use β = 0 as R.
    ///
    /// # Errors
    /// * [`Error::DimensionMismatch`] if `data` or `x` do not have the fit's rows or columns.
    ///
    /// # Examples
    /// ```
    /// use oncostat::{CoxPh, Design, ResidualKind, SurvivalData, Ties};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let data = SurvivalData::from_status(
    ///     vec![5.0, 8.0, 12.0, 3.0, 9.0, 15.0, 7.0, 11.0],
    ///     &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
    /// )?;
    /// let x = Design::from_columns([("age", vec![61.0, 55.0, 48.0, 70.0, 52.0, 45.0, 66.0, 59.0])])?;
    /// let fit = CoxPh::new().ties(Ties::Breslow).fit(&data, &x)?;
    /// let m = fit.residuals(ResidualKind::Martingale)?;
    /// // Breslow: the martingale residuals sum to zero at β̂
    /// assert!(m.values().sum().abs() < 1e-9);
    /// let sch = fit.residuals(ResidualKind::Schoenfeld)?;
    /// assert_eq!(sch.values().nrows(), 6); // one row per death
    /// # Ok(()) }
    /// ```
    pub fn residuals(&self, kind: ResidualKind) -> Result<CoxResiduals> {
        let (data, x) = self.inputs()?;
        let pass = ResidualPass::new(self, data, x)?;
        let prep = &pass.prepared;
        let (n, p) = (prep.n, prep.p);
        let strata_of = |i: usize| data.strata().map_or(0, |s| s[i]);
        if kind.per_death() {
            return Ok(self.schoenfeld(&pass, kind, data));
        }
        let values = match kind {
            ResidualKind::Martingale | ResidualKind::Deviance => {
                let sorted = pass.martingale_sorted();
                let mut m = DMatrix::zeros(n, 1);
                for (k, i) in prep.order.iter().map(|&i| i as usize).enumerate() {
                    m[(i, 0)] = if kind == ResidualKind::Deviance {
                        deviance(sorted[k], prep.is_event(k))
                    } else {
                        sorted[k]
                    };
                }
                m
            }
            _ => {
                let scores = robust::score_residuals(prep, self.ties, &pass.eta);
                let mut l = DMatrix::zeros(n, p);
                for (k, i) in prep.order.iter().map(|&i| i as usize).enumerate() {
                    for j in 0..p {
                        l[(i, j)] = scores[k * p + j] / prep.scales[j];
                    }
                }
                if kind == ResidualKind::Score {
                    l
                } else {
                    let v = &self.naive_covariance;
                    let mut dfbeta = l * v;
                    for (i, mut row) in dfbeta.row_iter_mut().enumerate() {
                        row *= data.weight(i);
                    }
                    if kind == ResidualKind::Dfbetas {
                        for (j, mut col) in dfbeta.column_iter_mut().enumerate() {
                            col *= 1.0 / v[(j, j)].sqrt();
                        }
                    }
                    dfbeta
                }
            }
        };
        let one_column = matches!(kind, ResidualKind::Martingale | ResidualKind::Deviance);
        Ok(CoxResiduals {
            kind,
            values,
            column_names: if one_column {
                vec![kind.name().to_string()]
            } else {
                self.term_names.clone()
            },
            rows: (0..n).collect(),
            times: data.time().to_vec(),
            strata: (0..n).map(strata_of).collect(),
        })
    }

    /// Schoenfeld residuals (scaled or not), one row per death in sorted order.
    fn schoenfeld(
        &self,
        pass: &ResidualPass,
        kind: ResidualKind,
        data: &SurvivalData,
    ) -> CoxResiduals {
        let prep = &pass.prepared;
        let p = prep.p;
        let deaths: Vec<(usize, usize)> = prep
            .groups
            .iter()
            .enumerate()
            .flat_map(|(g, group)| (group.death_start()..group.end()).map(move |k| (g, k)))
            .collect();
        let mut values = DMatrix::zeros(deaths.len(), p);
        for (row, &(g, k)) in deaths.iter().enumerate() {
            for (j, (x, m)) in prep
                .row(k)
                .iter()
                .zip(&pass.death_mean[g * p..(g + 1) * p])
                .enumerate()
            {
                values[(row, j)] = (x - m) / prep.scales[j];
            }
        }
        if kind == ResidualKind::ScaledSchoenfeld {
            values = values * &self.naive_covariance * deaths.len() as f64;
            for (j, mut col) in values.column_iter_mut().enumerate() {
                let b = self.coefficients[j];
                col.add_scalar_mut(if b.is_nan() { 0.0 } else { b });
            }
        }
        let rows: Vec<usize> = deaths
            .iter()
            .map(|&(_, k)| prep.order[k] as usize)
            .collect();
        CoxResiduals {
            kind,
            values,
            column_names: self.term_names.clone(),
            times: deaths.iter().map(|&(_, k)| prep.time[k]).collect(),
            strata: rows
                .iter()
                .map(|&i| data.strata().map_or(0, |s| s[i]))
                .collect(),
            rows,
        }
    }
}

/// R's deviance residual `sign(m)·√(−2(m + δ log(δ − m)))`.
fn deviance(m: f64, event: bool) -> f64 {
    let inner = if event { m + (1.0 - m).ln() } else { m };
    m.signum() * (-2.0 * inner).sqrt()
}
