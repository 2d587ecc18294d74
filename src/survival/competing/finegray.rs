//! Fine–Gray subdistribution-hazard regression, as R's `cmprsk::crr` (cmprsk 2.2-11:
//! Fortran `crrfsv`, `crrf`, `crrvv`), without time-varying covariates (`cov2`/`tf`).
#![allow(clippy::needless_range_loop)] // index loops mirror the formulas (and crstm's Fortran)

use std::fmt;

use nalgebra::{DMatrix, DVector};

use crate::linalg::{cholesky_in_place, cholesky_inverse, cholesky_solve};
use crate::solver::{self, Newton, NewtonProblem, Start, StepRule, Trial, Verdict};
use crate::survival::km::KaplanMeier;
use crate::survival::risk_set::{code_groups, run_end, sort_rows};
use crate::table::wald_table;
use crate::{
    ChiSqTest, CiMethod, CoefTable, CompetingRisksData, Convergence, Design, Error, Result,
    StopReason, SurvivalData, TableStyle,
};

/// The most censoring groups [`FineGray::fit_cengroups`] accepts: each is a censoring curve
/// read at every failure time (failures × groups values; 30,000 groups took 7.3 GB).
const MAX_CENSORING_GROUPS: usize = 1000;

/// Fine–Gray model settings for one cause (R's `crr(ftime, fstatus, cov1, failcode = cause,
/// cencode = 0)`).
///
/// ```text
/// G_g   = Kaplan–Meier of the censoring in censoring group g (R: survfit, timefix on),
///         read at t·(1 − 100ε): G(t−) for t > 0, but G(0) (censorings at 0 removed) at t = 0
/// risk set at a cause-K failure time t: every row with T ≥ t (weight 1), plus every
///         earlier failure j from another cause, weight G_g(t)/G_g(T_j)
/// −ℓ(β) = Σ_t [ −Σ_{failures at t} x_iβ + d_t log Σ_{risk set} w_j exp(x_jβ) ]  (Breslow)
/// ```
///
/// **Iteration (crr's rule)**: Newton–Raphson from β = 0 on −ℓ; stop when
/// `max|score_j|·max(|β_j|, 1) < max(|ℓ|, 1)·gtol` (gtol 1e-6), at most `max_iter` = 10
/// steps; each step `δ = −H⁻¹ score` is halved while `−ℓ(β + δ)` is NaN or exceeds
/// `−ℓ(β) + 1e-4·δᵀscore` (Armijo, δ the halved step, as R), and more than 20 halvings
/// stop the fit as not converged. The rule is a step rule of the crate's damped-Newton solver
/// (`CrrRule`, `src/solver.rs`): convergence at the start is `Start::Stop`, each trial is
/// screened on the value alone (`crrf`, as R's halvings need nothing else) and only a trial
/// that passes is evaluated with score and information (`crrfsv`), so the evaluations and the
/// iteration count are crr's. [`FineGrayFit::convergence`] reports the number of
/// Newton steps taken (crr does not report it).
///
/// **Variance**: the Fine & Gray sandwich `I⁻¹ Σ_i (η_i + ψ_i)(η_i + ψ_i)ᵀ I⁻¹`, with ψ the
/// term for the estimated censoring distribution (crrvv). crrvv's loops are O(n³); here the
/// same sums are regrouped into running and suffix sums over the sorted rows (O(n·p·(p + g))
/// for g censoring groups), which changes only the rounding. Covariates are centred
/// internally (the partial likelihood, its score and information do not change; the
/// exponentials cannot overflow).
///
/// **Censoring groups** (crr's `cengroup`): [`FineGray::fit_cengroups`] estimates a separate
/// censoring distribution G_g per group. In ψ, a censoring at u in group g contributes
/// through
///
/// ```text
/// q_g(u) = Σ_{failures j of the cause in group g, T_j ≥ u}
///            Σ_{competing failures k in group g, T_k < u} w_k G_g(T_j)/G_g(T_k) (x_k − x̄(T_j))
///          / S0(T_j)
/// ```
///
/// with `ψ_i = q_g(T_i)/r_g(T_i)·[i censored] − Σ_{censorings at u ≤ T_i in g} q_g(u)/r_g(u)²`
/// (r_g = number at risk in group g). Both sums of q_g keep only group g: cmprsk 2.2-11's
/// `crrvv` accumulates each failure's term into `qu(·, icg(j))`, the group of the *failure*,
/// so the failures of the other groups do not enter q_g (although the weights of group g's
/// competing failures enter their risk sets). That is crr's rule and it is reproduced here;
/// summing the first sum over every failure instead changes the se by 1e-4 to 1e-2
/// relative (`tests/data/finegray_cengroup_goldens.json`). With one censoring group the two
/// coincide.
///
/// # Examples
/// ```
/// use oncostat::{CompetingRisksData, Design, FineGray};
/// # fn main() -> Result<(), oncostat::Error> {
/// let cr = CompetingRisksData::new(
///     vec![1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0, 6.0, 7.0, 8.0],
///     &[1.0, 2.0, 0.0, 1.0, 0.0, 1.0, 2.0, 0.0, 1.0, 0.0],
/// )?;
/// let x = Design::from_columns([("x", vec![0.5, -1.0, 0.3, 2.0, 0.0, 1.1, -0.4, 0.8, -1.5, 0.2])])?;
/// let fit = FineGray::new(1).fit(&cr, &x)?;
/// // R: crr(time, status, cbind(x))
/// assert!((fit.coefficients()[0] - 0.8171649049982019).abs() < 1e-8);
/// assert!((fit.std_errors()[0] - 0.44060677982068075).abs() < 1e-8);
/// assert!(fit.convergence().converged());
/// assert!(FineGray::new(3).fit(&cr, &x).is_err()); // cause 3 never occurs
/// # Ok(()) }
/// ```
///
/// # References
/// Fine & Gray (1999), JASA 94:496.
#[derive(Debug, Clone, PartialEq)]
pub struct FineGray {
    cause: u32,
    max_iter: usize,
    gtol: f64,
}

