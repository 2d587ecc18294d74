//! Fuzzes the iRECIST classifier on arbitrary lesion tables:
//! `timelines_from_records` → `assess` + `assess_abscopal`, under arbitrary rules.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use oncostat::irecist::{
    IrecistRules, LesionKind, LesionRecord, Measure, NonTargetOnlyNil, Tenths, assess,
    assess_abscopal, timelines_from_records,
};

#[derive(Debug, Arbitrary)]
struct Row {
    patient: u8,
    lesion: u8,
    day: u16,
    organ: u8,
    kind: u8,
    node: bool,
    irradiated: bool,
    measure: u8,
    size: u16,
}

#[derive(Debug, Arbitrary)]
struct Input {
    rows: Vec<Row>,
    min_sd_days: u8,
    confirmation_required: bool,
    confirm_min_days: u8,
    window_tolerance_days: u8,
    confirm_late_days: u8,
    flags: u8,
    nil: bool,
}

fn record(r: &Row) -> LesionRecord {
    let measure = match r.measure % 8 {
        0 => Measure::TooSmall,
        1 => Measure::NotEvaluated,
        2 => Measure::Present,
        3 => Measure::Absent,
        4 => Measure::Progression,
        _ => Measure::Size(Tenths::new(u32::from(r.size % 1200))),
    };
    LesionRecord {
        patient: format!("P{}", r.patient % 4),
        lesion: format!("L{}", r.lesion % 8),
        day: u32::from(r.day % 400),
        organ: ["liver", "lung", "node", "bone"][usize::from(r.organ % 4)].to_string(),
        kind: [LesionKind::Target, LesionKind::NonTarget, LesionKind::New][usize::from(r.kind % 3)],
        node: r.node,
        irradiated: r.irradiated,
        measure,
        laterality: None,
        scan: Default::default(),
    }
}

fuzz_target!(|input: Input| {
    if input.rows.len() > 200 {
        return;
    }
    let records: Vec<LesionRecord> = input.rows.iter().map(record).collect();
    let f = |bit: u8| input.flags & (1 << bit) != 0;
    let rules = IrecistRules::new()
        .min_sd_days(u32::from(input.min_sd_days))
        .confirmation_required(input.confirmation_required)
        .confirm_min_days(u32::from(input.confirm_min_days))
        .window_tolerance_days(u32::from(input.window_tolerance_days))
        .confirm_late_days(u32::from(input.confirm_late_days))
        .sticky_pr(f(0))
        .sticky_pr_after_iupd(f(1))
        .nlt_progression_needs_5mm(f(2))
        .early_scan_symptom_only(f(3))
        .nt_size_increase_confirms(f(7))
        .cr_before_pd(f(4))
        .icpd_from_first_iupd(f(5))
        .early_scan_new_lesions_confirm(f(6))
        .non_target_only_nil(if input.nil {
            NonTargetOnlyNil::NotEvaluable
        } else {
            NonTargetOnlyNil::Control
        });
    let Ok(timelines) = timelines_from_records(&records) else {
        return;
    };
    for t in &timelines {
        if let Ok(a) = assess(t, &rules) {
            let _ = a.best_overall_response().to_string();
            let _ = a.recist_best_overall_response().to_string();
            for v in a.visits() {
                let _ = (v.target_sum(), v.nadir(), v.response().label(), v.reason());
            }
        }
        if let Ok(ab) = assess_abscopal(t, &rules) {
            let _ = ab.category().to_string();
            let _ = ab.recist11_category().to_string();
        }
    }
});
