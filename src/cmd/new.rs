//! `statusref new`: starts a content file for a code.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The protocol's folder name under content/, e.g. `ftp`.
    protocol: String,
    /// The code, e.g. `504`.
    code: String,
    /// The site folder, holding content/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

pub fn run(args: NewArgs) -> Result<(), statusref::Error> {
    let path = statusref::scaffold::new_code(&args.root, &args.protocol, &args.code)?;
    eprintln!(
        "wrote {}: fill in name, summary, specs, returned_by and the sections",
        path.display()
    );
    Ok(())
}
