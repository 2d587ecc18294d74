//! Per-patient endpoint derivation: one test per row of the FDA censoring table for
//! progression-free survival (FDA, "Clinical Trial Endpoints for the Approval of Cancer Drugs
//! and Biologics", 2018, Table of PFS censoring conventions) and per iRECIST progression-date
//! rule (Seymour 2017; admiralonco's operational rules), each with the guideline's reasoning.

use oncostat::endpoints::{
    Criteria, EndpointRules, MissedAssessments, PatientDates, PatientEndpoints, PfsReason,
    UnconfirmedProgression,
};
use oncostat::irecist::{IrecistRules, LesionRow, PatientTimeline, assess, timelines_from_records};

/// One target lesion (liver) measured at each `(day, mm)`; `new` adds a new lung lesion
/// `(day, measure)` rows.
fn timeline(visits: &[(&str, &str)], new: &[(&str, &str)]) -> PatientTimeline {
    let mut rows = Vec::new();
    for (day, mm) in visits {
        rows.push(
            LesionRow {
                patient: "P1",
                lesion: "T1",
                day,
                organ: "liver",
                kind: "target",
                node: "false",
                irradiated: "false",
                measure: mm,
                ..LesionRow::default()
            }
            .parse()
            .unwrap(),
        );
    }
    for (day, m) in new {
        rows.push(
            LesionRow {
                patient: "P1",
                lesion: "N1",
                day,
                organ: "lung",
                kind: "new",
                node: "false",
                irradiated: "false",
                measure: m,
                ..LesionRow::default()
            }
            .parse()
            .unwrap(),
        );
    }
    timelines_from_records(&rows).unwrap().remove(0)
}

fn derive_with(
    t: &PatientTimeline,
    dates: PatientDates,
    rules: &EndpointRules,
    irecist: &IrecistRules,
) -> PatientEndpoints {
    let a = assess(t, irecist).unwrap();
    PatientEndpoints::derive(&a, Some(t), &dates, rules).unwrap()
}

fn derive(t: &PatientTimeline, dates: PatientDates, rules: &EndpointRules) -> PatientEndpoints {
    derive_with(t, dates, rules, &IrecistRules::default())
}

fn recist() -> EndpointRules {
    EndpointRules::new().criteria(Criteria::Recist)
}

fn assert_pfs(e: &PatientEndpoints, time: f64, event: bool, reason: PfsReason) {
    let got = (e.pfs().time, e.pfs().event, e.pfs_reason());
    assert!(
        (got.0 - time).abs() < 1e-12 && got.1 == event && got.2 == reason,
        "PFS {got:?}, expected ({time}, {event}, {reason:?})"
    );
}

// ------------------------------------------------------------------ FDA censoring table

#[test]
fn fda_documented_progression_is_the_event_at_the_assessment() {
    // FDA: "progression documented between scheduled visits: event at the date of documented
    // progression". RECIST 1.1: 100 -> 60 (PR) -> 130 mm (PD vs nadir 60) at day 112.
    let t = timeline(&[("0", "100"), ("56", "60"), ("112", "130")], &[]);
    let e = derive(&t, PatientDates::new(300.0), &recist());
    assert_pfs(&e, 112.0, true, PfsReason::Progression);
    assert_eq!(e.bor(), "PR");
}

#[test]
fn fda_no_progression_censors_at_the_last_adequate_assessment() {
    // FDA: "no progression: censored at the date of the last radiological assessment". An NE
    // visit documents nothing, so the censoring is at the last evaluable one (day 56).
    let t = timeline(&[("0", "100"), ("56", "90"), ("112", "NE")], &[]);
    let e = derive(&t, PatientDates::new(400.0), &recist());
    assert_pfs(&e, 56.0, false, PfsReason::CensoredLastAssessment);
}

#[test]
fn fda_no_post_baseline_assessment_censors_at_day_0() {
    // FDA: "no baseline or no post-baseline tumour assessment (and no death): censored at the
    // date of randomisation".
    let t = timeline(&[("0", "100")], &[]);
    let e = derive(&t, PatientDates::new(90.0), &recist());
    assert_pfs(&e, 0.0, false, PfsReason::CensoredNoAssessment);
    // only NE after baseline: still no adequate assessment
    let t = timeline(&[("0", "100"), ("56", "NE")], &[]);
    let e = derive(&t, PatientDates::new(90.0), &recist());
    assert_pfs(&e, 0.0, false, PfsReason::CensoredNoAssessment);
}

