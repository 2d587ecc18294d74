//! The `irecist` command (stub until the module lands; replace this file).

use crate::cli::{Args, CliError, CommandSpec, Output, not_available};
use crate::table::Table;

/// Options of `irecist`.
pub const SPEC: CommandSpec = CommandSpec {
    values: &["min-sd-days"],
    flags: &[],
};

/// Runs `irecist`.
pub fn run(_args: &Args, _table: &Table) -> Result<Output, CliError> {
    Err(not_available("irecist"))
}
