//! Worked cases of `irecist.md` §5 (RECIST 1.1 R.., iRECIST I.., abscopal A..), bad lesion
//! files, and property tests. Public API only.

use oncostat::Error;
use oncostat::irecist::{
    Abscopal, Assessment, BaselineLesion, IrecistRules, Laterality, LesionKind, LesionRecord,
    LesionRow, Measurability, Measure, Modality, NewLesionReset, NonTargetOnlyNil, Recist11,
    Response, Scan, Tenths, assess, assess_abscopal, best_overall_response,
    recist_best_overall_response, select_targets, timelines_from_records,
};
use proptest::prelude::*;

// ------------------------------------------------------------------ case builder

/// A patient built lesion by lesion; every lesion gets its own organ unless given one.
#[derive(Default, Clone)]
struct Case {
    rows: Vec<LesionRecord>,
}

impl Case {
    fn new() -> Self {
        Case::default()
    }

    #[allow(clippy::too_many_arguments)]
    fn lesion(
        mut self,
        id: &str,
        kind: &str,
        organ: &str,
        node: bool,
        irradiated: bool,
        series: &[(u32, &str)],
    ) -> Self {
        for &(day, measure) in series {
            let day = day.to_string();
            let row = LesionRow {
                patient: "P1",
                lesion: id,
                day: &day,
                organ,
                kind,
                node: if node { "true" } else { "false" },
                irradiated: if irradiated { "true" } else { "false" },
                measure,
                ..LesionRow::default()
            };
            self.rows.push(row.parse().expect("valid test row"));
        }
        self
    }

    /// Non-nodal target in its own organ.
    fn target(self, id: &str, series: &[(u32, &str)]) -> Self {
        self.lesion(id, "target", id, false, false, series)
    }

    fn node_target(self, id: &str, series: &[(u32, &str)]) -> Self {
        self.lesion(id, "target", "node", true, false, series)
    }

    fn irradiated_target(self, id: &str, series: &[(u32, &str)]) -> Self {
        self.lesion(id, "target", id, false, true, series)
    }

    fn non_target(self, id: &str, series: &[(u32, &str)]) -> Self {
        self.lesion(id, "nontarget", id, false, false, series)
    }

    fn new_lesion(self, id: &str, organ: &str, series: &[(u32, &str)]) -> Self {
        self.lesion(id, "new", organ, false, false, series)
    }

    /// Sets the scan reason of every row of `day` (call after adding the lesions).
    fn scan(mut self, day: u32, scan: Scan) -> Self {
        for r in self.rows.iter_mut().filter(|r| r.day == day) {
            r.scan = scan;
        }
        self
    }

    fn run_with(&self, rules: &IrecistRules) -> Assessment {
        let timelines = timelines_from_records(&self.rows).expect("valid case");
        assert_eq!(timelines.len(), 1);
        assess(&timelines[0], rules).expect("assessable")
    }

    fn run(&self) -> Assessment {
        self.run_with(&IrecistRules::default())
    }

    fn abscopal_with(&self, rules: &IrecistRules) -> oncostat::irecist::AbscopalAssessment {
        let timelines = timelines_from_records(&self.rows).expect("valid case");
        assess_abscopal(&timelines[0], rules).expect("assessable")
    }
}

/// iRECIST calls after baseline.
fn icalls(a: &Assessment) -> Vec<Response> {
    a.visits().iter().skip(1).map(|v| v.response()).collect()
}

/// RECIST 1.1 calls after baseline.
fn rcalls(a: &Assessment) -> Vec<Recist11> {
    a.visits().iter().skip(1).map(|v| v.recist()).collect()
}

fn sums(a: &Assessment) -> Vec<Option<u32>> {
    a.visits()
        .iter()
        .map(|v| v.target_sum().map(Tenths::get))
        .collect()
}

fn confirming() -> IrecistRules {
    IrecistRules::default().confirmation_required(true)
}

use Recist11 as R;
use Response as I;

// ------------------------------------------------------------------ §5.1 RECIST 1.1

#[test]
fn r01_pr_at_exactly_minus_30_percent() {
    let c = Case::new()
        .target("T1", &[(0, "60"), (56, "42"), (84, "42")])
        .target("T2", &[(0, "40"), (56, "28"), (84, "28")]);
    let a = c.run();
    assert_eq!(rcalls(&a), [R::PartialResponse, R::PartialResponse]);
    assert_eq!(a.recist_best_overall_response(), R::PartialResponse);
    assert_eq!(icalls(&a), [I::PartialResponse, I::PartialResponse]);
    // Confirmation exactly 28 days later is enough (inclusive).
    let a = c.run_with(&confirming());
    assert_eq!(a.recist_best_overall_response(), R::PartialResponse);
    assert_eq!(a.best_overall_response(), I::PartialResponse);
}

#[test]
fn r02_minus_29_percent_is_sd() {
    let a = Case::new()
        .target("T1", &[(0, "60"), (56, "43")])
        .target("T2", &[(0, "40"), (56, "28")])
        .run();
    assert_eq!(rcalls(&a), [R::StableDisease]);
    assert_eq!(a.recist_best_overall_response(), R::StableDisease);
    assert_eq!(a.best_overall_response(), I::StableDisease);
}

#[test]
fn r03_pd_needs_5mm() {
    let a = Case::new()
        .target("T1", &[(0, "20"), (56, "15"), (112, "19"), (168, "20")])
        .run();
    assert_eq!(
        rcalls(&a),
        [R::StableDisease, R::StableDisease, R::ProgressiveDisease]
    );
    assert_eq!(a.recist_best_overall_response(), R::StableDisease);
    assert_eq!(a.recist_progression_day(), Some(168));
    assert_eq!(
        icalls(&a),
        [
            I::StableDisease,
            I::StableDisease,
            I::UnconfirmedProgression
        ]
    );
    // The nadir 15 is what d112 and d168 are compared with.
    assert_eq!(a.visits()[3].nadir(), Some(Tenths::new(150)));
}

#[test]
fn r05_pd_vs_nadir_overrides_pr_vs_baseline() {
    let c = Case::new()
        .target("T1", &[(0, "60"), (56, "24"), (112, "30")])
        .target("T2", &[(0, "40"), (56, "16"), (112, "20")]);
    let a = c.run();
    assert_eq!(rcalls(&a), [R::PartialResponse, R::ProgressiveDisease]);
    assert_eq!(a.recist_best_overall_response(), R::PartialResponse);
    let a = c.run_with(&confirming());
    assert_eq!(a.recist_best_overall_response(), R::StableDisease);
}

#[test]
fn r06_continuing_pr_official_example() {
    let a = Case::new()
        .target("T1", &[(0, "165"), (56, "63"), (112, "65")])
        .run();
    assert_eq!(rcalls(&a), [R::PartialResponse, R::PartialResponse]);
    assert_eq!(a.recist_best_overall_response(), R::PartialResponse);
}

#[test]
fn r07_sticky_pr() {
    let days = [0, 42, 84, 126, 168, 210];
    let sizes = ["100", "70", "70", "80", "80", "80"];
    let series: Vec<(u32, &str)> = days.iter().copied().zip(sizes).collect();
    let nt: Vec<(u32, &str)> = days.iter().map(|&d| (d, "present")).collect();
    let c = Case::new().target("T1", &series).non_target("NT1", &nt);
    let a = c.run();
    assert_eq!(rcalls(&a), [R::PartialResponse; 5]);
    assert_eq!(icalls(&a), [I::PartialResponse; 5]);
    assert_eq!(a.recist_best_overall_response(), R::PartialResponse);
    // Without continuing PR, 80 vs baseline 100 would be SD.
    let a = c.run_with(&IrecistRules::default().sticky_pr(false));
    assert_eq!(
        rcalls(&a),
        [
            R::PartialResponse,
            R::PartialResponse,
            R::StableDisease,
            R::StableDisease,
            R::StableDisease
        ]
    );
}

#[test]
fn r09_target_cr_with_non_target_present_or_not_evaluated() {
    for (nt, label) in [("11", "a"), ("NE", "b")] {
        let a = Case::new()
            .target("liver", &[(0, "30"), (56, "0")])
            .node_target("N1", &[(0, "20"), (56, "8")])
            .lesion(
                "N2",
                "nontarget",
                "node",
                true,
                false,
                &[(0, "12"), (56, nt)],
            )
            .run();
        assert_eq!(rcalls(&a), [R::PartialResponse], "R09({label})");
        assert_eq!(a.visits()[1].target_sum(), Some(Tenths::new(80)));
        assert_eq!(icalls(&a), [I::PartialResponse], "R09({label})");
    }
}

#[test]
fn r10_too_small_counts_5mm_and_blocks_cr() {
    let a = Case::new()
        .target("T1", &[(0, "25"), (56, "10"), (112, "tiny"), (168, "0")])
        .target("T2", &[(0, "15"), (56, "tiny"), (112, "0"), (168, "0")])
        .run();
    assert_eq!(sums(&a), [Some(400), Some(150), Some(50), Some(0)]);
    assert_eq!(
        rcalls(&a),
        [R::PartialResponse, R::PartialResponse, R::CompleteResponse]
    );
    assert_eq!(a.recist_best_overall_response(), R::CompleteResponse);
    assert_eq!(a.best_overall_response(), I::CompleteResponse);
}

