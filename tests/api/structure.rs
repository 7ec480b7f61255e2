//! Rules about the code itself that the compiler cannot check: states are compared as
//! enums, never as text; the domain never reaches up into the web layer; handlers leave
//! queries to the domain and take ids as numbers.

use std::path::{Path, PathBuf};

/// Every text a state, kind or role column may hold: the values of every `text_enum!` in
/// `entity/`, read from its source so a new enum or value is covered without a list here.
fn stored_values() -> Vec<String> {
    let mut values = Vec::new();
    for (_, text) in sources("entity/src") {
        for block in text.split("text_enum! {").skip(1) {
            let body = block.split("\n}\n").next().unwrap_or_default();
            for line in body.lines() {
                if let Some((_, value)) = line.trim().split_once(" = \"") {
                    values.push(value.trim_end_matches("\",").to_owned());
                }
            }
        }
    }
    values.sort_unstable();
    values.dedup();
    values
}

/// Words that mark an expression as holding a stored state, kind or role.
const STATE_WORDS: [&str; 9] = [
    "status", "kind", "role", "outcome", "decision", "source", "reply_by", "state", "Column::",
];

/// Lines of `source` that compare a stored state with a string literal: `x.status ==
/// "draft"`, `Column::Status.eq("approved")`, or a `"draft" =>` arm of a match on a state.
fn state_literal_comparisons(source: &str, values: &[String]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut scrutinee = String::new();
    for (n, line) in source.lines().enumerate() {
        let code = line.trim();
        if code.starts_with("//") {
            continue;
        }
        if let Some(at) = code.find("match ") {
            scrutinee = code[at..].to_owned();
        }
        let mentions_state = |text: &str| STATE_WORDS.iter().any(|w| text.contains(w));
        for v in values {
            let compared = [
                format!("== \"{v}\""),
                format!("!= \"{v}\""),
                format!(".eq(\"{v}\")"),
                format!(".ne(\"{v}\")"),
                format!("is_in([\"{v}\""),
            ]
            .iter()
            .any(|p| code.contains(p.as_str()));
            let arm = [
                format!("\"{v}\" =>"),
                format!("\"{v}\" |"),
                format!("| \"{v}\""),
            ]
            .iter()
            .any(|p| code.contains(p.as_str()));
            if (compared && mentions_state(code)) || (arm && mentions_state(&scrutinee)) {
                found.push((n + 1, code.to_owned()));
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read source folder") {
        let path = entry.expect("folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources(under: &str) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(under);
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read source file");
            (p, text)
        })
        .collect()
}

#[test]
fn the_rule_catches_a_state_compared_as_text() {
    let values = stored_values();
    for known in [
        "approved",
        "changes_requested",
        "personal_assistant",
        "quality_checker",
    ] {
        assert!(
            values.iter().any(|v| v == known),
            "{known} read from entity/"
        );
    }
    let bad = "if listing.status == \"approved\" {\n\
               .filter(listings::Column::Status.eq(\"draft\"))\n\
               match org.kind {\n    \"personal_assistant\" => 1,\n";
    assert_eq!(state_literal_comparisons(bad, &values).len(), 3);
    let fine = "if query.page == \"2\" {}\nmatch name {\n    \"dbs\" => 1,\n";
    assert!(state_literal_comparisons(fine, &values).is_empty());
}

#[test]
fn no_state_is_compared_as_text_in_the_service() {
    let values = stored_values();
    let offences: Vec<String> = sources("src")
        .iter()
        .flat_map(|(path, text)| {
            state_literal_comparisons(text, &values)
                .into_iter()
                .map(move |(line, code)| format!("{}:{line}: {code}", path.display()))
        })
        .collect();
    assert!(
        offences.is_empty(),
        "compare states as enums (entity::…::…Status), not text:\n{}",
        offences.join("\n")
    );
}

#[test]
fn the_domain_never_imports_the_web_layer() {
    let offences = lines_containing(
        "src/domain",
        &["crate::auth", "crate::routes", "crate::views"],
    );
    assert!(
        offences.is_empty(),
        "the domain must not depend on auth, routes or views:\n{}",
        offences.join("\n")
    );
}

/// Lines in the files under `dir` that contain any of `needles`.
fn lines_containing(dir: &str, needles: &[&str]) -> Vec<String> {
    sources(dir)
        .iter()
        .flat_map(|(path, text)| {
            text.lines()
                .enumerate()
                .filter(|(_, l)| needles.iter().any(|n| l.contains(n)))
                .map(move |(n, l)| format!("{}:{}: {}", path.display(), n + 1, l.trim()))
        })
        .collect()
}

#[test]
fn handlers_leave_queries_to_the_domain() {
    let offences = lines_containing("src/routes", &["sea_orm", "Entity::find"]);
    assert!(
        offences.is_empty(),
        "a handler calls a domain function; queries live in src/domain:\n{}",
        offences.join("\n")
    );
}

#[test]
fn handlers_take_ids_as_numbers() {
    let offences = lines_containing("src/routes", &["id: web::Path<String>", "web::Path<("]);
    let offences: Vec<_> = offences
        .into_iter()
        // Open Referral ids are the exchange's own text ids, not Kith's numbers.
        .filter(|l| !l.contains("openreferral.rs"))
        .collect();
    assert!(
        offences.is_empty(),
        "take `PathId(id): PathId` or `PathIds(a, b): PathIds` (a bad id is a 404 before the handler runs):\n{}",
        offences.join("\n")
    );
}

/// String literals in `source` (before its tests) that spell an internal URL by hand:
/// `"/word…"` or `"{base_url}/word…"`. utoipa's `path = "…"` attributes must be literals,
/// `include_bytes!` names files, and `starts_with("/api/")` sorts requests by prefix: none
/// of them builds a link.
fn hand_written_urls(source: &str) -> Vec<(usize, String)> {
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim_start();
            !line.starts_with("path = \"")
                && !line.contains("CARGO_MANIFEST_DIR")
                && !line.contains("starts_with(\"/")
                // A file on this machine, not a URL.
                && !line.contains("Path::new(\"/")
        })
        .filter(|(_, line)| {
            line.match_indices('"').any(|(at, _)| {
                let rest = &line[at + 1..];
                let rest = match rest.strip_prefix('{') {
                    Some(r) => r.split_once('}').map_or("", |(_, after)| after),
                    None => rest,
                };
                rest.strip_prefix('/')
                    .and_then(|r| r.chars().next())
                    .is_some_and(|c| c.is_ascii_lowercase())
            })
        })
        .map(|(n, line)| (n + 1, line.trim().to_owned()))
        .collect()
}

