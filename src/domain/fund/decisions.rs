//! The commissioner's decisions: award an application (an amount up to the maximum, with
//! conditions) or decline it with feedback. The pot is never over-committed without an
//! explicit confirmation. The applicant organisation's members are emailed.

use chrono::{NaiveDate, Utc};
use entity::fund_applications;
use entity::fund_applications::ApplicationStatus;
use entity::fund_applications::FundDecision;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::fund::applications::{self};
use crate::domain::fund::rounds::{FundError, Phase, phase};
use crate::domain::listings::content::format_pounds;
use crate::domain::money::parse_amount;
use crate::domain::providers::organisations;
use crate::domain::validation::{FieldErrors, FormFields, optional_text, required_text};
use crate::mail::{self, fund_templates as templates};
use crate::paths;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Award { pence: i64, conditions: String },
    Decline { feedback: String },
}

/// Reads the decision form; `confirm_over_pot` is the explicit "yes, over the pot".
pub fn parse_decision(f: &FormFields) -> Result<(Decision, bool), FieldErrors> {
    let mut e = FieldErrors::default();
    let decision = match FundDecision::parse(&f.one("decision")) {
        Some(FundDecision::Award) => {
            let pence = e.take(
                "amount",
                parse_amount(&f.one("amount"), "the amount to award"),
            );
            let conditions = optional_text(
                &mut e,
                "conditions",
                &f.one("conditions"),
                2000,
                "Conditions",
            )
            .unwrap_or_default();
            pence.map(|pence| Decision::Award { pence, conditions })
        }
        Some(FundDecision::Decline) => required_text(
            &mut e,
            "feedback",
            &f.one("feedback"),
            2000,
            "feedback for the applicant",
        )
        .map(|feedback| Decision::Decline { feedback }),
        _ => {
            e.add("decision", "Choose whether to award or decline");
            None
        }
    };
    match decision {
        Some(d) if e.is_empty() => Ok((d, f.one("confirm_over_pot") == "yes")),
        _ => Err(e),
    }
}

/// What the round has awarded so far.
pub async fn awarded_total(conn: &impl ConnectionTrait, round_id: i64) -> Result<i64, FundError> {
    Ok(fund_applications::Entity::find()
        .filter(fund_applications::Column::RoundId.eq(round_id))
        .filter(fund_applications::Column::Decision.eq(FundDecision::Award))
        .all(conn)
        .await?
        .iter()
        .filter_map(|a| a.award_pence)
        .sum())
}

/// Why a decision could not be recorded as asked.
#[derive(Debug)]
pub enum Refusal {
    /// Awarding this would take the round past its pot: (awarded so far, pot).
    OverPot {
        awarded: i64,
        pot: i64,
    },
    Fund(FundError),
}

impl From<FundError> for Refusal {
    fn from(err: FundError) -> Self {
        Refusal::Fund(err)
    }
}

impl From<sea_orm::DbErr> for Refusal {
    fn from(err: sea_orm::DbErr) -> Self {
        Refusal::Fund(err.into())
    }
}

pub async fn decide(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    today: NaiveDate,
    application_id: i64,
    decision: &Decision,
    confirm_over_pot: bool,
) -> Result<(), Refusal> {
    let view = applications::load(db, application_id).await?;
    if view.application.status != ApplicationStatus::Submitted {
        return Err(FundError::refused("Only sent, undecided applications can be decided").into());
    }
    if phase(&view.round, today) != Phase::Closed {
        return Err(FundError::refused(
            "Decide after the round closes, when every application is in",
        )
        .into());
    }
    let txn = db.begin_write().await?;
    if let Decision::Award { pence, .. } = decision {
        if *pence > view.round.max_award_pence {
            return Err(FundError::refused(format!(
                "The most this round awards is {}",
                format_pounds(view.round.max_award_pence)
            ))
            .into());
        }
        let awarded = awarded_total(&txn, view.round.id).await?;
        if awarded + pence > view.round.pot_pence && !confirm_over_pot {
            return Err(Refusal::OverPot {
                awarded,
                pot: view.round.pot_pence,
            });
        }
    }
    let (kind, pence, note) = match decision {
        Decision::Award { pence, conditions } => {
            (FundDecision::Award, Some(*pence), conditions.clone())
        }
        Decision::Decline { feedback } => (FundDecision::Decline, None, feedback.clone()),
    };
    let round_title = view.round.title.clone();
    let org_id = view.organisation.id;
    let mut active: fund_applications::ActiveModel = view.application.into();
    active.status = Set(ApplicationStatus::Decided);
    active.decision = Set(Some(kind.to_owned()));
    active.award_pence = Set(pence);
    active.decision_note = Set(Some(note.clone()));
    active.decided_at = Set(Some(Utc::now()));
    // Decisions are made by a signed-in commissioner, the request's actor.
    active.decided_by_user_id = Set(actor.user_id);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(
            Action::FundApplicationDecided,
            "fund_application",
            application_id,
        )
        .from(ApplicationStatus::Submitted)
        .to(kind)
        .detail(match pence {
            Some(p) => format!("awarded {}", format_pounds(p)),
            None => "declined".to_owned(),
        }),
    )
    .await?;
    let link = format!(
        "{base_url}{}",
        paths::provider_funding_application(application_id)
    );
    for (member, _) in organisations::members(&txn, org_id).await? {
        if member.disabled_at.is_some() {
            continue;
        }
        let mail = match pence {
            Some(p) => templates::awarded(
                &member.email,
                &member.display_name,
                &round_title,
                &format_pounds(p),
                &note,
                &link,
            ),
            None => templates::declined(
                &member.email,
                &member.display_name,
                &round_title,
                &note,
                &link,
            ),
        };
        mail::enqueue(&txn, mail).await?;
    }
    txn.commit().await?;
    Ok(())
}
