//! Generalised Cholesky (LDL′) factorisation of a symmetric information matrix with R's
//! `survival` rule for singular columns (algorithms.md §2.5).
//!
//! `I = L D L′` with `L` unit lower triangular. A pivot that is not finite or is below
//! `toler · max(diag)` is set to zero: its column is *singular* (aliased), the rank is not
//! incremented, solves return 0 in that component and the inverse has a zero row and column
//! there. A pivot below `-8 · tol` marks the matrix as not positive semi-definite.

/// An LDL′ factorisation of a `p × p` symmetric matrix, stored row-major in one buffer
/// (strict lower triangle = `L`, diagonal = `D`).
#[derive(Debug, Clone)]
pub(super) struct Ldl {
    p: usize,
    a: Vec<f64>,
    rank: usize,
    positive_semidefinite: bool,
}

impl Ldl {
    /// An empty factorisation for `p × p` matrices (reused across iterations).
    pub fn new(p: usize) -> Self {
        Ldl {
            p,
            a: vec![0.0; p * p],
            rank: 0,
            positive_semidefinite: true,
        }
    }

    /// Factors the symmetric matrix `m` (row-major `p × p`; only the lower triangle and the
    /// diagonal are read) with singularity tolerance `toler` relative to the largest diagonal.
    pub fn factor(&mut self, m: &[f64], toler: f64) {
        let p = self.p;
        self.a.copy_from_slice(m);
        self.rank = 0;
        self.positive_semidefinite = true;
        let largest = (0..p)
            .map(|i| m[i * p + i])
            .fold(0.0_f64, |acc, d| if d > acc { d } else { acc });
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
                let l = a[j * p + i] / pivot;
                a[j * p + i] = l;
                a[j * p + j] -= l * l * pivot;
                for k in j + 1..p {
                    a[k * p + j] -= l * a[k * p + i];
                }
            }
        }
    }

    /// Number of non-singular pivots.
    #[cfg(test)]
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// R's `cholesky2` return value: the rank, negated if the matrix is not positive
    /// semi-definite.
    pub fn flag(&self) -> i64 {
        let r = self.rank as i64;
        if self.positive_semidefinite { r } else { -r }
    }

    /// `true` if pivot `i` was set to zero.
    pub fn is_singular(&self, i: usize) -> bool {
        self.a[i * self.p + i] <= 0.0
    }

    /// Solves `I b = y` in place; singular components of `b` are 0.
    ///
    /// The forward substitution uses the (unscaled) entries left below a singular pivot, as
    /// R's `chsolve2` does; they are at rounding level for a truly collinear column.
    pub fn solve(&self, y: &mut [f64]) {
        let p = self.p;
        let a = &self.a;
        for i in 0..p {
            let mut t = y[i];
            for j in 0..i {
                t -= y[j] * a[i * p + j];
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
                    t -= y[j] * a[j * p + i];
                }
                y[i] = t;
            }
        }
    }

    /// The inverse `I⁻¹` (row-major), with zero rows and columns for singular pivots: the
    /// inverse of the non-singular sub-matrix, embedded.
    pub fn inverse(&self) -> Vec<f64> {
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
                        t -= col[j] * a[i * p + j];
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
                    t -= col[j] * a[j * p + i];
                }
                col[i] = t;
            }
            for i in 0..p {
                inv[i * p + k] = col[i];
            }
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

    #[test]
    fn solves_and_inverts_a_positive_definite_matrix() {
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
    fn collinear_column_is_zeroed() {
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
}
