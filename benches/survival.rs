//! Survival benchmarks (criterion). Run: `cargo bench --bench survival`.
//!
//! Kaplan–Meier and log-rank at n ∈ {1e3, 1e5, 1e6} on deterministic data: two arms with
//! exponential survival (hazard ratio 0.7), administrative censoring, times in whole days.
//! With `ONCOSTAT_BENCH_CSV=<dir>` the data sets are also written as `<dir>/surv_<n>.csv`
//! (columns time, status, arm) for timing R on the same data (see BENCHMARKS.md).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use oncostat::{KaplanMeier, LogRank, SurvivalData};

/// xorshift64* uniform in (0, 1).
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
        ((x >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

/// n rows of (time in days, event, arm 0/1).
fn cohort(n: usize) -> (Vec<f64>, Vec<bool>, Vec<u8>) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ n as u64);
    let mut time = Vec::with_capacity(n);
    let mut event = Vec::with_capacity(n);
    let mut arm = Vec::with_capacity(n);
    for i in 0..n {
        let a = (i % 2) as u8;
        let hazard = if a == 0 { 1.0 / 365.0 } else { 0.7 / 365.0 };
        let t = (-rng.uniform().ln() / hazard).ceil();
        let c = (rng.uniform() * 1500.0).ceil();
        time.push(t.min(c));
        event.push(t <= c);
        arm.push(a);
    }
    (time, event, arm)
}

fn write_csv(n: usize, time: &[f64], event: &[bool], arm: &[u8]) {
    let Ok(dir) = std::env::var("ONCOSTAT_BENCH_CSV") else {
        return;
    };
    let mut out = String::from("time,status,arm\n");
    for ((t, e), a) in time.iter().zip(event).zip(arm) {
        out.push_str(&format!("{t},{},{a}\n", u8::from(*e)));
    }
    let path = std::path::Path::new(&dir).join(format!("surv_{n}.csv"));
    std::fs::write(&path, out).expect("write benchmark CSV");
}

fn km_logrank(c: &mut Criterion) {
    let mut km_group = c.benchmark_group("kaplan_meier");
    km_group.sample_size(10);
    let sizes = [1_000usize, 100_000, 1_000_000];
    let sets: Vec<_> = sizes
        .iter()
        .map(|&n| {
            let (time, event, arm) = cohort(n);
            write_csv(n, &time, &event, &arm);
            let data = SurvivalData::new(time, event).expect("valid data");
            (n, data, arm)
        })
        .collect();
    for (n, data, arm) in &sets {
        km_group.throughput(Throughput::Elements(*n as u64));
        km_group.bench_with_input(BenchmarkId::new("pooled", n), data, |b, d| {
            b.iter(|| KaplanMeier::new().fit(black_box(d)).expect("fit"))
        });
        km_group.bench_with_input(BenchmarkId::new("by_arm", n), data, |b, d| {
            b.iter(|| {
                KaplanMeier::new()
                    .fit_groups(black_box(d), black_box(arm))
                    .expect("fit")
            })
        });
    }
    km_group.finish();

    let mut lr_group = c.benchmark_group("log_rank");
    lr_group.sample_size(10);
    for (n, data, arm) in &sets {
        lr_group.throughput(Throughput::Elements(*n as u64));
        lr_group.bench_with_input(BenchmarkId::new("rho0", n), data, |b, d| {
            b.iter(|| {
                LogRank::new()
                    .test(black_box(d), black_box(arm))
                    .expect("test")
            })
        });
    }
    lr_group.finish();
}

criterion_group!(benches, km_logrank);
criterion_main!(benches);
