//! Prose: every generated sentence that names codes is composed here, and only here.
//!
//! The rule that keeps it grammatical for every pair: fields from content are placed whole —
//! summaries, class meanings and client actions are complete sentences written to stand alone —
//! and only short atoms (a code, its name, a class label, a command) are set inside sentences
//! written in this file. [`lint`] checks the result; the tests run it over every pair.
//! Not for: layout or HTML; sentences come out as plain text for the templates to escape.

use crate::catalog::{Code, CodeId, Kind, Protocol, Status};

/// "211 System Status".
pub fn label(code: &Code) -> String {
    [code.code.as_str(), " ", &code.name].concat()
}

/// "FTP 211 System Status vs 503 Bad Sequence of Commands".
pub fn pair_heading(p: &Protocol, a: CodeId, b: CodeId) -> String {
    format!("{} {} vs {}", p.name, label(p.code(a)), label(p.code(b)))
}

/// A page title for a pair: "FTP 211 vs 503: System Status vs Bad Sequence of Commands".
pub fn pair_title(p: &Protocol, a: CodeId, b: CodeId) -> String {
    let (ca, cb) = (p.code(a), p.code(b));
    format!(
        "{} {} vs {}: {} vs {}",
        p.name, ca.code, cb.code, ca.name, cb.name
    )
}

/// The longest a meta description may be before search engines cut it.
pub const DESCRIPTION_MAX: usize = 160;

/// Shortens text to at most [`DESCRIPTION_MAX`] characters at a word boundary.
pub fn fit_description(text: &str) -> String {
    if text.chars().count() <= DESCRIPTION_MAX {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + word.chars().count() + 2 > DESCRIPTION_MAX {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    let trimmed = out.trim_end_matches([',', ';', ':', '.']);
    format!("{trimmed}…")
}

/// The meta description of a comparison page, from the two codes and how they relate.
pub fn pair_description(p: &Protocol, a: CodeId, b: CodeId) -> String {
    let (ca, cb) = (p.code(a), p.code(b));
    let long = format!(
        "{} {} vs {}: {} compared with {}, with the causes and fixes of each and how to tell them apart.",
        p.name, ca.code, cb.code, ca.name, cb.name
    );
    if long.chars().count() <= DESCRIPTION_MAX {
        return long;
    }
    let short = format!(
        "{} {} vs {}: {} compared with {}, with causes and fixes.",
        p.name, ca.code, cb.code, ca.name, cb.name
    );
    fit_description(&short)
}

/// The meta description of a code's page: its summary, lengthened when too short to say much.
pub fn code_description(p: &Protocol, id: CodeId) -> String {
    let code = p.code(id);
    let text = if code.summary.chars().count() < 70 {
        format!(
            "{} Meaning, causes and fixes of {} {}.",
            code.summary, p.name, code.code
        )
    } else {
        code.summary.clone()
    };
    fit_description(&text)
}

/// "a" or "an" for a word or label, by how it is said aloud.
fn article(word: &str) -> &'static str {
    let lower = word.to_ascii_lowercase();
    let vowel_sound = lower.starts_with(['a', 'e', 'i', 'o'])
        || lower.starts_with('8')
        || lower.starts_with("11")
        || lower.starts_with("18")
        || lower.starts_with("x");
    if vowel_sound { "an" } else { "a" }
}

/// "a 2yz Positive Completion reply", or what a client-side error is instead.
fn class_phrase(p: &Protocol, id: CodeId) -> String {
    let code = p.code(id);
    match code.kind {
        Kind::Reply => {
            let label = &p.class_of(id).label;
            format!("{} {label} reply", article(label))
        }
        Kind::ClientError => {
            "not a server reply but an error the client reports about its own connection"
                .to_string()
        }
    }
}

/// What a client should do after this code, as a sentence that stands alone.
pub fn client_action(p: &Protocol, id: CodeId) -> String {
    if let Some(action) = &p.code(id).client_action {
        action.clone()
    } else if p.code(id).follows_its_class() {
        p.class_of(id).client_action.clone()
    } else {
        "Follow the advice on this code's own page: no RFC defines it, so its first digit is only a hint of how to react.".to_string()
    }
}

/// Joins items as English does: "A", "A and B", "A, B and C".
pub fn join(items: &[String]) -> String {
    join_with(items, "and")
}

/// Joins items with a conjunction: "A, B or C".
fn join_with(items: &[String], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {conjunction} {last}", init.join(", ")),
    }
}

fn command_name(command: &str) -> String {
    if command == "(connect)" {
        "the greeting when a connection opens".to_string()
    } else {
        command.to_string()
    }
}