/// A fitted Fine–Gray model.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FineGrayFit {
    cause: u32,
    names: Vec<String>,
    coefficients: DVector<f64>,
    variance: DMatrix<f64>,
    information: DMatrix<f64>,
    score: DVector<f64>,
    std_errors: DVector<f64>,
    loglik: f64,
    loglik_null: f64,
    convergence: Convergence,
    n: usize,
    n_events: usize,
    aliased: Vec<bool>,
}

impl FineGray {
    /// Settings for the subdistribution hazard of `cause`, crr's defaults (maxiter 10,
    /// gtol 1e-6).
    pub fn new(cause: u32) -> Self {
        FineGray {
            cause,
            max_iter: 10,
            gtol: 1e-6,
        }
    }

    /// Maximum number of Newton steps (crr's `maxiter`, default 10).
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Convergence tolerance (crr's `gtol`, default 1e-6).
    pub fn gtol(mut self, gtol: f64) -> Self {
        self.gtol = gtol;
        self
    }

    /// Fits the model with one censoring distribution.
    ///
    /// # Errors
    /// * [`Error::CauseNotObserved`] if the cause never occurs.
    /// * [`Error::DimensionMismatch`] if `x` does not have one row per observation.
    /// * [`Error::EmptyInput`] if `x` has no columns.
    /// * [`Error::InvalidParameter`] for a `gtol` that is not finite and > 0.
    /// * [`Error::SingularMatrix`] if the information matrix is singular during the
    ///   iteration (R's `solve` fails too) or at the estimate.
    /// * [`Error::NumericalRange`] if a coefficient, standard error or log-likelihood does
    ///   not fit in a double (a column far outside the double range); columns of any scale
    ///   within it (1e-300 … 1e300) are fitted on a power-of-two rescaled copy, so `x · s`
    ///   gives `β / s` and the same z and p.
    pub fn fit(&self, data: &CompetingRisksData, x: &Design) -> Result<FineGrayFit> {
        self.fit_coded(data, x, &vec![0; data.len()], 1)
    }

    /// Fits the model with a censoring distribution per censoring group (crr's `cengroup`;
    /// one label per row, sorted order).
    ///
    /// # Errors
    /// As [`fit`](Self::fit), [`Error::DimensionMismatch`] for the group labels and
    /// [`Error::TooManyStrata`] for more than 1,000 censoring groups.
    pub fn fit_cengroups<T: Ord + ToString>(
        &self,
        data: &CompetingRisksData,
        x: &Design,
        cengroups: &[T],
    ) -> Result<FineGrayFit> {
        let coded = code_groups(cengroups, data.len())?;
        if coded.labels.len() > MAX_CENSORING_GROUPS {
            return Err(Error::TooManyStrata {
                what: "censoring groups",
                model: "Fine-Gray regression",
                why: "one censoring curve per group, read at every failure time",
                found: coded.labels.len(),
                max: MAX_CENSORING_GROUPS,
            });
        }
        self.fit_coded(data, x, &coded.codes, coded.labels.len())
    }

    fn fit_coded(
        &self,
        data: &CompetingRisksData,
        x: &Design,
        cengroup: &[usize],
        ncg: usize,
    ) -> Result<FineGrayFit> {
        data.check_cause(self.cause)?;
        if x.nrows() != data.len() {
            return Err(Error::mismatch("design rows", data.len(), x.nrows()));
        }
        if x.ncols() == 0 {
            return Err(Error::EmptyInput { what: "covariates" });
        }
        if !(self.gtol.is_finite() && self.gtol > 0.0) {
            return Err(Error::InvalidParameter {
                name: "gtol",
                value: self.gtol,
                reason: "the convergence tolerance must be a finite number > 0",
            });
        }
        let problem = Problem::new(data, x, self.cause, cengroup, ncg)?;
        let p = problem.p;
        let (b, eval, convergence) = crr_newton(&problem, self.max_iter, self.gtol)?;
        let mut l = eval.information.clone();
        if !cholesky_in_place(&mut l, p, 0.0) {
            return Err(Error::SingularMatrix {
                what: "the Fine-Gray information matrix",
            });
        }
        let mut inv = vec![0.0; p * p];
        let mut work = vec![0.0; p * p];
        cholesky_inverse(&l, p, &mut work, &mut inv);
        let middle = problem.sandwich_middle(&b, &eval);
        let inv_m = DMatrix::from_column_slice(p, p, &inv);
        let scaled_variance = &inv_m * DMatrix::from_column_slice(p, p, &middle) * &inv_m;
        // back to the columns' own scale: β = f·β_s, V = f_j f_k V_s, I = I_s / (f_j f_k),
        // score = score_s / f; se = sqrt(V_s)·f (never sqrt(V_s·f²), which under- or overflows)
        let f = &problem.factors;
        let std_errors =
            DVector::from_iterator(p, (0..p).map(|j| scaled_variance[(j, j)].sqrt() * f[j]));
        let variance = DMatrix::from_fn(p, p, |j, k| scaled_variance[(j, k)] * f[j] * f[k]);
        let information =
            DMatrix::from_fn(p, p, |j, k| eval.information[k * p + j] / (f[j] * f[k]));
        let coefficients: Vec<f64> = b.iter().zip(f).map(|(b, f)| b * f).collect();
        let loglik_null = -problem.value(&vec![0.0; p]);
        let kept: Vec<usize> = (0..p).collect();
        crate::numeric::check_fit(
            "Fine-Gray model",
            [
                ("the log-likelihood", -eval.value),
                ("the null log-likelihood", loglik_null),
            ],
            &crate::numeric::Coefficients {
                names: x.names(),
                kept: &kept,
                estimates: &coefficients,
                std_errors: std_errors.as_slice(),
            },
            convergence.converged(),
            "a covariate is too extreme for double precision (exp of the linear predictor \
             overflows): rescale the column named",
        )?;
        Ok(FineGrayFit {
            cause: self.cause,
            names: x.names().to_vec(),
            coefficients: DVector::from_vec(coefficients),
            variance,
            information,
            score: DVector::from_iterator(p, eval.score.iter().zip(f).map(|(s, f)| -s / f)),
            std_errors,
            loglik: -eval.value,
            loglik_null,
            convergence,
            n: data.len(),
            n_events: data.status().iter().filter(|&&c| c == self.cause).count(),
            aliased: vec![false; p],
        })
    }
}

/// −ℓ, its gradient and Hessian at one β.
#[derive(Debug, Clone)]
pub(crate) struct Evaluation {
    value: f64,
    score: Vec<f64>,
    /// column-major p × p
    information: Vec<f64>,
}

/// crr's Newton iteration on the crate's damped-Newton solver: from β = 0, a full Newton
/// step on −ℓ, halved while the objective is NaN or fails Armijo's condition with constant
/// 1e-4 (after the 21st halving: not converged); stop when
/// `max_j |s_j|·max(|β_j|, 1) < max(|f|, 1)·gtol` before taking a step, at most `max_iter`
/// steps. Returns β, the evaluation at β and the convergence (iterations = Newton steps
/// taken).
///
/// # Errors
/// [`Error::SingularMatrix`] if a Hessian cannot be factored (R's `solve` fails).
fn crr_newton(
    problem: &Problem,
    max_iter: usize,
    gtol: f64,
) -> Result<(Vec<f64>, Evaluation, Convergence)> {
    let p = problem.p;
    let model = CrrModel {
        problem,
        eval: Evaluation {
            value: f64::NAN,
            score: vec![0.0; p],
            information: vec![0.0; p * p],
        },
        gradient: vec![0.0; p],
        factor: vec![0.0; p * p],
    };
    let rule = CrrRule {
        gtol,
        step: vec![0.0; p],
    };
    let out = solver::run(model, Newton::new(p, rule), vec![0.0; p], max_iter)?;
    let mut convergence = out.convergence;
    if convergence.reason() == StopReason::NonFinite {
        // the iteration whose halvings failed took no step (crr's `ll` counts steps)
        convergence = Convergence::new(
            convergence.iterations().saturating_sub(1),
            StopReason::NonFinite,
        );
    }
    Ok((out.beta, out.model.eval, convergence))
}

/// −ℓ of one Fine–Gray fit as a [`NewtonProblem`] (objective ℓ = −(crr's value)).
struct CrrModel<'a> {
    problem: &'a Problem,
    /// crrfsv at the last fully evaluated point (value, score and Hessian of −ℓ)
    eval: Evaluation,
    /// the score of ℓ (−eval.score)
    gradient: Vec<f64>,
    /// Cholesky factor of eval.information
    factor: Vec<f64>,
}

