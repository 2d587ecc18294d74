//! Profile-likelihood confidence bounds.
//!
//! Two algorithms:
//!
//! * **Venzon–Moolgavkar** ([`vm_bound`]): the exact root of the (penalized) profile
//!   likelihood, used by logistf for Firth fits and, with τ = 0 and tight tolerances, for the
//!   exact ML profile roots ([`CiMethod::ProfileLikelihood`](crate::CiMethod)):
//!
//! ```text
//! ℓ₀ = ℓ*(β̂) − χ²₁(level)/2;  β = β̂;  V = (XᵀWX)⁻¹ at β
//! repeat: r² = 2((ℓ* − ℓ₀) + ½ U*ᵀVU*)/V_rr;  λ = side·√max(r², 0)
//!         δ = V(U* + λ e_r), |δ|∞ capped;  β += δ;  re-evaluate ℓ*, U*, V
//! until |ℓ* − ℓ₀| ≤ lconv and max|δ| < xconv;  bound = β_r
//! ```
//! (the test is also applied to the proposed step before it is evaluated, which saves the
//! final confirming evaluation).
//!
//! Instead of β̂ (whose first step is the Wald bound), the iteration starts from a
//! second-order prediction of the profile path (exact for the unpenalized likelihood, the
//! penalty's higher derivatives are left to the iteration):
//!
//! ```text
//! d = V e_r / V_rr,  z = X d,  gᵢ = wᵢ πᵢ (1 − πᵢ)(1 − 2πᵢ)           (all at β̂)
//! profile:  ℓ_p(β̂_r + t) ≈ ℓ*(β̂) − t²/(2 V_rr) − t³ Σ gᵢ zᵢ³ / 6     → t (scalar Newton)
//! path:     β(t) ≈ β̂ + t d + ½ t² β'',  β'' = −(V − V e_r e_rᵀ V / V_rr) Xᵀ(g ∘ z²)
//! ```
//! For all coefficients at once this costs two `O(n·k²)` products (Z = X·V·diag(1/V_rr),
//! Xᵀ(g ∘ Z ∘ Z)), about one evaluation, and the predicted point is usually close enough to
//! the root that the iteration stops after one evaluation instead of two. The iteration
//! itself is unchanged, so the bound is the same root.
//!
//! logistf uses the inverse *augmented* information as V; the plain `(XᵀWX)⁻¹` (already
//! factored for the hat values) has the same fixed point (`U*₋ᵣ = 0`, `ℓ* = ℓ₀`), needs the
//! same number of iterations on the reference data and saves one `O(n·k²)` product per step;
//! the bounds agree with logistf to ~1e-9.
//!
//! * **MASS 7.3-58.2 `confint.glm`** ([`mass_interval`]): signed root deviance on a grid of at
//!   most 9 steps of `zmax/5 · se` each side (zmax = √χ²₁(1 − (1 − level)/4)), an FMM cubic
//!   spline through the points evaluated at `3m` equally spaced values, then linear
//!   interpolation at `qnorm((1 ± level)/2)`. This is what R prints, and differs from the
//!   exact root by up to ~1e-4.

use nalgebra::{DMatrix, DVector};

use super::engine::{BLOCK, Engine};
use super::newton::{DampedNewton, StopRule, run};
use crate::stats::{chisq_quantile, normal_quantile};
use crate::{Convergence, Error, Result, StopReason};

/// Which end of the interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Lower,
    Upper,
}

impl Side {
    fn sign(self) -> f64 {
        match self {
            Side::Lower => -1.0,
            Side::Upper => 1.0,
        }
    }
}

/// Controls of the Venzon–Moolgavkar iteration (logistf's `logistpl.control`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct VmControl {
    pub(crate) max_iter: usize,
    pub(crate) max_step: f64,
    pub(crate) lconv: f64,
    pub(crate) xconv: f64,
}

/// A profile bound with its convergence report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ProfileBound {
    pub(crate) value: f64,
    pub(crate) convergence: Convergence,
}

/// The fit's state at β̂, evaluated once and shared by every profile bound.
#[derive(Debug, Clone)]
pub(crate) struct ProfileStart {
    beta: DVector<f64>,
    objective: f64,
    score: DVector<f64>,
    v: DMatrix<f64>,
    /// Third-order coefficient of the profile per coefficient (`−Σ gᵢ zᵢ³ / 6`).
    cubic: Vec<f64>,
    /// Column r: the path curvature β'' of coefficient r's profile.
    curvature: DMatrix<f64>,
}

