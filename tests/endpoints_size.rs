//! With no true effect of response on survival, the landmark and time-dependent analyses keep
//! their size while the naive "responders vs non-responders" comparison does not
//! (guarantee-time bias). Seeded simulation; generous bounds.

use oncostat::endpoints::{Landmark, TdcSplit};
use oncostat::{CoxPh, LogRank, SurvivalData};

/// SplitMix64: a small, seedable, portable generator (test-only).
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform on (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn exponential(&mut self, rate: f64) -> f64 {
        -self.uniform().ln() / rate
    }
}

struct Cohort {
    time: Vec<f64>,
    event: Vec<bool>,
    response: Vec<Option<f64>>,
}

/// Survival independent of response: death ~ Exp(1/365), censoring ~ U(200, 900); half the
/// patients would respond at a time ~ Exp(1/90), seen only while alive and followed.
fn cohort(rng: &mut Rng, n: usize) -> Cohort {
    let mut c = Cohort {
        time: Vec::with_capacity(n),
        event: Vec::with_capacity(n),
        response: Vec::with_capacity(n),
    };
    for _ in 0..n {
        let death = rng.exponential(1.0 / 365.0);
        let censor = 200.0 + 700.0 * rng.uniform();
        let responder = rng.uniform() < 0.5;
        let onset = rng.exponential(1.0 / 90.0);
        let time = death.min(censor).max(0.5);
        c.time.push(time);
        c.event.push(death <= censor);
        c.response
            .push((responder && onset < time).then_some(onset));
    }
    c
}

#[test]
fn landmark_and_time_dependent_analyses_keep_their_size() {
    let mut rng = Rng(20_260_412);
    let cohorts = 200;
    let (mut naive, mut landmark, mut mantel_byar) = (0, 0, 0);
    for _ in 0..cohorts {
        let c = cohort(&mut rng, 150);
        // naive: responders (ever) vs non-responders from time 0
        let data = SurvivalData::new(c.time.clone(), c.event.clone()).unwrap();
        let ever: Vec<u8> = c.response.iter().map(|r| u8::from(r.is_some())).collect();
        if LogRank::new().test(&data, &ever).unwrap().p_value() < 0.05 {
            naive += 1;
        }
        // landmark at 90 days: log-rank of response-by-90 among those followed beyond 90
        let lm = Landmark::new(90.0, &c.time, &c.event, &c.response).unwrap();
        if lm.log_rank(&LogRank::new()).unwrap().p_value() < 0.05 {
            landmark += 1;
        }
        // time-dependent covariate: the Mantel-Byar (score) test
        let split = TdcSplit::new(&c.time, &c.event, &c.response).unwrap();
        let fit = split.cox("response", None, &CoxPh::new()).unwrap();
        if fit.score_test().p_value() < 0.05 {
            mantel_byar += 1;
        }
    }
    let rate = |k: usize| k as f64 / cohorts as f64;
    println!(
        "rejection at 5%: naive {:.3}, landmark {:.3}, Mantel-Byar {:.3}",
        rate(naive),
        rate(landmark),
        rate(mantel_byar)
    );
    // Nominal 0.05; with 200 cohorts the standard error is 0.015: 0.10 is > 3 se above.
    assert!(rate(landmark) <= 0.10, "landmark size {}", rate(landmark));
    assert!(
        rate(mantel_byar) <= 0.10,
        "Mantel-Byar size {}",
        rate(mantel_byar)
    );
    // ... and the naive comparison is badly biased.
    assert!(rate(naive) >= 0.30, "naive rejection {}", rate(naive));
}
