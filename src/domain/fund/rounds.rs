//! Innovation-fund rounds: a commissioner sets out a need (with the types of support, groups
//! of people and areas it is about), who may apply, weighted criteria, the maximum award,
//! the pot and the dates, chooses a panel, and publishes it. Rounds are public while open.

use chrono::{NaiveDate, Utc};
use entity::fund_rounds::RoundStatus;
use entity::users::UserId;
use entity::{fund_criteria, fund_panel_members, fund_reviews, fund_rounds, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use crate::db::BeginWrite;
use crate::domain::accounts;
use crate::domain::accounts::email_address::EmailAddress;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::categories::CLIENT_GROUPS;
use crate::domain::dates::{format_date, required_date};
use crate::domain::listings::form::known_keys;
use crate::domain::money::parse_amount;
use crate::domain::postcode::parse_districts;
use crate::domain::providers::organisations::ORGANISATION_KINDS;
use crate::domain::validation::{FieldErrors, FormFields, required_text};
use crate::mail::{self, fund_templates as templates};
use crate::paths;
use entity::user_roles::Role;

pub const MAX_CRITERIA: usize = 6;
/// Who may sit on a panel: council staff and partners with a staff role.
const PANEL_ROLES: [Role; 4] = [
    Role::Commissioner,
    Role::Admin,
    Role::Broker,
    Role::QualityChecker,
];

#[derive(Debug, thiserror::Error)]
pub enum FundError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Refused(String),
    #[error("Some answers are missing")]
    Incomplete,
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl FundError {
    pub fn refused(message: impl Into<String>) -> Self {
        Self::Refused(message.into())
    }
}

/// Where a round is in its life, on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Draft,
    Upcoming,
    Open,
    Closed,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Draft => "Draft",
            Phase::Upcoming => "Opening soon",
            Phase::Open => "Open",
            Phase::Closed => "Closed",
        }
    }
}

/// Applications are accepted from the opening day to the end of the closing day (UK time).
pub fn phase(round: &fund_rounds::Model, today: NaiveDate) -> Phase {
    if round.status != RoundStatus::Published {
        Phase::Draft
    } else if today < round.opens_on {
        Phase::Upcoming
    } else if today <= round.closes_on {
        Phase::Open
    } else {
        Phase::Closed
    }
}

/// The deadline in words, for messages.
pub fn deadline(round: &fund_rounds::Model) -> String {
    format!("midnight at the end of {}", format_date(&round.closes_on))
}

