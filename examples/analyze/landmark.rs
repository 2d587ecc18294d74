//! `--landmark L --landmark-group COL`, shared by `km`, `logrank` and `cox`: the landmark
//! analysis at time `L` (R: `subset(d, time > L)`, time `time - L`, group `COL <= L`).
//!
//! Only rows still under follow-up after `L` (time `> L`) are kept, time is counted from `L`,
//! and the group is `1` if `COL <= L` (the event defining the group happened by the landmark),
//! else `0`; an empty / `NA` `COL` means "never" (group `0`) and does not drop the row. JSON
//! adds `landmark: {time, n_kept, n_excluded}` (`n_excluded`: complete rows with time `<= L`).

use std::path::{Path, PathBuf};

use oncostat::SurvivalData;
use oncostat::endpoints::Landmark;
use serde_json::{Value, json};

use crate::cli::CliError;
use crate::parse::finite_number;
use crate::table::{Columns, Kind, Table};

/// The landmark options.
#[derive(Debug, clap::Args)]
pub struct LandmarkArgs {
    /// Landmark time L: keep rows with time > L, count time from L (needs --landmark-group).
    #[arg(long, value_name = "L", value_parser = finite_number, allow_negative_numbers = true, requires = "landmark_group")]
    pub landmark: Option<f64>,
    /// Column of the day the grouping event happened (empty: never): group 1 if COL <= L.
    #[arg(long, value_name = "COL", requires = "landmark")]
    pub landmark_group: Option<String>,
}

impl LandmarkArgs {
    /// The landmark subset of the complete rows `cols` (time and event as read), or `None`
    /// without `--landmark`.
    pub fn subset(
        &self,
        table: &Table,
        cols: &Columns,
        time: &[f64],
        event: &[f64],
    ) -> Result<Option<Landmark>, CliError> {
        let (Some(at), Some(col)) = (self.landmark, self.landmark_group.as_deref()) else {
            return Ok(None);
        };
        let switch = table.optional_numbers(col, &cols.rows)?;
        let event: Vec<bool> = event.iter().map(|&e| e > 0.5).collect();
        Landmark::new(at, time, &event, &switch)
            .map(Some)
            .map_err(|e| CliError::from_lib(e, table.path(), &cols.rows))
    }

    /// The complete rows of `spec` (`time` and `event` among them), the landmark subset of
    /// them (`None` without `--landmark`) and the file's path, the table dropped. Without
    /// a landmark the table's numeric columns are moved out, not copied
    /// ([`Table::into_columns`]); the landmark analysis reads its group column from the
    /// table first.
    pub fn read(
        &self,
        table: Table,
        spec: &[(&str, Kind)],
        time: &str,
        event: &str,
    ) -> Result<(Columns, Option<Landmark>, PathBuf), CliError> {
        if self.landmark.is_none() {
            let (cols, path) = table.into_columns(spec)?;
            return Ok((cols, None, path));
        }
        let cols = table.columns(spec)?;
        let landmark = self.subset(&table, &cols, cols.number(time)?, cols.number(event)?)?;
        Ok((cols, landmark, table.into_path()))
    }
}

/// The survival data of the analysis: the landmark subset's, else the complete rows' time
/// and event, moved out of `cols` (the event column freed once the flags are made).
pub fn survival_data(
    cols: &mut Columns,
    landmark: Option<&Landmark>,
    time: &str,
    event: &str,
    path: &Path,
) -> Result<SurvivalData, CliError> {
    if let Some(lm) = landmark {
        return Ok(lm.data().clone());
    }
    let status = cols.take_number(event)?;
    let time = if time == event {
        status.clone()
    } else {
        cols.take_number(time)?
    };
    let data = SurvivalData::from_status(time, &status);
    drop(status);
    data.map_err(|e| CliError::from_lib(e, path, &cols.rows))
}

/// The `landmark` JSON object.
pub fn landmark_json(lm: &Landmark) -> Value {
    json!({
        "time": lm.time(),
        "n_kept": lm.n_kept(),
        "n_excluded": lm.n_excluded(),
    })
}

/// The text line of a landmark analysis.
pub fn landmark_text(lm: &Landmark, col: &str) -> String {
    let time = oncostat::table::format_signif(lm.time(), 7);
    format!(
        "Landmark at {}: {} rows followed beyond it (time counted from the landmark), {} excluded; group 1 = {col} <= {}\n",
        time,
        lm.n_kept(),
        lm.n_excluded(),
        time
    )
}
