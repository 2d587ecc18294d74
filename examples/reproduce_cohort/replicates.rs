//! `--replicates R`: R independent simulated cohorts, analysed in parallel, summarised per
//! finding (mean estimate, coverage of the true value, power).
//!
//! Replicate `i` uses the seed `rng::replicate_seed(seed, i)` (replicate 0 is the cohort of the
//! single run), so the summary does not depend on the number of threads. The work is split
//! over `threads` scoped threads, replicate `i` on thread `i mod threads`, and the results are
//! summed in replicate order.

use crate::analysis::{CohortAnalysis, Comparison, Ratio, analyze};
use crate::model::Model;
use crate::rng::replicate_seed;
use crate::simulate::simulate;

/// Summary of a ratio finding over replicates.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RatioSummary {
    /// Replicates with a finite estimate and CI.
    pub n: usize,
    /// Geometric mean of the estimates.
    pub mean_estimate: f64,
    /// Share of 95% CIs containing the true value.
    pub coverage: f64,
    /// Share with p < 0.05 in the paper's direction (either direction when the truth is 1).
    pub power: f64,
    /// Arithmetic mean of the standard errors of the log ratio.
    pub mean_se: f64,
    /// Mean CI asymmetry `ln(upper / estimate) / ln(estimate / lower)` (1 = symmetric on the
    /// log scale; > 1 = the upper arm is longer).
    pub mean_asymmetry: f64,
    /// Share with p < 0.01 in the paper's direction.
    pub power_01: f64,
}

impl RatioSummary {
    /// The summary of one ratio finding over the replicates against the true value `truth`.
    pub fn of(ratios: impl Iterator<Item = Ratio>, truth: f64) -> Self {
        let (mut n, mut log_sum, mut covered) = (0usize, 0.0, 0usize);
        let (mut significant, mut significant_01) = (0usize, 0usize);
        let (mut se_sum, mut asym_sum) = (0.0, 0.0);
        for r in ratios {
            if !(r.estimate.is_finite()
                && r.lower.is_finite()
                && r.upper.is_finite()
                && r.se.is_finite())
            {
                continue;
            }
            n += 1;
            log_sum += r.estimate.ln();
            se_sum += r.se;
            asym_sum += ci_asymmetry(r.estimate, r.lower, r.upper);
            covered += usize::from(r.lower <= truth && truth <= r.upper);
            let direction = if truth > 1.0 {
                r.estimate > 1.0
            } else if truth < 1.0 {
                r.estimate < 1.0
            } else {
                true
            };
            significant += usize::from(r.p < 0.05 && direction);
            significant_01 += usize::from(r.p < 0.01 && direction);
        }
        if n == 0 {
            return RatioSummary::default();
        }
        RatioSummary {
            n,
            mean_estimate: (log_sum / n as f64).exp(),
            coverage: covered as f64 / n as f64,
            power: significant as f64 / n as f64,
            mean_se: se_sum / n as f64,
            mean_asymmetry: asym_sum / n as f64,
            power_01: significant_01 as f64 / n as f64,
        }
    }
}

/// Summary of a two-group survival comparison over replicates.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ComparisonSummary {
    /// Replicates analysed.
    pub n: usize,
    /// Mean median of group a over replicates where it was reached.
    pub mean_median_a: f64,
    /// Mean median of group b over replicates where it was reached.
    pub mean_median_b: f64,
    /// Share with log-rank p < 0.05 and median a > median b (never reached counts as larger).
    pub power: f64,
    /// The same with p < 0.01 (the paper reports "p < 0.01" for OS and PFS by AB).
    pub power_01: f64,
}

