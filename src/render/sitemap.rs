//! Sitemaps and robots.txt, through the templates `sitemap.xml`, `sitemap-index.xml` and
//! `robots.txt`, which a site may override like any other; the XML templates escape what they
//! place.

use serde::Serialize;
use tera::Context;

use super::Renderer;
use crate::dates::Date;
use crate::error::{Error, Result};

#[derive(Serialize)]
struct Entry<'a> {
    loc: &'a str,
    lastmod: String,
}

fn entries(list: &[(String, Date)]) -> Vec<Entry<'_>> {
    list.iter()
        .map(|(loc, lastmod)| Entry {
            loc,
            lastmod: lastmod.to_string(),
        })
        .collect()
}

impl Renderer<'_> {
    /// One sitemap file listing `urls`, each an absolute URL with its last change.
    pub fn sitemap(&self, urls: &[(String, Date)]) -> Result<Vec<u8>> {
        self.render_file("sitemap.xml", "urls", entries(urls))
    }

    /// The index over sitemap files, each an absolute URL with the newest change it lists.
    pub fn sitemap_index(&self, parts: &[(String, Date)]) -> Result<Vec<u8>> {
        self.render_file("sitemap-index.xml", "sitemaps", entries(parts))
    }

    pub fn robots(&self) -> Result<Vec<u8>> {
        let sitemap = format!(
            "{}/sitemap.xml",
            self.catalog.site.base_url.trim_end_matches('/')
        );
        self.render_file("robots.txt", "sitemap", sitemap)
    }

    fn render_file(
        &self,
        template: &str,
        key: &'static str,
        value: impl Serialize,
    ) -> Result<Vec<u8>> {
        let mut context = Context::new();
        context.insert(key, &value);
        let mut out = Vec::new();
        self.tera
            .render_to(template, &context, &mut out)
            .map_err(|e| Error::template(format!("cannot render {template}"), &e))?;
        Ok(out)
    }
}
