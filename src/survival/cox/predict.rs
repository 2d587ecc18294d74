//! Baseline hazard, predicted survival curves and linear predictors for new covariate
//! values (R's `basehaz`, `survfit.coxph(fit, newdata)` and `predict.coxph`, survival 3.5-3,
//! algorithms.md §2.11).
//!
//! ```text
//! per stratum and distinct time t (R's agsurv, Efron fits: ctype 2):
//!   dΛ0(t) = Σ_{k<d} (w̄_d / d) / (R(t) − (k/d) R_d(t))        (Breslow: W_d / R(t))
//!   dV(t)  = Σ_{k<d} (w̄_d / d) / (R(t) − (k/d) R_d(t))²
//!   dX̄(t)  = Σ_{k<d} (w̄_d / d) (S1(t) − (k/d) S1_d(t)) / (R(t) − (k/d) R_d(t))²
//! for new x:  r = exp((x − means)'β̂),  H(t) = r Λ0(t),  S(t) = exp(−H(t))
//!   var H(t) = r² (Σ dV + d(t)' Var(β̂) d(t)),  d(t) = Λ0(t)(x − means) − Σ dX̄   (Tsiatis)
//!   95% CI (log): exp(−H ∓ z·se(H)), upper capped at 1
//! ```
//! `R(t) = Σ_{at risk} w e^η`, `R_d`, `S1_d` over the deaths at t, `w̄_d = Σ_deaths w`, d the
//! number of deaths, η the fit's centred linear predictor. Counting-process rows `(start, stop]`
//! are at risk at t iff `start < t <= stop` (R's agsurv for `Surv(start, stop, event)`).

use nalgebra::DVector;

use super::Ties;
use super::fit::CoxFit;
use super::prepare::{Departures, Prepared};
use super::residuals::check_shape;
use crate::stats::z_for_level;
use crate::{Design, Error, Result, SurvivalCurve, SurvivalData};

/// Where [`CoxFit::basehaz`] puts the baseline (R's `basehaz(fit, centered = )`).
///
/// ```
/// use oncostat::Centering;
/// assert_eq!("centered".parse::<Centering>().unwrap(), Centering::Means);
/// assert_eq!(Centering::Zero.to_string(), "zero");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Centering {
    /// At the covariate means [`CoxFit::means`] (R's default, `centered = TRUE`).
    #[default]
    Means,
    /// At x = 0 (`centered = FALSE`).
    Zero,
}

crate::settings::setting_names!(Centering, "centering", {
    Means => "means" | "centered" | "true",
    Zero => "zero" | "uncentered" | "false",
});

/// The baseline cumulative hazard (R's `basehaz(fit, centered)`): one row per distinct time
/// within each stratum.
///
/// # Examples
/// ```
/// use oncostat::{Centering, CoxPh, Design, SurvivalData};
/// # fn main() -> Result<(), oncostat::Error> {
/// let data = SurvivalData::from_status(
///     vec![5.0, 8.0, 12.0, 3.0, 9.0, 15.0, 7.0, 11.0],
///     &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
/// )?;
/// let x = Design::from_columns([("age", vec![61.0, 55.0, 48.0, 70.0, 52.0, 45.0, 66.0, 59.0])])?;
/// let fit = CoxPh::new().fit(&data, &x)?;
/// let centred = fit.basehaz(Centering::Means)?;
/// let at_zero = fit.basehaz(Centering::Zero)?;
/// let shift = (-fit.means()[0] * fit.coefficients()[0]).exp();
/// assert!((at_zero.cumhaz()[7] - centred.cumhaz()[7] * shift).abs() < 1e-12);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct BaselineHazard {
    centered: bool,
    time: Vec<f64>,
    cumhaz: Vec<f64>,
    strata: Vec<usize>,
}

impl BaselineHazard {
    /// `true` if evaluated at the covariate means (R's default), `false` at x = 0.
    pub fn centered(&self) -> bool {
        self.centered
    }

