//! Dates: when each content file last changed, for sitemap `lastmod` and `dateModified`.
//!
//! A file's date is its last commit date when git knows the file and it has no uncommitted
//! change, so a fresh clone builds the same dates as the author's checkout; otherwise it is the
//! file's modification time. One `git log` call covers the whole content folder. Not for: timing
//! builds or anything that should change when nothing in the content did.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// A calendar date; shown as "YYYY-MM-DD".
pub type Date = jiff::civil::Date;

/// The last-change date of every file under `dir` that git can date.
pub struct History {
    committed: HashMap<PathBuf, Date>,
}

impl History {
    pub fn read(dir: &Path) -> History {
        History {
            committed: git_dates(dir).unwrap_or_default(),
        }
    }

    /// When `path` last changed.
    pub fn date_of(&self, path: &Path) -> Date {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if let Some(date) = self.committed.get(&canonical) {
            return *date;
        }
        let modified = std::fs::metadata(path)
            .and_then(|m| m.modified())
            .unwrap_or(UNIX_EPOCH);
        date_of_time(modified)
    }
}

/// Commit dates of files under `dir` that are committed and unchanged since.
fn git_dates(dir: &Path) -> Option<HashMap<PathBuf, Date>> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(top.trim());
    let dirty: Vec<PathBuf> = git(
        dir,
        &["status", "--porcelain", "--no-renames", "-z", "--", "."],
    )?
    .split('\0')
    .filter(|entry| entry.len() > 3)
    .map(|entry| top.join(&entry[3..]))
    .collect();
    // Newest commit first, so the first date seen for a file is its last change.
    let log = git(
        dir,
        &[
            "log",
            "--format=%x00%cs",
            "--name-only",
            "--no-renames",
            "--",
            ".",
        ],
    )?;
    let mut dates = HashMap::new();
    for commit in log.split('\0').filter(|c| !c.trim().is_empty()) {
        let mut lines = commit.lines();
        let Some(date) = lines.next() else { continue };
        for file in lines.filter(|l| !l.is_empty()) {
            let path = top.join(file);
            if !dirty.contains(&path) {
                if let Ok(date) = date.trim().parse::<Date>() {
                    dates.entry(path).or_insert(date);
                }
            }
        }
    }
    Some(dates)
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The UTC calendar date of a time.
pub fn date_of_time(time: SystemTime) -> Date {
    let timestamp = jiff::Timestamp::try_from(time).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    jiff::tz::Offset::UTC.to_datetime(timestamp).date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn calendar_dates() {
        assert_eq!(date_of_time(UNIX_EPOCH).to_string(), "1970-01-01");
        assert_eq!(
            date_of_time(UNIX_EPOCH + Duration::from_secs(951_782_400 + 86_399)).to_string(),
            "2000-02-29"
        );
        assert_eq!(
            date_of_time(UNIX_EPOCH + Duration::from_secs(951_782_400 + 86_400)).to_string(),
            "2000-03-01"
        );
    }
}