/// A list of commands, shortened when long: "PASS, ACCT and RNTO" or
/// "24 commands, among them ABOR, ACCT and ALLO".
fn command_list(commands: &[&String]) -> String {
    command_list_with(commands, "and")
}

fn command_list_with(commands: &[&String], conjunction: &str) -> String {
    const SHOWN: usize = 6;
    let names: Vec<String> = commands.iter().map(|c| command_name(c)).collect();
    if names.len() <= SHOWN {
        join_with(&names, conjunction)
    } else {
        format!("{} commands, among them {}", names.len(), join(&names[..3]))
    }
}

/// The opening paragraph of a comparison: how the two codes relate, and what each means for the
/// client.
pub fn opening(p: &Protocol, a: CodeId, b: CodeId) -> String {
    let (ca, cb) = (p.code(a), p.code(b));
    let mut sentences = Vec::new();
    if ca.class == cb.class {
        match ca.kind {
            Kind::Reply => sentences.push(format!(
                "{} and {} are both {} replies.",
                label(ca),
                label(cb),
                p.class_of(a).label
            )),
            Kind::ClientError => sentences.push(format!(
                "{} and {} are both errors that the client reports about its own connection; no server sends either of them.",
                label(ca),
                label(cb)
            )),
        }
        sentences.push(p.class_of(a).meaning.clone());
        match (p.group_of(a), p.group_of(b)) {
            (Some(ga), Some(gb)) if ga.digit == gb.digit => sentences.push(format!(
                "They also share the second digit {}, the {} group, so what sets them apart is the situation each one reports.",
                ga.digit, ga.label
            )),
            (Some(ga), Some(gb)) => sentences.push(format!(
                "Their second digits differ: {} is in the {} group and {} in the {} group.",
                ca.code, ga.label, cb.code, gb.label
            )),
            _ => {}
        }
    } else {
        sentences.push(format!(
            "{} is {}, while {} is {}.",
            label(ca),
            class_phrase(p, a),
            label(cb),
            class_phrase(p, b)
        ));
        sentences.push(p.class_of(a).meaning.clone());
        sentences.push(p.class_of(b).meaning.clone());
    }
    sentences.join(" ")
}

/// Key differences: one entry per aspect, each one or two complete sentences about this pair.
pub fn differences(p: &Protocol, a: CodeId, b: CodeId) -> Vec<String> {
    let (ca, cb) = (p.code(a), p.code(b));
    let mut items = Vec::new();

    // What the client does next.
    let (action_a, action_b) = (client_action(p, a), client_action(p, b));
    let unpromised = ca.class == cb.class && !(ca.follows_its_class() && cb.follows_its_class());
    if unpromised {
        let (odd, other) = if ca.follows_its_class() {
            (cb, ca)
        } else {
            (ca, cb)
        };
        let other_text = if other.follows_its_class() {
            format!("{} keeps the promise of its class", other.code)
        } else {
            format!("neither does {}", other.code)
        };
        items.push(format!(
            "They share a first digit, but {} is not defined by any RFC, so the class does not promise how to react to it; {other_text}.",
            odd.code
        ));
    } else if action_a == action_b {
        items.push(format!(
            "After either reply the client's next step is the same. {action_a}"
        ));
    } else {
        items.push(format!(
            "They call for different next steps. After {}: {action_a} After {}: {action_b}",
            ca.code, cb.code
        ));
    }

    // Function group (second digit), where both have one.
    match (p.group_of(a), p.group_of(b)) {
        (Some(ga), Some(gb)) if ga.digit != gb.digit && ca.class == cb.class => {}
        (Some(ga), Some(gb)) if ga.digit != gb.digit => items.push(format!(
            "The second digit puts {} in the {} group and {} in the {} group.",
            ca.code, ga.label, cb.code, gb.label
        )),
        (Some(ga), Some(_)) if ca.class != cb.class => items.push(format!(
            "Despite their different outcomes, both belong to the {} group. {}",
            ga.label, ga.meaning
        )),
        _ => {}
    }

    items.extend(commands_difference(ca, cb));

    // Standing: standard or not, and where each is defined.
    items.push(standing(ca, cb));

    if ca.confused_with.contains(&b) || cb.confused_with.contains(&a) {
        items.push(format!(
            "{} and {} are a commonly confused pair, so compare the situations described above before acting on either.",
            ca.code, cb.code
        ));
    }
    items
}

