//! One file per subcommand; each turns parsed arguments into a library call.

pub mod build;
pub mod bundle;
pub mod check;
pub mod new;
pub mod serve;