impl ComparisonSummary {
    /// The summary of one comparison over the replicates.
    fn of<'a>(comparisons: impl Iterator<Item = &'a Comparison>) -> Self {
        let (mut n, mut sum_a, mut n_a, mut sum_b, mut n_b, mut significant) =
            (0, 0.0, 0, 0.0, 0, 0);
        let mut significant_01 = 0;
        for c in comparisons {
            n += 1;
            if let Some(m) = c.median_a {
                sum_a += m;
                n_a += 1;
            }
            if let Some(m) = c.median_b {
                sum_b += m;
                n_b += 1;
            }
            let a_longer = match (c.median_a, c.median_b) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(x), Some(y)) => x > y,
            };
            significant += usize::from(c.p < 0.05 && a_longer);
            significant_01 += usize::from(c.p < 0.01 && a_longer);
        }
        if n == 0 {
            return ComparisonSummary::default();
        }
        let mean = |sum: f64, k: usize| if k > 0 { sum / k as f64 } else { f64::NAN };
        ComparisonSummary {
            n,
            mean_median_a: mean(sum_a, n_a),
            mean_median_b: mean(sum_b, n_b),
            power: significant as f64 / n as f64,
            power_01: significant_01 as f64 / n as f64,
        }
    }
}

/// The replicate summary of every finding.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// Replicates requested.
    pub requested: usize,
    /// Replicates whose analysis failed (any crate error); excluded from every summary.
    pub failed: usize,
    /// Replicates in which some patient's derived AB differed from the latent class.
    pub misclassified_cohorts: usize,
    /// Mean AB rate.
    pub ab_rate_mean: f64,
    /// Replicates with an AB rate.
    pub ab_rate_n: usize,
    /// OS by AB, PFS by AB, OS by fractionation.
    pub comparisons: [ComparisonSummary; 3],
    /// OR age, OR interval, OR dose, OR volume, HR BMI, HR CRP.
    pub ratios: [RatioSummary; 6],
    /// Share of cohorts with p < 0.05 for OS by AB: naive, landmark, time-dependent.
    pub guarantee_rejection: [f64; 3],
    /// Share of cohorts with p < 0.05 for PFS by AB under RECIST 1.1 (AB longer).
    pub pfs_recist_power: f64,
    /// Mean RECIST 1.1 median PFS (AB, no AB) where reached.
    pub pfs_recist_medians: (f64, f64),
    /// Mean number of patients in the Firth model and in the landmark analysis.
    pub n_logistic_mean: f64,
    /// Mean number of patients in the landmark analysis.
    pub landmark_n_mean: f64,
    /// Cox HRs of BMI >= 25 and CRP >= 5 in the model with BMI and CRP only, against their
    /// own (marginal) true values.
    pub marginal: [RatioSummary; 2],
    /// Those true values (`Model::marginal_truth`).
    pub marginal_truth: [f64; 2],
    /// Mean number of patients in the (complete-case) Cox model.
    pub cox_n_mean: f64,
    /// Mean number of deaths in the Cox model.
    pub cox_events_mean: f64,
    /// Wall-clock seconds of the replicate loop.
    pub seconds: f64,
}

/// Runs `replicates` cohorts of `n` patients on `threads` threads.
pub fn run(model: &Model, n: usize, seed: u64, replicates: usize, threads: usize) -> Summary {
    run_with(model, n, seed, replicates, threads, true)
}

/// Cohort sizes of the power curve (`--power-curve`).
pub const POWER_N: [usize; 6] = [60, 100, 142, 200, 300, 400];

/// The power curve: `replicates` cohorts at each size of `POWER_N` (seeds derived from
/// `seed` and the size, so every size has its own independent cohorts).
pub fn power_curve(
    model: &Model,
    seed: u64,
    replicates: usize,
    threads: usize,
) -> Vec<(usize, Summary)> {
    POWER_N
        .iter()
        .map(|&n| {
            let seed = replicate_seed(seed ^ 0x0050_5745_5200_0000, n as u64);
            (n, run_with(model, n, seed, replicates, threads, false))
        })
        .collect()
}

/// As [`run`]; `marginal` also computes the marginal estimand's true values.
fn run_with(
    model: &Model,
    n: usize,
    seed: u64,
    replicates: usize,
    threads: usize,
    marginal: bool,
) -> Summary {
    let start = std::time::Instant::now();
    let threads = threads.clamp(1, replicates.max(1));
    let mut slots: Vec<Option<CohortAnalysis>> = vec![None; replicates];
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    (t..replicates)
                        .step_by(threads)
                        .map(|i| (i, one(model, n, replicate_seed(seed, i as u64))))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            // A panicking worker would be a bug; its replicates then count as failed.
            if let Ok(results) = h.join() {
                for (i, r) in results {
                    slots[i] = r;
                }
            }
        }
    });
    let truth = if marginal {
        model.marginal_truth().ok()
    } else {
        None
    };
    let mut summary = summarise(&slots, &TRUE_RATIOS, truth);
    summary.seconds = start.elapsed().as_secs_f64();
    summary
}