#[test]
fn fda_death_before_the_first_assessment_is_an_event() {
    // FDA: "death before first PD assessment: event at the date of death" (within the
    // missed-assessment window: 30 days < 2 x 56 after baseline).
    let t = timeline(&[("0", "100")], &[]);
    let e = derive(&t, PatientDates::new(30.0).death(30.0), &recist());
    assert_pfs(&e, 30.0, true, PfsReason::Death);
}

#[test]
fn fda_death_between_adequate_assessments_is_an_event() {
    // FDA: "death between adequate assessment visits: event at the date of death".
    let t = timeline(&[("0", "100"), ("56", "90"), ("112", "88")], &[]);
    let e = derive(&t, PatientDates::new(150.0).death(150.0), &recist());
    assert_pfs(&e, 150.0, true, PfsReason::Death);
}

#[test]
fn fda_death_after_two_or_more_missed_assessments_is_censored() {
    // FDA: "death or progression after more than one missed visit: censored at the date of the
    // last radiological assessment documenting no progression". Last adequate assessment day
    // 56; scheduled every 56 days, the visits of days 112 and 168 were missed, death at 200.
    let t = timeline(&[("0", "100"), ("56", "90")], &[]);
    let e = derive(&t, PatientDates::new(200.0).death(200.0), &recist());
    assert_pfs(&e, 56.0, false, PfsReason::CensoredMissedAssessments);
    // At day 168 only the day-112 visit was missed (168 is the next scheduled day): an event.
    let e = derive(&t, PatientDates::new(168.0).death(168.0), &recist());
    assert_pfs(&e, 168.0, true, PfsReason::Death);
    // The window follows the interval setting: 200 - 56 <= 2 x 84.
    let e = derive(
        &t,
        PatientDates::new(200.0).death(200.0),
        &recist().interval_days(84.0),
    );
    assert_pfs(&e, 200.0, true, PfsReason::Death);
}

#[test]
fn fda_progression_after_missed_assessments_is_a_setting() {
    // The FDA table also censors a progression after missed visits; the default (the command
    // line contract) applies the rule to deaths only.
    let t = timeline(&[("0", "100"), ("56", "90"), ("250", "130")], &[]);
    let e = derive(&t, PatientDates::new(300.0), &recist());
    assert_pfs(&e, 250.0, true, PfsReason::Progression);
    let rules = recist().missed_applies_to(MissedAssessments::DeathOrProgression);
    let e = derive(&t, PatientDates::new(300.0), &rules);
    assert_pfs(&e, 56.0, false, PfsReason::CensoredMissedAssessments);
}

#[test]
fn fda_new_therapy_before_progression_censors_at_the_last_assessment_before_it() {
    // FDA: "new anticancer treatment started before progression: censored at the date of the
    // last radiological assessment prior to the new treatment". SD at 56 and 112, new therapy
    // at day 130, PD at 168: censored at 112.
    let t = timeline(
        &[("0", "100"), ("56", "90"), ("112", "92"), ("168", "130")],
        &[],
    );
    let e = derive(&t, PatientDates::new(300.0).new_therapy(130.0), &recist());
    assert_pfs(&e, 112.0, false, PfsReason::CensoredNewTherapy);
    // An assessment on the day the therapy starts is done before it: it counts.
    let e = derive(&t, PatientDates::new(300.0).new_therapy(112.0), &recist());
    assert_pfs(&e, 112.0, false, PfsReason::CensoredNewTherapy);
    // A new therapy after the progression does not change the event.
    let e = derive(&t, PatientDates::new(300.0).new_therapy(200.0), &recist());
    assert_pfs(&e, 168.0, true, PfsReason::Progression);
    // ... nor does a therapy before death censor less: death after the new therapy is censored.
    let t = timeline(&[("0", "100"), ("56", "90")], &[]);
    let e = derive(
        &t,
        PatientDates::new(100.0).death(100.0).new_therapy(80.0),
        &recist(),
    );
    assert_pfs(&e, 56.0, false, PfsReason::CensoredNewTherapy);
}

#[test]
fn fda_progression_and_death_on_the_same_day_is_progression() {
    let t = timeline(&[("0", "100"), ("56", "90"), ("112", "130")], &[]);
    let e = derive(&t, PatientDates::new(112.0).death(112.0), &recist());
    assert_pfs(&e, 112.0, true, PfsReason::Progression);
}

