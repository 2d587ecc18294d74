//! `Display` for [`FirthCoxFit`]: coxphf's `summary` content.

use std::fmt;

use super::FirthCoxFit;
use crate::table::format_num;
use crate::{CoefTable, TableStyle};

impl fmt::Display for FirthCoxFit {
    /// Prints `n`, events, the method, the coefficient table (95 % profile penalized
    /// intervals and penalized LR tests, with the hazard ratios and their bounds; or Wald with [`CiMethod::Wald`](crate::CiMethod)) and the
    /// penalized likelihood-ratio test. `{:#}` prints raw p-values, `{:.6}` six decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Model fitted by Penalized ML (Firth, Breslow ties)  n= {}, number of events= {}",
            self.n(),
            self.n_events()
        )?;
        let ci = self.ci_method().description();
        writeln!(f, "Confidence intervals and p-values by {ci}")?;
        if !self.convergence().converged() {
            writeln!(f, "  warning: {}", self.convergence())?;
        }
        writeln!(f)?;
        match self.coef_table(0.95) {
            Ok(table) => {
                match (f.precision(), f.alternate()) {
                    (Some(d), true) => write!(f, "{table:#.d$}")?,
                    (Some(d), false) => write!(f, "{table:.d$}")?,
                    (None, true) => write!(f, "{table:#}")?,
                    (None, false) => write!(f, "{table}")?,
                }
                if table.style() == TableStyle::Logistf {
                    hazard_ratios(f, &table)?;
                }
            }
            Err(_) => writeln!(f, "(coefficient table unavailable)")?,
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

/// coxphf's hazard-ratio columns: `exp(coef)` with the exponentiated profile bounds.
fn hazard_ratios(f: &mut fmt::Formatter<'_>, table: &CoefTable) -> fmt::Result {
    let d = f.precision().unwrap_or(4);
    let c = d + 7;
    let w = table
        .rows()
        .iter()
        .map(|r| r.term.len())
        .max()
        .unwrap_or(4)
        .max(4);
    writeln!(f)?;
    writeln!(
        f,
        "{:<w$} {:>c$} {:>c$} {:>c$}",
        "",
        "exp(coef)",
        format!("lower {:.2}", table.level()),
        format!("upper {:.2}", table.level())
    )?;
    for r in table.rows() {
        writeln!(
            f,
            "{:<w$} {:>c$} {:>c$} {:>c$}",
            r.term,
            format_num(r.estimate.exp(), d),
            format_num(r.lower.exp(), d),
            format_num(r.upper.exp(), d)
        )?;
    }
    Ok(())
}
