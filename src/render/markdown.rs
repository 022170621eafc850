//! Markdown to HTML, once per code section and link style: headings shifted for where the text
//! is placed, `@` links turned into hrefs between pages.
//!
//! Load has already read the text and checked its links (see `load::scan`); this only
//! writes HTML, so a build that makes the published site and the offline bundle loads the content
//! once and renders it twice.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};

use super::Links;
use crate::load::markdown_options;

/// Renders `text`, with headings `shift` levels lower and `@target` links to the page `target`
/// one folder up, in `links`' style: from a code page the sibling `503` of the same protocol,
/// from a number page (itself one folder deep) a protocol's page `http/503`.
pub fn to_html(text: &str, shift: usize, links: &Links) -> String {
    let shift_level = |level: HeadingLevel| {
        HeadingLevel::try_from((level as usize + shift).min(6)).unwrap_or(HeadingLevel::H6)
    };
    let events = Parser::new_ext(text, markdown_options()).map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: shift_level(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shift_level(level))),
        // A transcript wider than a phone scrolls sideways, and a region that scrolls must be
        // reachable from the keyboard (WCAG 2.1.1), so every code block takes focus.
        Event::Start(Tag::CodeBlock(kind)) => {
            let class = match &kind {
                CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or(""),
                CodeBlockKind::Indented => "",
            };
            let class: String = class
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                .collect();
            Event::Html(CowStr::from(if class.is_empty() {
                "<pre tabindex=\"0\"><code>".to_string()
            } else {
                format!("<pre tabindex=\"0\"><code class=\"language-{class}\">")
            }))
        }
        Event::End(TagEnd::CodeBlock) => Event::Html(CowStr::from("</code></pre>\n")),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = match dest_url.strip_prefix('@') {
                Some(target) => CowStr::from(links.sibling(target)),
                None => dest_url,
            };
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        other => other,
    });
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// Renders a short text written to stand inside a line of the page (a protocol's
/// `recognized_by`): its code spans and emphasis, without the paragraph around it.
pub fn inline_html(text: &str) -> String {
    // Settings are not scanned as code files are, so raw HTML in them stays text.
    let events = Parser::new_ext(text, markdown_options()).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut html = String::with_capacity(text.len() + 16);
    pulldown_cmark::html::push_html(&mut html, events);
    let trimmed = html.trim_end();
    trimmed
        .strip_prefix("<p>")
        .and_then(|t| t.strip_suffix("</p>"))
        .unwrap_or(trimmed)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::LinkStyle;

    fn links(style: LinkStyle) -> Links {
        Links::new(style, "https://example.org/")
    }

    const TEXT: &str =
        "Text [530](@530) and [a pair](@211-vs-503).\n\n### As a client user\n\nDo it.\n";

    #[test]
    fn links_by_style_and_headings_by_place() {
        let dir = to_html(TEXT, 0, &links(LinkStyle::Directory));
        assert!(dir.contains(r#"href="../530/""#), "{dir}");
        assert!(dir.contains(r#"href="../211-vs-503/""#), "{dir}");
        assert!(dir.contains("<h3>"));
        let file = to_html(TEXT, 1, &links(LinkStyle::File));
        assert!(file.contains(r#"href="../530/index.html""#), "{file}");
        assert!(file.contains("<h4>"));
    }

    #[test]
    fn inline_text_keeps_its_code_spans_and_escapes_the_rest() {
        assert_eq!(
            inline_html("As in `HTTP/1.1 503 <x>` & more."),
            "As in <code>HTTP/1.1 503 &lt;x&gt;</code> &amp; more."
        );
        assert_eq!(
            inline_html("A <script>x</script>."),
            "A &lt;script&gt;x&lt;/script&gt;."
        );
    }

    #[test]
    fn code_blocks_take_focus_and_stay_text() {
        let html = to_html(
            "```http\nGET / HTTP/1.1\n<a href=\"x\">\n```\n",
            0,
            &links(LinkStyle::Directory),
        );
        assert_eq!(
            html,
            "<pre tabindex=\"0\"><code class=\"language-http\">GET / HTTP/1.1\n&lt;a href=\"x\"&gt;\n</code></pre>\n"
        );
        let plain = to_html("    indented\n", 0, &links(LinkStyle::Directory));
        assert_eq!(plain, "<pre tabindex=\"0\"><code>indented\n</code></pre>\n");
    }
}
