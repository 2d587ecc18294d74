//! Fits from a formula: the fit, its model frame and its term tests and predictions by name.

use std::ops::Deref;

use nalgebra::{DMatrix, DVector};

use super::model::{Fitter, FrameData, FrameResponse, ModelFrame, Term};
use super::{Formula, Table};
use crate::{
    BinaryOutcome, ChiSqTest, CoxFit, CoxPh, CoxZph, Design, Error, FirthFit, FirthRegression,
    LogisticFit, LogisticRegression, Result, SurvReg, SurvRegFit, SurvivalCurve, SurvivalData,
};

/// The settings a fit was made with, for the refits of the term tests.
#[derive(Debug, Clone)]
enum Settings {
    Cox(CoxPh),
    Logistic(LogisticRegression),
    Firth,
    SurvReg(SurvReg),
}

/// A fit made from a formula: the fitted model (every accessor of `F` through `Deref`), its
/// [`ModelFrame`] (terms, levels, dropped rows) and the data it was fitted to, so that terms
/// can be tested and new data predicted by column name and factor label.
///
/// ```
/// use oncostat::frame::{Column, Formula, Table};
/// use oncostat::CoxPh;
/// # fn main() -> Result<(), oncostat::Error> {
/// let t = Table::from_columns([
///     ("time", Column::numbers([5.0, 8.0, 12.0, 3.0, 9.0, 15.0, 7.0, 11.0, 4.0, 10.0].map(Some))),
///     ("status", Column::numbers([1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0].map(Some))),
///     ("age", Column::numbers([61.0, 55.0, 48.0, 70.0, 52.0, 45.0, 66.0, 59.0, 72.0, 50.0].map(Some))),
///     ("arm", Column::text(["a", "b", "a", "b", "a", "b", "a", "b", "a", "b"].map(Some))),
/// ])?;
/// let fit = CoxPh::new().fit_formula(&Formula::parse("Surv(time, status) ~ age + arm")?, &t)?;
/// assert_eq!(fit.term_names(), ["age", "armb"]);
/// let hr_arm = fit.coefficient("armb")?.exp();
/// assert!(hr_arm > 0.0);
/// let tests = fit.term_tests()?;
/// assert_eq!(tests[1].term(), "arm");
/// assert!(tests[1].lr().is_some());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct FormulaFit<F> {
    fit: F,
    frame: ModelFrame,
    design: Design,
    response: FrameResponse,
    settings: Settings,
}

impl<F> Deref for FormulaFit<F> {
    type Target = F;
    fn deref(&self) -> &F {
        &self.fit
    }
}

/// One term's tests (R's `drop1(fit, test = "Chisq")` and the joint Wald test).
///
/// * `wald`: `b' V⁻¹ b` over the term's non-aliased coefficients, with the fit's variance
///   (robust when the fit is robust), on as many df;
/// * `lr`: the likelihood-ratio test of dropping the term alone, refitted on the same rows
///   (for Firth fits the penalized LR with the full model's penalty, as `logistf`'s `drop1`);
///   `None` when the term is contained in an interaction (marginality, as `drop1`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TermTest {
    term: String,
    df: usize,
    wald: ChiSqTest,
    lr: Option<ChiSqTest>,
}

impl TermTest {
    /// The term's label.
    pub fn term(&self) -> &str {
        &self.term
    }

    /// Degrees of freedom: the term's non-aliased coefficients.
    pub fn df(&self) -> usize {
        self.df
    }

    /// The joint Wald test.
    pub fn wald(&self) -> ChiSqTest {
        self.wald
    }

    /// The likelihood-ratio test of dropping the term (`None` under marginality).
    pub fn lr(&self) -> Option<ChiSqTest> {
        self.lr
    }
}

impl<F> FormulaFit<F> {
    /// The fitted model.
    pub fn fit(&self) -> &F {
        &self.fit
    }

    /// The fitted model, without the frame and data.
    pub fn into_inner(self) -> F {
        self.fit
    }

    /// The model frame: terms, levels, strata, dropped rows.
    pub fn frame(&self) -> &ModelFrame {
        &self.frame
    }

    /// The terms in R's order.
    pub fn terms(&self) -> &[Term] {
        self.frame.terms()
    }

