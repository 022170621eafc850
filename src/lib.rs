//! statusref: a static site generator for protocol reply codes, with a page for every code and
//! for every pair of codes within a protocol.
//!
//! The build is one pipeline, one module per stage, data flowing one way:
//! [`load`] (files to sources: settings, front matter, markdown sections and their links) →
//! [`catalog`] (the validated model: each protocol's scheme, vocabulary, classes, fact fields and
//! codes, and the numbers codes of several protocols share) → [`compare`] (pairs and relevance)
//! → [`render`] (markdown to HTML, each page rendered once for both link styles, Tera contexts
//! with sentences from [`prose`], head and JSON-LD, search index, sitemaps) →
//! [`write`] (the output folder, which it first claims as its own). [`site`] runs the stages in
//! order, one pass writing both the pages and the offline bundle; [`check`] runs them without
//! writing, [`serve`] again on every change.

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
