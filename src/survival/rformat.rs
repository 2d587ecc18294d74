//! R-like number formatting for the `Display` of survival results (`print.survfit`,
//! `print.survdiff` use `digits = 3` significant digits).

/// R's `formatReal` measure of one finite number at `digits` significant digits: its
/// decimal exponent after rounding to `digits` significant digits, and how many of those
/// digits are significant (trailing zeros dropped).
fn significance(x: f64, digits: usize) -> (i64, usize) {
    if x == 0.0 {
        return (0, 1);
    }
    let sci = format!("{:.*e}", digits.max(1) - 1, x.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let trimmed = if mantissa.contains('.') {
        mantissa.trim_end_matches('0').trim_end_matches('.')
    } else {
        mantissa
    };
    let significant = trimmed.chars().filter(char::is_ascii_digit).count().max(1);
    (exponent, significant)
}

/// How R's `format(x, digits = digits)` writes a vector: one common notation for all its
/// finite elements, as `formatReal` decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Notation {
    /// Fixed notation with this many decimals.
    Fixed(usize),
    /// Scientific notation with this many mantissa decimals.
    Scientific(usize),
}

/// R's `formatReal` choice for `values` at `digits` significant digits: fixed notation with
/// the most decimals any element needs, unless scientific notation (the most significant
/// digits any element needs, a signed exponent of at least two digits) is narrower
/// (`scipen = 0`: fixed wins a tie).
fn notation(values: &[f64], digits: usize) -> Notation {
    let finite = values.iter().copied().filter(|x| x.is_finite());
    let (mut negative, mut left, mut right, mut sig, mut exp_digits) =
        (false, 1i64, 0i64, 1usize, 2usize);
    let mut any = false;
    for x in finite {
        any = true;
        let (kpower, nsig) = significance(x, digits);
        negative |= x < 0.0;
        // R counts each element's own sign in its integer part (`sleft`)
        left = left.max(i64::from(x < 0.0) + (kpower + 1).max(1));
        right = right.max(nsig as i64 - kpower - 1);
        sig = sig.max(nsig);
        exp_digits = exp_digits.max(kpower.unsigned_abs().to_string().len());
    }
    if !any {
        return Notation::Fixed(0);
    }
    let neg = usize::from(negative);
    let fixed_width = left + if right > 0 { right + 1 } else { 0 };
    let sci_width = neg + if sig > 1 { sig + 1 } else { 1 } + 2 + exp_digits;
    if fixed_width <= sci_width as i64 {
        Notation::Fixed(right.max(0) as usize)
    } else {
        Notation::Scientific(sig - 1)
    }
}

/// One element in a [`Notation`]; `NA` for NaN, `Inf` / `-Inf`.
fn write_in(x: f64, notation: Notation) -> String {
    if x.is_nan() {
        "NA".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "Inf" } else { "-Inf" }.to_string()
    } else {
        match notation {
            Notation::Fixed(decimals) => format!("{x:.decimals$}"),
            Notation::Scientific(decimals) => crate::table::r_scientific(x, decimals),
        }
    }
}

/// Formats one number as R's `format(x, digits = digits)`: `digits` significant digits,
/// fixed notation unless scientific is narrower (`1.5e-05`, `1e+300`); `NA` for NaN,
/// `Inf`/`-Inf`.
pub(crate) fn format_signif(x: f64, digits: usize) -> String {
    write_in(x, notation(&[x], digits))
}

/// Formats a p-value as R's `format.pval(p, digits = digits)` (default `eps`, the machine
/// epsilon): `<2e-16` below it (the bound with `max(1, digits - 2)` digits, `< 2.2e-16` from
/// `digits = 4`, as R), otherwise
/// [`format_signif`] (`0.0455`, `1.5e-05`); `NA` for NaN.
pub(crate) fn format_pval(p: f64, digits: usize) -> String {
    if p < f64::EPSILON {
        let digits = digits.saturating_sub(2).max(1);
        let sep = if digits == 1 { "" } else { " " };
        format!("<{sep}{}", format_signif(f64::EPSILON, digits))
    } else {
        format_signif(p, digits)
    }
}

