//! The panel: each member scores each submitted application against the round's criteria
//! (0–5 with a comment), or declares a conflict of interest and takes no part. A member sees
//! the others' scores only after submitting their own. The weighted ranking averages each
//! criterion over the members who scored, then weights the averages.

use entity::fund_applications::ApplicationStatus;
use entity::fund_reviews::PanelReviewStatus;
use entity::users::UserId;
use std::collections::BTreeMap;

use chrono::Utc;
use entity::{fund_applications, fund_criteria, fund_reviews};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::fund::applications::{self, ApplicationView};
use crate::domain::fund::rounds::{self as fund_rounds, FundError};
use crate::domain::validation::{FieldErrors, FormFields, has_control_chars, required_text};

pub const MAX_SCORE: i32 = 5;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub score: Option<i32>,
    pub comment: String,
}

/// Scores by criterion id.
pub type Scores = BTreeMap<i64, Score>;

pub fn scores_of(review: &fund_reviews::Model) -> Scores {
    serde_json::from_str(&review.scores).unwrap_or_default()
}

/// A submitted application, for a member of its round's panel; anyone else gets "not found".
pub async fn application_for_member(
    db: &DatabaseConnection,
    application_id: i64,
    user_id: UserId,
) -> Result<ApplicationView, FundError> {
    let view = applications::load(db, application_id).await?;
    let shown = view.application.status == ApplicationStatus::Submitted
        || view.application.status == ApplicationStatus::Decided;
    if !shown || !fund_rounds::is_panel_member(db, view.round.id, user_id).await? {
        return Err(FundError::NotFound);
    }
    Ok(view)
}

pub async fn review_of(
    conn: &impl ConnectionTrait,
    application_id: i64,
    user_id: UserId,
) -> Result<Option<fund_reviews::Model>, FundError> {
    Ok(fund_reviews::Entity::find()
        .filter(fund_reviews::Column::ApplicationId.eq(application_id))
        .filter(fund_reviews::Column::UserId.eq(user_id))
        .one(conn)
        .await?)
}

/// Every review of an application (all members), oldest first.
pub async fn reviews_of(
    conn: &impl ConnectionTrait,
    application_id: i64,
) -> Result<Vec<fund_reviews::Model>, FundError> {
    Ok(fund_reviews::Entity::find()
        .filter(fund_reviews::Column::ApplicationId.eq(application_id))
        .order_by_asc(fund_reviews::Column::Id)
        .all(conn)
        .await?)
}

/// The other members' submitted reviews, if this member may see them: only once their own
/// is submitted (a conflicted member sees none).
pub async fn visible_to(
    db: &DatabaseConnection,
    application_id: i64,
    user_id: UserId,
) -> Result<Vec<fund_reviews::Model>, FundError> {
    let own = review_of(db, application_id, user_id).await?;
    if own.as_ref().map(|r| r.status) != Some(PanelReviewStatus::Submitted) {
        return Ok(Vec::new());
    }
    Ok(reviews_of(db, application_id)
        .await?
        .into_iter()
        .filter(|r| r.user_id != user_id && r.status == PanelReviewStatus::Submitted)
        .collect())
}

async fn upsert(
    db: &DatabaseConnection,
    application_id: i64,
    user_id: UserId,
    change: impl FnOnce(&mut fund_reviews::ActiveModel),
) -> Result<fund_reviews::ActiveModel, FundError> {
    let now = Utc::now();
    let mut active = match review_of(db, application_id, user_id).await? {
        Some(existing) => {
            if existing.status != PanelReviewStatus::Draft {
                return Err(FundError::refused(
                    "You have already sent your review of this application",
                ));
            }
            existing.into()
        }
        None => fund_reviews::ActiveModel {
            application_id: Set(application_id),
            user_id: Set(user_id),
            status: Set(PanelReviewStatus::Draft),
            conflict_note: Set(None),
            scores: Set("{}".to_owned()),
            submitted_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        },
    };
    change(&mut active);
    active.updated_at = Set(now);
    Ok(active)
}

