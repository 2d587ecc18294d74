//! One evaluation of the Cox partial log-likelihood `ℓ`, its score `U` and information `I`
//! (algorithms.md §2.3) for Breslow or Efron ties, with strata, case weights and offsets.
//!
//! ```text
//! death time t, risk set R(t) = {j : t_j >= t}, r_j = w_j exp(η_j), tied deaths D (d of them)
//! Breslow: ℓ -= W_d log S0,   U -= W_d S1/S0,   I += W_d (S2/S0 - S1 S1'/S0²)
//! Efron:   the same with S_k = S(R \ D) + (k/d) S(D), k = 1..d, and the mean weight W_d/d
//! ```
//!
//! The pass is organised for speed without changing the mathematics:
//! * a backward sweep over the tie groups accumulates `S0` and `ℓ` (scalars only) and the
//!   hazard increments `W/S0` of each death time, with the coefficients of its mean rows;
//! * the `Σ W S2/S0` part of `I` is rewritten as `Σ_j c_j x_j x_j'` with
//!   `c_j = r_j · (cumulative hazard increments of the death times whose risk set holds j)`,
//!   accumulated block by block by the crate's weighted Gram kernel ([`crate::linalg::gram`],
//!   lower triangle only); the same `c_j` give the score, `U = Σ_D w·x − Σ_j c_j x_j`
//!   (`Σ_t W S1/S0` regrouped by row);
//! * the `Σ W m m'` part is a second blocked product over the risk-set mean vectors `m`
//!   (for an Efron tie group, the d mean vectors span two directions, so two rows suffice),
//!   whose `S1` sums are formed in the same pass over the covariates as `Σ c_j x_j x_j'`.
//!
//! So an evaluation reads the sorted covariates twice: once for `η` (the sweep, or pass 1
//! with threads), once for everything that needs `x_j` itself (pass 3).
//!
//! **Grouped form.** Right-censored data with many rows per tie group (at least
//! [`GROUPED_ROWS`] on average: whole-day or whole-month times) take R's own accumulation
//! instead (`coxfit6`: `I += h·S2` at each death time, with `S2 = Σ r x x'` over the risk
//! set): one backward sweep per chunk computes `r`, the group's `Σ r·x` and `Σ r x x'` (the
//! same Gram kernel, on rows still in cache) and adds `h·S2 + o·D2` (`h`, `o` the hazard steps
//! of the rows beyond the deaths and of the deaths) and `−(h·S1 + o·D1)` to `I` and `U`
//! ([`grouped_sweep`]). With one thread an evaluation then reads the covariates once; the
//! price is a few `p × p` updates per tie group, which is why data with few ties keep the
//! form above. The choice depends on the data only, never on the thread count.
//!
//! Counting-process data `(start, stop]` (R's `agfit4`, algorithms.md §2.12): a row is at risk
//! at t iff `start < t <= stop`. The backward sweep adds rows at their stop time, as above, and
//! removes them (along the start-time order) once the current time is at or below their
//! start; when nobody is left at risk the sums are reset to zero, as R does. This sweep keeps
//! `S1` itself (for the mean rows). In pass 3 `c_j` becomes `r_j` times the hazard increments
//! in `(start_j, stop_j]`.
//!
//! The deaths' own terms `Σ_D w·η` of `ℓ` and `Σ_D w·x` of `U` do not depend on the risk
//! sets: `Σ_D w·x` (and `Σ_D w·offset`) is summed once per fit, and each evaluation adds
//! `(Σ_D w·x)'β` instead of a product and a vector update per death.
//!
//! **Threads.** Right-censored data are cut into fixed chunks of whole tie groups (about
//! [`CHUNK_ROWS`] rows, never across a stratum; the cut depends on the data only). Inside a
//! chunk the sums `Σ r`, `Σ r·x` of its own rows are accumulated from zero, tie group by tie
//! group from the chunk's last row, and the sums of a risk set are those of the later chunks
//! of the stratum (entering the chunk) plus the chunk's own so far. With one thread the
//! scalar sweep runs over the chunks from the last, computing `r = w·e^η` as it reads each
//! row, and pass 3 runs over the chunks from the last too, each passing its `Σ r·x` on to the
//! chunk before it. With several threads, each chunk first computes its `r` and its own sums
//! `Σ r`, `Σ r·x` (pass 1, in the same order as the sweeps, so the same numbers); the sums
//! entering each chunk are then a short serial suffix sum over the chunks, and every chunk
//! runs its scalar sweep (pass 2, reading `r` only) and, after the serial cumulative hazards,
//! its pass 3 on its own. Every chunk's ℓ, `U` and `I` parts start from zero and are added in
//! chunk order, so one thread and many threads give bit-identical results
//! ([`crate::parallel`]). Counting-process data compute `r` first and keep the serial sweeps
//! (the departures cross chunk boundaries) and share pass 3. In the grouped form, pass 1 is
//! the same, each chunk's sweep then runs on its own (entering with the later chunks' `Σ r`
//! and `Σ r·x`), and the later chunks' `S2` enter as the chunk's sum of hazard steps times
//! their `Σ r x x'`, added serially from the last chunk.
//!
//! No allocation happens inside a pass; the buffers live in [`RiskPass`] (one set per chunk).

use std::ops::Range;

use nalgebra::{DMatrix, DMatrixView};

use super::Ties;
use super::prepare::{Departures, Prepared, StratumSpan};
use crate::elementwise::exp_in_place;
use crate::linalg::gram::{GramBlock, add_lower_gram, padded_width};
use crate::linalg::rows::{RowVector, add_weighted_rows, scale_rows, shifted_row_dots};
use crate::linalg::{axpy, dot};
use crate::parallel;
use crate::survival::risk_set::Arrivals;

/// Rows per block of the Gram kernel and of the mean-row product (keeps the block in cache);
/// the blocks of the grouped form are those of the row kernels ([`grouped_range`]).
const BLOCK_ROWS: usize = 256;
const _: () = assert!(BLOCK_ROWS == crate::linalg::rows::BLOCK_ROWS);

/// Rows per chunk of the threaded passes (whole tie groups, so a chunk can be longer).
pub(super) const CHUNK_ROWS: usize = 8192;

/// Right-censored data with at least this many rows per tie group on average take the
/// grouped form ([`grouped_sweep`]). Measured on one core, p = 20, n = 2·10⁵ (10⁶ for 1700; BENCHMARKS.md
/// Run 14): the two forms take the same time at about 19 rows per group; the grouped form
/// is 5 % faster at 35 and 10 % at 330 and 1700 (the harness data), the other 8 % faster
/// at 12 and 25 % at 5.
const GROUPED_ROWS: usize = 24;

/// A fixed chunk of the threaded passes: whole tie groups of one stratum.
#[derive(Debug, Clone)]
struct Chunk {
    groups: Range<usize>,
    rows: Range<usize>,
    stratum: usize,
}

/// One chunk's share of an evaluation, and its buffers.
#[derive(Debug)]
struct Partial {
    loglik: f64,
    score: Vec<f64>,
    /// `Σ c x x' − Σ W m m'` of the chunk (column-major `p × p`).
    info: DMatrix<f64>,
    /// `Σ r` and `Σ r·x` over the chunk's rows visited so far (from zero; all of them after
    /// pass 1 or the chunk's backward sweep).
    own0: f64,
    own1: Vec<f64>,
    /// The sums of the rows after the chunk in its stratum (entering the backward sweep).
    enter0: f64,
    enter1: Vec<f64>,
    /// Risk-set sums `Σ r·x` of the rows beyond a group's deaths (scratch).
    s1: Vec<f64>,
    /// `Σ r·x` of a group's censored rows (scratch).
    c1: Vec<f64>,
    /// `Σ r·x` of a group's deaths (scratch).
    d1: Vec<f64>,
    block: Vec<f64>,
    block_rows: usize,
    /// Grouped form: `Σ r x x'` of the chunk's rows visited so far (`S2` from zero), that of a
    /// group's deaths (scratch), and the sum of the chunk's hazard steps (the factor of the
    /// `S2` of the later chunks).
    own2: DMatrix<f64>,
    d2: DMatrix<f64>,
    hazard_sum: f64,
    /// The scaled rows `c_k·x_k` of a block of the `Σ c x x'` product (row stride
    /// [`padded_width`] of the dense columns, zero padding).
    scaled: Vec<f64>,
}

