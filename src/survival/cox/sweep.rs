//! The backward risk-set sweep shared by the passes that need only first moments (score
//! residuals / robust variance, martingale and Schoenfeld residuals).

use super::prepare::{Departures, Prepared};

/// Weighted risk-set sums at one tie group that has deaths.
#[derive(Debug)]
pub(super) struct GroupSums<'a> {
    /// Index of the tie group in `Prepared::groups`.
    pub group: usize,
    /// Number of deaths in the group.
    pub n_deaths: usize,
    /// Σ r over the rows at risk beyond the group's deaths (r = w·e^η).
    pub s0: f64,
    /// Σ r·x over the same rows.
    pub s1: &'a [f64],
    /// Σ r over the deaths.
    pub d0: f64,
    /// Σ r·x over the deaths.
    pub d1: &'a [f64],
    /// Σ w over the deaths.
    pub death_weight: f64,
}

/// Visits every tie group with deaths, from the last time backwards within each stratum,
/// with the sums of the rows at risk: censored rows at the group's time are at risk, and
/// counting-process rows leave the risk set at their start time (R's `agreg`). `risk` holds
/// `w·e^η` per sorted row. After the visit the deaths join the risk set.
pub(super) fn for_each_death_group(
    data: &Prepared,
    risk: &[f64],
    mut visit: impl FnMut(GroupSums<'_>),
) {
    let p = data.p;
    let mut s1 = vec![0.0; p];
    let mut d1 = vec![0.0; p];
    for stratum in &data.strata {
        let mut s0 = 0.0;
        s1.fill(0.0);
        let mut departures = Departures::new(data.stratum_rows(stratum));
        for g in stratum.groups.clone().rev() {
            let group = data.groups[g];
            departures.advance(data, &group, |leaving| match leaving {
                None => {
                    s0 = 0.0;
                    s1.fill(0.0);
                }
                Some(k) => {
                    s0 -= risk[k];
                    for (s, x) in s1.iter_mut().zip(data.row(k)) {
                        *s -= risk[k] * x;
                    }
                }
            });
            let censored = group.start()..group.death_start();
            for (k, &r) in censored.clone().zip(&risk[censored]) {
                s0 += r;
                for (s, x) in s1.iter_mut().zip(data.row(k)) {
                    *s += r * x;
                }
            }
            let n_deaths = group.n_deaths();
            if n_deaths == 0 {
                continue;
            }
            let (mut d0, mut death_weight) = (0.0, 0.0);
            d1.fill(0.0);
            let deaths = group.death_start()..group.end();
            for ((k, &r), w) in deaths
                .clone()
                .zip(&risk[deaths.clone()])
                .zip(data.weight.range(deaths))
            {
                d0 += r;
                death_weight += w;
                for (d, x) in d1.iter_mut().zip(data.row(k)) {
                    *d += r * x;
                }
            }
            visit(GroupSums {
                group: g,
                n_deaths,
                s0,
                s1: &s1,
                d0,
                d1: &d1,
                death_weight,
            });
            s0 += d0;
            for (s, d) in s1.iter_mut().zip(&d1) {
                *s += d;
            }
        }
    }
}
