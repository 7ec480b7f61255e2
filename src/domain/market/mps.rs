//! Market Position Statements. A commissioner starts one for a period: the figures (supply,
//! prices, quality, demand, gaps, grants) are drafted from the market analysis, and the
//! commissioner writes the narrative. Drafts can be edited and their figures refreshed;
//! publishing freezes a version for good. The next period's statement is a new version,
//! starting from the last published narrative.

use entity::mps_documents::MpsStatus;
use entity::users::UserId;
use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use entity::mps_documents;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::fund::awards as fund_awards;
use crate::domain::fund::export::public_recipient_name;
use crate::domain::fund::rounds::FundError;
use crate::domain::market::analysis::{self, Filters};
use crate::domain::providers::organisations::kind_label;
use crate::domain::validation::{FieldErrors, FormFields, has_control_chars, required_text};

const MAX_SECTION: usize = 10_000;

/// The narrative sections: (key, heading, what to write).
pub const SECTIONS: [(&str, &str, &str); 6] = [
    (
        "vision",
        "Our vision for care and support",
        "What the council wants care and support to be like, in plain English",
    ),
    (
        "people",
        "What people tell us",
        "What people who use services, carers and providers have told the council",
    ),
    (
        "intentions",
        "Our commissioning intentions",
        "What the council plans to buy, stop, or change, and when",
    ),
    (
        "support",
        "How we will support the market",
        "Grants, training, advice and other help for providers",
    ),
    (
        "messages",
        "Messages to providers",
        "What the council would like providers to do or offer",
    ),
    (
        "involved",
        "How to get involved",
        "How people and providers can take part and contact the council",
    ),
];

pub type Narrative = BTreeMap<String, String>;

