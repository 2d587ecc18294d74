//! Robust (sandwich) variance of the Cox model (algorithms.md §2.7; R's `robust = TRUE` and
//! `cluster()`), from score residuals computed in O(n·p) by cumulative sums.
//!
//! ```text
//! score residual of row i (Efron-consistent; Breslow: one step per death time):
//!   L_i = δ_i (x_i - x̄_avg(t_i)) - e^{η_i} Σ_{steps s with i at risk} f_is · dΛ_s · (x_i - x̄_s)
//!   (f_is = 1, or the Efron fraction k/d for a death in its own tie group)
//! dfbeta_i = w_i · L_i V,  D_c = Σ_{i in cluster c} dfbeta_i,  V_robust = Σ_c D_c D_c'
//! robust score test: S_c = Σ_{i in c} w_i L_i(η = 0 or X·init), u = Σ_c S_c, χ² = u'(S'S)⁻¹u
//! ```
//!
//! Counting-process data: the sums run over the death times in `(start_i, stop_i]` only
//! (risk-set sums with removals; cumulative sums taken at the stop minus at the start).

use super::Ties;
use super::prepare::Prepared;
use super::sweep;
use crate::linalg::Ldl;
use crate::survival::risk_set::Arrivals;

/// Score residuals `L_i` (row-major `n × p`, sorted order, the centred and scaled
/// coordinates of `data`) at linear predictor `eta` (sorted order, offsets included).
pub(super) fn score_residuals(data: &Prepared, ties: Ties, eta: &[f64]) -> Vec<f64> {
    let (n, p) = (data.n, data.p);
    let exp_eta: Vec<f64> = eta.iter().map(|e| e.exp()).collect();
    let risk: Vec<f64> = exp_eta
        .iter()
        .zip(data.weight.range(0..n))
        .map(|(e, w)| e * w)
        .collect();
    let groups = data.groups.len();
    // per tie group: hazard of the rows at risk beyond the deaths (h) and of the deaths
    // themselves (hd), the matching Σ dΛ·x̄ vectors and the deaths' average mean x̄_avg
    let mut h = vec![0.0; groups];
    let mut hd = vec![0.0; groups];
    let mut mx = vec![0.0; groups * p];
    let mut md = vec![0.0; groups * p];
    let mut xavg = vec![0.0; groups * p];
    sweep::for_each_death_group(data, &risk, |sums| {
        let g = sums.group;
        let steps = if ties == Ties::Breslow || sums.n_deaths == 1 {
            1
        } else {
            sums.n_deaths
        };
        let wt = sums.death_weight / steps as f64;
        let (mut sa, mut sb, mut gaa, mut gab, mut gbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for k in 1..=steps {
            let frac = k as f64 / steps as f64;
            let den = sums.s0 + frac * sums.d0;
            let (a, b) = (1.0 / den, frac / den);
            sa += a;
            sb += b;
            gaa += a * a;
            gab += a * b;
            gbb += b * b;
        }
        // (Breslow: one step with all deaths in, so b = a.)
        h[g] = wt * sa;
        hd[g] = wt * sb;
        let range = g * p..(g + 1) * p;
        for ((s, d), ((m_x, m_d), xa)) in sums.s1.iter().zip(sums.d1).zip(
            mx[range.clone()]
                .iter_mut()
                .zip(md[range.clone()].iter_mut())
                .zip(xavg[range].iter_mut()),
        ) {
            *m_x = wt * (gaa * s + gab * d);
            *m_d = wt * (gab * s + gbb * d);
            *xa = (sa * s + sb * d) / steps as f64;
        }
    });

    let mut resid = vec![0.0; n * p];
    let mut cum_m = vec![0.0; p];
    // counting data: cumulative hazard and Σ dΛ·x̄ up to each row's start time
    let counting = data.counting.as_ref();
    let (mut entry_h, mut entry_m) = match counting {
        Some(_) => (vec![0.0; n], vec![0.0; n * p]),
        None => (Vec::new(), Vec::new()),
    };
    for stratum in &data.strata {
        let mut cum_h = 0.0;
        cum_m.fill(0.0);
        let rows = data.stratum_rows(stratum);
        let mut arrivals = Arrivals::new(data, rows);
        for g in stratum.groups.clone() {
            let group = data.groups[g];
            let range = g * p..(g + 1) * p;
            arrivals.advance(data.time[group.start()], |k| {
                entry_h[k] = cum_h;
                entry_m[k * p..(k + 1) * p].copy_from_slice(&cum_m);
            });
            for k in group.start()..group.end() {
                let death = k >= group.death_start();
                let (hh, mm) = if death {
                    (cum_h + hd[g], &md[range.clone()])
                } else {
                    (cum_h + h[g], &mx[range.clone()])
                };
                let e = exp_eta[k];
                let (h0, m0) = match counting {
                    Some(_) => (entry_h[k], &entry_m[k * p..(k + 1) * p]),
                    None => (0.0, &cum_m[..0]),
                };
                let row = &mut resid[k * p..(k + 1) * p];
                for (j, (out, x)) in row.iter_mut().zip(data.row(k)).enumerate() {
                    let own = if death { x - xavg[g * p + j] } else { 0.0 };
                    let m_entry = m0.get(j).copied().unwrap_or(0.0);
                    *out = own - e * (x * (hh - h0) - (cum_m[j] + mm[j] - m_entry));
                }
            }
            cum_h += h[g];
            for (c, m) in cum_m.iter_mut().zip(&mx[range]) {
                *c += m;
            }
        }
    }
    resid
}

/// Sums weighted rows `w_i · v_i` (row-major `n × p`, sorted order) within clusters
/// (`cluster[i]` for the original row `order[k]`; each row alone without clusters).
pub(super) fn cluster_sums(
    data: &Prepared,
    rows: &[f64],
    cluster: Option<&[usize]>,
    n_clusters: usize,
) -> Vec<f64> {
    let p = data.p;
    match cluster {
        None => {
            let mut out = rows.to_vec();
            for (k, row) in out.chunks_exact_mut(p).enumerate() {
                for v in row {
                    *v *= data.weight[k];
                }
            }
            out
        }
        Some(c) => {
            let mut out = vec![0.0; n_clusters * p];
            for (k, row) in rows.chunks_exact(p).enumerate() {
                let id = c[data.order[k] as usize];
                for (o, v) in out[id * p..(id + 1) * p].iter_mut().zip(row) {
                    *o += data.weight[k] * v;
                }
            }
            out
        }
    }
}

/// `Σ_c s_c s_c'` (row-major `p × p`) of cluster rows.
pub(super) fn cross_product(rows: &[f64], p: usize) -> Vec<f64> {
    let mut out = vec![0.0; p * p];
    for row in rows.chunks_exact(p) {
        for i in 0..p {
            for j in 0..p {
                out[i * p + j] += row[i] * row[j];
            }
        }
    }
    out
}

/// `u'A⁻¹u` with R's LDL′ solve (`coxph.wtest`), `u` the column sums of `rows`.
pub(super) fn quadratic_test(rows: &[f64], p: usize, toler: f64) -> f64 {
    let a = cross_product(rows, p);
    let mut u = vec![0.0; p];
    for row in rows.chunks_exact(p) {
        for (s, v) in u.iter_mut().zip(row) {
            *s += v;
        }
    }
    let mut sol = u.clone();
    let mut ldl = Ldl::new(p);
    ldl.factor(&a, toler);
    ldl.solve(&mut sol);
    u.iter().zip(&sol).map(|(a, b)| a * b).sum()
}