impl NewtonProblem for CrrModel<'_> {
    fn dim(&self) -> usize {
        self.problem.p
    }

    fn evaluate(&mut self, beta: &[f64]) -> Result<f64> {
        self.eval = self.problem.value_score_information(beta);
        for (g, s) in self.gradient.iter_mut().zip(&self.eval.score) {
            *g = -s;
        }
        Ok(-self.eval.value)
    }

    /// crrf: the value only.
    fn value(&mut self, beta: &[f64]) -> Result<f64> {
        Ok(-self.problem.value(beta))
    }

    /// R's `sc <- -solve(hess, score)`.
    fn direction(&mut self, _free: &[bool], delta: &mut [f64]) -> Result<bool> {
        self.factor.copy_from_slice(&self.eval.information);
        if !cholesky_in_place(&mut self.factor, self.problem.p, 0.0) {
            return Err(Error::SingularMatrix {
                what: "the Fine-Gray information matrix (a covariate carries no information)",
            });
        }
        delta.copy_from_slice(&self.eval.score);
        cholesky_solve(&self.factor, delta);
        for v in delta.iter_mut() {
            *v = -*v;
        }
        Ok(true)
    }

    fn gradient(&self) -> &[f64] {
        &self.gradient
    }
}

/// crr's step rule (see [`crate::solver`]): trials screened on crrf's value.
struct CrrRule {
    gtol: f64,
    /// the full Newton step of this iteration (R's `sc` before halving)
    step: Vec<f64>,
}

