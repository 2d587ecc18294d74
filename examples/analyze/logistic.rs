//! The `logistic` command (stub until the module lands; replace this file).

use crate::cli::{Args, CliError, CommandSpec, Output, not_available};
use crate::table::Table;

/// Options of `logistic`.
pub const SPEC: CommandSpec = CommandSpec {
    values: &["response", "covariates", "ci"],
    flags: &["firth"],
};

/// Runs `logistic`.
pub fn run(_args: &Args, _table: &Table) -> Result<Output, CliError> {
    Err(not_available("logistic"))
}
