//! Facts: the fields a protocol declares for its codes (FTP: the commands that return a reply;
//! HTTP: the headers that go with a status, whether it is cacheable), checked and typed.
//!
//! Four kinds: a `list` of items (commands, methods, headers), a `choice` among declared values
//! that each say something whole about a code, a short `value`, and a `text` sentence. The
//! side-by-side table and the key differences of a comparison are made from them (see `prose`).

use std::collections::BTreeMap;
use std::path::Path;

use super::Scheme;
use crate::error::Diagnostic;
use crate::load::{FactConfig, Located, Raw, nearest};

#[derive(Debug, Clone)]
pub struct FactField {
    pub key: String,
    /// The row label in tables: "Returned by".
    pub label: String,
    pub kind: FactKind,
    pub required: bool,
    /// Whether key differences spell it out; the side-by-side table always shows it.
    pub sentences: bool,
}

#[derive(Debug, Clone)]
pub enum FactKind {
    List(ListField),
    Choice(Vec<Choice>),
    /// A short value; `says`, if given, is a predicate with `{value}` in it ("maps to HTTP
    /// {value}").
    Value {
        says: Option<String>,
    },
    /// One complete sentence, shown as it is.
    Text,
}

/// A list fact, with the words sentences about it need.
#[derive(Debug, Clone)]
pub struct ListField {
    /// The items are what a code answers (commands, request methods), which tells codes apart.
    pub trigger: bool,
    /// "command", "commands".
    pub item: String,
    pub items: String,
    /// How a code relates to its items, as a predicate: "answers", plural "answer".
    pub verb: String,
    pub verb_plural: String,
    /// Shown in a table when a code lists none: "No command".
    pub none: String,
    /// The items a code may list, if the protocol restricts them.
    pub allowed: Vec<String>,
    /// How sentences name an item that is not a word, such as FTP's "(connect)".
    pub names: BTreeMap<String, String>,
    /// The items are codes of another protocol.
    pub codes_of: Option<Box<CodesOf>>,
}

/// A list fact whose items are codes of another protocol.
#[derive(Debug, Clone)]
pub struct CodesOf {
    /// That protocol's slug.
    pub protocol: String,
    /// Its scheme, which every item must fit.
    pub scheme: Scheme,
    /// What search says when a code and an item typed together disagree in class.
    pub disagree: Option<String>,
    /// The label of the row that shows this list back on the other protocol's pages.
    pub reverse: Option<String>,
}

/// The placeholders a `disagree` sentence may hold.
const DISAGREE_SLOTS: [&str; 4] = ["{code}", "{code_class}", "{item}", "{item_class}"];

impl ListField {
    /// The item as a sentence names it.
    pub fn name_of(&self, item: &str) -> String {
        self.names
            .get(item)
            .cloned()
            .unwrap_or_else(|| item.to_string())
    }
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    /// Shown in tables: "POST may become GET".
    pub label: String,
    /// A predicate about a code: "lets the client change POST to GET".
    pub says: String,
}

/// One code's value of one fact field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactValue {
    List(Vec<String>),
    /// The index of the choice.
    Choice(usize),
    Value(String),
    Text(String),
}