#[test]
fn death_before_an_assessment_is_an_error_naming_the_patient() {
    let t = timeline(&[("0", "100"), ("56", "90")], &[]);
    let a = assess(&t, &IrecistRules::default()).unwrap();
    let err = PatientEndpoints::derive(
        &a,
        Some(&t),
        &PatientDates::new(40.0).death(40.0),
        &EndpointRules::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("P1") && err.contains("day 56"), "{err}");
    let bad = PatientEndpoints::derive(
        &a,
        Some(&t),
        &PatientDates::new(f64::NAN),
        &EndpointRules::default(),
    );
    assert!(bad.is_err());
}

// ------------------------------------------------------------------ iRECIST progression dates

#[test]
fn irecist_progression_is_the_confirmed_iupd() {
    // iRECIST (Seymour 2017; irecist.md §2.6): the progression date is the first iUPD of the
    // block iCPD confirmed. 100 -> 125 (iUPD, day 56) -> 130 (+5 mm: iCPD, day 98): event at 56.
    // RECIST 1.1 dates the same PD to day 56 too.
    let t = timeline(&[("0", "100"), ("56", "125"), ("98", "130")], &[]);
    let e = derive(&t, PatientDates::new(200.0), &EndpointRules::default());
    assert_pfs(&e, 56.0, true, PfsReason::Progression);
    assert_eq!(e.bor(), "iCPD");
}

#[test]
fn irecist_progression_after_a_reset_is_the_later_iupd() {
    // "SD, SD, iUPD, PR, PR, iUPD, iCPD -> the 2nd iUPD" (admiralonco; irecist.md §2.6). Case
    // I10: 100 -> 130 (iUPD d56) -> 95 (iSD: reset) -> 100 -> 115 (new iUPD d182) -> 121 (iCPD).
    // The first iUPD was never confirmed, so it is not the progression; RECIST 1.1 (no reset)
    // has PD at day 56.
    let t = timeline(
        &[
            ("0", "100"),
            ("56", "130"),
            ("98", "95"),
            ("140", "100"),
            ("182", "115"),
            ("224", "121"),
        ],
        &[],
    );
    let e = derive(&t, PatientDates::new(300.0), &EndpointRules::default());
    assert_pfs(&e, 182.0, true, PfsReason::Progression);
    let e = derive(&t, PatientDates::new(300.0), &recist());
    assert_pfs(&e, 56.0, true, PfsReason::Progression);
}

#[test]
fn irecist_pseudoprogression_is_not_progression() {
    // Case I01: 100 -> 130 (iUPD) -> 128 (still iUPD) -> 90 (iSD, reset) -> 84. The iUPD
    // was never confirmed and the bar was reset: no progression, censored at the last
    // adequate assessment (day 182), best response iSD.
    let t = timeline(
        &[
            ("0", "100"),
            ("56", "130"),
            ("98", "128"),
            ("140", "90"),
            ("182", "84"),
        ],
        &[],
    );
    let e = derive(&t, PatientDates::new(250.0), &EndpointRules::default());
    assert_pfs(&e, 182.0, false, PfsReason::CensoredLastAssessment);
    assert_eq!(e.bor(), "iSD");
}

#[test]
fn irecist_unconfirmed_iupd_at_the_last_assessment() {
    // irecist.md §2.7 / A5 (Seymour 2017 Table 3 ex. 8): an iUPD with no confirmation scan stays
    // unconfirmed, iBOR iUPD, no benefit. Default: progression at the iUPD (what confirmation
    // would have dated it to); the setting censors at the last adequate assessment instead.
    // 100 -> 90 (iSD d56) -> 125 (+35 vs nadir 90: iUPD d112), nothing later.
    let t = timeline(&[("0", "100"), ("56", "90"), ("112", "125")], &[]);
    let e = derive(&t, PatientDates::new(150.0), &EndpointRules::default());
    assert_pfs(&e, 112.0, true, PfsReason::Progression);
    assert_eq!(e.bor(), "iSD");
    let censor = EndpointRules::new().unconfirmed_iupd(UnconfirmedProgression::Censor);
    let e = derive(&t, PatientDates::new(150.0), &censor);
    assert_pfs(&e, 56.0, false, PfsReason::CensoredLastAssessment);
    // With Censor, a later death is still an event (within the window).
    let e = derive(&t, PatientDates::new(160.0).death(160.0), &censor);
    assert_pfs(&e, 160.0, true, PfsReason::Death);
}

