//! What load reads in the markdown of a code section or pair note: the `@` links the catalog
//! checks, and raw HTML that would break a page (an HTML comment never closed) or run script
//! (`javascript:` links and event handlers, which are warned about).

use std::path::Path;

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use super::{Located, line_of, markdown_options};
use crate::error::Diagnostic;

/// An HTML id from a section title: "When you see it" → "when-you-see-it".
pub fn slugify(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for c in title.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// What reading one piece of markdown finds: the `@` links for the catalog to check, and the
/// raw HTML that would break the page or run script.
pub(super) struct Scan<'a> {
    pub(super) path: &'a Path,
    /// `text`'s first line is this line + 1 of `path`.
    pub(super) first_line: usize,
    pub(super) links: &'a mut Vec<Located<String>>,
    pub(super) warnings: &'a mut Vec<Diagnostic>,
    pub(super) errors: &'a mut Vec<Diagnostic>,
}

impl Scan<'_> {
    /// Scans `text`; false if it has an error.
    pub(super) fn markdown(&mut self, text: &str) -> bool {
        let mut ok = true;
        let mut block: Option<(usize, String)> = None;
        for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
            let line = self.first_line + line_of(text, range.start);
            match event {
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    ..
                }) => self.link(link_type, &dest_url, line),
                Event::Start(Tag::HtmlBlock) => block = Some((line, String::new())),
                Event::Html(html) => {
                    if let Some((_, text)) = block.as_mut() {
                        text.push_str(&html);
                    }
                }
                Event::End(TagEnd::HtmlBlock) => {
                    if let Some((line, html)) = block.take() {
                        ok &= self.raw_html(&html, line);
                    }
                }
                Event::InlineHtml(html) => {
                    ok &= self.inline_tag(&html, line) & self.raw_html(&html, line)
                }
                _ => {}
            }
        }
        ok
    }

    fn link(&mut self, link_type: LinkType, dest_url: &str, line: usize) {
        match dest_url.strip_prefix('@') {
            Some(target) => self.links.push(Located {
                value: target.to_string(),
                line,
            }),
            None if link_type == LinkType::Inline && dest_url.starts_with('/') => self.errors.push(
                Diagnostic::new(self.path, format!("links to `{dest_url}` with a site-absolute path"))
                    .at_line(line)
                    .hint("link to another code as [503](@503) and to a comparison as [211 vs 503](@211-vs-503)"),
            ),
            None if is_script_url(dest_url) => self.warnings.push(
                Diagnostic::new(self.path, format!("links to `{dest_url}`, which runs script when clicked"))
                    .at_line(line)
                    .hint("link to a page instead; the site's pages run no script of their authors"),
            ),
            None => {}
        }
    }

    /// A tag inside running text must be one that may stand there; anything else is most often
    /// a placeholder such as `<address>` in a quoted reply, which a browser would swallow.
    fn inline_tag(&mut self, html: &str, line: usize) -> bool {
        let Some(name) = tag_name(html) else {
            return true;
        };
        if PHRASING.contains(&name.to_ascii_lowercase().as_str()) {
            return true;
        }
        self.errors.push(
            Diagnostic::new(
                self.path,
                format!("`{html}` in running text is not an HTML element that may stand there, so it would vanish from the page"),
            )
            .at_line(line)
            .hint(format!("to show the brackets write `\\<{name}\\>`, or write <*{name}*> for a placeholder")),
        );
        false
    }

    /// Checks raw HTML: a comment that never ends hides the rest of every page that shows this
    /// text, so it is an error; event handlers and `javascript:` URLs are warned about.
    fn raw_html(&mut self, html: &str, line: usize) -> bool {
        let mut ok = true;
        if let Some(open) = html.rfind("<!--")
            && !html[open + 4..].contains("-->")
        {
            self.errors.push(
                Diagnostic::new(
                    self.path,
                    "an HTML comment `<!--` is never closed, which would hide the rest of the page",
                )
                .at_line(line + line_of(html, open) - 1)
                .hint("end it with `-->`, or write `&lt;!--` to show the characters"),
            );
            ok = false;
        }
        let lower = html.to_ascii_lowercase();
        if let Some(handler) = event_handler(&lower) {
            self.warnings.push(
                Diagnostic::new(
                    self.path,
                    format!("raw HTML with an event handler `{handler}=`"),
                )
                .at_line(line)
                .hint("the page's own script is the only one it should run; remove the attribute"),
            );
        }
        if lower.contains("javascript:") {
            self.warnings.push(
                Diagnostic::new(self.path, "raw HTML with a `javascript:` URL")
                    .at_line(line)
                    .hint("link to a page instead"),
            );
        }
        ok
    }
}

/// The HTML elements that may stand inside a paragraph (phrasing content), lower case.
const PHRASING: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "i", "img",
    "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u",
    "var", "wbr",
];

/// The element name of an opening or closing tag (`<x>`, `</x>`, `<x a="1">`); `None` for a
/// comment, a declaration or a processing instruction.
fn tag_name(html: &str) -> Option<&str> {
    let rest = html.strip_prefix('<')?;
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(rest.len());
    let name = &rest[..end];
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        .then_some(name)
}

/// Whether a link's target is a `javascript:` URL, in any case and with leading blanks, as
/// browsers read it.
fn is_script_url(url: &str) -> bool {
    let cleaned: String = url
        .trim_start()
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .take(11)
        .collect();
    cleaned.eq_ignore_ascii_case("javascript:")
}

/// The first `on…=` attribute in lower-cased raw HTML, such as `onclick`.
fn event_handler(lower: &str) -> Option<&str> {
    let bytes = lower.as_bytes();
    lower.match_indices("on").find_map(|(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        if !matches!(before, Some(b' ' | b'\t' | b'\n' | b'/' | b'"' | b'\'')) {
            return None;
        }
        let name_end = lower[at..].find(|c: char| !c.is_ascii_alphabetic())? + at;
        let rest = lower[name_end..].trim_start();
        (name_end > at + 2 && rest.starts_with('=')).then(|| &lower[at..name_end])
    })
}
