//! Inspections: a checker records a visit one step at a time — the visit, a score and
//! evidence for each key question (Safe, Effective, Caring, Responsive, Well-led), what
//! people said and recommended actions. Every step is saved on the server as a draft, so a
//! dropped connection loses at most the page being typed; the checker submits when complete.

use entity::checker_assignments::AssignmentStatus;
use entity::inspections::InspectionStatus;
use entity::users::UserId;
use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use entity::{checker_assignments, inspections};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter,
};
use serde::{Deserialize, Serialize};

use crate::db::BeginWrite;
use crate::domain::accounts::user_admin::active_with_role;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::checking::assignments::{self, AssignmentError};
use crate::domain::councils::Site;
use crate::domain::dates::parse_date;
use crate::domain::listings;
use crate::domain::validation::{FieldErrors, FormFields, bounded_text};
use crate::mail::{self, checking_templates as templates};
use crate::paths;
use entity::user_roles::Role;

const MAX_TEXT_CHARS: usize = 4000;

/// (key, name, the question the checker answers).
pub const KEY_QUESTIONS: [(&str, &str, &str); 5] = [
    (
        "safe",
        "Safe",
        "Are people protected from abuse and avoidable harm?",
    ),
    (
        "effective",
        "Effective",
        "Does the support help people live the life they want?",
    ),
    (
        "caring",
        "Caring",
        "Do staff treat people with kindness, dignity and respect?",
    ),
    (
        "responsive",
        "Responsive",
        "Is the support organised around each person’s needs?",
    ),
    (
        "well_led",
        "Well-led",
        "Is the service well run, open and always improving?",
    ),
];

pub const SCORES: [(i32, &str); 4] = [
    (4, "Outstanding"),
    (3, "Good"),
    (2, "Requires improvement"),
    (1, "Inadequate"),
];

pub const VISIT_TYPES: [(&str, &str); 4] = [
    ("announced", "Announced visit"),
    ("unannounced", "Unannounced visit"),
    ("mystery_shopping", "Mystery shopping"),
    ("phone", "Phone call"),
];

pub fn score_label(score: i32) -> &'static str {
    SCORES
        .iter()
        .find(|(s, _)| *s == score)
        .map_or("Not scored", |(_, l)| l)
}

/// One key question's answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub score: Option<i32>,
    pub evidence: String,
    /// Evidence kept out of the public report.
    pub private: bool,
}

pub type Answers = BTreeMap<String, Answer>;

pub fn answers_of(model: &inspections::Model) -> Answers {
    serde_json::from_str(&model.answers).unwrap_or_default()
}

/// The steps of the form, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Visit,
    Question(usize),
    People,
}

impl Step {
    pub const COUNT: usize = 7;

    pub fn all() -> Vec<Step> {
        let mut out = vec![Step::Visit];
        out.extend((0..KEY_QUESTIONS.len()).map(Step::Question));
        out.push(Step::People);
        out
    }

    pub fn slug(self) -> &'static str {
        match self {
            Step::Visit => "visit",
            Step::Question(i) => KEY_QUESTIONS[i].0,
            Step::People => "people",
        }
    }

    pub fn parse(slug: &str) -> Option<Step> {
        Step::all().into_iter().find(|s| s.slug() == slug)
    }

    pub fn number(self) -> usize {
        Step::all().iter().position(|s| *s == self).unwrap_or(0) + 1
    }

    pub fn next(self) -> Option<Step> {
        Step::all().get(self.number()).copied()
    }
}

/// The overall rating: the middle (median) of the five scores, but "inadequate" when two or
/// more key questions are inadequate.
pub fn overall(answers: &Answers) -> Option<i32> {
    let mut scores: Vec<i32> = KEY_QUESTIONS
        .iter()
        .map(|(k, _, _)| answers.get(*k).and_then(|a| a.score))
        .collect::<Option<Vec<i32>>>()?;
    if scores.iter().filter(|s| **s == 1).count() >= 2 {
        return Some(1);
    }
    scores.sort_unstable();
    Some(scores[scores.len() / 2])
}

