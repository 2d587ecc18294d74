//! `survreg.fit`'s starting values and the preparation of the rows: the transform of the
//! time, R's centring and scaling of the covariates, the intercept-only fit and the
//! weighted least-squares start of the full model.
#![allow(clippy::needless_range_loop)] // index loops mirror R's matrix code

use crate::linalg::Ldl;

use super::dist::Law;
use super::iterate::{Controls, Outcome, survreg_newton};
use super::loglik::Problem;

/// R's `derfun` at `z = 0` (the start point `η = y`): `(dg, ddg − dg²)` for an event or a
/// censored row with scale `sigma`.
pub(super) fn derfun_at_zero(law: Law, event: bool, sigma: f64) -> (f64, f64) {
    let d = law.r_density(0.0);
    if event {
        let tdenom = 1.0 / sigma;
        let dg = -tdenom * d[3];
        let ddg = (tdenom / sigma) * d[4];
        (dg, ddg - dg * dg)
    } else {
        let tdenom = 1.0 / (d[1] * sigma);
        let dg = -tdenom * (0.0 - d[2]);
        let ddg = (tdenom / sigma) * (0.0 - d[2] * d[3]);
        (dg, ddg - dg * dg)
    }
}

/// Weighted mean and weighted population variance (R's distribution `init`).
pub(super) fn weighted_moments(y: &[f64], w: &[f64]) -> (f64, f64) {
    let sw: f64 = w.iter().sum();
    let mean = y.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / sw;
    let var = y
        .iter()
        .zip(w)
        .map(|(a, b)| b * (a - mean) * (a - mean))
        .sum::<f64>()
        / sw;
    (mean, var)
}

/// Centring and scaling of the covariates as `survreg.fit` does when the first column is
/// the intercept: every column that is not all 0/1 is centred at its mean and divided by its
/// sample SD. `None` when R would not rescale.
#[derive(Debug, Clone)]
pub(super) struct Rescale {
    pub(super) center: Vec<f64>,
    pub(super) stdev: Vec<f64>,
}

impl Rescale {
    /// R's rule: intercept first, more than one column, some column not all 0/1. A constant
    /// non-0/1 column (SD 0, where R would divide by zero) is left unscaled.
    pub(super) fn detect(x: &[f64], n: usize, p: usize) -> Option<Rescale> {
        if p < 2 || (0..n).any(|i| (x[i * p] - 1.0).abs() > 0.0) {
            return None;
        }
        let okay: Vec<bool> = (0..p)
            .map(|j| (0..n).all(|i| x[i * p + j].abs() <= 0.0 || (x[i * p + j] - 1.0).abs() <= 0.0))
            .collect();
        if okay.iter().all(|&o| o) {
            return None;
        }
        let mut center = vec![0.0; p];
        let mut stdev = vec![1.0; p];
        for j in 0..p {
            if okay[j] || n < 2 {
                continue;
            }
            let mean = (0..n).map(|i| x[i * p + j]).sum::<f64>() / n as f64;
            let ss = (0..n)
                .map(|i| (x[i * p + j] - mean) * (x[i * p + j] - mean))
                .sum::<f64>();
            let sd = (ss / (n as f64 - 1.0)).sqrt();
            if sd > 0.0 {
                center[j] = mean;
                stdev[j] = sd;
            }
        }
        Some(Rescale { center, stdev })
    }

    /// Applies the transform to a row-major `n × p` matrix in place.
    pub(super) fn apply(&self, x: &mut [f64], p: usize) {
        for row in x.chunks_exact_mut(p) {
            for ((v, c), s) in row.iter_mut().zip(&self.center).zip(&self.stdev) {
                *v = (*v - c) / s;
            }
        }
    }

    /// Maps parameters and variance of the scaled fit back to the original covariates
    /// (`vtemp %*% coef`, `vtemp %*% var %*% t(vtemp)`); `k ≥ p` parameters, the scales last.
    pub(super) fn back_transform(&self, beta: &mut [f64], var: &mut [f64], k: usize) {
        let p = self.center.len();
        // vtemp: k × k, diag(1/stdev, 1...), row 0 columns 1..p = -center/stdev
        let mut t = vec![0.0; k * k];
        for j in 0..k {
            t[j * k + j] = if j < p { 1.0 / self.stdev[j] } else { 1.0 };
        }
        for j in 1..p {
            t[j] = -self.center[j] / self.stdev[j];
        }
        let nb: Vec<f64> = (0..k)
            .map(|a| (0..k).map(|b| t[a * k + b] * beta[b]).sum())
            .collect();
        beta.copy_from_slice(&nb);
        let mut tv = vec![0.0; k * k];
        for a in 0..k {
            for b in 0..k {
                tv[a * k + b] = (0..k).map(|c| t[a * k + c] * var[c * k + b]).sum();
            }
        }
        for a in 0..k {
            for b in 0..k {
                var[a * k + b] = (0..k).map(|c| tv[a * k + c] * t[b * k + c]).sum();
            }
        }
    }
}