impl Partial {
    fn new(p: usize) -> Self {
        Partial {
            loglik: 0.0,
            score: vec![0.0; p],
            info: DMatrix::zeros(p, p),
            own0: 0.0,
            own1: vec![0.0; p],
            enter0: 0.0,
            enter1: vec![0.0; p],
            s1: vec![0.0; p],
            c1: vec![0.0; p],
            d1: vec![0.0; p],
            block: vec![0.0; BLOCK_ROWS * p],
            block_rows: 0,
            own2: DMatrix::zeros(p, p),
            d2: DMatrix::zeros(p, p),
            hazard_sum: 0.0,
            scaled: vec![0.0; BLOCK_ROWS * padded_width(p)],
        }
    }

    /// Appends the mean row `a·S1 + b·D1` (already scaled by √weight) to the block.
    fn push_mean(&mut self, a: f64, b: f64) {
        if self.block_rows == BLOCK_ROWS {
            self.flush_means();
        }
        let p = self.s1.len();
        let row = &mut self.block[self.block_rows * p..(self.block_rows + 1) * p];
        for ((r, s), d) in row.iter_mut().zip(&self.s1).zip(&self.d1) {
            *r = a * s + b * d;
        }
        self.block_rows += 1;
    }

    /// `info -= Mᵀ M` for the buffered mean rows `M`.
    fn flush_means(&mut self) {
        let m = self.block_rows;
        if m == 0 {
            return;
        }
        let p = self.s1.len();
        let rows = &self.block[..m * p];
        let mt = DMatrixView::from_slice(rows, p, m);
        let mm = DMatrixView::from_slice_with_strides(rows, m, p, p, 1);
        self.info.gemm(-1.0, &mt, &mm, 1.0);
        self.block_rows = 0;
    }

    /// Appends the mean rows of a tie group (`mean`, from [`group_terms`]) for the sums
    /// `self.s1` of the rows at risk beyond the group's deaths and `self.d1` of its deaths.
    #[inline(always)]
    fn push_group_means(&mut self, mean: MeanRows) {
        match mean {
            MeanRows::None => {}
            MeanRows::Pooled(root) => self.push_mean(root, root),
            MeanRows::Efron { l11, l21, l22 } => {
                self.push_mean(l11, l21);
                self.push_mean(0.0, l22);
            }
        }
    }
}

/// Where [`add_squares`] adds: a matrix of `Σ c x x'` and, when given, a score.
struct Squares<'a> {
    matrix: &'a mut DMatrix<f64>,
    score: Option<&'a mut [f64]>,
}

/// `matrix += Σ_j c_j x_j x_j'` and, with a score, `score −= Σ_j c_j x_j` over `rows` (`c`
/// indexed like the rows); the matrix's lower triangle only (the only part
/// [`RiskPass::evaluate`] reads), one block of rows at a time through
/// the crate's Gram kernel ([`add_lower_gram`]; `scaled` is its buffer of scaled rows). With
/// sparse columns the kernel forms the dense × dense block and each sparse column is summed
/// over its nonzero rows ([`Sparse`]).
fn add_squares(
    data: &Prepared,
    sparse: &Sparse,
    rows: Range<usize>,
    c: &[f64],
    scaled: &mut [f64],
    out: Squares<'_>,
) {
    let Squares { matrix, mut score } = out;
    let p = data.p;
    let dense = if sparse.cols.is_empty() {
        0..p
    } else {
        sparse.dense.clone()
    };
    let d = dense.len();
    let q = padded_width(d);
    let mut start = rows.start;
    while start < rows.end {
        let end = (start + BLOCK_ROWS).min(rows.end);
        let z = &data.z[start * p..end * p];
        // the scaled rows c_k·x_k of the dense columns (the padding stays zero), and
        // their part −Σ c_k·x_k of the score
        let weights = &c[start - rows.start..end - rows.start];
        if let Some(score) = score.as_deref_mut() {
            let rows_scaled = scaled.chunks_exact_mut(q).zip(z.chunks_exact(p));
            let score = &mut score[dense.clone()];
            for ((row, x), &ck) in rows_scaled.zip(weights) {
                for ((r, x), u) in row.iter_mut().zip(&x[dense.clone()]).zip(score.iter_mut()) {
                    *r = ck * x;
                    *u -= *r;
                }
            }
        } else {
            scale_rows(z, p, dense.start, d, weights, scaled, q);
        }
        let block = GramBlock {
            x: z,
            x_stride: p,
            x_offset: dense.start,
            scaled,
            rows: end - start,
            d,
        };
        let corner = dense.start * p + dense.start;
        add_lower_gram(&block, &mut matrix.as_mut_slice()[corner..], p);
        start = end;
    }
    // a sparse column against every row, over its nonzero rows
    for (&a, &list) in sparse.cols.iter().zip(&sparse.lists) {
        let nonzero = &data.sparse[list].1;
        let from = nonzero.partition_point(|&k| (k as usize) < rows.start);
        let to = nonzero.partition_point(|&k| (k as usize) < rows.end);
        // column a of the column-major matrix
        let column = &mut matrix.as_mut_slice()[a * p..(a + 1) * p];
        for &k in &nonzero[from..to] {
            let k = k as usize;
            let x = data.row(k);
            let cx = c[k - rows.start] * x[a];
            axpy(cx, x, column);
            if let Some(score) = score.as_deref_mut() {
                score[a] -= cx;
            }
        }
    }
}

/// The mean rows of one tie group in `Σ W m m'`, as coefficients of the sums `S1` (rows at
/// risk beyond the group's deaths) and `D1` (its deaths): a row `a·S1 + b·D1` each.
#[derive(Debug, Clone, Copy, Default)]
enum MeanRows {
    /// No deaths.
    #[default]
    None,
    /// Breslow, or a single death: one row `root·(S1 + D1)`.
    Pooled(f64),
    /// Efron: `Σ_k wt·m_k m_k'` with `m_k = a_k·S1 + b_k·D1` is the quadratic form of the 2×2
    /// Gram matrix G of `(a_k, b_k)`; the two rows `L'(S1, D1)` with `G = LL'` carry it.
    Efron { l11: f64, l21: f64, l22: f64 },
}

/// Deaths of an Efron tie group whose risk-set sums go into one logarithm ([`group_terms`]).
const LOG_RUN: usize = 4;
/// The range of a risk-set sum in such a product (2^±250: a product of four stays within
/// the normal doubles).
const LOG_RUN_MIN: f64 = 5.527147875260445e-76;
const LOG_RUN_MAX: f64 = 1.8092513943330656e75;

