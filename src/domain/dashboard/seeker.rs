//! The home page of people looking for support: a budget holder's own, and a broker's
//! caseload with each client's next step.

use std::collections::BTreeMap;

use entity::enquiries::EnquiryStatus;
use entity::users::UserId;
use sea_orm::DatabaseConnection;

use super::{DashboardError, EnquiryLine};
use crate::domain::enquiries::{self, EnquiryView};
use crate::domain::plans::budget::Totals;
use crate::domain::plans::clients::{self, Holder};
use crate::domain::plans::{shortlists, support_plans};

/// An open enquiry and whether the provider's reply is waiting.
pub struct OpenEnquiry {
    pub line: EnquiryLine,
    pub reply_waiting: bool,
}

/// The open ones of these enquiries, replies waiting first.
async fn open_lines(
    db: &DatabaseConnection,
    views: Vec<EnquiryView>,
) -> Result<Vec<OpenEnquiry>, DashboardError> {
    let open_ids: Vec<i64> = views
        .iter()
        .filter(|v| v.enquiry.status == EnquiryStatus::Open)
        .map(|v| v.enquiry.id)
        .collect();
    let waiting = super::menu::with_reply_waiting(db, open_ids).await?;
    let mut open: Vec<OpenEnquiry> = views
        .into_iter()
        .filter(|v| v.enquiry.status == EnquiryStatus::Open)
        .map(|v| OpenEnquiry {
            reply_waiting: waiting.contains(&v.enquiry.id),
            line: EnquiryLine {
                id: v.enquiry.id,
                listing_title: v.listing_title,
                with: v.organisation_name,
                last_message_at: v.enquiry.last_message_at,
                days_left: None,
            },
        })
        .collect();
    open.sort_by_key(|e| (!e.reply_waiting, std::cmp::Reverse(e.line.last_message_at)));
    Ok(open)
}

pub struct HolderHome {
    pub shortlist: usize,
    pub enquiries: Vec<OpenEnquiry>,
    pub plan: Totals,
    pub plan_items: usize,
}

impl HolderHome {
    pub fn replies_waiting(&self) -> usize {
        self.enquiries.iter().filter(|e| e.reply_waiting).count()
    }
}

pub async fn holder(
    db: &DatabaseConnection,
    user_id: UserId,
) -> Result<HolderHome, DashboardError> {
    let holder = Holder::Person(user_id);
    let plan = support_plans::load(db, holder).await?;
    Ok(HolderHome {
        shortlist: shortlists::listing_ids(db, holder).await?.len(),
        enquiries: open_lines(db, enquiries::of_holder(db, holder).await?).await?,
        plan: plan.totals,
        plan_items: plan.items.len(),
    })
}

/// One client on a broker's caseload and what to do next for them.
pub struct ClientLine {
    pub id: i64,
    pub name: String,
    pub open_enquiries: usize,
    pub replies_waiting: usize,
    pub next_step: NextStep,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextStep {
    /// A provider replied: read it and answer.
    ReadReplies,
    /// Nothing asked yet: find services and send enquiries.
    FindSupport,
    /// Enquiries are out; the providers have the next word.
    WaitForProviders,
}

pub async fn caseload(
    db: &DatabaseConnection,
    broker: UserId,
) -> Result<Vec<ClientLine>, DashboardError> {
    let clients = clients::caseload(db, broker).await?;
    let mut by_client: BTreeMap<i64, Vec<OpenEnquiry>> = BTreeMap::new();
    let caseload = enquiries::of_caseload(db, broker).await?;
    let client_of: BTreeMap<i64, i64> = caseload
        .iter()
        .filter_map(|v| v.enquiry.client_id.map(|c| (v.enquiry.id, c)))
        .collect();
    for line in open_lines(db, caseload).await? {
        if let Some(client_id) = client_of.get(&line.line.id) {
            by_client.entry(*client_id).or_default().push(line);
        }
    }
    let mut lines: Vec<ClientLine> = clients
        .into_iter()
        .filter(|c| c.closed_at.is_none() && c.erased_at.is_none())
        .map(|c| {
            let open = by_client.remove(&c.id).unwrap_or_default();
            let waiting = open.iter().filter(|e| e.reply_waiting).count();
            let next_step = if waiting > 0 {
                NextStep::ReadReplies
            } else if open.is_empty() {
                NextStep::FindSupport
            } else {
                NextStep::WaitForProviders
            };
            ClientLine {
                id: c.id,
                name: c.name,
                open_enquiries: open.len(),
                replies_waiting: waiting,
                next_step,
            }
        })
        .collect();
    lines.sort_by_key(|l| {
        (
            l.next_step != NextStep::ReadReplies,
            l.next_step != NextStep::FindSupport,
        )
    });
    Ok(lines)
}
