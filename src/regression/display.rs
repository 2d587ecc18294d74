//! R-like `Display` for [`LogisticFit`] (glm summary) and [`FirthFit`] (logistf summary).

use std::fmt;

use super::firth::FirthFit;
use super::logistic::LogisticFit;
use crate::CiMethod;
use crate::table::format_p;

impl fmt::Display for LogisticFit {
    /// `summary.glm`-like: coefficient table with Wald z and p, odds ratios with exact profile
    /// intervals (Wald if profiling fails), deviances, convergence and separation warnings.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Logistic regression (maximum likelihood, as R glm binomial)"
        )?;
        writeln!(f)?;
        let table = self
            .coef_table(0.95)
            .or_else(|_| self.coef_table_by(0.95, CiMethod::Wald));
        match table {
            Ok(t) => fmt::Display::fmt(&t, f)?,
            Err(e) => writeln!(f, "(coefficient table unavailable: {e})")?,
        }
        writeln!(f)?;
        let rank = self.coefficients().iter().filter(|b| !b.is_nan()).count();
        let n = self.n();
        let null_df = n - usize::from(
            self.term_names()
                .first()
                .is_some_and(|s| s == crate::design::INTERCEPT),
        );
        writeln!(
            f,
            "    Null deviance: {}  on {} degrees of freedom",
            crate::table::format_number(self.null_deviance(), 3),
            null_df
        )?;
        writeln!(
            f,
            "Residual deviance: {}  on {} degrees of freedom",
            crate::table::format_number(self.deviance(), 3),
            n.saturating_sub(rank)
        )?;
        writeln!(
            f,
            "AIC: {}",
            crate::table::format_number(self.deviance() + 2.0 * rank as f64, 2)
        )?;
        writeln!(f)?;
        writeln!(
            f,
            "Number of Fisher Scoring iterations: {} ({})",
            self.convergence().iterations(),
            self.convergence().reason()
        )?;
        let aliased: Vec<&str> = self
            .term_names()
            .iter()
            .zip(self.aliased())
            .filter(|(_, a)| **a)
            .map(|(n, _)| n.as_str())
            .collect();
        if !aliased.is_empty() {
            writeln!(
                f,
                "Coefficients not defined because of singularities: {}",
                aliased.join(", ")
            )?;
        }
        if let Some(cols) = self.separation() {
            writeln!(
                f,
                "Warning: separation detected ({}); the ML estimates are not finite. Use Firth's \
                 penalized regression.",
                if cols.is_empty() {
                    "fitted probabilities numerically 0 or 1".to_string()
                } else {
                    cols.join(", ")
                }
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for FirthFit {
    /// `summary.logistf`-like: coef, se(coef) (`(XᵀWX)⁻¹`), profile penalized-likelihood
    /// interval, penalized LR χ² and p, then the whole-model likelihood-ratio test.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Firth's penalized logistic regression (as R logistf 1.26.1)"
        )?;
        writeln!(f)?;
        writeln!(f, "Model fitted by Penalized ML")?;
        writeln!(f, "Coefficients:")?;
        match self.coef_table(0.95) {
            Ok(t) => fmt::Display::fmt(&t, f)?,
            Err(e) => writeln!(f, "(coefficient table unavailable: {e})")?,
        }
        writeln!(f)?;
        let lr = self.lr_test();
        let problem = self.problem();
        let n: f64 = (0..problem.y.len()).map(|i| problem.w[i]).sum();
        writeln!(
            f,
            "Likelihood ratio test={} on {} df, p={}, n={}",
            crate::table::format_number(lr.statistic(), 4),
            lr.df(),
            format_p(lr.p_value(), f.alternate()),
            n
        )?;
        writeln!(f, "Convergence: {}", self.convergence())?;
        Ok(())
    }
}
