//! A year of plausible demand for the demo, so the market pages, the gaps and a published
//! Market Position Statement show patterns instead of zeros: weekly searches by type of
//! support and district (more in winter, more where people are older, many finding nothing
//! where little is offered), the words that found nothing, and a year of enquiries that
//! ended in every way enquiries end, with the time providers took to reply.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use entity::enquiries::{EnquiryOutcome, EnquiryStatus, ReplyBy};
use entity::listings::ListingStatus;
use entity::search_log::SearchSource;
use entity::{categories, enquiries, enquiry_categories, search_demand_daily, search_log};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::db::BeginWrite;
use crate::domain::accounts::create_verified_account;
use crate::domain::accounts::display_name::DisplayName;
use crate::domain::accounts::email_address::EmailAddress;
use crate::domain::audit::Actor;
use crate::domain::listings;
use crate::domain::market::mps;
use crate::domain::search::documents::{CategoryPaths, candidate_ids, public_projections};
use crate::domain::validation::FormFields;

use super::conversations::user_id;
use super::marketplace::sectors;

/// How many searches a week a type of support draws across the whole area, before the
/// season and the district are taken into account.
fn weekly_interest(slug: &str) -> f64 {
    match slug {
        "personal-care" => 30.0,
        "domestic-help" => 24.0,
        "day-support" => 20.0,
        "respite" => 14.0,
        "meals" => 12.0,
        "community-access" => 9.0,
        "carers-breaks" => 8.0,
        "supported-living" => 7.0,
        "equipment" => 6.0,
        "advice-advocacy-brokerage" => 6.0,
        "managed-accounts" => 4.0,
        "employment-training" => 4.0,
        _ => 3.0,
    }
}

/// Share of the area's searches made for each district (older populations search more).
fn district_share(district: &str) -> f64 {
    match district {
        "M33" => 0.22,
        "WA15" => 0.16,
        "WA14" => 0.15,
        "M41" => 0.14,
        "M32" => 0.12,
        "M16" => 0.11,
        "M31" => 0.06,
        _ => 0.04,
    }
}

/// How often a search there finds nothing: the areas and kinds of support with little on
/// offer are where the gaps show.
fn zero_share(slug: &str, district: &str) -> f64 {
    let place: f64 = match district {
        "M31" | "M17" => 0.45,
        "M16" => 0.3,
        _ => 0.08,
    };
    let kind: f64 = match slug {
        "respite" | "supported-living" => 0.3,
        "day-support" if district == "M16" => 0.35,
        _ => 0.0,
    };
    (place + kind).min(0.9)
}

/// Winter brings more searches (hospital discharges, carers under strain).
fn season(day: NaiveDate) -> f64 {
    match day.month() {
        12 | 1 | 2 => 1.35,
        3 | 11 => 1.15,
        7 | 8 => 0.85,
        _ => 1.0,
    }
}

/// What people searched for that Kith could not find them.
const UNMET_WORDS: [(&str, &str, u32); 10] = [
    ("live-in care", "M33", 9),
    ("overnight sitting", "WA15", 7),
    ("male carer", "M41", 6),
    ("urdu speaking carer", "M16", 6),
    ("dementia cafe partington", "M31", 5),
    ("hairdresser home visit", "WA14", 4),
    ("polish day centre", "M32", 4),
    ("podiatry at home", "M33", 3),
    ("halal meals on wheels", "M16", 3),
    ("weekend respite", "M17", 2),
];

