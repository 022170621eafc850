//! Prose: every generated sentence that names codes is composed here, and only here.
//!
//! The rule that keeps it grammatical for every pair: fields from content are placed whole —
//! summaries, class meanings and client actions are complete sentences written to stand alone —
//! and only short atoms (a code, its name, a class label, a command) are set inside sentences
//! written in this file. [`lint`] checks the result; the tests run it over every pair.
//! Not for: layout or HTML; sentences come out as plain text for the templates to escape.

use crate::catalog::{Code, CodeId, FactKind, FactValue, ListField, Origin, Protocol, Status};

/// "211 System Status"; a named code with no further name is its name alone ("UNAVAILABLE"),
/// and a vendor's code says whose it is ("499 Client Closed Request (nginx)").
pub fn label(code: &Code) -> String {
    let mut label = code.code.clone();
    // After a number a name reads as its title ("503 Bad Sequence of Commands"); after a name,
    // as its gloss ("NXDOMAIN (Non-Existent Domain)").
    let is_name = code.number.is_some() && code.code.parse::<u64>().is_err();
    if !code.name.is_empty() && is_name {
        label = format!("{} ({})", code.code, code.name);
    } else if !code.name.is_empty() {
        label.push(' ');
        label.push_str(&code.name);
    }
    if let Some(vendor) = &code.vendor {
        label.push_str(" (");
        label.push_str(vendor);
        label.push(')');
    }
    label
}

/// "FTP 211 System Status vs 503 Bad Sequence of Commands".
pub fn pair_heading(p: &Protocol, a: CodeId, b: CodeId) -> String {
    format!("{} {} vs {}", p.name, label(p.code(a)), label(p.code(b)))
}

/// A page title for a pair: "FTP 211 vs 503: System Status vs Bad Sequence of Commands".
pub fn pair_title(p: &Protocol, a: CodeId, b: CodeId) -> String {
    let (ca, cb) = (p.code(a), p.code(b));
    if ca.name.is_empty() || cb.name.is_empty() {
        return format!(
            "{} {} vs {}: Differences and When Each Applies",
            p.name,
            label(ca),
            label(cb)
        );
    }
    // 4.2.2 and 5.2.2 share a name; their classes are what sets them apart.
    if ca.name.eq_ignore_ascii_case(&cb.name)
        && let (Some(x), Some(y)) = (p.class_of(a), p.class_of(b))
        && x.label != y.label
    {
        return format!(
            "{} {} vs {}: {}, {} vs {}",
            p.name,
            ca.code,
            cb.code,
            ca.name,
            class_words(&x.label),
            class_words(&y.label)
        );
    }
    format!(
        "{} {} vs {}: {} vs {}",
        p.name, ca.code, cb.code, ca.name, cb.name
    )
}

/// A class label without its leading pattern: "4.X.X Persistent Transient Failure" →
/// "Persistent Transient Failure".
fn class_words(label: &str) -> &str {
    match label.split_once(' ') {
        Some((first, rest)) if first.chars().any(|c| c.is_ascii_digit()) => rest,
        _ => label,
    }
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
    if ca.name.is_empty() || cb.name.is_empty() {
        return fit_description(&format!(
            "{} {} vs {}: what each means, the causes and fixes of each, and how to tell them apart.",
            p.name,
            label(ca),
            label(cb)
        ));
    }
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

/// The heading of a number's page: "What 503 means in FTP, HTTP, SIP and SMTP", from the
/// protocols' names in the plural as that page calls them.
pub fn number_heading(value: u64, kinds: &[String]) -> String {
    format!("What {value} means in {}", join(kinds))
}

/// A number page's title, worded as readers search for a bare number ("503 error code") without
/// claiming any one protocol.
pub fn number_title(value: u64, kinds: &[String]) -> String {
    format!("{value} Error Code: What It Means in {}", join(kinds))
}

/// The opening sentence of a number's page. `meanings` are what the number is called, grouped
/// by name, each with the protocols (as the page names them, plural) that call it so.
pub fn number_lede(value: u64, kinds: &[String], meanings: &[(String, Vec<String>)]) -> String {
    match meanings {
        [(name, _)] => format!(
            "In {} alike, {value} is {name}, but each protocol defines it for its own exchanges, so the page of the one you have says what to do.",
            join(kinds)
        ),
        _ => format!(
            "{value} is a code in {}, and what it means depends on which of them sent it.",
            join(kinds)
        ),
    }
}

/// A number page's meta description: "In FTP and SMTP, 503 is Bad Sequence of Commands; in
/// HTTP and SIP, Service Unavailable. …".
pub fn number_description(value: u64, meanings: &[(String, Vec<String>)]) -> String {
    let said: Vec<String> = meanings
        .iter()
        .enumerate()
        .map(|(i, (name, kinds))| {
            let is = if i == 0 {
                format!("{value} is ")
            } else {
                String::new()
            };
            let and = if i > 1 && i + 1 == meanings.len() {
                "and "
            } else {
                ""
            };
            format!("{and}in {}, {is}{name}", join(kinds))
        })
        .collect();
    fit_description(&format!(
        "{}. What it means in each, and how to tell which one you have.",
        capitalized(&said.join("; "))
    ))
}

/// "reply codes" → "Reply codes", for a text that starts a sentence or a line.
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "a" or "an" for a word or label, by how it is said aloud.
pub fn article(word: &str) -> &'static str {
    let lower = word.to_ascii_lowercase();
    let vowel_sound = lower.starts_with(['a', 'e', 'i', 'o'])
        || lower.starts_with('8')
        || lower.starts_with("11")
        || lower.starts_with("18")
        || lower.starts_with("x")
        || lower.starts_with("rcode")
        || lower.starts_with("rfc")
        || lower.starts_with("http")
        || lower.starts_with("smtp")
        || lower.starts_with("ftp");
    if vowel_sound { "an" } else { "a" }
}