impl ProfileStart {
    /// Evaluates ℓ*, U* and V = A⁻¹ at `beta_hat`.
    ///
    /// # Errors
    /// [`Error::SingularMatrix`] if the information matrix is singular at β̂.
    pub(crate) fn new(engine: &mut Engine<'_>, beta_hat: &DVector<f64>) -> Result<Self> {
        let k = beta_hat.len();
        engine.evaluate(beta_hat.as_slice())?;
        let mut v = DMatrix::zeros(k, k);
        engine.fisher_inverse(&mut v);
        let (cubic, curvature) = path_expansion(engine, &v);
        Ok(ProfileStart {
            beta: beta_hat.clone(),
            objective: engine.objective(),
            score: engine.score().clone(),
            v,
            cubic,
            curvature,
        })
    }

    /// The predicted start for the `side` bound of coefficient `index` at the chi-square
    /// quantile `chi2` (see the module docs), corrected by what the other bound of the same
    /// coefficient taught (`learned`), or `None` when the expansion is not usable
    /// (non-finite, or the higher-order terms are not small against the Wald step).
    fn predicted(
        &self,
        index: usize,
        side: Side,
        chi2: f64,
        learned: Option<&Learned>,
    ) -> Option<DVector<f64>> {
        let vrr = self.v[(index, index)];
        let c3 = *self.cubic.get(index)?;
        let scale = learned.map_or(1.0, |l| l.scale);
        let t = profile_root(vrr / scale, c3, side.sign(), chi2)?;
        let wald = side.sign() * (chi2 * vrr).sqrt();
        self.path_at(index, t, learned.map(|l| &l.drift), wald.abs())
    }

    /// The one evaluation of coefficient `index`'s predicted profile path at
    /// `β_index = β̂_index + t`: `β̂ + t (d + drift) + ½ t² β''` with `d = V e_r / V_rr`;
    /// `None` if a second-order term is NaN or larger than `limit`.
    fn path_at(
        &self,
        index: usize,
        t: f64,
        drift: Option<&DVector<f64>>,
        limit: f64,
    ) -> Option<DVector<f64>> {
        let vrr = self.v[(index, index)];
        let mut beta = self.beta.clone();
        let half_t2 = 0.5 * t * t;
        for j in 0..beta.len() {
            let second = half_t2 * self.curvature[(j, index)];
            if second.is_nan() || second.abs() > limit {
                return None;
            }
            let drift = drift.map_or(0.0, |d| d[j]);
            beta[j] += t * (self.v[(j, index)] / vrr + drift) + second;
        }
        Some(beta)
    }

    /// The second-order prediction `β̂ + t d + ½ t² β''` of coefficient `index`'s profile
    /// path at `β_index = β̂_index + t`; `None` if not finite or if the second-order term is
    /// larger than `|t|` (the expansion is not trustworthy that far out).
    pub(crate) fn path_point(&self, index: usize, t: f64) -> Option<DVector<f64>> {
        let vrr = self.v[(index, index)];
        if !(vrr > 0.0 && vrr.is_finite() && t.is_finite()) {
            return None;
        }
        self.path_at(index, t, None, t.abs())
    }

    /// What the converged bound `end` of coefficient `index` says about the expansion's error:
    /// the scale of the profile's curvature (the penalty's share of it) and the drift of the
    /// path direction, both assumed equal on the other side.
    fn learn(&self, index: usize, chi2: f64, end: &DVector<f64>) -> Option<Learned> {
        let vrr = self.v[(index, index)];
        let c3 = *self.cubic.get(index)?;
        let t = end[index] - self.beta[index];
        if !(t.is_finite() && t.abs() > 0.0 && vrr > 0.0) {
            return None;
        }
        // −χ²/2 = −t²·scale/(2 V_rr) + c3 t³
        let scale = (chi2 / 2.0 + c3 * t * t * t) * 2.0 * vrr / (t * t);
        if !(scale > 0.5 && scale < 2.0) {
            return None;
        }
        let base = self.path_at(index, t, None, f64::INFINITY)?;
        let drift = DVector::from_fn(end.len(), |j, _| (end[j] - base[j]) / t);
        drift
            .iter()
            .all(|d| d.is_finite())
            .then_some(Learned { scale, drift })
    }
}

