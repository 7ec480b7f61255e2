//! `kith bench search`: builds a realistic corpus of N listings (text from the demo's
//! templates with varied wording, spread over every postcode sector in Great Britain),
//! indexes it and reports indexing speed, index size, peak memory, and query latency for a
//! fixed mix of free-text, filtered, distance and facet-heavy searches — in process, and
//! over HTTP with concurrent clients against the real service.

pub mod load;
pub mod market;
pub mod scale;

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use search_index::{CategoryRef, GridPoint, ListingDoc, SearchIndex, SearchRequest, Sort};

use kith::demo::listing_templates::{EXTRA_LANGUAGES, TEMPLATES, town_of};

const BATCH: usize = 50_000;
pub(crate) const KINDS: [&str; 6] = [
    "registered_care_provider",
    "micro_enterprise",
    "social_enterprise",
    "user_led",
    "voluntary_group",
    "personal_assistant",
];
pub(crate) const WORDS: &[&str] = &[
    "friendly",
    "experienced",
    "local",
    "reliable",
    "flexible",
    "caring",
    "qualified",
    "patient",
    "cheerful",
    "bilingual",
    "trained",
    "dementia",
    "stroke",
    "wheelchair",
    "mobility",
    "medication",
    "companionship",
    "cooking",
    "swimming",
    "music",
    "garden",
    "walks",
    "library",
    "church",
    "mosque",
    "temple",
    "bingo",
    "computer",
    "tablet",
    "phone",
    "transport",
    "evening",
    "weekend",
    "overnight",
    "morning",
    "holiday",
    "crafts",
    "choir",
];

/// One generated listing.
fn listing(rng: &mut StdRng, id: u64, sectors: &[(String, GridPoint)]) -> ListingDoc {
    let t = &TEMPLATES[rng.gen_range(0..TEMPLATES.len())];
    let (sector, point) = &sectors[rng.gen_range(0..sectors.len())];
    let town = town_of(sector.split(' ').next().unwrap_or(""));
    let place = if town == "Trafford" {
        sector.as_str()
    } else {
        town
    };
    let extra: Vec<&str> = WORDS.choose_multiple(rng, 6).copied().collect();
    let mut languages = vec!["English".to_owned()];
    if rng.gen_bool(0.3) {
        languages.push((*EXTRA_LANGUAGES.choose(rng).unwrap_or(&"Polish")).to_owned());
    }
    let days: Vec<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .filter(|_| rng.gen_bool(0.6))
        .map(|d| (*d).to_owned())
        .collect();
    ListingDoc {
        listing_id: id,
        provider_id: id / 5,
        title: t.titles[rng.gen_range(0..t.titles.len())].replace("{place}", place),
        summary: format!("{} {} and {} support.", t.summary, extra[0], extra[1]),
        description: format!(
            "{}\n\nWe are {}, {} and {}. Ask us about {}.",
            t.description, extra[2], extra[3], extra[4], extra[5]
        ),
        provider_name: format!("{} {} {}", extra[0], town, id / 5),
        provider_kind: KINDS[rng.gen_range(0..KINDS.len())].to_owned(),
        categories: vec![CategoryRef {
            path: t.category.to_owned(),
            name: t.category.replace('-', " "),
        }],
        client_groups: t
            .client_groups
            .iter()
            .map(|g| ((*g).to_owned(), g.replace('_', " ")))
            .collect(),
        languages,
        days,
        price: match t.price {
            Some((low, high, unit)) => search_index::Price::Charged {
                pence: rng.gen_range(low..=high) as u64,
                unit: unit.as_str().to_owned(),
            },
            None => search_index::Price::Free,
        },
        accepting_new_clients: Some(rng.gen_bool(0.8)),
        dbs_checked: rng.gen_bool(0.9),
        insured: rng.gen_bool(0.9),
        quality_checked: rng.gen_bool(0.3),
        rating: rng.gen_bool(0.3).then(|| rng.gen_range(1..=4) as f32),
        home: t.at_home.then(|| (*point, rng.gen_range(2..=15) * 1609)),
        venue: t.venue.then_some(*point),
        online: t.online,
        modified: 1_700_000_000 + id as i64,
        opens: rng.gen_bool(0.5).then_some(9 * 60),
        closes: rng.gen_bool(0.5).then_some(17 * 60),
        lang: None,
        photo: None,
        cqc: None,
        beds: None,
        nursing: false,
        dementia: false,
        places: None,
    }
}

/// The fixed query mix: (kind, request).
fn queries(
    rng: &mut StdRng,
    sectors: &[(String, GridPoint)],
    n: usize,
) -> Vec<(&'static str, SearchRequest)> {
    let texts = [
        "help at home",
        "lunch club",
        "respite",
        "day centre",
        "shoping",
        "personal care sale",
        "\"travel training\"",
    ];
    (0..n)
        .map(|i| {
            let near = sectors[rng.gen_range(0..sectors.len())].1;
            let base = SearchRequest {
                limit: 20,
                ..Default::default()
            };
            match i % 4 {
                0 => (
                    "free text",
                    SearchRequest {
                        text: texts[rng.gen_range(0..texts.len())].to_owned(),
                        ..base
                    },
                ),
                1 => (
                    "filtered",
                    SearchRequest {
                        categories: vec!["domestic-help".into()],
                        languages: vec!["English".into()],
                        accepting_only: true,
                        max_price_pence: Some(2000),
                        ..base
                    },
                ),
                2 => (
                    "distance",
                    SearchRequest {
                        text: "care".into(),
                        near: Some(near),
                        radius_miles: Some(10.0),
                        sort: Sort::Distance,
                        ..base
                    },
                ),
                _ => (
                    "facets, all listings",
                    SearchRequest {
                        days: vec!["sat".into(), "sun".into()],
                        ..base
                    },
                ),
            }
        })
        .collect()
}

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort_unstable();
    println!(
        "  {label:<24} n={:<5} p50 {:>7.2} ms   p99 {:>7.2} ms",
        times.len(),
        percentile(&times, 0.5).as_secs_f64() * 1000.0,
        percentile(&times, 0.99).as_secs_f64() * 1000.0
    );
}

