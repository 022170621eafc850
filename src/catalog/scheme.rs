//! Scheme: the one definition of what a code of a protocol looks like — its form, where it
//! sorts, which of its parts pick its class and group, and how it is spelled in a URL.
//!
//! Three forms cover the protocols: `digits` (FTP 503, HTTP 404, WebSocket 1006), `dotted`
//! (SMTP enhanced status codes, 5.7.26) and `named` (gRPC UNAVAILABLE, DNS NXDOMAIN, each with a
//! number). A range of codes ("3000-3999") is two codes of the form joined by a hyphen.

use crate::load::SchemeConfig;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// All digits, between `min` and `max` of them.
    Digits { min: usize, max: usize },
    /// Numbers joined by dots, `parts` of them.
    Dotted { parts: usize },
    /// A name of capitals, digits and underscores; the code file gives its number.
    Named,
}

/// Where a code sorts within its protocol: by its numbers, part by part, then by its variant
/// (a code with none first).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderKey {
    pub numbers: Vec<u64>,
    pub variant: String,
}

#[derive(Debug, Clone)]
pub struct Scheme {
    pub form: Form,
}

impl Scheme {
    pub fn from_config(cfg: &SchemeConfig) -> Result<Scheme, String> {
        let form = match cfg.form.as_str() {
            "digits" => {
                let max = cfg
                    .digits
                    .ok_or("a digits scheme needs `digits`, the number of digits of a code")?;
                let min = cfg.min_digits.unwrap_or(max);
                if !(1..=9).contains(&max) || min == 0 || min > max {
                    return Err(format!(
                        "`digits` must be from 1 to 9 and `min_digits` from 1 to `digits`, not {min} and {max}"
                    ));
                }
                Form::Digits { min, max }
            }
            "dotted" => {
                let parts = cfg
                    .parts
                    .ok_or("a dotted scheme needs `parts`, the number of numbers in a code")?;
                if !(2..=6).contains(&parts) {
                    return Err(format!("`parts` must be from 2 to 6, not {parts}"));
                }
                Form::Dotted { parts }
            }
            "named" => Form::Named,
            other => {
                return Err(format!(
                    "unknown form \"{other}\"; expected \"digits\", \"dotted\" or \"named\""
                ));
            }
        };
        Ok(Scheme { form })
    }

    /// The numbers of `code`, or what is wrong with it. `digits` replaces the scheme's number
    /// of digits, for a class whose codes are longer (FTP clients' socket errors). A named code
    /// has no numbers of its own.
    pub fn numbers(&self, code: &str, digits: Option<usize>) -> Result<Vec<u64>, String> {
        match &self.form {
            Form::Digits { min, max } => {
                let (min, max) = digits.map_or((*min, *max), |d| (d, d));
                let all_digits = !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit());
                if !all_digits || !(min..=max).contains(&code.len()) {
                    let count = if min == max {
                        format!("{max} digits")
                    } else {
                        format!("{min} to {max} digits")
                    };
                    return Err(format!("\"{code}\" is not a code of {count}"));
                }
                Ok(vec![
                    code.parse()
                        .map_err(|_| format!("\"{code}\" is too large"))?,
                ])
            }
            Form::Dotted { parts } => {
                let numbers: Option<Vec<u64>> = code
                    .split('.')
                    .map(|part| {
                        let ok = !part.is_empty()
                            && part.len() <= 4
                            && part.bytes().all(|b| b.is_ascii_digit());
                        ok.then(|| part.parse().ok()).flatten()
                    })
                    .collect();
                match numbers {
                    Some(n) if n.len() == *parts => Ok(n),
                    _ => Err(format!(
                        "\"{code}\" is not {parts} numbers joined by dots, such as {}",
                        example_dotted(*parts)
                    )),
                }
            }
            Form::Named => {
                let ok = code.starts_with(|c: char| c.is_ascii_uppercase())
                    && code
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                if ok {
                    Ok(Vec::new())
                } else {
                    Err(format!(
                        "\"{code}\" is not a name of capitals, digits and underscores, such as NOT_FOUND"
                    ))
                }
            }
        }
    }

    /// The low and high codes of a range written "LOW-HIGH".
    pub fn range<'c>(&self, code: &'c str) -> Option<(&'c str, &'c str)> {
        code.split_once('-')
            .filter(|(low, high)| !low.is_empty() && !high.is_empty())
    }

    /// What picks a code's class: its first digit, or its first number.
    pub fn class_part(&self, code: &str) -> Option<String> {
        match self.form {
            Form::Digits { .. } => code.chars().next().map(String::from),
            Form::Dotted { .. } => code.split('.').next().map(str::to_string),
            Form::Named => None,
        }
    }

    /// What picks a code's group: its second digit, or its second number.
    pub fn group_part(&self, code: &str) -> Option<String> {
        match self.form {
            Form::Digits { .. } => code.chars().nth(1).map(String::from),
            Form::Dotted { .. } => code.split('.').nth(1).map(str::to_string),
            Form::Named => None,
        }
    }

    /// How a sentence names the part that picks the class: "first digit".
    pub fn class_position(&self) -> &'static str {
        match self.form {
            Form::Dotted { .. } => "first number",
            _ => "first digit",
        }
    }

    /// How a sentence names the part that picks the group: "second digit".
    pub fn group_position(&self) -> &'static str {
        match self.form {
            Form::Dotted { .. } => "second number",
            _ => "second digit",
        }
    }

    /// The code as its URL segment spells it, before any variant: names in lower case with
    /// hyphens, so that readers can guess them (`deadline-exceeded`); numbers as written.
    pub fn url_part(&self, code: &str) -> String {
        match self.form {
            Form::Named => code.to_ascii_lowercase().replace('_', "-"),
            _ => code.to_string(),
        }
    }

    /// An example of a code of this form, for hints.
    pub fn example(&self) -> String {
        match &self.form {
            Form::Digits { max, .. } => "5".repeat(*max),
            Form::Dotted { parts } => example_dotted(*parts),
            Form::Named => "NOT_FOUND".to_string(),
        }
    }
}

