//! R-like number formatting for the `Display` of survival results (`print.survfit`,
//! `print.survdiff` use `digits = 3` significant digits).

/// Number of decimals R needs to show `x` with at most `digits` significant digits
/// (trailing zeros dropped), as R's `formatReal` computes per element.
fn needed_decimals(x: f64, digits: usize) -> usize {
    if !x.is_finite() || x == 0.0 {
        return 0;
    }
    let digits = digits.max(1);
    let sci = format!("{:.*e}", digits - 1, x.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let trimmed = if mantissa.contains('.') {
        mantissa.trim_end_matches('0').trim_end_matches('.')
    } else {
        mantissa
    };
    let significant = trimmed.chars().filter(char::is_ascii_digit).count();
    let decimals = significant as i64 - 1 - exponent;
    decimals.clamp(0, 15) as usize
}

/// Formats one number as R's `format(x, digits = digits)`: `digits` significant digits,
/// fixed notation unless scientific is narrower; `NA` for NaN, `Inf`/`-Inf`.
pub(crate) fn format_signif(x: f64, digits: usize) -> String {
    if x.is_nan() {
        return "NA".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Inf" } else { "-Inf" }.to_string();
    }
    let decimals = needed_decimals(x, digits);
    let fixed = format!("{x:.decimals$}");
    let sci_digits = {
        let sci = format!("{:.*e}", digits.max(1) - 1, x.abs());
        let mantissa = sci.split_once('e').map_or(sci.as_str(), |(m, _)| m);
        let m = mantissa.trim_end_matches('0');
        m.split_once('.').map_or(0, |(_, frac)| frac.len())
    };
    // Rust writes `4e-4`; R writes `4e-04` (sign and at least two exponent digits).
    let sci = crate::table::r_scientific(x, sci_digits);
    if fixed.len() <= sci.len() { fixed } else { sci }
}

/// Formats a column as R's `print` of a matrix column: common decimals (the most any
/// element needs for `digits` significant digits), `NA` for NaN. A column with a value of
/// 1e15 or more is formatted element by element ([`format_signif`]: scientific where that is
/// narrower, as R switches the column to scientific), never as a 300-digit decimal.
pub(crate) fn format_column(values: &[f64], digits: usize) -> Vec<String> {
    if values.iter().any(|x| x.is_finite() && x.abs() >= 1e15) {
        return values.iter().map(|&x| format_signif(x, digits)).collect();
    }
    let decimals = values
        .iter()
        .map(|&x| needed_decimals(x, digits))
        .max()
        .unwrap_or(0);
    values
        .iter()
        .map(|&x| {
            if x.is_nan() {
                "NA".to_string()
            } else if x.is_infinite() {
                if x > 0.0 { "Inf" } else { "-Inf" }.to_string()
            } else {
                format!("{x:.decimals$}")
            }
        })
        .collect()
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
            ["1e+300", "2.5", "NA"]
        );
    }
}