    /// 1-based table rows dropped for a missing value (R's `na.action`).
    pub fn dropped_rows(&self) -> &[usize] {
        self.frame.dropped_rows()
    }

    /// Number of rows dropped for missing values.
    pub fn n_dropped(&self) -> usize {
        self.frame.n_dropped()
    }

    /// The design the model was fitted to (kept rows).
    pub fn design(&self) -> &Design {
        &self.design
    }

    /// The index of the coefficient named `name`.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`] if there is no such coefficient.
    pub fn index_of(&self, name: &str) -> Result<usize> {
        self.design.index_of(name)
    }

    fn groups(&self) -> Vec<(String, Vec<usize>)> {
        self.terms()
            .iter()
            .map(|t| (t.label().to_string(), t.columns().to_vec()))
            .collect()
    }

    /// `true` if term `i` is contained in another term (no LR test, as `drop1`).
    fn marginal(&self, i: usize) -> bool {
        let terms = self.terms();
        terms
            .iter()
            .enumerate()
            .any(|(j, t)| j != i && terms[i].contained_in(t))
    }

    /// The design without the columns of term `i`.
    fn design_without(&self, i: usize) -> Result<Option<Design>> {
        let drop = self.terms()[i].columns();
        let keep: Vec<usize> = (0..self.design.ncols())
            .filter(|j| !drop.contains(j))
            .collect();
        if keep.is_empty() {
            return Ok(None);
        }
        let names = keep
            .iter()
            .map(|&j| self.design.names()[j].clone())
            .collect();
        Design::from_matrix(names, self.design.matrix().select_columns(&keep)).map(Some)
    }

    /// Each term's joint Wald test and, unless the term is marginal, the LR test of
    /// dropping it: `dropped(x)` refits on the design without the term (`None`: no column
    /// left) and gives the LR statistic against the full model and the reduced model's rank.
    fn term_tests_by(
        &self,
        beta: &DVector<f64>,
        variance: &DMatrix<f64>,
        full_rank: usize,
        mut dropped: impl FnMut(Option<&Design>) -> Result<(f64, usize)>,
    ) -> Result<Vec<TermTest>> {
        let mut out = Vec::with_capacity(self.terms().len());
        for (i, term) in self.terms().iter().enumerate() {
            let (w, df) = wald(beta, variance, term.columns())?;
            let lr = if self.marginal(i) {
                None
            } else {
                let (stat, r) = dropped(self.design_without(i)?.as_ref())?;
                Some(ChiSqTest::new(stat, (full_rank - r) as f64))
            };
            out.push(TermTest {
                term: term.label().to_string(),
                df,
                wald: w,
                lr,
            });
        }
        Ok(out)
    }
}

/// `b' V⁻¹ b` over the columns `cols` whose coefficient is finite (not aliased).
///
/// `v` is either over every coefficient (Cox, Firth; survreg, whose scale parameters follow
/// the coefficients: zero rows and columns for aliased ones) or, as R's `vcov` of a `glm`,
/// over the non-aliased coefficients only (logistic); then column `j` is row `k` of `v` for
/// the `k`-th non-aliased coefficient.
fn wald(beta: &DVector<f64>, v: &DMatrix<f64>, cols: &[usize]) -> Result<(ChiSqTest, usize)> {
    let full = v.nrows() >= beta.len();
    let row_of: Vec<Option<usize>> = if full {
        (0..beta.len()).map(Some).collect()
    } else {
        let mut k = 0;
        beta.iter()
            .map(|b| {
                (!b.is_nan()).then(|| {
                    k += 1;
                    k - 1
                })
            })
            .collect()
    };
    let kept = row_of.iter().flatten().count();
    if (!full && kept != v.nrows()) || v.ncols() != v.nrows() {
        return Err(Error::DimensionMismatch {
            what: "the variance matrix of the coefficients".to_string(),
            found: v.nrows(),
            expected: kept,
        });
    }
    let used: Vec<(usize, usize)> = cols
        .iter()
        .filter(|&&j| beta.get(j).is_some_and(|b| b.is_finite()))
        .filter_map(|&j| Some((j, row_of[j]?)))
        .collect();
    if used.is_empty() {
        return Ok((ChiSqTest::new(f64::NAN, 0.0), 0));
    }
    let b = DVector::from_iterator(used.len(), used.iter().map(|&(j, _)| beta[j]));
    let rows: Vec<usize> = used.iter().map(|&(_, r)| r).collect();
    let sub = v.select_rows(&rows).select_columns(&rows);
    let sol = sub.lu().solve(&b).ok_or(Error::SingularMatrix {
        what: "the variance of a term's coefficients",
    })?;
    Ok((ChiSqTest::new(sol.dot(&b), used.len() as f64), used.len()))
}