/// The scalar terms of one tie group with `nd` deaths, from `s0` (the weight at risk beyond
/// the deaths), `d0` (the deaths' `Σ r`) and `wd` (their `Σ w`): subtracts the group's terms
/// from `loglik` and returns (hazard step, own step, mean rows). The steps are the
/// increments of the cumulative hazards that make `c_j` (after the group / at its own
/// deaths).
#[inline(always)]
fn group_terms(
    ties: Ties,
    nd: usize,
    s0: f64,
    d0: f64,
    wd: f64,
    loglik: &mut f64,
) -> (f64, f64, MeanRows) {
    if ties == Ties::Breslow || nd == 1 {
        let s0 = s0 + d0;
        *loglik -= wd * s0.ln();
        let step = wd / s0;
        (step, step, MeanRows::Pooled(wd.sqrt() / s0))
    } else {
        let wt = wd / nd as f64;
        let (mut sum_a, mut sum_b) = (0.0, 0.0);
        let (mut g_aa, mut g_ab, mut g_bb) = (0.0, 0.0, 0.0);
        // Σ_k ln(den_k) as the logarithms of products of four (one logarithm per four deaths;
        // a product of four has at most three roundings), each den_k on its own where the
        // product could leave the range of doubles
        let mut log_sum = 0.0;
        let mut dens = [0.0; LOG_RUN];
        let mut k = 1;
        while k <= nd {
            let m = (nd + 1 - k).min(LOG_RUN);
            let mut product = 1.0;
            let mut in_range = true;
            for (t, slot) in dens[..m].iter_mut().enumerate() {
                let frac = (k + t) as f64 / nd as f64;
                let den = s0 + frac * d0;
                *slot = den;
                product *= den;
                in_range &= (LOG_RUN_MIN..=LOG_RUN_MAX).contains(&den);
                let a = 1.0 / den;
                let b = frac * a;
                sum_a += a;
                sum_b += b;
                g_aa += a * a;
                g_ab += a * b;
                g_bb += b * b;
            }
            if in_range {
                log_sum += product.ln();
            } else {
                log_sum += dens[..m].iter().map(|d| d.ln()).sum::<f64>();
            }
            k += m;
        }
        *loglik -= wt * log_sum;
        let l11 = (wt * g_aa).sqrt();
        let l21 = wt * g_ab / l11;
        let l22 = (wt * g_bb - l21 * l21).max(0.0).sqrt();
        (wt * sum_a, wt * sum_b, MeanRows::Efron { l11, l21, l22 })
    }
}

/// The sparse columns of the sorted covariates ([`Prepared::sparse`], indicators of rare
/// categories) in `Σ c x x'`: when every column outside a range `dense` of a multiple of 8
/// columns (the matrix kernel's tile width) fewer than `p` is sparse, the matrix product
/// forms the `dense × dense` block only and each sparse column (against every row) is summed
/// over its nonzero rows.
#[derive(Debug, Default)]
struct Sparse {
    /// The columns of the matrix product.
    dense: Range<usize>,
    /// The other columns, in order, and where their nonzero rows are in
    /// [`Prepared::sparse`].
    cols: Vec<usize>,
    lists: Vec<usize>,
}

impl Sparse {
    fn new(data: &Prepared) -> Self {
        let p = data.p;
        let mut list = vec![None; p];
        for (i, (j, _)) in data.sparse.iter().enumerate() {
            list[*j] = Some(i);
        }
        // the smallest range holding the dense columns, widened to a multiple of 8
        let first = list.iter().position(Option::is_none).unwrap_or(0);
        let last = list.iter().rposition(Option::is_none).map_or(0, |j| j + 1);
        let width = (last - first).div_ceil(8) * 8;
        if width == 0 || width >= p {
            return Sparse::default();
        }
        let start = first.min(p - width);
        let dense = start..start + width;
        let cols: Vec<usize> = (0..p).filter(|j| !dense.contains(j)).collect();
        let lists = cols.iter().filter_map(|&j| list[j]).collect();
        Sparse { dense, cols, lists }
    }

    /// Where the total of `Σ c x x'` for row `i`, column `j` is kept: `(i, j)` unless `i` is
    /// sparse and `j` dense, then `(j, i)`.
    fn entry(&self, i: usize, j: usize) -> (usize, usize) {
        if !self.cols.is_empty() && !self.dense.contains(&i) && self.dense.contains(&j) {
            (j, i)
        } else {
            (i, j)
        }
    }
}

/// Reusable buffers for repeated evaluations on the same prepared data.
#[derive(Debug)]
pub(super) struct RiskPass {
    p: usize,
    threads: usize,
    /// `r = w·e^η` of each sorted row (overwritten by `c` in pass 3).
    risk: Vec<f64>,
    /// The β of the evaluation, cut into the vectors of a row (none: `β = 0`).
    beta: RowVector,
    /// `Σ_D w·x` and `Σ_D w·offset` over the deaths (constant over the iterations).
    death_x: Vec<f64>,
    death_offset: f64,
    /// Suffix sums over the chunks (scratch).
    acc1: Vec<f64>,
    acc2: DMatrix<f64>,
    /// Right-censored data in the grouped form ([`grouped_sweep`]; else [`chunk_hazards`] and
    /// [`chunk_means`]).
    grouped: bool,
    hazard_step: Vec<f64>,
    death_step: Vec<f64>,
    /// The mean-row coefficients of each tie group (right-censored data, pass 2 → pass 3).
    mean_rows: Vec<MeanRows>,
    chunks: Vec<Chunk>,
    partials: Vec<Partial>,
    sparse: Sparse,
    /// The serial sweeps of counting-process data.
    serial: Partial,
    /// Counting data: cumulative hazard increments up to each sorted row's start time.
    entry_hazard: Vec<f64>,
    /// Score vector `U` of the last evaluation.
    pub score: Vec<f64>,
    /// Information matrix `I` of the last evaluation, row-major `p × p`.
    pub information: Vec<f64>,
}

/// The fixed chunks of `data`: whole tie groups, at least [`CHUNK_ROWS`] rows where the
/// stratum has them, never across a stratum.
fn cut_chunks(data: &Prepared) -> Vec<Chunk> {
    let mut out = Vec::new();
    for (s, stratum) in data.strata.iter().enumerate() {
        let mut g0 = stratum.groups.start;
        while g0 < stratum.groups.end {
            let row0 = data.groups[g0].start();
            let mut g1 = g0;
            loop {
                g1 += 1;
                if g1 == stratum.groups.end || data.groups[g1 - 1].end() - row0 >= CHUNK_ROWS {
                    break;
                }
            }
            out.push(Chunk {
                groups: g0..g1,
                rows: row0..data.groups[g1 - 1].end(),
                stratum: s,
            });
            g0 = g1;
        }
    }
    out
}

/// Splits `v` into the consecutive pieces of lengths `lens` (which must cover it).
fn split_lengths<T>(mut v: &mut [T], lens: impl Iterator<Item = usize>) -> Vec<&mut [T]> {
    let mut out = Vec::new();
    for len in lens {
        let (head, tail) = v.split_at_mut(len);
        out.push(head);
        v = tail;
    }
    out
}

impl RiskPass {
    /// Buffers sized for `data`; `threads` as the models' setting (0 = all cores).
    pub fn new(data: &Prepared, threads: usize) -> Self {
        let grouped = data.counting.is_none() && data.n >= GROUPED_ROWS * data.groups.len();
        RiskPass::with_form(data, threads, grouped)
    }

    /// [`RiskPass::new`] in the grouped form or not (right-censored data; counting-process
    /// data never take it).
    fn with_form(data: &Prepared, threads: usize, grouped: bool) -> Self {
        let p = data.p;
        let chunks = cut_chunks(data);
        let threads = parallel::threads_for(threads, data.n * (p * p + 2 * p), chunks.len());
        let mut death_x = vec![0.0; p];
        let mut death_offset = 0.0;
        for group in &data.groups {
            for k in group.death_start()..group.end() {
                let w = data.weight[k];
                if data.has_offsets {
                    death_offset += w * data.offset[k];
                }
                axpy(w, data.row(k), &mut death_x);
            }
        }
        let sparse = Sparse::new(data);
        RiskPass {
            p,
            threads,
            risk: vec![0.0; data.n],
            beta: RowVector::default(),
            death_x,
            death_offset,
            acc1: vec![0.0; p],
            acc2: DMatrix::zeros(p, p),
            grouped: grouped && data.counting.is_none(),
            hazard_step: vec![0.0; data.groups.len()],
            death_step: vec![0.0; data.groups.len()],
            mean_rows: vec![MeanRows::None; data.groups.len()],
            partials: chunks.iter().map(|_| Partial::new(p)).collect(),
            chunks,
            serial: Partial::new(p),
            sparse,
            entry_hazard: if data.counting.is_some() {
                vec![0.0; data.n]
            } else {
                Vec::new()
            },
            score: vec![0.0; p],
            information: vec![0.0; p * p],
        }
    }

