//! The council's Resource Allocation System (RAS): questions from the supported
//! self-assessment, points for each answer, and the pounds a point is worth each week. A
//! commissioner publishes a new version; every version is kept, and plans record which one
//! they used. Until a commissioner publishes one, Kith uses [`example`], clearly marked.

use chrono::Utc;
use entity::councils::CouncilId;
use entity::ras_tables;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::listings::form::parse_pence;
use crate::domain::validation::{FieldErrors, FormFields, has_control_chars};

/// Most questions a table may have (each has a fixed form field name).
pub const MAX_QUESTIONS: usize = 12;
const MAX_OPTIONS: usize = 8;
const MAX_POINTS: i32 = 1000;

/// The answer field of each question on the self-assessment form.
pub const ANSWER_FIELDS: [&str; MAX_QUESTIONS] = [
    "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10", "q11", "q12",
];
/// The commissioner's form: each question's wording and its answers.
pub const TEXT_FIELDS: [&str; MAX_QUESTIONS] = [
    "q1_text", "q2_text", "q3_text", "q4_text", "q5_text", "q6_text", "q7_text", "q8_text",
    "q9_text", "q10_text", "q11_text", "q12_text",
];
pub const OPTION_FIELDS: [&str; MAX_QUESTIONS] = [
    "q1_options",
    "q2_options",
    "q3_options",
    "q4_options",
    "q5_options",
    "q6_options",
    "q7_options",
    "q8_options",
    "q9_options",
    "q10_options",
    "q11_options",
    "q12_options",
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RasOption {
    pub label: String,
    pub points: i32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RasQuestion {
    pub text: String,
    pub options: Vec<RasOption>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RasConfig {
    /// Pence a week per point.
    pub pence_per_point: i64,
    pub questions: Vec<RasQuestion>,
    /// True for Kith's built-in example, which no council has set.
    #[serde(default)]
    pub example: bool,
}

/// The table in use and its id (`None` for the built-in example).
#[derive(Clone, Debug)]
pub struct CurrentTable {
    pub id: Option<i64>,
    pub config: RasConfig,
}

fn q(text: &str, options: &[(&str, i32)]) -> RasQuestion {
    RasQuestion {
        text: text.to_owned(),
        options: options
            .iter()
            .map(|(label, points)| RasOption {
                label: (*label).to_owned(),
                points: *points,
            })
            .collect(),
    }
}

/// A plausible example for trying Kith out. It is not any council's real table.
pub fn example() -> RasConfig {
    RasConfig {
        pence_per_point: 350,
        example: true,
        questions: vec![
            q(
                "Eating and drinking",
                &[
                    ("I manage on my own", 0),
                    ("I need some help or reminding", 4),
                    ("I need help with every meal", 10),
                ],
            ),
            q(
                "Washing, dressing and using the toilet",
                &[
                    ("I manage on my own", 0),
                    ("I need help on some days", 5),
                    ("I need help every day", 12),
                ],
            ),
            q(
                "Getting around at home and outside",
                &[
                    ("I manage on my own", 0),
                    ("I need help to go out", 4),
                    ("I need help to move around at home", 10),
                ],
            ),
            q(
                "Keeping safe",
                &[
                    ("I am safe on my own", 0),
                    ("I need someone to check on me", 5),
                    ("I need someone with me most of the time", 12),
                ],
            ),
            q(
                "Taking part in the community, work or learning",
                &[
                    ("I do what I want to", 0),
                    ("I need some support to take part", 3),
                    ("I cannot take part without support", 8),
                ],
            ),
            q(
                "Help from family, friends or a carer",
                &[
                    ("A carer helps me every day", 0),
                    ("Someone helps me sometimes", 4),
                    ("No one helps me", 8),
                ],
            ),
        ],
    }
}

impl RasConfig {
    pub fn max_points(&self) -> i32 {
        self.questions
            .iter()
            .map(|q| q.options.iter().map(|o| o.points).max().unwrap_or(0))
            .sum()
    }

    /// Points for the answers (an option index per question).
    pub fn points(&self, answers: &[usize]) -> i32 {
        self.questions
            .iter()
            .zip(answers)
            .filter_map(|(q, a)| q.options.get(*a).map(|o| o.points))
            .sum()
    }

    /// The indicative weekly budget for a number of points.
    pub fn weekly_pence(&self, points: i32) -> i64 {
        i64::from(points) * self.pence_per_point
    }

    /// Reads the answers of the self-assessment form: every question must be answered.
    pub fn parse_answers(&self, f: &FormFields) -> Result<Vec<usize>, FieldErrors> {
        let mut e = FieldErrors::default();
        let mut answers = Vec::with_capacity(self.questions.len());
        for (i, question) in self.questions.iter().enumerate() {
            match f.one(ANSWER_FIELDS[i]).parse::<usize>() {
                Ok(a) if a < question.options.len() => answers.push(a),
                _ => e.add(ANSWER_FIELDS[i], format!("Answer “{}”", question.text)),
            }
        }
        if e.is_empty() { Ok(answers) } else { Err(e) }
    }

    /// The commissioner's form, filled in with this table.
    pub fn to_form(&self) -> RasForm {
        let mut form = RasForm {
            rate: crate::domain::listings::content::format_pounds(self.pence_per_point)
                .replace('£', ""),
            ..RasForm::default()
        };
        for (i, question) in self.questions.iter().enumerate().take(MAX_QUESTIONS) {
            form.texts[i] = question.text.clone();
            form.options[i] = question
                .options
                .iter()
                .map(|o| format!("{}: {}", o.points, o.label))
                .collect::<Vec<_>>()
                .join("\n");
        }
        form
    }
}

/// The commissioner's form as sent.
#[derive(Clone, Debug, Default)]
pub struct RasForm {
    pub rate: String,
    pub texts: [String; MAX_QUESTIONS],
    pub options: [String; MAX_QUESTIONS],
}

impl RasForm {
    pub fn from_fields(f: &FormFields) -> Self {
        Self {
            rate: f.one("rate"),
            texts: TEXT_FIELDS.map(|name| f.one(name)),
            options: OPTION_FIELDS.map(|name| f.one(name)),
        }
    }

    /// A question is left out when its wording and answers are both empty.
    pub fn parse(&self) -> Result<RasConfig, FieldErrors> {
        let mut e = FieldErrors::default();
        let rate = e.take(
            "rate",
            parse_pence(&self.rate)
                .map_err(|_| "Enter the pounds a point is worth each week, like 3.50"),
        );
        let mut questions = Vec::new();
        for i in 0..MAX_QUESTIONS {
            let text = self.texts[i].trim();
            let options = self.options[i].trim();
            if text.is_empty() && options.is_empty() {
                continue;
            }
            if text.is_empty() || text.chars().count() > 200 || has_control_chars(text) {
                e.add(
                    TEXT_FIELDS[i],
                    format!("Enter question {} in 200 characters or fewer", i + 1),
                );
                continue;
            }
            match parse_options(options) {
                Ok(options) => questions.push(RasQuestion {
                    text: text.to_owned(),
                    options,
                }),
                Err(message) => e.add(OPTION_FIELDS[i], format!("Question {}: {message}", i + 1)),
            }
        }
        if questions.is_empty() && e.is_empty() {
            e.add(TEXT_FIELDS[0], "Enter at least one question");
        }
        match rate {
            Some(pence_per_point) if e.is_empty() => Ok(RasConfig {
                pence_per_point,
                questions,
                example: false,
            }),
            _ => Err(e),
        }
    }
}

/// "0: I manage on my own" per line → options.
fn parse_options(text: &str) -> Result<Vec<RasOption>, String> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((points, label)) = line.split_once(':') else {
            return Err(format!(
                "write each answer as points, a colon, then the words, like “4: I need some help” (not “{line}”)"
            ));
        };
        let points: i32 = points
            .trim()
            .parse()
            .ok()
            .filter(|p| (0..=MAX_POINTS).contains(p))
            .ok_or_else(|| format!("points must be a whole number from 0 to {MAX_POINTS}"))?;
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 200 || has_control_chars(label) {
            return Err("each answer needs words, 200 characters or fewer".to_owned());
        }
        out.push(RasOption {
            label: label.to_owned(),
            points,
        });
    }
    if !(2..=MAX_OPTIONS).contains(&out.len()) {
        return Err(format!("give between 2 and {MAX_OPTIONS} answers"));
    }
    Ok(out)
}

/// The table `council` uses: the newest its commissioners published, or the built-in example.
pub async fn current(
    conn: &impl ConnectionTrait,
    council: CouncilId,
) -> Result<CurrentTable, DbErr> {
    let newest = ras_tables::Entity::find()
        .filter(ras_tables::Column::CouncilId.eq(council))
        .order_by_desc(ras_tables::Column::Id)
        .one(conn)
        .await?;
    Ok(
        match newest.and_then(|row| {
            serde_json::from_str::<RasConfig>(&row.config)
                .ok()
                .map(|config| (row.id, config))
        }) {
            Some((id, config)) => CurrentTable {
                id: Some(id),
                config,
            },
            None => CurrentTable {
                id: None,
                config: example(),
            },
        },
    )
}

/// Publishes a new version of `council`'s table; plans keep the version they were worked
/// out with.
pub async fn publish(
    db: &DatabaseConnection,
    actor: &Actor,
    council: CouncilId,
    config: &RasConfig,
) -> Result<i64, DbErr> {
    let txn = db.begin_write().await?;
    let json = serde_json::to_string(config).map_err(|e| DbErr::Custom(e.to_string()))?;
    let row = ras_tables::ActiveModel {
        council_id: Set(council),
        config: Set(json),
        created_by_user_id: Set(actor.user_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::RasPublished, "ras_table", row.id).detail(format!(
            "{} questions, {} pence a point",
            config.questions.len(),
            config.pence_per_point
        )),
    )
    .await?;
    txn.commit().await?;
    Ok(row.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_scores_by_hand() {
        let ras = example();
        // Some help with meals (4), help every day washing (12), can get about (0),
        // someone checks (5), some support to take part (3), no one helps (8) = 32 points;
        // 32 × £3.50 = £112.00 a week.
        let answers = [1, 2, 0, 1, 1, 2];
        assert_eq!(ras.points(&answers), 32);
        assert_eq!(ras.weekly_pence(32), 11_200);
        assert_eq!(ras.max_points(), 60);
    }

    #[test]
    fn the_commissioners_form_round_trips_and_names_mistakes() {
        let ras = example();
        let mut form = ras.to_form();
        let parsed = form.parse().unwrap();
        assert_eq!(parsed.questions, ras.questions);
        assert_eq!(parsed.pence_per_point, 350);
        assert!(!parsed.example);
        form.options[1] = "lots: of help".into();
        form.rate = "free".into();
        let e = form.parse().unwrap_err();
        assert!(e.get("rate").is_some() && e.get("q2_options").is_some());
        form = RasForm::default();
        form.rate = "2".into();
        assert!(form.parse().unwrap_err().get("q1_text").is_some());
    }
}