fn survival(response: &FrameResponse) -> Result<&SurvivalData> {
    match response {
        FrameResponse::Survival(s) => Ok(s),
        FrameResponse::Binary(_) => Err(Error::FormulaSyntax {
            position: 1,
            token: "~".to_string(),
            reason: "a Cox model needs Surv() on the left of `~`".to_string(),
        }),
    }
}

fn binary(response: &FrameResponse) -> Result<&BinaryOutcome> {
    match response {
        FrameResponse::Binary(y) => Ok(y),
        FrameResponse::Survival(_) => Err(Error::FormulaSyntax {
            position: 1,
            token: "Surv".to_string(),
            reason: "a logistic model needs a binary response on the left of `~`".to_string(),
        }),
    }
}

// ------------------------------------------------------------------------------ Cox

impl CoxPh {
    /// Fits the Cox model of a formula on a table (R's `coxph(formula, data)`):
    /// `Surv(time, status)` or `Surv(start, stop, event)` on the left; terms, `strata()`,
    /// `cluster()` (robust variance) and `offset()` on the right. Rows with a missing value
    /// in any formula variable are dropped ([`FormulaFit::dropped_rows`]).
    ///
    /// As R's `coxph`, the factors are coded as if the model had an intercept (the baseline
    /// hazard), so `- 1` changes nothing, and `factor(x)` keeps a level seen only in dropped
    /// rows as an aliased (NaN) coefficient.
    ///
    /// # Errors
    /// The model frame's errors ([`Error::UnknownColumn`], [`Error::ColumnType`],
    /// [`Error::UnknownLevel`], [`Error::SingleLevel`], [`Error::FormulaSyntax`] for a
    /// response that is not `Surv()`), the survival data's (bad time or status, naming the
    /// table row) and [`CoxPh::fit`]'s.
    pub fn fit_formula(&self, formula: &Formula, table: &Table) -> Result<FormulaFit<CoxFit>> {
        let frame = FrameData::build(formula, table, Fitter::Cox)?;
        let data = survival(&frame.response)?;
        // the clusters travel with the survival data (SurvivalData::with_clusters)
        let fit = self.fit(data, &frame.design)?;
        Ok(FormulaFit {
            fit,
            frame: frame.frame,
            design: frame.design,
            response: frame.response,
            settings: Settings::Cox(self.clone()),
        })
    }
}

impl FormulaFit<CoxFit> {
    fn cox_settings(&self, p: usize) -> CoxPh {
        let s = match &self.settings {
            Settings::Cox(s) => s.clone(),
            _ => CoxPh::new(),
        };
        s.init(vec![0.0; p])
    }

    /// The coefficient named `name`.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`] if there is no such coefficient.
    pub fn coefficient(&self, name: &str) -> Result<f64> {
        Ok(self.fit.coefficients()[self.index_of(name)?])
    }

    /// Tests of each term: the joint Wald test (robust variance when the fit is robust) and
    /// the LR test of dropping the term (R's `drop1(fit, test = "Chisq")`, ordinary
    /// log-likelihoods also under `cluster()`).
    ///
    /// # Errors
    /// [`Error::SingularMatrix`] if a term's variance is singular; a refit's errors.
    pub fn term_tests(&self) -> Result<Vec<TermTest>> {
        let data = survival(&self.response)?;
        let ll = self.fit.loglik();
        self.term_tests_by(
            self.fit.coefficients(),
            self.fit.variance(),
            rank(self.fit.aliased()),
            |x| match x {
                None => Ok((2.0 * (ll - self.fit.loglik_null()), 0)),
                Some(x) => {
                    let reduced = self.cox_settings(x.ncols()).fit(data, x)?;
                    Ok((2.0 * (ll - reduced.loglik()), rank(reduced.aliased())))
                }
            },
        )
    }

