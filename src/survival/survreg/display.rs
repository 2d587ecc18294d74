//! `Display` of a [`SurvRegFit`] in `summary.survreg`'s layout (`digits = 3`), followed for a
//! Weibull or exponential fit by the proportional-hazards form.

use std::fmt;

use crate::survival::rformat::{format_column, format_signif, write_matrix};

use super::fit::SurvRegFit;

/// R's `format.pval` at 2 significant digits with `eps = 2e-16`.
fn format_pval(p: f64) -> String {
    if p.is_nan() {
        "NA".to_string()
    } else if p < 2e-16 {
        "< 2e-16".to_string()
    } else {
        format_signif(p, 2)
    }
}

impl fmt::Display for SurvRegFit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Ok(table) = self.coef_table(0.95) else {
            return Err(fmt::Error);
        };
        let rows = table.rows();
        let names: Vec<String> = rows.iter().map(|r| r.term.clone()).collect();
        let est: Vec<f64> = rows.iter().map(|r| r.estimate).collect();
        let se: Vec<f64> = rows.iter().map(|r| r.std_error).collect();
        // Value and Std. Error share their decimals (printCoefmat)
        let both: Vec<f64> = est.iter().chain(&se).copied().collect();
        let formatted = format_column(&both, 3);
        let (value_col, se_col) = formatted.split_at(est.len());
        let z_col: Vec<String> = rows
            .iter()
            .map(|r| crate::table::format_num(r.statistic, 2))
            .collect();
        let p_col: Vec<String> = rows.iter().map(|r| format_pval(r.p_value)).collect();
        write_matrix(
            f,
            &names,
            &["Value", "Std. Error", "z", "p"],
            &[value_col.to_vec(), se_col.to_vec(), z_col, p_col],
        )?;
        writeln!(f)?;
        let scales = self.scales();
        if self.fixed_scale() {
            writeln!(f, "Scale fixed at {}", format_signif(scales[0], 3))?;
        } else if scales.len() == 1 {
            writeln!(f, "Scale= {}", format_signif(scales[0], 3))?;
        } else {
            writeln!(f, "Scale:")?;
            let labels: Vec<String> = self.scale_names().to_vec();
            let cells = format_column(&scales, 3);
            let widths: Vec<usize> = labels
                .iter()
                .zip(&cells)
                .map(|(l, c)| l.len().max(c.len()))
                .collect();
            let head: Vec<String> = labels
                .iter()
                .zip(&widths)
                .map(|(l, w)| format!("{l:>w$}"))
                .collect();
            let vals: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:>w$}"))
                .collect();
            writeln!(f, "{}", head.join(" "))?;
            writeln!(f, "{}", vals.join(" "))?;
        }
        writeln!(f)?;
        writeln!(f, "{} distribution", self.dist().r_name())?;
        writeln!(
            f,
            "Loglik(model)= {}   Loglik(intercept only)= {}",
            crate::table::format_number(self.loglik(), 1),
            crate::table::format_number(self.loglik_null(), 1)
        )?;
        let lr = self.lr_test();
        if lr.df() > 0.0 {
            writeln!(
                f,
                "\tChisq= {} on {} degrees of freedom, p= {}",
                crate::table::format_number(lr.statistic(), 2),
                lr.df(),
                format_signif(lr.p_value(), 2)
            )?;
        }
        writeln!(
            f,
            "Number of Newton-Raphson Iterations: {}",
            self.convergence().iterations()
        )?;
        if !self.convergence().converged() {
            writeln!(f, "Warning: {}", self.convergence().reason())?;
        }
        writeln!(f, "n= {}", self.n())?;
        writeln!(
            f,
            "AIC= {}   BIC= {}",
            crate::table::format_number(self.aic(), 2),
            crate::table::format_number(self.bic(), 2)
        )?;
        if let Ok(Some(ph)) = self.hazard_ratios(0.95)
            && !ph.rows().is_empty()
        {
            writeln!(f)?;
            writeln!(
                f,
                "Proportional hazards form (HR = exp(-coef/scale), delta-method CI):"
            )?;
            write!(f, "{ph}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{Design, SurvReg, SurvRegDist, SurvivalData};

    #[test]
    fn summary_layout() {
        let data = SurvivalData::from_status(
            vec![5.0, 8.0, 12.0, 3.0, 20.0, 15.0, 9.0, 30.0],
            &[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
        )
        .expect("data");
        let x = Design::from_columns([("arm", vec![0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0])])
            .expect("x")
            .with_intercept();
        let fit = SurvReg::new(SurvRegDist::Weibull)
            .fit(&data, &x)
            .expect("fit");
        let s = fit.to_string();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(
            lines[0].split_whitespace().collect::<Vec<_>>(),
            ["Value", "Std.", "Error", "z", "p"]
        );
        assert!(lines[1].starts_with("(Intercept)"));
        assert!(lines[3].starts_with("Log(scale)"));
        assert!(s.contains("Scale= ") && s.contains("Weibull distribution"));
        assert!(s.contains("Number of Newton-Raphson Iterations:"));
        assert!(s.contains("Proportional hazards form"));
    }
}