/// Correction of the predicted start learned from the other bound of the same coefficient.
#[derive(Debug, Clone)]
struct Learned {
    scale: f64,
    drift: DVector<f64>,
}

/// Root `t` (on the side of `sign`) of `c3 t³ − t²/(2 vrr) + chi2/2`, by Newton from the
/// Wald step `sign·√(chi2·vrr)`; `None` if not finite or more than half the Wald step away.
fn profile_root(vrr: f64, c3: f64, sign: f64, chi2: f64) -> Option<f64> {
    if !(vrr > 0.0 && vrr.is_finite() && c3.is_finite()) {
        return None;
    }
    let wald = sign * (chi2 * vrr).sqrt();
    let mut t = wald;
    for _ in 0..8 {
        let f = c3 * t * t * t - t * t / (2.0 * vrr) + chi2 / 2.0;
        let slope = 3.0 * c3 * t * t - t / vrr;
        if slope.abs() <= f64::MIN_POSITIVE {
            return None;
        }
        let step = f / slope;
        t -= step;
        if step.abs() <= 1e-14 * t.abs() {
            break;
        }
    }
    (t.is_finite() && (t - wald).abs() <= 0.5 * wald.abs()).then_some(t)
}

/// Per coefficient r: the cubic coefficient of the profile and the path curvature β''
/// (see the module docs), from the engine's state at β̂ and `v = (XᵀWX)⁻¹`.
///
/// `Z = X·D` (D: the columns of V over their diagonal) is formed [`BLOCK`] rows at a time, not
/// as an n × k matrix: each row of Z comes from the same `gemm` kernel as the whole product
/// would use (nalgebra: matrixmultiply above 5 rows and columns, else per-column `gemv`),
/// Σ gᵢ zᵢ³ is the same row-order sum, and `q = Xᵀ(g ∘ Z ∘ Z)` is formed by [`BlockedDot`] in
/// the order of nalgebra's `tr_mul`, so the result is bit-identical to the one-shot products.
fn path_expansion(engine: &Engine<'_>, v: &DMatrix<f64>) -> (Vec<f64>, DMatrix<f64>) {
    /// nalgebra's `gemm` uses matrixmultiply only above this many rows and columns.
    const GEMM_SMALL: usize = 5;
    let problem = engine.problem();
    let x = problem.x;
    let (n, k) = x.shape();
    let mut directions = v.clone();
    for r in 0..k {
        let vrr = v[(r, r)];
        directions.column_mut(r).scale_mut(1.0 / vrr);
    }
    let fitted = engine.fitted();
    // gᵢ = wᵢ pᵢ(1 − pᵢ)(1 − 2pᵢ)
    let g = |i: usize| {
        let p = fitted[i];
        problem.w[i] * p * (1.0 - p) * (1.0 - 2.0 * p)
    };
    let mut third = vec![0.0; k];
    // q_jr = Σᵢ xᵢⱼ gᵢ zᵢᵣ², one sum per (j, r), j fastest
    let mut q_sums: Vec<BlockedDot> = (0..k * k).map(|_| BlockedDot::new(n)).collect();
    // the block's rows of Z (one window of at least GEMM_SMALL + 1 rows when the whole
    // product would use matrixmultiply), then g ∘ z² in place
    let rows = BLOCK.min(n).max((GEMM_SMALL + 1).min(n));
    let mut zb = DMatrix::zeros(rows, k);
    for start in (0..n).step_by(BLOCK) {
        let m = BLOCK.min(n - start);
        let whole_uses_kernel = n > GEMM_SMALL && k > GEMM_SMALL;
        let window = if whole_uses_kernel {
            m.max(GEMM_SMALL + 1)
        } else {
            m
        };
        let first = start + m - window;
        let skip = start - first;
        zb.rows_mut(0, window)
            .gemm(1.0, &x.rows(first, window), &directions, 0.0);
        for (r, t) in third.iter_mut().enumerate() {
            for (offset, zi) in zb.column_mut(r).as_mut_slice()[skip..window]
                .iter_mut()
                .enumerate()
            {
                let g_z2 = g(start + offset) * *zi * *zi;
                *t += g_z2 * *zi;
                *zi = g_z2;
            }
        }
        for (r, zcol) in zb.as_slice().chunks_exact(rows).enumerate() {
            let gz2 = &zcol[skip..window];
            for (j, xcol) in x.as_slice().chunks_exact(n).enumerate() {
                q_sums[r * k + j].add_rows(start, &xcol[start..start + m], gz2);
            }
        }
    }
    let cubic: Vec<f64> = if n > 0 {
        third.iter().map(|t| -t / 6.0).collect()
    } else {
        vec![0.0; k]
    };
    let q = DMatrix::from_iterator(k, k, q_sums.into_iter().map(BlockedDot::value));
    // β''_r = −(V q_r − v_r (v_rᵀ q_r) / V_rr)
    let mut curvature = DMatrix::zeros(k, k);
    curvature.gemm(-1.0, v, &q, 0.0);
    for r in 0..k {
        let vrr = v[(r, r)];
        let vq = v.column(r).dot(&q.column(r));
        let coef = vq / vrr;
        for j in 0..k {
            curvature[(j, r)] += v[(j, r)] * coef;
        }
    }
    (cubic, curvature)
}