    /// Times (R's `time`), ordered by stratum then time.
    pub fn time(&self) -> &[f64] {
        &self.time
    }

    /// Cumulative hazard at each time (R's `hazard` column).
    pub fn cumhaz(&self) -> &[f64] {
        &self.cumhaz
    }

    /// Stratum index of each row (into [`SurvivalData::strata_labels`]; all 0 without strata).
    pub fn strata(&self) -> &[usize] {
        &self.strata
    }
}

/// Per-stratum increments of the baseline at the covariate means.
struct StratumSteps {
    stratum: usize,
    time: Vec<f64>,
    n_risk: Vec<f64>,
    n_event: Vec<f64>,
    n_censor: Vec<f64>,
    hazard: Vec<f64>,
    var_hazard: Vec<f64>,
    /// `dX̄` increments, `times × p`, in the scaled coordinates.
    xbar: Vec<f64>,
}

/// One pass over the sorted data: hazard, variance and `dX̄` increments per distinct time.
fn baseline_steps(
    data: &Prepared,
    ties: Ties,
    eta: &[f64],
    stratum_of: &[usize],
) -> Vec<StratumSteps> {
    let p = data.p;
    let mut out = Vec::with_capacity(data.strata.len());
    let mut s1 = vec![0.0; p];
    let mut d1 = vec![0.0; p];
    for span in &data.strata {
        let n_groups = span.groups.len();
        let first = span.groups.start;
        let mut steps = StratumSteps {
            stratum: data.groups.get(first).map_or(0, |g| stratum_of[g.start()]),
            time: vec![0.0; n_groups],
            n_risk: vec![0.0; n_groups],
            n_event: vec![0.0; n_groups],
            n_censor: vec![0.0; n_groups],
            hazard: vec![0.0; n_groups],
            var_hazard: vec![0.0; n_groups],
            xbar: vec![0.0; n_groups * p],
        };
        let (mut risk, mut at_risk) = (0.0, 0.0);
        s1.fill(0.0);
        let mut departures = Departures::new(data.stratum_rows(span));
        for g in span.groups.clone().rev() {
            let group = data.groups[g];
            let i = g - first;
            departures.advance(data, &group, |leaving| match leaving {
                None => {
                    (risk, at_risk) = (0.0, 0.0);
                    s1.fill(0.0);
                }
                Some(k) => {
                    let r = data.weight[k] * eta[k].exp();
                    risk -= r;
                    at_risk -= data.weight[k];
                    for (s, z) in s1.iter_mut().zip(data.row(k)) {
                        *s -= r * z;
                    }
                }
            });
            let (mut d0, mut wd, mut wc) = (0.0, 0.0, 0.0);
            d1.fill(0.0);
            let rows = group.start()..group.end();
            for ((k, w), &e) in rows
                .clone()
                .zip(data.weight.range(rows.clone()))
                .zip(&eta[rows])
            {
                let r = w * e.exp();
                risk += r;
                at_risk += w;
                for (s, z) in s1.iter_mut().zip(data.row(k)) {
                    *s += r * z;
                }
                if data.is_event(k) {
                    d0 += r;
                    wd += w;
                    for (d, z) in d1.iter_mut().zip(data.row(k)) {
                        *d += r * z;
                    }
                } else {
                    wc += w;
                }
            }
            steps.time[i] = data.time[group.start()];
            steps.n_risk[i] = at_risk;
            steps.n_event[i] = wd;
            steps.n_censor[i] = wc;
            let nd = group.n_deaths();
            if nd == 0 {
                continue;
            }
            let d = if ties == Ties::Efron { nd } else { 1 };
            let (mut sum1, mut sum2) = (0.0, 0.0);
            let xb = &mut steps.xbar[i * p..(i + 1) * p];
            for k in 0..d {
                let f = k as f64 / d as f64;
                let den = risk - f * d0;
                sum1 += 1.0 / den;
                sum2 += 1.0 / (den * den);
                for ((x, s), dd) in xb.iter_mut().zip(&s1).zip(&d1) {
                    *x += (s - f * dd) / (den * den);
                }
            }
            let scale = wd / d as f64;
            steps.hazard[i] = scale * sum1;
            steps.var_hazard[i] = scale * sum2;
            for x in xb.iter_mut() {
                *x *= scale;
            }
        }
        out.push(steps);
    }
    out
}

