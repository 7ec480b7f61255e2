//! Applications to the innovation fund: a short form (the need, the offer, who and where,
//! how many people, budget lines, outcomes, match funding), saved as a draft, submitted
//! before the deadline — checked here, on the server —, or withdrawn. Only the applying
//! organisation's members see an application (and the round's panel and commissioners).

use chrono::{NaiveDate, Utc};
use entity::fund_applications::ApplicationStatus;
use entity::provider_organisations::OrganisationId;
use entity::provider_organisations::{OrganisationStatus, ProviderKind};
use entity::users::UserId;
use entity::{fund_applications, fund_rounds, provider_organisations};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::fund::rounds::{self, FundError, Phase, deadline, list_of, phase};
use crate::domain::listings::content::format_pounds as format_pounds_of;
use crate::domain::money::parse_amount;
use crate::domain::providers::organisations::{self, kind_label};
use crate::domain::validation::{FieldErrors, FormFields, bounded_text, has_control_chars};
use crate::mail::{self, fund_templates as templates};
use crate::paths;

pub const MAX_BUDGET_LINES: usize = 8;
pub const MAX_TEXT: usize = 3000;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Answers {
    pub need: String,
    pub offer: String,
    pub who_for: String,
    pub place: String,
    pub people: Option<u32>,
    pub outcomes: String,
    pub match_funding: String,
    /// A sole trader's consent to their name in the published list of grants.
    pub publish_name: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetLine {
    pub item: String,
    pub pence: i64,
}

/// The text questions: (field, question, hint).
pub const QUESTIONS: [(&str, &str, &str); 5] = [
    (
        "need",
        "Which need will you meet?",
        "Say what is missing for people now, in your own words",
    ),
    (
        "offer",
        "What will you offer?",
        "The support or service, how often, and who will provide it",
    ),
    (
        "who_for",
        "Who is it for?",
        "For example, older people from the Polish community who live alone",
    ),
    (
        "place",
        "Where will it happen?",
        "Neighbourhoods, postcode districts or venues",
    ),
    (
        "outcomes",
        "What difference will it make, and how will you show it?",
        "For example, 20 people go out weekly; we will keep a simple record and ask them",
    ),
];

pub fn answers_of(m: &fund_applications::Model) -> Answers {
    serde_json::from_str(&m.answers).unwrap_or_default()
}

pub fn budget_of(m: &fund_applications::Model) -> Vec<BudgetLine> {
    serde_json::from_str(&m.budget).unwrap_or_default()
}

/// An answer, checked; a message names its question.
fn bounded(e: &mut FieldErrors, field: &'static str, raw: &str) -> String {
    let label = QUESTIONS.iter().find(|(f, _, _)| *f == field).map_or_else(
        || "Other money you have for this".to_owned(),
        |(_, question, _)| format!("The answer to “{question}”"),
    );
    bounded_text(e, field, &label, raw, MAX_TEXT)
}

/// Reads the form. Gaps are allowed (a draft); malformed values are not.
pub fn parse_form(f: &FormFields) -> Result<(Answers, Vec<BudgetLine>), FieldErrors> {
    let mut e = FieldErrors::default();
    let mut answers = Answers {
        need: bounded(&mut e, "need", &f.one("need")),
        offer: bounded(&mut e, "offer", &f.one("offer")),
        who_for: bounded(&mut e, "who_for", &f.one("who_for")),
        place: bounded(&mut e, "place", &f.one("place")),
        people: None,
        outcomes: bounded(&mut e, "outcomes", &f.one("outcomes")),
        match_funding: bounded(&mut e, "match_funding", &f.one("match_funding")),
        publish_name: f.one("publish_name") == "yes",
    };
    let people = f.one("people");
    if !people.trim().is_empty() {
        match people.trim().replace(',', "").parse::<u32>() {
            Ok(n) if (1..=100_000).contains(&n) => answers.people = Some(n),
            _ => e.add("people", "Enter how many people, as a number like 25"),
        }
    }
    let mut budget = Vec::new();
    for n in 1..=MAX_BUDGET_LINES {
        let item = f.one(&format!("item_{n}")).trim().to_owned();
        let amount = f.one(&format!("amount_{n}"));
        if item.is_empty() && amount.trim().is_empty() {
            continue;
        }
        if item.is_empty() || item.chars().count() > 200 || has_control_chars(&item) {
            e.add(
                "budget",
                format!("Say what budget line {n} is for (200 characters or fewer)"),
            );
            continue;
        }
        match parse_amount(&amount, &format!("the amount for line {n}")) {
            Ok(pence) => budget.push(BudgetLine { item, pence }),
            Err(message) => e.add("budget", message),
        }
    }
    if e.is_empty() {
        Ok((answers, budget))
    } else {
        Err(e)
    }
}

/// What must be filled in before submitting: (field, what).
pub fn missing(answers: &Answers, budget: &[BudgetLine]) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    for (field, text, what) in [
        ("need", &answers.need, "the need you will meet"),
        ("offer", &answers.offer, "what you will offer"),
        ("who_for", &answers.who_for, "who it is for"),
        ("place", &answers.place, "where it will happen"),
        ("outcomes", &answers.outcomes, "the difference it will make"),
    ] {
        if text.is_empty() {
            out.push((field, what));
        }
    }
    if answers.people.is_none() {
        out.push(("people", "how many people"));
    }
    if budget.is_empty() {
        out.push(("budget", "at least one budget line"));
    }
    out
}