impl CrrRule {
    /// crr's convergence test at the model's last full evaluation, at `beta`.
    fn converged(&self, model: &CrrModel<'_>, beta: &[f64]) -> bool {
        let eval = &model.eval;
        let crit = eval
            .score
            .iter()
            .zip(beta)
            .map(|(s, bj)| s.abs() * bj.abs().max(1.0))
            .fold(0.0, f64::max);
        crit < eval.value.abs().max(1.0) * self.gtol
    }
}

impl<'a> StepRule<CrrModel<'a>> for CrrRule {
    const SCREENS_ON_VALUE: bool = true;

    fn start(&mut self, model: &mut CrrModel<'a>, beta: &[f64], _free: &[bool]) -> Result<Start> {
        let objective = model.evaluate(beta)?;
        Ok(if self.converged(model, beta) {
            Start::Stop(objective, StopReason::Converged)
        } else {
            Start::Objective(objective)
        })
    }

    /// `fbn > f + 1e-4 * sum(sc * score)` with the halved `sc`, as R; the 21st halving ends
    /// the fit.
    fn screen(&mut self, model: &CrrModel<'a>, t: &Trial<'_>) -> Option<Verdict> {
        if t.backtracks == 0 {
            // the full step of this iteration, halved by `backtrack`
            self.step.copy_from_slice(t.step);
        }
        if t.backtracks > 20 {
            return Some(Verdict::Stop {
                reason: StopReason::NonFinite,
                keep_trial: false,
            });
        }
        let scale = 0.5_f64.powi(t.backtracks as i32);
        let slope: f64 = self
            .step
            .iter()
            .zip(&model.eval.score)
            .map(|(d, s)| d * scale * s)
            .sum();
        let fbn = -t.objective;
        (fbn.is_nan() || fbn > model.eval.value + 1e-4 * slope).then_some(Verdict::Backtrack)
    }

    fn judge(&mut self, model: &CrrModel<'a>, t: &Trial<'_>) -> Verdict {
        if self.converged(model, t.trial) {
            Verdict::Converged
        } else {
            Verdict::Accept
        }
    }

    /// `bn <- b + sc` with `sc` halved `backtracks` times.
    fn backtrack(&self, accepted: &[f64], trial: &mut [f64], backtracks: usize) {
        let scale = 0.5_f64.powi(backtracks as i32);
        for ((t, b), d) in trial.iter_mut().zip(accepted).zip(&self.step) {
            *t = b + d * scale;
        }
    }
}

/// The sorted data of one fit: rows in time order (stable), covariates centred (row-major).
struct Problem {
    n: usize,
    p: usize,
    ncg: usize,
    /// the power-of-two factor each design column is fitted times (1 for ordinary columns)
    factors: Vec<f64>,
    /// 1 = the cause, 2 = another cause, 0 = censored
    ici: Vec<u8>,
    group: Vec<usize>,
    x: Vec<f64>,
    /// G of the row's own censoring group at its own time
    g_own: Vec<f64>,
    /// blocks of equal time: start indices (and n at the end)
    blocks: Vec<usize>,
    /// failure blocks (containing a failure of the cause): block index, d
    failures: Vec<(usize, f64)>,
    /// G_g at each failure block: g_fail[q * ncg + g]
    g_fail: Vec<f64>,
}

