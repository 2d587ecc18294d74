//! The `logrank` command (stub until the module lands; replace this file).

use crate::cli::{Args, CliError, CommandSpec, Output, not_available};
use crate::table::Table;

/// Options of `logrank`.
pub const SPEC: CommandSpec = CommandSpec {
    values: &["time", "event", "group", "strata", "rho"],
    flags: &[],
};

/// Runs `logrank`.
pub fn run(_args: &Args, _table: &Table) -> Result<Output, CliError> {
    Err(not_available("logrank"))
}
