//! The counts shown beside menu items ("Enquiries (2)"), one cheap query per role held.

use entity::enquiries::{self, EnquiryStatus};
use entity::{broker_clients, enquiry_messages, provider_members};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use crate::domain::accounts::CurrentUser;
use crate::domain::plans::clients::Holder;
use entity::user_roles::Role;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MenuCounts {
    /// Open enquiries (theirs, or a broker's caseload's) whose last message is the
    /// provider's: a reply waiting to be read and answered.
    pub replies_waiting: u64,
    /// Open enquiries to the provider's organisations nobody there has answered yet.
    pub enquiries_unanswered: u64,
    /// Items in the admins' queues.
    pub admin_queue: u64,
}

impl MenuCounts {
    pub async fn of(conn: &impl ConnectionTrait, user: &CurrentUser) -> Result<Self, DbErr> {
        let mut counts = Self::default();
        if user.has_role(Role::BudgetHolder) || user.has_role(Role::Broker) {
            counts.replies_waiting = replies_waiting(conn, user).await?;
        }
        if user.has_role(Role::Provider) {
            counts.enquiries_unanswered = unanswered_for_member(conn, user).await?;
        }
        if user.has_role(Role::Admin) {
            counts.admin_queue = super::staff::admin_queues(conn, user.council)
                .await?
                .total();
        }
        Ok(counts)
    }
}

/// The enquiries whose newest message is the provider's: a provider message with none
/// after it (correlated, so each enquiry reads only its own messages by their index).
fn last_word_is_providers() -> sea_orm::sea_query::SimpleExpr {
    let (m, n) = (Alias::new("m"), Alias::new("n"));
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from_as(enquiry_messages::Entity, m.clone())
            .and_where(
                Expr::col((m.clone(), enquiry_messages::Column::EnquiryId))
                    .equals((enquiries::Entity, enquiries::Column::Id)),
            )
            .and_where(Expr::col((m.clone(), enquiry_messages::Column::FromProvider)).eq(true))
            .and_where(Expr::not(Expr::exists(
                Query::select()
                    .expr(Expr::val(1))
                    .from_as(enquiry_messages::Entity, n.clone())
                    .and_where(
                        Expr::col((n.clone(), enquiry_messages::Column::EnquiryId))
                            .equals((m.clone(), enquiry_messages::Column::EnquiryId)),
                    )
                    .and_where(
                        Expr::col((n, enquiry_messages::Column::Id))
                            .gt(Expr::col((m, enquiry_messages::Column::Id))),
                    )
                    .to_owned(),
            )))
            .to_owned(),
    )
}

/// Open enquiries with a reply waiting, for a person and, for a broker, their clients.
pub async fn replies_waiting(
    conn: &impl ConnectionTrait,
    user: &CurrentUser,
) -> Result<u64, DbErr> {
    let own = Holder::Person(user.id)
        .condition(enquiries::Column::HolderUserId, enquiries::Column::ClientId);
    let whose = if user.has_role(Role::Broker) {
        sea_orm::Condition::any().add(own).add(
            enquiries::Column::ClientId.in_subquery(
                Query::select()
                    .column(broker_clients::Column::Id)
                    .from(broker_clients::Entity)
                    .and_where(broker_clients::Column::BrokerUserId.eq(user.id))
                    .to_owned(),
            ),
        )
    } else {
        own
    };
    enquiries::Entity::find()
        .filter(enquiries::Column::Status.eq(EnquiryStatus::Open))
        .filter(whose)
        .filter(last_word_is_providers())
        .count(conn)
        .await
}

async fn unanswered_for_member(
    conn: &impl ConnectionTrait,
    user: &CurrentUser,
) -> Result<u64, DbErr> {
    enquiries::Entity::find()
        .filter(enquiries::Column::Status.eq(EnquiryStatus::Open))
        .filter(enquiries::Column::FirstResponseAt.is_null())
        .filter(
            enquiries::Column::OrganisationId.in_subquery(
                Query::select()
                    .column(provider_members::Column::OrganisationId)
                    .from(provider_members::Entity)
                    .and_where(provider_members::Column::UserId.eq(user.id))
                    .to_owned(),
            ),
        )
        .count(conn)
        .await
}

/// Those of these enquiries whose newest message is the provider's.
pub async fn with_reply_waiting(
    conn: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<Vec<i64>, DbErr> {
    enquiries::Entity::find()
        .select_only()
        .column(enquiries::Column::Id)
        .filter(enquiries::Column::Id.is_in(ids))
        .filter(last_word_is_providers())
        .into_tuple()
        .all(conn)
        .await
}
