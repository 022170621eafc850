//! Errors, written for the person at the terminal.
//!
//! Content problems are collected as [`Diagnostic`]s so that one run reports all of them, each
//! naming its file, line and field. Everything else (I/O, templates) is a single [`Error`] with
//! the context of what was being done. Not for: warnings or progress output.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based line in `file`, where known.
    pub line: Option<usize>,
    /// The front-matter key, section or setting the problem is about.
    pub field: Option<String>,
    pub message: String,
    /// What to do about it, where the fix is obvious.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(file: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line: None,
            field: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl Diagnostic {
    /// The text of the line the problem is on, read when the problem is shown.
    pub fn source_line(&self) -> Option<String> {
        let line = self.line?;
        let bytes = std::fs::read(&self.file).ok()?;
        let text = String::from_utf8_lossy(&bytes);
        let found = text.lines().nth(line.checked_sub(1)?)?;
        let shown: String = found.chars().take(160).collect();
        (!shown.trim().is_empty()).then_some(shown)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "`{field}`: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(text) = self.source_line() {
            let line = self.line.unwrap_or_default();
            write!(f, "\n{line:>5} | {text}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

#[derive(Debug)]
pub enum Error {
    /// The content has problems; every one found is listed.
    Content(Vec<Diagnostic>),
    /// A template failed to parse or render. `detail` is Tera's report, which names the
    /// template and line.
    Template { context: String, detail: String },
    Io {
        context: String,
        path: PathBuf,
        source: std::io::Error,
    },
    /// A destination the build will not write, because doing so could destroy files it did not
    /// write or the site's own inputs.
    Refused {
        path: PathBuf,
        reason: String,
        hint: String,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(context: impl Into<String>, path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            path: path.to_path_buf(),
            source,
        }
    }

    /// A folder could not be walked: an unreadable entry, or a symlink loop.
    pub fn walk(context: impl Into<String>, dir: &Path, err: walkdir::Error) -> Self {
        let path = err.path().unwrap_or(dir).to_path_buf();
        let source = err
            .into_io_error()
            .unwrap_or_else(|| std::io::Error::other("a symlink loop"));
        Error::io(context, &path, source)
    }

    pub fn template(context: impl Into<String>, err: &tera::Error) -> Self {
        // Tera chains the useful part (the report with file and line) as the source.
        let mut detail = err.to_string();
        let mut source = std::error::Error::source(err);
        while let Some(inner) = source {
            let text = inner.to_string();
            if !detail.contains(&text) {
                detail.push('\n');
                detail.push_str(&text);
            }
            source = inner.source();
        }
        Error::Template {
            context: context.into(),
            detail,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Content(diagnostics) => {
                for d in diagnostics {
                    writeln!(f, "error: {d}")?;
                }
                let n = diagnostics.len();
                write!(
                    f,
                    "{n} problem{} in the content; nothing was written",
                    if n == 1 { "" } else { "s" }
                )
            }
            Error::Template { context, detail } => write!(f, "error: {context}\n{detail}"),
            Error::Io {
                context,
                path,
                source,
            } => write!(f, "error: {context} {}: {source}", path.display()),
            Error::Refused { path, reason, hint } => write!(
                f,
                "error: will not write to {}: {reason}; nothing was written\n  hint: {hint}",
                path.display()
            ),
        }
    }
}

impl std::error::Error for Error {}