impl Problem {
    fn new(
        data: &CompetingRisksData,
        x: &Design,
        cause: u32,
        cengroup: &[usize],
        ncg: usize,
    ) -> Result<Problem> {
        let n = data.len();
        let p = x.ncols();
        // the crate's one sort of survival rows (cmprsk does not merge near-equal times)
        let t = data.time();
        let sorted = sort_rows(t, data.any_event().event(), None, None, false);
        let order: Vec<usize> = sorted.entries.iter().map(|e| e.tag()).collect();
        let time: Vec<f64> = order.iter().map(|&i| t[i]).collect();
        let status = data.status();
        let ici: Vec<u8> = order
            .iter()
            .map(|&i| match status[i] {
                0 => 0,
                c if c == cause => 1,
                _ => 2,
            })
            .collect();
        let group: Vec<usize> = order.iter().map(|&i| cengroup[i]).collect();
        let m = x.matrix();
        // Columns beyond 2^±32 are fitted times a power of two (exact, crate::numeric), so
        // that the fit does not depend on their scale (a covariate × 1e300 made the
        // information matrix singular); ordinary columns are used as given.
        let factors: Vec<f64> = m
            .column_iter()
            .map(|c| crate::numeric::column_factor(c.as_slice()))
            .collect();
        let means: Vec<f64> = (0..p)
            .map(|j| m.column(j).iter().map(|v| v * factors[j]).sum::<f64>() / n as f64)
            .collect();
        let mut xs = Vec::with_capacity(n * p);
        for &i in &order {
            for j in 0..p {
                xs.push(m[(i, j)] * factors[j] - means[j]);
            }
        }
        // the failure blocks (runs of tied times holding a failure of the cause)
        let mut blocks = Vec::new();
        let mut failures = Vec::new();
        let mut fail_starts = Vec::new();
        let mut start = 0;
        while start < n {
            let end = run_end(&sorted.entries, start);
            let d = ici[start..end].iter().filter(|&&c| c == 1).count();
            if d > 0 {
                failures.push((blocks.len(), d as f64));
                fail_starts.push(start);
            }
            blocks.push(start);
            start = end;
        }
        // censoring KM per group, read at t(1 − 100ε) as R's approx(..., "constant", f = 0,
        // rule = 2): at each row of its own group (g_own) and at every failure block (g_fail,
        // failures × groups); 0 for a group without rows. Never groups × n values.
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); ncg];
        for (i, &g) in group.iter().enumerate() {
            members[g].push(i);
        }
        let mut g_own = vec![0.0; n];
        let mut g_fail = vec![0.0; fail_starts.len() * ncg];
        for (g, rows) in members.iter().enumerate() {
            if rows.is_empty() {
                continue;
            }
            let ct: Vec<f64> = rows.iter().map(|&i| time[i]).collect();
            let ce: Vec<bool> = rows.iter().map(|&i| ici[i] == 0).collect();
            let km = KaplanMeier::new().fit(&SurvivalData::new(ct, ce)?)?;
            let (kt, ks) = (km.times(), km.survival());
            let first = kt[0].min(0.0) - 10.0 * f64::EPSILON;
            let last = kt[kt.len() - 1] * (1.0 + 10.0 * f64::EPSILON);
            let at = |t: f64| {
                let xout = t * (1.0 - 100.0 * f64::EPSILON);
                if xout < first {
                    1.0
                } else if xout >= last {
                    0.0
                } else {
                    match kt.partition_point(|&k| k <= xout) {
                        0 => 1.0,
                        idx => ks[idx - 1],
                    }
                }
            };
            for &i in rows {
                g_own[i] = at(time[i]);
            }
            for (q, &s) in fail_starts.iter().enumerate() {
                g_fail[q * ncg + g] = at(time[s]);
            }
        }
        blocks.push(n);
        Ok(Problem {
            n,
            p,
            ncg,
            factors,
            ici,
            group,
            x: xs,
            g_own,
            blocks,
            failures,
            g_fail,
        })
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.p..(i + 1) * self.p]
    }

    fn eta(&self, b: &[f64], i: usize) -> f64 {
        self.row(i).iter().zip(b).map(|(x, b)| x * b).sum()
    }

    /// −ℓ(β) only (crrf).
    fn value(&self, b: &[f64]) -> f64 {
        let (ncg, nb) = (self.ncg, self.blocks.len() - 1);
        let e: Vec<f64> = (0..self.n).map(|i| self.eta(b, i)).collect();
        // A0 over rows with T >= t: suffix sums per block
        let mut a0 = vec![0.0; nb + 1];
        for k in (0..nb).rev() {
            let rows = self.blocks[k]..self.blocks[k + 1];
            a0[k] = a0[k + 1] + rows.map(|i| e[i].exp()).sum::<f64>();
        }
        let mut b0 = vec![0.0; ncg];
        let mut lik = 0.0;
        let mut q = 0;
        for k in 0..nb {
            let rows = self.blocks[k]..self.blocks[k + 1];
            if q < self.failures.len() && self.failures[q].0 == k {
                let d = self.failures[q].1;
                let mut s0 = a0[k];
                for g in 0..ncg {
                    s0 += self.g_fail[q * ncg + g] * b0[g];
                }
                for i in rows.clone() {
                    if self.ici[i] == 1 {
                        lik -= e[i];
                    }
                }
                lik += d * s0.ln();
                q += 1;
            }
            for i in rows {
                if self.ici[i] == 2 {
                    b0[self.group[i]] += e[i].exp() / self.g_own[i];
                }
            }
        }
        lik
    }

    /// −ℓ(β), its gradient and Hessian (crrfsv).
    fn value_score_information(&self, b: &[f64]) -> Evaluation {
        let (p, ncg, nb) = (self.p, self.ncg, self.blocks.len() - 1);
        let pp = p * p;
        let w: Vec<f64> = (0..self.n).map(|i| self.eta(b, i).exp()).collect();
        // suffix sums over blocks of w, w x, w x xᵀ (rows with T >= t) at failure blocks
        let nf = self.failures.len();
        let mut a = vec![0.0; nf * (1 + p + pp)];
        {
            let mut acc = vec![0.0; 1 + p + pp];
            let mut q = nf;
            for k in (0..nb).rev() {
                for i in self.blocks[k]..self.blocks[k + 1] {
                    add_moments(&mut acc, w[i], self.row(i), p);
                }
                if q > 0 && self.failures[q - 1].0 == k {
                    q -= 1;
                    a[q * (1 + p + pp)..(q + 1) * (1 + p + pp)].copy_from_slice(&acc);
                }
            }
        }
        let stride = 1 + p + pp;
        let mut bsum = vec![0.0; ncg * stride];
        let mut out = Evaluation {
            value: 0.0,
            score: vec![0.0; p],
            information: vec![0.0; pp],
        };
        let mut s = vec![0.0; stride];
        let mut q = 0;
        for k in 0..nb {
            let rows = self.blocks[k]..self.blocks[k + 1];
            if q < nf && self.failures[q].0 == k {
                let d = self.failures[q].1;
                s.copy_from_slice(&a[q * stride..(q + 1) * stride]);
                for g in 0..ncg {
                    let gt = self.g_fail[q * ncg + g];
                    for (sv, bv) in s.iter_mut().zip(&bsum[g * stride..(g + 1) * stride]) {
                        *sv += gt * bv;
                    }
                }
                for i in rows.clone() {
                    if self.ici[i] == 1 {
                        out.value -= w[i].ln();
                        for (sc, xv) in out.score.iter_mut().zip(self.row(i)) {
                            *sc -= xv;
                        }
                    }
                }
                let s0 = s[0];
                out.value += d * s0.ln();
                for j in 0..p {
                    out.score[j] += d * s[1 + j] / s0;
                }
                for j in 0..p {
                    for l in 0..p {
                        let m2 = s[1 + p + j * p + l] / s0 - s[1 + j] * s[1 + l] / (s0 * s0);
                        out.information[j * p + l] += d * m2;
                    }
                }
                q += 1;
            }
            for i in rows {
                if self.ici[i] == 2 {
                    let g = self.group[i];
                    let wi = w[i] / self.g_own[i];
                    add_moments(&mut bsum[g * stride..(g + 1) * stride], wi, self.row(i), p);
                }
            }
        }
        out
    }

    /// Σ_i (η_i + ψ_i)(η_i + ψ_i)ᵀ of crrvv (column-major p × p).
    #[allow(clippy::too_many_lines)]
    fn sandwich_middle(&self, b: &[f64], _eval: &Evaluation) -> Vec<f64> {
        let (p, ncg, nb, n) = (self.p, self.ncg, self.blocks.len() - 1, self.n);
        let nf = self.failures.len();
        let w: Vec<f64> = (0..n).map(|i| self.eta(b, i).exp()).collect();
        // S0, S1 at each failure time (as in crrfsv)
        let mut s0 = vec![0.0; nf];
        let mut s1 = vec![0.0; nf * p];
        {
            let mut acc0 = 0.0;
            let mut acc1 = vec![0.0; p];
            let mut a0 = vec![0.0; nf];
            let mut a1 = vec![0.0; nf * p];
            let mut qq = nf;
            for k in (0..nb).rev() {
                for i in self.blocks[k]..self.blocks[k + 1] {
                    acc0 += w[i];
                    for (a, xv) in acc1.iter_mut().zip(self.row(i)) {
                        *a += w[i] * xv;
                    }
                }
                if qq > 0 && self.failures[qq - 1].0 == k {
                    qq -= 1;
                    a0[qq] = acc0;
                    a1[qq * p..(qq + 1) * p].copy_from_slice(&acc1);
                }
            }
            let mut b0 = vec![0.0; ncg];
            let mut b1 = vec![0.0; ncg * p];
            let mut qq = 0;
            for k in 0..nb {
                let rows = self.blocks[k]..self.blocks[k + 1];
                if qq < nf && self.failures[qq].0 == k {
                    s0[qq] = a0[qq];
                    s1[qq * p..(qq + 1) * p].copy_from_slice(&a1[qq * p..(qq + 1) * p]);
                    for g in 0..ncg {
                        let gt = self.g_fail[qq * ncg + g];
                        s0[qq] += gt * b0[g];
                        for j in 0..p {
                            s1[qq * p + j] += gt * b1[g * p + j];
                        }
                    }
                    qq += 1;
                }
                for i in rows {
                    if self.ici[i] == 2 {
                        let g = self.group[i];
                        let wi = w[i] / self.g_own[i];
                        b0[g] += wi;
                        for (bv, xv) in b1[g * p..(g + 1) * p].iter_mut().zip(self.row(i)) {
                            *bv += wi * xv;
                        }
                    }
                }
            }
        }
        // per failure time: dΛ = d/S0 and x̄ = S1/S0
        let dl: Vec<f64> = (0..nf).map(|q| self.failures[q].1 / s0[q]).collect();
        let xbar: Vec<f64> = (0..nf * p).map(|i| s1[i] / s0[i / p]).collect();
        // failures of the cause per failure time and censoring group: d_g(u)
        let mut dg = vec![0.0; nf * ncg];
        for (q, &(k, _)) in self.failures.iter().enumerate() {
            for i in self.blocks[k]..self.blocks[k + 1] {
                if self.ici[i] == 1 {
                    dg[q * ncg + self.group[i]] += 1.0;
                }
            }
        }
        // suffix sums over failure times q' >= q (index nf = empty) of G_g dΛ and G_g x̄ dΛ
        // over every failure (d0, d1: η), and of G_g d_g/S0 and G_g x̄ d_g/S0 over the
        // failures of censoring group g only (d0c, d1c: q_g(u) of ψ, as crrvv)
        let mut d0 = vec![0.0; (nf + 1) * ncg];
        let mut d1 = vec![0.0; (nf + 1) * ncg * p];
        let mut d0c = vec![0.0; (nf + 1) * ncg];
        let mut d1c = vec![0.0; (nf + 1) * ncg * p];
        for q in (0..nf).rev() {
            for g in 0..ncg {
                let gt = self.g_fail[q * ncg + g];
                let gd = gt * dl[q];
                let gdc = gt * dg[q * ncg + g] / s0[q];
                d0[q * ncg + g] = d0[(q + 1) * ncg + g] + gd;
                d0c[q * ncg + g] = d0c[(q + 1) * ncg + g] + gdc;
                for j in 0..p {
                    let (at, next) = ((q * ncg + g) * p + j, ((q + 1) * ncg + g) * p + j);
                    d1[at] = d1[next] + gd * xbar[q * p + j];
                    d1c[at] = d1c[next] + gdc * xbar[q * p + j];
                }
            }
        }
        // running: C0, C1 = Σ_{u ≤ t} dΛ, x̄ dΛ; F_g, E_g = Σ earlier competing w/G, w x/G;
        // ss2_g (the dΛc part of ψ); at-risk counts per censoring group
        let mut c0 = 0.0;
        let mut c1 = vec![0.0; p];
        let mut fsum = vec![0.0; ncg];
        let mut esum = vec![0.0; ncg * p];
        let mut ss2 = vec![0.0; ncg * p];
        let mut at_risk = vec![0.0; ncg];
        for &g in &self.group {
            at_risk[g] += 1.0;
        }
        let mut qu = vec![0.0; ncg * p];
        let mut st = vec![0.0; p];
        let mut middle = vec![0.0; p * p];
        let mut q = 0; // failure blocks processed (u_q <= current time)
        for k in 0..nb {
            let rows = self.blocks[k]..self.blocks[k + 1];
            let is_failure = q < nf && self.failures[q].0 == k;
            let q_ge = q; // first failure time >= this time
            if is_failure {
                c0 += dl[q];
                for j in 0..p {
                    c1[j] += xbar[q * p + j] * dl[q];
                }
                q += 1;
            }
            let q_gt = q; // first failure time > this time
            let has_censoring = rows.clone().any(|i| self.ici[i] == 0);
            if has_censoring {
                // per censoring group g: q_g(s) = E_g(s) D0c_g(≥ s) − F_g(s) D1c_g(≥ s), the
                // failures and the earlier competing failures both of group g (crrvv)
                for g in 0..ncg {
                    let dd0 = d0c[q_ge * ncg + g];
                    for j in 0..p {
                        qu[g * p + j] =
                            esum[g * p + j] * dd0 - fsum[g] * d1c[(q_ge * ncg + g) * p + j];
                    }
                }
                for i in rows.clone() {
                    if self.ici[i] == 0 {
                        let g = self.group[i];
                        let r2 = at_risk[g] * at_risk[g];
                        for j in 0..p {
                            ss2[g * p + j] -= qu[g * p + j] / r2;
                        }
                    }
                }
            }
            for i in rows.clone() {
                let (x, g, wi) = (self.row(i), self.group[i], w[i]);
                // η_i: dN part, dΛ over the risk time, and the weighted part after T_i
                for j in 0..p {
                    st[j] = -wi * (x[j] * c0 - c1[j]);
                }
                if self.ici[i] == 1 {
                    let qi = q - 1;
                    for j in 0..p {
                        st[j] += x[j] - xbar[qi * p + j];
                    }
                } else if self.ici[i] == 2 {
                    let f = wi / self.g_own[i];
                    let dd0 = d0[q_gt * ncg + g];
                    for j in 0..p {
                        st[j] -= f * (x[j] * dd0 - d1[(q_gt * ncg + g) * p + j]);
                    }
                }
                // ψ_i
                for j in 0..p {
                    st[j] += ss2[g * p + j];
                }
                if self.ici[i] == 0 {
                    for j in 0..p {
                        st[j] += qu[g * p + j] / at_risk[g];
                    }
                }
                for a in 0..p {
                    for c in 0..p {
                        middle[a * p + c] += st[a] * st[c];
                    }
                }
            }
            for i in rows {
                at_risk[self.group[i]] -= 1.0;
                if self.ici[i] == 2 {
                    let g = self.group[i];
                    let wg = w[i] / self.g_own[i];
                    fsum[g] += wg;
                    for (e, xv) in esum[g * p..(g + 1) * p].iter_mut().zip(self.row(i)) {
                        *e += wg * xv;
                    }
                }
            }
        }
        middle
    }
}