    /// The proportional-hazards test per term (R's `cox.zph(fit)`, `terms = TRUE`, transform
    /// `km`): one row per term (a factor or an interaction is one row on its df), then
    /// `GLOBAL`.
    ///
    /// # Errors
    /// As [`CoxFit::zph`].
    pub fn zph(&self) -> Result<CoxZph> {
        survival(&self.response)?;
        let zph = self.fit.zph()?;
        // positions of the non-aliased columns among the zph columns
        let aliased = self.fit.aliased();
        let mut position = vec![None; aliased.len()];
        let mut k = 0;
        for (j, a) in aliased.iter().enumerate() {
            if !a {
                position[j] = Some(k);
                k += 1;
            }
        }
        let groups: Vec<(String, Vec<usize>)> = self
            .groups()
            .into_iter()
            .map(|(name, cols)| (name, cols.iter().filter_map(|&j| position[j]).collect()))
            .collect();
        zph.grouped(&groups)
    }

    /// Linear predictors `(x − means)'β̂` of new data read by column name and factor label
    /// (R's `predict(fit, newdata, type = "lp")`).
    ///
    /// # Errors
    /// As [`ModelFrame::design_for`].
    pub fn linear_predictor(&self, newdata: &Table) -> Result<DVector<f64>> {
        self.fit.linear_predictor(&self.frame.design_for(newdata)?)
    }

    /// The predicted survival curve of each row of `newdata` (read by column name and factor
    /// label), R's `survfit(fit, newdata)`, with log-type intervals at `level`. For a
    /// stratified fit name the stratum (its level, `"3"`, or `"inst=3"`); an unstratified
    /// fit takes `None`.
    ///
    /// # Errors
    /// * As [`ModelFrame::design_for`].
    /// * [`Error::UnknownLevel`] if the stratum is unknown, missing for a stratified fit, or
    ///   given for an unstratified one.
    /// * As [`CoxFit::survfit`].
    pub fn survfit(
        &self,
        newdata: &Table,
        stratum: Option<&str>,
        level: f64,
    ) -> Result<Vec<SurvivalCurve>> {
        let data = survival(&self.response)?;
        let index = match (stratum, self.frame.strata_levels().is_empty()) {
            (Some(name), false) => Some(self.frame.stratum_index(name)?),
            (None, true) => None,
            (Some(name), true) => {
                return Err(Error::UnknownLevel {
                    variable: "strata".to_string(),
                    level: name.to_string(),
                    levels: "(the model has no strata)".to_string(),
                });
            }
            (None, false) => {
                return Err(Error::UnknownLevel {
                    variable: self.frame.strata_variable().unwrap_or("strata").to_string(),
                    level: "(none given)".to_string(),
                    levels: self.frame.strata_levels().join(", "),
                });
            }
        };
        let x = self.frame.design_for(newdata)?;
        let mut out = Vec::with_capacity(x.nrows());
        for i in 0..x.nrows() {
            let row: Vec<f64> = x.matrix().row(i).iter().copied().collect();
            let curves = self.fit.survfit(&row, level)?;
            let curve = match index {
                None => curves.into_iter().next(),
                Some(k) => {
                    let label = data.strata_labels().get(k);
                    curves
                        .into_iter()
                        .find(|c| Some(&c.label().to_string()) == label)
                }
            };
            out.push(curve.ok_or(Error::EmptyInput {
                what: "survival curve of the stratum",
            })?);
        }
        Ok(out)
    }
}

// ------------------------------------------------------------------------- logistic

