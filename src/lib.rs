//! statusref: a static site generator for protocol reply codes, with a page for every code and
//! for every pair of codes within a protocol.
//!
//! The build is one pipeline, one module per stage, data flowing one way:
//! [`load`] (files to sources) → [`catalog`] (validated model) → [`compare`] (pairs and
//! relevance) → [`render`] (Tera contexts, with sentences from [`prose`]) → [`write`] (the output
//! folder). [`site`] runs the stages in order.

pub mod catalog;
pub mod check;
pub mod compare;
pub mod dates;
pub mod error;
pub mod load;
pub mod prose;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod synthetic;
pub mod write;

pub use error::{Diagnostic, Error, Result};
pub use render::LinkStyle;
pub use site::{BuildOptions, BuildReport, Progress, build, build_with_progress, load_catalog};
