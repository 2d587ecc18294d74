//! Per-group summaries of patient endpoints (ORR, DCR, Kaplan–Meier of PFS and DoR) and the
//! typed rows of waterfall, spider and swimmer plots.

use super::patient::PatientEndpoints;
use super::proportion::{FisherTest, ResponseRate};
use crate::survival::{KaplanMeier, SurvivalCurve};
use crate::{Error, Levels, Result, SurvivalData};

/// Group label of each patient (`"all"` without groups), checked against the patient count.
fn group_labels(patients: &[PatientEndpoints], groups: Option<&[String]>) -> Result<Vec<String>> {
    if patients.is_empty() {
        return Err(Error::EmptyInput { what: "patients" });
    }
    match groups {
        Some(g) if g.len() != patients.len() => {
            Err(Error::mismatch("group labels", patients.len(), g.len()))
        }
        Some(g) => Ok(g.to_vec()),
        None => Ok(vec!["all".to_string(); patients.len()]),
    }
}

/// The endpoints of one group of patients.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupEndpoints {
    group: String,
    n: usize,
    orr: ResponseRate,
    dcr: ResponseRate,
    pfs: SurvivalCurve,
    dor: Option<SurvivalCurve>,
}

impl GroupEndpoints {
    /// Group label (`"all"` without groups).
    pub fn group(&self) -> &str {
        &self.group
    }

    /// Number of patients.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Objective response rate (best overall response CR or PR).
    #[doc(alias = "ORR")]
    pub fn orr(&self) -> &ResponseRate {
        &self.orr
    }

    /// Disease control rate (CR, PR, SD and, by default, NON-CR/NON-PD).
    #[doc(alias = "DCR")]
    pub fn dcr(&self) -> &ResponseRate {
        &self.dcr
    }

    /// Kaplan–Meier curve of progression-free survival.
    pub fn pfs(&self) -> &SurvivalCurve {
        &self.pfs
    }

    /// Kaplan–Meier curve of the duration of response of the responders (`None` without
    /// responders).
    pub fn dor(&self) -> Option<&SurvivalCurve> {
        self.dor.as_ref()
    }
}

/// ORR and DCR per group with Clopper–Pearson and Wilson intervals, Fisher's exact test
/// between two groups, and Kaplan–Meier curves (median and CI) of PFS and duration of
/// response per group.
///
/// Groups are in R's factor order (numbers numerically, text in C-locale byte order). The
/// Fisher tests exist for exactly two groups (odds ratio of the second vs the first).
///
/// # Examples
/// ```
/// use oncostat::endpoints::{EndpointRules, EndpointSummary, PatientDates, PatientEndpoints};
/// use oncostat::irecist::{assess, timelines_from_records, IrecistRules, LesionRow};
/// use oncostat::KaplanMeier;
/// # fn main() -> Result<(), oncostat::Error> {
/// let sizes = [("P1", ["100", "60", "50"]), ("P2", ["100", "95", "130"]),
///              ("P3", ["80", "50", "45"]), ("P4", ["60", "62", "61"])];
/// let mut rows = Vec::new();
/// for (patient, mm) in &sizes {
///     for (day, m) in ["0", "56", "112"].iter().zip(mm) {
///         rows.push(LesionRow { patient, lesion: "T1", day, organ: "liver", kind: "target",
///             node: "false", irradiated: "false", measure: m, ..LesionRow::default() }
///             .parse()?);
///     }
/// }
/// let mut patients = Vec::new();
/// for t in timelines_from_records(&rows)? {
///     let a = assess(&t, &IrecistRules::default())?;
///     patients.push(PatientEndpoints::derive(&a, Some(&t), &PatientDates::new(200.0),
///         &EndpointRules::default())?);
/// }
/// let arm: Vec<String> = ["A", "A", "B", "B"].iter().map(|s| s.to_string()).collect();
/// let s = EndpointSummary::new(&patients, Some(&arm), &KaplanMeier::new())?;
/// assert_eq!(s.groups()[0].orr().x(), 1);
/// assert_eq!(s.groups()[1].dcr().x(), 2);
/// assert!(s.orr_test().is_some());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointSummary {
    groups: Vec<GroupEndpoints>,
    orr_test: Option<FisherTest>,
    dcr_test: Option<FisherTest>,
}

