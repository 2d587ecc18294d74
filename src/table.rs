//! Coefficient tables shared by every regression fit, with R-like `Display`.
//!
//! A [`CoefTable`] is plain data (rows of estimate, standard error, test statistic, p-value
//! and confidence bounds on the coefficient scale); iterate its [`rows`](CoefTable::rows) to
//! produce CSV, Markdown or JSON. Its `Display` prints the layout of the corresponding R
//! summary:
//!
//! * [`TableStyle::Coxph`]: `summary.coxph` (`coef exp(coef) se(coef) z Pr(>|z|)`, then
//!   `exp(coef) exp(-coef) lower .95 upper .95`);
//! * [`TableStyle::Logistf`]: `summary.logistf` (`coef se(coef) lower 0.95 upper 0.95 Chisq p method`);
//! * [`TableStyle::Glm`]: `summary.glm` (`Estimate Std. Error z value Pr(>|z|)`) followed by
//!   the odds ratios with their confidence interval.
//!
//! Formatter flags: `{}` prints 4 significant decimals, `{:.6}` six, and `{:#}` prints raw
//! p-values (`1.234e-20`) instead of R's `<2e-16`.

use std::fmt;

/// Which test statistic the table's `statistic` column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Statistic {
    /// Wald z = estimate / se.
    Z,
    /// Likelihood-ratio (or penalized likelihood-ratio) chi-square on 1 df.
    ChiSq,
}

/// The R print layout a table imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum TableStyle {
    /// R `summary.coxph`.
    Coxph,
    /// R `summary.logistf`.
    Logistf,
    /// R `summary.glm` plus odds ratios.
    Glm,
    /// R `summary.survreg` (`Value Std. Error z p`).
    Survreg,
}

/// One row of a coefficient table. All values are on the coefficient (log) scale.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CoefRow {
    /// Term (column) name.
    pub term: String,
    /// Point estimate; NaN for a coefficient dropped as aliased (R's `NA`).
    pub estimate: f64,
    /// Standard error.
    pub std_error: f64,
    /// Test statistic (see [`CoefTable::statistic`]).
    pub statistic: f64,
    /// p-value of the test.
    pub p_value: f64,
    /// Lower confidence bound.
    pub lower: f64,
    /// Upper confidence bound.
    pub upper: f64,
    /// How the interval and test were obtained.
    pub method: CiMethod,
}

impl CoefRow {
    /// The Wald row of one estimate: `z = β̂/se`, its two-sided normal p-value and the bounds
    /// `β̂ ± z_crit·se` (`z_crit` from [`crate::stats::z_for_level`]); the one builder of
    /// every Wald row ([`wald_table`] and the survreg tables).
    pub(crate) fn wald(
        term: String,
        estimate: f64,
        std_error: f64,
        z_crit: f64,
        method: CiMethod,
    ) -> CoefRow {
        let z = estimate / std_error;
        CoefRow {
            term,
            estimate,
            std_error,
            statistic: z,
            p_value: crate::stats::normal_two_sided_p(z),
            lower: estimate - z_crit * std_error,
            upper: estimate + z_crit * std_error,
            method,
        }
    }
}

/// How a confidence interval (and the test beside it in a [`CoefTable`]) is obtained: the
/// `method` of every [`CoefRow`] and the choice of [`LogisticRegression::ci`](crate::LogisticRegression::ci)
/// and [`FirthCoxPh::ci`](crate::FirthCoxPh::ci). [`Display`](std::fmt::Display) and
/// [`FromStr`](std::str::FromStr) use the short names below; [`CiMethod::description`] is the
/// text R prints in its tables.
///
/// ```
/// use oncostat::CiMethod;
/// assert_eq!("profile".parse::<CiMethod>().unwrap(), CiMethod::ProfileLikelihood);
/// assert_eq!(CiMethod::Wald.to_string(), "wald");
/// assert_eq!(CiMethod::ProfilePenalizedLikelihood.description(), "Profile penalized likelihood");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum CiMethod {
    /// Wald interval `β ± z·se` with the fit's variance (R's `confint.default`).
    Wald,
    /// Wald interval with the Fine–Gray sandwich variance (R's `crr`).
    WaldSandwich,
    /// Wald interval of a derived quantity with a delta-method standard error.
    WaldDeltaMethod,
    /// Exact profile-likelihood roots: `dev(β_j = b) − dev(β̂) = χ²₁(level)` solved to ~1e-9.
    ProfileLikelihood,
    /// R's `confint()` for glm (MASS 7.3-58.2): profile deviance on a grid, FMM spline and
    /// linear interpolation. Reproduces what R prints; differs from the exact root by up to
    /// ~1e-4.
    ProfileLikelihoodMass,
    /// Profile penalized likelihood (R's `logistf` and `coxphf` default).
    ProfilePenalizedLikelihood,
}