/// "a 2yz Positive Completion reply", or what a code the receiver reports itself is.
fn class_phrase(p: &Protocol, id: CodeId) -> String {
    let v = &p.vocabulary;
    match (p.code(id).origin, p.class_of(id), &v.local) {
        (Origin::Local, _, Some(local)) => local.clone(),
        (_, Some(class), _) => format!("{} {} {}", article(&class.label), class.label, v.reply),
        _ => {
            let status = p.code(id).status.as_str();
            format!("{} {status} {}", article(status), v.reply)
        }
    }
}

/// What the receiver should do after this code, as a sentence that stands alone.
pub fn client_action(p: &Protocol, id: CodeId) -> String {
    let code = p.code(id);
    let class_action = p.class_of(id).and_then(|c| c.client_action.as_ref());
    match (&code.client_action, class_action) {
        (Some(action), _) => action.clone(),
        (None, Some(action)) if code.follows_its_class() => action.clone(),
        _ => {
            let hint = if p.classes_by_digit() {
                format!("its {}", p.scheme.class_position())
            } else {
                "its class".to_string()
            };
            format!(
                "Follow the advice on this code's own page: no {} defines it, so {hint} is only a hint of how to react.",
                p.vocabulary.spec
            )
        }
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

/// A list of a list fact's items, shortened when long: "PASS, ACCT and RNTO" or
/// "24 commands, among them ABOR, ACCT and ALLO".
fn item_list(field: &ListField, items: &[&String], conjunction: &str) -> String {
    const SHOWN: usize = 6;
    let names: Vec<String> = items.iter().map(|c| field.name_of(c)).collect();
    if names.len() <= SHOWN {
        join_with(&names, conjunction)
    } else {
        format!(
            "{} {}, among them {}",
            names.len(),
            field.items,
            join(&names[..3])
        )
    }
}

/// The opening paragraph of a comparison: how the two codes relate, and what each means for the
/// receiver.
pub fn opening(p: &Protocol, a: CodeId, b: CodeId) -> String {
    let (ca, cb) = (p.code(a), p.code(b));
    let v = &p.vocabulary;
    let mut sentences = Vec::new();
    let both_local = ca.origin == Origin::Local && cb.origin == Origin::Local;
    match (p.class_of(a), p.class_of(b)) {
        _ if both_local && ca.class == cb.class => {
            if let Some(local) = &v.local {
                sentences.push(format!(
                    "Neither {} nor {} is sent by the {}: each is {local}.",
                    label(ca),
                    label(cb),
                    v.sender
                ));
            }
            sentences.extend(p.class_of(a).map(|c| c.meaning.clone()));
        }
        (Some(x), Some(_)) if ca.class == cb.class => {
            sentences.push(format!(
                "{} and {} are both {} {}.",
                label(ca),
                label(cb),
                x.label,
                v.replies
            ));
            sentences.push(x.meaning.clone());
            sentences.extend(group_sentence(p, a, b));
        }
        (None, None) => {
            sentences.push(format!(
                "There are no classes of {} {}, so {} and {} are told apart only by what each one reports.",
                p.name,
                v.codes,
                label(ca),
                label(cb)
            ));
        }
        (x, y) => {
            sentences.push(format!(
                "{} is {}, while {} is {}.",
                label(ca),
                class_phrase(p, a),
                label(cb),
                class_phrase(p, b)
            ));
            sentences.extend(x.map(|c| c.meaning.clone()));
            sentences.extend(y.map(|c| c.meaning.clone()));
        }
    }
    sentences.join(" ")
}

/// What the second digit or number says about two codes of one class.
fn group_sentence(p: &Protocol, a: CodeId, b: CodeId) -> Option<String> {
    let (ca, cb) = (p.code(a), p.code(b));
    let (group, position) = (&p.vocabulary.group, p.scheme.group_position());
    match (p.group_of(a), p.group_of(b)) {
        (Some(ga), Some(gb)) if ga.digit == gb.digit => Some(format!(
            "They also share the {position} {}, which puts both in the {} {group}, so what sets them apart is the situation each one reports.",
            ga.digit, ga.label
        )),
        (Some(ga), Some(gb)) => Some(format!(
            "Their {position}s differ: {} is in the {} {group} and {} in the {} {group}.",
            ca.short, ga.label, cb.short, gb.label
        )),
        _ => None,
    }
}

/// Key differences: one entry per aspect, each one or two complete sentences about this pair.
pub fn differences(p: &Protocol, a: CodeId, b: CodeId) -> Vec<String> {
    let (ca, cb) = (p.code(a), p.code(b));
    let mut items = vec![next_steps(p, a, b)];

    // Group (second digit or number), where both have one.
    let (group, position) = (&p.vocabulary.group, p.scheme.group_position());
    match (p.group_of(a), p.group_of(b)) {
        (Some(ga), Some(gb)) if ga.digit != gb.digit && ca.class == cb.class => {}
        (Some(ga), Some(gb)) if ga.digit != gb.digit => items.push(format!(
            "The {position} puts {} in the {} {group} and {} in the {} {group}.",
            ca.short, ga.label, cb.short, gb.label
        )),
        (Some(ga), Some(_)) if ca.class != cb.class => items.push(format!(
            "Despite their different outcomes, both belong to the {} {group}. {}",
            ga.label, ga.meaning
        )),
        _ => {}
    }

    for (field, fact) in p.facts.iter().enumerate().filter(|(_, f)| f.sentences) {
        items.extend(match &fact.kind {
            FactKind::List(list) => list_difference(p, list, field, a, b),
            _ => fact_difference(p, field, a, b).into_iter().collect(),
        });
    }
    items.push(standing(p, ca, cb));
    if ca.confused_with.contains(&b) || cb.confused_with.contains(&a) {
        items.push(format!(
            "{} and {} are a commonly confused pair, so compare the situations described above before acting on either.",
            ca.short, cb.short
        ));
    }
    items
}

/// What the receiver does next after each.
fn next_steps(p: &Protocol, a: CodeId, b: CodeId) -> String {
    let (ca, cb) = (p.code(a), p.code(b));
    let v = &p.vocabulary;
    let (action_a, action_b) = (client_action(p, a), client_action(p, b));
    let unpromised = ca.class.is_some()
        && ca.class == cb.class
        && !(ca.follows_its_class() && cb.follows_its_class());
    if unpromised {
        let (odd, other) = if ca.follows_its_class() {
            (cb, ca)
        } else {
            (ca, cb)
        };
        let other_text = if other.follows_its_class() {
            format!("{} keeps the promise of its class", other.short)
        } else {
            format!("neither does {}", other.short)
        };
        let shared = if p.classes_by_digit() {
            format!("They share a {}", p.scheme.class_position())
        } else {
            "They are in the same class".to_string()
        };
        format!(
            "{shared}, but {} is not defined by any {}, so the class does not promise how to react to it; {other_text}.",
            odd.short, v.spec
        )
    } else if action_a == action_b {
        format!(
            "After either {} the {}'s next step is the same. {action_a}",
            v.reply, v.receiver
        )
    } else {
        format!(
            "They call for different next steps. After {}: {action_a} After {}: {action_b}",
            ca.short, cb.short
        )
    }
}

/// How two codes differ in a list fact: what both have, and what only one has.
fn list_difference(
    p: &Protocol,
    list: &ListField,
    field: usize,
    a: CodeId,
    b: CodeId,
) -> Vec<String> {
    let (ca, cb) = (p.code(a), p.code(b));
    let (items_a, items_b) = (p.items(a, field), p.items(b, field));
    let shared = p.shared_items(a, b, field);
    let (only_a, only_b) = (only(items_a, items_b), only(items_b, items_a));
    let list_of = |v: &[&String]| item_list(list, v, "and");
    let can = if list.trigger { "can " } else { "" };
    let (item, items, verb, verb_plural) = (&list.item, &list.items, &list.verb, &list.verb_plural);

    let mut out = Vec::new();
    match (items_a.is_empty(), items_b.is_empty()) {
        (true, true) if list.trigger => out.push(format!(
            "No {item} is listed as returning {} or {}, so the {item} you sent does not tell them apart.",
            ca.short, cb.short
        )),
        (true, true) => {}
        (true, false) | (false, true) if list.trigger => {
            let (none, some, some_items) = if items_a.is_empty() { (ca, cb, items_b) } else { (cb, ca, items_a) };
            let why = if none.origin == Origin::Local {
                format!("no {item} returns {}, because the {} produces it itself", none.short, p.vocabulary.receiver)
            } else {
                format!("no {item} is listed for {}", none.short)
            };
            out.push(format!("{} can {verb_plural} {}, while {why}.", some.short, list_of(&all(some_items))));
        }
        _ => {
            if !shared.is_empty() {
                let all_shared = only_a.is_empty() && only_b.is_empty();
                out.push(match (all_shared, list.trigger) {
                    (true, true) if shared.len() == 1 => format!(
                        "Both can {verb_plural} only {}, so the {item} alone does not tell them apart.",
                        list_of(&shared)
                    ),
                    (true, true) => format!(
                        "Both can {verb_plural} exactly the same {items} ({}), so the {item} alone does not tell them apart.",
                        list_of(&shared)
                    ),
                    (true, false) => format!("Both {verb_plural} exactly the same {items}: {}.", list_of(&shared)),
                    (false, _) => format!("Both {can}{verb_plural} {}.", list_of(&shared)),
                });
            }
            // "Only" is scoped to the pair: other codes may have the same items.
            const SHORT: usize = 6;
            let exclusive_of = |code: &Code, only: &[&String]| {
                if only.len() <= SHORT || shared.is_empty() {
                    format!("Of the two, only {} {verb} {}.", code.short, list_of(only))
                } else {
                    let names: Vec<String> = only[..3].iter().map(|c| list.name_of(c)).collect();
                    format!("{} also {verb} {} other {items}, among them {}.", code.short, only.len(), join(&names))
                }
            };
            let exclusive: Vec<String> = [(ca, &only_a), (cb, &only_b)]
                .into_iter()
                .filter(|(_, only)| !only.is_empty())
                .map(|(code, only)| exclusive_of(code, only))
                .collect();
            if shared.is_empty() && !items_a.is_empty() && !items_b.is_empty() {
                let never = if list.trigger {
                    format!("They never {verb_plural} the same {item}")
                } else {
                    format!("They share no {item}")
                };
                out.push(format!(
                    "{never}: {} {verb} {}, and {} {verb} {}.",
                    ca.short,
                    list_of(&all(items_a)),
                    cb.short,
                    list_of(&all(items_b))
                ));
            } else if !exclusive.is_empty() {
                out.push(exclusive.join(" "));
            }
        }
    }
    out
}

/// The items of `x` that `y` does not have.
fn only<'a>(x: &'a [String], y: &[String]) -> Vec<&'a String> {
    x.iter().filter(|c| !y.contains(c)).collect()
}

