//! `statusref check`: validates content and templates and every internal link, writing nothing.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site folder, holding content/, templates/ and static/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

pub fn run(args: CheckArgs) -> Result<(), statusref::Error> {
    let report = statusref::check::check(&args.root)?;
    eprintln!(
        "{} pages and {} links checked: no problems",
        report.pages, report.links
    );
    Ok(())
}
