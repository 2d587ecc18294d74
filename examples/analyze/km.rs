//! The `km` command (stub until the module lands; replace this file).

use crate::cli::{Args, CliError, CommandSpec, Output, not_available};
use crate::table::Table;

/// Options of `km`.
pub const SPEC: CommandSpec = CommandSpec {
    values: &["time", "event", "group", "at", "conf-type"],
    flags: &[],
};

/// Runs `km`.
pub fn run(_args: &Args, _table: &Table) -> Result<Output, CliError> {
    Err(not_available("km"))
}
