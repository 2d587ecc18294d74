//! The weighted Gram kernel `A += Σ_k (c_k x_k) x_kᵀ` of the models' information matrices
//! (`Σ c_j x_j x_jᵀ` of the Cox risk sets, `XᵀWX` of the logistic and Firth fits), on blocks of
//! a few hundred rows, forming the lower triangle only.
//!
//! ```text
//! rows x_k (row-major, any stride), scaled rows s_k = c_k x_k (row-major, width padded to 4,
//! zeros beyond d);  A[i, j] += Σ_k s_k[i] x_k[j]   for j <= i < d
//! ```
//!
//! The triangle is cut into tiles of 4 rows `i` (one 4-lane vector of `s_k`) by up to 8
//! columns `j` (each `x_k[j]` broadcast): `4 × 8` accumulators stay in registers over the
//! block's rows, so each row costs one vector load, up to eight broadcasts and up to eight
//! fused multiply-adds per tile, with no packing. At d = 20 that is 60 four-lane products per
//! row against the 100 of a full `d × d` product (a general matrix product cannot skip the
//! upper triangle and also packs both operands, which at this size costs as much as the
//! products). On x86-64 CPUs with AVX2 and FMA (detected at run time, through `pulp`'s safe
//! dispatch) the tiles use those instructions; elsewhere the same tiles run in plain
//! arithmetic. The order of the sums is fixed by the block, so a block gives the same
//! numbers wherever it is computed (threads included); FMA and non-FMA machines differ in
//! the last bits.

use crate::simd::{Kernel, LANES, Lanes, dispatch};

/// The most columns of one tile.
const TILE_COLUMNS: usize = 8;

/// The row stride of the scaled rows for `d` columns: `d` rounded up to a whole vector.
pub(crate) fn padded_width(d: usize) -> usize {
    d.div_ceil(LANES) * LANES
}

/// One block of rows of a weighted Gram update.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GramBlock<'a> {
    /// The rows `x_k`, row-major, `x_stride` apart, of which columns
    /// `x_offset..x_offset + d` take part.
    pub(crate) x: &'a [f64],
    /// Distance between consecutive rows of `x`.
    pub(crate) x_stride: usize,
    /// First column of `x` that takes part.
    pub(crate) x_offset: usize,
    /// The scaled rows `c_k x_k` (the `d` columns), [`padded_width`]`(d)` apart, zero in the
    /// padding.
    pub(crate) scaled: &'a [f64],
    /// Number of rows.
    pub(crate) rows: usize,
    /// Number of columns (the order of the updated matrix).
    pub(crate) d: usize,
}

/// `out[i + j·ld] += Σ_k s_k[i] x_k[j]` for `j <= i < d`: the lower triangle (with the
/// diagonal) of the `d × d` column-major matrix that starts at `out[0]` with leading
/// dimension `ld`. The strict upper triangle is left as it is.
///
/// # Panics
/// If `x`, `scaled` or `out` are shorter than the shape says (a caller's bug, never user
/// input).
pub(crate) fn add_lower_gram(block: &GramBlock<'_>, out: &mut [f64], ld: usize) {
    assert!(block.d <= ld, "gram: the block is wider than the matrix");
    dispatch(RowGram { block, out, ld });
}

/// The kernel of [`add_lower_gram`].
struct RowGram<'a, 'b> {
    block: &'a GramBlock<'b>,
    out: &'a mut [f64],
    ld: usize,
}

impl Kernel for RowGram<'_, '_> {
    type Output = ();
    #[inline(always)]
    fn run<L: Lanes>(self, lanes: L) {
        tiles(lanes, self.block, self.out, self.ld);
    }
}