crate::settings::setting_names!(CiMethod, "confidence-interval method", {
    Wald => "wald",
    WaldSandwich => "wald-sandwich" | "sandwich",
    WaldDeltaMethod => "wald-delta" | "delta",
    ProfileLikelihood => "profile" | "profile-likelihood" | "pl",
    ProfileLikelihoodMass => "mass" | "profile-mass",
    ProfilePenalizedLikelihood => "profile-penalized" | "penalized",
});

impl CiMethod {
    /// The text R's tables print in their method column.
    pub fn description(self) -> &'static str {
        match self {
            CiMethod::Wald => "Wald",
            CiMethod::WaldSandwich => "Wald (Fine-Gray sandwich)",
            CiMethod::WaldDeltaMethod => "Wald (delta method)",
            CiMethod::ProfileLikelihood => "Profile likelihood",
            CiMethod::ProfileLikelihoodMass => "Profile likelihood (MASS)",
            CiMethod::ProfilePenalizedLikelihood => "Profile penalized likelihood",
        }
    }

    /// `true` for the profile-likelihood methods.
    pub fn is_profile(self) -> bool {
        matches!(
            self,
            CiMethod::ProfileLikelihood
                | CiMethod::ProfileLikelihoodMass
                | CiMethod::ProfilePenalizedLikelihood
        )
    }
}

/// A coefficient table (see the [module documentation](self)).
///
/// ```
/// use oncostat::{CiMethod, CoefRow, CoefTable, Statistic, TableStyle};
/// let t = CoefTable::new(
///     vec![CoefRow {
///         term: "age".into(), estimate: 0.5, std_error: 0.25, statistic: 2.0,
///         p_value: 0.0455, lower: 0.01, upper: 0.99, method: CiMethod::Wald,
///     }],
///     Statistic::Z, 0.95, TableStyle::Coxph,
/// );
/// assert_eq!(t.rows().len(), 1);
/// assert!(t.to_string().contains("exp(coef)"));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CoefTable {
    rows: Vec<CoefRow>,
    statistic: Statistic,
    level: f64,
    style: TableStyle,
}

impl CoefTable {
    /// Builds a table from its rows.
    pub fn new(rows: Vec<CoefRow>, statistic: Statistic, level: f64, style: TableStyle) -> Self {
        CoefTable {
            rows,
            statistic,
            level,
            style,
        }
    }

    /// The rows, in model order.
    pub fn rows(&self) -> &[CoefRow] {
        &self.rows
    }

    /// The statistic held in [`CoefRow::statistic`].
    pub fn statistic(&self) -> Statistic {
        self.statistic
    }

    /// Confidence level of the bounds.
    pub fn level(&self) -> f64 {
        self.level
    }

    /// The print layout.
    pub fn style(&self) -> TableStyle {
        self.style
    }

    /// Looks a row up by term name.
    pub fn row(&self, term: &str) -> Option<&CoefRow> {
        self.rows.iter().find(|r| r.term == term)
    }
}

