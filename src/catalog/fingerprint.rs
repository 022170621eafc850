//! Fingerprint: what the pages of a catalog hang on, as hashes, so that a build can tell which
//! comparison pages would come out as the last build left them without rendering them.
//!
//! A comparison page shows its two codes in full, its note if it has one, and of the rest of the
//! catalog only what every page may show: names, classes, facts, relevance. So the catalog is
//! hashed in three parts: each code's own text (its sections, and the date its file changed),
//! each pair note, and everything else. The hash is of the catalog's `Debug` form, so that a
//! field added to the catalog is covered without being listed here.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hasher};

use super::{Catalog, CodeId, Note};

pub struct Fingerprint {
    /// Everything but the codes' own text and the notes.
    pub shared: u64,
    /// Per protocol and code, its own text.
    pub codes: Vec<Vec<u64>>,
    /// Per protocol, each note by its pair.
    pub notes: Vec<BTreeMap<(CodeId, CodeId), u64>>,
}

impl Fingerprint {
    pub fn of(catalog: &Catalog) -> Fingerprint {
        let mut outline = catalog.clone();
        // Shown with the content they warn about, not on any page.
        outline.warnings.clear();
        let mut codes = Vec::new();
        let mut notes = Vec::new();
        for p in &mut outline.protocols {
            codes.push(
                p.codes
                    .iter_mut()
                    .map(|c| {
                        let own = (
                            std::mem::take(&mut c.sections),
                            std::mem::take(&mut c.modified),
                        );
                        debug_hash(&own)
                    })
                    .collect(),
            );
            // The notes' pairs stay in the outline: which pairs have one orders the code pages.
            notes.push(
                p.notes
                    .iter_mut()
                    .map(|(pair, note)| {
                        let empty = Note {
                            markdown: String::new(),
                            modified: Default::default(),
                        };
                        (*pair, debug_hash(&std::mem::replace(note, empty)))
                    })
                    .collect(),
            );
        }
        Fingerprint {
            shared: debug_hash(&outline),
            codes,
            notes,
        }
    }
}

fn debug_hash(value: &impl std::fmt::Debug) -> u64 {
    struct Writer(DefaultHasher);
    impl std::fmt::Write for Writer {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.write(s.as_bytes());
            Ok(())
        }
    }
    let mut writer = Writer(DefaultHasher::new());
    // Writing to a hasher cannot fail.
    let _ = std::fmt::write(&mut writer, format_args!("{value:?}"));
    writer.0.finish()
}

impl Fingerprint {
    /// Each part by the name a build record keeps it under.
    pub fn parts(&self, catalog: &Catalog) -> Vec<(String, u64)> {
        let mut parts = Vec::new();
        for ((p, codes), notes) in catalog.protocols.iter().zip(&self.codes).zip(&self.notes) {
            for (code, hash) in p.codes.iter().zip(codes) {
                parts.push((format!("code {}/{}", p.slug, code.slug), *hash));
            }
            for (&(a, b), hash) in notes {
                let pair = format!("{}-vs-{}", p.code(a).slug, p.code(b).slug);
                parts.push((format!("note {}/{pair}", p.slug), *hash));
            }
        }
        parts
    }

    /// Which codes and notes hash as they did in `previous` (a record's parts by name).
    pub fn unchanged(&self, catalog: &Catalog, previous: &HashMap<String, u64>) -> Unchanged {
        let same = |name: String, hash: u64| previous.get(&name) == Some(&hash);
        Unchanged {
            codes: catalog
                .protocols
                .iter()
                .zip(&self.codes)
                .map(|(p, hashes)| {
                    p.codes
                        .iter()
                        .zip(hashes)
                        .map(|(c, &h)| same(format!("code {}/{}", p.slug, c.slug), h))
                        .collect()
                })
                .collect(),
            changed_notes: catalog
                .protocols
                .iter()
                .zip(&self.notes)
                .map(|(p, notes)| {
                    notes
                        .iter()
                        .filter(|&(&(a, b), &h)| {
                            let pair = format!("{}-vs-{}", p.code(a).slug, p.code(b).slug);
                            !same(format!("note {}/{pair}", p.slug), h)
                        })
                        .map(|(&pair, _)| pair)
                        .collect()
                })
                .collect(),
        }
    }
}

/// The codes and notes unchanged since the last build.
pub struct Unchanged {
    codes: Vec<Vec<bool>>,
    changed_notes: Vec<BTreeSet<(CodeId, CodeId)>>,
}

impl Unchanged {
    /// Whether the comparison of codes `low` and `high` of protocol `pi` is made only of
    /// unchanged parts: both codes and its note, if it has one.
    pub fn pair(&self, pi: usize, low: CodeId, high: CodeId) -> bool {
        let code = |id: CodeId| self.codes[pi].get(id.0).copied().unwrap_or(false);
        code(low) && code(high) && !self.changed_notes[pi].contains(&(low, high))
    }
}
