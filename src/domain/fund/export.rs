//! Awarded grants as open data in the 360Giving Data Standard: a JSON package
//! (`{"grants": [...]}`) and a CSV with the standard's column titles. A personal assistant
//! is a sole trader, so they are published as an individual recipient, named only if they
//! agreed to it on their application; no addresses or contact details are published.

use chrono::{DateTime, Utc};
use entity::provider_organisations::ProviderKind;
use serde_json::{Value, json};

use crate::domain::fund::awards::AwardView;
use crate::domain::plans::export::{pounds, spreadsheet_safe};

/// Who publishes: the council's organisation identifier and name, and its 360Giving prefix.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Funder {
    pub identifier: String,
    pub name: String,
    pub prefix: String,
}

/// The CSV columns, in the standard's titles.
pub const COLUMNS: [&str; 18] = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Applied For",
    "Amount Awarded",
    "Amount Disbursed",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Ind:Identifier",
    "Recipient Ind:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Title",
    "Beneficiary Location:Name",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
];

/// Whether the recipient is published as an individual (a sole trader).
pub fn is_individual(award: &AwardView) -> bool {
    award.view.organisation.kind == ProviderKind::PersonalAssistant
}

/// The recipient's name as published: an individual's only with their consent.
pub fn public_recipient_name(award: &AwardView) -> String {
    if is_individual(award) && !award.view.answers().publish_name {
        "Individual recipient".to_owned()
    } else {
        award.view.organisation.name.clone()
    }
}

/// One grant, flattened.
pub struct Grant {
    pub id: String,
    pub title: String,
    pub description: String,
    pub applied_pence: i64,
    pub awarded_pence: i64,
    pub disbursed_pence: i64,
    pub award_date: String,
    pub recipient_id: String,
    pub recipient_name: String,
    pub individual: bool,
    pub programme: String,
    pub locations: Vec<String>,
    pub start: String,
    pub end: Option<String>,
    pub modified: DateTime<Utc>,
}

fn first_line(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    if line.chars().count() <= max {
        line.to_owned()
    } else {
        let cut: String = line.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

pub fn grant_of(funder: &Funder, award: &AwardView) -> Grant {
    let a = &award.view.application;
    let answers = award.view.answers();
    let individual = is_individual(award);
    let award_date = a.decided_at.unwrap_or(a.updated_at);
    let recipient_id = if individual {
        format!("{}-ind-{}", funder.prefix, award.view.organisation.id)
    } else {
        format!("{}-org-{}", funder.prefix, award.view.organisation.id)
    };
    let mut locations: Vec<String> = award
        .view
        .round
        .districts
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if locations.is_empty() {
        locations.push(funder.name.clone());
    }
    Grant {
        id: format!("{}-{}", funder.prefix, a.id),
        title: first_line(
            &format!(
                "{}: {}",
                award.view.round.title,
                first_line(&answers.offer, 80)
            ),
            140,
        ),
        description: format!(
            "{} Who for: {}. Where: {}.",
            answers.offer.trim(),
            answers.who_for.trim(),
            answers.place.trim()
        ),
        applied_pence: a.total_pence,
        awarded_pence: award.awarded(),
        disbursed_pence: award.paid(),
        award_date: award_date.date_naive().to_string(),
        recipient_id,
        recipient_name: public_recipient_name(award),
        individual,
        programme: award.view.round.title.clone(),
        locations,
        start: award_date.date_naive().to_string(),
        end: award
            .milestones
            .iter()
            .map(|m| m.due_on)
            .max()
            .map(|d| d.to_string()),
        modified: a.updated_at,
    }
}

fn amount(pence: i64) -> Value {
    json!(pence as f64 / 100.0)
}

/// The 360Giving JSON package.
pub fn to_json(funder: &Funder, awards: &[AwardView]) -> Value {
    let grants: Vec<Value> = awards
        .iter()
        .map(|award| {
            let g = grant_of(funder, award);
            let mut grant = json!({
                "id": g.id,
                "title": g.title,
                "description": g.description,
                "currency": "GBP",
                "amountAppliedFor": amount(g.applied_pence),
                "amountAwarded": amount(g.awarded_pence),
                "amountDisbursed": amount(g.disbursed_pence),
                "awardDate": g.award_date,
                "fundingOrganization": [{ "id": funder.identifier, "name": funder.name }],
                "grantProgramme": [{ "title": g.programme }],
                "beneficiaryLocation": g.locations.iter().map(|l| json!({ "name": l, "countryCode": "GB" })).collect::<Vec<_>>(),
                "plannedDates": [match &g.end {
                    Some(end) => json!({ "startDate": g.start, "endDate": end }),
                    None => json!({ "startDate": g.start }),
                }],
                "fromOpenCall": "Yes",
                "dateModified": g.modified.to_rfc3339(),
            });
            let recipient = json!([{ "id": g.recipient_id, "name": g.recipient_name }]);
            grant[if g.individual { "recipientIndividual" } else { "recipientOrganization" }] =
                recipient;
            grant
        })
        .collect();
    json!({ "grants": grants })
}

/// The same grants as CSV with the standard's column titles.
pub fn to_csv(funder: &Funder, awards: &[AwardView]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS)?;
    for award in awards {
        let g = grant_of(funder, award);
        let (org_id, org_name, ind_id, ind_name) = if g.individual {
            (
                String::new(),
                String::new(),
                g.recipient_id.clone(),
                g.recipient_name.clone(),
            )
        } else {
            (
                g.recipient_id.clone(),
                g.recipient_name.clone(),
                String::new(),
                String::new(),
            )
        };
        w.write_record([
            g.id,
            spreadsheet_safe(&g.title),
            spreadsheet_safe(&g.description),
            "GBP".to_owned(),
            pounds(g.applied_pence),
            pounds(g.awarded_pence),
            pounds(g.disbursed_pence),
            g.award_date,
            org_id,
            spreadsheet_safe(&org_name),
            ind_id,
            spreadsheet_safe(&ind_name),
            funder.identifier.clone(),
            funder.name.clone(),
            spreadsheet_safe(&g.programme),
            g.locations.join("; "),
            g.start,
            g.end.unwrap_or_default(),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