/// Every tile of the lower triangle: rows `i0..i0 + 4`, columns in runs of at most 8 up to
/// the tile's last row.
#[inline(always)]
fn tiles<L: Lanes>(lanes: L, block: &GramBlock<'_>, out: &mut [f64], ld: usize) {
    let d = block.d;
    let mut i0 = 0;
    while i0 < d {
        let i_end = (i0 + LANES).min(d);
        let mut j0 = 0;
        while j0 < i_end {
            let width = (i_end - j0).min(TILE_COLUMNS);
            match width {
                8 => tile::<8, L>(lanes, block, i0, j0, out, ld),
                7 => tile::<7, L>(lanes, block, i0, j0, out, ld),
                6 => tile::<6, L>(lanes, block, i0, j0, out, ld),
                5 => tile::<5, L>(lanes, block, i0, j0, out, ld),
                4 => tile::<4, L>(lanes, block, i0, j0, out, ld),
                3 => tile::<3, L>(lanes, block, i0, j0, out, ld),
                2 => tile::<2, L>(lanes, block, i0, j0, out, ld),
                _ => tile::<1, L>(lanes, block, i0, j0, out, ld),
            }
            j0 += width;
        }
        i0 += LANES;
    }
}

/// One tile: rows `i0..i0 + 4` by columns `j0..j0 + W`, accumulated over the block's rows,
/// then added to `out` where `j <= i < d`.
#[inline(always)]
fn tile<const W: usize, L: Lanes>(
    lanes: L,
    block: &GramBlock<'_>,
    i0: usize,
    j0: usize,
    out: &mut [f64],
    ld: usize,
) {
    let q = padded_width(block.d);
    let first = block.x_offset + j0;
    let mut acc = [lanes.zero(); W];
    let x_rows = block.x.chunks(block.x_stride);
    let s_rows = block.scaled.chunks_exact(q);
    for (x, s) in x_rows.zip(s_rows).take(block.rows) {
        let x: &[f64; W] = x[first..first + W]
            .try_into()
            .expect("a tile's columns are inside the row");
        let s: [f64; LANES] = s[i0..i0 + LANES]
            .try_into()
            .expect("the scaled rows are padded to whole vectors");
        let s = lanes.load(s);
        for (a, &b) in acc.iter_mut().zip(x) {
            *a = lanes.mul_add(s, b, *a);
        }
    }
    for (l, a) in acc.into_iter().enumerate() {
        let j = j0 + l;
        for (t, v) in lanes.store(a).into_iter().enumerate() {
            let i = i0 + t;
            if i < block.d && j <= i {
                out[i + j * ld] += v;
            }
        }
    }
}

/// Columns of a block of rows of column-major data: column `c` holds rows `0..rows` at
/// `data[c·stride..c·stride + rows]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Columns<'a> {
    /// The values; column `c` starts at `c·stride`.
    pub(crate) data: &'a [f64],
    /// Distance between the starts of consecutive columns.
    pub(crate) stride: usize,
}

impl Columns<'_> {
    /// Rows `0..len` of column `c`.
    #[inline(always)]
    fn column(&self, c: usize, len: usize) -> &[f64] {
        &self.data[c * self.stride..c * self.stride + len]
    }
}

/// Rows `i` of a tile of [`add_lower_gram_columns`] (by four columns `j`): 12 vector sums
/// in registers, 7 vector loads for 12 fused multiply-adds (2 rows: 6 loads for 8).
const TILE_ROWS: usize = 3;

/// Column-major form of [`add_lower_gram`]: `out[i + j·ld] += Σ_k s[k, i]·x[k, j]` for
/// `j <= i < d` over the `rows` rows of the columns `x` and `s` (`s = diag(c)·x`), the lower
/// triangle only. Four consecutive rows go into the lanes of a vector; a tile of 3 × 4
/// entries keeps its 12 vector sums in registers over the rows and adds their lanes at the
/// end, `(l₀ + l₁) + (l₂ + l₃)`.
///
/// # Panics
/// If a column is shorter than `rows` (a caller's bug).
pub(crate) fn add_lower_gram_columns(
    x: &Columns<'_>,
    s: &Columns<'_>,
    rows: usize,
    d: usize,
    out: &mut [f64],
    ld: usize,
) {
    dispatch(ColumnGram {
        x,
        s,
        rows,
        d,
        out,
        ld,
    });
}

/// The kernel of [`add_lower_gram_columns`].
struct ColumnGram<'a, 'b> {
    x: &'a Columns<'b>,
    s: &'a Columns<'b>,
    rows: usize,
    d: usize,
    out: &'a mut [f64],
    ld: usize,
}