pub fn total(budget: &[BudgetLine]) -> i64 {
    budget.iter().map(|l| l.pence).sum()
}

/// An application with its round and the applying organisation.
pub struct ApplicationView {
    pub application: fund_applications::Model,
    pub round: fund_rounds::Model,
    pub organisation: provider_organisations::Model,
}

impl ApplicationView {
    pub fn answers(&self) -> Answers {
        answers_of(&self.application)
    }

    pub fn budget(&self) -> Vec<BudgetLine> {
        budget_of(&self.application)
    }
}

pub async fn load(conn: &impl ConnectionTrait, id: i64) -> Result<ApplicationView, FundError> {
    let application = fund_applications::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(FundError::NotFound)?;
    let round = rounds::find(conn, application.round_id).await?;
    let organisation = provider_organisations::Entity::find_by_id(application.organisation_id)
        .one(conn)
        .await?
        .ok_or(FundError::NotFound)?;
    Ok(ApplicationView {
        application,
        round,
        organisation,
    })
}

/// The application if `user_id` is a member of the applying organisation.
pub async fn for_member(
    conn: &impl ConnectionTrait,
    id: i64,
    user_id: UserId,
) -> Result<ApplicationView, FundError> {
    let view = load(conn, id).await?;
    organisations::as_member(conn, view.application.organisation_id, user_id)
        .await
        .map_err(|_| FundError::NotFound)?;
    Ok(view)
}

/// Every application of the organisations this person belongs to, newest first.
pub async fn of_user(
    db: &DatabaseConnection,
    user_id: UserId,
) -> Result<Vec<ApplicationView>, FundError> {
    let orgs: Vec<OrganisationId> = organisations::of_user(db, user_id)
        .await?
        .into_iter()
        .map(|(o, _)| o.id)
        .collect();
    let rows = fund_applications::Entity::find()
        .filter(fund_applications::Column::OrganisationId.is_in(orgs))
        .order_by_desc(fund_applications::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(load(db, row.id).await?);
    }
    Ok(out)
}

/// Submitted (and decided) applications of a round, oldest first.
pub async fn submitted_in(
    conn: &impl ConnectionTrait,
    round_id: i64,
) -> Result<Vec<fund_applications::Model>, FundError> {
    Ok(fund_applications::Entity::find()
        .filter(fund_applications::Column::RoundId.eq(round_id))
        .filter(
            fund_applications::Column::Status
                .is_in([ApplicationStatus::Submitted, ApplicationStatus::Decided]),
        )
        .order_by_asc(fund_applications::Column::SubmittedAt)
        .all(conn)
        .await?)
}

fn require_open(round: &fund_rounds::Model, today: NaiveDate) -> Result<(), FundError> {
    match phase(round, today) {
        Phase::Open => Ok(()),
        Phase::Closed => Err(FundError::refused(format!(
            "This round closed at {}. Late applications cannot be accepted.",
            deadline(round)
        ))),
        Phase::Upcoming => Err(FundError::refused(format!(
            "This round opens on {}",
            crate::domain::dates::format_date(&round.opens_on)
        ))),
        Phase::Draft => Err(FundError::NotFound),
    }
}