    /// Evaluates `ℓ(β)`, `U(β)` and `I(β)` (in the centred and scaled coordinates of `data`).
    /// `U` and `I` are left in [`RiskPass::score`] and [`RiskPass::information`].
    pub fn evaluate(&mut self, data: &Prepared, ties: Ties, beta: &[f64]) -> f64 {
        let p = self.p;
        let threads = self.threads;
        for part in &mut self.partials {
            part.loglik = 0.0;
            part.score.fill(0.0);
            part.info.fill(0.0);
        }
        self.serial.loglik = 0.0;
        self.serial.score.fill(0.0);
        self.serial.info.fill(0.0);

        // x'β is +0 in every row when β = 0 (R's default start): the products are skipped
        // there, the same r bit for bit
        self.beta.set(if beta.iter().all(|&b| b == 0.0) {
            &[]
        } else {
            beta
        });
        let eta_beta = &self.beta;
        let counting = data.counting.is_some();
        let grouped = self.grouped;
        // with one thread (right-censored data) r is computed inside the backward sweep
        let fused = threads == 1 && !counting;

        // pass 1: r and the chunks' own sums
        if !fused {
            let lens = self.chunks.iter().map(|c| c.rows.len());
            let risks = split_lengths(&mut self.risk, lens);
            let items: Vec<_> = self
                .chunks
                .iter()
                .zip(risks)
                .zip(&mut self.partials)
                .collect();
            parallel::map_items(items, threads, |((chunk, risk), part)| {
                if counting {
                    risk_scores(data, chunk.rows.clone(), risk, eta_beta);
                } else {
                    chunk_own_sums(data, chunk, risk, eta_beta, part, grouped);
                }
            });
        }

        if counting {
            self.serial.s1.fill(0.0);
            for stratum in &data.strata {
                self.counting_backward_sweep(data, ties, stratum.groups.clone());
            }
            self.serial.flush_means();
            for stratum in &data.strata {
                self.entry_hazards(data, stratum.groups.clone());
            }
        } else if self.grouped {
            self.grouped_sweeps(data, ties, fused);
        } else {
            // pass 2: the scalar backward sweep (ℓ, hazard steps, mean-row coefficients),
            // entering each chunk with the weight at risk of the later chunks of its stratum;
            // with one thread each chunk's own sums come from its sweep, else from pass 1
            // (whose Σ r·x also give the sums entering pass 3)
            let lens = self.chunks.iter().map(|c| c.groups.len());
            let hazards = split_lengths(&mut self.hazard_step, lens.clone());
            let owns = split_lengths(&mut self.death_step, lens.clone());
            let means = split_lengths(&mut self.mean_rows, lens);
            let lens = self.chunks.iter().map(|c| c.rows.len());
            let risks = split_lengths(&mut self.risk, lens);
            let mut items: Vec<_> = self
                .chunks
                .iter()
                .zip(hazards)
                .zip(owns)
                .zip(means)
                .zip(risks)
                .zip(&mut self.partials)
                .collect();
            let mut acc0 = 0.0;
            let acc1 = &mut self.acc1;
            let mut stratum = usize::MAX;
            for (((((chunk, hazard), own), means), risk), part) in items.iter_mut().rev() {
                if chunk.stratum != stratum {
                    stratum = chunk.stratum;
                    acc0 = 0.0;
                    acc1.fill(0.0);
                }
                part.enter0 = acc0;
                if fused {
                    let steps = Steps { hazard, own, means };
                    chunk_hazards(data, ties, chunk, risk, Some(eta_beta), steps, part);
                } else {
                    part.enter1.copy_from_slice(acc1);
                    axpy(1.0, &part.own1, acc1);
                }
                acc0 += part.own0;
            }
            if !fused {
                parallel::map_items(
                    items,
                    threads,
                    |(((((chunk, hazard), own), means), risk), part)| {
                        let steps = Steps { hazard, own, means };
                        chunk_hazards(data, ties, chunk, risk, None, steps, part);
                    },
                );
            }
        }

        if !self.grouped {
            self.cumulative_pass(data, counting, fused);
        }

        // chunk results in chunk order, after the deaths' own terms
        let mut loglik = self.death_offset + dot(&self.death_x, beta) + self.serial.loglik;
        self.score.copy_from_slice(&self.death_x);
        axpy(1.0, &self.serial.score, &mut self.score);
        let mut info = self.serial.info.clone();
        for part in &self.partials {
            loglik += part.loglik;
            axpy(1.0, &part.score, &mut self.score);
            info += &part.info;
        }
        for i in 0..p {
            for j in 0..=i {
                let v = info[self.sparse.entry(i, j)];
                self.information[i * p + j] = v;
                self.information[j * p + i] = v;
            }
        }
        loglik
    }

    /// Right-censored data, grouped form: the chunks' sweeps ([`grouped_sweep`]), from the
    /// last (one thread, computing `r`) or on the threads after pass 1, each entering with the
    /// `Σ r`, `Σ r·x` of the later chunks of its stratum; then each chunk's hazard steps times
    /// the `Σ r x x'` of those later chunks (serial, from the last chunk).
    fn grouped_sweeps(&mut self, data: &Prepared, ties: Ties, fused: bool) {
        let lens = self.chunks.iter().map(|c| c.rows.len());
        let risks = split_lengths(&mut self.risk, lens);
        let mut items: Vec<_> = self
            .chunks
            .iter()
            .zip(risks)
            .zip(&mut self.partials)
            .collect();
        let (sparse, beta) = (&self.sparse, &self.beta);
        let mut acc0 = 0.0;
        let acc1 = &mut self.acc1;
        let mut stratum = usize::MAX;
        for ((chunk, risk), part) in items.iter_mut().rev() {
            if chunk.stratum != stratum {
                stratum = chunk.stratum;
                acc0 = 0.0;
                acc1.fill(0.0);
            }
            part.enter0 = acc0;
            part.enter1.copy_from_slice(acc1);
            if fused {
                grouped_sweep(data, ties, sparse, chunk, risk, Some(beta), part);
            }
            acc0 += part.own0;
            axpy(1.0, &part.own1, acc1);
        }
        if !fused {
            parallel::map_items(items, self.threads, |((chunk, risk), part)| {
                grouped_sweep(data, ties, sparse, chunk, risk, None, part);
            });
        }
        let acc2 = &mut self.acc2;
        let mut stratum = usize::MAX;
        for (chunk, part) in self.chunks.iter().zip(&mut self.partials).rev() {
            if chunk.stratum != stratum {
                stratum = chunk.stratum;
                acc2.fill(0.0);
            }
            axpy(part.hazard_sum, acc2.as_slice(), part.info.as_mut_slice());
            *acc2 += &part.own2;
        }
    }

    /// The c-form's cumulative hazards and pass 3 (see the module documentation).
    fn cumulative_pass(&mut self, data: &Prepared, counting: bool, fused: bool) {
        let threads = self.threads;
        // cumulative hazards: after a group's deaths, and at its own deaths (Efron)
        for stratum in &data.strata {
            let mut cum = 0.0;
            for g in stratum.groups.clone() {
                let after = cum + self.hazard_step[g];
                self.death_step[g] += cum;
                self.hazard_step[g] = after;
                cum = after;
            }
        }

        // pass 3: the mean rows of Σ W m m' (right-censored data), then c_j, Σ c_j x_j x_j'
        // and the score's −Σ c_j x_j; with one thread the chunks run from the last (the
        // sums entering a chunk are those of the chunks after it), else on the threads with
        // the sums entering from pass 1
        {
            let lens = self.chunks.iter().map(|c| c.groups.len());
            let means = split_lengths(&mut self.mean_rows, lens);
            let lens = self.chunks.iter().map(|c| c.rows.len());
            let risks = split_lengths(&mut self.risk, lens);
            let mut items: Vec<_> = self
                .chunks
                .iter()
                .zip(means)
                .zip(risks)
                .zip(&mut self.partials)
                .collect();
            let (after, own, entry) = (&self.hazard_step, &self.death_step, &self.entry_hazard);
            let sparse = &self.sparse;
            let squares =
                |chunk: &Chunk, means: &[MeanRows], risk: &mut [f64], part: &mut Partial| {
                    if !counting {
                        chunk_means(data, chunk, risk, means, part);
                    }
                    let first = chunk.rows.start;
                    for g in chunk.groups.clone() {
                        let group = data.groups[g];
                        let parts = [
                            (group.start()..group.death_start(), after[g]),
                            (group.death_start()..group.end(), own[g]),
                        ];
                        for (rows, cum) in parts {
                            let r = &mut risk[rows.start - first..rows.end - first];
                            if counting {
                                for (r, start) in r.iter_mut().zip(&entry[rows]) {
                                    *r *= cum - start;
                                }
                            } else {
                                r.iter_mut().for_each(|r| *r *= cum);
                            }
                        }
                    }
                    let out = Squares {
                        matrix: &mut part.info,
                        score: Some(&mut part.score[..]),
                    };
                    add_squares(
                        data,
                        sparse,
                        chunk.rows.clone(),
                        risk,
                        &mut part.scaled,
                        out,
                    );
                };
            if fused {
                let acc1 = &mut self.acc1;
                let mut stratum = usize::MAX;
                for (((chunk, means), risk), part) in items.iter_mut().rev() {
                    if chunk.stratum != stratum {
                        stratum = chunk.stratum;
                        acc1.fill(0.0);
                    }
                    part.enter1.copy_from_slice(acc1);
                    squares(chunk, means, risk, part);
                    axpy(1.0, &part.own1, acc1);
                }
            } else {
                parallel::map_items(items, threads, |(((chunk, means), risk), part)| {
                    squares(chunk, means, risk, part);
                });
            }
        }
    }