fn all(items: &[String]) -> Vec<&String> {
    items.iter().collect()
}

/// How two codes differ in a choice or value fact, when they do.
fn fact_difference(p: &Protocol, field: usize, a: CodeId, b: CodeId) -> Option<String> {
    let fact = &p.facts[field];
    let (va, vb) = (
        p.code(a).facts[field].as_ref()?,
        p.code(b).facts[field].as_ref()?,
    );
    if va == vb {
        return None;
    }
    let (ca, cb) = (&p.code(a).short, &p.code(b).short);
    match (&fact.kind, va, vb) {
        (FactKind::Choice(choices), FactValue::Choice(x), FactValue::Choice(y)) => Some(format!(
            "{ca} {}, whereas {cb} {}.",
            choices[*x].says, choices[*y].says
        )),
        (FactKind::Value { says: Some(says) }, FactValue::Value(x), FactValue::Value(y)) => {
            Some(format!(
                "{ca} {}, whereas {cb} {}.",
                says.replace("{value}", x),
                says.replace("{value}", y)
            ))
        }
        (FactKind::Value { says: None }, FactValue::Value(x), FactValue::Value(y)) => {
            Some(format!("{}: {x} for {ca}, and {y} for {cb}.", fact.label))
        }
        _ => None,
    }
}

