//! Front matter: the `+++` TOML table of a code file, read key by key.
//!
//! Reading the parsed table by hand rather than through serde lets one pass report every
//! problem in a file with its line and field, and read the fact fields a protocol declares
//! beside the built-in keys. Not for: what the values mean (the catalog's business).

use std::collections::BTreeSet;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Located, line_of, nearest};
use crate::error::Diagnostic;

/// A value of a key the catalog interprets by the protocol's declarations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Raw {
    Text(String),
    List(Vec<String>),
    Integer(i64),
    Bool(bool),
}

/// One front-matter table, with the keys not yet read.
pub struct Front<'t> {
    table: DeTable<'t>,
    text: &'t str,
    /// The file line that holds the table's first line, less one.
    first_line: usize,
    path: &'t Path,
    taken: BTreeSet<String>,
    /// Required keys that are not there, reported by [`Front::finish`].
    missing: Vec<String>,
    /// Where the table starts, for problems with no line of their own (a missing key).
    opening_line: usize,
}

impl<'t> Front<'t> {
    /// Parses `text`, whose first line is line `first_line + 1` of `path`.
    pub fn parse(
        text: &'t str,
        path: &'t Path,
        first_line: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Front<'t>> {
        match DeTable::parse(text) {
            Ok(table) => Some(Front {
                table: table.into_inner(),
                text,
                first_line,
                path,
                taken: BTreeSet::new(),
                missing: Vec::new(),
                opening_line: first_line.max(1),
            }),
            Err(err) => {
                let line = first_line + err.span().map_or(1, |s| line_of(text, s.start));
                diagnostics
                    .push(Diagnostic::new(path, err.message().trim().to_string()).at_line(line));
                None
            }
        }
    }

    fn line(&self, span: std::ops::Range<usize>) -> usize {
        self.first_line + line_of(self.text, span.start)
    }

    fn take(&mut self, key: &str) -> Option<&Spanned<DeValue<'t>>> {
        self.taken.insert(key.to_string());
        self.table.get(key)
    }

    fn wrong_type(&self, key: &str, want: &str, value: &Spanned<DeValue>) -> Diagnostic {
        Diagnostic::new(
            self.path,
            format!("expected {want}, found {}", value.get_ref().type_str()),
        )
        .at_line(self.line(value.span()))
        .field(key)
    }

    /// A string the file may leave out.
    pub fn string(
        &mut self,
        key: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Located<String>> {
        let value = self.take(key)?.clone();
        match value.get_ref().as_str() {
            Some(s) => Some(Located {
                value: s.to_string(),
                line: self.line(value.span()),
            }),
            None => {
                diagnostics.push(self.wrong_type(key, "a string", &value));
                None
            }
        }
    }

    /// A string the file must have; its absence is reported.
    pub fn required_string(
        &mut self,
        key: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Located<String>> {
        if self.table.get(key).is_none() {
            self.missing(key);
            return None;
        }
        self.string(key, diagnostics)
    }

    fn missing(&mut self, key: &str) {
        self.taken.insert(key.to_string());
        self.missing.push(key.to_string());
    }

    /// A list of strings, each with its line; empty when the key is left out and not
    /// `required`. Returns the list and the line of the key.
    pub fn strings(
        &mut self,
        key: &str,
        required: bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<(Vec<Located<String>>, usize)> {
        let Some(value) = self.take(key).cloned() else {
            if required {
                self.missing(key);
                return None;
            }
            return Some((Vec::new(), self.opening_line));
        };
        let line = self.line(value.span());
        let Some(array) = value.get_ref().as_array() else {
            diagnostics.push(self.wrong_type(key, "a list of strings", &value));
            return None;
        };
        let mut items = Vec::new();
        for item in array.iter() {
            match item.get_ref().as_str() {
                Some(s) => items.push(Located {
                    value: s.to_string(),
                    line: self.line(item.span()),
                }),
                None => {
                    diagnostics.push(self.wrong_type(key, "a list of strings", &value));
                    return None;
                }
            }
        }
        Some((items, line))
    }

    /// An integer the file may leave out.
    pub fn integer(
        &mut self,
        key: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Located<i64>> {
        let value = self.take(key)?.clone();
        let number = match value.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
            _ => None,
        };
        match number {
            Some(n) => Some(Located {
                value: n,
                line: self.line(value.span()),
            }),
            None => {
                diagnostics.push(self.wrong_type(key, "a whole number", &value));
                None
            }
        }
    }

    /// A value whose type the protocol declares: text, a list of strings, a number or a flag.
    pub fn raw(&mut self, key: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<Located<Raw>> {
        let value = self.take(key)?.clone();
        let line = self.line(value.span());
        let raw = match value.get_ref() {
            DeValue::String(s) => Raw::Text(s.to_string()),
            DeValue::Boolean(b) => Raw::Bool(*b),
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Raw::Integer(n),
                Err(_) => {
                    diagnostics.push(self.wrong_type(key, "a smaller number", &value));
                    return None;
                }
            },
            DeValue::Array(_) => Raw::List(self.strings_of(key, &value, diagnostics)?),
            _ => {
                diagnostics.push(self.wrong_type(
                    key,
                    "a string, a list, a number or a flag",
                    &value,
                ));
                return None;
            }
        };
        Some(Located { value: raw, line })
    }

    fn strings_of(
        &self,
        key: &str,
        value: &Spanned<DeValue>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Vec<String>> {
        let array = value.get_ref().as_array()?;
        let items: Option<Vec<String>> = array
            .iter()
            .map(|item| item.get_ref().as_str().map(str::to_string))
            .collect();
        if items.is_none() {
            diagnostics.push(self.wrong_type(key, "a list of strings", value));
        }
        items
    }

    /// Reports every key that was not read, with the nearest of `known` where one is close, and
    /// every required key that is missing, unless a misspelt key already stands for it.
    pub fn finish(self, known: &[&str], diagnostics: &mut Vec<Diagnostic>) {
        let mut meant = Vec::new();
        for (key, value) in self.table.iter() {
            let key: &str = key.get_ref();
            if self.taken.contains(key) {
                continue;
            }
            let mut d = Diagnostic::new(
                self.path,
                format!("unknown field `{key}`, expected one of {}", list(known)),
            )
            .at_line(self.line(value.span()))
            .field(key);
            if let Some(near) = nearest(key, known) {
                d = d.hint(format!("did you mean `{near}`?"));
                meant.push(near);
            }
            diagnostics.push(d);
        }
        for key in &self.missing {
            if !meant.contains(&key.as_str()) {
                diagnostics.push(
                    Diagnostic::new(self.path, format!("missing field `{key}`"))
                        .at_line(self.opening_line)
                        .field(key.as_str()),
                );
            }
        }
    }
}

fn list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
