//! `statusref new`: starts a content file for a code.

use clap::Args;

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The protocol's folder name under content/, e.g. `ftp`.
    protocol: String,
    /// The code, e.g. `504`.
    code: String,
    #[command(flatten)]
    site: super::Root,
}

pub fn run(args: NewArgs) -> Result<(), statusref::Error> {
    let path = statusref::scaffold::new_code(&args.site.root, &args.protocol, &args.code)?;
    eprintln!(
        "wrote {}: fill in name, summary, specs, returned_by and the sections",
        path.display()
    );
    Ok(())
}