/// "a standard reply (RFC 959 §4.2.1)".
fn standing_phrase(p: &Protocol, code: &Code) -> String {
    let v = &p.vocabulary;
    let what = match (code.origin, code.status, &v.local) {
        (Origin::Local, _, Some(local)) => local.clone(),
        (_, Status::NonStandard, _) => {
            format!("a non-standard {} that no {} defines", v.reply, v.spec)
        }
        (_, status, _) => format!(
            "{} {} {}",
            article(status.as_str()),
            status.as_str(),
            v.reply
        ),
    };
    match code.specs.first() {
        Some(spec) if code.status != Status::NonStandard || code.origin == Origin::Local => {
            format!("{what} ({spec})")
        }
        _ => what,
    }
}

/// The document part of a spec reference: "RFC 959" of "RFC 959 §4.2.1".
fn document(spec: &str) -> &str {
    spec.split('§').next().unwrap_or(spec).trim()
}

fn standing(p: &Protocol, ca: &Code, cb: &Code) -> String {
    let alike = ca.status == cb.status
        && ca.status != Status::NonStandard
        && ca.origin == Origin::Peer
        && cb.origin == Origin::Peer;
    match (ca.specs.first(), cb.specs.first()) {
        (Some(x), Some(y)) if alike && document(x) == document(y) => format!(
            "Both are {} {} defined in {}.",
            ca.status,
            p.vocabulary.replies,
            document(x)
        ),
        (Some(x), Some(y)) if alike => format!(
            "Both are {} {}: {} is defined in {x}, and {} in {y}.",
            ca.status, p.vocabulary.replies, ca.short, cb.short
        ),
        _ => format!(
            "{} is {}, whereas {} is {}.",
            ca.short,
            standing_phrase(p, ca),
            cb.short,
            standing_phrase(p, cb)
        ),
    }
}

