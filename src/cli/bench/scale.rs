//! `kith bench scale`: the whole way from a directory's CSV to people searching, at N
//! listings. A fresh database (embedded SQLite, or an empty PostgreSQL database) gets the
//! demo's accounts and types of support; then N generated listings spread over every GB
//! postcode sector are imported and published as `kith import csv --approve` does (rows/s),
//! the index is rebuilt from the database as `kith reindex` does (listings/s), searches are
//! timed in process by kind of query, and the service is searched over HTTP on loopback by
//! one client and then by `concurrency` clients (search page and API mixed).

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use kith::demo::listing_templates::{EXTRA_LANGUAGES, TEMPLATES, town_of};
use kith::domain::audit::Actor;
use kith::domain::import::apply::{self, Options};
use kith::domain::import::rows::Vocabulary;
use kith::domain::import::template;

use super::load::{Loaded, hammer, wait_until_ready};
use super::{KINDS, WORDS, peak_rss_mib};

/// The import template filled with `n` generated listings, five to a provider.
fn directory_csv(rng: &mut StdRng, n: usize) -> anyhow::Result<Vec<u8>> {
    let sectors = search_index::geo::all_sectors();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(template::COLUMNS.iter().map(|(c, _)| *c))?;
    for i in 0..n {
        let t = &TEMPLATES[rng.gen_range(0..TEMPLATES.len())];
        let (sector, _) = &sectors[rng.gen_range(0..sectors.len())];
        let town = town_of(sector.split(' ').next().unwrap_or(""));
        let place = if town == "Trafford" { sector } else { town };
        let extra: Vec<&str> = WORDS.choose_multiple(rng, 6).copied().collect();
        let org = i / 5;
        let mut languages = vec!["English"];
        if rng.gen_bool(0.3) {
            languages.push(EXTRA_LANGUAGES.choose(rng).copied().unwrap_or("Polish"));
        }
        let days: Vec<&str> = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
            .into_iter()
            .filter(|_| rng.gen_bool(0.6))
            .collect();
        let (price, per) = match t.price {
            Some((low, high, unit)) => (
                format!("{:.2}", rng.gen_range(low..=high) as f64 / 100.0),
                unit.as_str().to_owned(),
            ),
            None => ("free".to_owned(), String::new()),
        };
        // A postcode in the sector ("M33 7" → "M33 7AB").
        let postcode = format!("{sector}AB");
        let title = t.titles[rng.gen_range(0..t.titles.len())].replace("{place}", place);
        w.write_record([
            format!("bench-{i}"),
            format!("{} {} {org}", capitalised(extra[0]), town),
            format!("org-{org}"),
            KINDS[org % KINDS.len()].to_owned(),
            String::new(),
            title.chars().take(80).collect(),
            format!("{} {} and {} support.", t.summary, extra[0], extra[1]),
            format!(
                "{}\n\nWe are {}, {} and {}. Ask us about {}.",
                t.description, extra[2], extra[3], extra[4], extra[5]
            ),
            t.category.to_owned(),
            t.client_groups.join("; "),
            if t.at_home {
                postcode.clone()
            } else {
                String::new()
            },
            if t.at_home {
                rng.gen_range(2..=15).to_string()
            } else {
                String::new()
            },
            if t.venue {
                format!("{} Hall, {town}", capitalised(extra[1]))
            } else {
                String::new()
            },
            if t.venue { postcode } else { String::new() },
            if t.online { "yes" } else { "no" }.to_owned(),
            price,
            per,
            days.join("; "),
            "09:00".to_owned(),
            "17:00".to_owned(),
            if rng.gen_bool(0.8) { "yes" } else { "no" }.to_owned(),
            languages.join("; "),
        ])?;
    }
    Ok(w.into_inner()?)
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The search page and API over the whole country: every other request one of a dozen
/// popular searches, the rest each made once (words, a type of support and a place drawn at
/// random), so the cache of answers cannot carry the load alone.
fn paths(rng: &mut StdRng, count: usize) -> Vec<(&'static str, String)> {
    let sectors = search_index::geo::all_sectors();
    let popular: Vec<(&'static str, String)> = vec![
        ("page", "/search?q=help+at+home&near=M33+7AB".into()),
        ("api", "/api/v1/search?q=lunch+club".into()),
        ("page", "/search?category=day-support&accepting=yes".into()),
        (
            "api",
            "/api/v1/search?q=care&near=LS1+4&radius=10&sort=distance".into(),
        ),
        (
            "page",
            "/search?category=domestic-help&language=English&max_price=20".into(),
        ),
        ("api", "/api/v1/search?day=sat&day=sun".into()),
    ];
    let categories = ["day-support", "domestic-help", "personal-care", "respite"];
    (0..count)
        .map(|i| {
            if i % 2 == 0 {
                return popular[(i / 2) % popular.len()].clone();
            }
            let near = sectors[rng.gen_range(0..sectors.len())].0.replace(' ', "+");
            let word = WORDS[rng.gen_range(0..WORDS.len())];
            let category = categories[rng.gen_range(0..categories.len())];
            match i % 4 {
                1 => (
                    "page",
                    format!("/search?q={word}&near={near}&category={category}"),
                ),
                _ => (
                    "api",
                    format!("/api/v1/search?q={word}+care&near={near}&radius=15&sort=distance"),
                ),
            }
        })
        .collect()
}

pub async fn scale(
    listings: usize,
    seconds: u64,
    concurrency: usize,
    database_url: Option<String>,
) -> anyhow::Result<()> {
    let scratch = tempfile::Builder::new()
        .prefix("kith-bench-scale-")
        .tempdir()?;
    let (settings, db, which) = super::load::demo_database(scratch.path(), database_url).await?;
    let mut rng = StdRng::seed_from_u64(24);
    let csv = directory_csv(&mut rng, listings)?;
    println!("{listings} listings on {which}");

    let vocabulary = Vocabulary::new(&kith::domain::categories::tree(&db, false).await?);
    let started = Instant::now();
    let read = template::read(&csv, &vocabulary).map_err(|e| anyhow::anyhow!(e))?;
    let reading = started.elapsed();
    let options = Options {
        dry_run: false,
        approve: true,
        source: "bench.csv".into(),
        policy: settings.review_policy(),
        today: kith::clock::Clock::system().today(),
    };
    let report = apply::run(&db, &Actor::system(), read, &vocabulary, &options, |_| {}).await?;
    let took = started.elapsed();
    drop(csv);
    anyhow::ensure!(
        report.created() == listings,
        "the import did not create every listing: {}",
        report.summary()
    );
    println!(
        "Import: {listings} rows in {:.1} s ({:.1} s reading the file), {:.0} rows/s",
        took.as_secs_f64(),
        reading.as_secs_f64(),
        listings as f64 / took.as_secs_f64()
    );
    // The file and its rows were held in memory whole, as `kith import` does; what the
    // service needs is measured from here.
    if let Some(rss) = peak_rss_mib() {
        println!("Peak memory (RSS) generating and importing the file: {rss:.0} MiB");
    }
    reset_peak_rss();

    let index = std::sync::Arc::new(search_index::SearchIndex::open(
        &settings.search_index_dir(),
    )?);
    let started = Instant::now();
    let searchable =
        kith::indexer::rebuild(&db, &index, kith::clock::Clock::system(), |_, _| {}).await?;
    let took = started.elapsed();
    println!(
        "Reindex: {searchable} listings in {:.1} s, {:.0} listings/s",
        took.as_secs_f64(),
        searchable as f64 / took.as_secs_f64()
    );
    super::time_mix(&index, &mut rng, 400)?;
    drop(index);

    let transport = kith::mail::MailTransport::from_settings(&settings)?;
    let app = kith::app::build(settings, db, transport).await?;
    let host = app.base_url.trim_start_matches("http://").to_owned();
    let search = app.search.clone();
    app.spawn();
    wait_until_ready(&host).await?;
    let paths = paths(&mut rng, 50_000);
    let one = hammer(
        &host,
        paths.clone(),
        1,
        Duration::from_secs(seconds.div_ceil(2)),
    )
    .await?;
    println!("Over HTTP, one client:");
    one.report();
    let many: Loaded = hammer(&host, paths, concurrency, Duration::from_secs(seconds)).await?;
    println!("Over HTTP, {concurrency} clients:");
    many.report();
    let (hits, runs) = search.cache_counts();
    println!(
        "Searches answered from the cache: {:.0}% ({hits} of {})",
        100.0 * hits as f64 / (hits + runs).max(1) as f64,
        hits + runs
    );
    if let Some(rss) = peak_rss_mib() {
        println!("Peak memory (RSS) reindexing and serving: {rss:.0} MiB");
    }
    anyhow::ensure!(one.errors + many.errors == 0, "requests failed under load");
    Ok(())
}

/// Starts the peak-memory figure again from what is resident now (Linux).
fn reset_peak_rss() {
    if let Err(err) = std::fs::write("/proc/self/clear_refs", "5") {
        println!("(the peak memory figure could not be reset: {err})");
    }
}