impl Kernel for ColumnGram<'_, '_> {
    type Output = ();
    #[inline(always)]
    fn run<L: Lanes>(self, lanes: L) {
        gram_columns(lanes, self.x, self.s, self.rows, self.d, self.out, self.ld);
    }
}

#[inline(always)]
fn gram_columns<L: Lanes>(
    lanes: L,
    x: &Columns<'_>,
    s: &Columns<'_>,
    rows: usize,
    d: usize,
    out: &mut [f64],
    ld: usize,
) {
    let whole = rows / LANES * LANES;
    let mut i0 = 0;
    while i0 < d {
        let ni = (d - i0).min(TILE_ROWS);
        let mut j0 = 0;
        while j0 < i0 + ni {
            let nj = (i0 + ni - j0).min(4);
            let mut sums = [[0.0; 4]; TILE_ROWS];
            let groups = whole / LANES;
            match (ni, nj) {
                (3, 4) => pair_tile::<3, 4, L>(lanes, x, s, groups, i0, j0, &mut sums),
                (3, 3) => pair_tile::<3, 3, L>(lanes, x, s, groups, i0, j0, &mut sums),
                (3, 2) => pair_tile::<3, 2, L>(lanes, x, s, groups, i0, j0, &mut sums),
                (3, _) => pair_tile::<3, 1, L>(lanes, x, s, groups, i0, j0, &mut sums),
                (2, 4) => pair_tile::<2, 4, L>(lanes, x, s, groups, i0, j0, &mut sums),
                (2, 3) => pair_tile::<2, 3, L>(lanes, x, s, groups, i0, j0, &mut sums),
                (2, 2) => pair_tile::<2, 2, L>(lanes, x, s, groups, i0, j0, &mut sums),
                (2, _) => pair_tile::<2, 1, L>(lanes, x, s, groups, i0, j0, &mut sums),
                (_, 4) => pair_tile::<1, 4, L>(lanes, x, s, groups, i0, j0, &mut sums),
                (_, 3) => pair_tile::<1, 3, L>(lanes, x, s, groups, i0, j0, &mut sums),
                (_, 2) => pair_tile::<1, 2, L>(lanes, x, s, groups, i0, j0, &mut sums),
                _ => pair_tile::<1, 1, L>(lanes, x, s, groups, i0, j0, &mut sums),
            }
            for (a, row) in sums.iter().enumerate().take(ni) {
                for (b, v) in row.iter().enumerate().take(nj) {
                    let (i, j) = (i0 + a, j0 + b);
                    if j <= i {
                        out[i + j * ld] += v;
                    }
                }
            }
            j0 += nj;
        }
        i0 += ni;
    }
    // the last rows (fewer than four), one at a time
    for r in whole..rows {
        for i in 0..d {
            let si = s.data[i * s.stride + r];
            for j in 0..=i {
                out[i + j * ld] += si * x.data[j * x.stride + r];
            }
        }
    }
}

/// One `I × J` tile of [`gram_columns`] over `groups` groups of four rows, added to `sums`.
#[inline(always)]
fn pair_tile<const I: usize, const J: usize, L: Lanes>(
    lanes: L,
    x: &Columns<'_>,
    s: &Columns<'_>,
    groups: usize,
    i0: usize,
    j0: usize,
    sums: &mut [[f64; 4]; TILE_ROWS],
) {
    let mut acc = [[lanes.zero(); J]; I];
    // the tile's columns cut to exactly the rows it reads, so that the reads below need no
    // bounds checks of their own; plain loops, not `array::from_fn`: its closure would not be
    // inlined into the vectorised caller
    let len = groups * LANES;
    let mut s_cols: [&[f64]; I] = [&[]; I];
    for (a, col) in s_cols.iter_mut().enumerate() {
        *col = s.column(i0 + a, len);
    }
    let mut x_cols: [&[f64]; J] = [&[]; J];
    for (b, col) in x_cols.iter_mut().enumerate() {
        *col = x.column(j0 + b, len);
    }
    for g in 0..groups {
        let r = g * LANES;
        let mut sv = [lanes.zero(); I];
        for (v, col) in sv.iter_mut().zip(&s_cols) {
            *v = lanes.load([col[r], col[r + 1], col[r + 2], col[r + 3]]);
        }
        let mut xv = [lanes.zero(); J];
        for (v, col) in xv.iter_mut().zip(&x_cols) {
            *v = lanes.load([col[r], col[r + 1], col[r + 2], col[r + 3]]);
        }
        for (acc, sv) in acc.iter_mut().zip(sv) {
            for (acc, xv) in acc.iter_mut().zip(xv) {
                *acc = lanes.fma(sv, xv, *acc);
            }
        }
    }
    for (sum, acc) in sums.iter_mut().zip(acc) {
        for (sum, acc) in sum.iter_mut().zip(acc) {
            *sum += lanes.sum(acc);
        }
    }
}

