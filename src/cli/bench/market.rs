//! `kith bench market`: a year of demand at city scale — by default 100k published services
//! in the supply table, 1M logged searches (with their daily roll-up) and 100k enquiries —
//! in a fresh embedded database, then times every market-analysis query and drafting a
//! Market Position Statement's figures.

use entity::enquiries::{EnquiryOutcome, EnquiryStatus, ReplyBy};
use entity::listings::ListingId;
use entity::provider_organisations::{OrganisationId, ProviderKind};
use entity::search_log::SearchSource;
use kith::db::BeginWrite;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::{Duration as Days, Utc};
use entity::{enquiries, enquiry_categories, market_supply, search_demand_daily, search_log};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};

use kith::domain::market::analysis::{self, Filters};
use kith::domain::market::mps;

const CHUNK: usize = 400;
const UNITS: [&str; 4] = ["hour", "session", "day", "week"];
const OUTCOMES: [Option<EnquiryOutcome>; 5] = [
    None,
    Some(EnquiryOutcome::Arranged),
    Some(EnquiryOutcome::NotAvailable),
    Some(EnquiryOutcome::NoResponse),
    Some(EnquiryOutcome::Declined),
];
const WORDS: [&str; 8] = [
    "urdu day centre",
    "respite weekend",
    "polish carer",
    "night sitting",
    "dementia cafe",
    "swimming",
    "lunch club",
    "",
];

fn districts() -> Vec<String> {
    ["M", "WA", "SK", "BL", "OL"]
        .iter()
        .flat_map(|area| (1..=12).map(move |n| format!("{area}{n}")))
        .collect()
}

