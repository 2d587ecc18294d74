//! The `cox` command (stub until the module lands; replace this file).

use crate::cli::{Args, CliError, CommandSpec, Output, not_available};
use crate::table::Table;

/// Options of `cox`.
pub const SPEC: CommandSpec = CommandSpec {
    values: &[
        "time",
        "event",
        "covariates",
        "start",
        "strata",
        "weights",
        "cluster",
        "ties",
    ],
    flags: &["robust", "zph", "firth"],
};

/// Runs `cox`.
pub fn run(_args: &Args, _table: &Table) -> Result<Output, CliError> {
    Err(not_available("cox"))
}