impl EndpointSummary {
    /// Summarises `patients`, grouped by `groups` (one label per patient; `None`: one group
    /// `"all"`), with Kaplan–Meier settings `km` and 95 % intervals for the rates.
    ///
    /// # Errors
    /// * [`Error::EmptyInput`] without patients; [`Error::DimensionMismatch`] if `groups` does
    ///   not have one label per patient.
    /// * As [`KaplanMeier::fit_groups`] (e.g. an invalid level).
    pub fn new(
        patients: &[PatientEndpoints],
        groups: Option<&[String]>,
        km: &KaplanMeier,
    ) -> Result<Self> {
        let labels = group_labels(patients, groups)?;
        let levels = Levels::new(&labels);
        let pfs_data = SurvivalData::new(
            patients.iter().map(|p| p.pfs().time).collect(),
            patients.iter().map(|p| p.pfs().event).collect(),
        )?;
        let pfs = km.fit_groups(&pfs_data, &labels)?;
        let responders: Vec<usize> = (0..patients.len())
            .filter(|&i| patients[i].dor().is_some())
            .collect();
        let dor: Vec<SurvivalCurve> = if responders.is_empty() {
            Vec::new()
        } else {
            let data = SurvivalData::new(
                responders
                    .iter()
                    .filter_map(|&i| patients[i].dor().map(|d| d.time))
                    .collect(),
                responders
                    .iter()
                    .filter_map(|&i| patients[i].dor().map(|d| d.event))
                    .collect(),
            )?;
            let labels: Vec<String> = responders.iter().map(|&i| labels[i].clone()).collect();
            km.fit_groups(&data, &labels)?
        };
        let mut out = Vec::with_capacity(levels.n_levels());
        for (code, (label, pfs)) in levels.labels().iter().zip(pfs).enumerate() {
            let members: Vec<&PatientEndpoints> = levels
                .codes()
                .iter()
                .zip(patients)
                .filter(|(c, _)| **c == code)
                .map(|(_, p)| p)
                .collect();
            let n = members.len() as u64;
            let orr = members.iter().filter(|p| p.is_responder()).count() as u64;
            let dcr = members.iter().filter(|p| p.has_disease_control()).count() as u64;
            out.push(GroupEndpoints {
                group: label.clone(),
                n: members.len(),
                orr: ResponseRate::new(orr, n)?,
                dcr: ResponseRate::new(dcr, n)?,
                pfs,
                dor: dor.iter().find(|f| f.label() == label).cloned(),
            });
        }
        let test = |rate: fn(&GroupEndpoints) -> &ResponseRate| -> Result<Option<FisherTest>> {
            match out.as_slice() {
                [a, b] => {
                    let (a, b) = (rate(a), rate(b));
                    FisherTest::new((a.x(), a.n()), (b.x(), b.n())).map(Some)
                }
                _ => Ok(None),
            }
        };
        let orr_test = test(GroupEndpoints::orr)?;
        let dcr_test = test(GroupEndpoints::dcr)?;
        Ok(EndpointSummary {
            groups: out,
            orr_test,
            dcr_test,
        })
    }

    /// One entry per group, in R's level order.
    pub fn groups(&self) -> &[GroupEndpoints] {
        &self.groups
    }

    /// Fisher's exact test of the ORR between two groups (`None` unless exactly two).
    pub fn orr_test(&self) -> Option<&FisherTest> {
        self.orr_test.as_ref()
    }

    /// Fisher's exact test of the DCR between two groups (`None` unless exactly two).
    pub fn dcr_test(&self) -> Option<&FisherTest> {
        self.dcr_test.as_ref()
    }
}

/// One bar of a waterfall plot.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct WaterfallRow {
    /// Patient id.
    pub patient: String,
    /// Group label (`"all"` without groups).
    pub group: String,
    /// Best % change of the target sum from baseline.
    pub best_pct_change: f64,
    /// Best overall response label (bar colour).
    pub bor: &'static str,
}

/// One point of a spider plot (one line per patient).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SpiderRow {
    /// Patient id.
    pub patient: String,
    /// Group label.
    pub group: String,
    /// Days from baseline.
    pub day: u32,
    /// % change of the target sum from baseline (0 at baseline).
    pub pct_change: f64,
    /// A new lesion is present at this visit (a mark).
    pub new_lesion: bool,
    /// The visit's response is progression (RECIST PD; iRECIST iUPD or iCPD) (a mark).
    pub progression: bool,
}