#[test]
fn the_rule_catches_a_url_written_by_hand() {
    for bad in [
        r#"a class="govuk-link" href="/search" { "Find support" }"#,
        r#"a href={ "/listings/" (id) } { (title) }"#,
        r#"Ok(see_other(&format!("/provider/listings/{id}")))"#,
        r#"let link = format!("{base_url}/enquiries/{}", enquiry.id);"#,
    ] {
        assert_eq!(hand_written_urls(bad).len(), 1, "{bad}");
    }
    for fine in [
        r#"a href=(paths::listing(id)) { (title) }"#,
        r##"a href="#main-content" class="govuk-skip-link" { "Skip" }"##,
        r#"format!("{}?page={n}", paths::search())"#,
        r#"    path = "/api/v1/search","#,
        "let half = \"a\" / 2;",
    ] {
        assert!(hand_written_urls(fine).is_empty(), "{fine}");
    }
}

#[test]
fn internal_urls_come_from_the_route_table() {
    let offences: Vec<String> = sources("src")
        .iter()
        .filter(|(path, _)| {
            let path = path.to_string_lossy();
            // The table itself; the one place that spells a council's `/c/{slug}` (the part
            // of an address before the table's paths); and the command line and demo data,
            // which print and seed.
            !path.ends_with("src/routes/mod.rs")
                && !path.ends_with("src/domain/councils/directory.rs")
                && !path.contains("src/cli/")
                && !path.contains("src/demo/")
        })
        .flat_map(|(path, text)| {
            hand_written_urls(text)
                .into_iter()
                .map(move |(n, line)| format!("{}:{n}: {line}", path.display()))
        })
        .collect();
    assert!(
        offences.is_empty(),
        "build internal URLs with crate::paths (named in the route table):\n{}",
        offences.join("\n")
    );
}

#[test]
fn every_path_in_the_route_table_has_one_name_that_fits_it() {
    let mut named = std::collections::BTreeMap::new();
    for rule in kith::routes::table() {
        if let Some(name) = rule.name {
            assert!(
                named.insert(rule.path, name).is_none(),
                "{} is named twice",
                rule.path
            );
        }
    }
    for rule in kith::routes::table() {
        assert!(named.contains_key(rule.path), "{} has no name", rule.path);
    }
    for (name, pattern, params) in kith::paths::NAMED {
        let placeholders: Vec<&str> = pattern
            .split('{')
            .skip(1)
            .map(|p| p.split(['}', ':']).next().unwrap_or_default())
            .collect();
        assert_eq!(&placeholders, params, "{name}: {pattern}");
    }
    assert_eq!(
        kith::paths::listing(entity::listings::ListingId(7)),
        "/listings/7"
    );
    assert_eq!(
        kith::paths::checker_inspection_step(3, "check"),
        "/checker/inspections/3/check"
    );
    assert_eq!(
        kith::paths::invitation("a b/c"),
        "/invitations/a%20b%2Fc",
        "text is encoded"
    );
    assert_eq!(
        kith::paths::static_file("css/kith.css"),
        "/static/css/kith.css",
        "a tail keeps its slashes"
    );
}

#[test]
fn write_transactions_take_the_write_lock_when_they_start() {
    let offences = lines_containing("src", &[".begin().await"]);
    assert!(
        offences.is_empty(),
        "start a transaction with db.begin_write() (BEGIN IMMEDIATE on SQLite, so another \
         process's writes make it wait, not fail):\n{}",
        offences.join("\n")
    );
}