#[test]
fn irecist_unconfirmed_iupd_followed_by_not_evaluable_scans() {
    // Case I11a / Table 3 ex. 8: iUPD then NE, NE: still open at the end (NE neither confirms
    // nor resets it, D8) -> progression at the iUPD by default.
    let t = timeline(
        &[("0", "100"), ("56", "125"), ("98", "NE"), ("140", "NE")],
        &[],
    );
    let e = derive(&t, PatientDates::new(200.0), &EndpointRules::default());
    assert_pfs(&e, 56.0, true, PfsReason::Progression);
    assert_eq!(e.bor(), "iUPD");
}

#[test]
fn irecist_new_lesion_iupd_confirmed_by_growth_of_the_new_lesion() {
    // iRECIST §2.3: a new lesion gives iUPD; growth of the new target lesions by >= 5 mm
    // confirms iCPD. Progression is dated to the iUPD at which the new lesion appeared (d56).
    let t = timeline(
        &[("0", "100"), ("56", "95"), ("112", "95")],
        &[("56", "12"), ("112", "18")],
    );
    let e = derive(&t, PatientDates::new(200.0), &EndpointRules::default());
    assert_pfs(&e, 56.0, true, PfsReason::Progression);
    let marks: Vec<bool> = e.visits().iter().map(|v| v.new_lesion).collect();
    assert_eq!(marks, [false, true, true]);
}

// ------------------------------------------------------------------ response endpoints

#[test]
fn duration_of_response_runs_from_the_first_response_to_the_confirmed_iupd() {
    // iDOR (irecist.md §2.6, S5): first iCR/iPR (day 56) to the first iUPD of the confirmed
    // episode (day 168) = 112 days; time to response 56; best % change -45 %.
    let t = timeline(
        &[
            ("0", "100"),
            ("56", "60"),
            ("112", "55"),
            ("168", "80"),
            ("224", "90"),
        ],
        &[],
    );
    let e = derive(&t, PatientDates::new(300.0), &EndpointRules::default());
    assert_eq!(e.bor(), "iPR");
    assert!(e.is_responder() && e.has_disease_control());
    assert_eq!(e.ttr(), Some(56.0));
    let dor = e.dor().unwrap();
    assert!((dor.time - 112.0).abs() < 1e-12 && dor.event);
    assert_eq!(e.best_pct_change(), Some(-45.0));
    let pct: Vec<Option<f64>> = e.visits().iter().map(|v| v.pct_change).collect();
    assert_eq!(
        pct,
        [
            Some(0.0),
            Some(-40.0),
            Some(-45.0),
            Some(-20.0),
            Some(-10.0)
        ]
    );
    let prog: Vec<bool> = e.visits().iter().map(|v| v.progression).collect();
    assert_eq!(prog, [false, false, false, true, true]);
}

#[test]
fn confirmation_makes_an_unconfirmed_response_stable_disease() {
    // RECIST 1.1 Table 3 (case R05): PR at 56, PD at 112. Without confirmation BOR PR; with
    // confirmation required PR then PD is SD (minimum SD duration met at day 56): no response,
    // no duration of response.
    let t = timeline(&[("0", "100"), ("56", "40"), ("112", "50")], &[]);
    let e = derive(&t, PatientDates::new(200.0), &recist());
    assert_eq!(e.bor(), "PR");
    assert!(e.dor().is_some());
    let confirm = IrecistRules::new().confirmation_required(true);
    let e = derive_with(&t, PatientDates::new(200.0), &recist(), &confirm);
    assert_eq!(e.bor(), "SD");
    assert!(!e.is_responder() && e.has_disease_control());
    assert_eq!(e.dor(), None);
    assert_eq!(e.ttr(), None);
}

#[test]
fn best_change_ignores_visits_after_a_new_therapy() {
    // A response seen after a new therapy started is not a response to the study treatment's
    // assessment window: 100 -> 90 (d56), new therapy d60, 50 (d112).
    let t = timeline(&[("0", "100"), ("56", "90"), ("112", "50")], &[]);
    let e = derive(&t, PatientDates::new(200.0).new_therapy(60.0), &recist());
    assert_eq!(e.best_pct_change(), Some(-10.0));
    assert_pfs(&e, 56.0, false, PfsReason::CensoredNewTherapy);
}
