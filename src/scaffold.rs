//! Scaffold: starts a new code file with the front matter and sections an author fills in.
//!
//! The file is deliberately incomplete — an empty name and summary — so the next build or check
//! points at exactly the lines still to write. Never overwrites a file.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Error, Result};
use crate::load::{PROTOCOL_FILE, ProtocolConfig};

/// Writes `content/<protocol>/<code>.md` under `root` and returns its path.
pub fn new_code(root: &Path, protocol: &str, code: &str) -> Result<PathBuf> {
    let dir = root.join("content").join(protocol);
    let config_path = dir.join(PROTOCOL_FILE);
    let problem = |path: &Path, message: String, hint: String| {
        Error::Content(vec![Diagnostic::new(path, message).hint(hint)])
    };
    let Ok(text) = fs::read_to_string(&config_path) else {
        let known = known_protocols(root);
        return Err(problem(
            &config_path,
            format!("does not exist, so there is no protocol `{protocol}`"),
            if known.is_empty() {
                "create the protocol's folder and its _protocol.toml first".to_string()
            } else {
                format!("known protocols: {}", known.join(", "))
            },
        ));
    };
    let config: ProtocolConfig = toml::from_str(&text).map_err(|e| {
        problem(
            &config_path,
            e.message().to_string(),
            "fix the protocol settings first".to_string(),
        )
    })?;
    let digits_ok = code.chars().all(|c| c.is_ascii_digit());
    let reply = digits_ok
        && code.len() == config.code_digits
        && config.classes.iter().any(|c| code.starts_with(&c.digit));
    let client_error = digits_ok
        && config
            .client_errors
            .as_ref()
            .is_some_and(|ce| code.len() == ce.code_digits);
    if !(reply || client_error) {
        let firsts: Vec<&str> = config.classes.iter().map(|c| c.digit.as_str()).collect();
        return Err(problem(
            &config_path,
            format!("\"{code}\" is not a {} code", config.name),
            format!(
                "{} codes have {} digits, the first one of {}",
                config.name,
                config.code_digits,
                firsts.join(", ")
            ),
        ));
    }
    let path = dir.join(format!("{code}.md"));
    let mut file = match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(problem(
                &path,
                "already exists; it was left as it is".to_string(),
                "edit it, or remove it first to start over".to_string(),
            ));
        }
        Err(e) => return Err(Error::io("cannot create", &path, e)),
    };
    let kind = if client_error && !reply {
        "kind = \"client-error\"\nused_by = \"\"\n"
    } else {
        ""
    };
    let status = if client_error && !reply {
        "non-standard"
    } else {
        "standard"
    };
    let skeleton = format!(
        "+++\ncode = \"{code}\"\nname = \"\"\nsummary = \"\"\nstatus = \"{status}\"\nspecs = []\nreturned_by = []\nconfused_with = []\n{kind}+++\n\n## Description\n\n## When you see it\n\n## How to fix\n\n### As a client user\n\n### As a server administrator\n"
    );
    file.write_all(skeleton.as_bytes())
        .map_err(|e| Error::io("cannot write", &path, e))?;
    Ok(path)
}

fn known_protocols(root: &Path) -> Vec<String> {
    let mut known: Vec<String> = fs::read_dir(root.join("content"))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join(PROTOCOL_FILE).is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    known.sort();
    known
}
