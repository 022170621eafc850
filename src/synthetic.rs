//! Synthetic sites, for benchmarks and tests: `m` codes of an FTP-like protocol in the project's
//! own content format, each with realistic sections — paragraphs, a list, inline code, an
//! internal link and a code block — so that building one costs what building real content does.

use std::fs;
use std::io;
use std::path::Path;

/// The protocol settings the synthetic codes use: the shipped FTP ones.
const PROTOCOL: &str = include_str!("../content/ftp/_protocol.toml");

/// Writes `content/` for a site of `m` codes, numbered from 100 (at most 500 fit the form).
pub fn write_site(dir: &Path, m: usize) -> io::Result<()> {
    let content = dir.join("content/ftp");
    fs::create_dir_all(&content)?;
    fs::write(
        dir.join("content/site.toml"),
        "title = \"Synthetic\"\nbase_url = \"https://synthetic.example.org\"\ndescription = \"A generated site for tests and benchmarks of many pairs.\"\nlanguage = \"en\"\n",
    )?;
    fs::write(content.join("_protocol.toml"), PROTOCOL)?;
    for i in 0..m {
        let code = 100 + i;
        let other = 100 + (i + 1) % m;
        let text = format!(
            "+++\ncode = \"{code}\"\nname = \"Synthetic Reply {code}\"\nsummary = \"The server sends reply {code} in a situation made up for this test site.\"\nstatus = \"standard\"\nspecs = [\"RFC 959 §4.2.1\"]\nreturned_by = [\"STOR\", \"RETR\"]\nconfused_with = [\"{other}\"]\n+++\n\n## Description\n\nReply {code} stands for one made-up outcome of a command, described in a paragraph long enough to look like real text. It differs from [{other}](@{other}) in a way that only this site knows about.\n\n## When you see it\n\n- After `RETR` when the made-up condition {code} holds.\n- After `STOR` when the same condition holds for an upload.\n\n## How to fix\n\n### As a client user\n\nSend the command again once the condition is gone.\n\n### As a server administrator\n\nCheck the server log for entries about condition {code}.\n\n## Example\n\n```\nC: RETR file.txt\nS: {code} Synthetic reply.\n```\n"
        );
        fs::write(content.join(format!("{code}.md")), text)?;
    }
    Ok(())
}
