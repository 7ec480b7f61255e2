//! Which council a request is for: the one whose host name it was sent to, else the one its
//! path names (`/c/{slug}/…`, for councils sharing a host name), else the first council.
//! With one council, nothing in an address names it.

use std::sync::Arc;

use super::Council;

/// The councils, as requests are matched to them.
#[derive(Clone, Debug)]
pub struct Directory {
    /// The first is the installation's first council (for addresses that name none).
    councils: Vec<Arc<Council>>,
}

/// A request's council, and the path to route once the council's part is taken off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved<'a> {
    pub council: Arc<Council>,
    /// `/c/{slug}` when the path named the council: every link on its pages starts so.
    pub prefix: Option<String>,
    pub path: &'a str,
}

/// Where a path names a council.
const PATH_FORM: &str = "/c/";

/// The part a council's addresses start with on a shared host: `/c/{slug}`.
pub fn path_prefix(slug: &super::CouncilSlug) -> String {
    format!("{PATH_FORM}{}", slug.as_str())
}

impl Directory {
    /// `None` when there are no councils (a database not yet set up).
    pub fn new(councils: Vec<Council>) -> Option<Self> {
        (!councils.is_empty()).then(|| Self {
            councils: councils.into_iter().map(Arc::new).collect(),
        })
    }

    pub fn first(&self) -> &Arc<Council> {
        &self.councils[0]
    }

    pub fn all(&self) -> &[Arc<Council>] {
        &self.councils
    }

    /// The council for a request to `host` (its Host header, perhaps with a port) and `path`.
    pub fn resolve<'a>(&self, host: &str, path: &'a str) -> Resolved<'a> {
        let unchanged = |council: &Arc<Council>| Resolved {
            council: council.clone(),
            prefix: None,
            path,
        };
        if self.councils.len() == 1 {
            return unchanged(self.first());
        }
        let host = host_name(host);
        if let Some(council) = self
            .councils
            .iter()
            .find(|c| c.host.as_deref() == Some(host.as_str()))
        {
            return unchanged(council);
        }
        if let Some(rest) = path.strip_prefix(PATH_FORM) {
            let (slug, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            if let Some(council) = self.councils.iter().find(|c| c.slug.as_str() == slug) {
                return Resolved {
                    council: council.clone(),
                    prefix: Some(format!("{PATH_FORM}{slug}")),
                    path: if tail.is_empty() { "/" } else { tail },
                };
            }
        }
        unchanged(self.first())
    }
}

/// A Host header's name: lower case, without a port or a trailing dot.
fn host_name(host: &str) -> String {
    let name = if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or(host)
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::councils::{CouncilDetails, CouncilSlug};

    fn council(id: i64, slug: &str, host: Option<&str>) -> Council {
        Council {
            id: id.into(),
            slug: CouncilSlug::parse(slug).unwrap(),
            details: CouncilDetails {
                name: format!("{slug} Council"),
                host: host.map(str::to_owned),
                ..CouncilDetails::default()
            },
        }
    }

    #[test]
    fn one_council_is_every_address() {
        let one = Directory::new(vec![council(1, "trafford", None)]).unwrap();
        for (host, path) in [
            ("localhost:8080", "/search"),
            ("x.example", "/c/trafford/search"),
        ] {
            let found = one.resolve(host, path);
            assert_eq!(
                (found.council.id.0, found.prefix, found.path),
                (1, None, path)
            );
        }
    }

    #[test]
    fn a_host_name_then_a_path_then_the_first_council() {
        let two = Directory::new(vec![
            council(1, "trafford", Some("trafford.kith.example")),
            council(2, "stockport", Some("stockport.kith.example")),
        ])
        .unwrap();
        let by = |host, path| {
            let r = two.resolve(host, path);
            (r.council.id.0, r.prefix, r.path.to_owned())
        };
        assert_eq!(
            by("Stockport.Kith.Example:443", "/search"),
            (2, None, "/search".into())
        );
        assert_eq!(by("stockport.kith.example.", "/"), (2, None, "/".into()));
        assert_eq!(
            by("kith.example", "/c/stockport/listings/4"),
            (2, Some("/c/stockport".into()), "/listings/4".into())
        );
        assert_eq!(
            by("kith.example", "/c/stockport"),
            (2, Some("/c/stockport".into()), "/".into())
        );
        // A council's own host name names it, whatever the path says.
        assert_eq!(
            by("trafford.kith.example", "/c/stockport/search"),
            (1, None, "/c/stockport/search".into())
        );
        // Neither: the first council; an unknown short name is left for a 404.
        assert_eq!(by("10.0.0.5:8080", "/search"), (1, None, "/search".into()));
        assert_eq!(
            by("kith.example", "/c/nowhere/x"),
            (1, None, "/c/nowhere/x".into())
        );
        assert_eq!(
            by("kith.example", "/c/stockportx/x"),
            (1, None, "/c/stockportx/x".into())
        );
    }
}
