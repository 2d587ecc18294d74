//! The crate's one set of dense linear-algebra kernels for the small `p × p` symmetric
//! matrices of every model (information matrices, variances), and the vector kernels
//! [`dot`] and [`axpy`] of the per-row sweeps; [`gram`] holds the blocked weighted Gram kernel
//! of the information matrices.
//!
//! **Storage order.** Every `p × p` matrix here is a slice of `p²` doubles in column-major
//! order (element `(i, j)` at `i + j·p`), the order of nalgebra's [`DMatrix`] storage, so a
//! `DMatrix` is passed as `m.as_slice()` / `m.as_mut_slice()`. The symmetric matrices the
//! models build are exactly symmetric, so their row-major and column-major images coincide.
//!
//! Two factorisations:
//!
//! * [`cholesky_in_place`]: the plain Cholesky factor `A = L Lᵀ` (lower triangle, strict upper
//!   triangle zeroed), with [`cholesky_solve`], [`cholesky_log_det`], [`cholesky_inverse`] and
//!   [`cholesky_inverse_factor_transposed`]. A pivot must exceed a caller-given floor
//!   (`0` for "positive definite", or a tolerance relative to the largest diagonal).
//! * [`Ldl`]: R `survival`'s generalised Cholesky `A = L D Lᵀ` with its singular-column rule
//!   (`cholesky2`, `chsolve2`, `chinv2`): a pivot that is not finite or is below
//!   `toler · max(diag)` is set to zero; its column is *singular* (aliased), the rank is not
//!   incremented, solves return 0 in that component and the inverse has a zero row and column
//!   there. A pivot below `-8 · toler · max(diag)` marks the matrix as not positive
//!   semi-definite.
//!
//! The routines never allocate except [`Ldl::new`] and [`Ldl::inverse`]; callers keep their
//! buffers across iterations.
#![allow(clippy::needless_range_loop)] // index loops over triangular parts of matrices

pub(crate) mod gram;
pub(crate) mod rows;

#[cfg(doc)]
use nalgebra::DMatrix;

/// Dot product `Σ aᵢ bᵢ` over the common length, with four independent accumulators (so
/// long products pipeline; the rounding is that of four interleaved partial sums).
#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0; 4];
    let mut ca = a.chunks_exact(4);
    let mut cb = b.chunks_exact(4);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for t in 0..4 {
            acc[t] += x[t] * y[t];
        }
    }
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// `y += α x` over the common length.
#[inline]
pub(crate) fn axpy(alpha: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += alpha * xi;
    }
}

/// `out = A v` for a symmetric `p × p` matrix `A` (`p = v.len()`; column `i` of `A` is
/// contiguous and, by symmetry, equal to row `i`).
#[inline]
pub(crate) fn sym_mat_vec(a: &[f64], v: &[f64], out: &mut [f64]) {
    let p = v.len();
    for (i, o) in out.iter_mut().enumerate() {
        *o = dot(&a[i * p..(i + 1) * p], v);
    }
}

/// The largest diagonal element of the `p × p` matrix `a` (0 if none is positive).
pub(crate) fn max_diagonal(a: &[f64], p: usize) -> f64 {
    (0..p).map(|i| a[i * p + i]).fold(0.0_f64, f64::max)
}

/// Cholesky factorisation in place of the symmetric `p × p` matrix `a`: on success the lower
/// triangle holds `L` with `a = L Lᵀ` and the strict upper triangle is zero. Returns `false`
/// as soon as a pivot (before its square root) is not finite or not above `min_pivot`; `a` is
/// then partly overwritten.
pub(crate) fn cholesky_in_place(a: &mut [f64], p: usize, min_pivot: f64) -> bool {
    debug_assert_eq!(a.len(), p * p);
    for j in 0..p {
        let mut d = a[j * p + j];
        for k in 0..j {
            let l = a[k * p + j];
            d -= l * l;
        }
        if !(d > min_pivot && d.is_finite()) {
            return false;
        }
        let d = d.sqrt();
        a[j * p + j] = d;
        for i in (j + 1)..p {
            let mut s = a[j * p + i];
            for k in 0..j {
                s -= a[k * p + i] * a[k * p + j];
            }
            a[j * p + i] = s / d;
        }
        for i in 0..j {
            a[j * p + i] = 0.0;
        }
    }
    true
}