impl CoxFit {
    /// Runs the baseline pass on the fit's data.
    fn baseline(&self, data: &SurvivalData, x: &Design) -> Result<(Prepared, Vec<StratumSteps>)> {
        check_shape(self, data, x)?;
        let prepared = Prepared::new(data, x, self.timefix)?;
        let lp = self.linear_predictors();
        let eta: Vec<f64> = prepared.order.iter().map(|&i| lp[i as usize]).collect();
        let stratum_of: Vec<usize> = prepared
            .order
            .iter()
            .map(|&i| data.strata().map_or(0, |s| s[i as usize]))
            .collect();
        let steps = baseline_steps(&prepared, self.ties, &eta, &stratum_of);
        Ok((prepared, steps))
    }

    /// β̂ with aliased (NaN) coefficients as 0, as R's predictions do.
    fn usable_coefficients(&self) -> Vec<f64> {
        self.coefficients
            .iter()
            .map(|&b| if b.is_nan() { 0.0 } else { b })
            .collect()
    }

    /// Baseline cumulative hazard (R's `basehaz(fit, centered)`): at the covariate means
    /// ([`CoxFit::means`], 0 for columns in {-1, 0, 1}) with [`Centering::Means`], else at
    /// x = 0 (`Λ0 · exp(−means'β̂)`). Efron fits use Efron-adjusted increments, as R. On the
    /// data the model was fitted to (kept by the fit).
    ///
    /// ```text
    /// Λ0(t) = Σ_{s ≤ t} dΛ0(s),  dΛ0 = W_d / Σ_{at risk} w e^η   (Efron: averaged over the tie)
    /// ```
    ///
    /// # Errors
    /// * [`Error::DimensionMismatch`] if `data` or `x` do not have the fit's rows or columns.
    ///
    /// # Examples
    /// ```
    /// use oncostat::{Centering, CoxPh, Design, SurvivalData};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let data = SurvivalData::from_status(vec![1.0, 2.0, 3.0, 4.0], &[1.0, 1.0, 0.0, 1.0])?;
    /// let x = Design::from_columns([("dose", vec![0.5, 1.5, 1.0, 2.0])])?;
    /// let fit = CoxPh::new().fit(&data, &x)?;
    /// let h = fit.basehaz(Centering::Means)?;
    /// assert_eq!(h.time(), &[1.0, 2.0, 3.0, 4.0]);
    /// assert!(h.cumhaz().windows(2).all(|w| w[0] <= w[1]));
    /// # Ok(()) }
    /// ```
    pub fn basehaz(&self, centering: Centering) -> Result<BaselineHazard> {
        let centered = centering == Centering::Means;
        let (data, x) = self.inputs()?;
        let (_, steps) = self.baseline(data, x)?;
        let shift: f64 = if centered {
            1.0
        } else {
            let mb: f64 = self
                .usable_coefficients()
                .iter()
                .zip(self.means.iter())
                .map(|(b, m)| b * m)
                .sum();
            (-mb).exp()
        };
        let mut out = BaselineHazard {
            centered,
            time: Vec::new(),
            cumhaz: Vec::new(),
            strata: Vec::new(),
        };
        for s in &steps {
            let mut h = 0.0;
            for (t, dh) in s.time.iter().zip(&s.hazard) {
                h += dh;
                out.time.push(*t);
                out.cumhaz.push(h * shift);
                out.strata.push(s.stratum);
            }
        }
        Ok(out)
    }

