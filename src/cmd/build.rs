//! `statusref build`: writes the site.

use std::path::PathBuf;

use clap::Args;
use statusref::{BuildOptions, LinkStyle};

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site folder, holding content/, templates/ and static/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Where to write the site [default: ROOT/public].
    #[arg(long)]
    out: Option<PathBuf>,
    /// The absolute URL the site is published at, instead of site.toml's base_url.
    #[arg(long)]
    base_url: Option<String>,
    /// Write a site that works opened from disk: every link relative and naming its file.
    #[arg(long)]
    offline: bool,
    /// Do not write the offline bundle into the output (it is written by default).
    #[arg(long)]
    no_bundle: bool,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: BuildArgs) -> Result<(), statusref::Error> {
    let options = BuildOptions {
        out: args.out.clone().unwrap_or_else(|| args.root.join("public")),
        root: args.root,
        base_url: args.base_url,
        links: if args.offline {
            LinkStyle::File
        } else {
            LinkStyle::Directory
        },
        bundle: !args.no_bundle && !args.offline,
    };
    let report = statusref::build(&options)?;
    if !args.quiet {
        eprintln!("{report} → {}", options.out.display());
    }
    Ok(())
}