/// `log det(L Lᵀ) = 2 Σ log L_jj` for a factor from [`cholesky_in_place`].
pub(crate) fn cholesky_log_det(l: &[f64], p: usize) -> f64 {
    2.0 * (0..p).map(|j| l[j * p + j].ln()).sum::<f64>()
}

/// Solves `L Lᵀ x = b` in place (`p = b.len()`) for a factor from [`cholesky_in_place`].
pub(crate) fn cholesky_solve(l: &[f64], b: &mut [f64]) {
    let p = b.len();
    for i in 0..p {
        let mut s = b[i];
        for k in 0..i {
            s -= l[k * p + i] * b[k];
        }
        b[i] = s / l[i * p + i];
    }
    for i in (0..p).rev() {
        let mut s = b[i];
        for k in (i + 1)..p {
            s -= l[i * p + k] * b[k];
        }
        b[i] = s / l[i * p + i];
    }
}

/// Writes `L⁻ᵀ` (upper triangular, `p × p`) into `out`.
pub(crate) fn cholesky_inverse_factor_transposed(l: &[f64], p: usize, out: &mut [f64]) {
    out.fill(0.0);
    // Column j of L⁻¹ solves L x = e_j; x is zero above j. Store it as row j of `out`.
    for j in 0..p {
        for i in j..p {
            let mut s = if i == j { 1.0 } else { 0.0 };
            for k in j..i {
                s -= l[k * p + i] * out[k * p + j];
            }
            out[i * p + j] = s / l[i * p + i];
        }
    }
}

/// Writes `(L Lᵀ)⁻¹` (exactly symmetric) into `out`, using `work` (`p × p`) as scratch.
pub(crate) fn cholesky_inverse(l: &[f64], p: usize, work: &mut [f64], out: &mut [f64]) {
    cholesky_inverse_factor_transposed(l, p, work);
    // (L Lᵀ)⁻¹ = L⁻ᵀ L⁻¹ = U Uᵀ with U = L⁻ᵀ upper triangular.
    for i in 0..p {
        for j in 0..=i {
            let mut s = 0.0;
            for k in i..p {
                s += work[k * p + i] * work[k * p + j];
            }
            out[j * p + i] = s;
            out[i * p + j] = s;
        }
    }
}

/// R `survival`'s LDL′ factorisation (`cholesky2`) of a `p × p` symmetric matrix, with its
/// singular-column rule (see the module documentation). One buffer, column-major: strict
/// lower triangle = `L`, diagonal = `D`.
#[derive(Debug, Clone)]
pub(crate) struct Ldl {
    p: usize,
    a: Vec<f64>,
    rank: usize,
    positive_semidefinite: bool,
}

impl Ldl {
    /// An empty factorisation for `p × p` matrices (reused across iterations).
    pub(crate) fn new(p: usize) -> Self {
        Ldl {
            p,
            a: vec![0.0; p * p],
            rank: 0,
            positive_semidefinite: true,
        }
    }

    /// Factors the symmetric matrix `m` (`p × p`; only the lower triangle and the diagonal
    /// are read) with singularity tolerance `toler` relative to the largest diagonal.
    pub(crate) fn factor(&mut self, m: &[f64], toler: f64) {
        let p = self.p;
        self.a.copy_from_slice(m);
        self.rank = 0;
        self.positive_semidefinite = true;
        let largest = max_diagonal(m, p);
        if largest <= 0.0 {
            // No positive diagonal (every column constant): rank 0, nothing factored.
            for i in 0..p {
                let d = self.a[i * p + i];
                if d.is_nan() || d <= 0.0 {
                    self.a[i * p + i] = 0.0;
                }
            }
            return;
        }
        let tol = largest * toler;
        let a = &mut self.a;
        for i in 0..p {
            let pivot = a[i * p + i];
            if !pivot.is_finite() || pivot < tol {
                a[i * p + i] = 0.0;
                if pivot < -8.0 * tol {
                    self.positive_semidefinite = false;
                }
                continue;
            }
            self.rank += 1;
            for j in i + 1..p {
                let l = a[i * p + j] / pivot;
                a[i * p + j] = l;
                a[j * p + j] -= l * l * pivot;
                for k in j + 1..p {
                    a[j * p + k] -= l * a[i * p + k];
                }
            }
        }
    }