pub(crate) fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn dir_size(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// Times the fixed query mix in process, one search at a time, after a warm-up run, on the
/// index itself (not its cache of answers).
pub(crate) fn time_mix(
    index: &SearchIndex,
    rng: &mut StdRng,
    query_count: usize,
) -> anyhow::Result<()> {
    let sectors = search_index::geo::all_sectors();
    let mix = queries(rng, &sectors, query_count);
    for (_, q) in &mix {
        index.search_index(q)?;
    }
    let mut by_kind: std::collections::BTreeMap<&str, Vec<Duration>> = Default::default();
    let mut all = Vec::new();
    for (kind, q) in &mix {
        let t = Instant::now();
        index.search_index(q)?;
        let d = t.elapsed();
        by_kind.entry(kind).or_default().push(d);
        all.push(d);
    }
    println!("In process, one at a time:");
    for (kind, times) in by_kind {
        report(kind, times);
    }
    report("all", all);
    Ok(())
}

/// Builds the corpus into `index_dir` and measures searches in process.
pub fn in_process(
    index_dir: &std::path::Path,
    listings: usize,
    query_count: usize,
) -> anyhow::Result<()> {
    let sectors = search_index::geo::all_sectors();
    let mut rng = StdRng::seed_from_u64(1);
    let index = SearchIndex::open(index_dir)?;
    let started = Instant::now();
    let mut next = 1u64;
    while (next as usize) <= listings {
        let end = (next as usize + BATCH).min(listings + 1) as u64;
        let docs: Vec<ListingDoc> = (next..end)
            .map(|id| listing(&mut rng, id, &sectors))
            .collect();
        index.apply(&docs, &[], Some(0))?;
        next = end;
    }
    let took = started.elapsed();
    println!(
        "Indexed {listings} listings in {:.1} s: {:.0} listings/s; index {:.1} MiB on disk",
        took.as_secs_f64(),
        listings as f64 / took.as_secs_f64(),
        dir_size(index_dir) as f64 / 1_048_576.0
    );
    time_mix(&index, &mut rng, query_count)?;
    if let Some(rss) = peak_rss_mib() {
        println!("Peak memory (RSS): {rss:.0} MiB");
    }
    Ok(())
}

/// GETs `path` on an HTTP/1.1 keep-alive connection and reads the whole response.
async fn get(stream: &mut tokio::net::TcpStream, host: &str, path: &str) -> anyhow::Result<()> {
    let (status, _) = crate::cli::bench::load::get(stream, host, path).await?;
    anyhow::ensure!(status == 200, "{path} answered {status}");
    Ok(())
}

/// Measures `GET /api/v1/search` on a running service with `clients` concurrent clients.
pub async fn over_http(base_url: &str, clients: usize, per_client: usize) -> anyhow::Result<()> {
    let host = base_url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let paths = [
        "/api/v1/search?q=help+at+home",
        "/api/v1/search?category=domestic-help&language=English&accepting=yes&max_price=20",
        "/api/v1/search?q=care&near=M33+7AB&radius=10&sort=distance",
        "/api/v1/search?day=sat&day=sun",
    ];
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let host = host.clone();
        tasks.push(tokio::spawn(async move {
            let mut stream = tokio::net::TcpStream::connect(&host).await?;
            let mut times = Vec::with_capacity(per_client);
            for i in 0..per_client {
                let t = Instant::now();
                get(&mut stream, &host, paths[(c + i) % paths.len()]).await?;
                times.push(t.elapsed());
            }
            anyhow::Ok(times)
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await??);
    }
    let took = started.elapsed();
    println!(
        "Over HTTP, {clients} concurrent clients: {:.0} requests/s",
        all.len() as f64 / took.as_secs_f64()
    );
    report("all", all);
    Ok(())
}

/// Runs the whole benchmark in a scratch directory that is removed afterwards.
pub async fn search(
    listings: usize,
    query_count: usize,
    clients: usize,
    http: bool,
) -> anyhow::Result<()> {
    let scratch = tempfile::Builder::new().prefix("kith-bench-").tempdir()?;
    run(scratch.path(), listings, query_count, clients, http).await
}

async fn run(
    scratch: &std::path::Path,
    listings: usize,
    query_count: usize,
    clients: usize,
    http: bool,
) -> anyhow::Result<()> {
    let settings = kith::config::Settings {
        bind: "127.0.0.1:0".into(),
        data_dir: scratch.to_path_buf(),
        demo: Some(false),
        search_requests_per_minute: 0,
        ..Default::default()
    };
    in_process(&settings.search_index_dir(), listings, query_count)?;
    if http {
        let db = kith::app::prepare_database(&settings, None).await?;
        let transport = kith::mail::MailTransport::from_settings(&settings)?;
        let app = kith::app::build(settings, db, transport).await?;
        let base_url = app.base_url.clone();
        app.spawn();
        over_http(
            &base_url,
            clients.max(1),
            (query_count / clients.max(1)).max(1),
        )
        .await?;
    }
    Ok(())
}