/// How a figure's district reads: an empty one is a service with no postcode.
pub fn area_label(district: &str) -> &str {
    if district.is_empty() {
        "Online or no postcode"
    } else {
        district
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SupplyLine {
    pub category: String,
    pub district: String,
    pub services: u64,
    pub providers: u64,
    pub accepting: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DemandLine {
    pub category: String,
    pub district: String,
    pub searches: u64,
    pub zero_results: u64,
    pub enquiries: u64,
    pub arranged: u64,
    pub unmet: u64,
    /// The average wait for a provider's first reply, in hours.
    pub reply_hours: Option<f64>,
}

impl DemandLine {
    pub fn reply_hours_text(&self) -> String {
        self.reply_hours
            .map_or_else(|| "–".to_owned(), |h| format!("{h:.1}"))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GapLine {
    pub category: String,
    pub district: String,
    pub services: u64,
    pub searches: u64,
    pub zero_results: u64,
    pub enquiries: u64,
    pub index: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PriceLine {
    pub unit: String,
    pub count: u64,
    pub lower_quartile: i64,
    pub median: i64,
    pub upper_quartile: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GrantLine {
    pub round: String,
    pub recipient: String,
    pub amount_pence: i64,
}

/// The figures of a statement, as drafted from the live data.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Figures {
    pub supply: Vec<SupplyLine>,
    pub prices: Vec<PriceLine>,
    /// Not yet checked, then ratings 1 to 4.
    pub ratings: [u64; 5],
    pub kinds: Vec<(String, u64)>,
    /// Services offering each language.
    pub languages: Vec<(String, u64)>,
    /// New and withdrawn services by month.
    pub flows: Vec<analysis::MonthFlow>,
    pub demand: Vec<DemandLine>,
    pub zero_queries: Vec<(String, u64)>,
    pub gaps: Vec<GapLine>,
    pub grants: Vec<GrantLine>,
}

impl Figures {
    pub fn total_services(&self) -> u64 {
        self.supply.iter().map(|s| s.services).sum()
    }

    pub fn total_searches(&self) -> u64 {
        self.demand.iter().map(|d| d.searches).sum()
    }

    pub fn total_zero_results(&self) -> u64 {
        self.demand.iter().map(|d| d.zero_results).sum()
    }

    pub fn total_enquiries(&self) -> u64 {
        self.demand.iter().map(|d| d.enquiries).sum()
    }

    pub fn total_granted(&self) -> i64 {
        self.grants.iter().map(|g| g.amount_pence).sum()
    }
}

/// Drafts the figures for a period from the market analysis.
pub async fn generate(
    db: &DatabaseConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Figures, FundError> {
    let f = Filters {
        from,
        to,
        district: None,
        category: None,
        client_group: None,
    };
    let names = analysis::top_category_names(db).await?;
    let name = |slug: &str| {
        if slug.is_empty() {
            "Any type of support".to_owned()
        } else {
            names.get(slug).cloned().unwrap_or_else(|| slug.to_owned())
        }
    };
    let supply = analysis::supply(db, &f).await?;
    let demand = analysis::demand(db, &f).await?;
    let gaps = analysis::gaps(&supply, &demand);
    let grants = fund_awards::all(db)
        .await?
        .iter()
        .filter(|a| {
            a.view
                .application
                .decided_at
                .is_some_and(|d| d.date_naive() >= from && d.date_naive() <= to)
        })
        .map(|a| GrantLine {
            round: a.view.round.title.clone(),
            recipient: public_recipient_name(a),
            amount_pence: a.awarded(),
        })
        .collect();
    Ok(Figures {
        supply: supply
            .iter()
            .map(|((c, d), s)| SupplyLine {
                category: name(c),
                district: d.clone(),
                services: s.services,
                providers: s.providers,
                accepting: s.accepting,
            })
            .collect(),
        prices: analysis::prices(db, &f)
            .await?
            .into_iter()
            .map(|p| PriceLine {
                unit: p.unit,
                count: p.count,
                lower_quartile: p.lower_quartile,
                median: p.median,
                upper_quartile: p.upper_quartile,
            })
            .collect(),
        ratings: analysis::ratings(db, &f).await?,
        kinds: analysis::provider_kinds(db, &f)
            .await?
            .into_iter()
            .map(|(k, n)| (kind_label(k).to_owned(), n))
            .collect(),
        languages: analysis::languages(db, &f).await?,
        flows: analysis::flows(db, &f).await?,
        demand: demand
            .iter()
            .map(|((c, d), x)| DemandLine {
                category: name(c),
                district: d.clone(),
                searches: x.searches,
                zero_results: x.zero_results,
                enquiries: x.enquiries,
                arranged: x.arranged,
                unmet: x.unmet(),
                reply_hours: x.average_reply_hours(),
            })
            .collect(),
        zero_queries: analysis::zero_result_queries(db, &f, 10).await?,
        gaps: gaps
            .iter()
            .filter(|g| g.demand.searches + g.demand.enquiries > 0)
            .take(20)
            .map(|g| GapLine {
                category: name(&g.category),
                district: g.district.clone(),
                services: g.services,
                searches: g.demand.searches,
                zero_results: g.demand.zero_results,
                enquiries: g.demand.enquiries,
                index: g.index,
            })
            .collect(),
        grants,
    })
}

pub fn narrative_of(m: &mps_documents::Model) -> Narrative {
    serde_json::from_str(&m.narrative).unwrap_or_default()
}

pub fn figures_of(m: &mps_documents::Model) -> Figures {
    serde_json::from_str(&m.figures).unwrap_or_default()
}

pub async fn find(db: &DatabaseConnection, id: i64) -> Result<mps_documents::Model, FundError> {
    mps_documents::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(FundError::NotFound)
}

/// A published statement; drafts are "not found" to the public.
pub async fn public(db: &DatabaseConnection, id: i64) -> Result<mps_documents::Model, FundError> {
    let m = find(db, id).await?;
    if m.status != MpsStatus::Published {
        return Err(FundError::NotFound);
    }
    Ok(m)
}

pub async fn all(db: &DatabaseConnection) -> Result<Vec<mps_documents::Model>, DbErr> {
    mps_documents::Entity::find()
        .order_by_desc(mps_documents::Column::Version)
        .all(db)
        .await
}

pub async fn published(db: &DatabaseConnection) -> Result<Vec<mps_documents::Model>, DbErr> {
    mps_documents::Entity::find()
        .filter(mps_documents::Column::Status.eq(MpsStatus::Published))
        .order_by_desc(mps_documents::Column::Version)
        .all(db)
        .await
}

/// Starts the next version for a period, drafting its figures and carrying over the last
/// published narrative.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: UserId,
    title: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64, FundError> {
    let figures = generate(db, from, to).await?;
    let versions = all(db).await?;
    let version = versions.first().map_or(1, |v| v.version + 1);
    let narrative = versions
        .iter()
        .find(|v| v.status == MpsStatus::Published)
        .map_or_else(|| "{}".to_owned(), |v| v.narrative.clone());
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let row = mps_documents::ActiveModel {
        title: Set(title.to_owned()),
        version: Set(version),
        period_from: Set(from),
        period_to: Set(to),
        status: Set(MpsStatus::Draft),
        narrative: Set(narrative),
        figures: Set(serde_json::to_string(&figures).unwrap_or_default()),
        created_by_user_id: Set(user_id),
        created_at: Set(now),
        updated_at: Set(now),
        published_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::MpsCreated, "mps", row.id)
            .to(MpsStatus::Draft)
            .detail(format!("version {version}")),
    )
    .await?;
    txn.commit().await?;
    Ok(row.id)
}

async fn draft(db: &DatabaseConnection, id: i64) -> Result<mps_documents::Model, FundError> {
    let m = find(db, id).await?;
    if m.status != MpsStatus::Draft {
        return Err(FundError::refused(
            "A published statement cannot be changed. Start a new version instead.",
        ));
    }
    Ok(m)
}

/// Saves the narrative sections of a draft (gaps allowed until publishing).
pub async fn save_narrative(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    f: &FormFields,
) -> Result<Result<(), FieldErrors>, FundError> {
    let m = draft(db, id).await?;
    let mut e = FieldErrors::default();
    let title = required_text(&mut e, "title", &f.one("title"), 200, "a title");
    let mut narrative = Narrative::new();
    for (key, _, _) in SECTIONS {
        let text = f.one(key).trim().replace("\r\n", "\n");
        if text.chars().count() > MAX_SECTION || has_control_chars(&text) {
            e.add(
                key,
                format!(
                    "Keep each section to {MAX_SECTION} characters, without special characters"
                ),
            );
        }
        narrative.insert(key.to_owned(), text);
    }
    let Some(title) = title.filter(|_| e.is_empty()) else {
        return Ok(Err(e));
    };
    let txn = db.begin_write().await?;
    let mut active: mps_documents::ActiveModel = m.into();
    active.title = Set(title);
    active.narrative = Set(serde_json::to_string(&narrative).unwrap_or_default());
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    audit::record(&txn, actor, Event::new(Action::MpsSaved, "mps", id)).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Drafts the figures of a draft again from today's data.
pub async fn refresh(db: &DatabaseConnection, actor: &Actor, id: i64) -> Result<(), FundError> {
    let m = draft(db, id).await?;
    let figures = generate(db, m.period_from, m.period_to).await?;
    let txn = db.begin_write().await?;
    let mut active: mps_documents::ActiveModel = m.into();
    active.figures = Set(serde_json::to_string(&figures).unwrap_or_default());
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    audit::record(&txn, actor, Event::new(Action::MpsRefreshed, "mps", id)).await?;
    txn.commit().await?;
    Ok(())
}

/// Publishes a draft whose every narrative section is written; it never changes again.
pub async fn publish(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
) -> Result<Result<(), FieldErrors>, FundError> {
    let m = draft(db, id).await?;
    let narrative = narrative_of(&m);
    let mut e = FieldErrors::default();
    for (key, heading, _) in SECTIONS {
        if narrative.get(key).is_none_or(|t| t.is_empty()) {
            e.add(key, format!("Write “{heading}” before publishing"));
        }
    }
    if !e.is_empty() {
        return Ok(Err(e));
    }
    let txn = db.begin_write().await?;
    let mut active: mps_documents::ActiveModel = m.into();
    active.status = Set(MpsStatus::Published);
    active.published_at = Set(Some(Utc::now()));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::MpsPublished, "mps", id)
            .from(MpsStatus::Draft)
            .to(MpsStatus::Published),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}
