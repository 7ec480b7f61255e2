//! Figures from enquiries: how quickly a provider answers (shown in its inbox), and demand by
//! category and postcode sector with outcomes (for the Market Position Statement).

use entity::enquiries::EnquiryOutcome;
use entity::provider_organisations::OrganisationId;
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use entity::{enquiries, enquiry_categories};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// Within this, a first reply counts as prompt.
pub const PROMPT_REPLY_HOURS: i64 = 48;

/// A provider's response times over a period.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResponseFigures {
    pub received: usize,
    pub answered: usize,
    /// Median hours from enquiry to first reply, over those answered.
    pub median_hours: Option<f64>,
    /// Answered within [`PROMPT_REPLY_HOURS`], as a share of all received (0–100).
    pub prompt_percent: Option<u32>,
}

/// The median of the values (the mean of the middle two for an even count).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// Response figures from (sent, first reply) pairs.
pub fn response_figures(pairs: &[(DateTime<Utc>, Option<DateTime<Utc>>)]) -> ResponseFigures {
    let mut hours: Vec<f64> = pairs
        .iter()
        .filter_map(|(sent, reply)| reply.map(|r| (r - *sent).num_minutes() as f64 / 60.0))
        .collect();
    let prompt = hours
        .iter()
        .filter(|h| **h <= PROMPT_REPLY_HOURS as f64)
        .count();
    let received = pairs.len();
    ResponseFigures {
        received,
        answered: hours.len(),
        median_hours: median(&mut hours),
        prompt_percent: (received > 0).then(|| (prompt * 100 / received) as u32),
    }
}

/// How an organisation answered the enquiries it received in the `days` before `now`.
pub async fn for_organisation(
    conn: &impl ConnectionTrait,
    organisation_id: OrganisationId,
    now: DateTime<Utc>,
    days: i64,
) -> Result<ResponseFigures, DbErr> {
    let rows = enquiries::Entity::find()
        .filter(enquiries::Column::OrganisationId.eq(organisation_id))
        .filter(enquiries::Column::CreatedAt.gte(now - Duration::days(days)))
        .all(conn)
        .await?;
    let pairs: Vec<_> = rows
        .iter()
        .map(|e| (e.created_at, e.first_response_at))
        .collect();
    Ok(response_figures(&pairs))
}

/// Enquiries about one category from one postcode sector (or none given), by outcome.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Demand {
    pub enquiries: usize,
    pub open: usize,
    pub arranged: usize,
    pub not_available: usize,
    pub no_response: usize,
    pub declined: usize,
}

/// Enquiries sent in `[from, to)` counted by (category id, postcode sector). An enquiry about
/// a listing in several categories counts once in each.
pub async fn demand_by_category_and_sector(
    conn: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<BTreeMap<(i64, Option<String>), Demand>, DbErr> {
    let rows = enquiries::Entity::find()
        .filter(enquiries::Column::CreatedAt.gte(from))
        .filter(enquiries::Column::CreatedAt.lt(to))
        .all(conn)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|e| e.id).collect();
    let mut categories: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        for link in enquiry_categories::Entity::find()
            .filter(enquiry_categories::Column::EnquiryId.is_in(chunk.to_vec()))
            .all(conn)
            .await?
        {
            categories
                .entry(link.enquiry_id)
                .or_default()
                .push(link.category_id);
        }
    }
    let mut out: BTreeMap<(i64, Option<String>), Demand> = BTreeMap::new();
    for enquiry in rows {
        for category_id in categories.get(&enquiry.id).into_iter().flatten() {
            let d = out
                .entry((*category_id, enquiry.postcode_sector.clone()))
                .or_default();
            d.enquiries += 1;
            match enquiry.outcome {
                None => d.open += 1,
                Some(EnquiryOutcome::Arranged) => d.arranged += 1,
                Some(EnquiryOutcome::NotAvailable) => d.not_available += 1,
                Some(EnquiryOutcome::NoResponse) => d.no_response += 1,
                Some(EnquiryOutcome::Declined) => d.declined += 1,
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + hours * 3600, 0).unwrap()
    }

    #[test]
    fn response_figures_by_hand() {
        // Four enquiries: replies after 2 h, 10 h and 72 h; one unanswered.
        let pairs = [
            (at(0), Some(at(2))),
            (at(0), Some(at(10))),
            (at(0), Some(at(72))),
            (at(0), None),
        ];
        let f = response_figures(&pairs);
        assert_eq!(f.received, 4);
        assert_eq!(f.answered, 3);
        assert_eq!(f.median_hours, Some(10.0));
        // 2 of 4 within 48 hours.
        assert_eq!(f.prompt_percent, Some(50));
        assert_eq!(response_figures(&[]), ResponseFigures::default());
    }

    #[test]
    fn median_of_an_even_count_is_the_middle_mean() {
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }
}
