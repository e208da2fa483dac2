//! The `accord` command: see `accord --help`.

use std::process::ExitCode;

fn main() -> ExitCode {
    accord::cli::run()
}