fn commands_difference(ca: &Code, cb: &Code) -> Vec<String> {
    let mut items = Vec::new();
    let shared: Vec<&String> = ca
        .returned_by
        .iter()
        .filter(|c| cb.returned_by.contains(c))
        .collect();
    let only = |x: &'_ Code, y: &Code| -> Vec<String> {
        x.returned_by
            .iter()
            .filter(|c| !y.returned_by.contains(c))
            .cloned()
            .collect()
    };
    let (only_a, only_b) = (only(ca, cb), only(cb, ca));
    let list = |v: &[String]| command_list(&v.iter().collect::<Vec<_>>());

    match (ca.returned_by.is_empty(), cb.returned_by.is_empty()) {
        (true, true) => items.push(format!(
            "No command is listed as returning {} or {}, so the command you sent does not tell them apart.",
            ca.code, cb.code
        )),
        (true, false) | (false, true) => {
            let (none, some) = if ca.returned_by.is_empty() { (ca, cb) } else { (cb, ca) };
            let why = if none.kind == Kind::ClientError {
                format!("no command returns {}, because the client produces it itself", none.code)
            } else {
                format!("the command tables list no command that returns {}", none.code)
            };
            items.push(format!("{} can answer {}, while {why}.", some.code, list(&some.returned_by)));
        }
        (false, false) => {
            if !shared.is_empty() {
                let all_shared = only_a.is_empty() && only_b.is_empty();
                items.push(if all_shared {
                    format!(
                        "Both can answer exactly the same commands ({}), so the command alone does not tell them apart.",
                        command_list(&shared)
                    )
                } else {
                    format!("Both can answer {}.", command_list(&shared))
                });
            }
            // "Only" is scoped to the pair: other codes may answer the same commands.
            const SHORT: usize = 6;
            let exclusive_of = |code: &Code, only: &[String], other: &Code| {
                if only.len() <= SHORT {
                    format!("Of the two, only {} answers {}.", code.code, list(only))
                } else {
                    format!(
                        "{} also answers {} commands that never return {}, among them {}.",
                        code.code,
                        only.len(),
                        other.code,
                        join(&only[..3])
                    )
                }
            };
            let mut exclusive = Vec::new();
            if !only_a.is_empty() {
                exclusive.push(exclusive_of(ca, &only_a, cb));
            }
            if !only_b.is_empty() {
                exclusive.push(exclusive_of(cb, &only_b, ca));
            }
            if shared.is_empty() {
                items.push(format!(
                    "They never answer the same command: {} comes back from {}, and {} from {}.",
                    ca.code,
                    list(&ca.returned_by),
                    cb.code,
                    list(&cb.returned_by)
                ));
            } else if !exclusive.is_empty() {
                items.push(exclusive.join(" "));
            }
        }
    }
    items
}

/// "a standard reply (RFC 959 §4.2.1)".
fn standing_phrase(code: &Code) -> String {
    let what = match (code.kind, code.status) {
        (Kind::ClientError, _) => "a client-side error number".to_string(),
        (Kind::Reply, Status::NonStandard) => {
            "a non-standard reply that no RFC defines".to_string()
        }
        (Kind::Reply, status) => format!("{} {} reply", article(status.as_str()), status.as_str()),
    };
    match code.specs.first() {
        Some(spec) if code.status != Status::NonStandard || code.kind == Kind::ClientError => {
            format!("{what} ({spec})")
        }
        _ => what,
    }
}

/// The document part of a spec reference: "RFC 959" of "RFC 959 §4.2.1".
fn document(spec: &str) -> &str {
    spec.split('§').next().unwrap_or(spec).trim()
}

fn standing(ca: &Code, cb: &Code) -> String {
    let same_document = match (ca.specs.first(), cb.specs.first()) {
        (Some(x), Some(y)) => document(x) == document(y),
        _ => false,
    };
    if ca.status == cb.status
        && ca.status != Status::NonStandard
        && ca.kind == Kind::Reply
        && cb.kind == Kind::Reply
        && same_document
    {
        let doc = ca.specs.first().map(|s| document(s)).unwrap_or_default();
        format!("Both are {} replies defined in {doc}.", ca.status)
    } else {
        format!(
            "{} is {}, whereas {} is {}.",
            ca.code,
            standing_phrase(ca),
            cb.code,
            standing_phrase(cb)
        )
    }
}

/// A paragraph for one side of "When to use which".
pub struct Which {
    pub label: String,
    pub text: String,
}