/// nalgebra's `dot` of two n-vectors (eight interleaved partial sums over the first
/// `8⌊n/8⌋` rows, combined as `(s₀+s₄) + (s₁+s₅) + (s₂+s₆) + (s₃+s₇)`, then the last rows one
/// by one), fed in row order a block at a time: the same value, bit for bit, as `a.dot(&b)`
/// without the n-row vectors.
#[derive(Debug, Clone)]
struct BlockedDot {
    partial: [f64; 8],
    sum: f64,
    /// `8⌊n/8⌋`: the rows summed in the partial sums.
    unrolled: usize,
    combined: bool,
}

impl BlockedDot {
    fn new(n: usize) -> Self {
        BlockedDot {
            partial: [0.0; 8],
            sum: 0.0,
            unrolled: n - n % 8,
            combined: false,
        }
    }

    /// Adds rows `start..start + a.len()` (`start` a multiple of 8, blocks in row order).
    fn add_rows(&mut self, start: usize, a: &[f64], b: &[f64]) {
        debug_assert!(start.is_multiple_of(8) && a.len() == b.len());
        let end = start + a.len();
        let unrolled_end = end.min(self.unrolled).max(start);
        let split = unrolled_end - start;
        let (a8, a_tail) = a.split_at(split);
        let (b8, b_tail) = b.split_at(split);
        for (ca, cb) in a8.chunks_exact(8).zip(b8.chunks_exact(8)) {
            for ((p, x), y) in self.partial.iter_mut().zip(ca).zip(cb) {
                *p += x * y;
            }
        }
        if !a_tail.is_empty() {
            self.combine();
            for (x, y) in a_tail.iter().zip(b_tail) {
                self.sum += x * y;
            }
        }
    }

    fn combine(&mut self) {
        if !self.combined {
            let p = self.partial;
            self.sum += p[0] + p[4];
            self.sum += p[1] + p[5];
            self.sum += p[2] + p[6];
            self.sum += p[3] + p[7];
            self.combined = true;
        }
    }

    fn value(mut self) -> f64 {
        self.combine();
        self.sum
    }
}

/// One Venzon–Moolgavkar profile bound for coefficient `index` (see the module docs).
/// `engine` carries the penalty τ (0 for ML); `start` is the state at β̂.
///
/// # Errors
/// [`Error::SingularMatrix`] if the information matrix becomes singular on the way.
pub(crate) fn vm_bound(
    engine: &mut Engine<'_>,
    start: &ProfileStart,
    index: usize,
    side: Side,
    level: f64,
    control: VmControl,
) -> Result<ProfileBound> {
    let mut end = DVector::zeros(start.beta.len());
    vm_bound_with(engine, start, index, side, level, control, None, &mut end)
}

/// Both Venzon–Moolgavkar bounds of coefficient `index`, `(lower, upper)`: the upper one
/// starts from a prediction corrected by the converged lower one (usually one evaluation
/// less).
///
/// # Errors
/// [`Error::SingularMatrix`] if the information matrix becomes singular on the way.
pub(crate) fn vm_interval(
    engine: &mut Engine<'_>,
    start: &ProfileStart,
    index: usize,
    level: f64,
    control: VmControl,
) -> Result<(ProfileBound, ProfileBound)> {
    let mut end = DVector::zeros(start.beta.len());
    let lower = vm_bound_with(
        engine,
        start,
        index,
        Side::Lower,
        level,
        control,
        None,
        &mut end,
    )?;
    let learned = if lower.convergence.converged() {
        start.learn(index, chisq_quantile(level, 1.0), &end)
    } else {
        None
    };
    let upper = vm_bound_with(
        engine,
        start,
        index,
        Side::Upper,
        level,
        control,
        learned.as_ref(),
        &mut end,
    )?;
    Ok((lower, upper))
}

