//! Named design matrices.
//!
//! A [`Design`] is an `n × p` matrix of covariates with one name per column, validated once
//! on construction (same length for every column, finite values, unique names). Models take a
//! `&Design`, so a fitted coefficient can always be reported with its name.
//!
//! Degenerate columns are legal, as in R: [`Design::constant_columns`] and
//! [`Design::aliased_columns`] find them, and each model decides what to do (a Cox fit reports
//! the coefficient as missing, R's `NA`).

use std::sync::Arc;

use nalgebra::{DMatrix, DVector};

use crate::{Error, Result};

/// Name given to the intercept column by [`Design::with_intercept`], as in R.
pub const INTERCEPT: &str = "(Intercept)";

/// An `n × p` matrix of covariates with named columns.
///
/// ```
/// use oncostat::Design;
/// # fn main() -> Result<(), oncostat::Error> {
/// let x = Design::from_columns([
///     ("age", vec![61.0, 70.0, 55.0]),
///     ("bmi_ge_25", vec![1.0, 0.0, 1.0]),
/// ])?
/// .with_intercept();
/// assert_eq!(x.names(), ["(Intercept)", "age", "bmi_ge_25"]);
/// assert_eq!(x.nrows(), 3);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    names: Vec<String>,
    /// Shared: cloning a design (as a fitted model does to keep its data for residuals)
    /// copies no matrix.
    matrix: Arc<DMatrix<f64>>,
    intercept: bool,
}

impl Design {
    /// Builds a design from `(name, values)` columns, in order.
    ///
    /// # Errors
    /// * [`Error::EmptyInput`] if there are no columns or no rows.
    /// * [`Error::DimensionMismatch`] if the columns differ in length.
    /// * [`Error::NonFinite`] for a NaN or infinite value (names the column and 1-based row).
    /// * [`Error::DuplicateColumn`] if a name repeats.
    pub fn from_columns<I, S>(columns: I) -> Result<Self>
    where
        I: IntoIterator<Item = (S, Vec<f64>)>,
        S: Into<String>,
    {
        let mut names: Vec<String> = Vec::new();
        let mut cols: Vec<Vec<f64>> = Vec::new();
        for (name, values) in columns {
            let name = name.into();
            if names.contains(&name) {
                return Err(Error::DuplicateColumn { name });
            }
            names.push(name);
            cols.push(values);
        }
        let Some(first) = cols.first() else {
            return Err(Error::EmptyInput {
                what: "design matrix (no columns)",
            });
        };
        let n = first.len();
        if n == 0 {
            return Err(Error::EmptyInput {
                what: "design matrix (no rows)",
            });
        }
        for (name, col) in names.iter().zip(&cols) {
            if col.len() != n {
                return Err(Error::mismatch(format!("column `{name}`"), n, col.len()));
            }
            check_finite(name, col)?;
        }
        let matrix = DMatrix::from_fn(n, cols.len(), |i, j| cols[j][i]);
        Ok(Design {
            names,
            matrix: Arc::new(matrix),
            intercept: false,
        })
    }

    /// Builds a design from a matrix and its column names (the matrix is kept, not copied).
    ///
    /// # Errors
    /// As [`Design::from_columns`]; [`Error::DimensionMismatch`] if the number of names is not
    /// the number of columns.
    pub fn from_matrix(names: Vec<String>, matrix: DMatrix<f64>) -> Result<Self> {
        Design::from_matrix_owned(names, matrix)
    }

    /// [`Design::from_matrix`] without copying the matrix (validated in place).
    pub(crate) fn from_matrix_owned(names: Vec<String>, matrix: DMatrix<f64>) -> Result<Self> {
        Design::from_matrix_checked(names, matrix, true)
    }

    /// [`Design::from_matrix_owned`] for a matrix whose entries are known to be finite (the
    /// model frame checked each numeric column it wrote; dummy columns are 0/1): the names and
    /// shape are checked, the entries are not read again.
    pub(crate) fn from_matrix_finite(names: Vec<String>, matrix: DMatrix<f64>) -> Result<Self> {
        Design::from_matrix_checked(names, matrix, false)
    }

    fn from_matrix_checked(
        names: Vec<String>,
        matrix: DMatrix<f64>,
        check_entries: bool,
    ) -> Result<Self> {
        if names.len() != matrix.ncols() {
            return Err(Error::mismatch("column names", matrix.ncols(), names.len()));
        }
        if names.is_empty() {
            return Err(Error::EmptyInput {
                what: "design matrix (no columns)",
            });
        }
        if matrix.nrows() == 0 {
            return Err(Error::EmptyInput {
                what: "design matrix (no rows)",
            });
        }
        for (j, name) in names.iter().enumerate() {
            if names[..j].contains(name) {
                return Err(Error::DuplicateColumn { name: name.clone() });
            }
            if check_entries {
                check_finite(name, matrix.column(j).as_slice())?;
            }
        }
        Ok(Design {
            names,
            matrix: Arc::new(matrix),
            intercept: false,
        })
    }

    /// Returns the design with an intercept column named `(Intercept)` inserted first (as R
    /// lists it). Does nothing if the design already has one.
    pub fn with_intercept(self) -> Self {
        if self.intercept {
            return self;
        }
        let n = self.matrix.nrows();
        let matrix = Arc::unwrap_or_clone(self.matrix).insert_column(0, 1.0);
        let mut names = Vec::with_capacity(self.names.len() + 1);
        names.push(INTERCEPT.to_string());
        names.extend(self.names);
        debug_assert_eq!(matrix.nrows(), n);
        Design {
            names,
            matrix: Arc::new(matrix),
            intercept: true,
        }
    }