/// The protocol a list's items belong to, checked: it exists, and `disagree` holds only its
/// placeholders.
fn codes_of(
    cfg: &FactConfig,
    schemes: &BTreeMap<String, Scheme>,
    problem: &mut impl FnMut(String, &str),
) -> Result<Option<Box<CodesOf>>, ()> {
    let Some(slug) = &cfg.codes_of else {
        for (key, set) in [
            ("disagree", cfg.disagree.is_some()),
            ("reverse", cfg.reverse.is_some()),
        ] {
            if set {
                problem(
                    format!("`{key}` is only for a list with `codes_of`"),
                    "name the protocol whose codes the items are",
                );
                return Err(());
            }
        }
        return Ok(None);
    };
    let Some(scheme) = schemes.get(slug) else {
        let known: Vec<&str> = schemes.keys().map(String::as_str).collect();
        problem(
            format!("`codes_of` names protocol `{slug}`, which the site does not have"),
            &format!("the protocols are {}", known.join(", ")),
        );
        return Err(());
    };
    if let Some(text) = &cfg.disagree {
        let mut rest = text.clone();
        for slot in DISAGREE_SLOTS {
            rest = rest.replace(slot, "X");
        }
        if rest.contains(['{', '}']) || !super::is_sentence(&rest) {
            problem(
                format!(
                    "`disagree` \"{text}\" must be sentences with no placeholder but {}",
                    DISAGREE_SLOTS.join(", ")
                ),
                "e.g. \"{item} is a {item_class} reply but {code} is a {code_class} code.\"",
            );
            return Err(());
        }
    }
    Ok(Some(Box::new(CodesOf {
        protocol: slug.clone(),
        scheme: scheme.clone(),
        disagree: cfg.disagree.clone(),
        reverse: cfg.reverse.clone(),
    })))
}

/// The words and limits of a list fact.
fn list_field(
    cfg: &FactConfig,
    schemes: &BTreeMap<String, Scheme>,
    problem: &mut impl FnMut(String, &str),
) -> Option<ListField> {
    let words = [
        &cfg.item,
        &cfg.items,
        &cfg.verb,
        &cfg.verb_plural,
        &cfg.none,
    ];
    let [
        Some(item),
        Some(items),
        Some(verb),
        Some(verb_plural),
        Some(none),
    ] = words
    else {
        problem(
            "a list fact needs `item`, `items`, `verb`, `verb_plural` and `none`".to_string(),
            "e.g. item = \"command\", items = \"commands\", verb = \"answers\", verb_plural = \"answer\", none = \"No command\"",
        );
        return None;
    };
    let trigger = match cfg.role.as_deref() {
        None => false,
        Some("trigger") => true,
        Some(other) => {
            problem(
                format!("unknown role \"{other}\""),
                "the one role is \"trigger\"",
            );
            return None;
        }
    };
    Some(ListField {
        trigger,
        item: item.clone(),
        items: items.clone(),
        verb: verb.clone(),
        verb_plural: verb_plural.clone(),
        none: none.clone(),
        allowed: cfg.allowed.clone(),
        names: cfg.names.clone(),
        codes_of: codes_of(cfg, schemes, problem).ok()?,
    })
}