    /// Counting-process data, one stratum from its last time down (serial: rows leave the
    /// risk set at their start time, across any chunk): the risk-set sums, the terms of `ℓ`
    /// and `U`, the hazard increments, and the mean vectors (into the `Σ W m m'` product).
    fn counting_backward_sweep(&mut self, data: &Prepared, ties: Ties, groups: Range<usize>) {
        let acc = &mut self.serial;
        let mut s0 = 0.0;
        acc.s1.fill(0.0);
        let mut departures = Departures::new(data.stratum_rows(&StratumSpan {
            groups: groups.clone(),
        }));
        for g in groups.rev() {
            let group = data.groups[g];
            departures.advance(data, &group, |leaving| match leaving {
                None => {
                    s0 = 0.0;
                    acc.s1.fill(0.0);
                }
                Some(k) => {
                    let r = self.risk[k];
                    s0 -= r;
                    axpy(-r, data.row(k), &mut acc.s1);
                }
            });
            let censored = group.start()..group.death_start();
            let risk = &mut self.risk[censored.clone()];
            add_rows(data, censored.clone(), risk, None, &mut s0);
            let p = data.p;
            for (&r, x) in risk
                .iter()
                .zip(data.z[censored.start * p..censored.end * p].chunks_exact(p))
            {
                axpy(r, x, &mut acc.s1);
            }
            let (mut hazard, mut own) = (0.0, 0.0);
            let nd = group.n_deaths();
            if nd > 0 {
                let deaths = group.death_start()..group.end();
                let risk = &mut self.risk[deaths.clone()];
                let (d0, wd) = death_sums(data, deaths, risk, None, &mut acc.d1, false);
                let mean;
                (hazard, own, mean) = group_terms(ties, nd, s0, d0, wd, &mut acc.loglik);
                acc.push_group_means(mean);
                axpy(1.0, &acc.d1, &mut acc.s1);
                s0 += d0;
            }
            self.hazard_step[g] = hazard;
            self.death_step[g] = own;
        }
    }

    /// Counting data: for each row of the stratum, the cumulative hazard increments of the
    /// death times `<=` its start (subtracted in pass 3), recorded when the forward sweep's
    /// [`Arrivals`] hands the row over (the first tie group after its start).
    fn entry_hazards(&mut self, data: &Prepared, groups: Range<usize>) {
        let rows = data.stratum_rows(&StratumSpan {
            groups: groups.clone(),
        });
        let mut arrivals = Arrivals::new(data, rows);
        let entry = &mut self.entry_hazard;
        let mut cum = 0.0;
        for g in groups {
            arrivals.advance(data.time[data.groups[g].start()], |k| entry[k] = cum);
            cum += self.hazard_step[g];
        }
        // rows starting at or after the stratum's last time (none: each starts before its stop)
        arrivals.advance(f64::INFINITY, |k| entry[k] = cum);
    }
}

/// `r_k = w_k·e^{η_k}`, `η_k = offset_k + x_k'β`, of the sorted `rows` (`β` empty: `β = 0`).
#[inline(always)]
fn risk_scores(data: &Prepared, rows: Range<usize>, risk: &mut [f64], beta: &RowVector) {
    // without offsets (all zero) the same values without reading them
    let offset = data.has_offsets.then(|| &data.offset[rows.clone()]);
    if beta.len() == 0 {
        match offset {
            Some(offset) => risk.copy_from_slice(offset),
            None => risk.fill(0.0),
        }
    } else {
        let p = data.p;
        shifted_row_dots(&data.z[rows.start * p..rows.end * p], beta, offset, risk);
    }
    exp_in_place(risk);
    if let Some(weights) = data.weight.stored() {
        for (r, w) in risk.iter_mut().zip(&weights[rows]) {
            *r *= w;
        }
    }
}

/// `out = Σ r·x` over the sorted `rows` (from zero; `risk` holds their `r`).
#[inline(always)]
fn row_sums(data: &Prepared, rows: Range<usize>, risk: &[f64], out: &mut [f64]) {
    let p = data.p;
    out.fill(0.0);
    add_weighted_rows(&data.z[rows.start * p..rows.end * p], risk, out);
}

/// Adds `Σ r·x` over a tie group's censored `rows` to `part.own1` (`risk` holds their `r`):
/// in the grouped form formed from zero by the vector kernel ([`row_sums`], into `part.c1`)
/// and then added; otherwise (tie groups of a few rows, where a kernel call per group costs
/// more than it saves) row by row. Pass 1 and the sweeps call it alike, so they find the same
/// sums.
#[inline(always)]
fn add_censored_sums(
    data: &Prepared,
    rows: Range<usize>,
    risk: &[f64],
    part: &mut Partial,
    grouped: bool,
) {
    if grouped {
        row_sums(data, rows, risk, &mut part.c1);
        axpy(1.0, &part.c1, &mut part.own1);
    } else {
        let p = data.p;
        for (&r, x) in risk
            .iter()
            .zip(data.z[rows.start * p..rows.end * p].chunks_exact(p))
        {
            axpy(r, x, &mut part.own1);
        }
    }
}

/// `d1 = Σ r·x` over a tie group's deaths `rows` (from zero; by the kernel in the grouped
/// form, row by row otherwise, as [`add_censored_sums`]).
#[inline(always)]
fn death_row_sums(
    data: &Prepared,
    rows: Range<usize>,
    risk: &[f64],
    d1: &mut [f64],
    grouped: bool,
) {
    if grouped {
        row_sums(data, rows, risk, d1);
    } else {
        let p = data.p;
        d1.fill(0.0);
        for (&r, x) in risk
            .iter()
            .zip(data.z[rows.start * p..rows.end * p].chunks_exact(p))
        {
            axpy(r, x, d1);
        }
    }
}

/// Adds `rows` to the sum `s0 = Σ r` (a lane sum of the range); `risk` holds their `r`
/// (computed and stored first when `beta` is given).
#[inline(always)]
fn add_rows(
    data: &Prepared,
    rows: Range<usize>,
    risk: &mut [f64],
    beta: Option<&RowVector>,
    s0: &mut f64,
) {
    if let Some(beta) = beta {
        risk_scores(data, rows.clone(), risk, beta);
    }
    *s0 += crate::numeric::lane_sum(risk, None, |r| r);
}

/// The sums of a tie group's deaths `rows`: `d1 = Σ r·x` ([`death_row_sums`]); returns
/// `(Σ r, Σ w)`.
#[inline(always)]
fn death_sums(
    data: &Prepared,
    rows: Range<usize>,
    risk: &mut [f64],
    beta: Option<&RowVector>,
    d1: &mut [f64],
    grouped: bool,
) -> (f64, f64) {
    let wd = data.weight.range(rows.clone()).sum();
    let mut d0 = 0.0;
    add_rows(data, rows.clone(), risk, beta, &mut d0);
    death_row_sums(data, rows, risk, d1, grouped);
    (d0, wd)
}

