//! `Display` for [`FirthCoxFit`]: coxphf's `summary` content.

use std::fmt;

use super::FirthCoxFit;

impl fmt::Display for FirthCoxFit {
    /// Prints `n`, events, the method, the coefficient table (95 % profile penalized
    /// intervals and penalized LR tests, or Wald with `pl(false)`), the hazard ratios and the
    /// penalized likelihood-ratio test. `{:#}` prints raw p-values, `{:.6}` six decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Model fitted by Penalized ML (Firth, Breslow ties)  n= {}, number of events= {}",
            self.n(),
            self.n_events()
        )?;
        let ci = if self.profile_inference() {
            "Profile penalized likelihood"
        } else {
            "Wald"
        };
        writeln!(f, "Confidence intervals and p-values by {ci}")?;
        if !self.convergence().converged() {
            writeln!(f, "  warning: {}", self.convergence())?;
        }
        writeln!(f)?;
        match self.coef_table(0.95) {
            Ok(table) => match (f.precision(), f.alternate()) {
                (Some(d), true) => write!(f, "{table:#.d$}")?,
                (Some(d), false) => write!(f, "{table:.d$}")?,
                (None, true) => write!(f, "{table:#}")?,
                (None, false) => write!(f, "{table}")?,
            },
            Err(_) => writeln!(f, "(coefficient table unavailable)")?,
        }
        writeln!(f)?;
        let hr = self.hazard_ratios();
        for (name, h) in self.term_names().iter().zip(hr.iter()) {
            writeln!(f, "exp(coef) {name}: {h:.4}")?;
        }
        let lr = self.lr_test();
        if f.alternate() {
            writeln!(
                f,
                "\nPenalized likelihood ratio test={lr:#}, n={}",
                self.n()
            )
        } else {
            writeln!(f, "\nPenalized likelihood ratio test={lr}, n={}", self.n())
        }
    }
}
