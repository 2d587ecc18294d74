//! Competing-risks benchmarks (criterion). Run: `cargo bench --bench competing`.
//!
//! * n = 1e6: Aalen–Johansen CIF (pooled and by arm) and Gray's test against a Kaplan–Meier
//!   fit of the same rows (the yardstick: within 2× of KM);
//! * n = 1e4 and 1e5, p = 5: the Fine–Gray fit (coefficients and crr's sandwich variance).
//!
//! Deterministic data: two arms, exponential cause-1 and cause-2 hazards, uniform censoring,
//! times in whole days. With `ONCOSTAT_BENCH_CSV=<dir>` the data sets are also written as
//! `<dir>/cr_<n>.csv` (columns time, status, arm, x1..x5) for timing R on the same rows
//! (`benches/competing_vs_r.R`, BENCHMARKS.md).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use oncostat::{AalenJohansen, CompetingRisksData, Design, FineGray, GrayTest, KaplanMeier};

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

/// n rows: time (days), status (0, 1, 2), arm, five covariates.
struct Cohort {
    time: Vec<f64>,
    status: Vec<f64>,
    arm: Vec<u8>,
    x: Vec<Vec<f64>>,
}

fn cohort(n: usize) -> Cohort {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ n as u64);
    let mut c = Cohort {
        time: Vec::with_capacity(n),
        status: Vec::with_capacity(n),
        arm: Vec::with_capacity(n),
        x: (0..5).map(|_| Vec::with_capacity(n)).collect(),
    };
    for i in 0..n {
        let a = (i % 2) as u8;
        let xs: Vec<f64> = (0..5).map(|_| rng.uniform() * 2.0 - 1.0).collect();
        let lp = 0.5 * xs[0] - 0.3 * xs[1] + 0.2 * xs[2] + if a == 1 { -0.3 } else { 0.0 };
        let t1 = (-rng.uniform().ln() / (lp.exp() / 730.0)).ceil();
        let t2 = (-rng.uniform().ln() / (1.0 / 1095.0)).ceil();
        let cens = (rng.uniform() * 1500.0).ceil();
        let t = t1.min(t2).min(cens);
        c.time.push(t);
        c.status.push(if cens < t1.min(t2) {
            0.0
        } else if t1 <= t2 {
            1.0
        } else {
            2.0
        });
        c.arm.push(a);
        for (col, v) in c.x.iter_mut().zip(xs) {
            col.push(v);
        }
    }
    c
}

fn write_csv(n: usize, c: &Cohort) {
    let Ok(dir) = std::env::var("ONCOSTAT_BENCH_CSV") else {
        return;
    };
    let mut out = String::from("time,status,arm,x1,x2,x3,x4,x5\n");
    for i in 0..n {
        out.push_str(&format!("{},{},{}", c.time[i], c.status[i], c.arm[i]));
        for col in &c.x {
            out.push_str(&format!(",{:.17e}", col[i]));
        }
        out.push('\n');
    }
    let path = std::path::Path::new(&dir).join(format!("cr_{n}.csv"));
    std::fs::write(&path, out).expect("write benchmark CSV");
}

fn cif_gray(c: &mut Criterion) {
    let n = 1_000_000;
    let co = cohort(n);
    write_csv(n, &co);
    let data = CompetingRisksData::new(co.time.clone(), &co.status).expect("data");
    let mut g = c.benchmark_group("competing_1e6");
    g.sample_size(10);
    g.bench_function("km_pooled", |b| {
        b.iter(|| {
            KaplanMeier::new()
                .fit(black_box(data.any_event()))
                .expect("km")
        })
    });
    g.bench_function("km_by_arm", |b| {
        b.iter(|| {
            KaplanMeier::new()
                .fit_groups(black_box(data.any_event()), &co.arm)
                .expect("km")
        })
    });
    g.bench_function("cif_pooled", |b| {
        b.iter(|| AalenJohansen::new().fit(black_box(&data)).expect("cif"))
    });
    g.bench_function("cif_by_arm", |b| {
        b.iter(|| {
            AalenJohansen::new()
                .fit_groups(black_box(&data), &co.arm)
                .expect("cif")
        })
    });
    g.bench_function("gray_by_arm", |b| {
        b.iter(|| {
            GrayTest::new()
                .test(black_box(&data), &co.arm)
                .expect("gray")
        })
    });
    g.finish();
}

fn fine_gray(c: &mut Criterion) {
    let mut g = c.benchmark_group("finegray_p5");
    g.sample_size(10);
    for n in [10_000usize, 100_000] {
        let co = cohort(n);
        write_csv(n, &co);
        let data = CompetingRisksData::new(co.time.clone(), &co.status).expect("data");
        let x = Design::from_columns((0..5).map(|j| (format!("x{}", j + 1), co.x[j].clone())))
            .expect("design");
        g.bench_function(format!("n{n}"), |b| {
            b.iter(|| FineGray::new(1).fit(black_box(&data), &x).expect("crr"))
        });
    }
    g.finish();
}

criterion_group!(benches, cif_gray, fine_gray);
criterion_main!(benches);