/// Starts (or returns) an organisation's application to an open round.
pub async fn start(
    db: &DatabaseConnection,
    actor: &Actor,
    round_id: i64,
    organisation_id: OrganisationId,
    user_id: UserId,
    today: NaiveDate,
) -> Result<i64, FundError> {
    let round = rounds::public(db, round_id).await?.round;
    let (org, _) = organisations::as_member(db, organisation_id, user_id)
        .await
        .map_err(|_| FundError::NotFound)?;
    if let Some(existing) = fund_applications::Entity::find()
        .filter(fund_applications::Column::RoundId.eq(round_id))
        .filter(fund_applications::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await?
    {
        return Ok(existing.id);
    }
    require_open(&round, today)?;
    if org.status != OrganisationStatus::Approved && org.status != OrganisationStatus::Submitted {
        return Err(FundError::refused(
            "Send your organisation’s details to the council before you apply",
        ));
    }
    let eligible = list_of(&round.eligible_kinds);
    if !eligible.is_empty() && !eligible.iter().any(|k| k == org.kind.as_str()) {
        let names: Vec<&str> = eligible
            .iter()
            .filter_map(|k| ProviderKind::parse(k))
            .map(kind_label)
            .collect();
        return Err(FundError::refused(format!(
            "This round is only for: {}",
            names.join(", ")
        )));
    }
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let row = fund_applications::ActiveModel {
        round_id: Set(round_id),
        organisation_id: Set(organisation_id),
        status: Set(ApplicationStatus::Draft),
        answers: Set(serde_json::to_string(&Answers::default()).unwrap_or_default()),
        budget: Set("[]".to_owned()),
        total_pence: Set(0),
        created_by_user_id: Set(user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::FundApplicationStarted, "fund_application", row.id)
            .to(ApplicationStatus::Draft)
            .detail(format!("round {round_id}, organisation {organisation_id}")),
    )
    .await?;
    txn.commit().await?;
    Ok(row.id)
}

/// Saves the draft; before the deadline only.
pub async fn save(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    user_id: UserId,
    answers: &Answers,
    budget: &[BudgetLine],
    today: NaiveDate,
) -> Result<(), FundError> {
    let view = for_member(db, id, user_id).await?;
    if view.application.status != ApplicationStatus::Draft {
        return Err(FundError::refused(
            "This application has been sent and cannot be changed",
        ));
    }
    require_open(&view.round, today)?;
    let txn = db.begin_write().await?;
    let mut active: fund_applications::ActiveModel = view.application.into();
    active.answers = Set(serde_json::to_string(answers).unwrap_or_default());
    active.budget = Set(serde_json::to_string(budget).unwrap_or_default());
    active.total_pence = Set(total(budget));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::FundApplicationSaved, "fund_application", id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Sends a complete draft to the council before the deadline; the applicant is emailed.
pub async fn submit(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    id: i64,
    user_id: UserId,
    today: NaiveDate,
) -> Result<(), FundError> {
    let view = for_member(db, id, user_id).await?;
    if view.application.status != ApplicationStatus::Draft {
        return Err(FundError::refused("This application has already been sent"));
    }
    require_open(&view.round, today)?;
    let (answers, budget) = (view.answers(), view.budget());
    if !missing(&answers, &budget).is_empty() {
        return Err(FundError::Incomplete);
    }
    if total(&budget) > view.round.max_award_pence {
        return Err(FundError::refused(format!(
            "Your budget comes to {}, more than this round’s maximum award of {}",
            format_pounds_of(total(&budget)),
            format_pounds_of(view.round.max_award_pence)
        )));
    }
    let txn = db.begin_write().await?;
    let round_title = view.round.title.clone();
    let mut active: fund_applications::ActiveModel = view.application.into();
    active.status = Set(ApplicationStatus::Submitted);
    active.submitted_at = Set(Some(Utc::now()));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::FundApplicationSubmitted, "fund_application", id)
            .from(ApplicationStatus::Draft)
            .to(ApplicationStatus::Submitted),
    )
    .await?;
    if let Some(user) = entity::users::Entity::find_by_id(user_id).one(&txn).await? {
        mail::enqueue(
            &txn,
            templates::application_received(
                &user.email,
                &user.display_name,
                &round_title,
                &format!("{base_url}{}", paths::provider_funding_application(id)),
            ),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Withdraws a draft or sent application that has not been decided.
pub async fn withdraw(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    user_id: UserId,
) -> Result<(), FundError> {
    let view = for_member(db, id, user_id).await?;
    let from = view.application.status;
    if from != ApplicationStatus::Draft && from != ApplicationStatus::Submitted {
        return Err(FundError::refused(
            "This application can no longer be withdrawn",
        ));
    }
    let txn = db.begin_write().await?;
    let mut active: fund_applications::ActiveModel = view.application.into();
    active.status = Set(ApplicationStatus::Withdrawn);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::FundApplicationWithdrawn, "fund_application", id)
            .from(from)
            .to(ApplicationStatus::Withdrawn),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> FormFields {
        FormFields(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn a_draft_may_have_gaps_but_not_bad_values() {
        let (answers, budget) = parse_form(&fields(&[
            ("need", "Lunch club"),
            ("item_1", "Hall hire"),
            ("amount_1", "£1,200"),
        ]))
        .expect("a draft");
        assert_eq!(
            budget,
            vec![BudgetLine {
                item: "Hall hire".into(),
                pence: 120_000
            }]
        );
        assert_eq!(missing(&answers, &budget).len(), 5);
        let e = parse_form(&fields(&[
            ("people", "lots"),
            ("item_2", ""),
            ("amount_2", "50"),
        ]))
        .unwrap_err();
        assert!(e.get("people").is_some() && e.get("budget").is_some());
    }
}