impl FactField {
    /// Checks one declaration of a protocol's `[[facts]]`.
    pub fn from_config(
        cfg: &FactConfig,
        path: &Path,
        schemes: &BTreeMap<String, Scheme>,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<FactField> {
        let field = format!("facts.{}", cfg.key);
        let mut problem = |message: String, hint: &str| {
            problems.push(
                Diagnostic::new(path, message)
                    .field(field.clone())
                    .hint(hint),
            );
        };
        if crate::load::FRONT_MATTER_KEYS.contains(&cfg.key.as_str())
            || cfg.key.is_empty()
            || !cfg.key.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        {
            problem(
                format!("`{}` cannot name a fact field", cfg.key),
                "use lower-case letters and underscores, and none of the built-in keys such as `name`",
            );
            return None;
        }
        let kind = match cfg.kind.as_str() {
            "list" => FactKind::List(list_field(cfg, schemes, &mut problem)?),
            "choice" if !cfg.choices.is_empty() => FactKind::Choice(
                cfg.choices
                    .iter()
                    .map(|c| Choice {
                        value: c.value.clone(),
                        label: c.label.clone(),
                        says: c.says.clone(),
                    })
                    .collect(),
            ),
            "choice" => {
                problem(
                    "a choice fact needs its [[facts.choices]]".to_string(),
                    "give each choice a value, a label and what it says",
                );
                return None;
            }
            "value" => {
                if let Some(says) = &cfg.says
                    && !says.contains("{value}")
                {
                    problem(
                        format!("`says` \"{says}\" has no {{value}}"),
                        "write where the value goes, e.g. \"maps to HTTP {value}\"",
                    );
                    return None;
                }
                FactKind::Value {
                    says: cfg.says.clone(),
                }
            }
            "text" => FactKind::Text,
            other => {
                problem(
                    format!("unknown type \"{other}\""),
                    "use \"list\", \"choice\", \"value\" or \"text\"",
                );
                return None;
            }
        };
        Some(FactField {
            key: cfg.key.clone(),
            label: cfg.label.clone(),
            kind,
            required: cfg.required,
            sentences: cfg.sentences,
        })
    }

    pub fn list(&self) -> Option<&ListField> {
        match &self.kind {
            FactKind::List(list) => Some(list),
            _ => None,
        }
    }

    /// A code's value of this field as written, checked against the declaration.
    pub fn value(
        &self,
        raw: &Located<Raw>,
        path: &Path,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<FactValue> {
        let problem = |message: String| {
            Diagnostic::new(path, message)
                .at_line(raw.line)
                .field(&self.key)
        };
        match (&self.kind, &raw.value) {
            (FactKind::List(list), Raw::List(items)) => {
                let mut ok = true;
                for item in items {
                    if !list.allowed.is_empty() && !list.allowed.contains(item) {
                        let known: Vec<&str> = list.allowed.iter().map(String::as_str).collect();
                        let mut d = problem(format!(
                            "\"{item}\" is not one of the {} this protocol lists",
                            list.items
                        ));
                        if let Some(near) = nearest(item, &known) {
                            d = d.hint(format!("did you mean \"{near}\"?"));
                        }
                        problems.push(d);
                        ok = false;
                    }
                    if let Some(other) = &list.codes_of
                        && let Err(why) = other.scheme.numbers(item, None)
                    {
                        problems.push(problem(format!(
                            "\"{item}\" is not a code of protocol `{}`: {why}",
                            other.protocol
                        )));
                        ok = false;
                    }
                }
                ok.then(|| FactValue::List(items.clone()))
            }
            (FactKind::Choice(choices), Raw::Text(text)) => {
                match choices.iter().position(|c| &c.value == text) {
                    Some(i) => Some(FactValue::Choice(i)),
                    None => {
                        let names: Vec<String> =
                            choices.iter().map(|c| format!("\"{}\"", c.value)).collect();
                        problems.push(problem(format!(
                            "\"{text}\" is not one of {}",
                            names.join(", ")
                        )));
                        None
                    }
                }
            }
            (FactKind::Value { .. }, Raw::Text(text)) if !text.trim().is_empty() => {
                Some(FactValue::Value(text.trim().to_string()))
            }
            (FactKind::Value { .. }, Raw::Integer(n)) => Some(FactValue::Value(n.to_string())),
            (FactKind::Text, Raw::Text(text)) if super::is_sentence(text) => {
                Some(FactValue::Text(text.trim().to_string()))
            }
            (FactKind::Text, Raw::Text(_)) => {
                problems.push(problem("must be one complete sentence".to_string()));
                None
            }
            (kind, _) => {
                let want = match kind {
                    FactKind::List(_) => "a list of strings",
                    FactKind::Choice(_) => "one of the choices, as a string",
                    FactKind::Value { .. } => "a short string or a number",
                    FactKind::Text => "a sentence, as a string",
                };
                problems.push(problem(format!("expected {want}")));
                None
            }
        }
    }

    /// The value as a table cell shows it.
    pub fn cell(&self, value: Option<&FactValue>) -> String {
        match (&self.kind, value) {
            (FactKind::List(list), Some(FactValue::List(items))) if !items.is_empty() => {
                items.join(", ")
            }
            (FactKind::List(list), _) => list.none.clone(),
            (FactKind::Choice(choices), Some(FactValue::Choice(i))) => choices[*i].label.clone(),
            (_, Some(FactValue::Value(v) | FactValue::Text(v))) => v.clone(),
            _ => "—".to_string(),
        }
    }
}