/// A paragraph for one side of "When to use which".
pub struct Which {
    pub label: String,
    pub text: String,
}

/// When each code applies, and how to tell them apart.
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
    let v = &p.vocabulary;
    let rule = if ca.origin != cb.origin {
        let (local, peer) = if ca.origin == Origin::Local {
            (ca, cb)
        } else {
            (cb, ca)
        };
        let being = v.local.as_deref().unwrap_or("reported on this side");
        format!(
            "If the number came from the {}, it is {}; {} never does, being {being}.",
            v.sender, peer.short, local.short
        )
    } else if let Some((field, list)) = p.trigger() {
        trigger_rule(p, list, field, a, b)
    } else {
        class_rule(p, a, b)
    };
    (sides, rule)
}

/// How the code tells two codes apart that answer the same things, or how what was sent does.
fn trigger_rule(p: &Protocol, list: &ListField, field: usize, a: CodeId, b: CodeId) -> String {
    let (ca, cb) = (p.code(a), p.code(b));
    let (items_a, items_b) = (p.items(a, field), p.items(b, field));
    let shared = p.shared_items(a, b, field);
    let v = &p.vocabulary;
    let item = &list.item;
    if items_a.is_empty() || items_b.is_empty() {
        let unlisted: Vec<String> = [(ca, items_a), (cb, items_b)]
            .iter()
            .filter(|(_, items)| items.is_empty())
            .map(|(c, _)| c.short.clone())
            .collect();
        return format!(
            "No {item} is listed for {}, so the {item} you sent does not settle which one you have; the {} itself does.",
            join_with(&unlisted, "or"),
            v.code
        );
    }
    if shared.is_empty() {
        return format!(
            "The {item} you sent is the first clue: {} and {} never {} the same {item}.",
            ca.short, cb.short, list.verb_plural
        );
    }
    let to = item_list(list, &shared, "or");
    let by_digit = p.classes_by_digit();
    match (ca.class == cb.class, by_digit) {
        (false, true) => format!(
            "When a {} to {to} is one of these two, the {} settles which case you are in: {} for {} and {} for {}.",
            v.reply,
            p.scheme.class_position(),
            p.scheme.class_part(&ca.code).unwrap_or_default(),
            ca.short,
            p.scheme.class_part(&cb.code).unwrap_or_default(),
            cb.short
        ),
        (false, false) => format!(
            "When a {} to {to} is one of these two, its class settles which case you are in: {} for {} and {} for {}.",
            v.reply,
            class_label(p, a),
            ca.short,
            class_label(p, b),
            cb.short
        ),
        (true, true) => format!(
            "When a {} to {to} is one of these two, read the whole code: both start with {}, and the rest of it names the situation.",
            v.reply,
            p.scheme.class_part(&ca.code).unwrap_or_default()
        ),
        (true, false) => format!(
            "When a {} to {to} is one of these two, only the {} itself says which situation you are in.",
            v.reply, v.code
        ),
    }
}

