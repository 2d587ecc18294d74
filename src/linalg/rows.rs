//! Kernels over the rows of row-major data (row `k` is `x[k·p..(k + 1)·p]`): the products
//! `x_k·v` of every row with one vector (the Cox linear predictors) and the weighted sum
//! `Σ_k c_k x_k` of a range of rows (the Cox risk-set sums `S1`), four columns to a vector.
//!
//! ```text
//! a row of p >= 4 columns is covered by ⌈p/4⌉ vectors starting at columns 0, 4, 8, …;
//! when 4 does not divide p the last one starts at p − 4 (inside the row) and the lanes it
//! shares with the vector before it are left out: zeros in the multiplier (dot products),
//! not added (sums). Rows narrower than a vector (p < 4) are done value by value.
//! ```
//!
//! Dot products: two rows at a time, one vector sum per row over its vectors, then its
//! lanes `(l₀ + l₁) + (l₂ + l₃)`. Weighted sums: the vectors of a row in runs of at most
//! [`RUN_VECTORS`], each run summed over a block of [`BLOCK_ROWS`] rows in two interleaved
//! streams (even and odd rows: twice the independent fused multiply-adds), the two streams
//! added and the block's sums added to the result, block after block. The order of every
//! sum is fixed by the rows given, so a range gives the same numbers wherever it is computed
//! (threads included); FMA and plain arithmetic differ in the last bits ([`crate::simd`]).

use crate::simd::{Kernel, LANES, Lanes, dispatch};

/// The most vectors of a row summed together (two streams of five vector sums and the
/// operands fit the 16 vector registers of AVX2).
const RUN_VECTORS: usize = 5;

/// Rows per block of a weighted sum.
pub(crate) const BLOCK_ROWS: usize = 256;

/// Where the vectors of a row of `p >= 4` columns start: `min(4·v, p − 4)`.
#[inline(always)]
fn vector_start(v: usize, p: usize) -> usize {
    (v * LANES).min(p - LANES)
}

/// Vectors per row of `p >= 4` columns.
#[inline(always)]
fn vectors(p: usize) -> usize {
    p.div_ceil(LANES)
}

/// A vector `v` cut into the vectors of a row ([module documentation](self)): lane `l` of
/// vector `m` holds `v[start_m + l]`, or 0 where vector `m − 1` already has that column.
#[derive(Debug, Clone, Default)]
pub(crate) struct RowVector {
    /// The values `v` (for rows narrower than a vector).
    values: Vec<f64>,
    lanes: Vec<[f64; LANES]>,
}

impl RowVector {
    /// `v` cut into the vectors of a row of `v.len()` columns.
    #[cfg(test)]
    pub(crate) fn new(v: &[f64]) -> Self {
        let mut out = RowVector::default();
        out.set(v);
        out
    }

    /// Replaces the values by `v` (same length or not; no allocation if it fits).
    pub(crate) fn set(&mut self, v: &[f64]) {
        let p = v.len();
        self.values.clear();
        self.values.extend_from_slice(v);
        self.lanes.clear();
        if p < LANES {
            return;
        }
        for m in 0..vectors(p) {
            let start = vector_start(m, p);
            let mut lanes = [0.0; LANES];
            for (l, value) in lanes.iter_mut().enumerate() {
                if start + l >= m * LANES {
                    *value = v[start + l];
                }
            }
            self.lanes.push(lanes);
        }
    }

    /// Number of columns.
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }
}

/// `out_k = offset_k + x_k·v` for the rows `x_k` of `x` (`v.len()` columns each; as many rows
/// as `out` has values); no offsets: `out_k = x_k·v` (the same values as zero offsets, but
/// for the sign of a zero).
///
/// # Panics
/// If `x` or `offset` is shorter than `out` says (a caller's bug, never user input).
pub(crate) fn shifted_row_dots(x: &[f64], v: &RowVector, offset: Option<&[f64]>, out: &mut [f64]) {
    let p = v.len();
    assert!(
        x.len() >= out.len() * p && offset.is_none_or(|o| o.len() >= out.len()),
        "row dots: fewer rows than outputs"
    );
    if p < LANES {
        for (o, row) in out.iter_mut().zip(x.chunks_exact(p.max(1))) {
            let mut dot = 0.0;
            for (a, b) in row.iter().zip(&v.values) {
                dot += a * b;
            }
            *o = dot;
        }
    } else {
        dispatch(RowDots {
            x,
            v,
            out: &mut *out,
        });
    }
    if let Some(offset) = offset {
        for (o, e) in out.iter_mut().zip(offset) {
            *o += e;
        }
    }
}