/// One lane of a swimmer plot.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SwimmerRow {
    /// Patient id.
    pub patient: String,
    /// Group label.
    pub group: String,
    /// Time on study: death, else last contact (at least the last assessment).
    pub time_on_study: f64,
    /// Day of the first CR/PR (responders).
    pub response_onset: Option<f64>,
    /// Day of progression under the criteria.
    pub progression: Option<f64>,
    /// Day of death.
    pub death: Option<f64>,
    /// Day a new therapy started.
    pub new_therapy: Option<f64>,
    /// Alive and progression-free at last follow-up (the lane ends in an arrow).
    pub ongoing: bool,
    /// Best overall response label.
    pub bor: &'static str,
}

/// Plot data of a cohort: waterfall, spider and swimmer rows.
///
/// # Examples
/// ```
/// use oncostat::endpoints::{EndpointRules, PatientDates, PatientEndpoints, PlotData};
/// use oncostat::irecist::{assess, timelines_from_records, IrecistRules, LesionRow};
/// # fn main() -> Result<(), oncostat::Error> {
/// let rows: Vec<_> = [("0", "100"), ("56", "60"), ("112", "55")].iter()
///     .map(|(day, mm)| LesionRow { patient: "P1", lesion: "T1", day, organ: "liver",
///         kind: "target", node: "false", irradiated: "false", measure: mm,
///         ..LesionRow::default() }.parse())
///     .collect::<Result<_, _>>()?;
/// let t = &timelines_from_records(&rows)?[0];
/// let a = assess(t, &IrecistRules::default())?;
/// let e = PatientEndpoints::derive(&a, Some(t), &PatientDates::new(150.0),
///     &EndpointRules::default())?;
/// let plots = PlotData::new(&[e], None)?;
/// assert_eq!(plots.waterfall()[0].best_pct_change, -45.0);
/// assert_eq!(plots.spider().len(), 3);
/// assert!(plots.swimmer()[0].ongoing);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PlotData {
    waterfall: Vec<WaterfallRow>,
    spider: Vec<SpiderRow>,
    swimmer: Vec<SwimmerRow>,
}

impl PlotData {
    /// Plot rows of `patients`, with their group labels (`None`: `"all"`).
    ///
    /// # Errors
    /// [`Error::EmptyInput`] without patients; [`Error::DimensionMismatch`] if `groups` does
    /// not have one label per patient.
    pub fn new(patients: &[PatientEndpoints], groups: Option<&[String]>) -> Result<Self> {
        let labels = group_labels(patients, groups)?;
        let mut waterfall: Vec<WaterfallRow> = patients
            .iter()
            .zip(&labels)
            .filter_map(|(p, g)| {
                p.best_pct_change().map(|c| WaterfallRow {
                    patient: p.patient().to_string(),
                    group: g.clone(),
                    best_pct_change: c,
                    bor: p.bor(),
                })
            })
            .collect();
        // largest increase first, as waterfall plots are drawn; ties by patient id
        waterfall.sort_by(|a, b| {
            b.best_pct_change
                .total_cmp(&a.best_pct_change)
                .then_with(|| a.patient.cmp(&b.patient))
        });
        let spider = patients
            .iter()
            .zip(&labels)
            .flat_map(|(p, g)| {
                p.visits().iter().filter_map(move |v| {
                    v.pct_change.map(|c| SpiderRow {
                        patient: p.patient().to_string(),
                        group: g.clone(),
                        day: v.day,
                        pct_change: c,
                        new_lesion: v.new_lesion,
                        progression: v.progression,
                    })
                })
            })
            .collect();
        let swimmer = patients
            .iter()
            .zip(&labels)
            .map(|(p, g)| {
                let d = p.dates();
                let last_visit = p.visits().last().map_or(0.0, |v| f64::from(v.day));
                SwimmerRow {
                    patient: p.patient().to_string(),
                    group: g.clone(),
                    time_on_study: d.death_day.unwrap_or(d.last_contact_day).max(last_visit),
                    response_onset: p.response_onset(),
                    progression: p.progression_day(),
                    death: d.death_day,
                    new_therapy: d.new_therapy_day,
                    ongoing: d.death_day.is_none() && p.progression_day().is_none(),
                    bor: p.bor(),
                }
            })
            .collect();
        Ok(PlotData {
            waterfall,
            spider,
            swimmer,
        })
    }

    /// Waterfall bars (patients with a best % change), largest increase first.
    pub fn waterfall(&self) -> &[WaterfallRow] {
        &self.waterfall
    }

    /// Spider points: every visit with a complete target sum, per patient in visit order.
    pub fn spider(&self) -> &[SpiderRow] {
        &self.spider
    }

    /// Swimmer lanes, one per patient in input order.
    pub fn swimmer(&self) -> &[SwimmerRow] {
        &self.swimmer
    }
}