/// Right-censored data, pass 1: `r` of the chunk's rows and their sums (`part.own0`,
/// `part.own1`), in the order of [`chunk_hazards`] and [`chunk_means`], or of
/// [`grouped_sweep`] (which then find the same sums). A row's `r` does not depend on the
/// rows computed with it ([`risk_scores`]), so the chunk's are computed at once.
fn chunk_own_sums(
    data: &Prepared,
    chunk: &Chunk,
    risk: &mut [f64],
    beta: &RowVector,
    part: &mut Partial,
    grouped: bool,
) {
    part.own0 = 0.0;
    part.own1.fill(0.0);
    let first = chunk.rows.start;
    risk_scores(data, chunk.rows.clone(), risk, beta);
    for g in chunk.groups.clone().rev() {
        let group = data.groups[g];
        let censored = group.start()..group.death_start();
        let r = &mut risk[censored.start - first..censored.end - first];
        add_rows(data, censored.clone(), r, None, &mut part.own0);
        add_censored_sums(data, censored, r, part, grouped);
        if group.n_deaths() > 0 {
            let deaths = group.death_start()..group.end();
            let r = &mut risk[deaths.start - first..deaths.end - first];
            let (d0, _) = death_sums(data, deaths, r, None, &mut part.d1, grouped);
            part.own0 += d0;
            axpy(1.0, &part.d1, &mut part.own1);
        }
    }
}

/// One chunk's outputs of the scalar backward sweep, per tie group.
struct Steps<'a> {
    hazard: &'a mut [f64],
    own: &'a mut [f64],
    means: &'a mut [MeanRows],
}

/// Right-censored data, pass 2: one chunk's scalar backward sweep, entering with the weight
/// at risk `part.enter0` of the later chunks of its stratum: `ℓ`, the hazard steps and the
/// mean-row coefficients of each tie group; `r` is computed on the way when `beta` is given
/// (one thread: the only pass over the covariates before pass 3), else read from `risk`
/// (pass 1). Leaves the chunk's `Σ r` in `part.own0`.
fn chunk_hazards(
    data: &Prepared,
    ties: Ties,
    chunk: &Chunk,
    risk: &mut [f64],
    beta: Option<&RowVector>,
    steps: Steps<'_>,
    part: &mut Partial,
) {
    let first_group = chunk.groups.start;
    let first = chunk.rows.start;
    let mut own0 = 0.0;
    // the chunk's r at once, as pass 1 ([`chunk_own_sums`])
    if let Some(beta) = beta {
        risk_scores(data, chunk.rows.clone(), risk, beta);
    }
    for g in chunk.groups.clone().rev() {
        let group = data.groups[g];
        let censored = group.start()..group.death_start();
        let r = &mut risk[censored.start - first..censored.end - first];
        add_rows(data, censored, r, None, &mut own0);
        let nd = group.n_deaths();
        let (mut h, mut o, mut mean) = (0.0, 0.0, MeanRows::None);
        if nd > 0 {
            let deaths = group.death_start()..group.end();
            let wd = data.weight.range(deaths.clone()).sum();
            let r = &mut risk[deaths.start - first..deaths.end - first];
            let mut d0 = 0.0;
            add_rows(data, deaths, r, None, &mut d0);
            let s0 = part.enter0 + own0;
            (h, o, mean) = group_terms(ties, nd, s0, d0, wd, &mut part.loglik);
            own0 += d0;
        }
        let at = g - first_group;
        steps.hazard[at] = h;
        steps.own[at] = o;
        steps.means[at] = mean;
    }
    part.own0 = own0;
}

/// Right-censored data, grouped form: one chunk's backward sweep, tie group by tie group from
/// its last, entering with the sums `part.enter0 = Σ r` and `part.enter1 = Σ r·x` of the
/// later chunks of its stratum; `r` is computed on the way when `beta` is given (one thread:
/// the only pass over the covariates), else read from `risk` (pass 1). Per group: the sums of
/// its censored rows and of its deaths (in the order of [`chunk_own_sums`], which then finds
/// the same `part.own0`, `part.own1`), its terms of `ℓ`, the hazard steps `h` (rows at risk
/// beyond the deaths) and `o` (the deaths, Efron), the mean rows of `Σ W m m'`, and
///
/// ```text
/// score −= h·S1 + o·D1          info += h·S2 + o·D2
/// ```
///
/// with `S1`, `S2` the `Σ r·x`, `Σ r x x'` of the rows at risk beyond the deaths (`S2` of
/// this chunk's rows only: `part.own2`; the later chunks' part is `Σ h` = `part.hazard_sum`
/// times their `S2`, added by [`RiskPass::grouped_sweeps`]) and `D1`, `D2` those of the
/// deaths. This is R's `coxfit6` accumulation (`I += h·S2` per death time) by blocks of rows:
/// an evaluation reads the covariates once, at the cost of a few `p × p` updates per tie group.
fn grouped_sweep(
    data: &Prepared,
    ties: Ties,
    sparse: &Sparse,
    chunk: &Chunk,
    risk: &mut [f64],
    beta: Option<&RowVector>,
    part: &mut Partial,
) {
    let first = chunk.rows.start;
    part.own0 = 0.0;
    part.own1.fill(0.0);
    part.own2.fill(0.0);
    part.hazard_sum = 0.0;
    for g in chunk.groups.clone().rev() {
        let group = data.groups[g];
        let censored = group.start()..group.death_start();
        let r = &mut risk[censored.start - first..censored.end - first];
        let into = (&mut part.c1[..], &mut part.own2, &mut part.scaled[..]);
        part.own0 += grouped_range(data, sparse, censored, r, beta, into);
        axpy(1.0, &part.c1, &mut part.own1);
        let nd = group.n_deaths();
        if nd == 0 {
            continue;
        }
        let deaths = group.death_start()..group.end();
        let r = &mut risk[deaths.start - first..deaths.end - first];
        let wd = data.weight.range(deaths.clone()).sum();
        // Breslow or one death (o = h): the deaths join S2 at once
        let pooled = ties == Ties::Breslow || nd == 1;
        if !pooled {
            part.d2.fill(0.0);
        }
        let matrix = if pooled { &mut part.own2 } else { &mut part.d2 };
        let into = (&mut part.d1[..], matrix, &mut part.scaled[..]);
        let d0 = grouped_range(data, sparse, deaths, r, beta, into);
        let s0 = part.enter0 + part.own0;
        let (h, o, mean) = group_terms(ties, nd, s0, d0, wd, &mut part.loglik);
        part.own0 += d0;
        for ((s, e), own) in part.s1.iter_mut().zip(&part.enter1).zip(&part.own1) {
            *s = e + own;
        }
        part.push_group_means(mean);
        axpy(-h, &part.s1, &mut part.score);
        axpy(-o, &part.d1, &mut part.score);
        axpy(1.0, &part.d1, &mut part.own1);
        axpy(h, part.own2.as_slice(), part.info.as_mut_slice());
        if !pooled {
            axpy(o, part.d2.as_slice(), part.info.as_mut_slice());
            part.own2 += &part.d2;
        }
        part.hazard_sum += h;
    }
    part.flush_means();
}