/// `acc += w·(1, x, x xᵀ)` laid out as `[S0, S1 (p), S2 (p × p)]`.
fn add_moments(acc: &mut [f64], w: f64, x: &[f64], p: usize) {
    acc[0] += w;
    for j in 0..p {
        let wx = w * x[j];
        acc[1 + j] += wx;
        let row = &mut acc[1 + p + j * p..1 + p + (j + 1) * p];
        for (r, xl) in row.iter_mut().zip(x) {
            *r += wx * xl;
        }
    }
}

impl FineGrayFit {
    /// The cause modelled.
    pub fn cause(&self) -> u32 {
        self.cause
    }

    /// Covariate names.
    pub fn term_names(&self) -> &[String] {
        &self.names
    }

    /// The coefficients (log subdistribution hazard ratios).
    pub fn coefficients(&self) -> &DVector<f64> {
        &self.coefficients
    }

    /// Sandwich standard errors (R's `sqrt(diag(fit$var))`).
    pub fn std_errors(&self) -> &DVector<f64> {
        &self.std_errors
    }

    /// The sandwich variance (R's `fit$var`).
    #[doc(alias = "vcov")]
    pub fn variance(&self) -> &DMatrix<f64> {
        &self.variance
    }

    /// Wald statistics `β̂ / se` (sandwich se).
    pub fn z_values(&self) -> DVector<f64> {
        crate::stats::wald_z(&self.coefficients, &self.std_errors)
    }