/// [`vm_bound`] with an optional learned correction of the predicted start; the final β is
/// written into `end`.
#[allow(clippy::too_many_arguments)]
fn vm_bound_with(
    engine: &mut Engine<'_>,
    start: &ProfileStart,
    index: usize,
    side: Side,
    level: f64,
    control: VmControl,
    learned: Option<&Learned>,
    end: &mut DVector<f64>,
) -> Result<ProfileBound> {
    let k = start.beta.len();
    let chi2 = chisq_quantile(level, 1.0);
    let target = start.objective - chi2 / 2.0;
    let mut beta = start.beta.clone();
    let mut v = start.v.clone();
    let mut u = start.score.clone();
    let mut objective = start.objective;
    let mut evaluated = false;
    if let Some(predicted) = start.predicted(index, side, chi2, learned)
        && engine.evaluate(predicted.as_slice()).is_ok()
    {
        beta = predicted;
        engine.fisher_inverse(&mut v);
        u.copy_from(engine.score());
        objective = engine.objective();
        evaluated = true;
    }
    let mut vu = DVector::zeros(k);
    let mut delta = DVector::zeros(k);
    for iter in 1..=control.max_iter {
        vu.gemv(1.0, &v, &u, 0.0);
        let quad = u.dot(&vu);
        let r2 = 2.0 * ((objective - target) + 0.5 * quad) / v[(index, index)];
        let lambda = if r2 > 0.0 {
            side.sign() * r2.sqrt()
        } else {
            0.0
        };
        delta.copy_from(&vu);
        delta.axpy(lambda, &v.column(index), 1.0);
        let largest = delta.amax();
        if largest > control.max_step {
            delta *= control.max_step / largest;
        }
        // logistf's test, applied before evaluating the step: the current point already has
        // |ℓ* − ℓ₀| ≤ lconv and the next step is below xconv, so β + δ is the bound logistf
        // would report after one more evaluation (saves one O(n·k²) evaluation per bound).
        // The ℓ* part is relaxed to |ℓ* − ℓ₀| ≤ 100·lconv (reached by the predicted start of
        // the second bound): what bounds the error of β + δ is the size of the Newton step
        // (of order K·δ², as for logistf's own test), and |ℓ* − ℓ₀| only has to show that the
        // iteration is in its quadratic range. Bounds agree with tightly converged ones to
        // ~1e-12 (tests/firth_fast_paths.rs).
        let gap = (objective - target).abs();
        if (iter > 1 || evaluated) && largest < control.xconv && gap <= 100.0 * control.lconv {
            beta += &delta;
            end.copy_from(&beta);
            return Ok(ProfileBound {
                value: beta[index],
                convergence: Convergence::new(iter, StopReason::Converged),
            });
        }
        beta += &delta;
        engine.evaluate(beta.as_slice())?;
        engine.fisher_inverse(&mut v);
        u.copy_from(engine.score());
        objective = engine.objective();
        if !beta[index].is_finite() {
            break;
        }
        if (objective - target).abs() <= control.lconv && delta.amax() < control.xconv {
            end.copy_from(&beta);
            return Ok(ProfileBound {
                value: beta[index],
                convergence: Convergence::new(iter, StopReason::Converged),
            });
        }
    }
    end.copy_from(&beta);
    Ok(ProfileBound {
        value: beta[index],
        convergence: Convergence::new(control.max_iter, StopReason::MaxIterations),
    })
}

/// Deviance `−2ℓ` of the fit with coefficient `index` fixed at `value`, all others free,
/// started from `start` (which is updated to the constrained optimum).
///
/// # Errors
/// [`Error::SingularMatrix`] from the constrained fit.
pub(crate) fn constrained_deviance<'a>(
    engine: Engine<'a>,
    start: &mut DVector<f64>,
    index: usize,
    value: f64,
) -> Result<(Engine<'a>, f64)> {
    let k = start.len();
    let free = crate::profile::restrict(start.as_mut_slice(), &[index], &[value]);
    let solver = DampedNewton::new(k, StopRule::RelativeDeviance { eps: 1e-13 }).free(free);
    let out = run(engine, solver, start.clone(), 100)?;
    start.copy_from(&out.beta);
    let dev = -2.0 * out.engine.loglik();
    Ok((out.engine, dev))
}

