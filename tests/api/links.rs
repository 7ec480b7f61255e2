//! Every internal link the pages show goes to a path the route table names, and every link
//! a person can follow opens: a crawl of the demo service as a visitor and as each demo account.

use std::collections::{HashMap, HashSet, VecDeque};

use actix_web::dev::ResourceDef;
use reqwest::StatusCode;

use crate::helpers::{Browser, spawn_app};

/// Pages opened per role, and addresses opened per route (`/listings/{id}` once is enough
/// to learn its links; the rest are the same page with other data).
const PAGES_PER_ROLE: usize = 300;
const URLS_PER_ROUTE: usize = 2;

/// An internal address a page mentions, and whether a person would open it with a GET
/// (a link, a GET form, a picture) rather than send a form to it.
struct Link {
    url: String,
    opens: bool,
}

/// The value of `attr="…"` in a tag's text, unescaped.
fn attribute(tag: &str, attr: &str) -> Option<String> {
    let at = tag.find(&format!(" {attr}=\""))? + attr.len() + 3;
    let end = tag[at..].find('"')? + at;
    Some(tag[at..end].replace("&amp;", "&"))
}

/// The links, pictures, scripts and form actions of an HTML page.
fn links_in(html: &str) -> Vec<Link> {
    let mut out = Vec::new();
    for tag in html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        let name = tag.split([' ', '\n']).next().unwrap_or_default();
        let tag = format!(" {tag}");
        match name {
            "a" | "link" => {
                out.extend(attribute(&tag, "href").map(|url| Link { url, opens: true }))
            }
            "img" | "script" => {
                out.extend(attribute(&tag, "src").map(|url| Link { url, opens: true }))
            }
            "form" => {
                let get = attribute(&tag, "method").is_none_or(|m| m.eq_ignore_ascii_case("get"));
                out.extend(attribute(&tag, "action").map(|url| Link { url, opens: get }));
            }
            "button" | "input" => {
                out.extend(attribute(&tag, "formaction").map(|url| Link { url, opens: false }))
            }
            _ => {}
        }
    }
    out
}

/// The route table's paths, in the order actix tries them, and whether each is named.
fn routes() -> Vec<(ResourceDef, &'static str, bool)> {
    let named: HashSet<&str> = kith::routes::table()
        .iter()
        .filter(|r| r.name.is_some())
        .map(|r| r.path)
        .collect();
    kith::routes::table()
        .into_iter()
        .map(|r| (ResourceDef::new(r.path), r.path, named.contains(r.path)))
        .collect()
}

struct Crawl {
    routes: Vec<(ResourceDef, &'static str, bool)>,
    base: url::Url,
    /// Addresses that matched no named route, with the page that showed them.
    unnamed: Vec<String>,
    /// Addresses a link opened that did not open, with their status.
    broken: Vec<String>,
    /// Pictures, styles and scripts already fetched (the same for every role).
    assets: HashSet<String>,
    /// The route patterns opened, over every role.
    reached: HashSet<&'static str>,
}

impl Crawl {
    /// The route pattern an internal address goes to, or `None` for another site.
    fn pattern_of(&mut self, from: &str, raw: &str) -> Option<(String, &'static str)> {
        let url = self.base.join(from).ok()?.join(raw).ok()?;
        if url.origin() != self.base.origin() || raw.starts_with('#') {
            return None;
        }
        let path = url.path().to_owned();
        let full = match url.query() {
            Some(q) => format!("{path}?{q}"),
            None => path.clone(),
        };
        match self.routes.iter().find(|(def, _, _)| def.is_match(&path)) {
            Some((_, pattern, true)) => Some((full, *pattern)),
            _ => {
                self.unnamed.push(format!("{raw} (on {from})"));
                None
            }
        }
    }

    async fn walk(&mut self, browser: &Browser, who: &str) {
        let mut queue = VecDeque::from([
            ("/".to_owned(), "the start".to_owned()),
            ("/account".to_owned(), "the start".to_owned()),
        ]);
        let mut seen: HashSet<String> = queue.iter().map(|(u, _)| u.clone()).collect();
        let mut per_route: HashMap<&'static str, usize> = HashMap::new();
        let mut opened = 0;
        while let Some((url, from)) = queue.pop_front() {
            if opened == PAGES_PER_ROLE {
                break;
            }
            opened += 1;
            let res = browser.get(&url).await;
            let status = res.status();
            if !(status.is_success() || status.is_redirection()) {
                self.broken
                    .push(format!("{url} (on {from}) as {who}: {status}"));
                continue;
            }
            let html = res
                .headers()
                .get("content-type")
                .is_some_and(|c| c.to_str().unwrap_or_default().starts_with("text/html"));
            if !html || status != StatusCode::OK {
                continue;
            }
            let body = res.text().await.unwrap();
            for link in links_in(&body) {
                let Some((target, pattern)) = self.pattern_of(&url, &link.url) else {
                    continue;
                };
                if !link.opens || !seen.insert(target.clone()) {
                    continue;
                }
                if pattern.starts_with("/static/") || pattern.starts_with("/media/") {
                    if self.assets.insert(target.clone()) {
                        let status = browser.get(&target).await.status();
                        if status != StatusCode::OK {
                            self.broken.push(format!("{target} (on {url}): {status}"));
                        }
                    }
                    continue;
                }
                let count = per_route.entry(pattern).or_default();
                if *count < URLS_PER_ROUTE {
                    *count += 1;
                    self.reached.insert(pattern);
                    queue.push_back((target, url.clone()));
                }
            }
        }
    }
}

#[tokio::test]
async fn every_link_goes_to_a_named_route_and_opens() {
    let app = spawn_app().await;
    kith::demo::seed(&app.db, &app.address).await.unwrap();
    let mut crawl = Crawl {
        routes: routes(),
        base: url::Url::parse(&app.address).unwrap(),
        unnamed: Vec::new(),
        broken: Vec::new(),
        assets: HashSet::new(),
        reached: HashSet::new(),
    };
    crawl.walk(&app.browser(), "a visitor").await;
    for email in kith::demo::account_emails() {
        let browser = app.browser();
        browser.sign_in(email, kith::demo::DEMO_PASSWORD).await;
        crawl.walk(&browser, email).await;
    }
    assert!(
        crawl.unnamed.is_empty(),
        "links to paths the route table does not name:\n{}",
        crawl.unnamed.join("\n")
    );
    assert!(
        crawl.broken.is_empty(),
        "links that do not open:\n{}",
        crawl.broken.join("\n")
    );
    assert!(
        crawl.reached.len() >= 70,
        "the crawl opened {} of the route table's pages: the demo has more to see",
        crawl.reached.len()
    );
}