/// The kernel of [`shifted_row_dots`].
struct RowDots<'a> {
    x: &'a [f64],
    v: &'a RowVector,
    out: &'a mut [f64],
}

impl Kernel for RowDots<'_> {
    type Output = ();
    #[inline(always)]
    fn run<L: Lanes>(self, lanes: L) {
        match self.v.lanes.len() {
            1 => row_dots::<1, L>(lanes, self),
            2 => row_dots::<2, L>(lanes, self),
            3 => row_dots::<3, L>(lanes, self),
            4 => row_dots::<4, L>(lanes, self),
            5 => row_dots::<5, L>(lanes, self),
            6 => row_dots::<6, L>(lanes, self),
            7 => row_dots::<7, L>(lanes, self),
            8 => row_dots::<8, L>(lanes, self),
            _ => row_dots_any(lanes, self),
        }
    }
}

/// [`RowDots`] with `V` vectors per row (in registers, with the multiplier).
#[inline(always)]
fn row_dots<const V: usize, L: Lanes>(lanes: L, k: RowDots<'_>) {
    let p = k.v.len();
    let n = k.out.len();
    let x = &k.x[..n * p];
    let starts: [usize; V] = std::array::from_fn(|m| vector_start(m, p));
    let w: [L::V; V] = std::array::from_fn(|m| lanes.load(k.v.lanes[m]));
    let mut pairs = x.chunks_exact(2 * p);
    let mut outs = k.out.chunks_exact_mut(2);
    for (rows, out) in (&mut pairs).zip(&mut outs) {
        let (a, b) = rows.split_at(p);
        let (mut acc_a, mut acc_b) = (lanes.zero(), lanes.zero());
        for m in 0..V {
            acc_a = lanes.fma(load(lanes, a, starts[m]), w[m], acc_a);
            acc_b = lanes.fma(load(lanes, b, starts[m]), w[m], acc_b);
        }
        out[0] = lanes.sum(acc_a);
        out[1] = lanes.sum(acc_b);
    }
    let last = pairs.remainder();
    if let (Some(out), false) = (outs.into_remainder().first_mut(), last.is_empty()) {
        let mut acc = lanes.zero();
        for m in 0..V {
            acc = lanes.fma(load(lanes, last, starts[m]), w[m], acc);
        }
        *out = lanes.sum(acc);
    }
}

/// [`RowDots`] with any number of vectors per row (the same sums as [`row_dots`]).
#[inline(always)]
fn row_dots_any<L: Lanes>(lanes: L, k: RowDots<'_>) {
    let p = k.v.len();
    let n = k.out.len();
    for (row, out) in k.x[..n * p].chunks_exact(p).zip(k.out) {
        let mut acc = lanes.zero();
        for (m, w) in k.v.lanes.iter().enumerate() {
            acc = lanes.fma(load(lanes, row, vector_start(m, p)), lanes.load(*w), acc);
        }
        *out = lanes.sum(acc);
    }
}

/// The four values of `row` from `start`.
#[inline(always)]
fn load<L: Lanes>(lanes: L, row: &[f64], start: usize) -> L::V {
    let v: [f64; LANES] = row[start..start + LANES]
        .try_into()
        .expect("a vector of a row lies inside the row");
    lanes.load(v)
}