/// Formats a column as R's `print` of a matrix column (`format(values, digits = digits)`):
/// one notation for the column — fixed with the most decimals any element needs for
/// `digits` significant digits, or scientific where that is narrower (a column holding
/// `1e300` and `2.5` prints `1.0e+300`, `2.5e+00`, never a 300-digit decimal); `NA` for NaN.
pub(crate) fn format_column(values: &[f64], digits: usize) -> Vec<String> {
    let notation = notation(values, digits);
    values.iter().map(|&x| write_in(x, notation)).collect()
}

/// Writes an R-style matrix: a header line, then one line per row; the row-name column is
/// left-aligned, every other column right-aligned to its widest cell, separated by a space.
pub(crate) fn write_matrix(
    f: &mut std::fmt::Formatter<'_>,
    row_names: &[String],
    headers: &[&str],
    columns: &[Vec<String>],
) -> std::fmt::Result {
    let name_width = row_names
        .iter()
        .map(|r| r.chars().count())
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = headers
        .iter()
        .zip(columns)
        .map(|(h, col)| {
            col.iter()
                .map(|c| c.chars().count())
                .chain(std::iter::once(h.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    write!(f, "{:name_width$}", "")?;
    for (h, w) in headers.iter().zip(&widths) {
        write!(f, " {h:>w$}")?;
    }
    writeln!(f)?;
    for (i, name) in row_names.iter().enumerate() {
        write!(f, "{name:<name_width$}")?;
        for (col, w) in columns.iter().zip(&widths) {
            let cell = col.get(i).map_or("", String::as_str);
            write!(f, " {cell:>w$}")?;
        }
        writeln!(f)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signif_formats_like_r() {
        assert_eq!(format_signif(0.00131116452035549, 1), "0.001");
        assert_eq!(format_signif(0.0653393220405051, 1), "0.07");
        assert_eq!(format_signif(0.000362898927598911, 1), "4e-04");
        assert_eq!(format_signif(10.3, 3), "10.3");
        assert_eq!(format_signif(22.0, 3), "22");
        assert_eq!(format_signif(130.3, 3), "130");
        assert_eq!(format_signif(f64::NAN, 3), "NA");
    }

    #[test]
    fn columns_share_decimals() {
        assert_eq!(
            format_column(&[91.5817390295728, 73.4182609704272], 3),
            ["91.6", "73.4"]
        );
        assert_eq!(format_column(&[112.0, 53.0], 3), ["112", "53"]);
        assert_eq!(format_column(&[4.83, 6.07], 3), ["4.83", "6.07"]);
        assert_eq!(
            format_column(&[1e300, 2.5, f64::NAN], 3),
            ["1.0e+300", "2.5e+00", "NA"]
        );
    }

    /// R's `format` / `format.pval` on a list of values (tests/data/R/format_goldens.R).
    #[test]
    fn formats_equal_r_goldens() {
        let golden: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/data/format_goldens.json")).unwrap();
        let num = |v: &serde_json::Value| v.as_f64().unwrap();
        let digits = |v: &serde_json::Value| v["digits"].as_u64().unwrap() as usize;
        for v in golden["values"].as_array().unwrap() {
            let x = num(&v["x"]);
            assert_eq!(
                format_signif(x, digits(v)),
                v["r"],
                "format({x:e}, digits = {})",
                digits(v)
            );
        }
        for v in golden["pvals"].as_array().unwrap() {
            let p = num(&v["p"]);
            assert_eq!(
                format_pval(p, digits(v)),
                v["r"],
                "format.pval({p:e}, digits = {})",
                digits(v)
            );
            if p < 1e-4 && digits(v) == 3 {
                assert_eq!(crate::table::format_p(p, false), v["r"], "format_p({p:e})");
            }
        }
        for v in golden["columns"].as_array().unwrap() {
            let values: Vec<f64> = v["values"].as_array().unwrap().iter().map(num).collect();
            let r: Vec<&str> = v["r"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            assert_eq!(
                format_column(&values, digits(v)),
                r,
                "format({values:?}, digits = {})",
                digits(v)
            );
        }
    }
}