/// A table of Wald rows: `β̂`, `se`, `z = β̂/se`, its two-sided p-value and `β̂ ± z·se`
/// (the one builder behind every fit's Wald `coef_table`).
///
/// # Errors
/// [`Error::InvalidParameter`](crate::Error::InvalidParameter) if `level` is not strictly
/// between 0 and 1.
pub(crate) fn wald_table(
    names: &[String],
    coefficients: &nalgebra::DVector<f64>,
    se: &nalgebra::DVector<f64>,
    level: f64,
    method: CiMethod,
    style: TableStyle,
) -> crate::Result<CoefTable> {
    let z_crit = crate::stats::z_for_level(level)?;
    let rows = names
        .iter()
        .enumerate()
        .map(|(j, name)| CoefRow::wald(name.clone(), coefficients[j], se[j], z_crit, method))
        .collect();
    Ok(CoefTable::new(rows, Statistic::Z, level, style))
}

/// Formats a p-value for a coefficient table or test line: R's `format.pval(p, digits = 3)`
/// below 1e-4 (`1.5e-05`, `1.23e-05`, `<2e-16` below the machine epsilon, as R's default
/// `eps`), four decimals from 1e-4 up (`0.0455`, `0.1235`: the crate's table style, which
/// shows one digit more than R's three significant digits for p ≥ 0.1), `NA` for NaN. With
/// `raw` (the `{:#}` flag) every p-value in R's scientific notation with three decimals
/// (`1.500e-05`, `0.000e+00`), never `<2e-16`.
pub(crate) fn format_p(p: f64, raw: bool) -> String {
    if p.is_nan() {
        "NA".to_string()
    } else if raw {
        r_scientific(p, 3)
    } else if p >= 1e-4 {
        format!("{p:.4}")
    } else {
        crate::survival::rformat::format_pval(p, 3)
    }
}

/// Formats a number for a results table with `decimals` decimals — the crate's one fixed-
/// decimal formatter, used by every `Display` (and the `analyze` example): `NA` for NaN (as R
/// prints a missing value), `Inf` / `-Inf` for infinities, and R's scientific notation
/// (`1.504e+200`, four significant digits, a signed exponent of at least two digits) when
/// fixed notation would need more than 15 integer digits (|x| ≥ 1e15) or would hide a
/// non-zero value (print it as `0.0000`: a standard error of 1.9e-10 is not 0) — never a
/// 300-digit decimal.
///
/// ```
/// use oncostat::table::format_number;
/// assert_eq!(format_number(-0.51324, 4), "-0.5132");
/// assert_eq!(format_number(f64::NAN, 4), "NA");
/// assert_eq!(format_number(f64::NEG_INFINITY, 2), "-Inf");
/// assert_eq!(format_number(1.5043e200, 4), "1.504e+200");
/// assert_eq!(format_number(-2.0407e-202, 4), "-2.041e-202");
/// assert_eq!(format_number(0.0, 3), "0.000");
/// assert_eq!(format_number(5.874e-11, 4), "5.874e-11");
/// assert_eq!(format_number(0.00005, 4), "0.0001");
/// ```
pub fn format_number(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        "NA".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "Inf" } else { "-Inf" }.to_string()
    } else if x.abs() >= 1e15 || (x != 0.0 && x.abs() < 0.5 * 10f64.powi(-(decimals as i32))) {
        r_scientific(x, 3)
    } else {
        format!("{x:.decimals$}")
    }
}

/// Formats one number as R's `format(x, digits = digits)` does: `digits` significant
/// digits, fixed notation unless scientific is narrower, `NA` for NaN, `Inf` / `-Inf` —
/// for a single value in running text (a time, a truncation point), where
/// [`format_number`]'s fixed decimals do not fit.
///
/// ```
/// use oncostat::table::format_signif;
/// assert_eq!(format_signif(365.0, 7), "365");
/// assert_eq!(format_signif(182.25, 7), "182.25");
/// assert_eq!(format_signif(3.65e302, 7), "3.65e+302");
/// assert_eq!(format_signif(1.5e-5, 7), "1.5e-05");
/// assert_eq!(format_signif(f64::NAN, 7), "NA");
/// ```
pub fn format_signif(x: f64, digits: usize) -> String {
    crate::survival::rformat::format_signif(x, digits)
}