/// `out[r] = Σ_j (Σ_{i<=j} x[r, i]·u[i + j·k])²`: the squared norms of the rows of `X·U` for
/// the `rows × k` column-major block `x` and an upper-triangular `k × k` column-major `u`
/// (zero below the diagonal), without forming the product. Four rows per vector; columns
/// of the product in runs of four, each a sum over the `i` up to the run's last column (the
/// zeros of `u` below the diagonal inside a run are multiplied, not skipped).
///
/// # Panics
/// If `out` is shorter than `rows`, a column shorter than `rows` or `u` shorter than `k²`.
pub(crate) fn triangular_row_norms(
    x: &Columns<'_>,
    u: &[f64],
    k: usize,
    rows: usize,
    out: &mut [f64],
) {
    dispatch(RowNorms { x, u, k, rows, out });
}

/// The kernel of [`triangular_row_norms`].
struct RowNorms<'a, 'b> {
    x: &'a Columns<'b>,
    u: &'a [f64],
    k: usize,
    rows: usize,
    out: &'a mut [f64],
}

impl Kernel for RowNorms<'_, '_> {
    type Output = ();
    #[inline(always)]
    fn run<L: Lanes>(self, lanes: L) {
        row_norms(lanes, self.x, self.u, self.k, self.rows, self.out);
    }
}

#[inline(always)]
fn row_norms<L: Lanes>(
    lanes: L,
    x: &Columns<'_>,
    u: &[f64],
    k: usize,
    rows: usize,
    out: &mut [f64],
) {
    let whole = rows / LANES * LANES;
    // two groups of four rows at a time: eight independent chains of fused multiply-adds
    // (one group's four wait on the adder's latency); a row's sums are the same either way
    let pairs = rows / (2 * LANES) * (2 * LANES);
    for r in (0..pairs).step_by(2 * LANES) {
        let [a, b] = group_norms::<2, L>(lanes, x, u, k, r);
        out[r..r + LANES].copy_from_slice(&lanes.store(a));
        out[r + LANES..r + 2 * LANES].copy_from_slice(&lanes.store(b));
    }
    for r in (pairs..whole).step_by(LANES) {
        let [norms] = group_norms::<1, L>(lanes, x, u, k, r);
        out[r..r + LANES].copy_from_slice(&lanes.store(norms));
    }
    // the last rows (fewer than four), one at a time
    for (r, o) in out.iter_mut().enumerate().take(rows).skip(whole) {
        let mut norm = 0.0;
        for j in 0..k {
            let mut v = 0.0;
            for i in 0..=j {
                v += x.data[i * x.stride + r] * u[i + j * k];
            }
            norm += v * v;
        }
        *o = norm;
    }
}

/// The squared norms of the `G` groups of four rows from `r` of `X·U`.
#[inline(always)]
fn group_norms<const G: usize, L: Lanes>(
    lanes: L,
    x: &Columns<'_>,
    u: &[f64],
    k: usize,
    r: usize,
) -> [L::V; G] {
    let mut norms = [lanes.zero(); G];
    let mut j0 = 0;
    while j0 < k {
        match k - j0 {
            1 => column_run::<G, 1, L>(lanes, x, u, k, r, j0, &mut norms),
            2 => column_run::<G, 2, L>(lanes, x, u, k, r, j0, &mut norms),
            3 => column_run::<G, 3, L>(lanes, x, u, k, r, j0, &mut norms),
            _ => column_run::<G, 4, L>(lanes, x, u, k, r, j0, &mut norms),
        }
        j0 += 4;
    }
    norms
}