/// `s += Σ_k c_k x_k` over the rows `x_k` of `x` (`s.len()` columns each; as many rows as `c`
/// has values), block of rows after block ([module documentation](self)).
///
/// # Panics
/// If `x` is shorter than `c` and `s` say (a caller's bug, never user input).
pub(crate) fn add_weighted_rows(x: &[f64], c: &[f64], s: &mut [f64]) {
    let p = s.len();
    assert!(
        x.len() >= c.len() * p,
        "weighted rows: fewer rows than weights"
    );
    if p < LANES {
        for (row, &ck) in x.chunks_exact(p.max(1)).zip(c) {
            for (sj, xj) in s.iter_mut().zip(row) {
                *sj += ck * xj;
            }
        }
        return;
    }
    dispatch(WeightedRows { x, c, s });
}

/// The kernel of [`add_weighted_rows`].
struct WeightedRows<'a> {
    x: &'a [f64],
    c: &'a [f64],
    s: &'a mut [f64],
}

impl Kernel for WeightedRows<'_> {
    type Output = ();
    #[inline(always)]
    fn run<L: Lanes>(self, lanes: L) {
        let p = self.s.len();
        let total = vectors(p);
        let runs = total.div_ceil(RUN_VECTORS);
        let x = &self.x[..self.c.len() * p];
        for (rows, c) in x.chunks(BLOCK_ROWS * p).zip(self.c.chunks(BLOCK_ROWS)) {
            let mut first = 0;
            for r in 0..runs {
                // runs as even as possible: the first `total % runs` one vector longer
                let len = total / runs + usize::from(r < total % runs);
                match len {
                    5 => run::<5, L>(lanes, rows, c, first, self.s),
                    4 => run::<4, L>(lanes, rows, c, first, self.s),
                    3 => run::<3, L>(lanes, rows, c, first, self.s),
                    2 => run::<2, L>(lanes, rows, c, first, self.s),
                    _ => run::<1, L>(lanes, rows, c, first, self.s),
                }
                first += len;
            }
        }
    }
}

/// Vectors `first..first + V` of the rows of a block: `s += Σ_k c_k x_k` over those columns,
/// even and odd rows in two streams.
#[inline(always)]
fn run<const V: usize, L: Lanes>(lanes: L, rows: &[f64], c: &[f64], first: usize, s: &mut [f64]) {
    let p = s.len();
    let starts: [usize; V] = std::array::from_fn(|m| vector_start(first + m, p));
    let (mut even, mut odd) = ([lanes.zero(); V], [lanes.zero(); V]);
    let mut pairs = rows.chunks_exact(2 * p);
    let mut weights = c.chunks_exact(2);
    for (pair, w) in (&mut pairs).zip(&mut weights) {
        let (a, b) = pair.split_at(p);
        let (wa, wb) = (lanes.splat(w[0]), lanes.splat(w[1]));
        for m in 0..V {
            even[m] = lanes.fma(load(lanes, a, starts[m]), wa, even[m]);
            odd[m] = lanes.fma(load(lanes, b, starts[m]), wb, odd[m]);
        }
    }
    if let (Some(&w), false) = (weights.remainder().first(), pairs.remainder().is_empty()) {
        let last = pairs.remainder();
        let w = lanes.splat(w);
        for m in 0..V {
            even[m] = lanes.fma(load(lanes, last, starts[m]), w, even[m]);
        }
    }
    for m in 0..V {
        let owned = (first + m) * LANES;
        let sums = lanes.store(lanes.add(even[m], odd[m]));
        for (l, v) in sums.into_iter().enumerate() {
            let j = starts[m] + l;
            if j >= owned {
                s[j] += v;
            }
        }
    }
}

/// `out_k = c_k·x_k[first..first + d]` for the rows `x_k` of `x` (`p` columns each) into
/// rows of `out` `stride >= d` apart (as many rows as `c` has values); the values of `out`
/// beyond `d` in each row are left as they are. Whole vectors, then the last `d % 4` values
/// one by one: the same products as value by value.
///
/// # Panics
/// If `x` or `out` is shorter than the shape says (a caller's bug, never user input).
pub(crate) fn scale_rows(
    x: &[f64],
    p: usize,
    first: usize,
    d: usize,
    c: &[f64],
    out: &mut [f64],
    stride: usize,
) {
    assert!(
        first + d <= p && d <= stride && x.len() >= c.len() * p && out.len() >= c.len() * stride,
        "scale rows: shapes do not fit"
    );
    dispatch(ScaleRows {
        x,
        p,
        first,
        d,
        c,
        out,
        stride,
    });
}