    /// Two-sided Wald p-values `2Φ(−|z|)` (R's `summary.crr`).
    pub fn p_values(&self) -> DVector<f64> {
        crate::stats::wald_p(&self.coefficients, &self.std_errors)
    }

    /// Wald intervals `β̂ ± z·se` with the sandwich se, coefficient scale.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if the level is not in (0, 1).
    pub fn conf_int(&self, level: f64) -> Result<Vec<(f64, f64)>> {
        crate::stats::wald_conf_int(&self.coefficients, &self.std_errors, level)
    }

    /// How [`FineGrayFit::conf_int`] is obtained: [`CiMethod::WaldSandwich`].
    pub fn ci_method(&self) -> CiMethod {
        CiMethod::WaldSandwich
    }

    /// Always `false` (a singular information is an error); here for the common accessor
    /// contract.
    pub fn aliased(&self) -> &[bool] {
        &self.aliased
    }

    /// Pseudo likelihood-ratio test `2(ℓ(β̂) − ℓ(0))` on p df (R's `print.crr`).
    pub fn lr_test(&self) -> ChiSqTest {
        ChiSqTest::new(
            2.0 * (self.loglik - self.loglik_null),
            self.coefficients.len() as f64,
        )
    }

    /// The information matrix at the estimate (R's `fit$inf`).
    pub fn information(&self) -> &DMatrix<f64> {
        &self.information
    }