/// Columns `j0..j0 + J` of `X·U` for `G` groups of four rows from `r`: their squares added
/// to `norms`.
#[inline(always)]
fn column_run<const G: usize, const J: usize, L: Lanes>(
    lanes: L,
    x: &Columns<'_>,
    u: &[f64],
    k: usize,
    r: usize,
    j0: usize,
    norms: &mut [L::V; G],
) {
    let mut acc = [[lanes.zero(); J]; G];
    // the run's columns of `u` cut to the rows it reads (0..j0 + J), and each column of `x`
    // to the tile's rows, so that the reads need no bounds checks of their own
    let depth = j0 + J;
    let mut u_cols: [&[f64]; J] = [&[]; J];
    for (b, col) in u_cols.iter_mut().enumerate() {
        *col = &u[(j0 + b) * k..(j0 + b) * k + depth];
    }
    for i in 0..depth {
        let mut us = [0.0; J];
        for (v, col) in us.iter_mut().zip(&u_cols) {
            *v = col[i];
        }
        let rows = &x.data[i * x.stride + r..][..G * LANES];
        for (acc, four) in acc.iter_mut().zip(rows.chunks_exact(LANES)) {
            let xv = lanes.load([four[0], four[1], four[2], four[3]]);
            for (acc, &ub) in acc.iter_mut().zip(&us) {
                *acc = lanes.mul_add(xv, ub, *acc);
            }
        }
    }
    for (norms, acc) in norms.iter_mut().zip(&acc) {
        for acc in acc {
            *norms = lanes.fma(*acc, *acc, *norms);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simd::Plain;

    /// Deterministic values in [-1, 1).
    fn values(n: usize, seed: u64) -> Vec<f64> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 11) as f64 / (1u64 << 52) as f64 - 1.0
            })
            .collect()
    }

    /// The block of `rows` rows of width `stride`, columns `offset..offset + d`, weights `c`.
    fn block_data(
        rows: usize,
        stride: usize,
        offset: usize,
        d: usize,
    ) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let x = values(rows * stride, 7 + d as u64);
        let c = values(rows, 11);
        let q = padded_width(d);
        let mut s = vec![0.0; rows * q];
        for k in 0..rows {
            for i in 0..d {
                s[k * q + i] = c[k] * x[k * stride + offset + i];
            }
        }
        (x, c, s)
    }

    fn naive(x: &[f64], c: &[f64], stride: usize, offset: usize, d: usize) -> Vec<f64> {
        let mut out = vec![0.0; d * d];
        for (k, ck) in c.iter().enumerate() {
            for i in 0..d {
                for j in 0..=i {
                    out[i + j * d] += ck * x[k * stride + offset + i] * x[k * stride + offset + j];
                }
            }
        }
        out
    }

    #[test]
    fn the_lower_triangle_is_the_weighted_sum_of_products() {
        for (d, stride, offset) in [(1, 1, 0), (3, 5, 2), (4, 4, 0), (9, 12, 1), (20, 20, 0)] {
            for rows in [1, 7, 256] {
                let (x, c, s) = block_data(rows, stride, offset, d);
                let block = GramBlock {
                    x: &x,
                    x_stride: stride,
                    x_offset: offset,
                    scaled: &s,
                    rows,
                    d,
                };
                let want = naive(&x, &c, stride, offset, d);
                let mut fast = vec![0.5; d * d];
                add_lower_gram(&block, &mut fast, d);
                let mut plain = vec![0.5; d * d];
                tiles(Plain, &block, &mut plain, d);
                for i in 0..d {
                    for j in 0..d {
                        let at = i + j * d;
                        if j <= i {
                            let tol = 1e-13 * rows as f64;
                            assert!((fast[at] - 0.5 - want[at]).abs() < tol, "d {d} ({i},{j})");
                            assert!((plain[at] - 0.5 - want[at]).abs() < tol, "d {d} ({i},{j})");
                        } else {
                            // the strict upper triangle is not touched
                            assert_eq!(fast[at].to_bits(), 0.5_f64.to_bits(), "d {d} ({i},{j})");
                            assert_eq!(plain[at].to_bits(), 0.5_f64.to_bits(), "d {d} ({i},{j})");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_block_inside_a_larger_matrix_leaves_the_rest_alone() {
        let (d, ld) = (6, 9);
        let (x, c, s) = block_data(10, d, 0, d);
        let block = GramBlock {
            x: &x,
            x_stride: d,
            x_offset: 0,
            scaled: &s,
            rows: 10,
            d,
        };
        let mut out = vec![0.0; ld * ld];
        add_lower_gram(&block, &mut out[2 + 2 * ld..], ld);
        let want = naive(&x, &c, d, 0, d);
        for i in 0..ld {
            for j in 0..ld {
                let v = out[i + j * ld];
                let inside = (2..2 + d).contains(&i) && (2..2 + d).contains(&j) && j <= i;
                if inside {
                    assert!((v - want[(i - 2) + (j - 2) * d]).abs() < 1e-13);
                } else {
                    assert_eq!(v.to_bits(), 0.0_f64.to_bits(), "({i},{j}) touched");
                }
            }
        }
    }

    #[test]
    fn column_blocks_give_the_weighted_sum_and_the_triangular_row_norms() {
        for (k, rows) in [
            (1, 1),
            (2, 5),
            (3, 4),
            (5, 9),
            (8, 3),
            (20, 256),
            (20, 255),
            (7, 2),
        ] {
            let n = rows + 3; // columns of a longer matrix: stride n, block at row 2
            let x = values(n * k, 5 + k as u64);
            let c = values(n, 3);
            let mut sx = vec![0.0; rows * k];
            for col in 0..k {
                for r in 0..rows {
                    sx[col * rows + r] = c[2 + r] * x[col * n + 2 + r];
                }
            }
            let xc = Columns {
                data: &x[2..],
                stride: n,
            };
            let sc = Columns {
                data: &sx,
                stride: rows,
            };
            let mut fast = vec![0.25; k * k];
            add_lower_gram_columns(&xc, &sc, rows, k, &mut fast, k);
            let mut plain = vec![0.25; k * k];
            gram_columns(Plain, &xc, &sc, rows, k, &mut plain, k);
            for i in 0..k {
                for j in 0..k {
                    let at = i + j * k;
                    if j <= i {
                        let want: f64 = (0..rows)
                            .map(|r| c[2 + r] * x[i * n + 2 + r] * x[j * n + 2 + r])
                            .sum();
                        let tol = 1e-13 * rows as f64;
                        assert!((fast[at] - 0.25 - want).abs() < tol, "k {k} ({i},{j})");
                        assert!((plain[at] - 0.25 - want).abs() < tol, "k {k} ({i},{j})");
                    } else {
                        assert_eq!(fast[at].to_bits(), 0.25_f64.to_bits());
                        assert_eq!(plain[at].to_bits(), 0.25_f64.to_bits());
                    }
                }
            }
            // an upper-triangular u
            let mut u = values(k * k, 9);
            for j in 0..k {
                for i in j + 1..k {
                    u[i + j * k] = 0.0;
                }
            }
            let mut norms = vec![0.0; rows];
            triangular_row_norms(&xc, &u, k, rows, &mut norms);
            let mut plain_norms = vec![0.0; rows];
            row_norms(Plain, &xc, &u, k, rows, &mut plain_norms);
            for r in 0..rows {
                let want: f64 = (0..k)
                    .map(|j| {
                        let v: f64 = (0..=j).map(|i| x[i * n + 2 + r] * u[i + j * k]).sum();
                        v * v
                    })
                    .sum();
                assert!(
                    (norms[r] - want).abs() < 1e-13 * (1.0 + want),
                    "k {k} row {r}"
                );
                assert!(
                    (plain_norms[r] - want).abs() < 1e-13 * (1.0 + want),
                    "k {k} row {r}"
                );
            }
        }
    }
}