/// MASS's spline-interpolated profile interval for coefficient `index` (see the module
/// docs). `se` is the standard error R's `summary.glm` reports (last IRLS weights) and
/// `deviance` the fitted deviance. Returns `(lower, upper)`; NaN where R gives `NA`.
///
/// # Errors
/// [`Error::NotConverged`] if a constrained fit finds a deviance lower than the fit's by more
/// than 1e-3 (MASS: "profiling has found a better solution, so original fit had not
/// converged"); [`Error::SingularMatrix`] from a constrained fit.
pub(crate) fn mass_interval<'a>(
    mut engine: Engine<'a>,
    beta_hat: &DVector<f64>,
    deviance: f64,
    se: f64,
    index: usize,
    level: f64,
) -> Result<(Engine<'a>, (f64, f64))> {
    const MAX_STEPS: usize = 10;
    let alpha = (1.0 - level) / 4.0;
    let zmax = chisq_quantile(1.0 - alpha, 1.0).sqrt();
    let del = zmax / 5.0;
    let mut points: Vec<(f64, f64)> = vec![(0.0, beta_hat[index])];
    for sign in [-1.0, 1.0] {
        let mut start = beta_hat.clone();
        let mut z: f64 = 0.0;
        let mut step = 0;
        loop {
            step += 1;
            if step >= MAX_STEPS || z.abs() >= zmax {
                break;
            }
            let b = beta_hat[index] + sign * step as f64 * del * se;
            let (e, dev) = constrained_deviance(engine, &mut start, index, b)?;
            engine = e;
            let mut zz = dev - deviance;
            if zz > -1e-3 {
                zz = zz.max(0.0);
            } else {
                return Err(Error::NotConverged {
                    what: "the original logistic fit (profiling found a better solution)",
                    iterations: 0,
                });
            }
            z = sign * zz.sqrt();
            points.push((z, b));
        }
    }
    // order(zi): stable sort by z
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let zs: Vec<f64> = points.iter().map(|p| p.0).collect();
    let bs: Vec<f64> = points.iter().map(|p| p.1).collect();
    let (sx, sy) = r_spline(&bs, &zs);
    let a = (1.0 - level) / 2.0;
    let lower = r_approx(&sy, &sx, normal_quantile(a));
    let upper = r_approx(&sy, &sx, normal_quantile(1.0 - a));
    Ok((engine, (lower, upper)))
}

