//! `statusref check`: validates content and templates and every internal link, writing nothing.

use clap::Args;

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    site: super::Root,
}

pub fn run(args: CheckArgs) -> Result<(), statusref::Error> {
    let report = statusref::check::check(&args.site.root)?;
    super::print_warnings(&report.warnings);
    eprintln!(
        "{} pages and {} links checked: no problems",
        report.pages, report.links
    );
    Ok(())
}
