//! Writes a synthetic site for benchmarks: `cargo run --release --example synthetic -- DIR M`.

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(m)) = (args.next(), args.next().and_then(|m| m.parse().ok())) else {
        eprintln!("usage: synthetic DIR M");
        std::process::exit(2);
    };
    if let Err(e) = statusref::synthetic::write_site(std::path::Path::new(&dir), m) {
        eprintln!("cannot write {dir}: {e}");
        std::process::exit(1);
    }
}