/// Declares a conflict of interest: the member takes no part in this application.
pub async fn declare_conflict(
    db: &DatabaseConnection,
    actor: &Actor,
    application_id: i64,
    user_id: UserId,
    note: &str,
) -> Result<Result<(), FieldErrors>, FundError> {
    application_for_member(db, application_id, user_id).await?;
    let mut e = FieldErrors::default();
    let Some(note) = required_text(&mut e, "conflict_note", note, 1000, "the reason") else {
        return Ok(Err(e));
    };
    let active = upsert(db, application_id, user_id, |a| {
        a.status = Set(PanelReviewStatus::Conflicted);
        a.conflict_note = Set(Some(note));
        a.scores = Set("{}".to_owned());
    })
    .await?;
    let txn = db.begin_write().await?;
    let saved = active.save(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(
            Action::FundReviewConflictDeclared,
            "fund_application",
            application_id,
        )
        .detail(format!("review {:?}", saved.id)),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Saves (or, with `submit`, sends) a member's scores. Sending needs every criterion scored.
pub async fn save_scores(
    db: &DatabaseConnection,
    actor: &Actor,
    application_id: i64,
    user_id: UserId,
    f: &FormFields,
    submit: bool,
) -> Result<Result<(), FieldErrors>, FundError> {
    let view = application_for_member(db, application_id, user_id).await?;
    if view.application.status == ApplicationStatus::Decided {
        return Err(FundError::refused("This application has been decided"));
    }
    let criteria = fund_rounds::criteria_of(db, view.round.id).await?;
    let mut e = FieldErrors::default();
    let mut scores = Scores::new();
    for c in &criteria {
        let raw = f.one(&format!("score_{}", c.id));
        let score = if raw.trim().is_empty() {
            None
        } else {
            match raw.trim().parse::<i32>() {
                Ok(s) if (0..=MAX_SCORE).contains(&s) => Some(s),
                _ => {
                    e.add(
                        "scores",
                        format!("Score “{}” from 0 to {MAX_SCORE}", c.title),
                    );
                    None
                }
            }
        };
        if submit && score.is_none() && e.is_empty() {
            e.add("scores", format!("Score “{}” before sending", c.title));
        }
        let comment = f
            .one(&format!("comment_{}", c.id))
            .trim()
            .replace("\r\n", "\n");
        if comment.chars().count() > 2000 || has_control_chars(&comment) {
            e.add("scores", "Keep each comment to 2000 characters or fewer");
        }
        scores.insert(c.id, Score { score, comment });
    }
    if !e.is_empty() {
        return Ok(Err(e));
    }
    let json = serde_json::to_string(&scores).unwrap_or_else(|_| "{}".to_owned());
    let active = upsert(db, application_id, user_id, |a| {
        a.scores = Set(json);
        if submit {
            a.status = Set(PanelReviewStatus::Submitted);
            a.submitted_at = Set(Some(Utc::now()));
        }
    })
    .await?;
    let txn = db.begin_write().await?;
    active.save(&txn).await?;
    let action = if submit {
        Action::FundReviewSubmitted
    } else {
        Action::FundReviewSaved
    };
    audit::record(
        &txn,
        actor,
        Event::new(action, "fund_application", application_id),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// The weighted score out of 5: each criterion's mean over the reviews that scored it,
/// weighted by the criterion's weight. `None` until every criterion has a score.
pub fn weighted_score(criteria: &[fund_criteria::Model], reviews: &[Scores]) -> Option<f64> {
    let mut weighted = 0.0;
    let mut weights = 0.0;
    for c in criteria {
        let given: Vec<f64> = reviews
            .iter()
            .filter_map(|r| r.get(&c.id).and_then(|s| s.score))
            .map(f64::from)
            .collect();
        if given.is_empty() {
            return None;
        }
        let mean = given.iter().sum::<f64>() / given.len() as f64;
        weighted += mean * f64::from(c.weight);
        weights += f64::from(c.weight);
    }
    (weights > 0.0).then(|| weighted / weights)
}

/// One line of the ranking.
pub struct Ranked {
    pub view: ApplicationView,
    pub score: Option<f64>,
    /// Submitted reviews and declared conflicts.
    pub reviews: usize,
    pub conflicts: usize,
    /// What the applications ranked so far (this one included) ask for in total.
    pub running_total_pence: i64,
}

/// Submitted applications best first (unscored last, then by when they were sent), with the
/// running total of what they ask for.
pub async fn ranking(db: &DatabaseConnection, round_id: i64) -> Result<Vec<Ranked>, FundError> {
    let criteria = fund_rounds::criteria_of(db, round_id).await?;
    let mut out = Vec::new();
    for app in applications::submitted_in(db, round_id).await? {
        let reviews = reviews_of(db, app.id).await?;
        let scored: Vec<Scores> = reviews
            .iter()
            .filter(|r| r.status == PanelReviewStatus::Submitted)
            .map(scores_of)
            .collect();
        let conflicts = reviews
            .iter()
            .filter(|r| r.status == PanelReviewStatus::Conflicted)
            .count();
        out.push(Ranked {
            score: weighted_score(&criteria, &scored),
            reviews: scored.len(),
            conflicts,
            view: applications::load(db, app.id).await?,
            running_total_pence: 0,
        });
    }
    out.sort_by(|a, b| {
        b.score
            .unwrap_or(-1.0)
            .total_cmp(&a.score.unwrap_or(-1.0))
            .then(
                a.view
                    .application
                    .submitted_at
                    .cmp(&b.view.application.submitted_at),
            )
    });
    let mut running = 0;
    for r in &mut out {
        running += r.view.application.total_pence;
        r.running_total_pence = running;
    }
    Ok(out)
}

/// A submitted application on a member's list: the application, the applicant's name and
/// the member's review status (none yet, draft, submitted or conflicted).
pub type WorkItem = (
    fund_applications::Model,
    String,
    Option<entity::fund_reviews::PanelReviewStatus>,
);

/// The submitted applications of a round, for one panel member.
pub async fn worklist(
    db: &DatabaseConnection,
    round_id: i64,
    user_id: UserId,
) -> Result<Vec<WorkItem>, FundError> {
    let mut out = Vec::new();
    for app in applications::submitted_in(db, round_id).await? {
        let name = entity::provider_organisations::Entity::find_by_id(app.organisation_id)
            .one(db)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        let status = review_of(db, app.id, user_id).await?.map(|r| r.status);
        out.push((app, name, status));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criterion(id: i64, weight: i32) -> fund_criteria::Model {
        fund_criteria::Model {
            id,
            round_id: 1,
            position: id as i32,
            title: format!("C{id}"),
            weight,
        }
    }

    fn review(scores: &[(i64, i32)]) -> Scores {
        scores
            .iter()
            .map(|(id, s)| {
                (
                    *id,
                    Score {
                        score: Some(*s),
                        comment: String::new(),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn the_weighted_score_matches_a_hand_worked_example() {
        // Need met (weight 50), value for money (30), deliverability (20).
        let criteria = [criterion(1, 50), criterion(2, 30), criterion(3, 20)];
        // Two members: means are 4.5, 3.0 and 2.0.
        let reviews = [
            review(&[(1, 5), (2, 3), (3, 2)]),
            review(&[(1, 4), (2, 3), (3, 2)]),
        ];
        // (4.5 × 50 + 3 × 30 + 2 × 20) / 100 = (225 + 90 + 40) / 100 = 3.55
        let score = weighted_score(&criteria, &reviews).expect("scored");
        assert!((score - 3.55).abs() < 1e-9, "{score}");
        assert_eq!(weighted_score(&criteria, &[review(&[(1, 5)])]), None);
        assert_eq!(weighted_score(&criteria, &[]), None);
    }
}
