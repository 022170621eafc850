//! `statusref bundle`: writes the offline site as one zip file.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args)]
pub struct BundleArgs {
    #[command(flatten)]
    site: super::Root,
    /// The zip file to write [default: ROOT/statusref-offline.zip].
    #[arg(long)]
    out: Option<PathBuf>,
    /// The absolute URL the site is published at, for canonical links.
    #[arg(long)]
    base_url: Option<String>,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: BundleArgs) -> Result<(), statusref::Error> {
    let out = args
        .out
        .unwrap_or_else(|| args.site.root.join(statusref::site::BUNDLE_FILE));
    let bytes = statusref::site::bundle(&args.site.root, args.base_url.as_deref(), &out)?;
    if !args.quiet {
        eprintln!(
            "{} ({bytes} bytes): unzip it and open statusref/index.html",
            out.display()
        );
    }
    Ok(())
}