impl LogisticRegression {
    /// Fits the logistic model of a formula on a table (R's `glm(formula, binomial, data)`):
    /// a 0/1 or logical response on the left; an intercept unless the formula removes it
    /// (`- 1`, `+ 0`; the first factor then gets all its levels); `offset()` terms; rows with
    /// a missing value in any formula variable dropped; unused factor levels dropped.
    ///
    /// # Errors
    /// The model frame's errors and [`LogisticRegression::fit`]'s.
    ///
    /// # Examples
    /// ```
    /// use oncostat::frame::{Column, Formula, Table};
    /// use oncostat::LogisticRegression;
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let t = Table::from_csv_reader(
    ///     "y,dose,arm\n0,1,a\n1,2,b\n0,1,a\n1,3,b\n1,2,a\n0,1,b\n1,3,a\n0,2,b\n".as_bytes(),
    /// )?;
    /// let fit = LogisticRegression::new().fit_formula(&Formula::parse("y ~ dose + arm")?, &t)?;
    /// assert_eq!(fit.term_names(), ["(Intercept)", "dose", "armb"]);
    /// let p = fit.predict(&Table::from_csv_reader("dose,arm\n2,b\n".as_bytes())?)?;
    /// assert!(p[0] > 0.0 && p[0] < 1.0);
    /// # Ok(()) }
    /// ```
    pub fn fit_formula(&self, formula: &Formula, table: &Table) -> Result<FormulaFit<LogisticFit>> {
        let frame = FrameData::build(formula, table, Fitter::Glm)?;
        let y = binary(&frame.response)?;
        let fit = self.fit(&frame.design, y)?;
        Ok(FormulaFit {
            fit,
            frame: frame.frame,
            design: frame.design,
            response: frame.response,
            settings: Settings::Logistic(*self),
        })
    }
}

/// `expit(x'β̂)` with aliased (NaN) coefficients as 0, as R's `predict(type = "response")`.
fn probabilities(beta: &DVector<f64>, x: &Design) -> DVector<f64> {
    let m = x.matrix();
    DVector::from_fn(m.nrows(), |i, _| {
        let eta: f64 = (0..m.ncols())
            .map(|j| {
                if beta[j].is_nan() {
                    0.0
                } else {
                    m[(i, j)] * beta[j]
                }
            })
            .sum();
        1.0 / (1.0 + (-eta).exp())
    })
}

impl FormulaFit<LogisticFit> {
    /// The coefficient named `name`.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`] if there is no such coefficient.
    pub fn coefficient(&self, name: &str) -> Result<f64> {
        Ok(self.fit.coefficients()[self.index_of(name)?])
    }

    /// Predicted probabilities of new data read by column name and factor label (no
    /// offsets; R's `predict(fit, newdata, type = "response")`).
    ///
    /// # Errors
    /// As [`ModelFrame::design_for`].
    pub fn predict(&self, newdata: &Table) -> Result<DVector<f64>> {
        Ok(probabilities(
            self.fit.coefficients(),
            &self.frame.design_for(newdata)?,
        ))
    }

    /// The confidence interval of the coefficient named `name` (coefficient scale, by the
    /// fit's [`ci_method`](LogisticFit::ci_method)).
    ///
    /// # Errors
    /// [`Error::UnknownColumn`], and as [`LogisticFit::conf_int`].
    pub fn conf_int_of(&self, name: &str, level: f64) -> Result<(f64, f64)> {
        let j = self.index_of(name)?;
        Ok(self.fit.conf_int(level)?[j])
    }

    /// The LR test of the coefficient named `name` alone (`None` for the intercept or an
    /// aliased column).
    ///
    /// # Errors
    /// [`Error::UnknownColumn`], and as [`LogisticFit::lr_tests`].
    pub fn lr_test_of(&self, name: &str) -> Result<Option<ChiSqTest>> {
        let j = self.index_of(name)?;
        Ok(self.fit.lr_tests()?[j])
    }