    /// Number of non-singular pivots.
    #[cfg(test)]
    pub(crate) fn rank(&self) -> usize {
        self.rank
    }

    /// R's `cholesky2` return value: the rank, negated if the matrix is not positive
    /// semi-definite.
    pub(crate) fn flag(&self) -> i64 {
        let r = self.rank as i64;
        if self.positive_semidefinite { r } else { -r }
    }

    /// `true` if pivot `i` was set to zero.
    pub(crate) fn is_singular(&self, i: usize) -> bool {
        self.a[i * self.p + i] <= 0.0
    }

    /// Solves `A b = y` in place (`chsolve2`); singular components of `b` are 0.
    ///
    /// The forward substitution uses the (unscaled) entries left below a singular pivot, as
    /// R's `chsolve2` does; they are at rounding level for a truly collinear column.
    pub(crate) fn solve(&self, y: &mut [f64]) {
        let p = self.p;
        let a = &self.a;
        for i in 0..p {
            let mut t = y[i];
            for j in 0..i {
                t -= y[j] * a[j * p + i];
            }
            y[i] = t;
        }
        for i in (0..p).rev() {
            let d = a[i * p + i];
            if d <= 0.0 {
                y[i] = 0.0;
            } else {
                let mut t = y[i] / d;
                for j in i + 1..p {
                    t -= y[j] * a[i * p + j];
                }
                y[i] = t;
            }
        }
    }

    /// The inverse `A⁻¹` (`chinv2`; `p × p`, exactly symmetric), with zero rows and columns
    /// for singular pivots: the inverse of the non-singular sub-matrix, embedded.
    pub(crate) fn inverse(&self) -> Vec<f64> {
        let p = self.p;
        let a = &self.a;
        let mut inv = vec![0.0; p * p];
        let mut col = vec![0.0; p];
        for k in 0..p {
            if self.is_singular(k) {
                continue;
            }
            col.fill(0.0);
            col[k] = 1.0;
            // forward: L y = e_k, ignoring the columns of singular pivots
            for i in 0..p {
                let mut t = col[i];
                for j in 0..i {
                    if !self.is_singular(j) {
                        t -= col[j] * a[j * p + i];
                    }
                }
                col[i] = t;
            }
            for i in (0..p).rev() {
                if self.is_singular(i) {
                    col[i] = 0.0;
                    continue;
                }
                let mut t = col[i] / a[i * p + i];
                for j in i + 1..p {
                    t -= col[j] * a[i * p + j];
                }
                col[i] = t;
            }
            inv[k * p..(k + 1) * p].copy_from_slice(&col);
        }
        // exact symmetry
        for i in 0..p {
            for j in 0..i {
                let v = 0.5 * (inv[i * p + j] + inv[j * p + i]);
                inv[i * p + j] = v;
                inv[j * p + i] = v;
            }
        }
        inv
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use nalgebra::{DMatrix, DVector};

    fn spd() -> DMatrix<f64> {
        DMatrix::from_row_slice(3, 3, &[4.0, 2.0, 0.6, 2.0, 5.0, 1.0, 0.6, 1.0, 3.0])
    }

    #[test]
    fn factor_solve_inverse_and_log_det() {
        let a = spd();
        let mut l = a.clone();
        assert!(cholesky_in_place(l.as_mut_slice(), 3, 0.0));
        assert_relative_eq!(&l * l.transpose(), a, epsilon = 1e-12);
        let b = DVector::from_vec(vec![1.0, -2.0, 0.5]);
        let mut x = b.clone();
        cholesky_solve(l.as_slice(), x.as_mut_slice());
        assert_relative_eq!(&a * x, b, epsilon = 1e-12);
        let mut work = DMatrix::zeros(3, 3);
        let mut inv = DMatrix::zeros(3, 3);
        cholesky_inverse(l.as_slice(), 3, work.as_mut_slice(), inv.as_mut_slice());
        assert_relative_eq!(&a * &inv, DMatrix::identity(3, 3), epsilon = 1e-12);
        assert!((0..3).all(|i| (0..3).all(|j| inv[(i, j)].total_cmp(&inv[(j, i)]).is_eq())));
        assert_relative_eq!(
            cholesky_log_det(l.as_slice(), 3),
            a.determinant().ln(),
            epsilon = 1e-12
        );
        let mut u = DMatrix::zeros(3, 3);
        cholesky_inverse_factor_transposed(l.as_slice(), 3, u.as_mut_slice());
        assert_relative_eq!(l.transpose() * u, DMatrix::identity(3, 3), epsilon = 1e-12);
    }

    #[test]
    fn rejects_indefinite_and_small_pivots() {
        let mut a = [1.0, 2.0, 2.0, 1.0];
        assert!(!cholesky_in_place(&mut a, 2, 0.0));
        let mut b = [4.0, 2.0, 2.0, 1.0 + 1e-14];
        assert!(!cholesky_in_place(&mut b, 2, 1e-13 * 4.0));
        let mut c = [4.0, 2.0, 2.0, 1.0 + 1e-14];
        assert!(cholesky_in_place(&mut c, 2, 0.0));
    }

    #[test]
    fn vector_kernels() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let b = [0.5, -1.0, 2.0, 0.0, 1.0, -2.0];
        assert_relative_eq!(dot(&a, &b), 0.5 - 2.0 + 6.0 + 5.0 - 12.0);
        let mut y = [1.0, 1.0];
        axpy(2.0, &a, &mut y);
        assert_relative_eq!(y[0], 3.0);
        assert_relative_eq!(y[1], 5.0);
        let m = spd();
        let mut out = [0.0; 3];
        sym_mat_vec(m.as_slice(), &[1.0, 0.0, -1.0], &mut out);
        assert_relative_eq!(out[0], 3.4);
        assert_relative_eq!(out[1], 1.0);
        assert_relative_eq!(out[2], -2.4);
    }

