//! Scaffold: starts a new code file with the front matter and sections an author fills in.
//!
//! The file is deliberately incomplete — an empty name and summary — so the next build or check
//! points at exactly the lines still to write. Its keys are the protocol's: the built-in ones,
//! then the protocol's fact fields. Never overwrites a file.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::catalog::{Form, Scheme};
use crate::error::{Diagnostic, Error, Result};
use crate::load::{PROTOCOL_FILE, ProtocolConfig};

/// Writes `content/<protocol>/<code>.md` under `root` and returns its path.
pub fn new_code(root: &Path, protocol: &str, code: &str) -> Result<PathBuf> {
    let dir = root.join("content").join(protocol);
    let config_path = dir.join(PROTOCOL_FILE);
    let problem = |path: &Path, message: String, hint: String| {
        Error::Content(vec![Diagnostic::new(path, message).hint(hint)])
    };
    let known = known_protocols(root);
    let Ok(text) = fs::read_to_string(&config_path)
        .map_err(|_| ())
        .and_then(|t| {
            // A protocol is a folder of content/, never a path that leads elsewhere.
            if known.iter().any(|k| k == protocol) {
                Ok(t)
            } else {
                Err(())
            }
        })
    else {
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
    let scheme = Scheme::from_config(&config.scheme).map_err(|e| {
        problem(
            &config_path,
            e,
            "fix the protocol settings first".to_string(),
        )
    })?;
    // A class whose codes are longer than the scheme's (FTP clients' socket errors) is named
    // in the file, since the code's form alone picks it.
    let special = config
        .classes
        .iter()
        .find(|c| c.id.is_some() && c.digits.is_some() && scheme.numbers(code, c.digits).is_ok());
    if scheme.numbers(code, None).is_err() && special.is_none() {
        return Err(problem(
            &config_path,
            format!(
                "\"{code}\" is not {} {} code",
                crate::prose::article(&config.name),
                config.name
            ),
            format!(
                "{} codes are written like {}",
                config.name,
                scheme.example()
            ),
        ));
    }
    let path = dir.join(format!("{}.md", scheme.url_part(code)));
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
    let class = special.and_then(|c| c.id.as_deref());
    let skeleton = skeleton(&config, &scheme, code, class);
    file.write_all(skeleton.as_bytes())
        .map_err(|e| Error::io("cannot write", &path, e))?;
    Ok(path)
}

/// The file's text: every key the protocol's codes have, empty, and the required sections.
fn skeleton(config: &ProtocolConfig, scheme: &Scheme, code: &str, class: Option<&str>) -> String {
    let mut text = format!("+++\ncode = \"{code}\"\nname = \"\"\n");
    if scheme.form == Form::Named {
        text.push_str("number = -1\n");
    }
    if let Some(class) = class {
        text.push_str(&format!("class = \"{class}\"\n"));
    }
    let local = class.is_some_and(|id| {
        config
            .classes
            .iter()
            .any(|c| c.id.as_deref() == Some(id) && c.origin.as_deref() == Some("local"))
    });
    let status = if local { "non-standard" } else { "standard" };
    text.push_str(&format!(
        "summary = \"\"\nstatus = \"{status}\"\nspecs = []\nconfused_with = []\n"
    ));
    if local {
        text.push_str("used_by = \"\"\n");
    }
    for fact in &config.facts {
        let empty = if fact.kind == "list" { "[]" } else { "\"\"" };
        text.push_str(&format!("{} = {empty}\n", fact.key));
    }
    text.push_str("+++\n\n## Description\n\n## When you see it\n\n## How to fix\n");
    for heading in &config.authoring.fix_headings {
        text.push_str(&format!("\n### {heading}\n"));
    }
    text
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