fn example_dotted(parts: usize) -> String {
    ["5", "7", "1", "0", "0", "0"][..parts.min(6)].join(".")
}

/// Whether a variant is spelled as a URL segment may hold it: lower-case letters, digits and
/// hyphens.
pub fn is_variant(variant: &str) -> bool {
    !variant.is_empty()
        && !variant.starts_with('-')
        && !variant.ends_with('-')
        && !variant.contains("--")
        && variant != "vs"
        && !variant.starts_with("vs-")
        && !variant.ends_with("-vs")
        && !variant.contains("-vs-")
        && variant
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheme(
        form: &str,
        digits: Option<usize>,
        min: Option<usize>,
        parts: Option<usize>,
    ) -> Scheme {
        Scheme::from_config(&SchemeConfig {
            form: form.to_string(),
            digits,
            min_digits: min,
            parts,
        })
        .unwrap()
    }

    #[test]
    fn each_form_takes_its_codes_and_refuses_others() {
        let three = scheme("digits", Some(3), None, None);
        assert_eq!(three.numbers("503", None), Ok(vec![503]));
        assert_eq!(three.numbers("10054", Some(5)), Ok(vec![10054]));
        for bad in ["50", "5030", "5a3", "", "../../x", "-503"] {
            assert!(three.numbers(bad, None).is_err(), "{bad}");
        }
        let short = scheme("digits", Some(2), Some(1), None);
        assert!(short.numbers("0", None).is_ok() && short.numbers("23", None).is_ok());
        assert!(short.numbers("123", None).is_err());

        let dotted = scheme("dotted", None, None, Some(3));
        assert_eq!(dotted.numbers("5.7.26", None), Ok(vec![5, 7, 26]));
        for bad in ["5.7", "5..1", "5.7.1.", "5.7.x", "5.7.1.2"] {
            assert!(dotted.numbers(bad, None).is_err(), "{bad}");
        }
        assert_eq!(dotted.class_part("5.7.26").as_deref(), Some("5"));
        assert_eq!(dotted.group_part("5.7.26").as_deref(), Some("7"));

        let named = scheme("named", None, None, None);
        assert!(named.numbers("DEADLINE_EXCEEDED", None).is_ok());
        for bad in ["Unavailable", "_X", "NOT-FOUND", "", "A B"] {
            assert!(named.numbers(bad, None).is_err(), "{bad}");
        }
        assert_eq!(named.url_part("DEADLINE_EXCEEDED"), "deadline-exceeded");
    }

    #[test]
    fn dotted_codes_sort_number_by_number() {
        let dotted = scheme("dotted", None, None, Some(3));
        let key = |c: &str| OrderKey {
            numbers: dotted.numbers(c, None).unwrap(),
            variant: String::new(),
        };
        assert!(key("5.7.9") < key("5.7.26"));
        assert!(key("4.7.26") < key("5.1.1"));
    }

    #[test]
    fn schemes_are_checked() {
        for (form, digits, parts) in [
            ("digits", None, None),
            ("digits", Some(0), None),
            ("dotted", None, None),
            ("hex", Some(2), None),
        ] {
            let cfg = SchemeConfig {
                form: form.to_string(),
                digits,
                min_digits: None,
                parts,
            };
            assert!(Scheme::from_config(&cfg).is_err(), "{form} {digits:?}");
        }
    }

    #[test]
    fn variants_are_url_segments() {
        assert!(is_variant("iis") && is_variant("spring-boot") && is_variant("devs"));
        for bad in ["IIS", "", "-x", "a b", "a/b", "x-vs-y", "vs", "vs-x"] {
            assert!(!is_variant(bad), "{bad}");
        }
    }
}