/// R's `regularize.values(x, y, ties = mean)`: sort by x (stable) and average y over tied x.
fn regularize(x: &[f64], y: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut idx: Vec<usize> = (0..x.len()).filter(|&i| !x[i].is_nan()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut ux: Vec<f64> = Vec::with_capacity(idx.len());
    let mut uy: Vec<f64> = Vec::with_capacity(idx.len());
    let mut count = 0usize;
    for &i in &idx {
        match ux.last() {
            Some(&last) if last.total_cmp(&x[i]).is_eq() => {
                count += 1;
                if let Some(s) = uy.last_mut() {
                    *s += (y[i] - *s) / count as f64;
                }
            }
            _ => {
                ux.push(x[i]);
                uy.push(y[i]);
                count = 1;
            }
        }
    }
    (ux, uy)
}

/// R's `spline(x, y)` with the defaults `n = 3·length(x)`, `method = "fmm"`, evaluated on
/// `seq(min(x), max(x), length.out = n)`. Returns `(x_out, y_out)`.
pub(crate) fn r_spline(x: &[f64], y: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let nout = 3 * x.len();
    let (x, y) = regularize(x, y);
    let m = x.len();
    if m == 0 {
        return (Vec::new(), Vec::new());
    }
    let (b, c, d) = fmm_coefficients(&x, &y);
    let (lo, hi) = (x[0], x[m - 1]);
    let by = if nout > 1 {
        (hi - lo) / (nout - 1) as f64
    } else {
        0.0
    };
    let xout: Vec<f64> = (0..nout)
        .map(|i| {
            if i + 1 == nout {
                hi
            } else {
                lo + i as f64 * by
            }
        })
        .collect();
    let yout = xout
        .iter()
        .map(|&u| {
            // interval i with x[i] <= u < x[i+1] (i = 0 below the range)
            let i = match x.partition_point(|&xi| xi <= u) {
                0 => 0,
                p => (p - 1).min(m - 1),
            };
            let dx = u - x[i];
            y[i] + dx * (b[i] + dx * (c[i] + dx * d[i]))
        })
        .collect();
    (xout, yout)
}

/// Forsythe–Malcolm–Moler cubic spline coefficients (end third derivatives matched to the
/// cubics through the four end points), as R's `spline_coef(method = "fmm")`.
#[allow(clippy::needless_range_loop)]
fn fmm_coefficients(x: &[f64], y: &[f64]) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let n = x.len();
    let mut b = vec![0.0; n];
    let mut c = vec![0.0; n];
    let mut d = vec![0.0; n];
    if n < 2 {
        return (b, c, d);
    }
    if n < 3 {
        let t = (y[1] - y[0]) / (x[1] - x[0]);
        b[0] = t;
        b[1] = t;
        return (b, c, d);
    }
    let nm1 = n - 1;
    // tridiagonal system: b diagonal, d off-diagonal, c right-hand side
    d[0] = x[1] - x[0];
    c[1] = (y[1] - y[0]) / d[0];
    for i in 1..nm1 {
        d[i] = x[i + 1] - x[i];
        b[i] = 2.0 * (d[i - 1] + d[i]);
        c[i + 1] = (y[i + 1] - y[i]) / d[i];
        c[i] = c[i + 1] - c[i];
    }
    b[0] = -d[0];
    b[nm1] = -d[n - 2];
    c[0] = 0.0;
    c[nm1] = 0.0;
    if n > 3 {
        c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0]);
        c[nm1] = c[n - 2] / (x[nm1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4]);
        c[0] = c[0] * d[0] * d[0] / (x[3] - x[0]);
        c[nm1] = -c[nm1] * d[n - 2] * d[n - 2] / (x[nm1] - x[n - 4]);
    }
    for i in 1..=nm1 {
        let t = d[i - 1] / b[i - 1];
        b[i] -= t * d[i - 1];
        c[i] -= t * c[i - 1];
    }
    c[nm1] /= b[nm1];
    for i in (0..nm1).rev() {
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i];
    }
    b[nm1] = (y[nm1] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[nm1]);
    for i in 0..nm1 {
        b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i]);
        d[i] = (c[i + 1] - c[i]) / d[i];
        c[i] *= 3.0;
    }
    c[nm1] *= 3.0;
    d[nm1] = d[n - 2];
    (b, c, d)
}

/// R's `approx(x, y, xout)$y` (linear, `rule = 1`, `ties = mean`): NaN outside the range.
pub(crate) fn r_approx(x: &[f64], y: &[f64], xout: f64) -> f64 {
    let (x, y) = regularize(x, y);
    let n = x.len();
    if n == 0 || xout.is_nan() || xout < x[0] || xout > x[n - 1] {
        return f64::NAN;
    }
    let j = x.partition_point(|&xi| xi < xout);
    if j < n && x[j].total_cmp(&xout).is_eq() {
        return y[j];
    }
    if j == 0 {
        return y[0];
    }
    let i = j - 1;
    y[i] + (y[j] - y[i]) * ((xout - x[i]) / (x[j] - x[i]))
}

#[cfg(test)]
mod tests {
    use super::super::engine::Problem;
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn fmm_spline_matches_r() {
        // R 4.2.2: s <- spline(c(0, 1, 2.5, 3, 4.2), c(1, 0.3, 2, -1, 0.5)); s$y[c(2, 7, 14)]
        let (xo, yo) = r_spline(&[0.0, 1.0, 2.5, 3.0, 4.2], &[1.0, 0.3, 2.0, -1.0, 0.5]);
        assert_eq!(xo.len(), 15);
        assert_relative_eq!(xo[14], 4.2);
        let r = [R_SPLINE_Y2, R_SPLINE_Y7, R_SPLINE_Y14];
        assert_relative_eq!(yo[1], r[0], max_relative = 1e-12);
        assert_relative_eq!(yo[6], r[1], max_relative = 1e-12);
        assert_relative_eq!(yo[13], r[2], max_relative = 1e-12);
    }