    /// The score of the pseudo log-likelihood at the estimate (R's `fit$score`).
    pub fn score(&self) -> &DVector<f64> {
        &self.score
    }

    /// The pseudo log-likelihood at the estimate (R's `fit$loglik`).
    pub fn loglik(&self) -> f64 {
        self.loglik
    }

    /// The pseudo log-likelihood at β = 0 (R's `fit$loglik.null`).
    pub fn loglik_null(&self) -> f64 {
        self.loglik_null
    }

    /// How the iteration ended (iterations = Newton steps; R's `fit$converged`).
    pub fn convergence(&self) -> &Convergence {
        &self.convergence
    }

    /// Number of Newton steps.
    pub fn iterations(&self) -> usize {
        self.convergence.iterations()
    }

    /// `true` if the iteration met its convergence criterion (R's `fit$converged`).
    pub fn converged(&self) -> bool {
        self.convergence.converged()
    }

    /// Returns the fit if it converged.
    ///
    /// # Errors
    /// [`Error::NotConverged`] otherwise.
    pub fn require_converged(self) -> Result<Self> {
        self.convergence.require("Fine-Gray model")?;
        Ok(self)
    }

    /// Number of rows (R's `fit$n`).
    pub fn n(&self) -> usize {
        self.n
    }

    /// Number of failures from the modelled cause.
    pub fn n_events(&self) -> usize {
        self.n_events
    }

    /// The coefficient table: `z = β/se`, `p = 2Φ(−|z|)`, CI `β ∓ z_{level}·se` (exponentiate
    /// for the subdistribution hazard ratio), as `summary.crr`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if the level is not in (0, 1).
    pub fn coef_table(&self, level: f64) -> Result<CoefTable> {
        wald_table(
            &self.names,
            &self.coefficients,
            &self.std_errors,
            level,
            CiMethod::WaldSandwich,
            TableStyle::Coxph,
        )
    }
}

/// R's `print(summary(crr(...)))` layout.
impl fmt::Display for FineGrayFit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Competing Risks Regression (cause {})\n", self.cause)?;
        match self.coef_table(0.95) {
            Ok(t) => write!(f, "{t}")?,
            Err(_) => return Err(fmt::Error),
        }
        writeln!(f)?;
        writeln!(f, "Num. cases = {}", self.n)?;
        writeln!(
            f,
            "Pseudo Log-likelihood = {}",
            crate::survival::rformat::format_signif(self.loglik, 3)
        )?;
        let lr = self.lr_test().statistic();
        write!(
            f,
            "Pseudo likelihood ratio test = {}  on {} df,",
            crate::survival::rformat::format_signif(lr, 3),
            self.names.len()
        )?;
        if !self.convergence.converged() {
            write!(f, "\nWarning: {}", self.convergence.reason())?;
        }
        Ok(())
    }
}