#[derive(Debug, thiserror::Error)]
pub enum InspectionError {
    #[error("inspection not found")]
    NotFound,
    #[error("Accept the check before you start the inspection")]
    NotAccepted,
    #[error("This inspection has been submitted and cannot be changed")]
    Closed,
    #[error("Some answers are missing")]
    Incomplete,
    #[error("An inspection can have up to 6 photos. Remove one to add another")]
    TooManyPhotos,
    #[error(transparent)]
    Assignment(#[from] AssignmentError),
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Listing(#[from] listings::ListingError),
}

/// The inspection of an assignment for its checker, made (as a draft) on first use.
pub async fn open_for(
    db: &DatabaseConnection,
    actor: &Actor,
    assignment_id: i64,
    checker_user_id: UserId,
) -> Result<inspections::Model, InspectionError> {
    let txn = db.begin_write().await?;
    let assignment = assignments::of_checker(&txn, assignment_id, checker_user_id).await?;
    if let Some(existing) = inspections::Entity::find()
        .filter(inspections::Column::AssignmentId.eq(assignment_id))
        .one(&txn)
        .await?
    {
        return Ok(existing);
    }
    if assignment.status != AssignmentStatus::Accepted {
        return Err(InspectionError::NotAccepted);
    }
    let now = Utc::now();
    let row = inspections::ActiveModel {
        council_id: Set(assignment.council_id),
        assignment_id: Set(assignment_id),
        listing_id: Set(assignment.listing_id),
        organisation_id: Set(assignment.organisation_id),
        checker_user_id: Set(checker_user_id),
        status: Set(InspectionStatus::Draft),
        visit_date: Set(None),
        visit_type: Set(None),
        answers: Set("{}".to_owned()),
        people_said: Set(String::new()),
        actions: Set(String::new()),
        admin_comments: Set(None),
        overall_score: Set(None),
        submitted_at: Set(None),
        published_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::InspectionStarted, "inspection", row.id).to(InspectionStatus::Draft),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// This checker's inspection; anyone else's is "not found".
pub async fn of_checker(
    db: &DatabaseConnection,
    id: i64,
    checker_user_id: UserId,
) -> Result<inspections::Model, InspectionError> {
    inspections::Entity::find_by_id(id)
        .filter(inspections::Column::CheckerUserId.eq(checker_user_id))
        .one(db)
        .await?
        .ok_or(InspectionError::NotFound)
}

fn bounded(e: &mut FieldErrors, field: &'static str, raw: &str) -> String {
    let label = match field {
        "evidence" => "What you saw or heard",
        "people_said" => "What people told you",
        "actions" => "What the provider should do",
        _ => "Your answer",
    };
    bounded_text(e, field, label, raw, MAX_TEXT_CHARS)
}

/// Saves one step of a draft (or returned) inspection. Anything malformed is refused with
/// named errors and nothing is saved; gaps are allowed until submission.
pub async fn save_step(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    checker_user_id: UserId,
    step: Step,
    f: &FormFields,
    today: NaiveDate,
) -> Result<Result<(), FieldErrors>, InspectionError> {
    let model = of_checker(db, id, checker_user_id).await?;
    if model.status != InspectionStatus::Draft && model.status != InspectionStatus::Returned {
        return Err(InspectionError::Closed);
    }
    let mut e = FieldErrors::default();
    let mut active: inspections::ActiveModel = model.clone().into();
    match step {
        Step::Visit => {
            match parse_date(
                &f.one("visit-day"),
                &f.one("visit-month"),
                &f.one("visit-year"),
                "The visit date",
            ) {
                Ok(Some(d)) if d > today => {
                    e.add("visit", "The visit date cannot be in the future")
                }
                Ok(d) => active.visit_date = Set(d),
                Err(message) => e.add("visit", message),
            }
            let kind = f.one("visit_type");
            if kind.is_empty() {
                active.visit_type = Set(None);
            } else if VISIT_TYPES.iter().any(|(k, _)| *k == kind) {
                active.visit_type = Set(Some(kind));
            } else {
                e.add("visit_type", "Choose how you checked the service");
            }
        }
        Step::Question(i) => {
            let raw = f.one("score");
            let score = if raw.is_empty() {
                None
            } else {
                match raw.parse::<i32>() {
                    Ok(s) if (1..=4).contains(&s) => Some(s),
                    _ => {
                        e.add("score", "Choose a score from 1 to 4");
                        None
                    }
                }
            };
            let evidence = bounded(&mut e, "evidence", &f.one("evidence"));
            let mut answers = answers_of(&model);
            answers.insert(
                KEY_QUESTIONS[i].0.to_owned(),
                Answer {
                    score,
                    evidence,
                    private: f.one("private") == "yes",
                },
            );
            active.answers = Set(serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into()));
        }
        Step::People => {
            active.people_said = Set(bounded(&mut e, "people_said", &f.one("people_said")));
            active.actions = Set(bounded(&mut e, "actions", &f.one("actions")));
        }
    }
    if !e.is_empty() {
        return Ok(Err(e));
    }
    active.updated_at = Set(Utc::now());
    let txn = db.begin_write().await?;
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::InspectionSaved, "inspection", id)
            .detail(format!("step {}", step.slug())),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// What is still missing before submission: (step, what).
pub fn missing(model: &inspections::Model) -> Vec<(Step, String)> {
    let mut out = Vec::new();
    if model.visit_date.is_none() {
        out.push((Step::Visit, "the visit date".to_owned()));
    }
    if model.visit_type.is_none() {
        out.push((Step::Visit, "how you checked the service".to_owned()));
    }
    let answers = answers_of(model);
    for (i, (key, name, _)) in KEY_QUESTIONS.iter().enumerate() {
        let answer = answers.get(*key).cloned().unwrap_or_default();
        if answer.score.is_none() {
            out.push((Step::Question(i), format!("a score for {name}")));
        }
        if answer.evidence.is_empty() {
            out.push((Step::Question(i), format!("evidence for {name}")));
        }
    }
    if model.people_said.is_empty() {
        out.push((
            Step::People,
            "what people using the service told you".to_owned(),
        ));
    }
    out
}

/// Sends a complete inspection to the council and emails the admins.
pub async fn submit(
    db: &DatabaseConnection,
    actor: &Actor,
    site: &Site,
    id: i64,
    checker_user_id: UserId,
) -> Result<(), InspectionError> {
    let model = of_checker(db, id, checker_user_id).await?;
    if model.status != InspectionStatus::Draft && model.status != InspectionStatus::Returned {
        return Err(InspectionError::Closed);
    }
    if !missing(&model).is_empty() {
        return Err(InspectionError::Incomplete);
    }
    let txn = db.begin_write().await?;
    let from = model.status;
    let overall_score = overall(&answers_of(&model));
    let mut active: inspections::ActiveModel = model.clone().into();
    active.status = Set(InspectionStatus::Submitted);
    active.overall_score = Set(overall_score);
    active.submitted_at = Set(Some(Utc::now()));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    if let Some(assignment) = checker_assignments::Entity::find_by_id(model.assignment_id)
        .one(&txn)
        .await?
    {
        let mut a: checker_assignments::ActiveModel = assignment.into();
        a.status = Set(AssignmentStatus::Submitted);
        a.updated_at = Set(Utc::now());
        a.update(&txn).await?;
    }
    audit::record(
        &txn,
        actor,
        Event::new(Action::InspectionSubmitted, "inspection", id)
            .from(from)
            .to(InspectionStatus::Submitted)
            .detail(format!(
                "overall {}",
                overall_score.map_or("none", score_label)
            )),
    )
    .await?;
    let title = listings::load(&txn, model.listing_id)
        .await?
        .title()
        .to_owned();
    // The admins of the council whose check it is (wherever the checker submitted from).
    for admin in active_with_role(&txn, model.council_id, Role::Admin).await? {
        mail::enqueue(
            &txn,
            templates::inspection_submitted(
                &admin.email,
                &admin.display_name,
                &title,
                &format!("{}{}", site.base_url, paths::admin_checking()),
            ),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(scores: [i32; 5]) -> Answers {
        KEY_QUESTIONS
            .iter()
            .zip(scores)
            .map(|((k, _, _), s)| {
                (
                    (*k).to_owned(),
                    Answer {
                        score: Some(s),
                        evidence: "seen".into(),
                        private: false,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn the_overall_rating_is_the_median_unless_two_are_inadequate() {
        assert_eq!(overall(&with([3, 3, 4, 2, 3])), Some(3));
        assert_eq!(overall(&with([4, 4, 4, 1, 3])), Some(4));
        assert_eq!(overall(&with([1, 1, 4, 4, 4])), Some(1));
        assert_eq!(overall(&Answers::new()), None);
    }

    #[test]
    fn steps_run_in_order() {
        assert_eq!(Step::all().len(), Step::COUNT);
        assert_eq!(Step::Visit.next(), Some(Step::Question(0)));
        assert_eq!(Step::parse("well_led"), Some(Step::Question(4)));
        assert_eq!(Step::People.next(), None);
        assert_eq!(Step::parse("nope"), None);
    }
}