/// One range of a tie group in the grouped form (its censored rows or its deaths), block by
/// block of [`BLOCK_ROWS`] rows while they are in cache: `r` (when `beta` is given), their
/// `Σ r·x` into `sums` (from zero) and their `Σ r x x'` added to `matrix` (`scaled`: the Gram
/// kernel's buffer); returns their `Σ r` (a lane sum of the range). The kernels sum block
/// by block of the same rows themselves, so these are the numbers of [`row_sums`] and
/// [`add_squares`] on the whole range: pass 1 ([`chunk_own_sums`]) finds the same sums.
#[inline(always)]
fn grouped_range(
    data: &Prepared,
    sparse: &Sparse,
    rows: Range<usize>,
    risk: &mut [f64],
    beta: Option<&RowVector>,
    into: (&mut [f64], &mut DMatrix<f64>, &mut [f64]),
) -> f64 {
    let (sums, matrix, scaled) = into;
    let p = data.p;
    sums.fill(0.0);
    let mut start = rows.start;
    while start < rows.end {
        let end = (start + BLOCK_ROWS).min(rows.end);
        let r = &mut risk[start - rows.start..end - rows.start];
        if let Some(beta) = beta {
            risk_scores(data, start..end, r, beta);
        }
        add_weighted_rows(&data.z[start * p..end * p], r, sums);
        let out = Squares {
            matrix: &mut *matrix,
            score: None,
        };
        add_squares(data, sparse, start..end, r, scaled, out);
        start = end;
    }
    crate::numeric::lane_sum(risk, None, |r| r)
}

/// Right-censored data, pass 3 (before `r` becomes `c`): one chunk's mean rows of `Σ W m m'`
/// from the sums `S1` of the rows at risk, entering with `part.enter1` of the later chunks of
/// its stratum and adding the chunk's rows tie group by tie group from its last, in the
/// order of [`chunk_own_sums`] (so `part.own1` ends as the same sum).
fn chunk_means(
    data: &Prepared,
    chunk: &Chunk,
    risk: &[f64],
    means: &[MeanRows],
    part: &mut Partial,
) {
    let first_group = chunk.groups.start;
    let first = chunk.rows.start;
    part.own1.fill(0.0);
    for g in chunk.groups.clone().rev() {
        let group = data.groups[g];
        let censored = group.start()..group.death_start();
        let r = &risk[censored.start - first..censored.end - first];
        add_censored_sums(data, censored, r, part, false);
        if group.n_deaths() > 0 {
            let deaths = group.death_start()..group.end();
            let r = &risk[deaths.start - first..deaths.end - first];
            death_row_sums(data, deaths, r, &mut part.d1, false);
            for ((s, e), o) in part.s1.iter_mut().zip(&part.enter1).zip(&part.own1) {
                *s = e + o;
            }
            part.push_group_means(means[g - first_group]);
            axpy(1.0, &part.d1, &mut part.own1);
        }
    }
    part.flush_means();
}

#[cfg(test)]
mod tests {
    use crate::{CoxPh, Design, Result, SurvivalData, Ties};