#[test]
fn r11_fragments_are_summed() {
    let mut c = Case::new()
        .target("T1", &[(0, "40")])
        .target("T2", &[(0, "20"), (56, "18")]);
    let mut split = c.rows[0].clone();
    split.day = 56;
    split.measure = Measure::fragmented(&[Tenths::new(120), Tenths::new(100)]);
    c.rows.push(split);
    let a = c.run();
    assert_eq!(sums(&a), [Some(600), Some(400)]);
    assert_eq!(rcalls(&a), [R::PartialResponse]);
}

#[test]
fn r13_missing_target_ne_unless_partial_sum_proves_pd() {
    let case = |t1, t2| {
        Case::new()
            .target("T1", &[(0, "20"), (56, t1)])
            .target("T2", &[(0, "20"), (56, t2)])
            .target("T3", &[(0, "10"), (56, "NE")])
            .run()
    };
    let a = case("45", "35");
    assert_eq!(rcalls(&a), [R::ProgressiveDisease], "R13(a)");
    assert_eq!(a.recist_best_overall_response(), R::ProgressiveDisease);
    assert_eq!(icalls(&a), [I::UnconfirmedProgression]);
    assert_eq!(a.visits()[1].target_sum(), None);
    let b = case("15", "15");
    assert_eq!(rcalls(&b), [R::NotEvaluable], "R13(b)");
    assert_eq!(b.recist_best_overall_response(), R::NotEvaluable);
    assert_eq!(icalls(&b), [I::NotEvaluable]);
}

#[test]
fn r14_new_lesion_is_pd() {
    let a = Case::new()
        .target("T1", &[(0, "50"), (56, "30")])
        .target("T2", &[(0, "40"), (56, "20")])
        .non_target("NT", &[(0, "present"), (56, "present")])
        .new_lesion("N1", "liver", &[(56, "present")])
        .run();
    assert_eq!(rcalls(&a), [R::ProgressiveDisease]);
    assert_eq!(a.recist_best_overall_response(), R::ProgressiveDisease);
    assert_eq!(icalls(&a), [I::UnconfirmedProgression]);
}

#[test]
fn r15_unequivocal_non_target_progression_overrides_target_pr() {
    let a = Case::new()
        .target("T1", &[(0, "100"), (56, "60")])
        .non_target("effusion", &[(0, "present"), (56, "progression")])
        .run();
    assert_eq!(rcalls(&a), [R::ProgressiveDisease]);
    assert_eq!(icalls(&a), [I::UnconfirmedProgression]);
}

#[test]
fn r17_confirmation_table_3() {
    let rules = confirming();
    let bor = |seq: &[(u32, R)]| recist_best_overall_response(seq, &rules);
    assert_eq!(
        bor(&[(28, R::PartialResponse), (56, R::ProgressiveDisease)]),
        R::ProgressiveDisease,
        "R17(a)"
    );
    assert_eq!(
        bor(&[(56, R::PartialResponse), (84, R::ProgressiveDisease)]),
        R::StableDisease,
        "R17(b)"
    );
    assert_eq!(
        bor(&[(56, R::PartialResponse), (84, R::PartialResponse)]),
        R::PartialResponse,
        "R17(c)"
    );
    assert_eq!(
        bor(&[(56, R::CompleteResponse), (84, R::NotEvaluable)]),
        R::StableDisease,
        "R17(d)"
    );
    assert_eq!(
        bor(&[(56, R::NotEvaluable), (84, R::NotEvaluable)]),
        R::NotEvaluable,
        "R17(e)"
    );
    // The same sequences in iRECIST terms.
    let ibor = |seq: &[(u32, I)]| best_overall_response(seq, &rules);
    assert_eq!(
        ibor(&[
            (28, I::PartialResponse),
            (56, I::UnconfirmedProgression),
            (98, I::ConfirmedProgression)
        ]),
        I::ConfirmedProgression
    );
    assert_eq!(
        ibor(&[(56, I::PartialResponse), (84, I::PartialResponse)]),
        I::PartialResponse
    );
    assert_eq!(
        ibor(&[(56, I::CompleteResponse), (84, I::NotEvaluable)]),
        I::StableDisease
    );
}

/// R18 as `irecist.md` §5.1 states it: the S1 Table 3 note reading ("if a CR is truly met"),
/// where any CR makes a reappearance PD (`reappearance_needs_confirmed_cr = false`).
#[test]
fn r18_reappearance_after_cr_is_pd() {
    let c = Case::new().target("T1", &[(0, "30"), (56, "0"), (112, "4")]);
    let any_cr = IrecistRules::default().reappearance_needs_confirmed_cr(false);
    let a = c.run_with(&any_cr);
    assert_eq!(rcalls(&a), [R::CompleteResponse, R::ProgressiveDisease]);
    assert_eq!(a.recist_best_overall_response(), R::CompleteResponse);
    assert_eq!(icalls(&a), [I::CompleteResponse, I::UnconfirmedProgression]);
    let a = c.run_with(&any_cr.clone().confirmation_required(true));
    assert_eq!(a.recist_best_overall_response(), R::StableDisease);
}

/// S3 (RECIST WG FAQ "does a new lesion always result in PD"): a reappearance is PD only if
/// CR was *definitively* assigned at the previous assessment, and "it is recommended that CR
/// in previous cycle is confirmed". Default: after a single (unconfirmed) CR the 4 mm lesion
/// joins the sum (4 vs nadir 0 is +4 mm, not PD; 4 ≤ 70 % of 30: PR).
#[test]
fn s3_reappearance_is_pd_only_after_a_confirmed_cr() {
    let a = Case::new()
        .target("T1", &[(0, "30"), (56, "0"), (112, "4")])
        .run();
    assert_eq!(rcalls(&a), [R::CompleteResponse, R::PartialResponse]);
    assert_eq!(icalls(&a), [I::CompleteResponse, I::PartialResponse]);
    // CR at d56 confirmed by CR at d84 (28 days): the reappearance at d140 is PD / iUPD.
    let b = Case::new()
        .target("T1", &[(0, "30"), (56, "0"), (84, "0"), (140, "4")])
        .run();
    assert_eq!(
        rcalls(&b),
        [
            R::CompleteResponse,
            R::CompleteResponse,
            R::ProgressiveDisease
        ]
    );
    assert_eq!(
        icalls(&b),
        [
            I::CompleteResponse,
            I::CompleteResponse,
            I::UnconfirmedProgression
        ]
    );
    assert!(
        b.visits()[3].reason().contains("confirmed"),
        "{}",
        b.visits()[3].reason()
    );
    // Two CRs only 14 days apart do not confirm it.
    let c = Case::new()
        .target("T1", &[(0, "30"), (56, "0"), (70, "0"), (126, "4")])
        .run();
    assert_eq!(rcalls(&c)[2], R::PartialResponse);
}

#[test]
fn r19_reappearance_during_pr_joins_the_sum() {
    let a = Case::new()
        .target("T1", &[(0, "30"), (56, "20"), (112, "20")])
        .target("T2", &[(0, "20"), (56, "10"), (112, "8")])
        .target("T3", &[(0, "10"), (56, "0"), (112, "5")])
        .run();
    assert_eq!(sums(&a), [Some(600), Some(300), Some(330)]);
    assert_eq!(rcalls(&a), [R::PartialResponse, R::PartialResponse]);
    assert_eq!(icalls(&a), [I::PartialResponse, I::PartialResponse]);
}