/// When each code applies, and how to tell them apart when the same command can get either.
pub fn which(p: &Protocol, a: CodeId, b: CodeId) -> (Vec<Which>, String) {
    let sides = [a, b]
        .into_iter()
        .map(|id| {
            let code = p.code(id);
            Which {
                label: label(code),
                text: format!("{} {}", code.summary, client_action(p, id)),
            }
        })
        .collect();
    let (ca, cb) = (p.code(a), p.code(b));
    let shared: Vec<&String> = ca
        .returned_by
        .iter()
        .filter(|c| cb.returned_by.contains(c))
        .collect();
    let rule = if ca.kind != cb.kind {
        let (client, reply) = if ca.kind == Kind::ClientError {
            (ca, cb)
        } else {
            (cb, ca)
        };
        format!(
            "If the number arrived as a reply line from the server, it is {}; if the client showed {} without a reply from the server, the problem lies in the network connection itself, not in anything the server answered.",
            reply.code, client.code
        )
    } else if ca.returned_by.is_empty() || cb.returned_by.is_empty() {
        let unlisted: Vec<String> = [ca, cb]
            .iter()
            .filter(|c| c.returned_by.is_empty())
            .map(|c| c.code.clone())
            .collect();
        format!(
            "The command tables do not list {} for any command, so the command you sent does not settle which one you have; the number in the reply does.",
            join(&unlisted)
        )
    } else if !shared.is_empty() && ca.class != cb.class {
        format!(
            "When a reply to {} is one of these two, the first digit settles which case you are in: {} for {} and {} for {}.",
            command_list_with(&shared, "or"),
            first_digit_name(ca),
            ca.code,
            first_digit_name(cb),
            cb.code
        )
    } else if !shared.is_empty() {
        format!(
            "When a reply to {} is one of these two, read the whole code: both start with {}, and the last digits name the situation.",
            command_list_with(&shared, "or"),
            first_digit_name(ca)
        )
    } else {
        format!(
            "The command you sent is the first clue: {} and {} never answer the same command.",
            ca.code, cb.code
        )
    };
    (sides, rule)
}

fn first_digit_name(code: &Code) -> String {
    code.code
        .chars()
        .next()
        .map(String::from)
        .unwrap_or_default()
}

/// Problems a careful reader would notice in generated or written text: doubled words and
/// sentences that start in lower case. Returns a description of each.
pub fn lint(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    for w in words.windows(2) {
        let clean = |s: &str| {
            s.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        };
        let (x, y) = (clean(w[0]), clean(w[1]));
        // Punctuation between them ("503. 503", "that, that") is a different matter.
        let joined = !w[0].ends_with(|c: char| !c.is_alphanumeric());
        if !x.is_empty() && x == y && joined && x.chars().any(char::is_alphabetic) {
            problems.push(format!("doubled word \"{} {}\"", w[0], w[1]));
        }
    }
    const ABBREVIATIONS: [&str; 6] = ["e.g.", "i.e.", "etc.", "vs.", "cf.", "approx."];
    for w in words.windows(2) {
        let ends_sentence = w[0].ends_with(['.', '!', '?'])
            && !ABBREVIATIONS
                .iter()
                .any(|a| w[0].to_lowercase().ends_with(a));
        let starts_lower = w[1].chars().next().is_some_and(|c| c.is_lowercase());
        // "…file.txt" or "v1.2" end in a period only inside a token with more periods.
        let is_name = w[0].trim_end_matches('.').contains('.');
        if ends_sentence && starts_lower && !is_name {
            problems.push(format!(
                "sentence starts in lower case: \"{} {}\"",
                w[0], w[1]
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_reads_as_english() {
        let s = |v: &[&str]| join(&v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&[]), "");
        assert_eq!(s(&["PASS"]), "PASS");
        assert_eq!(s(&["PASS", "ACCT"]), "PASS and ACCT");
        assert_eq!(s(&["PASS", "ACCT", "RNTO"]), "PASS, ACCT and RNTO");
    }

    #[test]
    fn descriptions_fit_in_whole_words() {
        let long = "word ".repeat(60);
        let fitted = fit_description(&long);
        assert!(fitted.chars().count() <= DESCRIPTION_MAX);
        assert!(fitted.ends_with("word…"));
        assert_eq!(fit_description("Short text."), "Short text.");
    }

    #[test]
    fn articles() {
        assert_eq!(article("extension"), "an");
        assert_eq!(article("standard"), "a");
        assert_eq!(article("obsolete"), "an");
        assert_eq!(article("2yz Positive Completion"), "a");
        assert_eq!(article("x1z Information"), "an");
    }

    #[test]
    fn lint_finds_what_the_seeds_got_wrong() {
        assert_eq!(
            lint("You encounter 503 when when you skip a step.").len(),
            1
        );
        assert_eq!(lint("211 indicates that. system status reply.").len(), 1);
        assert!(
            lint("Send RNFR, then RNTO. The server answers 350 first, e.g. after RNFR.").is_empty()
        );
        assert!(lint("Use report.txt. Then rename it.").is_empty());
        assert!(lint("The file report.final.txt. then").is_empty());
    }
}