/// `x` in R's scientific notation with `decimals` mantissa decimals: `1.504e+200`,
/// `4.000e-04` (a sign and at least two exponent digits).
pub(crate) fn r_scientific(x: f64, decimals: usize) -> String {
    let sci = format!("{x:.decimals$e}");
    match sci.split_once('e') {
        Some((m, e)) => {
            let (sign, digits) = e.strip_prefix('-').map_or(("+", e), |d| ("-", d));
            format!("{m}e{sign}{digits:0>2}")
        }
        None => sci,
    }
}

/// Crate-internal name of [`format_number`].
pub(crate) fn format_num(x: f64, digits: usize) -> String {
    format_number(x, digits)
}

impl fmt::Display for CoefTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = f.precision().unwrap_or(4);
        let raw = f.alternate();
        let w = self
            .rows
            .iter()
            .map(|r| r.term.len())
            .max()
            .unwrap_or(4)
            .max(4);
        let lvl = format!("{:.2}", self.level);
        let lvl = lvl.trim_start_matches('0');
        let (stat_name, p_name) = match self.statistic {
            Statistic::Z => ("z", "Pr(>|z|)"),
            Statistic::ChiSq => ("Chisq", "p"),
        };
        let c = d + 7;
        match self.style {
            TableStyle::Coxph => {
                writeln!(
                    f,
                    "{:<w$} {:>c$} {:>c$} {:>c$} {:>8} {:>10}",
                    "", "coef", "exp(coef)", "se(coef)", stat_name, p_name
                )?;
                for r in &self.rows {
                    writeln!(
                        f,
                        "{:<w$} {:>c$} {:>c$} {:>c$} {:>8} {:>10}",
                        r.term,
                        format_num(r.estimate, d),
                        format_num(r.estimate.exp(), d),
                        format_num(r.std_error, d),
                        format_num(r.statistic, 3),
                        format_p(r.p_value, raw)
                    )?;
                }
                writeln!(f)?;
                writeln!(
                    f,
                    "{:<w$} {:>c$} {:>c$} {:>c$} {:>c$}",
                    "",
                    "exp(coef)",
                    "exp(-coef)",
                    format!("lower {lvl}"),
                    format!("upper {lvl}")
                )?;
                for r in &self.rows {
                    writeln!(
                        f,
                        "{:<w$} {:>c$} {:>c$} {:>c$} {:>c$}",
                        r.term,
                        format_num(r.estimate.exp(), d),
                        format_num((-r.estimate).exp(), d),
                        format_num(r.lower.exp(), d),
                        format_num(r.upper.exp(), d)
                    )?;
                }
            }
            TableStyle::Logistf => {
                writeln!(
                    f,
                    "{:<w$} {:>c$} {:>c$} {:>c$} {:>c$} {:>c$} {:>10}  method",
                    "",
                    "coef",
                    "se(coef)",
                    format!("lower {:.2}", self.level),
                    format!("upper {:.2}", self.level),
                    stat_name,
                    p_name
                )?;
                for r in &self.rows {
                    writeln!(
                        f,
                        "{:<w$} {:>c$} {:>c$} {:>c$} {:>c$} {:>c$} {:>10}  {}",
                        r.term,
                        format_num(r.estimate, d),
                        format_num(r.std_error, d),
                        format_num(r.lower, d),
                        format_num(r.upper, d),
                        format_num(r.statistic, d),
                        format_p(r.p_value, raw),
                        r.method.description()
                    )?;
                }
            }
            TableStyle::Survreg => {
                writeln!(
                    f,
                    "{:<w$} {:>c$} {:>c$} {:>8} {:>10}",
                    "", "Value", "Std. Error", "z", "p"
                )?;
                for r in &self.rows {
                    writeln!(
                        f,
                        "{:<w$} {:>c$} {:>c$} {:>8} {:>10}",
                        r.term,
                        format_num(r.estimate, d),
                        format_num(r.std_error, d),
                        format_num(r.statistic, 2),
                        format_p(r.p_value, raw)
                    )?;
                }
            }
            TableStyle::Glm => {
                writeln!(
                    f,
                    "{:<w$} {:>c$} {:>c$} {:>8} {:>10}",
                    "", "Estimate", "Std. Error", "z value", "Pr(>|z|)"
                )?;
                for r in &self.rows {
                    writeln!(
                        f,
                        "{:<w$} {:>c$} {:>c$} {:>8} {:>10}",
                        r.term,
                        format_num(r.estimate, d),
                        format_num(r.std_error, d),
                        format_num(r.estimate / r.std_error, 3),
                        format_p(
                            crate::stats::normal_two_sided_p(r.estimate / r.std_error),
                            raw
                        )
                    )?;
                }
                writeln!(f)?;
                writeln!(
                    f,
                    "{:<w$} {:>c$} {:>c$} {:>c$}  CI method",
                    "",
                    "OR",
                    format!("lower {lvl}"),
                    format!("upper {lvl}"),
                )?;
                for r in &self.rows {
                    writeln!(
                        f,
                        "{:<w$} {:>c$} {:>c$} {:>c$}  {}",
                        r.term,
                        format_num(r.estimate.exp(), d),
                        format_num(r.lower.exp(), d),
                        format_num(r.upper.exp(), d),
                        r.method.description()
                    )?;
                }
            }
        }
        Ok(())
    }
}