/// The kernel of [`scale_rows`].
struct ScaleRows<'a> {
    x: &'a [f64],
    p: usize,
    first: usize,
    d: usize,
    c: &'a [f64],
    out: &'a mut [f64],
    stride: usize,
}

impl Kernel for ScaleRows<'_> {
    type Output = ();
    #[inline(always)]
    fn run<L: Lanes>(self, lanes: L) {
        let whole = self.d / LANES * LANES;
        let rows = self
            .x
            .chunks_exact(self.p)
            .zip(self.out.chunks_mut(self.stride));
        for ((x, out), &ck) in rows.zip(self.c) {
            let x = &x[self.first..self.first + self.d];
            let (head, tail) = out[..self.d].split_at_mut(whole);
            for (o, v) in head.chunks_exact_mut(LANES).zip(x.chunks_exact(LANES)) {
                let v: [f64; LANES] = v.try_into().expect("whole vectors");
                o.copy_from_slice(&lanes.store(lanes.scale(lanes.load(v), ck)));
            }
            for (o, v) in tail.iter_mut().zip(&x[whole..]) {
                *o = ck * v;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(n: usize, seed: u64) -> Vec<f64> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
            })
            .collect()
    }

    #[test]
    fn row_dots_are_the_products_with_the_vector() {
        for p in [1, 2, 3, 4, 5, 7, 8, 10, 13, 20, 23] {
            for n in [0, 1, 2, 5, 8] {
                let x = values(n * p, 3 + p as u64);
                let v = values(p, 11);
                let offset = values(n, 17);
                let mut out = vec![f64::NAN; n];
                shifted_row_dots(&x, &RowVector::new(&v), Some(&offset), &mut out);
                for k in 0..n {
                    let naive: f64 = offset[k]
                        + x[k * p..(k + 1) * p]
                            .iter()
                            .zip(&v)
                            .map(|(a, b)| a * b)
                            .sum::<f64>();
                    assert!((out[k] - naive).abs() <= 1e-14, "p {p} n {n} row {k}");
                }
                let mut plain = vec![f64::NAN; n];
                shifted_row_dots(&x, &RowVector::new(&v), None, &mut plain);
                for k in 0..n {
                    assert_eq!((plain[k] + offset[k]).to_bits(), out[k].to_bits());
                }
            }
        }
    }

    #[test]
    fn scaled_rows_are_the_products_value_by_value() {
        for (p, first, d) in [(20usize, 0usize, 20usize), (10, 2, 7), (5, 1, 3), (9, 0, 9)] {
            let n = 7;
            let x = values(n * p, 23);
            let c = values(n, 29);
            let stride = d.div_ceil(4) * 4 + 1;
            let mut out = vec![-1.0; n * stride];
            scale_rows(&x, p, first, d, &c, &mut out, stride);
            for k in 0..n {
                for j in 0..stride {
                    let want = if j < d {
                        c[k] * x[k * p + first + j]
                    } else {
                        -1.0
                    };
                    assert_eq!(
                        out[k * stride + j].to_bits(),
                        want.to_bits(),
                        "p {p} row {k} col {j}"
                    );
                }
            }
        }
    }

    #[test]
    fn weighted_rows_are_the_weighted_column_sums() {
        for p in [1, 3, 4, 6, 10, 20, 21, 24, 41] {
            for n in [0, 1, 3, 256, 257, 600] {
                let x = values(n * p, 5 + p as u64);
                let c = values(n, 7);
                let mut s = values(p, 13);
                let mut naive = s.clone();
                for k in 0..n {
                    for j in 0..p {
                        naive[j] += c[k] * x[k * p + j];
                    }
                }
                add_weighted_rows(&x, &c, &mut s);
                for j in 0..p {
                    assert!((s[j] - naive[j]).abs() <= 1e-12, "p {p} n {n} column {j}");
                }
            }
        }
    }
}