    /// Tests of each term: the joint Wald test and the LR (deviance) test of dropping the
    /// term, refitted on the same rows (R's `drop1(fit, test = "Chisq")`).
    ///
    /// # Errors
    /// [`Error::SingularMatrix`] if a term's variance is singular; a refit's errors.
    pub fn term_tests(&self) -> Result<Vec<TermTest>> {
        let y = binary(&self.response)?;
        let settings = match &self.settings {
            Settings::Logistic(s) => *s,
            _ => LogisticRegression::new(),
        };
        let dev = self.fit.deviance();
        self.term_tests_by(
            self.fit.coefficients(),
            self.fit.variance(),
            rank(self.fit.aliased()),
            |x| match x {
                None => Ok(((self.fit.null_deviance() - dev).max(0.0), 0)),
                Some(x) => {
                    let reduced = settings.fit(x, y)?;
                    Ok(((reduced.deviance() - dev).max(0.0), rank(reduced.aliased())))
                }
            },
        )
    }
}

// ---------------------------------------------------------------------------- Firth

impl FirthRegression {
    /// Fits Firth's penalized logistic model of a formula on a table (R's
    /// `logistf(formula, data)`): as [`LogisticRegression::fit_formula`], with an intercept
    /// unless the formula removes it.
    ///
    /// # Errors
    /// The model frame's errors and [`FirthRegression::fit`]'s.
    ///
    /// # Examples
    /// ```
    /// use oncostat::frame::{Formula, Table};
    /// use oncostat::FirthRegression;
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let t = Table::from_csv_reader("y,x\n0,0\n0,0\n1,1\n1,1\n0,1\n1,0\n".as_bytes())?;
    /// let fit = FirthRegression::new().fit_formula(&Formula::parse("y ~ x")?, &t)?;
    /// assert_eq!(fit.term_names(), ["(Intercept)", "x"]);
    /// let (lo, hi) = fit.conf_int_of("x", 0.95)?;
    /// assert!(lo < fit.coefficient("x")? && fit.coefficient("x")? < hi);
    /// # Ok(()) }
    /// ```
    pub fn fit_formula(&self, formula: &Formula, table: &Table) -> Result<FormulaFit<FirthFit>> {
        let frame = FrameData::build(formula, table, Fitter::Glm)?;
        let y = binary(&frame.response)?;
        let fit = self.fit(&frame.design, y)?;
        Ok(FormulaFit {
            fit,
            frame: frame.frame,
            design: frame.design,
            response: frame.response,
            settings: Settings::Firth,
        })
    }
}

impl FormulaFit<FirthFit> {
    /// The coefficient named `name`.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`] if there is no such coefficient.
    pub fn coefficient(&self, name: &str) -> Result<f64> {
        Ok(self.fit.coefficients()[self.index_of(name)?])
    }

    /// Predicted probabilities of new data read by column name and factor label.
    ///
    /// # Errors
    /// As [`ModelFrame::design_for`].
    pub fn predict(&self, newdata: &Table) -> Result<DVector<f64>> {
        self.fit.predict(&self.frame.design_for(newdata)?)
    }

    /// The profile penalized-likelihood interval of the coefficient named `name`.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`], and as [`FirthFit::profile_conf_int`].
    pub fn conf_int_of(&self, name: &str, level: f64) -> Result<(f64, f64)> {
        self.fit.profile_conf_int(self.index_of(name)?, level)
    }

    /// The penalized LR test of the coefficient named `name` alone.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`], and as [`FirthFit::penalized_lr_test`].
    pub fn penalized_lr_test_of(&self, name: &str) -> Result<ChiSqTest> {
        self.fit.penalized_lr_test(self.index_of(name)?)
    }

