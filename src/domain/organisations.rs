//! Provider organisations and their member accounts. The profile and approval workflow build
//! on these tables; here are the basics the demo data and the account page need.

use chrono::Utc;
use entity::{provider_members, provider_organisations};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::audit::{self, Actor, Event};

/// The kinds of provider the council recognises.
pub const ORGANISATION_KINDS: [(&str, &str); 6] = [
    ("registered_care_provider", "Registered care provider"),
    ("micro_enterprise", "Micro-enterprise (8 staff or fewer)"),
    ("social_enterprise", "Social enterprise"),
    ("user_led", "User- or carer-led organisation"),
    ("voluntary_group", "Voluntary or community group"),
    ("personal_assistant", "Personal assistant"),
];

pub fn kind_label(kind: &str) -> &str {
    ORGANISATION_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(kind, |(_, label)| label)
}

pub struct NewOrganisation<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub cqc_location_id: Option<&'a str>,
    pub status: &'a str,
}

/// Creates an organisation with `owner_user_id` as its owner.
pub async fn create(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    org: NewOrganisation<'_>,
    owner_user_id: i64,
) -> Result<i64, DbErr> {
    let now = Utc::now();
    let created = provider_organisations::ActiveModel {
        name: Set(org.name.to_owned()),
        kind: Set(org.kind.to_owned()),
        cqc_location_id: Set(org.cqc_location_id.map(str::to_owned)),
        status: Set(org.status.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    provider_members::Entity::insert(provider_members::ActiveModel {
        organisation_id: Set(created.id),
        user_id: Set(owner_user_id),
        member_role: Set("owner".to_owned()),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    audit::record(
        conn,
        actor,
        Event::new("organisation.created", "provider_organisation", created.id).to(org.status),
    )
    .await?;
    Ok(created.id)
}

/// The organisations an account acts for, with its role in each.
pub async fn of_user(
    conn: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<(provider_organisations::Model, String)>, DbErr> {
    let rows = provider_members::Entity::find()
        .filter(provider_members::Column::UserId.eq(user_id))
        .find_also_related(provider_organisations::Entity)
        .order_by_asc(provider_members::Column::OrganisationId)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(member, org)| org.map(|o| (o, member.member_role)))
        .collect())
}