    #[test]
    fn ldl_solves_and_inverts_a_positive_definite_matrix() {
        let m = [4.0, 2.0, 0.6, 2.0, 2.0, 0.5, 0.6, 0.5, 3.0];
        let mut f = Ldl::new(3);
        f.factor(&m, 1e-12);
        assert_eq!(f.flag(), 3);
        let inv = f.inverse();
        for i in 0..3 {
            for j in 0..3 {
                let e: f64 = (0..3).map(|k| m[i * 3 + k] * inv[k * 3 + j]).sum();
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((e - want).abs() < 1e-12);
            }
        }
        let mut y = [1.0, 2.0, 3.0];
        f.solve(&mut y);
        let back: Vec<f64> = (0..3)
            .map(|i| (0..3).map(|k| m[i * 3 + k] * y[k]).sum())
            .collect();
        assert!((back[0] - 1.0).abs() < 1e-12 && (back[2] - 3.0).abs() < 1e-12);
    }

    #[test]
    fn ldl_zeroes_a_collinear_column() {
        // column 2 = 2 * column 1
        let m = [1.0, 2.0, 0.0, 2.0, 4.0, 0.0, 0.0, 0.0, 5.0];
        let mut f = Ldl::new(3);
        f.factor(&m, 1.818989e-12);
        assert_eq!(f.rank(), 2);
        assert!(f.is_singular(1));
        let inv = f.inverse();
        assert!((inv[0] - 1.0).abs() < 1e-15);
        assert!(inv[4].abs() <= 0.0 && inv[1].abs() <= 0.0);
        assert!((inv[8] - 0.2).abs() < 1e-15);
        let mut y = [1.0, 2.0, 1.0];
        f.solve(&mut y);
        assert!(y[1].abs() <= 0.0);
        assert!((y[0] - 1.0).abs() < 1e-15 && (y[2] - 0.2).abs() < 1e-15);
    }

    #[test]
    fn ldl_flags_an_indefinite_matrix() {
        let m = [1.0, 0.0, 0.0, -1.0];
        let mut f = Ldl::new(2);
        f.factor(&m, 1e-9);
        assert_eq!(f.flag(), -1);
    }
}