#[test]
fn r21_measurability_and_target_selection() {
    let ct5 = Modality::Ct {
        slice: Tenths::new(50),
    };
    let l = |id: &str, organ: &str, node: bool, mm: u32, modality, m| BaselineLesion {
        id: id.into(),
        organ: organ.into(),
        node,
        size: Tenths::new(mm * 10),
        modality,
        measurability: m,
    };
    let by_size = Measurability::BySize;
    let lesions = [
        l("liver45", "liver", false, 45, ct5, by_size),
        l("liver40", "liver", false, 40, ct5, by_size),
        l("liver28", "liver", false, 28, ct5, by_size),
        l("lung38", "lung", false, 38, ct5, by_size),
        l("lung35", "lung", false, 35, ct5, by_size),
        l("node32", "mediastinum", true, 32, ct5, by_size),
        l("node25", "hilum", true, 25, ct5, by_size),
        l("node20", "axilla", true, 20, ct5, by_size),
        l("node12", "neck", true, 12, ct5, by_size),
        l("node8", "neck", true, 8, ct5, by_size),
        l("nodule8", "lung", false, 8, ct5, by_size),
        l("bone", "bone", false, 30, ct5, Measurability::BlasticBone),
        l(
            "liver14",
            "liver",
            false,
            14,
            Modality::Ct {
                slice: Tenths::new(80),
            },
            by_size,
        ),
        l(
            "rtfield",
            "chest wall",
            false,
            30,
            ct5,
            Measurability::PreviouslyIrradiated,
        ),
        l("cxr18", "lung", false, 18, Modality::ChestXray, by_size),
    ];
    let sel = select_targets(&lesions);
    let ids = |ix: &[usize]| {
        ix.iter()
            .map(|&i| lesions[i].id.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(sel.targets()),
        ["liver45", "liver40", "lung38", "lung35", "node32"]
    );
    assert_eq!(sel.baseline_sum(&lesions), Tenths::new(1900));
    assert_eq!(
        ids(sel.non_targets()),
        [
            "liver28", "node25", "node20", "node12", "nodule8", "bone", "liver14", "rtfield",
            "cxr18"
        ]
    );
    assert_eq!(ids(sel.normal()), ["node8"]);
}

#[test]
fn r22_node_back_above_10mm_after_cr() {
    let a = Case::new()
        .target("liver", &[(0, "30"), (56, "0"), (112, "0")])
        .node_target("N1", &[(0, "20"), (56, "8"), (112, "14")])
        .run();
    assert_eq!(sums(&a), [Some(500), Some(80), Some(140)]);
    assert_eq!(rcalls(&a), [R::CompleteResponse, R::ProgressiveDisease]);
    assert_eq!(a.recist_best_overall_response(), R::CompleteResponse);
    assert_eq!(a.best_overall_response(), I::CompleteResponse);
}

// ------------------------------------------------------------------ §5.2 iRECIST

#[test]
fn i01_pseudoprogression_resets_to_isd() {
    let a = Case::new()
        .target(
            "T1",
            &[(0, "60"), (56, "78"), (98, "77"), (140, "54"), (182, "50")],
        )
        .target(
            "T2",
            &[(0, "40"), (56, "52"), (98, "51"), (140, "36"), (182, "34")],
        )
        .run();
    assert_eq!(
        icalls(&a),
        [
            I::UnconfirmedProgression,
            I::UnconfirmedProgression,
            I::StableDisease,
            I::StableDisease
        ]
    );
    assert_eq!(a.best_overall_response(), I::StableDisease);
    assert_eq!(a.progression_day(), None);
    assert_eq!(a.recist_best_overall_response(), R::ProgressiveDisease);
    assert_eq!(a.recist_progression_day(), Some(56));
}

#[test]
fn i02_exactly_5mm_confirms() {
    let a = Case::new()
        .target("T1", &[(0, "100"), (56, "125"), (98, "130")])
        .run();
    assert_eq!(
        icalls(&a),
        [I::UnconfirmedProgression, I::ConfirmedProgression]
    );
    assert_eq!(a.best_overall_response(), I::ConfirmedProgression);
    assert_eq!(a.progression_day(), Some(56));
    assert_eq!(a.recist_best_overall_response(), R::ProgressiveDisease);
}

#[test]
fn i03_additive_increments() {
    let a = Case::new()
        .target("T1", &[(0, "100"), (56, "125"), (98, "129"), (140, "131")])
        .run();
    assert_eq!(
        icalls(&a),
        [
            I::UnconfirmedProgression,
            I::UnconfirmedProgression,
            I::ConfirmedProgression
        ]
    );
    assert_eq!(a.best_overall_response(), I::ConfirmedProgression);
    assert_eq!(a.progression_day(), Some(56));
}

#[test]
fn i05_additional_new_lesion_confirms() {
    let a = Case::new()
        .target("T1", &[(0, "80"), (56, "76"), (98, "70")])
        .new_lesion("N1", "liver", &[(56, "6"), (98, "6")])
        .new_lesion("N2", "bone", &[(98, "present")])
        .run();
    assert_eq!(
        icalls(&a),
        [I::UnconfirmedProgression, I::ConfirmedProgression]
    );
    assert_eq!(a.best_overall_response(), I::ConfirmedProgression);
    assert_eq!(a.recist_best_overall_response(), R::ProgressiveDisease);
}

#[test]
fn i06_any_nlnt_increase_confirms() {
    let a = Case::new()
        .target("T1", &[(0, "80"), (56, "76"), (98, "76")])
        .new_lesion("N1", "liver", &[(56, "6"), (98, "7")])
        .run();
    assert_eq!(
        icalls(&a),
        [I::UnconfirmedProgression, I::ConfirmedProgression]
    );
    assert_eq!(a.best_overall_response(), I::ConfirmedProgression);
}

#[test]
fn i07_non_target_driven_iupd() {
    let case = |nt_d98| {
        Case::new()
            .target("T1", &[(0, "40"), (56, "37"), (98, "37")])
            .target("T2", &[(0, "20"), (56, "18"), (98, "18")])
            .non_target(
                "effusion",
                &[(0, "present"), (56, "progression"), (98, nt_d98)],
            )
            .run()
    };
    // (a) NCLA: no change vs last -> remains iUPD.
    let a = case("no-change-last");
    assert_eq!(
        icalls(&a),
        [I::UnconfirmedProgression, I::UnconfirmedProgression],
        "I07(a)"
    );
    assert_eq!(a.best_overall_response(), I::UnconfirmedProgression);
    // (b) INCLA: further increase (need not be unequivocal) -> iCPD.
    let b = case("further-increase");
    assert_eq!(
        icalls(&b),
        [I::UnconfirmedProgression, I::ConfirmedProgression],
        "I07(b)"
    );
    assert_eq!(b.best_overall_response(), I::ConfirmedProgression);
    assert_eq!(b.recist_best_overall_response(), R::ProgressiveDisease);
}

/// A larger size in mm of a measured non-target confirms a non-target-driven iUPD only with
/// `nt_size_increase_confirms` (`irecist.md` §4.5: "a re-measured size is not enough"; S5
/// confirms by INCLA). By default the sizes read as NC (not progressed): the iUPD resets.
#[test]
fn i07_non_target_increase_by_size_confirms() {
    let c = Case::new()
        .target("T1", &[(0, "60"), (56, "55"), (98, "55")])
        .non_target("pleura", &[(0, "12"), (56, "progression"), (98, "25")])
        .non_target("pleura2", &[(0, "12"), (56, "20"), (98, "21")]);
    let a = c.run_with(&IrecistRules::default().nt_size_increase_confirms(true));
    assert_eq!(
        icalls(&a),
        [I::UnconfirmedProgression, I::ConfirmedProgression]
    );
    let b = c.run();
    assert_eq!(icalls(&b), [I::UnconfirmedProgression, I::StableDisease]);
}

#[test]
fn i09_scenario_f_no_change_after_iupd() {
    let a = Case::new()
        .target(
            "T1",
            &[(0, "100"), (56, "60"), (98, "60"), (140, "60"), (182, "60")],
        )
        .new_lesion("N1", "liver", &[(98, "12"), (140, "12"), (182, "12")])
        .new_lesion("N2", "lung", &[(182, "present")])
        .run();
    assert_eq!(
        icalls(&a),
        [
            I::PartialResponse,
            I::UnconfirmedProgression,
            I::UnconfirmedProgression,
            I::ConfirmedProgression
        ]
    );
    assert_eq!(a.best_overall_response(), I::PartialResponse);
    assert_eq!(a.progression_day(), Some(98));
    assert_eq!(
        rcalls(&a),
        [
            R::PartialResponse,
            R::ProgressiveDisease,
            R::ProgressiveDisease,
            R::ProgressiveDisease
        ]
    );
    assert_eq!(a.recist_best_overall_response(), R::PartialResponse);
    assert_eq!(a.visits()[2].new_target_sum(), Some(Tenths::new(120)));
}

#[test]
fn i10_reset_of_the_bar() {
    let a = Case::new()
        .target(
            "T1",
            &[
                (0, "100"),
                (56, "130"),
                (98, "95"),
                (140, "100"),
                (182, "115"),
                (224, "121"),
            ],
        )
        .run();
    assert_eq!(
        icalls(&a),
        [
            I::UnconfirmedProgression,
            I::StableDisease,
            I::StableDisease,
            I::UnconfirmedProgression,
            I::ConfirmedProgression
        ]
    );
    assert_eq!(a.best_overall_response(), I::StableDisease);
    assert_eq!(a.progression_day(), Some(182));
    assert_eq!(a.visits()[4].nadir(), Some(Tenths::new(950)));
    assert_eq!(a.recist_best_overall_response(), R::ProgressiveDisease);
}

#[test]
fn i11_ne_after_iupd() {
    // (a) iUPD then NE x4: iBOR iUPD.
    let a = Case::new()
        .target(
            "T1",
            &[
                (0, "100"),
                (56, "125"),
                (98, "NE"),
                (140, "NE"),
                (182, "NE"),
                (224, "NE"),
            ],
        )
        .run();
    assert_eq!(
        icalls(&a),
        [
            I::UnconfirmedProgression,
            I::NotEvaluable,
            I::NotEvaluable,
            I::NotEvaluable,
            I::NotEvaluable
        ],
        "I11(a)"
    );
    assert_eq!(a.best_overall_response(), I::UnconfirmedProgression);
    assert_eq!(a.progression_day(), None);
    // (b) confirmation at the next evaluable assessment.
    let b = Case::new()
        .target("T1", &[(0, "100"), (56, "125"), (98, "NE"), (140, "131")])
        .run();
    assert_eq!(
        icalls(&b),
        [
            I::UnconfirmedProgression,
            I::NotEvaluable,
            I::ConfirmedProgression
        ],
        "I11(b)"
    );
    assert_eq!(b.best_overall_response(), I::ConfirmedProgression);
    assert_eq!(b.progression_day(), Some(56));
}

#[test]
fn i13_icr_requires_new_lesions_gone() {
    let a = Case::new()
        .target("T1", &[(0, "30"), (56, "0"), (98, "0"), (140, "0")])
        .target("T2", &[(0, "20"), (56, "0"), (98, "0"), (140, "0")])
        .new_lesion("N1", "lung", &[(56, "10"), (98, "10"), (140, "0")])
        .run();
    assert_eq!(
        icalls(&a),
        [
            I::UnconfirmedProgression,
            I::UnconfirmedProgression,
            I::CompleteResponse
        ]
    );
    assert_eq!(a.best_overall_response(), I::CompleteResponse);
    assert_eq!(a.recist_best_overall_response(), R::ProgressiveDisease);
}

fn i14_case() -> Case {
    Case::new()
        .target(
            "T1",
            &[
                (0, "100"),
                (56, "80"),
                (98, "60"),
                (140, "60"),
                (182, "60"),
                (224, "60"),
            ],
        )
        .new_lesion(
            "N1",
            "liver",
            &[
                (56, "10"),
                (98, "10"),
                (140, "10"),
                (182, "13"),
                (224, "15"),
            ],
        )
}

#[test]
fn i14_nlt_progression_after_reset_vs_own_nadir() {
    let a = i14_case().run();
    // d56 iUPD (new lesion); d98 scenario B reset -> iPR; d182 +3 mm fails; d224 +5 mm, +50 %.
    assert_eq!(
        icalls(&a),
        [
            I::UnconfirmedProgression,
            I::PartialResponse,
            I::PartialResponse,
            I::PartialResponse,
            I::UnconfirmedProgression
        ]
    );
    assert_eq!(a.best_overall_response(), I::PartialResponse);
}

#[test]
fn i14_d4_off_uses_20_percent_alone() {
    let a = i14_case().run_with(&IrecistRules::default().nlt_progression_needs_5mm(false));
    // d182: 13 vs nadir 10 is +30 % -> iUPD already; d224: +2 mm vs that iUPD -> remains.
    assert_eq!(
        icalls(&a),
        [
            I::UnconfirmedProgression,
            I::PartialResponse,
            I::PartialResponse,
            I::UnconfirmedProgression,
            I::UnconfirmedProgression
        ]
    );
}

#[test]
fn i15_table_3_sequences() {
    let rules = IrecistRules::default();
    let days = [56, 98, 140, 182, 224];
    let seq = |r: [I; 5]| -> Vec<(u32, I)> { days.iter().copied().zip(r).collect() };
    let cases = [
        (
            [
                I::CompleteResponse,
                I::CompleteResponse,
                I::CompleteResponse,
                I::UnconfirmedProgression,
                I::ConfirmedProgression,
            ],
            I::CompleteResponse,
        ),
        (
            [
                I::UnconfirmedProgression,
                I::PartialResponse,
                I::CompleteResponse,
                I::CompleteResponse,
                I::CompleteResponse,
            ],
            I::CompleteResponse,
        ),
        (
            [
                I::UnconfirmedProgression,
                I::PartialResponse,
                I::PartialResponse,
                I::PartialResponse,
                I::PartialResponse,
            ],
            I::PartialResponse,
        ),
        (
            [
                I::UnconfirmedProgression,
                I::StableDisease,
                I::PartialResponse,
                I::PartialResponse,
                I::PartialResponse,
            ],
            I::PartialResponse,
        ),
        (
            [
                I::UnconfirmedProgression,
                I::StableDisease,
                I::StableDisease,
                I::StableDisease,
                I::StableDisease,
            ],
            I::StableDisease,
        ),
        (
            [
                I::UnconfirmedProgression,
                I::ConfirmedProgression,
                I::StableDisease,
                I::PartialResponse,
                I::CompleteResponse,
            ],
            I::ConfirmedProgression,
        ),
        (
            [
                I::UnconfirmedProgression,
                I::UnconfirmedProgression,
                I::ConfirmedProgression,
                I::CompleteResponse,
                I::CompleteResponse,
            ],
            I::ConfirmedProgression,
        ),
        (
            [
                I::UnconfirmedProgression,
                I::NotEvaluable,
                I::NotEvaluable,
                I::NotEvaluable,
                I::NotEvaluable,
            ],
            I::UnconfirmedProgression,
        ),
    ];
    for (k, (responses, expected)) in cases.into_iter().enumerate() {
        assert_eq!(
            best_overall_response(&seq(responses), &rules),
            expected,
            "I15 example {}",
            k + 1
        );
    }
}

#[test]
fn scenario_d_target_shrinkage_after_target_iupd_is_ipr() {
    let a = Case::new()
        .target("T1", &[(0, "100"), (56, "130"), (98, "65")])
        .run();
    assert_eq!(icalls(&a), [I::UnconfirmedProgression, I::PartialResponse]);
}

#[test]
fn early_scan_cannot_confirm() {
    // 20 days after the first iUPD: growth does not count; an additional new lesion does.
    let base = Case::new().target("T1", &[(0, "100"), (56, "125"), (76, "140"), (112, "126")]);
    let a = base.run();
    assert_eq!(
        icalls(&a),
        [
            I::UnconfirmedProgression,
            I::UnconfirmedProgression,
            I::UnconfirmedProgression
        ]
    );
    // S5 FAQ (< 4 weeks): only a scan done for a new symptom or sign can confirm early.
    let b = base
        .clone()
        .new_lesion("N1", "bone", &[(76, "present"), (112, "present")])
        .scan(76, Scan::Symptom)
        .run();
    assert_eq!(icalls(&b)[1], I::ConfirmedProgression);
    assert!(!b.visits()[2].is_disregarded());
}

#[test]
fn new_lesions_not_evaluated_after_iupd_is_ne() {
    let a = Case::new()
        .target("T1", &[(0, "100"), (56, "100"), (98, "50"), (140, "61")])
        .new_lesion("N1", "lung", &[(56, "10"), (98, "NE"), (140, "10")])
        .run();
    assert_eq!(
        icalls(&a),
        [
            I::UnconfirmedProgression,
            I::NotEvaluable,
            I::PartialResponse
        ]
    );
    // The NE visit does not enter the nadir.
    assert_eq!(a.visits()[3].nadir(), Some(Tenths::new(1000)));
}

#[test]
fn early_scan_leaves_nadir_and_state_untouched() {
    let a = Case::new()
        .target("T1", &[(0, "100"), (56, "100"), (70, "50"), (91, "60")])
        .new_lesion("N1", "lung", &[(56, "10"), (70, "10"), (91, "10")])
        .run();
    assert_eq!(
        icalls(&a),
        [
            I::UnconfirmedProgression,
            I::UnconfirmedProgression,
            I::PartialResponse
        ]
    );
    assert_eq!(a.visits()[3].nadir(), Some(Tenths::new(1000)));
}

#[test]
fn early_scan_is_disregarded_for_later_comparisons() {
    // New non-target 6 mm (iUPD, d56); 8 mm on a scan 14 days later (disregarded); 8 mm at
    // d98: compared with the iUPD scan (6 mm), an increase -> iCPD.
    let a = Case::new()
        .target("T1", &[(0, "80"), (56, "80"), (70, "80"), (98, "80")])
        .new_lesion("N1", "liver", &[(56, "6"), (70, "8"), (98, "8")])
        .run();
    assert_eq!(
        icalls(&a),
        [
            I::UnconfirmedProgression,
            I::UnconfirmedProgression,
            I::ConfirmedProgression
        ]
    );
    assert_eq!(a.progression_day(), Some(56));
    // A new lesion first seen on a disregarded early scan still confirms at the next scan.
    let rules = IrecistRules::default().early_scan_new_lesions_confirm(false);
    let b = Case::new()
        .target("T1", &[(0, "100"), (56, "125"), (70, "125"), (98, "125")])
        .new_lesion("N1", "bone", &[(70, "present"), (98, "present")])
        .run_with(&rules);
    assert_eq!(
        icalls(&b),
        [
            I::UnconfirmedProgression,
            I::UnconfirmedProgression,
            I::ConfirmedProgression
        ]
    );
}

// ------------------------------------------------------------------ §5.3 abscopal

#[test]
fn a01_abscopal_response() {
    let c = Case::new()
        .irradiated_target("lung", &[(0, "40"), (56, "55"), (112, "55")])
        .target("liver", &[(0, "30"), (56, "20"), (112, "18")])
        .node_target("N1", &[(0, "20"), (56, "12"), (112, "11")]);
    let ab = c.abscopal_with(&IrecistRules::default());
    let nil = ab.nil_assessment().expect("NIL assessed");
    assert_eq!(sums(nil), [Some(500), Some(320), Some(290)]);
    assert_eq!(nil.best_overall_response(), I::PartialResponse);
    assert_eq!(ab.category(), Abscopal::Response);
    assert_eq!(ab.recist11_category(), Abscopal::Response);
    assert_eq!(ab.benefit(), Some(true));
}

#[test]
fn a02_abscopal_control() {
    let ab = Case::new()
        .irradiated_target("lung", &[(0, "40"), (56, "30"), (112, "25")])
        .target("liver", &[(0, "30"), (56, "27"), (112, "26")])
        .target("adrenal", &[(0, "20"), (56, "18"), (112, "18")])
        .abscopal_with(&IrecistRules::default());
    assert_eq!(
        ab.nil_assessment().map(Assessment::best_overall_response),
        Some(I::StableDisease)
    );
    assert_eq!(ab.category(), Abscopal::Control);
    assert_eq!(ab.benefit(), Some(true));
}

#[test]
fn a03_no_benefit_on_icpd() {
    let ab = Case::new()
        .irradiated_target("lung", &[(0, "40"), (56, "20"), (98, "15")])
        .target("liver", &[(0, "50"), (56, "62"), (98, "68")])
        .abscopal_with(&IrecistRules::default());
    let nil = ab.nil_assessment().expect("NIL");
    assert_eq!(
        icalls(nil),
        [I::UnconfirmedProgression, I::ConfirmedProgression]
    );
    assert_eq!(ab.category(), Abscopal::NoBenefit);
    assert_eq!(ab.benefit(), Some(false));
}

#[test]
fn a05_scenario_b_new_lesion_then_shrinkage() {
    let ab = Case::new()
        .irradiated_target("lung", &[(0, "40"), (56, "30"), (98, "30")])
        .target("liver", &[(0, "100"), (56, "90"), (98, "65")])
        .new_lesion("N1", "bone", &[(56, "10"), (98, "10")])
        .abscopal_with(&IrecistRules::default());
    let nil = ab.nil_assessment().expect("NIL");
    assert_eq!(icalls(nil), [I::UnconfirmedProgression, I::PartialResponse]);
    assert_eq!(nil.best_overall_response(), I::PartialResponse);
    assert_eq!(ab.category(), Abscopal::Response);
    assert_eq!(ab.benefit(), Some(true));
}

#[test]
fn a06_non_target_only_nil_is_configurable() {
    let c = Case::new()
        .irradiated_target("lung", &[(0, "40"), (56, "30"), (112, "30")])
        .non_target("bone", &[(0, "present"), (56, "present"), (112, "present")]);
    let ab = c.abscopal_with(&IrecistRules::default());
    let nil = ab.nil_assessment().expect("NIL");
    assert_eq!(nil.best_overall_response(), I::NonCompleteNonProgression);
    assert_eq!(ab.category(), Abscopal::NotEvaluable);
    assert_eq!(ab.benefit(), None);
    let ab =
        c.abscopal_with(&IrecistRules::default().non_target_only_nil(NonTargetOnlyNil::Control));
    assert_eq!(ab.category(), Abscopal::Control);
}

#[test]
fn a07_minimum_sd_duration() {
    let c = Case::new()
        .irradiated_target("lung", &[(0, "40"), (28, "30"), (56, "30"), (98, "30")])
        .target("liver", &[(0, "50"), (28, "48"), (56, "62"), (98, "68")]);
    let a = c.abscopal_with(&IrecistRules::default());
    let nil = a.nil_assessment().expect("NIL");
    assert_eq!(
        icalls(nil),
        [
            I::StableDisease,
            I::UnconfirmedProgression,
            I::ConfirmedProgression
        ]
    );
    assert_eq!(
        nil.best_overall_response(),
        I::ConfirmedProgression,
        "A07(a)"
    );
    assert_eq!(a.category(), Abscopal::NoBenefit);
    let b = c.abscopal_with(&IrecistRules::default().min_sd_days(28));
    assert_eq!(
        b.nil_assessment().map(Assessment::best_overall_response),
        Some(I::StableDisease),
        "A07(b)"
    );
    assert_eq!(b.category(), Abscopal::Control);
}

#[test]
fn nil_targets_reselected_when_a_target_is_irradiated() {
    // The irradiated target frees a place: the measurable liver non-target (28 mm) joins.
    let ab = Case::new()
        .irradiated_target("lung", &[(0, "40"), (56, "20")])
        .target("adrenal", &[(0, "20"), (56, "20")])
        .non_target("liver", &[(0, "28"), (56, "12")])
        .non_target("bone", &[(0, "present"), (56, "present")])
        .abscopal_with(&IrecistRules::default());
    let nil = ab.nil_assessment().expect("NIL");
    assert_eq!(sums(nil), [Some(480), Some(320)]);
    assert_eq!(ab.category(), Abscopal::Response);
}

#[test]
fn all_lesions_irradiated_is_not_evaluable() {
    let ab = Case::new()
        .irradiated_target("lung", &[(0, "40"), (56, "20")])
        .abscopal_with(&IrecistRules::default());
    assert!(ab.nil_assessment().is_none());
    assert_eq!(ab.category(), Abscopal::NotEvaluable);
}

// ------------------------------------------------------------------ bad lesion files

fn row<'a>(lesion: &'a str, day: &'a str, kind: &'a str, measure: &'a str) -> LesionRow<'a> {
    LesionRow {
        patient: "P7",
        lesion,
        day,
        organ: lesion,
        kind,
        node: "false",
        irradiated: "false",
        measure,
        ..LesionRow::default()
    }
}

fn assert_names(e: &Error, lesion: &str, day: u32) {
    match e {
        Error::InvalidLesion {
            patient,
            lesion: l,
            day: d,
            ..
        } => {
            assert_eq!(patient, "P7");
            assert_eq!(l, lesion);
            assert_eq!(*d, day);
            let msg = e.to_string();
            assert!(msg.contains("P7") && msg.contains(lesion), "{msg}");
        }
        other => panic!("expected InvalidLesion, got {other:?}"),
    }
}

#[test]
fn bad_unknown_kind() {
    let e = row("L1", "56", "metastasis", "12").parse().unwrap_err();
    assert_names(&e, "L1", 56);
    assert!(e.to_string().contains("unknown lesion kind"), "{e}");
}

#[test]
fn bad_negative_size() {
    let e = row("L1", "56", "target", "-4").parse().unwrap_err();
    assert_names(&e, "L1", 56);
    assert!(e.to_string().contains("negative"), "{e}");
}

#[test]
fn bad_duplicate_lesion_visit() {
    let rows = [
        row("L1", "0", "target", "20").parse().unwrap(),
        row("L1", "56", "target", "18").parse().unwrap(),
        row("L1", "56", "target", "17").parse().unwrap(),
    ];
    let e = timelines_from_records(&rows).unwrap_err();
    assert_names(&e, "L1", 56);
    assert!(e.to_string().contains("same lesion and visit"), "{e}");
}

#[test]
fn bad_target_not_measurable_at_baseline() {
    let rows = [row("L1", "0", "target", "8").parse().unwrap()];
    let e = timelines_from_records(&rows).unwrap_err();
    assert_names(&e, "L1", 0);
    assert!(e.to_string().contains(">= 10 mm"), "{e}");
    // A 12-mm node is pathological but not measurable.
    let mut node = row("N1", "0", "target", "12").parse().unwrap();
    node.node = true;
    let e = timelines_from_records(&[node]).unwrap_err();
    assert_names(&e, "N1", 0);
    assert!(e.to_string().contains("15 mm"), "{e}");
}

#[test]
fn bad_more_than_5_targets_or_2_per_organ() {
    let ids = ["T1", "T2", "T3", "T4", "T5", "T6"];
    let rows: Vec<LesionRecord> = ids
        .iter()
        .map(|id| row(id, "0", "target", "20").parse().unwrap())
        .collect();
    let e = timelines_from_records(&rows).unwrap_err();
    assert_names(&e, "T6", 0);
    assert!(e.to_string().contains("at most 5"), "{e}");

    let mut rows: Vec<LesionRecord> = ids[..3]
        .iter()
        .map(|id| row(id, "0", "target", "20").parse().unwrap())
        .collect();
    for (r, organ) in rows.iter_mut().zip(["Liver", "liver", "LIVER"]) {
        r.organ = organ.into();
    }
    let e = timelines_from_records(&rows).unwrap_err();
    assert_names(&e, "T3", 0);
    assert!(e.to_string().contains("2 per organ"), "{e}");
}

#[test]
fn bad_new_lesion_at_baseline_and_missing_baseline() {
    let rows = [
        row("T1", "0", "target", "20").parse().unwrap(),
        row("N1", "0", "new", "12").parse().unwrap(),
    ];
    let e = timelines_from_records(&rows).unwrap_err();
    assert_names(&e, "N1", 0);
    let rows = [
        row("T1", "0", "target", "20").parse().unwrap(),
        row("T2", "56", "target", "20").parse().unwrap(),
    ];
    let e = timelines_from_records(&rows).unwrap_err();
    assert_names(&e, "T2", 56);
    assert!(e.to_string().contains("baseline"), "{e}");
}

// ------------------------------------------------------------------ second round: vocabulary

/// S5 (WG iRECIST FAQ, non-target coding) and the lesion-file contract: every token parses.
#[test]
fn wg_status_codes_parse() {
    for (tokens, m) in [
        (&["present", "NC", "nc"][..], Measure::Present),
        (&["increase", "INC"][..], Measure::Increase),
        (
            &["no-change-last", "NCLA", "no change last"][..],
            Measure::NoChangeLast,
        ),
        (
            &["further-increase", "INCLA", "further_increase"][..],
            Measure::FurtherIncrease,
        ),
        (
            &["unequivocal", "UNE", "progression"][..],
            Measure::Progression,
        ),
        (&["equivocal", "Equivocal"][..], Measure::Equivocal),
        (&["absent"][..], Measure::Absent),
        (&["NE"][..], Measure::NotEvaluated),
    ] {
        for t in tokens {
            assert_eq!(t.parse::<Measure>().unwrap(), m, "{t}");
        }
        assert_eq!(m.to_string().parse::<Measure>().unwrap(), m);
    }
}

fn nt_case(series: &[(u32, &str)], targets: &[(u32, &str)]) -> Case {
    Case::new()
        .target("T1", targets)
        .non_target("effusion", series)
}

/// S5 official example: "NC, UNE, NCLA" → iUPD, iUPD and "NC, UNE, INCLA" → iUPD, iCPD.
#[test]
fn s5_nc_une_ncla_and_incla() {
    let t = [(0, "50"), (56, "50"), (98, "50"), (140, "50")];
    let a = nt_case(
        &[(0, "present"), (56, "present"), (98, "UNE"), (140, "NCLA")],
        &t,
    )
    .run();
    assert_eq!(
        icalls(&a),
        [
            I::StableDisease,
            I::UnconfirmedProgression,
            I::UnconfirmedProgression
        ]
    );
    let b = nt_case(&[(0, "NC"), (56, "NC"), (98, "UNE"), (140, "INCLA")], &t).run();
    assert_eq!(
        icalls(&b),
        [
            I::StableDisease,
            I::UnconfirmedProgression,
            I::ConfirmedProgression
        ]
    );
    assert!(b.visits()[3].reason().contains("INCLA"));
}

/// Lesion-file precise reading (S5 "if iUPD is driven by non-target disease"): after a
/// non-target-driven iUPD, `present` (NC) or `absent` end it, so shrinking targets can give
/// iPR; `increase` and `unequivocal` keep it open. (First round: iUPD forever.)
#[test]
fn nt_driven_iupd_ends_when_non_target_no_longer_progressed() {
    let t = [(0, "100"), (56, "90"), (98, "50")];
    let a = nt_case(&[(0, "present"), (56, "unequivocal"), (98, "present")], &t).run();
    assert_eq!(icalls(&a), [I::UnconfirmedProgression, I::PartialResponse]);
    assert!(a.visits()[2].reason().contains("reset"));
    let b = nt_case(&[(0, "present"), (56, "unequivocal"), (98, "absent")], &t).run();
    assert_eq!(icalls(&b), [I::UnconfirmedProgression, I::PartialResponse]);
    for keep in ["increase", "unequivocal", "no-change-last"] {
        let c = nt_case(&[(0, "present"), (56, "unequivocal"), (98, keep)], &t).run();
        assert_eq!(
            icalls(&c),
            [I::UnconfirmedProgression, I::UnconfirmedProgression],
            "{keep}"
        );
    }
}

/// Precise reading: `further-increase` with no open iUPD reads as `increase` (INC is not
/// unequivocal progression, S1 §4.3.3): non-PD.
#[test]
fn further_increase_without_open_iupd_reads_as_increase() {
    let t = [(0, "100"), (56, "95")];
    for code in ["increase", "further-increase", "no-change-last"] {
        let a = nt_case(&[(0, "present"), (56, code)], &t).run();
        assert_eq!(icalls(&a), [I::StableDisease], "{code}");
        assert_eq!(rcalls(&a), [R::StableDisease], "{code}");
    }
}

/// `--criteria recist` reading (S1 Table 1 / §4.3.3): absent = CR; present, NCLA, INC, INCLA
/// = non-CR/non-PD; UNE = PD. Non-target disease only (S1 Table 2).
#[test]
fn recist_reading_of_the_wg_codes() {
    let nt_only = |code: &str| {
        Case::new()
            .non_target("bone", &[(0, "present"), (56, code)])
            .run()
    };
    assert_eq!(rcalls(&nt_only("absent")), [R::CompleteResponse]);
    for code in ["present", "no-change-last", "increase", "further-increase"] {
        assert_eq!(
            rcalls(&nt_only(code)),
            [R::NonCompleteNonProgression],
            "{code}"
        );
        assert_eq!(
            icalls(&nt_only(code)),
            [I::NonCompleteNonProgression],
            "{code}"
        );
    }
    assert_eq!(rcalls(&nt_only("unequivocal")), [R::ProgressiveDisease]);
    assert_eq!(icalls(&nt_only("unequivocal")), [I::UnconfirmedProgression]);
}

// ------------------------------------------------------------------ equivocal new lesions

/// S1 §4.3.2 (RECIST 1.1 new lesions): an equivocal finding is not progression; once a later
/// scan shows it unequivocally, progression is dated to the first equivocal scan. The revised
/// visit is marked.
#[test]
fn s1_equivocal_new_lesion_is_backdated_once_unequivocal() {
    let c = Case::new()
        .target("T1", &[(0, "100"), (56, "100"), (112, "100")])
        .new_lesion("N1", "liver", &[(56, "equivocal"), (112, "12")]);
    let a = c.run();
    assert_eq!(
        icalls(&a),
        [I::UnconfirmedProgression, I::UnconfirmedProgression]
    );
    assert!(a.visits()[1].is_revised());
    assert!(!a.visits()[2].is_revised());
    assert_eq!(rcalls(&a), [R::ProgressiveDisease, R::ProgressiveDisease]);
    assert_eq!(a.recist_progression_day(), Some(56));
    // Measurability is fixed at the first unequivocal sighting: 12 mm, a new target lesion.
    assert_eq!(a.visits()[1].new_target_sum(), None);
    assert_eq!(a.visits()[2].new_target_sum(), Some(Tenths::new(120)));
    // Without back-dating (`backdate_equivocal = false`) progression starts at d112.
    let b = c.run_with(&IrecistRules::default().backdate_equivocal(false));
    assert_eq!(icalls(&b), [I::StableDisease, I::UnconfirmedProgression]);
    assert_eq!(b.recist_progression_day(), Some(112));
    assert!(!b.visits()[1].is_revised());
}

/// Precise reading: the confirmation window counts from the back-dated iUPD (d56), so a scan
/// at d84 with an additional new lesion confirms iCPD with progression dated d56.
#[test]
fn equivocal_confirmation_window_counts_from_backdated_iupd() {
    let a = Case::new()
        .target("T1", &[(0, "100"), (56, "100"), (84, "100")])
        .new_lesion("N1", "liver", &[(56, "equivocal"), (84, "present")])
        .new_lesion("N2", "bone", &[(84, "present")])
        .run();
    assert_eq!(
        icalls(&a),
        [I::UnconfirmedProgression, I::ConfirmedProgression]
    );
    assert_eq!(a.progression_day(), Some(56));
}

/// S1 §4.3.2: an equivocal finding never confirmed is not progression.
#[test]
fn equivocal_never_confirmed_is_not_progression() {
    let a = Case::new()
        .target("T1", &[(0, "100"), (56, "95"), (112, "95")])
        .new_lesion("N1", "liver", &[(56, "equivocal"), (112, "absent")])
        .run();
    assert_eq!(icalls(&a), [I::StableDisease, I::StableDisease]);
    assert_eq!(rcalls(&a), [R::StableDisease, R::StableDisease]);
    assert!(!a.visits()[1].is_revised());
}

/// Lesion-file contract: `equivocal` is for new lesions only.
#[test]
fn bad_equivocal_outside_new_lesions() {
    let e = row("T1", "56", "target", "equivocal")
        .parse()
        .map(|r| timelines_from_records(&[row("T1", "0", "target", "20").parse().unwrap(), r]));
    let e = e.unwrap().unwrap_err();
    assert_names(&e, "T1", 56);
    assert!(e.to_string().contains("new lesions only"), "{e}");
    let rows = [
        row("NT1", "0", "nontarget", "present").parse().unwrap(),
        row("NT1", "56", "nontarget", "equivocal").parse().unwrap(),
    ];
    let e = timelines_from_records(&rows).unwrap_err();
    assert_names(&e, "NT1", 56);
}

// ------------------------------------------------------------------ scan reason

/// S5 FAQ ("can imaging be used to confirm progression even when done less than four weeks"):
/// a scan < 4 weeks after iUPD is disregarded; only a `symptom` scan showing additional new
/// lesions confirms iCPD. `early_scan_symptom_only = false` lets any early scan do it.
#[test]
fn s5_early_scan_confirms_only_when_done_for_a_symptom() {
    let base = Case::new()
        .target("T1", &[(0, "100"), (56, "125"), (70, "125"), (112, "125")])
        .new_lesion("N1", "bone", &[(70, "present"), (112, "present")]);
    let scheduled = base.clone().scan(70, Scan::Unscheduled).run();
    assert!(scheduled.visits()[2].is_disregarded());
    assert_eq!(scheduled.visits()[2].scan(), Scan::Unscheduled);
    // The new lesion is seen again at d112 (a usable scan) and confirms there.
    assert_eq!(icalls(&scheduled)[2], I::ConfirmedProgression);
    let symptom = base.clone().scan(70, Scan::Symptom).run();
    assert_eq!(icalls(&symptom)[1], I::ConfirmedProgression);
    assert!(!symptom.visits()[2].is_disregarded());
    let any = base.run_with(&IrecistRules::default().early_scan_symptom_only(false));
    assert_eq!(icalls(&any)[1], I::ConfirmedProgression);
}

/// Precise reading: a disregarded early scan sets no nadir and is skipped by the iBOR.
#[test]
fn disregarded_scan_is_skipped_by_the_best_response() {
    let a = Case::new()
        .target("T1", &[(0, "100"), (56, "125"), (70, "60"), (112, "90")])
        .run();
    assert!(a.visits()[2].is_disregarded());
    assert_eq!(a.visits()[3].nadir(), Some(Tenths::new(1000)));
    assert_eq!(icalls(&a)[2], I::StableDisease);
    assert_eq!(a.best_overall_response(), I::StableDisease);
}

/// Lesion-file contract: `scan` belongs to the visit; rows of one day that disagree are an
/// error naming the disagreeing row's lesion and day.
#[test]
fn bad_scan_disagreement_within_a_visit() {
    let mut rows: Vec<LesionRecord> = [
        row("T1", "0", "target", "20"),
        row("T1", "56", "target", "20"),
        row("T2", "0", "target", "20"),
        row("T2", "56", "target", "20"),
    ]
    .iter()
    .map(|r| r.parse().unwrap())
    .collect();
    rows[1].scan = Scan::Symptom;
    let e = timelines_from_records(&rows).unwrap_err();
    assert_names(&e, "T2", 56);
    assert!(e.to_string().contains("belongs to the visit"), "{e}");
    let bad = LesionRow {
        scan: "urgent",
        ..row("T1", "56", "target", "20")
    };
    assert_names(&bad.parse().unwrap_err(), "T1", 56);
}

// ------------------------------------------------------------------ paired organs, laterality

/// S2/S3 (WG Q&A "paired organs"): lungs are one organ whatever the side and spelling. Three
/// measurable new lung lesions: the third is a new non-target lesion, so its growth (+4 mm)
/// confirms iCPD (any NLNT increase, S5) instead of counting as new-target growth < 5 mm.
#[test]
fn s2_paired_organs_are_one_organ_for_new_target_lesions() {
    let a = Case::new()
        .target("T1", &[(0, "50"), (56, "50"), (98, "50")])
        .new_lesion("N1", "lung, left", &[(56, "20"), (98, "20")])
        .new_lesion("N2", "Right lung", &[(56, "15"), (98, "15")])
        .new_lesion("N3", "LUNG (L)", &[(56, "12"), (98, "16")])
        .run();
    assert_eq!(a.visits()[1].new_target_sum(), Some(Tenths::new(350)));
    assert_eq!(
        icalls(&a),
        [I::UnconfirmedProgression, I::ConfirmedProgression]
    );
    assert!(
        a.visits()[2].reason().contains("non-target"),
        "{}",
        a.visits()[2].reason()
    );
    // Baseline targets: a third lung target is refused.
    let rows: Vec<LesionRecord> = [("A", "lung, left"), ("B", "right lung"), ("C", "Lung")]
        .iter()
        .map(|(id, organ)| {
            let mut r: LesionRecord = row(id, "0", "target", "20").parse().unwrap();
            r.organ = (*organ).into();
            r
        })
        .collect();
    let e = timelines_from_records(&rows).unwrap_err();
    assert_names(&e, "C", 0);
}

/// Lesion-file contract: the `laterality` column takes left/right/bilateral or empty, is kept
/// on the lesion, and must not change between a lesion's rows.
#[test]
fn laterality_column() {
    let r = LesionRow {
        laterality: "Left",
        ..row("T1", "0", "target", "20")
    }
    .parse()
    .unwrap();
    assert_eq!(r.laterality, Some(Laterality::Left));
    let t = timelines_from_records(std::slice::from_ref(&r)).unwrap();
    assert_eq!(t[0].lesions()[0].laterality(), Some(Laterality::Left));
    assert_eq!(
        row("T1", "0", "target", "20").parse().unwrap().laterality,
        None
    );
    let bad = LesionRow {
        laterality: "middle",
        ..row("T1", "0", "target", "20")
    };
    assert_names(&bad.parse().unwrap_err(), "T1", 0);
    let mut later: LesionRecord = row("T1", "56", "target", "20").parse().unwrap();
    later.laterality = Some(Laterality::Right);
    let e = timelines_from_records(&[r, later]).unwrap_err();
    assert_names(&e, "T1", 56);
}

// ------------------------------------------------------------------ data rules

/// S1 §3.1 / S3: a lymph node with short axis < 10 mm is normal, not a lesion; as a baseline
/// non-target it is an error naming the row (patient, lesion, day 0).
#[test]
fn bad_baseline_non_target_node_under_10mm() {
    let r = LesionRow {
        node: "true",
        ..row("NT1", "0", "nontarget", "8")
    };
    let rows = [
        row("T1", "0", "target", "20").parse().unwrap(),
        r.parse().unwrap(),
    ];
    let e = timelines_from_records(&rows).unwrap_err();
    assert_names(&e, "NT1", 0);
    assert!(e.to_string().contains("normal"), "{e}");
    // 10 mm is pathological: accepted; after baseline a node under 10 mm is absent (normal).
    let ok = LesionRow {
        node: "true",
        ..row("NT1", "0", "nontarget", "10")
    };
    let later = LesionRow {
        node: "true",
        ..row("NT1", "56", "nontarget", "8")
    };
    let a = timelines_from_records(&[
        row("T1", "0", "target", "20").parse().unwrap(),
        row("T1", "56", "target", "0").parse().unwrap(),
        ok.parse().unwrap(),
        later.parse().unwrap(),
    ])
    .unwrap();
    let a = assess(&a[0], &IrecistRules::default()).unwrap();
    assert_eq!(icalls(&a), [I::CompleteResponse]);
}

/// A registered new lesion without a row at a later visit is not evaluated there (not
/// "present"): with the baseline disease gone it blocks iCR but is not iUPD (S1 Table 1 row 3
/// analogy: CR with a lesion not evaluated is PR); inside an open iUPD it is NE.
#[test]
fn registered_new_lesion_without_a_row_is_not_evaluated() {
    let a = Case::new()
        .target("T1", &[(0, "30"), (56, "0"), (98, "0")])
        .new_lesion("N1", "liver", &[(56, "10")])
        .run();
    assert_eq!(icalls(&a), [I::UnconfirmedProgression, I::NotEvaluable]);
    let b = Case::new()
        .target("T1", &[(0, "100"), (56, "100"), (98, "50"), (140, "50")])
        .new_lesion("N1", "lung", &[(56, "10"), (98, "10")])
        .run();
    assert_eq!(
        icalls(&b),
        [
            I::UnconfirmedProgression,
            I::PartialResponse,
            I::PartialResponse
        ]
    );
    assert!(
        b.visits()[3].reason().contains("not evaluated") || b.visits()[3].reason().contains("PR")
    );
}

/// Lesion-file contract: a positive size that rounds to 0 tenths is an error naming the row,
/// never "disappeared".
#[test]
fn bad_positive_size_rounding_to_zero() {
    let e = row("T1", "56", "target", "0.04").parse().unwrap_err();
    assert_names(&e, "T1", 56);
    assert!(e.to_string().contains("rounds to 0"), "{e}");
    assert_eq!(
        row("T1", "56", "target", "0.05").parse().unwrap().measure,
        Measure::Size(Tenths::new(1))
    );
    assert_eq!(
        row("T1", "56", "target", "0.0").parse().unwrap().measure,
        Measure::Size(Tenths::ZERO)
    );
}

/// Issue 19: an unreadable day names patient and lesion and no made-up "day 0".
#[test]
fn bad_unreadable_day_names_no_day() {
    let e = row("L1", "day56", "target", "12").parse().unwrap_err();
    assert!(matches!(e, Error::InvalidLesionDay { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("P7") && msg.contains("L1") && msg.contains("day56"),
        "{msg}"
    );
    assert!(!msg.contains("day 0"), "{msg}");
}

// ------------------------------------------------------------------ rule fixes

/// S4 Table 2 last rows and the lesion-file precise reading (Scenarios B / F): after a
/// new-lesion-driven iUPD with the new lesion unchanged, a 1 mm drop of the target sum stays
/// iUPD (first round: iSD, an "abscopal control"); shrinkage that reaches PR gives iPR.
#[test]
fn s4_small_decrease_after_new_lesion_iupd_stays_iupd() {
    let c = |d98: &str| {
        Case::new()
            .target("T1", &[(0, "100"), (56, "90"), (98, d98)])
            .new_lesion("N1", "liver", &[(56, "10"), (98, "10")])
    };
    let a = c("89").run();
    assert_eq!(
        icalls(&a),
        [I::UnconfirmedProgression, I::UnconfirmedProgression]
    );
    assert!(
        a.visits()[2].reason().contains("does not reach PR"),
        "{}",
        a.visits()[2].reason()
    );
    // Scenario B: 65 ≤ 70 % of 100 and lower than at the iUPD → iPR.
    let b = c("65").run();
    assert_eq!(icalls(&b), [I::UnconfirmedProgression, I::PartialResponse]);
    // The first round's reading, still available.
    let old =
        c("89").run_with(&IrecistRules::default().new_lesion_reset(NewLesionReset::AnyDecrease));
    assert_eq!(icalls(&old), [I::UnconfirmedProgression, I::StableDisease]);
    let always =
        c("90").run_with(&IrecistRules::default().new_lesion_reset(NewLesionReset::Always));
    assert_eq!(
        icalls(&always),
        [I::UnconfirmedProgression, I::StableDisease]
    );
}

/// S5 Scenario F: PR met before the new lesion, nothing changes → remains iUPD; a further
/// decrease at PR level → iPR (Scenario B).
#[test]
fn s5_scenario_f_then_b() {
    let a = Case::new()
        .target(
            "T1",
            &[(0, "100"), (56, "60"), (98, "60"), (140, "60"), (182, "55")],
        )
        .new_lesion("N1", "liver", &[(98, "12"), (140, "12"), (182, "12")])
        .run();
    assert_eq!(
        icalls(&a),
        [
            I::PartialResponse,
            I::UnconfirmedProgression,
            I::UnconfirmedProgression,
            I::PartialResponse
        ]
    );
}

/// An iUPD proven from a partial sum (S1: a partial sum can only grow) keeps that sum as the
/// +5 mm reference over the same lesions (first round: no reference, silently re-based at the
/// first full sum). 125 (T2 not evaluated) → T1 128 (+3) → T1 131 (+6): iCPD.
#[test]
fn partial_sum_iupd_keeps_its_reference() {
    let c = Case::new()
        .target("T1", &[(0, "50"), (56, "125"), (98, "128"), (140, "131")])
        .target("T2", &[(0, "50"), (56, "NE"), (98, "60"), (140, "60")]);
    let a = c.run();
    assert_eq!(
        icalls(&a),
        [
            I::UnconfirmedProgression,
            I::UnconfirmedProgression,
            I::ConfirmedProgression
        ]
    );
    let v = &a.visits()[1];
    assert_eq!(v.target_sum(), None);
    assert_eq!(v.assessed_target_sum(), Some(Tenths::new(1250)));
    assert_eq!(v.target_reference(), Some(Tenths::new(1250)));
    assert!(v.is_partial_reference());
    assert_eq!(a.visits()[3].target_reference(), Some(Tenths::new(1250)));
    let old = c.run_with(&IrecistRules::default().partial_sum_reference(false));
    assert_eq!(
        icalls(&old),
        [
            I::UnconfirmedProgression,
            I::UnconfirmedProgression,
            I::UnconfirmedProgression
        ]
    );
    assert_eq!(old.visits()[2].target_reference(), Some(Tenths::new(1880)));
}

/// Audit trail: each visit carries the sums, the nadir, the references and the rule.
#[test]
fn audit_trail_names_sums_references_and_rule() {
    let a = Case::new()
        .target("T1", &[(0, "100"), (56, "125"), (98, "129"), (140, "131")])
        .run();
    assert_eq!(a.baseline_sum(), Some(Tenths::new(1000)));
    let v = &a.visits()[2];
    assert_eq!(v.target_sum(), Some(Tenths::new(1290)));
    assert_eq!(v.nadir(), Some(Tenths::new(1000)));
    assert_eq!(v.target_reference(), Some(Tenths::new(1250)));
    assert_eq!(v.iupd_day(), Some(56));
    assert!(v.reason().contains("remains iUPD"));
    let last = &a.visits()[3];
    assert_eq!(last.target_reference(), Some(Tenths::new(1250)));
    assert!(last.reason().contains(">= 5 mm above"));
    assert!(a.visits().iter().all(|v| !v.reason().is_empty()));
}

// ------------------------------------------------------------------ properties

/// A random patient: targets with size series, non-targets with states, new lesions.
fn patient_strategy() -> impl Strategy<Value = Vec<LesionRecord>> {
    let n_visits = 2usize..6;
    (n_visits, 1usize..4, 0usize..3, 0usize..4).prop_flat_map(|(nv, nt, nnt, nnew)| {
        let target_series = prop::collection::vec(prop::collection::vec(0u32..600, nv), nt);
        let baseline_sizes = prop::collection::vec(100u32..600, nt);
        let nt_states = prop::collection::vec(prop::collection::vec(0u8..8, nv), nnt);
        let new_series = prop::collection::vec(prop::collection::vec(0u8..7, nv), nnew);
        (
            Just(nv),
            target_series,
            baseline_sizes,
            nt_states,
            new_series,
        )
            .prop_map(|(nv, ts, bs, nts, news)| {
                let mut rows = Vec::new();
                let day = |v: usize| (v as u32) * 42;
                let rec = |id: String, kind, v: usize, m| LesionRecord {
                    patient: "P".into(),
                    organ: id.clone(),
                    lesion: id,
                    day: day(v),
                    kind,
                    node: false,
                    irradiated: false,
                    measure: m,
                    ..LesionRecord::default()
                };
                for (k, (series, b)) in ts.iter().zip(&bs).enumerate() {
                    for (v, &s) in series.iter().enumerate().take(nv) {
                        let m = if v == 0 {
                            Measure::Size(Tenths::new(*b))
                        } else if s >= 580 {
                            Measure::NotEvaluated
                        } else {
                            Measure::Size(Tenths::new(s))
                        };
                        rows.push(rec(format!("T{k}"), LesionKind::Target, v, m));
                    }
                }
                for (k, states) in nts.iter().enumerate() {
                    for (v, &s) in states.iter().enumerate() {
                        let m = match (v, s) {
                            (0, _) | (_, 0 | 1) => Measure::Present,
                            (_, 2) => Measure::Absent,
                            (_, 3) => Measure::Progression,
                            (_, 5) => Measure::Increase,
                            (_, 6) => Measure::NoChangeLast,
                            (_, 7) => Measure::FurtherIncrease,
                            _ => Measure::NotEvaluated,
                        };
                        rows.push(rec(format!("NT{k}"), LesionKind::NonTarget, v, m));
                    }
                }
                for (k, states) in news.iter().enumerate() {
                    for (v, &s) in states.iter().enumerate().skip(1) {
                        // Distinct sizes per lesion: the new-target registry never ties.
                        let k10 = 10 * k as u32;
                        let m = match s {
                            0 | 1 => continue,
                            2 => Measure::Size(Tenths::new(120 + k10)),
                            3 => Measure::Size(Tenths::new(60 + k10)),
                            4 => Measure::Present,
                            5 => Measure::Absent,
                            _ => Measure::Equivocal,
                        };
                        let mut r = rec(format!("N{k}"), LesionKind::New, v, m);
                        r.organ = "lung".into();
                        rows.push(r);
                    }
                }
                rows
            })
    })
}

fn assess_rows(rows: &[LesionRecord]) -> Assessment {
    let t = timelines_from_records(rows).expect("generated rows are valid");
    assess(&t[0], &IrecistRules::default()).expect("assessable")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn results_do_not_depend_on_row_order(rows in patient_strategy(), seed in any::<u64>()) {
        let a = assess_rows(&rows);
        let mut shuffled = rows.clone();
        // Deterministic Fisher-Yates with a tiny LCG.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let j = (state >> 33) as usize % (i + 1);
            shuffled.swap(i, j);
        }
        let b = assess_rows(&shuffled);
        prop_assert_eq!(a, b);
    }

    /// Paired organs: spelling the (shared) lung organ with laterality words anywhere, in any
    /// case and punctuation, and filling the laterality column, leaves every call unchanged.
    #[test]
    fn laterality_spelling_does_not_change_results(rows in patient_strategy(), seed in any::<u64>()) {
        let a = assess_rows(&rows);
        const SPELLINGS: [&str; 6] =
            ["lung", "lung, left", "Right Lung", "LUNG (R)", "left-lung", "lung; bilateral"];
        const SIDES: [Option<Laterality>; 4] =
            [None, Some(Laterality::Left), Some(Laterality::Right), Some(Laterality::Bilateral)];
        let mut respelled = rows.clone();
        for r in &mut respelled {
            // One spelling and side per lesion (a lesion keeps them at every visit).
            let h = r.lesion.bytes().fold(seed, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
            if r.organ == "lung" {
                r.organ = SPELLINGS[(h % 6) as usize].into();
            }
            r.laterality = SIDES[((h >> 8) % 4) as usize];
        }
        let b = assess_rows(&respelled);
        prop_assert_eq!(a, b);
    }

    /// Relabelling the lesions (any bijection of ids, kinds kept) leaves every call unchanged.
    #[test]
    fn relabelling_lesions_does_not_change_results(rows in patient_strategy(), seed in any::<u64>()) {
        let a = assess_rows(&rows);
        let mut ids: Vec<String> = rows.iter().map(|r| r.lesion.clone()).collect();
        ids.sort();
        ids.dedup();
        let mut perm: Vec<usize> = (0..ids.len()).collect();
        let mut state = seed | 1;
        for i in (1..perm.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let j = (state >> 33) as usize % (i + 1);
            perm.swap(i, j);
        }
        let mut relabelled = rows.clone();
        for r in &mut relabelled {
            let k = ids.binary_search(&r.lesion).expect("known id");
            r.lesion = format!("lesion-{}", perm[k]);
        }
        let b = assess_rows(&relabelled);
        prop_assert_eq!(a, b);
    }

    #[test]
    fn icpd_is_absorbing(rows in patient_strategy()) {
        let a = assess_rows(&rows);
        let calls = icalls(&a);
        if let Some(first) = calls.iter().position(|&r| r == I::ConfirmedProgression) {
            prop_assert!(calls[first..].iter().all(|&r| r == I::ConfirmedProgression));
            prop_assert!(a.progression_day().is_some());
        }
        // RECIST 1.1 progression ends the assessment as well.
        let rec = rcalls(&a);
        if let Some(first) = rec.iter().position(|&r| r == R::ProgressiveDisease) {
            prop_assert!(rec[first..].iter().all(|&r| r == R::ProgressiveDisease));
        }
    }

    #[test]
    fn unchanged_lesions_are_isd(sizes in prop::collection::vec(100u32..400, 1..5),
                                 n_visits in 2usize..7, with_nt in any::<bool>()) {
        let mut c = Case::new();
        let days: Vec<u32> = (0..n_visits as u32).map(|v| v * 42).collect();
        for (k, &s) in sizes.iter().enumerate() {
            let mm = Tenths::new(s).to_string();
            let series: Vec<(u32, &str)> = days.iter().map(|&d| (d, mm.as_str())).collect();
            c = c.target(&format!("T{k}"), &series);
        }
        if with_nt {
            let series: Vec<(u32, &str)> = days.iter().map(|&d| (d, "present")).collect();
            c = c.non_target("NT", &series);
        }
        let a = c.run();
        prop_assert!(icalls(&a).iter().all(|&r| r == I::StableDisease));
        prop_assert_eq!(a.best_overall_response(), I::StableDisease);
        prop_assert_eq!(a.recist_best_overall_response(), R::StableDisease);
    }

    #[test]
    fn tenths_round_trip(t in 0u32..=100_000) {
        let v = Tenths::new(t);
        let parsed: Tenths = v.to_string().parse().expect("parses");
        prop_assert_eq!(parsed, v);
        prop_assert_eq!(Tenths::from_mm(v.mm()).expect("finite"), v);
        let m = Measure::Size(v);
        prop_assert_eq!(m.to_string().parse::<Measure>().expect("parses"), m);
    }
}

#[test]
fn public_types_are_send_sync() {
    fn check<T: Send + Sync>() {}
    check::<Assessment>();
    check::<oncostat::irecist::AbscopalAssessment>();
    check::<oncostat::irecist::PatientTimeline>();
    check::<IrecistRules>();
}