    /// `true` if the first column is the intercept added by [`Design::with_intercept`].
    pub fn has_intercept(&self) -> bool {
        self.intercept
    }

    /// Number of observations (rows).
    pub fn nrows(&self) -> usize {
        self.matrix.nrows()
    }

    /// Number of columns, including the intercept if present.
    pub fn ncols(&self) -> usize {
        self.matrix.ncols()
    }

    /// Column names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The `n × p` matrix.
    pub fn matrix(&self) -> &DMatrix<f64> {
        &self.matrix
    }

    /// The matrix, shared (no copy), for a fit to keep.
    pub(crate) fn shared_matrix(&self) -> Arc<DMatrix<f64>> {
        Arc::clone(&self.matrix)
    }

    /// Index of the column called `name`.
    ///
    /// # Errors
    /// [`Error::UnknownColumn`] if there is no such column.
    pub fn index_of(&self, name: &str) -> Result<usize> {
        self.names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| Error::UnknownColumn {
                name: name.to_string(),
            })
    }

    /// A copy of column `j` as a vector, or `None` if `j` is out of range.
    pub fn column(&self, j: usize) -> Option<DVector<f64>> {
        (j < self.ncols()).then(|| self.matrix.column(j).into_owned())
    }

    /// The design restricted to the given rows, in the given order (indices must be `< n`).
    ///
    /// # Errors
    /// [`Error::EmptyInput`] if `rows` is empty; [`Error::DimensionMismatch`] if an index is
    /// out of range.
    pub fn select_rows(&self, rows: &[usize]) -> Result<Self> {
        if rows.is_empty() {
            return Err(Error::EmptyInput {
                what: "row selection",
            });
        }
        if let Some(&bad) = rows.iter().find(|&&i| i >= self.nrows()) {
            return Err(Error::mismatch("row index", self.nrows(), bad + 1));
        }
        let matrix = self.matrix.select_rows(rows);
        Ok(Design {
            names: self.names.clone(),
            matrix: Arc::new(matrix),
            intercept: self.intercept,
        })
    }

    /// Indices of non-intercept columns whose values are all equal.
    pub fn constant_columns(&self) -> Vec<usize> {
        (0..self.ncols())
            .filter(|&j| !(self.intercept && j == 0))
            .filter(|&j| {
                let c = self.matrix.column(j);
                let first = c[0];
                c.iter().all(|&v| (v - first).abs() <= 0.0)
            })
            .collect()
    }

    /// Indices of columns that are (numerically) linear combinations of the columns before
    /// them, in R's aliasing order: the first column of a collinear set is kept, later ones
    /// are reported. A constant column is aliased with the intercept when there is one; an
    /// all-zero column is always aliased.
    ///
    /// Uses Gram–Schmidt with re-orthogonalisation: column `j` is aliased when its residual
    /// norm after projecting out the kept columns is at most `1e-7` times its own norm (R's
    /// `lm` tolerance).
    pub fn aliased_columns(&self) -> Vec<usize> {
        self.aliased_columns_with_tol(1e-7)
    }

    /// [`Design::aliased_columns`] with a caller-chosen relative tolerance.
    pub fn aliased_columns_with_tol(&self, tol: f64) -> Vec<usize> {
        let mut basis: Vec<DVector<f64>> = Vec::new();
        let mut aliased = Vec::new();
        for j in 0..self.ncols() {
            let x = self.matrix.column(j).into_owned();
            let norm = x.norm();
            let mut r = x;
            for _ in 0..2 {
                for q in &basis {
                    let proj = q.dot(&r);
                    r.axpy(-proj, q, 1.0);
                }
            }
            let rn = r.norm();
            if norm == 0.0 || rn <= tol * norm {
                aliased.push(j);
            } else {
                basis.push(r / rn);
            }
        }
        aliased
    }
}

/// Checks that every value of a named column is finite.
///
/// # Errors
/// [`Error::NonFinite`] naming the column and the 1-based row.
pub(crate) fn check_finite(column: &str, values: &[f64]) -> Result<()> {
    // a branch-free pass first (vectorised), the position only when something is wrong
    if values.iter().fold(true, |ok, v| ok & v.is_finite()) {
        return Ok(());
    }
    match values.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(Error::NonFinite {
            column: column.to_string(),
            row: i + 1,
            value: values[i],
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_columns() {
        assert!(matches!(
            Design::from_columns([("a", vec![1.0, f64::NAN])]),
            Err(Error::NonFinite { row: 2, .. })
        ));
        assert!(matches!(
            Design::from_columns([("a", vec![1.0]), ("a", vec![2.0])]),
            Err(Error::DuplicateColumn { .. })
        ));
        assert!(matches!(
            Design::from_columns([("a", vec![1.0, 2.0]), ("b", vec![2.0])]),
            Err(Error::DimensionMismatch { .. })
        ));
        assert!(matches!(
            Design::from_columns(Vec::<(String, Vec<f64>)>::new()),
            Err(Error::EmptyInput { .. })
        ));
    }

    #[test]
    fn detects_constant_and_aliased_columns() -> Result<()> {
        let d = Design::from_columns([
            ("a", vec![1.0, 2.0, 3.0, 4.0]),
            ("c", vec![5.0, 5.0, 5.0, 5.0]),
            ("b", vec![2.0, 4.0, 6.0, 8.0]),
            ("e", vec![1.0, 0.0, 1.0, 3.0]),
        ])?
        .with_intercept();
        assert_eq!(d.constant_columns(), vec![2]);
        assert_eq!(d.aliased_columns(), vec![2, 3]);
        Ok(())
    }
}
