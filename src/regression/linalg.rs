//! Small dense symmetric positive-definite kernels for `k × k` information matrices.
//!
//! The matrices here are tiny (k ≤ a few dozen) and are factored once per iteration into a
//! preallocated buffer, so these routines never allocate. All work on column-major
//! [`DMatrix`] storage; the factor `L` is kept in the lower triangle.
#![allow(clippy::needless_range_loop)]

use nalgebra::{DMatrix, DVector};

/// Cholesky factorisation in place: on success the lower triangle of `a` holds `L` with
/// `a = L Lᵀ` and the strict upper triangle is zeroed. Returns `false` if a pivot is not
/// strictly positive and finite (the matrix is not numerically positive definite).
pub(crate) fn cholesky_in_place(a: &mut DMatrix<f64>) -> bool {
    let k = a.nrows();
    for j in 0..k {
        let mut d = a[(j, j)];
        for p in 0..j {
            let l = a[(j, p)];
            d -= l * l;
        }
        if !(d > 0.0 && d.is_finite()) {
            return false;
        }
        let d = d.sqrt();
        a[(j, j)] = d;
        for i in (j + 1)..k {
            let mut s = a[(i, j)];
            for p in 0..j {
                s -= a[(i, p)] * a[(j, p)];
            }
            a[(i, j)] = s / d;
        }
        for i in 0..j {
            a[(i, j)] = 0.0;
        }
    }
    true
}

/// `log det(L Lᵀ) = 2 Σ log L_jj`.
pub(crate) fn cholesky_log_det(l: &DMatrix<f64>) -> f64 {
    2.0 * (0..l.nrows()).map(|j| l[(j, j)].ln()).sum::<f64>()
}

/// Solves `L Lᵀ x = b` in place.
pub(crate) fn cholesky_solve(l: &DMatrix<f64>, b: &mut DVector<f64>) {
    let k = l.nrows();
    for i in 0..k {
        let mut s = b[i];
        for p in 0..i {
            s -= l[(i, p)] * b[p];
        }
        b[i] = s / l[(i, i)];
    }
    for i in (0..k).rev() {
        let mut s = b[i];
        for p in (i + 1)..k {
            s -= l[(p, i)] * b[p];
        }
        b[i] = s / l[(i, i)];
    }
}

/// Writes `(L⁻¹)ᵀ` (upper triangular) into `out`.
pub(crate) fn cholesky_inverse_factor_transposed(l: &DMatrix<f64>, out: &mut DMatrix<f64>) {
    let k = l.nrows();
    out.fill(0.0);
    // Column j of L⁻¹ solves L x = e_j; x is zero above j. Store it as row j of out.
    for j in 0..k {
        for i in j..k {
            let mut s = if i == j { 1.0 } else { 0.0 };
            for p in j..i {
                s -= l[(i, p)] * out[(j, p)];
            }
            out[(j, i)] = s / l[(i, i)];
        }
    }
}

/// Writes `(L Lᵀ)⁻¹` into `out`, using `work` (k × k) as scratch.
pub(crate) fn cholesky_inverse(l: &DMatrix<f64>, work: &mut DMatrix<f64>, out: &mut DMatrix<f64>) {
    let k = l.nrows();
    cholesky_inverse_factor_transposed(l, work);
    // (L Lᵀ)⁻¹ = L⁻ᵀ L⁻¹ = U Uᵀ with U = L⁻ᵀ upper triangular.
    for i in 0..k {
        for j in 0..=i {
            let mut s = 0.0;
            for p in i..k {
                s += work[(i, p)] * work[(j, p)];
            }
            out[(i, j)] = s;
            out[(j, i)] = s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn spd() -> DMatrix<f64> {
        DMatrix::from_row_slice(3, 3, &[4.0, 2.0, 0.6, 2.0, 5.0, 1.0, 0.6, 1.0, 3.0])
    }

    #[test]
    fn factor_solve_inverse_and_log_det() {
        let a = spd();
        let mut l = a.clone();
        assert!(cholesky_in_place(&mut l));
        assert_relative_eq!(&l * l.transpose(), a, epsilon = 1e-12);
        let b = DVector::from_vec(vec![1.0, -2.0, 0.5]);
        let mut x = b.clone();
        cholesky_solve(&l, &mut x);
        assert_relative_eq!(&a * x, b, epsilon = 1e-12);
        let mut work = DMatrix::zeros(3, 3);
        let mut inv = DMatrix::zeros(3, 3);
        cholesky_inverse(&l, &mut work, &mut inv);
        assert_relative_eq!(&a * inv, DMatrix::identity(3, 3), epsilon = 1e-12);
        assert_relative_eq!(cholesky_log_det(&l), a.determinant().ln(), epsilon = 1e-12);
    }

    #[test]
    fn rejects_indefinite() {
        let mut a = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 2.0, 1.0]);
        assert!(!cholesky_in_place(&mut a));
    }
}
