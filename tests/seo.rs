//! Every page as a search engine and a link checker see it: unique titles and descriptions,
//! canonical URLs, Open Graph, JSON-LD matching the visible breadcrumbs, a sitemap of exactly
//! the canonical pages, crawlability within three clicks, page weight, and how alike the
//! comparison pages are.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};

use common::*;

/// Built once per test binary: the shipped site.
fn shipped() -> &'static Path {
    static OUT: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        build(&repo_root(), out.path()).unwrap();
        out
    })
    .path()
}

fn meta(html: &scraper::Html, css: &str) -> Option<String> {
    select(html, css)
        .first()
        .and_then(|e| e.value().attr("content").map(String::from))
}

fn base_url() -> String {
    let site = fs::read_to_string(repo_root().join("content/site.toml")).unwrap();
    let table: toml::Table = site.parse().unwrap();
    table["base_url"]
        .as_str()
        .unwrap()
        .trim_end_matches('/')
        .to_string()
}

/// The canonical URL of an output file, by its place in the folder.
fn url_of(rel: &str) -> String {
    format!("{}/{}", base_url(), rel.trim_end_matches("index.html"))
}

#[test]
fn every_page_has_a_unique_title_description_and_a_self_canonical() {
    let out = shipped();
    let mut titles: HashMap<String, String> = HashMap::new();
    let mut descriptions: HashMap<String, String> = HashMap::new();
    for (rel, path) in html_files(out) {
        let html = parse(&path);
        assert_eq!(
            select(&html, "html")[0].value().attr("lang"),
            Some("en"),
            "{rel}"
        );
        assert_eq!(select(&html, "h1").len(), 1, "{rel}: one h1");
        let title = text(&select(&html, "title")[0]);
        let description = meta(&html, "meta[name=description]").unwrap_or_default();
        let words = description.trim_end_matches('…');
        assert!(
            (70..=160).contains(&description.chars().count()),
            "{rel}: description of {} characters",
            description.chars().count()
        );
        assert!(!words.contains(['<', '>']), "{rel}: markup in description");
        assert!(!description.ends_with(' '), "{rel}");
        if rel == "404.html" {
            assert_eq!(meta(&html, "meta[name=robots]").as_deref(), Some("noindex"));
            continue;
        }
        if let Some(other) = titles.insert(title.clone(), rel.clone()) {
            panic!("{rel} and {other} share the title {title:?}");
        }
        if let Some(other) = descriptions.insert(description.clone(), rel.clone()) {
            panic!("{rel} and {other} share the description {description:?}");
        }
        let canonical = select(&html, "link[rel=canonical]")[0]
            .value()
            .attr("href")
            .unwrap()
            .to_string();
        assert_eq!(canonical, url_of(&rel), "{rel}");
        assert_eq!(
            meta(&html, "meta[property='og:url']").as_deref(),
            Some(canonical.as_str())
        );
        for tag in [
            "meta[property='og:title']",
            "meta[property='og:type']",
            "meta[name='twitter:card']",
        ] {
            assert!(meta(&html, tag).is_some(), "{rel}: {tag}");
        }
        let image = meta(&html, "meta[property='og:image']").unwrap();
        let shipped_file = image
            .strip_prefix(&format!("{}/", base_url()))
            .expect("absolute image URL");
        assert!(
            out.join(shipped_file).is_file(),
            "{rel}: og:image {image} is not shipped"
        );
    }
}