pub fn list_of(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

pub fn ids_of(json: &str) -> Vec<i64> {
    serde_json::from_str(json).unwrap_or_default()
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CriterionInput {
    pub title: String,
    pub weight: i32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundInput {
    pub title: String,
    pub need: String,
    pub category_ids: Vec<i64>,
    pub client_groups: Vec<String>,
    pub districts: Vec<String>,
    pub eligible_kinds: Vec<String>,
    pub max_award_pence: i64,
    pub pot_pence: i64,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub criteria: Vec<CriterionInput>,
}

/// Parses the round form. `known_categories` are the ids a round may name.
pub fn parse_round(f: &FormFields, known_categories: &[i64]) -> Result<RoundInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let title = required_text(&mut e, "title", &f.one("title"), 200, "a title");
    let need = required_text(
        &mut e,
        "need",
        &f.one("need"),
        4000,
        "the need this round is for",
    );
    let category_ids: Vec<i64> = f
        .all("categories")
        .iter()
        .filter_map(|c| c.parse().ok())
        .filter(|c| known_categories.contains(c))
        .collect();
    let client_groups = known_keys(&f.all("client_groups"), &CLIENT_GROUPS);
    let kinds: Vec<(&str, &str)> = ORGANISATION_KINDS
        .iter()
        .map(|(k, l, _)| (k.as_str(), *l))
        .collect();
    let eligible_kinds = known_keys(&f.all("eligible"), &kinds);
    let districts = e
        .take("districts", parse_districts(&f.one("districts")))
        .unwrap_or_default();
    let max_award = e.take(
        "max_award",
        parse_amount(&f.one("max_award"), "the maximum award"),
    );
    let pot = e.take("pot", parse_amount(&f.one("pot"), "the total pot"));
    if let (Some(max), Some(pot)) = (max_award, pot)
        && max > pot
    {
        e.add("max_award", "The maximum award cannot be more than the pot");
    }
    let opens_on = required_date(&mut e, f, "opens", "The opening date");
    let closes_on = required_date(&mut e, f, "closes", "The closing date");
    if let (Some(o), Some(c)) = (opens_on, closes_on)
        && c < o
    {
        e.add(
            "closes",
            "The closing date must be on or after the opening date",
        );
    }
    let mut criteria = Vec::new();
    for n in 1..=MAX_CRITERIA {
        let title = f.one(&format!("criterion_{n}")).trim().to_owned();
        let weight = f.one(&format!("weight_{n}")).trim().to_owned();
        if title.is_empty() && weight.is_empty() {
            continue;
        }
        if title.is_empty() || title.chars().count() > 200 {
            e.add(
                "criteria",
                format!("Criterion {n} needs a title of 200 characters or fewer"),
            );
            continue;
        }
        match weight.parse::<i32>() {
            Ok(w) if (1..=100).contains(&w) => criteria.push(CriterionInput { title, weight: w }),
            _ => e.add(
                "criteria",
                format!("Give criterion {n} a weight from 1 to 100"),
            ),
        }
    }
    if criteria.is_empty() && e.get("criteria").is_none() {
        e.add("criteria", "Enter at least one criterion with a weight");
    }
    match (title, need, max_award, pot, opens_on, closes_on) {
        (
            Some(title),
            Some(need),
            Some(max_award_pence),
            Some(pot_pence),
            Some(opens_on),
            Some(closes_on),
        ) if e.is_empty() => Ok(RoundInput {
            title,
            need,
            category_ids,
            client_groups,
            districts,
            eligible_kinds,
            max_award_pence,
            pot_pence,
            opens_on,
            closes_on,
            criteria,
        }),
        _ => Err(e),
    }
}

/// A round with its criteria (in order) and panel.
pub struct RoundView {
    pub round: fund_rounds::Model,
    pub criteria: Vec<fund_criteria::Model>,
    pub panel: Vec<users::Model>,
}

impl RoundView {
    pub fn phase(&self, today: NaiveDate) -> Phase {
        phase(&self.round, today)
    }
}

pub async fn find(conn: &impl ConnectionTrait, id: i64) -> Result<fund_rounds::Model, FundError> {
    fund_rounds::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(FundError::NotFound)
}

pub async fn criteria_of(
    conn: &impl ConnectionTrait,
    round_id: i64,
) -> Result<Vec<fund_criteria::Model>, DbErr> {
    fund_criteria::Entity::find()
        .filter(fund_criteria::Column::RoundId.eq(round_id))
        .order_by_asc(fund_criteria::Column::Position)
        .all(conn)
        .await
}

pub async fn load(conn: &impl ConnectionTrait, id: i64) -> Result<RoundView, FundError> {
    let round = find(conn, id).await?;
    let criteria = criteria_of(conn, id).await?;
    let members = fund_panel_members::Entity::find()
        .filter(fund_panel_members::Column::RoundId.eq(id))
        .order_by_asc(fund_panel_members::Column::Id)
        .all(conn)
        .await?;
    let mut panel = Vec::with_capacity(members.len());
    for m in members {
        if let Some(u) = users::Entity::find_by_id(m.user_id).one(conn).await? {
            panel.push(u);
        }
    }
    Ok(RoundView {
        round,
        criteria,
        panel,
    })
}

/// A published round as the public sees it; drafts are "not found".
pub async fn public(conn: &impl ConnectionTrait, id: i64) -> Result<RoundView, FundError> {
    let view = load(conn, id).await?;
    if view.round.status != RoundStatus::Published {
        return Err(FundError::NotFound);
    }
    Ok(view)
}

/// Every round, newest first (for commissioners).
pub async fn all(db: &DatabaseConnection) -> Result<Vec<fund_rounds::Model>, DbErr> {
    fund_rounds::Entity::find()
        .order_by_desc(fund_rounds::Column::Id)
        .all(db)
        .await
}

/// Published rounds that are open or opening soon, closing soonest first.
pub async fn open_and_upcoming(
    db: &DatabaseConnection,
    today: NaiveDate,
) -> Result<Vec<fund_rounds::Model>, DbErr> {
    fund_rounds::Entity::find()
        .filter(fund_rounds::Column::Status.eq(RoundStatus::Published))
        .filter(fund_rounds::Column::ClosesOn.gte(today))
        .order_by_asc(fund_rounds::Column::ClosesOn)
        .all(db)
        .await
}

async fn write_criteria(
    conn: &impl ConnectionTrait,
    round_id: i64,
    criteria: &[CriterionInput],
) -> Result<(), DbErr> {
    fund_criteria::Entity::delete_many()
        .filter(fund_criteria::Column::RoundId.eq(round_id))
        .exec(conn)
        .await?;
    for (i, c) in criteria.iter().enumerate() {
        fund_criteria::ActiveModel {
            round_id: Set(round_id),
            position: Set(i as i32 + 1),
            title: Set(c.title.clone()),
            weight: Set(c.weight),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

fn apply_input(active: &mut fund_rounds::ActiveModel, input: &RoundInput) {
    active.title = Set(input.title.clone());
    active.need = Set(input.need.clone());
    active.category_ids = Set(json(&input.category_ids));
    active.client_groups = Set(json(&input.client_groups));
    active.districts = Set(input.districts.join(" "));
    active.eligible_kinds = Set(json(&input.eligible_kinds));
    active.max_award_pence = Set(input.max_award_pence);
    active.pot_pence = Set(input.pot_pence);
    active.opens_on = Set(input.opens_on);
    active.closes_on = Set(input.closes_on);
    active.updated_at = Set(Utc::now());
}

pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: UserId,
    input: &RoundInput,
) -> Result<i64, FundError> {
    let txn = db.begin_write().await?;
    let mut active = fund_rounds::ActiveModel {
        status: Set(RoundStatus::Draft),
        created_by_user_id: Set(user_id),
        created_at: Set(Utc::now()),
        published_at: Set(None),
        ..Default::default()
    };
    apply_input(&mut active, input);
    let row = active.insert(&txn).await?;
    write_criteria(&txn, row.id, &input.criteria).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::FundRoundCreated, "fund_round", row.id).to(RoundStatus::Draft),
    )
    .await?;
    txn.commit().await?;
    Ok(row.id)
}

/// Changes a draft round; published rounds stay as applicants saw them.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    input: &RoundInput,
) -> Result<(), FundError> {
    let round = find(db, id).await?;
    if round.status != RoundStatus::Draft {
        return Err(FundError::refused(
            "A published round cannot be changed: applicants have read it",
        ));
    }
    let txn = db.begin_write().await?;
    let mut active: fund_rounds::ActiveModel = round.into();
    apply_input(&mut active, input);
    active.update(&txn).await?;
    write_criteria(&txn, id, &input.criteria).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::FundRoundUpdated, "fund_round", id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn publish(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> Result<(), FundError> {
    let view = load(db, id).await?;
    if view.round.status != RoundStatus::Draft {
        return Err(FundError::refused("This round is already published"));
    }
    if view.round.closes_on < today {
        return Err(FundError::refused(
            "The closing date has passed: change it before publishing",
        ));
    }
    if view.panel.is_empty() {
        return Err(FundError::refused(
            "Add at least one panel member before publishing",
        ));
    }
    let txn = db.begin_write().await?;
    let mut active: fund_rounds::ActiveModel = view.round.into();
    active.status = Set(RoundStatus::Published);
    active.published_at = Set(Some(Utc::now()));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::FundRoundPublished, "fund_round", id)
            .from(RoundStatus::Draft)
            .to(RoundStatus::Published),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Adds a panel member by email address; they must hold a staff role. They are emailed.
pub async fn add_panel_member(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    round_id: i64,
    email: &str,
) -> Result<Result<(), FieldErrors>, FundError> {
    let round = find(db, round_id).await?;
    let mut e = FieldErrors::default();
    let Some(address) = e.take("email", EmailAddress::parse(email)) else {
        return Ok(Err(e));
    };
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(address.as_str()))
        .filter(users::Column::DisabledAt.is_null())
        .one(db)
        .await?;
    let Some(user) = user else {
        e.add(
            "email",
            "There is no active Kith account with that email address",
        );
        return Ok(Err(e));
    };
    let roles = accounts::roles_of(db, user.id).await?;
    if !roles.iter().any(|r| PANEL_ROLES.contains(r)) {
        e.add(
            "email",
            "Panel members need a council role (commissioner, admin, broker or quality checker)",
        );
        return Ok(Err(e));
    }
    if is_panel_member(db, round_id, user.id).await? {
        e.add("email", "They are already on the panel");
        return Ok(Err(e));
    }
    let txn = db.begin_write().await?;
    fund_panel_members::ActiveModel {
        round_id: Set(round_id),
        user_id: Set(user.id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::FundRoundPanelAdded, "fund_round", round_id)
            .detail(format!("user {}", user.id)),
    )
    .await?;
    mail::enqueue(
        &txn,
        templates::panel_added(
            &user.email,
            &user.display_name,
            &round.title,
            &format!("{base_url}{}", paths::panel()),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Takes someone off a panel, unless they have already scored for it.
pub async fn remove_panel_member(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: i64,
    user_id: UserId,
) -> Result<(), FundError> {
    let scored = fund_reviews::Entity::find()
        .filter(fund_reviews::Column::UserId.eq(user_id))
        .filter(fund_reviews::Column::SubmittedAt.is_not_null())
        .filter(
            fund_reviews::Column::ApplicationId.in_subquery(
                entity::fund_applications::Entity::find()
                    .select_only()
                    .column(entity::fund_applications::Column::Id)
                    .filter(entity::fund_applications::Column::RoundId.eq(round_id))
                    .into_query(),
            ),
        )
        .count(db)
        .await?;
    if scored > 0 {
        return Err(FundError::refused(
            "They have already scored applications, so they stay on the panel",
        ));
    }
    let txn = db.begin_write().await?;
    let deleted = fund_panel_members::Entity::delete_many()
        .filter(fund_panel_members::Column::RoundId.eq(round_id))
        .filter(fund_panel_members::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(FundError::NotFound);
    }
    audit::record(
        &txn,
        actor,
        Event::new(Action::FundRoundPanelRemoved, "fund_round", round_id)
            .detail(format!("user {user_id}")),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn is_panel_member(
    conn: &impl ConnectionTrait,
    round_id: i64,
    user_id: UserId,
) -> Result<bool, DbErr> {
    Ok(fund_panel_members::Entity::find()
        .filter(fund_panel_members::Column::RoundId.eq(round_id))
        .filter(fund_panel_members::Column::UserId.eq(user_id))
        .count(conn)
        .await?
        > 0)
}

/// The published rounds this person sits on, newest first.
pub async fn panel_rounds(
    db: &DatabaseConnection,
    user_id: UserId,
) -> Result<Vec<fund_rounds::Model>, DbErr> {
    let ids: Vec<i64> = fund_panel_members::Entity::find()
        .filter(fund_panel_members::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.round_id)
        .collect();
    fund_rounds::Entity::find()
        .filter(fund_rounds::Column::Id.is_in(ids))
        .filter(fund_rounds::Column::Status.eq(RoundStatus::Published))
        .order_by_desc(fund_rounds::Column::Id)
        .all(db)
        .await
}