/// A chi-square test: statistic, degrees of freedom and upper-tail p-value (likelihood-ratio,
/// Wald, score or log-rank tests).
///
/// ```
/// use oncostat::ChiSqTest;
/// let t = ChiSqTest::new(10.3267419548856, 1.0);
/// assert!((t.p_value() - 0.00131116452035549).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ChiSqTest {
    statistic: f64,
    df: f64,
    p_value: f64,
}

impl ChiSqTest {
    /// A test with the given statistic and degrees of freedom; the p-value is the chi-square
    /// upper tail (`sf`, not `1 - cdf`). `df = 0` gives a NaN p-value.
    pub fn new(statistic: f64, df: f64) -> Self {
        ChiSqTest {
            statistic,
            df,
            p_value: crate::stats::chisq_sf(statistic, df),
        }
    }

    /// The chi-square statistic.
    pub fn statistic(&self) -> f64 {
        self.statistic
    }

    /// Degrees of freedom.
    pub fn df(&self) -> f64 {
        self.df
    }

    /// Upper-tail p-value.
    pub fn p_value(&self) -> f64 {
        self.p_value
    }
}

impl fmt::Display for ChiSqTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} on {} df, p={}",
            format_number(self.statistic, 2),
            self.df,
            format_p(self.p_value, f.alternate())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values_format_like_r() {
        assert_eq!(format_p(0.0455, false), "0.0455");
        assert_eq!(format_p(1e-20, false), "<2e-16");
        assert_eq!(format_p(1.5e-5, false), "1.5e-05");
        assert_eq!(format_p(1.23456e-5, false), "1.23e-05");
        assert_eq!(format_p(2.3e-16, false), "2.3e-16");
        assert_eq!(format_p(2.2e-16, false), "<2e-16");
        assert_eq!(format_p(1.5e-5, true), "1.500e-05");
        assert_eq!(format_p(f64::NAN, false), "NA");
    }

    #[test]
    fn coxph_layout_snapshot() {
        let t = CoefTable::new(
            vec![CoefRow {
                term: "sex".into(),
                estimate: -0.5,
                std_error: 0.25,
                statistic: -2.0,
                p_value: 0.0455,
                lower: -1.0,
                upper: 0.0,
                method: CiMethod::Wald,
            }],
            Statistic::Z,
            0.95,
            TableStyle::Coxph,
        );
        let s = format!("{t:.2}");
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(
            lines[0].split_whitespace().collect::<Vec<_>>(),
            ["coef", "exp(coef)", "se(coef)", "z", "Pr(>|z|)"]
        );
        assert_eq!(
            lines[1].split_whitespace().collect::<Vec<_>>(),
            ["sex", "-0.50", "0.61", "0.25", "-2.000", "0.0455"]
        );
        assert_eq!(
            lines[4].split_whitespace().collect::<Vec<_>>(),
            ["sex", "0.61", "1.65", "0.37", "1.00"]
        );
    }
}
