//! Markdown to HTML, once per code section and link style: headings shifted for where the text
//! is placed, `@` links turned into hrefs between pages.
//!
//! Load has already read the text and checked its links (see `load::scan_links`); this only
//! writes HTML, so a build that makes the published site and the offline bundle loads the content
//! once and renders it twice.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};

use super::LinkStyle;
use crate::load::markdown_options;

/// Renders `text`, with headings `shift` levels lower and `@target` links to the sibling page
/// `target` of the same protocol in `links`' style.
pub fn to_html(text: &str, shift: usize, links: LinkStyle) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "Text [530](@530) and [a pair](@211-vs-503).\n\n### As a client user\n\nDo it.\n";

    #[test]
    fn links_by_style_and_headings_by_place() {
        let dir = to_html(TEXT, 0, LinkStyle::Directory);
        assert!(dir.contains(r#"href="../530/""#), "{dir}");
        assert!(dir.contains(r#"href="../211-vs-503/""#), "{dir}");
        assert!(dir.contains("<h3>"));
        let file = to_html(TEXT, 1, LinkStyle::File);
        assert!(file.contains(r#"href="../530/index.html""#), "{file}");
        assert!(file.contains("<h4>"));
    }
}