/// Inputs of the start computation.
#[derive(Debug)]
pub(super) struct StartInput<'a> {
    pub(super) law: Law,
    pub(super) y: &'a [f64],
    pub(super) event: &'a [bool],
    pub(super) weights: &'a [f64],
    pub(super) offset: &'a [f64],
    pub(super) strata: &'a [usize],
    /// Number of strata (≥ 1).
    pub(super) nstrata: usize,
    /// `Some(log σ)` for a fixed scale.
    pub(super) fixed_log_scale: Option<f64>,
}

/// The start of the full model and, unless the model is intercept-only, the intercept-only
/// fit (R's `fit0`).
#[derive(Debug)]
pub(super) struct Start {
    pub(super) init: Vec<f64>,
    pub(super) null_fit: Option<Outcome>,
}

/// `survreg.fit`'s steps 1–6 (see the module documentation of [`super`]).
pub(super) fn start_values(
    input: &StartInput<'_>,
    x: &[f64],
    nvar: usize,
    mean_only: bool,
    controls: Controls,
) -> Start {
    let n = input.y.len();
    let law = input.law;
    let nstrat2 = if input.fixed_log_scale.is_some() {
        0
    } else {
        input.nstrata
    };
    let (m, v) = weighted_moments(input.y, input.weights);
    let (_, var) = law.init(m, v);
    let vars0 = input
        .fixed_log_scale
        .unwrap_or_else(|| (4.0 * var).ln() / 2.0);
    let (vars, null_fit) = if mean_only {
        (vec![vars0; input.nstrata], None)
    } else {
        // one glim step for the intercept at z = 0, then the intercept-only fit
        let sigma = vars0.exp();
        let mut num = 0.0;
        let mut den = 0.0;
        for i in 0..n {
            let (dg, ddg) = derfun_at_zero(law, input.event[i], sigma);
            let wt = -ddg * input.weights[i];
            num += input.weights[i] * dg + wt * (input.y[i] - input.offset[i]);
            den += wt;
        }
        let mut coef0 = vec![num / den];
        coef0.extend(std::iter::repeat_n(vars0, input.nstrata));
        let ones = vec![1.0; n];
        let problem0 = Problem {
            law,
            y: input.y,
            event: input.event,
            weights: input.weights,
            offset: input.offset,
            x: &ones,
            nvar: 1,
            strata: input.strata,
            nstrat: nstrat2,
            fixed_log_scale: vars0,
        };
        let fit0 = survreg_newton(
            &problem0,
            &coef0,
            Controls {
                max_iter: 20,
                ..controls
            },
        );
        let vars = if nstrat2 == 0 {
            vec![vars0]
        } else {
            fit0.beta[1..].to_vec()
        };
        (vars, Some(fit0))
    };
    // weighted least squares at z = 0 with the scales found
    let k = nvar;
    let mut xtwx = vec![0.0; k * k];
    let mut rhs = vec![0.0; k];
    for i in 0..n {
        let sigma = vars[if vars.len() > 1 { input.strata[i] } else { 0 }].exp();
        let (dg, ddg) = derfun_at_zero(law, input.event[i], sigma);
        let wt = -ddg * input.weights[i];
        let eta = input.y[i] - input.offset[i];
        let r = wt * eta + input.weights[i] * dg;
        let row = &x[i * nvar..(i + 1) * nvar];
        for a in 0..k {
            rhs[a] += r * row[a];
            for b in 0..=a {
                xtwx[a * k + b] += wt * row[a] * row[b];
            }
        }
    }
    for a in 0..k {
        for b in 0..a {
            xtwx[b * k + a] = xtwx[a * k + b];
        }
    }
    let mut ldl = Ldl::new(k);
    ldl.factor(&xtwx, controls.toler_chol);
    ldl.solve(&mut rhs);
    let mut init = rhs;
    if nstrat2 > 0 {
        init.extend_from_slice(&vars);
    }
    Start { init, null_fit }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_transform_inverts_the_scaling() {
        // y = b0 + b1 x on the scaled x equals the original-scale fit
        let r = Rescale {
            center: vec![0.0, 10.0],
            stdev: vec![1.0, 2.0],
        };
        let mut beta = vec![1.0, 4.0, 0.3];
        let mut var = vec![1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0];
        r.back_transform(&mut beta, &mut var, 3);
        // eta = 1 + 4 (x - 10)/2 = -19 + 2 x
        assert!((beta[0] + 19.0).abs() < 1e-12 && (beta[1] - 2.0).abs() < 1e-12);
        assert!((beta[2] - 0.3).abs() < 1e-15);
        assert!((var[4] - 0.25).abs() < 1e-12 && (var[0] - 26.0).abs() < 1e-12);
    }
}