    /// Predicted survival curves for a new covariate vector `newdata` (one value per design
    /// column, in design order), one [`SurvivalCurve`] per stratum (R's `survfit(fit,
    /// newdata)`, labelled by the stratum, `"all"` without strata; `n` and events count the
    /// stratum's rows), with log-type pointwise intervals at `level`. The variance is Tsiatis' including the
    /// uncertainty of β̂ (with [`CoxFit::variance`], robust when on, as R). For a fit with
    /// offsets the curve is for a subject at the mean offset (R reads a new offset from
    /// `newdata`).
    ///
    /// ```text
    /// S(t | x) = exp(−Λ0(t) e^{(x − means)'β̂})
    /// var H = e^{2(x − means)'β̂} (Σ dV + d(t)' V d(t)),  d(t) = Λ0(t)(x − means) − X̄(t)
    /// ```
    ///
    /// # Errors
    /// * [`Error::DimensionMismatch`] if `data` or `x` do not have the fit's rows or columns,
    ///   or `newdata` not one value per column.
    /// * [`Error::NonFinite`] if `newdata` holds NaN or ±∞.
    /// * [`Error::InvalidParameter`] if `level` is not strictly between 0 and 1.
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
    /// let curves = fit.survfit(&[60.0], 0.95)?;
    /// let curve = &curves[0];
    /// assert_eq!((curve.label(), curve.times().len(), curve.n_events()), ("all", 8, 6));
    /// assert!(curve.survival().windows(2).all(|s| s[0] >= s[1]));
    /// assert_eq!(curve.at(1.0).survival, 1.0); // before the first time
    /// let at_10 = curve.at(10.0);
    /// assert!(at_10.lower <= at_10.survival && at_10.survival <= at_10.upper);
    /// assert!(curve.median().is_some()); // print.survfit, quantile, rmean as for KM
    /// # Ok(()) }
    /// ```
    pub fn survfit(&self, newdata: &[f64], level: f64) -> Result<Vec<SurvivalCurve>> {
        let (data, x) = self.inputs()?;
        let z = z_for_level(level)?;
        let p = self.coefficients.len();
        if newdata.len() != p {
            return Err(Error::mismatch("new covariate values", p, newdata.len()));
        }
        crate::design::check_finite("newdata", newdata)?;
        let (prepared, steps) = self.baseline(data, x)?;
        let beta = self.usable_coefficients();
        let centred: Vec<f64> = newdata
            .iter()
            .zip(self.means.iter())
            .map(|(v, m)| v - m)
            .collect();
        let risk = centred
            .iter()
            .zip(&beta)
            .map(|(c, b)| c * b)
            .sum::<f64>()
            .exp();
        let v = &self.covariance;
        let labels = data.strata_labels();
        let mut curves = Vec::with_capacity(steps.len());
        let mut xbar = vec![0.0; p];
        let mut dt = DVector::<f64>::zeros(p);
        for s in &steps {
            let len = s.time.len();
            let (mut h0, mut var0) = (0.0, 0.0);
            xbar.fill(0.0);
            let mut cumhaz = Vec::with_capacity(len);
            let mut std_err = Vec::with_capacity(len);
            for i in 0..len {
                h0 += s.hazard[i];
                var0 += s.var_hazard[i];
                for (j, xb) in xbar.iter_mut().enumerate() {
                    *xb += s.xbar[i * p + j] / prepared.scales[j];
                    dt[j] = h0 * centred[j] - *xb;
                }
                let quad = (v * &dt).dot(&dt);
                cumhaz.push(h0 * risk);
                std_err.push(((var0 + quad) * risk * risk).sqrt());
            }
            let in_stratum = |i: usize| data.strata().is_none_or(|codes| codes[i] == s.stratum);
            let rows = (0..data.len()).filter(|&i| in_stratum(i));
            let n = rows.clone().count();
            let n_events = rows.filter(|&i| data.event()[i]).count();
            let label = match data.strata() {
                Some(_) => labels.get(s.stratum).cloned().unwrap_or_default(),
                None => "all".to_string(),
            };
            curves.push(SurvivalCurve::cox(
                label,
                (n, n_events),
                [
                    s.time.clone(),
                    s.n_risk.clone(),
                    s.n_event.clone(),
                    s.n_censor.clone(),
                ],
                (cumhaz, std_err),
                (level, z),
            ));
        }
        Ok(curves)
    }

