//! Known-answer tests of the `reproduce_cohort` example's generators (xoshiro256** seeded by
//! splitmix64) against outputs of the authors' reference implementations, so that a
//! `--seed` keeps producing the same cohorts. The example's own unit tests (moments,
//! reproducibility) run here too.

mod common;

#[allow(dead_code)] // the example's draws that these tests do not call
#[path = "../examples/reproduce_cohort/rng.rs"]
mod rng;

/// A list of 64-bit integers stored as decimal strings.
fn u64s(v: &serde_json::Value, what: &str) -> Vec<u64> {
    v.as_array()
        .unwrap_or_else(|| panic!("{what}: not an array"))
        .iter()
        .map(|x| {
            x.as_str()
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| panic!("{what}: `{x}` is not a u64 string"))
        })
        .collect()
}

#[test]
fn xoshiro256starstar_matches_the_reference_implementation() {
    let kat = common::json("rng_known_answers.json");
    let state = u64s(&kat["xoshiro256starstar"]["state"], "state");
    let expected = u64s(&kat["xoshiro256starstar"]["outputs"], "outputs");
    assert_eq!(expected.len(), 10);
    let mut g = rng::Rng::from_state([state[0], state[1], state[2], state[3]]);
    for (i, &e) in expected.iter().enumerate() {
        assert_eq!(g.next_u64(), e, "xoshiro256** output {i}");
    }
}

#[test]
fn splitmix64_matches_the_reference_implementation() {
    let kat = common::json("rng_known_answers.json");
    let mut state: u64 = kat["splitmix64"]["seed"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("seed");
    let expected = u64s(&kat["splitmix64"]["outputs"], "outputs");
    assert_eq!(expected.len(), 50);
    for (i, &e) in expected.iter().enumerate() {
        assert_eq!(rng::splitmix64(&mut state), e, "splitmix64 output {i}");
    }
}

#[test]
fn seeding_is_splitmix64_expanding_the_seed() {
    // Rng::new(seed) = xoshiro256** with the state of four splitmix64 steps from `seed`
    let kat = common::json("rng_known_answers.json");
    let seed: u64 = kat["splitmix64"]["seed"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("seed");
    let sm = u64s(&kat["splitmix64"]["outputs"], "outputs");
    let mut a = rng::Rng::new(seed);
    let mut b = rng::Rng::from_state([sm[0], sm[1], sm[2], sm[3]]);
    for _ in 0..20 {
        assert_eq!(a.next_u64(), b.next_u64());
    }
}
