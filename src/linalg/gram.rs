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

/// Rows per 4-lane vector of the scaled rows (the lane count of the tiles).
const LANES: usize = 4;

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
    #[cfg(target_arch = "x86_64")]
    if let Some(simd) = pulp::x86::V3::try_new() {
        simd.vectorize(
            #[inline(always)]
            || tiles(Fused(simd), block, out, ld),
        );
        return;
    }
    tiles(Plain, block, out, ld);
}

/// The arithmetic of the tiles: a 4-lane vector, `acc + a·b` with `b` broadcast.
trait Lanes: Copy {
    type V: Copy;
    fn zero(self) -> Self::V;
    fn load(self, a: [f64; LANES]) -> Self::V;
    fn mul_add(self, a: Self::V, b: f64, acc: Self::V) -> Self::V;
    fn store(self, v: Self::V) -> [f64; LANES];
}

/// Plain arithmetic (any CPU): a multiplication and an addition per lane.
#[derive(Debug, Clone, Copy)]
struct Plain;

impl Lanes for Plain {
    type V = [f64; LANES];
    #[inline(always)]
    fn zero(self) -> Self::V {
        [0.0; LANES]
    }
    #[inline(always)]
    fn load(self, a: [f64; LANES]) -> Self::V {
        a
    }
    #[inline(always)]
    fn mul_add(self, a: Self::V, b: f64, acc: Self::V) -> Self::V {
        let mut out = acc;
        for (o, a) in out.iter_mut().zip(a) {
            *o += a * b;
        }
        out
    }
    #[inline(always)]
    fn store(self, v: Self::V) -> [f64; LANES] {
        v
    }
}

/// AVX2 vectors with fused multiply-adds.
#[cfg(target_arch = "x86_64")]
#[derive(Debug, Clone, Copy)]
struct Fused(pulp::x86::V3);

#[cfg(target_arch = "x86_64")]
impl Lanes for Fused {
    type V = pulp::f64x4;
    #[inline(always)]
    fn zero(self) -> Self::V {
        self.0.splat_f64x4(0.0)
    }
    #[inline(always)]
    fn load(self, a: [f64; LANES]) -> Self::V {
        pulp::cast(a)
    }
    #[inline(always)]
    fn mul_add(self, a: Self::V, b: f64, acc: Self::V) -> Self::V {
        self.0.mul_add_f64x4(a, self.0.splat_f64x4(b), acc)
    }
    #[inline(always)]
    fn store(self, v: Self::V) -> [f64; LANES] {
        pulp::cast(v)
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