async fn insert_chunks<A, I>(db: &DatabaseConnection, rows: I) -> anyhow::Result<()>
where
    A: sea_orm::ActiveModelTrait + Send,
    I: IntoIterator<Item = A>,
{
    let rows: Vec<A> = rows.into_iter().collect();
    let txn = db.begin_write().await?;
    for chunk in rows.chunks(CHUNK) {
        <A::Entity as EntityTrait>::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

fn time<T>(label: &str, runs: &mut Vec<(String, Vec<Duration>)>, started: Instant, out: T) -> T {
    let elapsed = started.elapsed();
    match runs.iter_mut().find(|(l, _)| l == label) {
        Some((_, v)) => v.push(elapsed),
        None => runs.push((label.to_owned(), vec![elapsed])),
    }
    out
}

pub async fn market(
    services: usize,
    searches: usize,
    enquiry_count: usize,
    repeats: usize,
) -> anyhow::Result<()> {
    // Removed when the benchmark ends, however it ends.
    let dir = tempfile::Builder::new()
        .prefix("kith-bench-market-")
        .tempdir()?;
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let db = kith::db::connect(&url, None).await?;
    kith::db::migrate(&db, &kith::config::Settings::default()).await?;
    kith::demo::seed(&db, "http://127.0.0.1").await?;
    let mut rng = StdRng::seed_from_u64(7);
    let districts = districts();
    let categories: Vec<(i64, String)> = entity::categories::Entity::find()
        .all(&db)
        .await?
        .into_iter()
        .filter(|c| c.parent_id.is_none())
        .map(|c| (c.id, c.slug))
        .collect();
    let listing = entity::listings::Entity::find()
        .one(&db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo has listings"))?;
    let user = entity::users::Entity::find()
        .one(&db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo has users"))?;
    let now = Utc::now();

    let started = Instant::now();
    let supply = (0..services).map(|i| {
        let (_, slug) = categories.choose(&mut rng).expect("categories");
        let unit = UNITS[rng.gen_range(0..UNITS.len())];
        market_supply::ActiveModel {
            listing_id: Set(ListingId(10_000_000 + i as i64)),
            organisation_id: Set(OrganisationId(
                rng.gen_range(1..(services as i64 / 3).max(2)),
            )),
            category_path: Set(slug.clone()),
            top_category: Set(slug.clone()),
            district: Set(districts.choose(&mut rng).expect("districts").clone()),
            provider_kind: Set(ProviderKind::MicroEnterprise),
            accepting: Set(rng.gen_bool(0.7)),
            price_unit: Set(unit.into()),
            price_pence: Set(Some(rng.gen_range(1_000..4_000))),
            rating: Set(rng.gen_bool(0.3).then(|| rng.gen_range(1..=4))),
            client_groups: Set(",older_people,".into()),
            languages: Set(",English,".into()),
            refreshed_at: Set(now),
            ..Default::default()
        }
    });
    let supply: Vec<_> = supply.collect();
    insert_chunks(&db, supply).await?;
    const LANGUAGES: [&str; 6] = ["Urdu", "Polish", "Punjabi", "Arabic", "Somali", "Cantonese"];
    let languages: Vec<_> = (0..services)
        .flat_map(|i| {
            let other = LANGUAGES[i % LANGUAGES.len()];
            let offered: &[&str] = if i % 3 == 0 {
                &["English", other]
            } else {
                &["English"]
            };
            offered
                .iter()
                .map(|name| entity::market_languages::ActiveModel {
                    listing_id: Set(ListingId(10_000_000 + i as i64)),
                    language_key: Set(name.to_lowercase()),
                    language: Set((*name).to_owned()),
                    ..Default::default()
                })
                .collect::<Vec<_>>()
        })
        .collect();
    insert_chunks(&db, languages).await?;
    println!(
        "{services} services written in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let mut rollup: BTreeMap<(chrono::NaiveDate, String, String), (i64, i64)> = BTreeMap::new();
    let mut written = 0;
    while written < searches {
        let n = (searches - written).min(50_000);
        let mut rows = Vec::with_capacity(n);
        for _ in 0..n {
            let at = now - Days::minutes(rng.gen_range(0..365 * 24 * 60));
            let category = rng
                .gen_bool(0.8)
                .then(|| categories.choose(&mut rng).expect("c").1.clone());
            let district = rng
                .gen_bool(0.9)
                .then(|| districts.choose(&mut rng).expect("d").clone());
            let results = if rng.gen_bool(0.15) {
                0
            } else {
                rng.gen_range(1..40)
            };
            let entry = rollup
                .entry((
                    at.date_naive(),
                    category.clone().unwrap_or_default(),
                    district.clone().unwrap_or_default(),
                ))
                .or_default();
            entry.0 += 1;
            entry.1 += i64::from(results == 0);
            rows.push(search_log::ActiveModel {
                query_text: Set(WORDS[rng.gen_range(0..WORDS.len())].into()),
                filters: Set("{}".into()),
                area: Set(district.clone()),
                result_count: Set(results),
                source: Set(SearchSource::Page),
                created_at: Set(at),
                category: Set(category),
                district: Set(district),
                ..Default::default()
            });
        }
        insert_chunks(&db, rows).await?;
        written += n;
    }
    let days: Vec<_> = rollup
        .into_iter()
        .map(
            |((day, category, district), (n, zero))| search_demand_daily::ActiveModel {
                day: Set(day),
                category: Set(category),
                district: Set(district),
                searches: Set(n),
                zero_results: Set(zero),
                ..Default::default()
            },
        )
        .collect();
    let rollup_rows = days.len();
    insert_chunks(&db, days).await?;
    println!(
        "{searches} searches ({rollup_rows} roll-up rows) written in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let first_id = 1_000_000i64;
    let rows: Vec<_> = (0..enquiry_count)
        .map(|i| {
            let at = now - Days::minutes(rng.gen_range(0..365 * 24 * 60));
            let outcome = OUTCOMES[rng.gen_range(0..OUTCOMES.len())];
            enquiries::ActiveModel {
                id: Set(first_id + i as i64),
                council_id: Set(user.council_id),
                listing_id: Set(listing.id),
                organisation_id: Set(listing.organisation_id),
                holder_user_id: Set(Some(user.id)),
                client_id: Set(None),
                sent_by_user_id: Set(user.id),
                contact_name: Set("Bench".into()),
                support_wanted: Set("Bench".into()),
                when_wanted: Set("Bench".into()),
                postcode_sector: Set(Some(format!(
                    "{} {}",
                    districts.choose(&mut rng).expect("d"),
                    rng.gen_range(0..9)
                ))),
                reply_by: Set(ReplyBy::Email),
                reply_phone: Set(None),
                status: Set(if outcome.is_some() {
                    EnquiryStatus::Closed
                } else {
                    EnquiryStatus::Open
                }),
                outcome: Set(outcome),
                closed_by_user_id: Set(None),
                closed_at: Set(None),
                first_response_at: Set(None),
                first_response_minutes: Set(outcome.map(|_| rng.gen_range(5..4000))),
                last_message_at: Set(at),
                created_at: Set(at),
                anonymised_at: Set(None),
            }
        })
        .collect();
    insert_chunks(&db, rows).await?;
    let links: Vec<_> = (0..enquiry_count)
        .map(|i| enquiry_categories::ActiveModel {
            enquiry_id: Set(first_id + i as i64),
            category_id: Set(categories.choose(&mut rng).expect("c").0),
        })
        .collect();
    insert_chunks(&db, links).await?;
    println!(
        "{enquiry_count} enquiries written in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let year = Filters::last_days(now.date_naive(), 365);
    let mut district = year.clone();
    district.district = Some(districts[0].clone());
    let mut runs: Vec<(String, Vec<Duration>)> = Vec::new();
    for _ in 0..repeats.max(1) {
        let s = Instant::now();
        let supply = time("supply", &mut runs, s, analysis::supply(&db, &year).await?);
        let s = Instant::now();
        time("prices", &mut runs, s, analysis::prices(&db, &year).await?);
        let s = Instant::now();
        time(
            "ratings + kinds",
            &mut runs,
            s,
            (
                analysis::ratings(&db, &year).await?,
                analysis::provider_kinds(&db, &year).await?,
            ),
        );
        let s = Instant::now();
        time(
            "languages",
            &mut runs,
            s,
            analysis::languages(&db, &year).await?,
        );
        let s = Instant::now();
        let demand = time(
            "demand (year)",
            &mut runs,
            s,
            analysis::demand(&db, &year).await?,
        );
        let s = Instant::now();
        time(
            "zero-result words",
            &mut runs,
            s,
            analysis::zero_result_queries(&db, &year, 10).await?,
        );
        let s = Instant::now();
        time("gaps", &mut runs, s, analysis::gaps(&supply, &demand));
        let s = Instant::now();
        time(
            "one district, all",
            &mut runs,
            s,
            (
                analysis::supply(&db, &district).await?,
                analysis::demand(&db, &district).await?,
            ),
        );
        let s = Instant::now();
        time(
            "MPS figures",
            &mut runs,
            s,
            mps::generate(&db, year.from, year.to).await?,
        );
    }
    drop(db);
    drop(dir);
    println!("Market analysis over a year, {repeats} runs each (embedded SQLite):");
    for (label, mut times) in runs {
        times.sort_unstable();
        let median = times[times.len() / 2];
        println!(
            "  {label:<20} median {:>8.1} ms   max {:>8.1} ms",
            median.as_secs_f64() * 1000.0,
            times.last().copied().unwrap_or_default().as_secs_f64() * 1000.0
        );
    }
    Ok(())
}