async fn searches(
    db: &DatabaseConnection,
    rng: &mut StdRng,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let slugs: Vec<String> = categories::Entity::find()
        .filter(categories::Column::ParentId.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.slug)
        .collect();
    let districts: Vec<String> = {
        let mut d: Vec<String> = sectors()
            .iter()
            .filter_map(|s| s.split(' ').next().map(str::to_owned))
            .collect();
        d.sort();
        d.dedup();
        d
    };
    let mut rows = Vec::new();
    // One row a week (on its Monday) per type of support and district, for a year.
    for week in 1..=52 {
        let day = today - Duration::days(7 * week);
        let day = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
        for slug in &slugs {
            for district in &districts {
                let mean = weekly_interest(slug) * district_share(district) * season(day);
                let searches = (mean * rng.gen_range(0.6..1.4)).round() as i64;
                if searches == 0 {
                    continue;
                }
                let zero = (searches as f64 * zero_share(slug, district)).round() as i64;
                rows.push(search_demand_daily::ActiveModel {
                    day: Set(day),
                    category: Set(slug.clone()),
                    district: Set(district.clone()),
                    searches: Set(searches),
                    zero_results: Set(zero),
                    ..Default::default()
                });
            }
        }
    }
    let txn = db.begin_write().await?;
    for chunk in rows.chunks(500) {
        search_demand_daily::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    let mut log = Vec::new();
    for (words, district, times) in UNMET_WORDS {
        for _ in 0..times {
            let at = Utc::now() - Duration::days(rng.gen_range(1..360));
            log.push(search_log::ActiveModel {
                query_text: Set(words.to_owned()),
                filters: Set("{}".into()),
                area: Set(Some(district.to_owned())),
                result_count: Set(0),
                source: Set(SearchSource::Page),
                created_at: Set(at),
                category: Set(None),
                district: Set(Some(district.to_owned())),
                counted: Set(true),
                ..Default::default()
            });
        }
    }
    search_log::Entity::insert_many(log)
        .exec_without_returning(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

const WANTED: [&str; 6] = [
    "Help for my mum on weekday mornings, getting up and dressed.",
    "My husband has dementia and I need a few hours' break each week.",
    "Someone to help with shopping and cleaning once a week.",
    "A day centre place two days a week, with transport if possible.",
    "Support to get out and about at weekends.",
    "Hot lunches delivered, ideally halal.",
];

async fn enquiries(db: &DatabaseConnection, rng: &mut StdRng) -> anyhow::Result<()> {
    let actor = Actor {
        user_id: None,
        request_id: Some("demo-seed".into()),
        council: None,
    };
    let hash =
        crate::domain::accounts::passwords::hash_password(uuid::Uuid::new_v4().to_string()).await?;
    // The people who enquired over the year, as one account nobody can sign in to.
    let txn = db.begin_write().await?;
    let council = crate::domain::councils::first(&txn).await?;
    let sender = create_verified_account(
        &txn,
        &actor,
        council,
        &EmailAddress::parse("past-enquiries@people.kith.example")?,
        &DisplayName::parse("Residents who enquired this year")?,
        hash,
    )
    .await?;
    txn.commit().await?;
    let published: Vec<listings::ListingView> = {
        let mut out = Vec::new();
        for row in entity::listings::Entity::find()
            .filter(entity::listings::Column::Status.eq(ListingStatus::Approved))
            .all(db)
            .await?
        {
            if let Ok(view) = listings::load(db, row.id).await {
                out.push(view);
            }
        }
        out
    };
    let sectors = sectors();
    let txn = db.begin_write().await?;
    for _ in 0..220 {
        let (Some(view), Some(sector)) = (published.choose(rng), sectors.choose(rng)) else {
            break;
        };
        let Some(live) = &view.live else { continue };
        let created = Utc::now() - Duration::minutes(rng.gen_range(60 * 24 * 3..60 * 24 * 360));
        let recent = Utc::now() - created < Duration::days(14);
        let outcome = match rng.gen_range(0..100) {
            _ if recent => None,
            0..45 => Some(EnquiryOutcome::Arranged),
            45..65 => Some(EnquiryOutcome::NotAvailable),
            65..75 => Some(EnquiryOutcome::Declined),
            _ => Some(EnquiryOutcome::NoResponse),
        };
        // Most replies come within a day; a few take most of a week.
        let minutes = (outcome != Some(EnquiryOutcome::NoResponse)).then(|| {
            if rng.gen_bool(0.75) {
                rng.gen_range(20..60 * 24)
            } else {
                rng.gen_range(60 * 24..60 * 24 * 6)
            }
        });
        let first_response = minutes.map(|m| created + Duration::minutes(m));
        let closed = outcome.map(|_| {
            (created + Duration::days(rng.gen_range(2..21))).min(Utc::now() - Duration::hours(1))
        });
        let enquiry = enquiries::Entity::insert(enquiries::ActiveModel {
            council_id: Set(council),
            listing_id: Set(view.listing.id),
            organisation_id: Set(view.listing.organisation_id),
            holder_user_id: Set(None),
            client_id: Set(None),
            sent_by_user_id: Set(sender),
            contact_name: Set("A resident".into()),
            support_wanted: Set((*WANTED.choose(rng).unwrap_or(&WANTED[0])).to_owned()),
            when_wanted: Set("As soon as possible".into()),
            postcode_sector: Set(Some(sector.clone())),
            reply_by: Set(ReplyBy::Email),
            reply_phone: Set(None),
            status: Set(if outcome.is_some() {
                EnquiryStatus::Closed
            } else {
                EnquiryStatus::Open
            }),
            outcome: Set(outcome),
            closed_by_user_id: Set(None),
            closed_at: Set(closed),
            first_response_at: Set(first_response),
            first_response_minutes: Set(minutes),
            last_message_at: Set(first_response.unwrap_or(created)),
            created_at: Set(created),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let links: Vec<enquiry_categories::ActiveModel> = live
            .content
            .category_ids
            .iter()
            .map(|c| enquiry_categories::ActiveModel {
                enquiry_id: Set(enquiry),
                category_id: Set(*c),
            })
            .collect();
        if !links.is_empty() {
            enquiry_categories::Entity::insert_many(links)
                .exec_without_returning(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// The market table the indexer keeps, filled now so the demo statement has its figures
/// (the indexer fills it again when the service starts).
async fn supply(db: &DatabaseConnection, today: NaiveDate) -> anyhow::Result<()> {
    let categories = CategoryPaths::load(db).await?;
    let ids = candidate_ids(db).await?;
    let public = public_projections(db, &categories, &ids, today).await?;
    crate::domain::market::supply::sync(db, &public, &[]).await?;
    Ok(())
}

/// A published statement for the past year, as the demo commissioner would write it.
async fn statement(db: &DatabaseConnection, today: NaiveDate) -> anyhow::Result<()> {
    let Some(commissioner) = user_id(db, "commissioner@kith.example").await? else {
        return Ok(());
    };
    let actor = Actor {
        user_id: Some(commissioner),
        request_id: Some("demo-seed".into()),
        council: None,
    };
    let id = mps::create(
        db,
        &actor,
        commissioner,
        "Trafford care and support market 2026",
        today - Duration::days(365),
        today,
    )
    .await?;
    let sections: Vec<(String, String)> = [
        ("title", "Trafford care and support market 2026"),
        ("vision", "We want everyone in Trafford who needs care and support to find it close to home, from people who understand their language, faith and culture.\n\nMost people want to stay in their own homes. We will commission for that first."),
        ("people", "Trafford's population is ageing fastest in Sale, Timperley and Altrincham. Old Trafford and Stretford are younger and more diverse: Urdu, Punjabi, Polish and Somali are spoken at home by many families.\n\nCarers tell us they need breaks they can book at short notice, and people using direct payments want more personal assistants. Groups such as Apna Ghar Companions (اپنا گھر) and Sahara Stitch and Natter CIC (سہارا) show what local, culturally familiar support can do."),
        ("intentions", "Over the next year we will fund day support and short breaks in Old Trafford and Partington, where searches most often find nothing, and grow the number of personal assistants across the borough."),
        ("support", "Our innovation fund offers grants of up to £5,000 to micro-enterprises and community groups. Our brokerage team helps new providers list their services and meet people who need them."),
        ("messages", "There is unmet demand for overnight and live-in support, for male carers, and for carers who speak South Asian languages. Providers who can offer these will find people waiting."),
        ("involved", "Join our quarterly provider forum, list your services on Kith, or write to the commissioning team. We read every message."),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let form = FormFields(sections);
    mps::save_narrative(db, &actor, id, &form)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .map_err(|e| anyhow::anyhow!("the demo statement's text: {e:?}"))?;
    mps::publish(db, &actor, id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .map_err(|e| anyhow::anyhow!("the demo statement: {e:?}"))?;
    Ok(())
}

pub(super) async fn seed(db: &DatabaseConnection) -> anyhow::Result<()> {
    let today = Utc::now().date_naive();
    let mut rng = StdRng::seed_from_u64(20_261_128);
    searches(db, &mut rng, today).await?;
    enquiries(db, &mut rng).await?;
    quality_checks(db, &mut rng, today).await?;
    supply(db, today).await?;
    statement(db, today).await?;
    Ok(())
}

/// What checkers wrote, by score: evidence a council officer would recognise.
const EVIDENCE: [(i32, &str); 4] = [
    (
        4,
        "People told us staff go out of their way for them; records were thorough and up to date.",
    ),
    (
        3,
        "People were happy with the support; care plans were reviewed on time.",
    ),
    (
        2,
        "Some visits were late or cut short, and two care plans had not been reviewed this year.",
    ),
    (
        1,
        "Staff were not always trained for the support they gave; we raised this with the provider.",
    ),
];

/// Quality checks the council published over the year, on about a third of the listings,
/// mostly good: the quality pages and the statement's ratings show a spread, not zeros.
async fn quality_checks(
    db: &DatabaseConnection,
    rng: &mut StdRng,
    today: NaiveDate,
) -> anyhow::Result<()> {
    use crate::domain::checking::inspections::{Answer, Answers, KEY_QUESTIONS, overall};
    use entity::checker_assignments::{self, AssignmentStatus};
    use entity::inspections::{self, InspectionStatus};
    let (Some(checker), Some(admin)) = (
        user_id(db, "checker@kith.example").await?,
        user_id(db, "admin@kith.example").await?,
    ) else {
        return Ok(());
    };
    let published = entity::listings::Entity::find()
        .filter(entity::listings::Column::Status.eq(ListingStatus::Approved))
        .all(db)
        .await?;
    let checked: Vec<_> = published.iter().filter(|_| rng.gen_bool(0.35)).collect();
    let txn = db.begin_write().await?;
    let council = crate::domain::councils::first(&txn).await?;
    for listing in checked {
        let visit = today - Duration::days(rng.gen_range(10..350));
        let at = visit.and_hms_opt(11, 0, 0).unwrap_or_default().and_utc();
        // Mostly good, some outstanding, a few that need to improve.
        let base = match rng.gen_range(0..100) {
            0..20 => 4,
            20..80 => 3,
            80..95 => 2,
            _ => 1,
        };
        let answers: Answers = KEY_QUESTIONS
            .iter()
            .map(|(key, _, _)| {
                let score = (base + rng.gen_range(-1..=1)).clamp(1, 4);
                let evidence = EVIDENCE
                    .iter()
                    .find(|(s, _)| *s == score)
                    .map_or("", |(_, e)| e);
                (
                    (*key).to_owned(),
                    Answer {
                        score: Some(score),
                        evidence: evidence.to_owned(),
                        private: false,
                    },
                )
            })
            .collect();
        let assignment = checker_assignments::Entity::insert(checker_assignments::ActiveModel {
            council_id: Set(council),
            listing_id: Set(listing.id),
            organisation_id: Set(listing.organisation_id),
            checker_user_id: Set(checker),
            assigned_by_user_id: Set(admin),
            due_on: Set(visit + Duration::days(14)),
            notes: Set(String::new()),
            status: Set(AssignmentStatus::Published),
            responded_at: Set(Some(at - Duration::days(7))),
            created_at: Set(at - Duration::days(10)),
            updated_at: Set(at + Duration::days(5)),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        inspections::Entity::insert(inspections::ActiveModel {
            council_id: Set(council),
            assignment_id: Set(assignment),
            listing_id: Set(listing.id),
            organisation_id: Set(listing.organisation_id),
            checker_user_id: Set(checker),
            status: Set(InspectionStatus::Published),
            visit_date: Set(Some(visit)),
            visit_type: Set(Some("announced".into())),
            overall_score: Set(overall(&answers)),
            answers: Set(serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into())),
            people_said: Set(
                "People we spoke to were positive about the staff who support them.".into(),
            ),
            actions: Set(String::new()),
            admin_comments: Set(None),
            submitted_at: Set(Some(at + Duration::days(1))),
            published_at: Set(Some(at + Duration::days(5))),
            created_at: Set(at),
            updated_at: Set(at + Duration::days(5)),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}