    /// Tests of each term: the joint Wald test with `(XᵀWX)⁻¹` and the penalized LR test of
    /// the term's coefficients all 0, the penalty kept over the full design (`logistf`'s
    /// `drop1`).
    ///
    /// # Errors
    /// [`Error::SingularMatrix`] if a term's variance is singular; a restricted fit's errors.
    pub fn term_tests(&self) -> Result<Vec<TermTest>> {
        let beta = self.fit.coefficients();
        let mut out = Vec::with_capacity(self.terms().len());
        for (i, term) in self.terms().iter().enumerate() {
            let (w, df) = wald(beta, self.fit.variance(), term.columns())?;
            let lr = if self.marginal(i) {
                None
            } else {
                Some(self.fit.penalized_lr_test_set(term.columns())?)
            };
            out.push(TermTest {
                term: term.label().to_string(),
                df,
                wald: w,
                lr,
            });
        }
        Ok(out)
    }
}

/// The rank of a fit: the number of columns not aliased.
fn rank(aliased: &[bool]) -> usize {
    aliased.iter().filter(|a| !**a).count()
}

// ------------------------------------------------------------------------------ survreg

impl SurvReg {
    /// Fits the parametric survival model of a formula on a table (R's
    /// `survreg(formula, data, dist)`): `Surv(time, status)` on the left; terms with an
    /// intercept unless the formula removes it, `strata()` for one scale per stratum (named
    /// `x=1`, `x=2` for a numeric column, by the labels for a text one, as R), `offset()` and
    /// weights. Rows with a missing value in any formula variable are dropped, and factor
    /// levels come from the rows kept.
    ///
    /// # Errors
    /// The model frame's errors (as [`CoxPh::fit_formula`]; [`Error::FormulaSyntax`] for a
    /// response that is not `Surv()` or for `cluster()`), and [`SurvReg::fit`]'s.
    ///
    /// # Examples
    /// ```
    /// use oncostat::frame::{Formula, Table};
    /// use oncostat::{SurvReg, SurvRegDist};
    /// # fn main() -> Result<(), oncostat::Error> {
    /// let t = Table::from_csv_reader(
    ///     "time,status,arm\n5,1,a\n8,1,b\n12,0,a\n3,1,a\n20,1,b\n9,0,b\n15,1,b\n7,1,a\n".as_bytes(),
    /// )?;
    /// let fit = SurvReg::new(SurvRegDist::Weibull)
    ///     .fit_formula(&Formula::parse("Surv(time, status) ~ arm")?, &t)?;
    /// assert_eq!(fit.term_names(), ["(Intercept)", "armb"]);
    /// assert!(fit.coefficient("armb")? > 0.0);
    /// # Ok(()) }
    /// ```
    pub fn fit_formula(&self, formula: &Formula, table: &Table) -> Result<FormulaFit<SurvRegFit>> {
        if let Some(c) = formula.specials(&super::VariableKind::Cluster).first() {
            return Err(Error::FormulaSyntax {
                position: 1,
                token: c.label(),
                reason: "survreg formulas take no cluster() (no robust variance)".to_string(),
            });
        }
        let frame = FrameData::build(formula, table, Fitter::SurvReg)?;
        let data = survival(&frame.response)?;
        let mut model = self.clone();
        if let Some(var) = formula.specials(&super::VariableKind::Strata).first()
            && matches!(table.column(&var.column)?, super::Column::Number(_))
        {
            model = model.strata_name(var.column.clone());
        }
        let fit = model.fit(data, &frame.design)?;
        Ok(FormulaFit {
            fit,
            frame: frame.frame,
            design: frame.design,
            response: frame.response,
            settings: Settings::SurvReg(model),
        })
    }
}

impl FormulaFit<SurvRegFit> {
    /// The coefficient named `name` (a column of the design; not a log scale).
    ///
    /// # Errors
    /// [`Error::UnknownColumn`] if there is no such coefficient.
    pub fn coefficient(&self, name: &str) -> Result<f64> {
        Ok(self.fit.coefficients()[self.index_of(name)?])
    }

    /// The survival data the model was fitted to (kept rows; strata labels).
    ///
    /// # Errors
    /// None in practice: a survreg fit always has survival data.
    pub fn survival_data(&self) -> Result<&SurvivalData> {
        survival(&self.response)
    }

    /// Tests of each term: the joint Wald test of its coefficients (`vcov`) and the LR test
    /// of dropping the term, refitted on the same rows (R's `drop1(fit, test = "Chisq")`;
    /// `strata()` is not a term here).
    ///
    /// # Errors
    /// [`Error::SingularMatrix`] if a term's variance is singular; a refit's errors.
    pub fn term_tests(&self) -> Result<Vec<TermTest>> {
        let data = survival(&self.response)?;
        let settings = match &self.settings {
            Settings::SurvReg(s) => s.clone(),
            _ => self.fit.settings().clone(),
        };
        let ll = self.fit.loglik();
        self.term_tests_by(
            self.fit.coefficients(),
            self.fit.variance(),
            rank(self.fit.aliased()),
            |x| match x {
                None => Ok((2.0 * (ll - self.fit.loglik_null()), 0)),
                Some(x) => {
                    let reduced = settings.fit(data, x)?;
                    Ok((2.0 * (ll - reduced.loglik()), rank(reduced.aliased())))
                }
            },
        )
    }
}
