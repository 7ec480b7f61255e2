//! Quality checkers' profiles: the postcode districts they can cover, when they are free,
//! and the training they have completed; and the admins' view of every checker with their
//! workload.

use entity::councils::CouncilId;
use entity::users::UserId;
use std::collections::HashMap;

use chrono::Utc;
use entity::{checker_assignments, checker_profiles, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter,
};

use crate::db::BeginWrite;
use crate::domain::accounts::user_admin::active_with_role;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::postcode::parse_districts;
use crate::domain::validation::{FieldErrors, FormFields, optional_text};
use entity::user_roles::Role;

/// The courses the council runs for quality checkers.
pub const TRAINING: [(&str, &str); 5] = [
    ("induction", "Quality checking induction"),
    ("safeguarding", "Safeguarding adults"),
    ("mental_capacity", "Mental Capacity Act awareness"),
    ("data_protection", "Data protection and confidentiality"),
    ("equality", "Equality, diversity and inclusion"),
];

/// Assignment states that count towards a checker's workload.
pub const OPEN_STATES: [&str; 2] = ["offered", "accepted"];

#[derive(Clone, Debug, Default)]
pub struct ProfileForm {
    pub areas: String,
    pub availability: String,
    pub training: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub areas: Vec<String>,
    pub availability: String,
    pub training: Vec<String>,
}

impl Profile {
    pub fn of(row: Option<&checker_profiles::Model>) -> Self {
        match row {
            Some(r) => Self {
                areas: r
                    .areas
                    .split(',')
                    .map(|a| a.trim().to_owned())
                    .filter(|a| !a.is_empty())
                    .collect(),
                availability: r.availability.clone(),
                training: serde_json::from_str(&r.training).unwrap_or_default(),
            },
            None => Self {
                areas: Vec::new(),
                availability: String::new(),
                training: Vec::new(),
            },
        }
    }

    pub fn training_labels(&self) -> Vec<&'static str> {
        TRAINING
            .iter()
            .filter(|(k, _)| self.training.iter().any(|t| t == k))
            .map(|(_, l)| *l)
            .collect()
    }

    /// Whether the checker covers the district of a postcode or sector ("M16 0" → "M16").
    pub fn covers(&self, place: &str) -> bool {
        let district = place.split_whitespace().next().unwrap_or_default();
        self.areas.iter().any(|a| a.eq_ignore_ascii_case(district))
    }
}

impl ProfileForm {
    pub fn from_fields(f: &FormFields) -> Self {
        Self {
            areas: f.one("areas"),
            availability: f.one("availability"),
            training: f.all("training"),
        }
    }

    pub fn of(p: &Profile) -> Self {
        Self {
            areas: p.areas.join(", "),
            availability: p.availability.clone(),
            training: p.training.clone(),
        }
    }

    pub fn parse(&self) -> Result<Profile, FieldErrors> {
        let mut e = FieldErrors::default();
        let areas = if self.areas.trim().is_empty() {
            e.add(
                "areas",
                "Enter the postcode districts you can visit, like M16, M32",
            );
            None
        } else {
            e.take("areas", parse_districts(&self.areas))
        };
        let availability = optional_text(
            &mut e,
            "availability",
            &self.availability,
            500,
            "When you are free",
        );
        let training: Vec<String> = TRAINING
            .iter()
            .filter(|(k, _)| self.training.iter().any(|t| t == k))
            .map(|(k, _)| (*k).to_owned())
            .collect();
        match areas {
            Some(areas) if e.is_empty() => Ok(Profile {
                areas,
                availability: availability.unwrap_or_default(),
                training,
            }),
            _ => Err(e),
        }
    }
}

pub async fn profile(conn: &impl ConnectionTrait, user_id: UserId) -> Result<Profile, DbErr> {
    let row = checker_profiles::Entity::find_by_id(user_id)
        .one(conn)
        .await?;
    Ok(Profile::of(row.as_ref()))
}

pub async fn save_profile(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: UserId,
    profile: &Profile,
) -> Result<(), DbErr> {
    let txn = db.begin_write().await?;
    let row = checker_profiles::ActiveModel {
        user_id: Set(user_id),
        areas: Set(profile.areas.join(", ")),
        availability: Set(profile.availability.clone()),
        training: Set(serde_json::to_string(&profile.training).unwrap_or_else(|_| "[]".into())),
        updated_at: Set(Utc::now()),
    };
    if checker_profiles::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .is_some()
    {
        row.update(&txn).await?;
    } else {
        row.insert(&txn).await?;
    }
    audit::record(
        &txn,
        actor,
        Event::new(Action::CheckerProfileSaved, "user", user_id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A checker as admins see them: account, profile, and open assignments.
pub struct CheckerSummary {
    pub user: users::Model,
    pub profile: Profile,
    pub open_assignments: usize,
    pub overdue: usize,
}

/// Every active quality checker with their workload, least busy first.
pub async fn all_with_workload(
    db: &DatabaseConnection,
    council: CouncilId,
    today: chrono::NaiveDate,
) -> Result<Vec<CheckerSummary>, DbErr> {
    let checkers = active_with_role(db, council, Role::QualityChecker).await?;
    let ids: Vec<UserId> = checkers.iter().map(|u| u.id).collect();
    let profiles: HashMap<UserId, checker_profiles::Model> = checker_profiles::Entity::find()
        .filter(checker_profiles::Column::UserId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p))
        .collect();
    let open = checker_assignments::Entity::find()
        .filter(checker_assignments::Column::CheckerUserId.is_in(ids))
        .filter(checker_assignments::Column::Status.is_in(OPEN_STATES))
        .all(db)
        .await?;
    let mut out: Vec<CheckerSummary> = checkers
        .into_iter()
        .map(|user| {
            let mine: Vec<&checker_assignments::Model> = open
                .iter()
                .filter(|a| a.checker_user_id == user.id)
                .collect();
            CheckerSummary {
                profile: Profile::of(profiles.get(&user.id)),
                open_assignments: mine.len(),
                overdue: mine.iter().filter(|a| a.due_on < today).count(),
                user,
            }
        })
        .collect();
    out.sort_by_key(|c| (c.open_assignments, c.user.display_name.clone()));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_need_real_districts_and_keep_known_training_only() {
        let form = ProfileForm {
            areas: "m16, M32 wa14".into(),
            availability: "Weekday mornings".into(),
            training: vec!["safeguarding".into(), "juggling".into()],
        };
        let p = form.parse().unwrap();
        assert_eq!(p.areas, ["M16", "M32", "WA14"]);
        assert_eq!(p.training, ["safeguarding"]);
        assert!(p.covers("M16 0") && p.covers("wa14") && !p.covers("M33 7"));
        let bad = ProfileForm {
            areas: "not a place".into(),
            ..ProfileForm::default()
        };
        assert!(bad.parse().unwrap_err().get("areas").is_some());
    }
}
