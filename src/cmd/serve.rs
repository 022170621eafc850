//! `statusref serve`: builds, serves on 127.0.0.1, and rebuilds and reloads on every change.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use clap::Args;
use statusref::serve::{ServeOptions, serve};

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    site: super::Root,
    /// The port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// The address to listen on. Only change it to share the preview on a trusted network.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// Seconds a connection may take to send a request's headers before it is closed.
    #[arg(long, default_value_t = 10)]
    header_timeout: u64,
}

pub fn run(args: ServeArgs) -> Result<(), statusref::Error> {
    let root = args.site.root.clone();
    serve(
        ServeOptions {
            root: args.site.root,
            addr: SocketAddr::new(args.bind, args.port),
            header_timeout: std::time::Duration::from_secs(args.header_timeout),
        },
        move |addr| {
            // Printed on stdout, one line, so scripts and tests can read the address.
            println!(
                "Serving {} at http://{addr}/ (Ctrl-C to stop)",
                root.display()
            );
        },
    )
}