    /// A deterministic stream of uniforms on [0, 1) (64-bit LCG, top 53 bits).
    fn uniforms(mut state: u64) -> impl FnMut() -> f64 {
        move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// Several chunks (n > 2 · CHUNK_ROWS) with ties, strata, weights and counting data: the
    /// fit is bit-identical for 1, 2 and 3 threads.
    #[test]
    fn fits_do_not_depend_on_the_thread_count() -> Result<()> {
        let n = 3 * super::CHUNK_ROWS + 123;
        let mut next = uniforms(7);
        let time: Vec<f64> = (0..n).map(|_| (next() * 60.0).ceil()).collect();
        let status: Vec<f64> = (0..n).map(|_| f64::from(u8::from(next() < 0.7))).collect();
        let strata: Vec<usize> = (0..n).map(|i| i % 3).collect();
        let weights: Vec<f64> = (0..n).map(|_| 1.0 + (next() * 3.0).floor()).collect();
        let start: Vec<f64> = time.iter().map(|t| (t * next()).floor() - 1.0).collect();
        let x = Design::from_columns((0..6).map(|j| {
            let col: Vec<f64> = (0..n)
                .map(|_| {
                    if j < 3 {
                        next() - 0.5
                    } else {
                        f64::from(u8::from(next() < 0.2))
                    }
                })
                .collect();
            (format!("x{j}"), col)
        }))?;
        let plain = SurvivalData::from_status(time.clone(), &status)?;
        let stratified = plain.clone().with_strata(&strata)?.with_weights(weights)?;
        // few ties: the c-form of the right-censored pass (the others take the grouped form)
        let untied: Vec<f64> = time.iter().map(|t| t - next()).collect();
        let continuous = SurvivalData::from_status(untied, &status)?;
        let counting = SurvivalData::counting(
            start,
            time.clone(),
            status.iter().map(|&s| s > 0.5).collect(),
        )?;
        for data in [&plain, &stratified, &continuous, &counting] {
            for ties in [Ties::Efron, Ties::Breslow] {
                let fit = |threads| CoxPh::new().ties(ties).threads(threads).fit(data, &x);
                let one = fit(1)?;
                for threads in [2, 3] {
                    let other = fit(threads)?;
                    assert_eq!(one.loglik().to_bits(), other.loglik().to_bits());
                    let bits = |f: &crate::CoxFit| -> Vec<u64> {
                        f.coefficients()
                            .iter()
                            .chain(f.variance().iter())
                            .map(|v| v.to_bits())
                            .collect()
                    };
                    assert_eq!(bits(&one), bits(&other));
                    assert_eq!(
                        one.concordance().estimate().to_bits(),
                        other.concordance().estimate().to_bits()
                    );
                    assert_eq!(
                        one.concordance().std_error().to_bits(),
                        other.concordance().std_error().to_bits()
                    );
                }
            }
        }
        Ok(())
    }

    /// Efron's `Σ_k wt·ln(s0 + (k/d)·d0)` in products of four is the sum of the logarithms
    /// (to rounding), for risk sets of ordinary size, near the ends of the doubles (where the
    /// products would leave them and each logarithm is taken alone) and for any number of
    /// deaths.
    #[test]
    fn efron_logarithms_in_products_of_four_are_the_sum_of_logarithms() {
        for (s0, d0) in [
            (3.5, 2.25),
            (1e-300, 3e-301),
            (1e300, 2e299),
            (1e70, 1e80),
            (0.0, 5.0),
        ] {
            for nd in [2, 3, 4, 5, 9, 100] {
                let wd = 1.5 * nd as f64;
                let mut loglik = 0.0;
                super::group_terms(Ties::Efron, nd, s0, d0, wd, &mut loglik);
                let wt = wd / nd as f64;
                let direct: f64 = (1..=nd)
                    .map(|k| -wt * (s0 + k as f64 / nd as f64 * d0).ln())
                    .sum();
                let tol = 1e-14 * direct.abs().max(1.0);
                assert!(
                    (loglik - direct).abs() <= tol,
                    "{s0} {d0} {nd}: {loglik} vs {direct}"
                );
            }
        }
    }

    /// The grouped form and the c-form of the right-censored pass give the same ℓ, U and I
    /// (to rounding), with and without strata, weights and offsets, with sparse columns
    /// (p = 11: 8 dense, 3 rare indicators), and each the same numbers for 1 and 3 threads.
    #[test]
    fn grouped_and_per_row_forms_agree() -> Result<()> {
        use super::super::prepare::Prepared;
        use super::RiskPass;
        let n = 2 * super::CHUNK_ROWS + 77;
        let mut next = uniforms(11);
        let time: Vec<f64> = (0..n).map(|_| (next() * 40.0).ceil()).collect();
        let status: Vec<f64> = (0..n).map(|_| f64::from(u8::from(next() < 0.6))).collect();
        let strata: Vec<usize> = (0..n).map(|i| i % 2).collect();
        let weights: Vec<f64> = (0..n).map(|_| 0.5 + next()).collect();
        let offset: Vec<f64> = (0..n).map(|_| 0.3 * next()).collect();
        let x = Design::from_columns((0..11).map(|j| {
            let col: Vec<f64> = (0..n)
                .map(|_| match j {
                    0..=3 => next() - 0.5,
                    4..=7 => f64::from(u8::from(next() < 0.3)),
                    // rare indicators: sparse columns
                    _ => f64::from(u8::from(next() < 0.02)),
                })
                .collect();
            (format!("x{j}"), col)
        }))?;
        let plain = SurvivalData::from_status(time, &status)?;
        let full = plain
            .clone()
            .with_strata(&strata)?
            .with_weights(weights)?
            .with_offsets(offset)?;
        let beta = [0.3, -0.2, 0.1, 0.05, -0.4, 0.2, 0.1, 0.0, 0.25, -0.3, 0.15];
        for data in [&plain, &full] {
            let prepared = Prepared::new(data, &x, true)?;
            assert_eq!(
                prepared.sparse.len(),
                3,
                "the rare indicators are sparse columns"
            );
            let scaled: Vec<f64> = beta
                .iter()
                .zip(&prepared.scales)
                .map(|(b, s)| b / s)
                .collect();
            for ties in [Ties::Efron, Ties::Breslow] {
                let mut results = Vec::new();
                for grouped in [true, false] {
                    let mut one = RiskPass::with_form(&prepared, 1, grouped);
                    let mut three = RiskPass::with_form(&prepared, 3, grouped);
                    let l1 = one.evaluate(&prepared, ties, &scaled);
                    let l3 = three.evaluate(&prepared, ties, &scaled);
                    assert_eq!(l1.to_bits(), l3.to_bits());
                    assert_eq!(one.score, three.score);
                    assert_eq!(one.information, three.information);
                    results.push((l1, one.score, one.information));
                }
                let (g, c) = (&results[0], &results[1]);
                let close = |a: f64, b: f64, scale: f64| (a - b).abs() <= 1e-11 * scale;
                assert!(close(g.0, c.0, c.0.abs()), "{ties:?}: ℓ {} vs {}", g.0, c.0);
                let u_scale = c.1.iter().fold(1.0f64, |m, u| m.max(u.abs()));
                for (a, b) in g.1.iter().zip(&c.1) {
                    assert!(close(*a, *b, u_scale), "{ties:?}: U {a} vs {b}");
                }
                let i_scale = c.2.iter().fold(1.0f64, |m, v| m.max(v.abs()));
                for (a, b) in g.2.iter().zip(&c.2) {
                    assert!(close(*a, *b, i_scale), "{ties:?}: I {a} vs {b}");
                }
            }
        }
        Ok(())
    }

    /// Rare indicator columns (the sparse path of `Σ c x x'`), before and after the dense
    /// ones, p = 11: the fit is bit-identical for 1, 2 and 3 threads, and equals the fit with
    /// every indicator doubled (centred as an ordinary column, so the plain product): the
    /// same ℓ, β_j/2 and the variance times 1/4 per doubled column, to rounding.
    #[test]
    fn sparse_indicator_columns_match_the_plain_product() -> Result<()> {
        let n = 2 * super::CHUNK_ROWS + 77;
        let mut next = uniforms(5);
        let time: Vec<f64> = (0..n).map(|_| (next() * 40.0).ceil()).collect();
        let status: Vec<f64> = (0..n).map(|_| f64::from(u8::from(next() < 0.6))).collect();
        let strata: Vec<usize> = (0..n).map(|i| i % 2).collect();
        let weights: Vec<f64> = (0..n).map(|_| 1.0 + (next() * 2.0).floor()).collect();
        // 8 continuous columns and 3 indicators of 2-6 % (one of them -1/0)
        let continuous: Vec<Vec<f64>> = (0..8)
            .map(|_| (0..n).map(|_| next() - 0.5).collect())
            .collect();
        let rare: Vec<Vec<f64>> = [(0.02, 1.0), (0.04, -1.0), (0.06, 1.0)]
            .iter()
            .map(|&(share, v)| {
                (0..n)
                    .map(|_| if next() < share { v } else { 0.0 })
                    .collect()
            })
            .collect();
        let plain = SurvivalData::from_status(time, &status)?;
        let weighted = plain.clone().with_strata(&strata)?.with_weights(weights)?;
        for rare_first in [false, true] {
            let design = |scale: f64| -> Result<Design> {
                let rare = rare.iter().map(|c| c.iter().map(|v| v * scale).collect());
                let columns: Vec<Vec<f64>> = if rare_first {
                    rare.chain(continuous.iter().cloned()).collect()
                } else {
                    continuous.iter().cloned().chain(rare).collect()
                };
                Design::from_columns(
                    columns
                        .into_iter()
                        .enumerate()
                        .map(|(j, c)| (format!("x{j}"), c)),
                )
            };
            let (x, doubled) = (design(1.0)?, design(2.0)?);
            let is_rare = |j: usize| if rare_first { j < 3 } else { j >= 8 };
            for data in [&plain, &weighted] {
                for ties in [Ties::Efron, Ties::Breslow] {
                    let fit =
                        |x: &Design, threads| CoxPh::new().ties(ties).threads(threads).fit(data, x);
                    let one = fit(&x, 1)?;
                    for threads in [2, 3] {
                        let other = fit(&x, threads)?;
                        assert_eq!(one.loglik().to_bits(), other.loglik().to_bits());
                        for (a, b) in one.variance().iter().zip(other.variance().iter()) {
                            assert_eq!(a.to_bits(), b.to_bits());
                        }
                    }
                    let two = fit(&doubled, 1)?;
                    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs());
                    assert!(close(one.loglik(), two.loglik()));
                    let p = x.ncols();
                    let f = |j: usize| if is_rare(j) { 2.0 } else { 1.0 };
                    for i in 0..p {
                        let (b1, b2) = (one.coefficients()[i], two.coefficients()[i]);
                        assert!(close(b1, b2 * f(i)), "beta {i}: {b1} vs {b2}");
                        for j in 0..p {
                            let (v1, v2) = (one.variance()[(i, j)], two.variance()[(i, j)]);
                            assert!(close(v1, v2 * f(i) * f(j)), "var {i},{j}: {v1} vs {v2}");
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The entry hazards recorded through the shared `Arrivals` cursor are, bit for bit, those
    /// of the forward walk over `by_start` it replaced, on counting data with starts tied to
    /// each other and to event times, starts before every event, strata and weights.
    #[test]
    fn entry_hazards_match_the_walk_over_starts() -> Result<()> {
        use super::super::prepare::Prepared;
        let n = 400;
        let mut next = uniforms(11);
        let time: Vec<f64> = (0..n).map(|_| 1.0 + (next() * 30.0).floor()).collect();
        // whole-number starts: many equal to each other and to other rows' event times
        let start: Vec<f64> = time.iter().map(|t| ((t - 1.0) * next()).floor()).collect();
        let event: Vec<bool> = (0..n).map(|_| next() < 0.6).collect();
        let strata: Vec<usize> = (0..n).map(|i| i % 3).collect();
        let weights: Vec<f64> = (0..n).map(|_| 1.0 + (next() * 3.0).floor()).collect();
        let x = Design::from_columns([("x", (0..n).map(|_| next() - 0.5).collect::<Vec<_>>())])?;
        let data = SurvivalData::counting(start, time, event)?
            .with_strata(&strata)?
            .with_weights(weights)?;
        let prepared = Prepared::new(&data, &x, true)?;
        let mut pass = super::RiskPass::new(&prepared, 1);
        // hazard increments with rounding in every partial sum
        for h in &mut pass.hazard_step {
            *h = next() / 3.0;
        }
        let counting = prepared.counting.as_ref().expect("counting data");
        let mut want = vec![f64::NAN; prepared.n];
        pass.entry_hazard.fill(f64::NAN);
        for stratum in &prepared.strata {
            pass.entry_hazards(&prepared, stratum.groups.clone());
            // the loop entry_hazards had before the shared cursor
            let rows = prepared.stratum_rows(stratum);
            let mut pending = counting.by_start[rows].iter().rev().peekable();
            let mut cum = 0.0;
            for g in stratum.groups.clone() {
                let t = prepared.time[prepared.groups[g].start()];
                while let Some(&&k) = pending.peek() {
                    if counting.start[k] >= t {
                        break;
                    }
                    want[k] = cum;
                    pending.next();
                }
                cum += pass.hazard_step[g];
            }
            for &k in pending {
                want[k] = cum;
            }
        }
        assert!(want.iter().all(|v| v.is_finite()));
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&pass.entry_hazard), bits(&want));
        Ok(())
    }
}