fn class_label(p: &Protocol, id: CodeId) -> String {
    p.class_of(id)
        .map(|c| c.label.clone())
        .unwrap_or_else(|| "no class".to_string())
}

/// How two codes of a protocol with nothing that triggers them are told apart.
fn class_rule(p: &Protocol, a: CodeId, b: CodeId) -> String {
    let (ca, cb) = (p.code(a), p.code(b));
    match (p.class_of(a), p.class_of(b)) {
        (Some(_), Some(_)) if ca.class != cb.class && p.classes_by_digit() => format!(
            "The {} tells them apart at a glance: {} for {} and {} for {}.",
            p.scheme.class_position(),
            p.scheme.class_part(&ca.code).unwrap_or_default(),
            ca.short,
            p.scheme.class_part(&cb.code).unwrap_or_default(),
            cb.short
        ),
        (Some(x), Some(y)) if ca.class != cb.class => format!(
            "Their classes tell them apart: {} is in {} and {} in {}.",
            ca.short, x.label, cb.short, y.label
        ),
        _ => format!(
            "Only the {} itself tells them apart, so read it exactly: {} and {} report different situations, as described above.",
            p.vocabulary.code, ca.short, cb.short
        ),
    }
}

/// Problems a careful reader would notice in generated or written text: doubled words and
/// sentences that start in lower case, except with one of `lower_case_names` ("nginx").
/// Returns a description of each.
pub fn lint(text: &str, lower_case_names: &[String]) -> Vec<String> {
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
        // An ellipsis ("... info") leaves out words; it does not end a sentence.
        let ellipsis = w[0].ends_with("...") || w[0].ends_with('…');
        let ends_sentence = w[0].ends_with(['.', '!', '?'])
            && !ellipsis
            && !ABBREVIATIONS
                .iter()
                .any(|a| w[0].to_lowercase().ends_with(a));
        let first_word = w[1].trim_end_matches(|c: char| !c.is_alphanumeric());
        let first_word = first_word
            .strip_suffix("’s")
            .or_else(|| first_word.strip_suffix("'s"))
            .unwrap_or(first_word);
        let starts_lower = w[1].chars().next().is_some_and(|c| c.is_lowercase())
            && !lower_case_names.iter().any(|n| n == first_word);
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
    fn class_words_drop_the_pattern_only() {
        assert_eq!(
            class_words("4.X.X Persistent Transient Failure"),
            "Persistent Transient Failure"
        );
        assert_eq!(
            class_words("2yz Positive Completion"),
            "Positive Completion"
        );
        assert_eq!(
            class_words("Client-side socket errors"),
            "Client-side socket errors"
        );
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
            lint("You encounter 503 when when you skip a step.", &[]).len(),
            1
        );
        assert_eq!(
            lint("211 indicates that. system status reply.", &[]).len(),
            1
        );
        assert!(
            lint(
                "Send RNFR, then RNTO. The server answers 350 first, e.g. after RNFR.",
                &[]
            )
            .is_empty()
        );
        assert!(lint("Use report.txt. Then rename it.", &[]).is_empty());
        assert!(lint("The file report.final.txt. then", &[]).is_empty());
        assert!(lint("It logs `timeout ... info` there.", &[]).is_empty());
        let names = ["nginx".to_string()];
        assert!(lint("The log says so. nginx’s page too. nginx does.", &names).is_empty());
        assert_eq!(lint("The log says so. curl does.", &names).len(), 1);
    }
}
