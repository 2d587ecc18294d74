//! Building the model frame of a formula (R's `model.frame` + `model.matrix`) against the Cox
//! fit it feeds, at n = 1e6: `Surv(time, status) ~ age + sex + factor(ecog) + strata(inst)`
//! with a text factor, a numeric factor, 20 strata and 1 % missing cells.
//!
//! ```text
//! cargo bench --bench frame
//! ```
//! The issue's budget: the frame costs at most 10 % of the fit (BENCHMARKS.md).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use oncostat::CoxPh;
use oncostat::frame::{Column, Formula, ModelFrame, Table};

/// SplitMix64: a tiny deterministic generator (no `rand` dependency).
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

fn cohort(n: usize) -> Table {
    let mut rng = SplitMix(20261201);
    let mut time = Vec::with_capacity(n);
    let mut status = Vec::with_capacity(n);
    let mut age = Vec::with_capacity(n);
    let mut sex = Vec::with_capacity(n);
    let mut ecog = Vec::with_capacity(n);
    let mut inst = Vec::with_capacity(n);
    for _ in 0..n {
        let a = 40.0 + 40.0 * rng.uniform();
        let male = rng.uniform() < 0.6;
        let e = (rng.uniform() * 4.0).floor();
        let risk = (0.02 * (a - 60.0) + if male { 0.3 } else { 0.0 } + 0.2 * e).exp();
        let t = (-rng.uniform().ln() / risk * 365.0).ceil();
        let c = 730.0 * rng.uniform();
        time.push(t.min(c.ceil()));
        status.push(if t <= c { 1.0 } else { 0.0 });
        age.push(if rng.uniform() < 0.01 {
            f64::NAN
        } else {
            a.round()
        });
        sex.push(Some(if male { "male" } else { "female" }));
        ecog.push(e);
        inst.push((rng.uniform() * 20.0).floor() + 1.0);
    }
    Table::from_columns([
        ("time", Column::Number(time)),
        ("status", Column::Number(status)),
        ("age", Column::Number(age)),
        ("sex", Column::text(sex)),
        ("ecog", Column::Number(ecog)),
        ("inst", Column::Number(inst)),
    ])
    .expect("cohort")
}

/// CPU time of this thread in seconds (Linux `schedstat`), so that the ratio is not the
/// load of other processes on a shared machine.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns * 1e-9)
}

/// Median CPU seconds of `reps` runs of `f`.
fn cpu_median(reps: usize, mut f: impl FnMut()) -> Option<f64> {
    let mut t = Vec::with_capacity(reps);
    for _ in 0..reps {
        let a = cpu_seconds()?;
        f();
        t.push(cpu_seconds()? - a);
    }
    t.sort_by(f64::total_cmp);
    t.get(reps / 2).copied()
}

fn bench(c: &mut Criterion) {
    let n = 1_000_000;
    let table = cohort(n);
    let formula = Formula::parse("Surv(time, status) ~ age + sex + factor(ecog) + strata(inst)")
        .expect("formula");
    let (_, data, x) = ModelFrame::survival(&formula, &table).expect("frame");
    let frame_cpu = cpu_median(5, || {
        black_box(ModelFrame::survival(&formula, &table).expect("frame"));
    });
    let fit_cpu = cpu_median(5, || {
        black_box(CoxPh::new().fit(&data, &x).expect("fit"));
    });
    if let (Some(a), Some(b)) = (frame_cpu, fit_cpu) {
        println!(
            "CPU time (median of 5): model frame {:.1} ms, Cox fit {:.1} ms, frame/fit = {:.1} %",
            a * 1e3,
            b * 1e3,
            100.0 * a / b
        );
    }
    let mut group = c.benchmark_group("frame_vs_cox");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("model_frame/n=1000000", |b| {
        b.iter(|| black_box(ModelFrame::survival(&formula, &table).expect("frame")))
    });
    group.bench_function("cox_fit/n=1000000", |b| {
        b.iter(|| black_box(CoxPh::new().fit(&data, &x).expect("fit")))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