    /// Linear predictors for new covariate rows, centred at the fit's means as R's
    /// `predict(fit, newdata, type = "lp")` (offsets are not added; aliased columns count 0).
    ///
    /// ```text
    /// lp_i = (x_i − means)'β̂
    /// ```
    ///
    /// # Errors
    /// * [`Error::UnknownColumn`] naming the first column of `newdata` that is not the fitted
    ///   column at its place, or [`Error::DimensionMismatch`] naming the first fitted column
    ///   `newdata` lacks.
    ///
    /// # Examples
    /// ```
    /// use oncostat::{CoxPh, Design, SurvivalData};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let data = SurvivalData::from_status(vec![1.0, 2.0, 3.0, 4.0], &[1.0, 1.0, 0.0, 1.0])?;
    /// let x = Design::from_columns([("dose", vec![0.5, 1.5, 1.0, 2.0])])?;
    /// let fit = CoxPh::new().fit(&data, &x)?;
    /// let lp = fit.linear_predictor(&x)?;
    /// assert!((lp[0] - fit.linear_predictors()[0]).abs() < 1e-12);
    /// let rr = fit.relative_risk(&x)?;
    /// assert!((rr[0] - lp[0].exp()).abs() < 1e-12);
    /// # Ok(()) }
    /// ```
    pub fn linear_predictor(&self, newdata: &Design) -> Result<DVector<f64>> {
        check_columns(&self.term_names, newdata.names())?;
        let beta = self.usable_coefficients();
        let centre: f64 = beta.iter().zip(self.means.iter()).map(|(b, m)| b * m).sum();
        let m = newdata.matrix();
        Ok(DVector::from_fn(m.nrows(), |i, _| {
            (0..m.ncols()).map(|j| m[(i, j)] * beta[j]).sum::<f64>() - centre
        }))
    }

    /// Relative risks `exp(lp)` for new covariate rows, relative to a subject at the means
    /// (R's `predict(fit, newdata, type = "risk")`).
    ///
    /// ```text
    /// risk_i = exp((x_i − means)'β̂)
    /// ```
    ///
    /// # Errors
    /// * [`Error::DimensionMismatch`] as [`CoxFit::linear_predictor`].
    ///
    /// # Examples
    /// ```
    /// use oncostat::{CoxPh, Design, SurvivalData};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let data = SurvivalData::from_status(vec![1.0, 2.0, 3.0, 4.0], &[1.0, 1.0, 0.0, 1.0])?;
    /// let x = Design::from_columns([("dose", vec![0.5, 1.5, 1.0, 2.0])])?;
    /// let fit = CoxPh::new().fit(&data, &x)?;
    /// let at_mean = Design::from_columns([("dose", vec![fit.means()[0]])])?;
    /// assert!((fit.relative_risk(&at_mean)?[0] - 1.0).abs() < 1e-12);
    /// # Ok(()) }
    /// ```
    pub fn relative_risk(&self, newdata: &Design) -> Result<DVector<f64>> {
        Ok(self.linear_predictor(newdata)?.map(f64::exp))
    }
}

/// A design for prediction must have the fitted columns, in the fitted order: the first
/// column that differs is named.
///
/// # Errors
/// [`Error::UnknownColumn`] for a column the fit does not have (or one out of order);
/// [`Error::DimensionMismatch`] naming the first fitted column that is missing.
pub(crate) fn check_columns(fitted: &[String], given: &[String]) -> Result<()> {
    for (j, name) in given.iter().enumerate() {
        if fitted.get(j) != Some(name) {
            return Err(Error::UnknownColumn { name: name.clone() });
        }
    }
    match fitted.get(given.len()) {
        Some(missing) => Err(Error::mismatch(
            format!("design columns (fitted column `{missing}` is missing)"),
            fitted.len(),
            given.len(),
        )),
        None => Ok(()),
    }
}
