//! `Display` for [`CoxFit`]: R's `summary.coxph` layout.

use std::fmt;

use super::CoxFit;
use crate::table::{format_number, format_p};

impl fmt::Display for CoxFit {
    /// Prints `n`, events, the coefficient and hazard-ratio tables (95 % Wald intervals),
    /// the concordance and the likelihood-ratio, Wald and score tests, as `summary.coxph`.
    /// `{:#}` prints raw p-values, `{:.6}` six decimals in the tables.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "  n= {}, number of events= {}", self.n, self.n_events)?;
        if !self.convergence.converged() {
            writeln!(f, "  warning: {}", self.convergence)?;
        }
        if !self.infinite.is_empty() {
            writeln!(
                f,
                "  warning: loglik converged before variable(s) {}; coefficient may be infinite",
                self.infinite.join(", ")
            )?;
            // pointer to the penalized fit (firth_cox)
            writeln!(
                f,
                "  (monotone likelihood: use FirthCoxPh, Firth's penalized Cox model, for finite estimates)"
            )?;
        }
        writeln!(f)?;
        match self.coef_table(0.95) {
            Ok(table) => {
                if let Some(d) = f.precision() {
                    if f.alternate() {
                        write!(f, "{table:#.d$}")?;
                    } else {
                        write!(f, "{table:.d$}")?;
                    }
                } else if f.alternate() {
                    write!(f, "{table:#}")?;
                } else {
                    write!(f, "{table}")?;
                }
            }
            Err(_) => writeln!(f, "(coefficient table unavailable)")?,
        }
        writeln!(f)?;
        let c = self.concordance;
        writeln!(
            f,
            "Concordance= {}  (se = {} )",
            format_number(c.estimate(), 3),
            format_number(c.std_error(), 3)
        )?;
        let raw = f.alternate();
        if self.robust_std_errors.is_some() {
            writeln!(f, "(robust standard errors in the table and the Wald test)")?;
        }
        for (label, test) in [
            ("Likelihood ratio test", self.lr_test()),
            ("Wald test            ", self.wald_test()),
            ("Score (logrank) test ", self.score_test()),
        ] {
            writeln!(
                f,
                "{label}= {}  on {} df,   p={}",
                format_number(test.statistic(), 2),
                test.df(),
                format_p(test.p_value(), raw)
            )?;
        }
        if let Some(test) = self.robust_score_test() {
            writeln!(
                f,
                "Robust score test    = {}  on {} df,   p={}",
                format_number(test.statistic(), 2),
                test.df(),
                format_p(test.p_value(), raw)
            )?;
        }
        Ok(())
    }
}