    #[test]
    fn approx_is_linear_and_na_outside() {
        assert_relative_eq!(r_approx(&[0.0, 1.0, 2.0], &[0.0, 10.0, 30.0], 1.5), 20.0);
        assert!(r_approx(&[0.0, 1.0], &[0.0, 1.0], 1.5).is_nan());
    }

    /// The path expansion as one-shot n × k products (what `path_expansion` replaced).
    fn path_expansion_one_shot(engine: &Engine<'_>, v: &DMatrix<f64>) -> (Vec<f64>, DMatrix<f64>) {
        let problem = engine.problem();
        let x = problem.x;
        let (n, k) = x.shape();
        let mut directions = v.clone();
        for r in 0..k {
            let vrr = v[(r, r)];
            directions.column_mut(r).scale_mut(1.0 / vrr);
        }
        let mut z = DMatrix::zeros(n, k);
        z.gemm(1.0, x, &directions, 0.0);
        let fitted = engine.fitted();
        let mut cubic = vec![0.0; k];
        for (c, col) in cubic.iter_mut().zip(z.as_mut_slice().chunks_exact_mut(n)) {
            let mut third = 0.0;
            for (i, zi) in col.iter_mut().enumerate() {
                let p = fitted[i];
                let gi = problem.w[i] * p * (1.0 - p) * (1.0 - 2.0 * p);
                let g_z2 = gi * *zi * *zi;
                third += g_z2 * *zi;
                *zi = g_z2;
            }
            *c = -third / 6.0;
        }
        let q = x.tr_mul(&z);
        let mut curvature = DMatrix::zeros(k, k);
        curvature.gemm(-1.0, v, &q, 0.0);
        for r in 0..k {
            let coef = v.column(r).dot(&q.column(r)) / v[(r, r)];
            for j in 0..k {
                curvature[(j, r)] += v[(j, r)] * coef;
            }
        }
        (cubic, curvature)
    }

    #[test]
    fn blocked_path_expansion_is_bit_identical_to_the_one_shot_products() -> Result<()> {
        use super::super::outcome::RowValues;
        use std::sync::Arc;
        // k > 5 (matrixmultiply) and k ≤ 5 (gemv); n with a last block of 3 or 5 rows, one
        // block, as few rows as columns (fewer would make X'WX singular, which the engine
        // reports); unit and given weights
        for (n, k) in [(771, 7), (261, 7), (771, 4), (200, 9), (7, 7), (13, 3)] {
            let x = DMatrix::from_fn(n, k, |i, j| match j {
                0 => 1.0,
                _ => ((i * (j + 3)) as f64 * 0.37).sin() * (j as f64) + (i % (j + 2)) as f64,
            });
            let y: Vec<f64> = (0..n)
                .map(|i| ((i * 7 + i / 3) % 3 == 0) as u8 as f64)
                .collect();
            let beta: Vec<f64> = (0..k).map(|j| 0.1 - 0.05 * j as f64).collect();
            let weights = [
                RowValues::Constant(1.0),
                RowValues::Given(Arc::new((0..n).map(|i| 0.5 + (i % 4) as f64).collect())),
            ];
            for w in &weights {
                let off = RowValues::Constant(0.0);
                let problem = Problem {
                    x: &x,
                    y: &y,
                    w,
                    offset: &off,
                };
                let mut engine = Engine::new(problem, 0.0);
                engine.evaluate(&beta)?;
                let mut v = DMatrix::zeros(k, k);
                engine.fisher_inverse(&mut v);
                let (cubic, curvature) = path_expansion(&engine, &v);
                let (cubic0, curvature0) = path_expansion_one_shot(&engine, &v);
                let bits = |s: &[f64]| s.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&cubic), bits(&cubic0), "cubic, n = {n}, k = {k}");
                assert_eq!(
                    bits(curvature.as_slice()),
                    bits(curvature0.as_slice()),
                    "curvature, n = {n}, k = {k}"
                );
            }
        }
        Ok(())
    }

    // R 4.2.2 (2022-11-10 r83330), stats::spline defaults
    const R_SPLINE_Y2: f64 = -0.1006231802309967;
    const R_SPLINE_Y7: f64 = 2.5495183772545036;
    const R_SPLINE_Y14: f64 = -2.1070427578565694;
}
