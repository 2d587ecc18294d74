//! # Error catalogue
//!
//! Every [`Error`](crate::Error) variant: when it happens and what to do about it; then the
//! degenerate but legal inputs that give a **flagged result** instead of an error, as R does.
//! (Doc-only module: nothing to call here. Each flagged-result row is checked by
//! `tests/properties.rs::error_catalogue_flagged_results_hold`; the analyze CLI's behaviour on
//! bad input by `tests/bad_input_cli.rs`.)
//!
//! Row numbers in messages are **1-based** and count the observations passed to the
//! function; the `analyze` example maps them back to data rows of the CSV file (header
//! excluded) and adds the file and column name.
//!
//! ## Errors
//!
//! | Variant | When | What to do |
//! |---|---|---|
//! | [`EmptyInput`](crate::Error::EmptyInput) | no observations: empty `time` ([`SurvivalData::new`](crate::SurvivalData::new)), no columns or no rows in [`Design::from_columns`](crate::Design::from_columns) / [`Design::select_rows`](crate::Design::select_rows), an empty outcome ([`BinaryOutcome::new`](crate::BinaryOutcome::new)), no lesion records ([`timelines_from_records`](crate::timelines_from_records)) | check the filter that produced the data (all rows dropped for missing values?) |
//! | [`DimensionMismatch`](crate::Error::DimensionMismatch) | two per-observation inputs differ in length: design rows vs survival data or outcome, weights, strata, offsets, group labels, `init` values vs columns | pass one entry per observation (after the same row filtering) |
//! | [`NonFinite`](crate::Error::NonFinite) | a NaN or ±∞ in a time, covariate, weight, offset, outcome, initial value or requested time point; names column and row | fix or remove the value (R would drop an `NA` row: do it explicitly) |
//! | [`NegativeTime`](crate::Error::NegativeTime) | a survival time < 0 ([`SurvivalData`](crate::SurvivalData)) | times are durations from the time origin; check the date arithmetic |
//! | [`InvalidEvent`](crate::Error::InvalidEvent) | a status that is not 0/1 ([`SurvivalData::from_status`](crate::SurvivalData::from_status)) | recode (R's `Surv` also reads 1/2 as censored/dead: subtract 1) |
//! | [`InvalidWeight`](crate::Error::InvalidWeight) | a case weight ≤ 0 or not finite (survival data, logistic weights) | remove zero-weight rows; weights must be > 0 |
//! | [`InvalidOutcome`](crate::Error::InvalidOutcome) | a binary outcome that is not 0/1 (or not one of the two labels) | recode the response to 0/1 |
//! | [`DuplicateColumn`](crate::Error::DuplicateColumn) | two design columns with the same name | rename one (or drop the duplicate) |
//! | [`UnknownColumn`](crate::Error::UnknownColumn) | [`Design::index_of`](crate::Design::index_of) with a name that is not a column | check the spelling against [`Design::names`](crate::Design::names) |
//! | [`InvalidParameter`](crate::Error::InvalidParameter) | a setting out of range: confidence level outside (0, 1), a quantile `p` outside [0, 1], a non-finite or non-positive tolerance (`eps`, `toler_chol`, `epsilon`, Firth `xconv`/`gconv`/`lconv`), `max_iter` 0, a non-finite log-rank `rho`, a negative Firth `tau`, a restricted-mean horizon that is not finite or lies before the first time, a FLIC fit without intercept, an overall LR test of a model without covariates | use a value in the documented range (each setter documents its default) |
//! | [`FitDataDropped`](crate::Error::FitDataDropped) | residuals, `zph`, `basehaz` or `survfit` of a [`CoxFit`](crate::CoxFit) after [`CoxFit::without_data`](crate::CoxFit::without_data) | keep the data on the fit (the default) or refit |
//! | [`TooFewObservations`](crate::Error::TooFewObservations) | reserved; no current code path returns it (small samples give a flagged fit, as in R) | — |
//! | [`NoEvents`](crate::Error::NoEvents) | Cox: every observation censored; log-rank: no event at all; logistic / Firth: every outcome the same | nothing can be estimated; check the event coding. **R differs here**: `coxph` returns an all-`NA` fit, `survdiff` a χ² of 0 on −1 df with `p = NA`, `glm` a meaningless intercept near −23; oncostat names the condition instead |
//! | [`SingularMatrix`](crate::Error::SingularMatrix) | logistic information matrix `XᵀWX` cannot be Cholesky-factored although no column is aliased at the QR tolerance (near-collinear columns, condition number ≳ 1e16: R's QR-based `glm` still answers there); Firth `log det(XᵀWX) < −200` (logistf's guard); the log-rank variance of the compared groups singular | drop or combine the near-duplicate covariates / groups; centre and scale covariates | drop or combine the covariates / groups that carry no information |
//! | [`CollinearColumns`](crate::Error::CollinearColumns) | ML logistic: *every* column is aliased, nothing left to fit; Firth: *any* column is a linear combination of earlier ones (`logistf` cannot fit such a design either) | drop the aliased columns the message names |
//! | [`Separation`](crate::Error::Separation) | only from [`LogisticFit::require_no_separation`](crate::LogisticFit::require_no_separation) on a separated fit | use [`FirthRegression`](crate::FirthRegression) |
//! | [`NotConverged`](crate::Error::NotConverged) | from `require_converged()` on a fit whose [`Convergence`](crate::Convergence) is not converged, and from the MASS-compatible profile interval when a constrained fit finds a better deviance than the fit itself | raise `max_iter`, or inspect the flagged fit (separation, monotone likelihood) |
//! | [`Optimizer`](crate::Error::Optimizer) | an internal failure of the argmin Newton framework (logistic / Firth) | report it as a bug, with the data |
//! | [`WeightsNotSupported`](crate::Error::WeightsNotSupported) | log-rank on data with case weights (R's `survdiff` has no `weights`) | drop the weights or use a weighted Cox score test |
//! | [`StartNotBeforeStop`](crate::Error::StartNotBeforeStop) | counting-process data ([`SurvivalData::counting`](crate::SurvivalData::counting), [`SurvivalData::with_start`](crate::SurvivalData::with_start)): a row with start ≥ stop (R's `Surv` makes it `NA` with a warning) | fix the interval; a zero-length interval carries no risk time and can be dropped |
//! | [`CountingProcessNotSupported`](crate::Error::CountingProcessNotSupported) | a method that does not handle `(start, stop]` data: log-rank (as R's `survdiff`), Firth Cox, parts of Kaplan–Meier and Cox post-fit methods (the message says which, and what to use instead) | follow the hint in the message |
//! | [`TooFewGroups`](crate::Error::TooFewGroups) | log-rank with fewer than 2 groups (R: "There is only 1 group") | check the group column after missing-value removal |
//! | [`FormulaSyntax`](crate::Error::FormulaSyntax) | [`Formula::parse`](crate::frame::Formula::parse): unbalanced parentheses, no `~`, an operator without operand, an unknown function, a number other than 0/1, `strata()`/`cluster()`/`offset()` inside an interaction, a model whose response does not fit it (`Surv()` for logistic, a column for Cox); names the 1-based position and the token | fix the formula at the position shown |
//! | [`Csv`](crate::Error::Csv) | [`Table::from_csv_path`](crate::frame::Table::from_csv_path): the file cannot be opened, or a row has the wrong number of cells (names file and row) | fix the file (one cell per header column) |
//! | [`Figure`](crate::Error::Figure) | [`plots`](crate::plots): a figure with nothing to draw (no curves, no rows), a non-positive ratio on the forest plot's log axis, or an SVG file that cannot be written | give the figure data; check the output path |
//! | [`UnknownLevel`](crate::Error::UnknownLevel) | a reference level (`with_reference`, `--reference`) that is not a level in the rows used; new data for a prediction with a level the fit never saw; an unknown or missing stratum for a stratified survival curve | use one of the levels the message lists |
//! | [`SingleLevel`](crate::Error::SingleLevel) | a factor coded by contrasts has one level in the rows used (R: "contrasts can be applied only to factors with 2 or more levels") | drop the term, or check which rows the missing values removed |
//! | [`ColumnType`](crate::Error::ColumnType) | a text column where a number is needed (survival time, status, weights, offset, a numeric covariate of new data); a reference level for a numeric column | convert the column, or use `factor(column)` |
//! | [`MissingValue`](crate::Error::MissingValue) | a missing cell in new data for a prediction (names column and row) | fill the cell: a prediction needs every covariate |
//! | [`NotTwoGroups`](crate::Error::NotTwoGroups) | a two-sample comparison with other than two groups: [`MaxCombo`](crate::MaxCombo), [`milestone_difference`](crate::milestone_difference) (the FH z of [`LogRankTest::z`](crate::LogRankTest::z) is `None` instead) | compare two groups at a time |
//! | [`InvalidCause`](crate::Error::InvalidCause) | a competing-risks status that is not 0 or a positive whole number | code censoring 0 and the causes 1, 2, ... |
//! | [`CauseNotObserved`](crate::Error::CauseNotObserved) | Fine–Gray for a cause that never occurs (R's `crr`: "exactly singular") | pick an observed cause (the message lists them) |
//! | [`OutsideFollowUp`](crate::Error::OutsideFollowUp) | an RMST `tau` below a group's first time (R: "Truncation point < smallest survival"), a milestone time past a group's last time | choose a time inside every group's follow-up |
//! | [`InvalidTimeForDistribution`](crate::Error::InvalidTimeForDistribution) | [`SurvReg::fit`](crate::SurvReg::fit) with a time of 0 and a distribution of `log t` (Weibull, exponential, log-normal, log-logistic; R: "Invalid survival times for this distribution") | correct the time, drop the row, or use a distribution on `t` itself |
//! | [`UnknownSetting`](crate::Error::UnknownSetting) | a setting parsed from text is not one of its values (e.g. [`SurvRegDist`](crate::SurvRegDist) from `"gamma"`, [`Ties`](crate::Ties) from `"exact"`) | use one of the values the message lists |
//! | [`InvalidMeasurement`](crate::Error::InvalidMeasurement) | a lesion-file token that is not a size, `tiny`, `NE`, `present`, `absent`, `progression`; an unknown lesion kind; a negative or non-finite size | fix the cell (sizes in mm, ≥ 0) |
//! | [`InvalidLesion`](crate::Error::InvalidLesion) | a lesion row violates the lesion-file rules: empty ids, unreadable day / kind / flag / measure, two rows for one lesion at one visit, a target or non-target without a baseline (day 0) row, a target too small at baseline, a new lesion at baseline, kind / node / irradiated / organ / laterality that change between visits, more than 5 targets (2 per organ, paired organs one organ), a baseline non-target lymph node under 10 mm, `equivocal` outside new lesions, a positive size that rounds to 0 tenths, scan reasons that disagree within a visit; names patient, lesion and day | correct the lesion file (one row per lesion per visit) |
//! | [`InvalidLesionDay`](crate::Error::InvalidLesionDay) | the day of a lesion row is not a whole number of days >= 0; names patient and lesion (and the text given) | correct the `day` cell |
//! | [`InvalidPatient`](crate::Error::InvalidPatient) | a patient has no target or non-target lesion at baseline (day 0), e.g. only new lesions; in SDTM input (`irecist::cdisc`): a TR lesion not identified in TU, an unreadable lesion role, laterality, `TRDY` or result, an unreadable investigator response in RS (names the subject and the TU/TR/RS row) | add the baseline assessment or drop the patient; correct the dataset row |
//!
//! ## Flagged results (not errors), where R also answers
//!
//! | Input | oncostat | R |
//! |---|---|---|
//! | Cox: constant covariate, or a column that is a linear combination of others | coefficient and SE NaN, [`CoxFit::aliased`](crate::CoxFit::aliased) `true`, tests on fewer df | `NA` coefficient (`coxph` Cholesky `toler.chol`) |
//! | Cox: monotone likelihood (a covariate orders the events perfectly) | finite last-iteration estimate; when the log-likelihood converges first, [`CoxFit::infinite_coefficients`](crate::CoxFit::infinite_coefficients) names the column ([`StopReason::Diverging`](crate::StopReason::Diverging)); when the iteration limit comes first, not converged ([`StopReason::MaxIterations`](crate::StopReason::MaxIterations)) | the same two warnings: "Loglik converged before variable …; coefficient may be infinite" / "Ran out of iterations and did not converge" |
//! | Cox: iteration limit reached (e.g. more covariates than events) | `Ok` fit, [`Convergence`](crate::Convergence) not converged; [`CoxFit::require_converged`](crate::CoxFit::require_converged) turns it into an error | warning "Ran out of iterations and did not converge" |
//! | Logistic: aliased column (constant, collinear, more covariates than rows) | coefficient NaN, listed by [`LogisticFit::aliased`](crate::LogisticFit::aliased) | `NA` coefficient (`glm` QR pivoting) |
//! | Logistic: complete or quasi-complete separation | [`LogisticFit::separation`](crate::LogisticFit::separation) names the columns, [`StopReason::Diverging`](crate::StopReason::Diverging) | warning "fitted probabilities numerically 0 or 1 occurred" |
//! | Logistic / Firth: iteration limit | `Ok` fit, convergence flag | warning "algorithm did not converge" |
//! | Firth under separation | finite estimates (that is the point of the penalty) | `logistf` finite estimates |
//! | survreg: iteration limit reached, or the likelihood not finite | `Ok` fit, [`SurvRegFit::convergence`](crate::SurvRegFit::convergence) not converged; [`SurvRegFit::require_converged`](crate::SurvRegFit::require_converged) turns it into an error | warning "Ran out of iterations and did not converge" |
//! | survreg: a parameter with zero variance (aliased column) | coefficient NaN, [`SurvRegFit::aliased`](crate::SurvRegFit::aliased) `true` | `NA` coefficient |
//! | Kaplan–Meier: curve never falls to 0.5 | [`KmFit::median`](crate::KmFit::median) `None`, interval ends `None` | `NA` median / LCL / UCL |
//! | Kaplan–Meier: a group (or the whole data) without events | survival 1 throughout, median `None`, SE 0 | the same |
//! | Kaplan–Meier: time points after the last time | left out of [`KmFit::survival_at`](crate::KmFit::survival_at) | `summary(times =, extend = FALSE)` leaves them out |
//! | Log-rank: a group without events | observed 0, the test uses it | the same |
//! | iRECIST: target not evaluated, baseline only, non-target-only disease | `NE` responses and categories with a reason | (no R package) |