#[test]
fn json_ld_parses_and_its_breadcrumbs_match_the_visible_ones() {
    let out = shipped();
    for (rel, path) in html_files(out).into_iter().filter(|(r, _)| r != "404.html") {
        let html = parse(&path);
        let scripts = select(&html, "script[type='application/ld+json']");
        assert_eq!(scripts.len(), 1, "{rel}");
        let data: serde_json::Value =
            serde_json::from_str(&scripts[0].inner_html()).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let graph = data["@graph"].as_array().unwrap();
        let page = &graph[0];
        for key in ["headline", "description", "dateModified", "publisher"] {
            assert!(!page[key].is_null(), "{rel}: no {key}");
        }
        assert_eq!(
            page["headline"].as_str().unwrap(),
            text(&select(&html, "h1")[0]),
            "{rel}"
        );
        let date = page["dateModified"].as_str().unwrap();
        assert!(
            date.len() == 10 && date.as_bytes()[4] == b'-',
            "{rel}: {date}"
        );
        // Code and comparison pages are articles; the home page and protocol pages list them.
        let article = rel.matches('/').count() >= 2;
        assert_eq!(page["@type"] == "TechArticle", article, "{rel}");
        let visible: Vec<String> = select(&html, "nav.crumbs li").iter().map(text).collect();
        let listed: Vec<String> = graph
            .iter()
            .find(|g| g["@type"] == "BreadcrumbList")
            .map(|b| {
                b["itemListElement"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["name"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default();
        if rel != "index.html" {
            assert_eq!(visible, listed, "{rel}");
        }
    }
}

#[test]
fn the_sitemap_lists_exactly_the_canonical_pages_with_dates() {
    let out = shipped();
    // The shipped site is past one sitemap file's limit, so sitemap.xml is an index of parts,
    // each named by its absolute URL.
    let index = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let index = roxmltree::Document::parse(&index).unwrap();
    assert_eq!(index.root_element().tag_name().name(), "sitemapindex");
    let parts: Vec<String> = index
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| {
            let loc = n.text().unwrap();
            let file = loc.strip_prefix(&format!("{}/", base_url())).unwrap();
            fs::read_to_string(out.join(file)).unwrap()
        })
        .collect();
    assert!(parts.len() >= 2);
    let mut listed = HashSet::new();
    let docs: Vec<_> = parts
        .iter()
        .map(|xml| roxmltree::Document::parse(xml).unwrap())
        .collect();
    for url in docs
        .iter()
        .flat_map(|doc| doc.descendants())
        .filter(|n| n.has_tag_name("url"))
    {
        let loc = url
            .children()
            .find(|n| n.has_tag_name("loc"))
            .unwrap()
            .text()
            .unwrap()
            .to_string();
        let lastmod = url
            .children()
            .find(|n| n.has_tag_name("lastmod"))
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(lastmod.len(), 10, "{loc}");
        assert!(listed.insert(loc.clone()), "{loc} listed twice");
    }
    let pages: HashSet<String> = html_files(out)
        .into_iter()
        .filter(|(r, _)| r != "404.html")
        .map(|(r, _)| url_of(&r))
        .collect();
    assert_eq!(listed, pages);
    let robots = fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(
        robots
            .lines()
            .any(|l| l == format!("Sitemap: {}/sitemap.xml", base_url())),
        "{robots}"
    );
    for icon in ["favicon.svg", "favicon.ico"] {
        assert!(out.join(icon).is_file());
    }
}

#[test]
fn every_page_is_within_three_clicks_of_home() {
    let out = shipped();
    let mut depth: BTreeMap<PathBuf, usize> = BTreeMap::new();
    let home = out.join("index.html");
    depth.insert(home.clone(), 0);
    let mut queue = VecDeque::from([home]);
    while let Some(page) = queue.pop_front() {
        let d = depth[&page];
        let html = parse(&page);
        for a in select(&html, "a[href]") {
            let Some(target) = resolve(out, &page, a.value().attr("href").unwrap()) else {
                continue;
            };
            assert!(
                target.is_file(),
                "{}: broken link to {}",
                page.display(),
                target.display()
            );
            if !depth.contains_key(&target) {
                depth.insert(target.clone(), d + 1);
                queue.push_back(target);
            }
        }
    }
    let all: Vec<PathBuf> = html_files(out)
        .into_iter()
        .filter(|(r, _)| r != "404.html")
        .map(|(_, p)| p)
        .collect();
    for page in &all {
        let d = depth
            .get(page)
            .unwrap_or_else(|| panic!("{} is an orphan", page.display()));
        assert!(*d <= 3, "{} is {d} clicks from home", page.display());
    }
}

#[test]
fn pages_are_light_and_need_nothing_from_elsewhere() {
    let out = shipped();
    let css = fs::metadata(out.join("style.css")).unwrap().len();
    assert!(css < 15 * 1024, "style.css is {css} bytes");
    for (rel, path) in html_files(out) {
        let size = fs::metadata(&path).unwrap().len();
        assert!(size < 40 * 1024, "{rel} is {size} bytes");
        let html = parse(&path);
        // Scripts only add search and the picker: local, classic, deferred, and every control
        // they drive is hidden until they run.
        for script in select(&html, "script") {
            let data = script.value().attr("type") == Some("application/ld+json");
            let local = script
                .value()
                .attr("src")
                .is_some_and(|s| !s.contains("://"));
            assert!(
                data || (local && script.value().attr("defer").is_some()),
                "{rel}: {}",
                script.html()
            );
        }
        for control in select(&html, "form") {
            assert!(
                control.value().attr("hidden").is_some(),
                "{rel}: a form shows before its script runs"
            );
        }
        for el in select(&html, "[src], link[href]") {
            let url = el.value().attr("src").or(el.value().attr("href")).unwrap();
            let rel_attr = el.value().attr("rel").unwrap_or("");
            if rel_attr != "canonical" {
                assert!(!url.contains("://"), "{rel}: loads {url} from elsewhere");
            }
        }
    }
}

/// Word 5-shingles of a page's main text, hashed and sorted.
fn shingles(path: &Path) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let html = parse(path);
    let words: Vec<String> = select(&html, "main")
        .iter()
        .flat_map(|m| m.text().collect::<Vec<_>>())
        .collect::<String>()
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    let mut set: Vec<u64> = words
        .windows(5)
        .map(|w| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            w.hash(&mut h);
            h.finish()
        })
        .collect();
    set.sort_unstable();
    set.dedup();
    set
}

fn jaccard(x: &[u64], y: &[u64]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    both as f64 / (x.len() + y.len() - both) as f64
}

/// Two comparison pages that share a code both show that code's sections in full, so they
/// overlap by design (about half their text); pages with no code in common share only the
/// layout. 0.6 sits above that designed overlap and well below the 0.9 resemblance at which
/// shingling studies call pages near-duplicates; above it a page would say too little of its own.
const SIMILARITY_CEILING: f64 = 0.6;

#[test]
fn no_two_comparison_pages_are_near_duplicates() {
    let out = shipped();
    let mut reports = String::new();
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    for protocol in catalog.protocols.iter().map(|p| p.slug.as_str()) {
        let (report, worst) = similarity(&out.join(protocol), protocol);
        println!("{report}");
        reports.push_str(&report);
        let (max, x, y) = worst;
        assert!(max <= SIMILARITY_CEILING, "{x} and {y} are {max:.3} alike");
    }
    let _ = fs::write(repo_root().join("target/similarity.txt"), &reports);
}

/// How alike one protocol's comparison pages are: a report, and the most alike pair.
fn similarity(dir: &Path, protocol: &str) -> (String, (f64, String, String)) {
    let pages: Vec<(String, Vec<u64>)> = html_files(dir)
        .into_iter()
        .filter(|(r, _)| r.contains("-vs-"))
        .map(|(r, p)| (r.trim_end_matches("/index.html").to_string(), shingles(&p)))
        .collect();
    let mut by_code: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (slug, _)) in pages.iter().enumerate() {
        let (a, b) = slug.split_once("-vs-").unwrap();
        by_code.entry(a).or_default().push(i);
        by_code.entry(b).or_default().push(i);
    }
    // Every page pair with a code in common: the only candidates for high similarity.
    let mut sharing: Vec<(f64, usize, usize)> = Vec::new();
    for ids in by_code.values() {
        for (k, &x) in ids.iter().enumerate() {
            for &y in &ids[k + 1..] {
                sharing.push((jaccard(&pages[x].1, &pages[y].1), x, y));
            }
        }
    }
    sharing.sort_by(|a, b| a.0.total_cmp(&b.0));
    // A fixed sample of pages with no code in common, for the baseline.
    let mut apart = Vec::new();
    let n = pages.len();
    for k in 0..20_000usize {
        let (x, y) = ((k * 7919) % n, (k * 104_729 + 13) % n);
        let codes = |i: usize| {
            pages[i]
                .0
                .split("-vs-")
                .map(String::from)
                .collect::<HashSet<_>>()
        };
        if x != y && codes(x).is_disjoint(&codes(y)) {
            apart.push(jaccard(&pages[x].1, &pages[y].1));
        }
    }
    apart.sort_by(f64::total_cmp);
    let q = |v: &[f64], p: f64| v[((v.len() - 1) as f64 * p) as usize];
    let report = format!(
        "{protocol} comparison pages: {n}\nsharing a code: {} page pairs; median {:.3}, p90 {:.3}, p99 {:.3}, max {:.3} ({} vs {})\nno code in common (sample of {}): median {:.3}, max {:.3}\nceiling: {SIMILARITY_CEILING}\n",
        sharing.len(),
        q(&sharing.iter().map(|s| s.0).collect::<Vec<_>>(), 0.5),
        q(&sharing.iter().map(|s| s.0).collect::<Vec<_>>(), 0.9),
        q(&sharing.iter().map(|s| s.0).collect::<Vec<_>>(), 0.99),
        sharing.last().unwrap().0,
        pages[sharing.last().unwrap().1].0,
        pages[sharing.last().unwrap().2].0,
        apart.len(),
        q(&apart, 0.5),
        apart.last().unwrap(),
    );
    let (max, x, y) = *sharing.last().unwrap();
    (report, (max, pages[x].0.clone(), pages[y].0.clone()))
}