/// Simulates and analyses one cohort; `None` if the analysis failed.
pub fn one(model: &Model, n: usize, seed: u64) -> Option<CohortAnalysis> {
    let (cohort, records) = simulate(model, n, seed);
    analyze(&cohort.patients, &records, false).ok()
}

/// The generative (true) values of the six ratio findings, in `Summary::ratios` order.
pub const TRUE_RATIOS: [f64; 6] = [
    crate::model::OR_AGE,
    crate::model::OR_INTERVAL,
    crate::model::OR_DOSE,
    crate::model::OR_VOLUME,
    crate::model::HR_BMI25,
    crate::model::HR_CRP5,
];

/// The six ratio findings of one analysis, in `Summary::ratios` order.
pub fn ratios(a: &CohortAnalysis) -> [Ratio; 6] {
    [
        a.or_age,
        a.or_interval,
        a.or_dose,
        a.or_volume,
        a.hr_bmi25,
        a.hr_crp5,
    ]
}

/// The three comparisons of one analysis, in `Summary::comparisons` order.
pub fn comparisons(a: &CohortAnalysis) -> [&Comparison; 3] {
    [&a.os_by_ab, &a.pfs_by_ab, &a.os_by_fractionation]
}

/// The asymmetry of a ratio's CI on the log scale: `ln(upper / estimate) / ln(estimate /
/// lower)` (1 for a Wald CI).
pub fn ci_asymmetry(estimate: f64, lower: f64, upper: f64) -> f64 {
    (upper / estimate).ln() / (estimate / lower).ln()
}

fn summarise(
    slots: &[Option<CohortAnalysis>],
    truth: &[f64; 6],
    marginal_truth: Option<[f64; 2]>,
) -> Summary {
    let done: Vec<&CohortAnalysis> = slots.iter().flatten().collect();
    let mut s = Summary {
        requested: slots.len(),
        failed: slots.len() - done.len(),
        misclassified_cohorts: done.iter().filter(|a| a.misclassified > 0).count(),
        ab_rate_n: done.len(),
        ..Summary::default()
    };
    if !done.is_empty() {
        let mean = |f: fn(&CohortAnalysis) -> f64| {
            done.iter().map(|a| f(a)).sum::<f64>() / done.len() as f64
        };
        s.ab_rate_mean = mean(|a| a.ab_rate);
        s.cox_n_mean = mean(|a| a.cox_n as f64);
        s.cox_events_mean = mean(|a| a.cox_events as f64);
        s.n_logistic_mean = mean(|a| a.n_logistic as f64);
        s.landmark_n_mean = mean(|a| a.guarantee.landmark_n as f64);
        let share = |f: fn(&CohortAnalysis) -> bool| {
            done.iter().filter(|a| f(a)).count() as f64 / done.len() as f64
        };
        s.guarantee_rejection = [
            share(|a| a.guarantee.naive_p < 0.05),
            share(|a| a.guarantee.landmark_p < 0.05),
            share(|a| a.guarantee.td_p < 0.05),
        ];
        let c = ComparisonSummary::of(done.iter().map(|a| &a.pfs_recist_by_ab));
        s.pfs_recist_power = c.power;
        s.pfs_recist_medians = (c.mean_median_a, c.mean_median_b);
    }
    for (k, slot) in s.ratios.iter_mut().enumerate() {
        *slot = RatioSummary::of(done.iter().map(|a| ratios(a)[k]), truth[k]);
    }
    if let Some(truth) = marginal_truth {
        s.marginal_truth = truth;
        for (k, slot) in s.marginal.iter_mut().enumerate() {
            *slot = RatioSummary::of(done.iter().map(|a| a.hr_marginal[k]), truth[k]);
        }
    }
    for (k, slot) in s.comparisons.iter_mut().enumerate() {
        *slot = ComparisonSummary::of(done.iter().map(|a| comparisons(a)[k]));
    }
    s
}
