//! One file per subcommand; each turns parsed arguments into a library call.

use std::path::PathBuf;

use clap::Args;

/// The site folder, which every subcommand takes.
#[derive(Debug, Args)]
pub struct Root {
    /// The site folder, holding content/, templates/ and static/.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

pub mod build;
pub mod bundle;
pub mod check;
pub mod new;
pub mod serve;

/// Shows what the content allows but probably did not mean; a warning never fails a command.
pub fn print_warnings(warnings: &[statusref::Diagnostic]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}
