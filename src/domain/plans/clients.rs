//! A support broker's caseload: clients who may have no account or email. A broker acts for
//! a client (search, shortlist, enquire, plan) and every such action records both. A client's
//! record is seen only by the broker holding the case (and admins); a case can be handed to
//! another broker.

use chrono::Utc;
use entity::councils::CouncilId;
use entity::users::UserId;
use entity::{broker_clients, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};

use crate::db::BeginWrite;
use crate::domain::accounts;
use crate::domain::accounts::email_address::EmailAddress;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::postcode::sector_field;
use crate::domain::validation::{FieldErrors, FormFields, optional_text, required_text};
use entity::user_roles::Role;

const MAX_NAME_CHARS: usize = 120;
const MAX_NEEDS_CHARS: usize = 2000;
const MAX_CONTACT_CHARS: usize = 500;

/// How a client likes to be contacted, with the words people see.
pub const CONTACT_PREFERENCES: [(&str, &str); 5] = [
    ("phone", "By phone"),
    ("email", "By email"),
    ("post", "By post"),
    ("in_person", "In person"),
    ("via_broker", "Only through me, the broker"),
];

pub fn contact_preference_label(key: &str) -> &'static str {
    CONTACT_PREFERENCES
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("Not given", |(_, label)| label)
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("client not found")]
    NotFound,
    #[error("This case is closed")]
    Closed,
    #[error("This client's data has been erased: the record cannot be used again")]
    Erased,
    #[error("There is no support broker with that email address")]
    NoSuchBroker,
    #[error("This client is already on that broker's caseload")]
    SameBroker,
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

/// Whose shortlist, enquiries and plan: an account holder's own, or a broker's client's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    Person(UserId),
    Client(i64),
}

impl Holder {
    /// The council whose rules apply to what is done for the holder: a client's case's, or
    /// for a person, the council whose pages they act through (where their seeker's role
    /// is), else their account's. `None` when the holder is gone, or the actor may not
    /// reach the case's council.
    pub async fn council(
        self,
        conn: &impl ConnectionTrait,
        actor: &crate::domain::audit::Actor,
    ) -> Result<Option<CouncilId>, sea_orm::DbErr> {
        Ok(match self {
            Holder::Person(user_id) => match actor.council {
                Some(council) => Some(council),
                None => users::Entity::find_by_id(user_id)
                    .one(conn)
                    .await?
                    .map(|u| u.council_id),
            },
            Holder::Client(client_id) => council_of(conn, client_id)
                .await?
                .filter(|c| actor.may_reach(*c)),
        })
    }

    /// The (holder_user_id, client_id) columns for rows kept for this holder.
    pub fn columns(self) -> (Option<UserId>, Option<i64>) {
        match self {
            Holder::Person(user_id) => (Some(user_id), None),
            Holder::Client(client_id) => (None, Some(client_id)),
        }
    }

    /// Rows kept for this holder, given the two columns that say whose they are.
    pub fn condition(
        self,
        user_column: impl ColumnTrait,
        client_column: impl ColumnTrait,
    ) -> sea_orm::Condition {
        match self {
            Holder::Person(user_id) => sea_orm::Condition::all()
                .add(user_column.eq(user_id))
                .add(client_column.is_null()),
            Holder::Client(client_id) => sea_orm::Condition::all().add(client_column.eq(client_id)),
        }
    }
}

/// Who is acting and for whom.
#[derive(Clone, Debug)]
pub struct Acting {
    pub user_id: UserId,
    pub holder: Holder,
    /// The client, when a broker acts for one.
    pub client: Option<broker_clients::Model>,
}

impl Acting {
    pub fn for_self(user_id: UserId) -> Self {
        Self {
            user_id,
            holder: Holder::Person(user_id),
            client: None,
        }
    }

    /// The client acted for, as pages name it: (id, name).
    pub fn client_id_name(&self) -> Option<(i64, &str)> {
        self.client.as_ref().map(|c| (c.id, c.name.as_str()))
    }

    /// The audit detail naming the client acted for, if any.
    pub fn on_behalf(&self) -> Option<String> {
        self.client
            .as_ref()
            .map(|c| format!("on behalf of client {}", c.id))
    }
}

/// A broker acting for one of their open cases.
pub async fn act_for(
    conn: &impl ConnectionTrait,
    broker_user_id: UserId,
    client_id: i64,
) -> Result<Acting, ClientError> {
    let client = of_broker(conn, broker_user_id, client_id).await?;
    if client.erased_at.is_some() {
        return Err(ClientError::Erased);
    }
    if client.closed_at.is_some() {
        return Err(ClientError::Closed);
    }
    Ok(Acting {
        user_id: broker_user_id,
        holder: Holder::Client(client.id),
        client: Some(client),
    })
}

/// The details a broker records about a client.
#[derive(Clone, Debug, Default)]
pub struct ClientForm {
    pub name: String,
    pub postcode_sector: String,
    pub needs: String,
    pub contact_preference: String,
    pub contact_details: String,
}

#[derive(Clone, Debug)]
pub struct ClientDetails {
    pub name: String,
    pub postcode_sector: Option<String>,
    pub needs: String,
    pub contact_preference: String,
    pub contact_details: String,
}

impl ClientForm {
    pub fn from_fields(f: &FormFields) -> Self {
        Self {
            name: f.one("name"),
            postcode_sector: f.one("postcode_sector"),
            needs: f.one("needs"),
            contact_preference: f.one("contact_preference"),
            contact_details: f.one("contact_details"),
        }
    }

    pub fn of(client: &broker_clients::Model) -> Self {
        Self {
            name: client.name.clone(),
            postcode_sector: client.postcode_sector.clone().unwrap_or_default(),
            needs: client.needs.clone(),
            contact_preference: client.contact_preference.clone(),
            contact_details: client.contact_details.clone(),
        }
    }

    pub fn parse(&self) -> Result<ClientDetails, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = required_text(
            &mut e,
            "name",
            &self.name,
            MAX_NAME_CHARS,
            "the client's name or your reference for them",
        );
        let postcode_sector = if self.postcode_sector.trim().is_empty() {
            None
        } else {
            e.take("postcode_sector", sector_field(&self.postcode_sector))
        };
        let needs = optional_text(&mut e, "needs", &self.needs, MAX_NEEDS_CHARS, "Needs");
        if !CONTACT_PREFERENCES
            .iter()
            .any(|(k, _)| *k == self.contact_preference)
        {
            e.add(
                "contact_preference",
                "Select how the client likes to be contacted",
            );
        }
        let contact_details = optional_text(
            &mut e,
            "contact_details",
            &self.contact_details,
            MAX_CONTACT_CHARS,
            "Contact details",
        );
        match name {
            Some(name) if e.is_empty() => Ok(ClientDetails {
                name,
                postcode_sector,
                needs: needs.unwrap_or_default(),
                contact_preference: self.contact_preference.clone(),
                contact_details: contact_details.unwrap_or_default(),
            }),
            _ => Err(e),
        }
    }
}

/// The broker's clients, open cases first, then by name.
pub async fn caseload(
    db: &DatabaseConnection,
    broker_user_id: UserId,
) -> Result<Vec<broker_clients::Model>, ClientError> {
    let mut clients = broker_clients::Entity::find()
        .filter(broker_clients::Column::BrokerUserId.eq(broker_user_id))
        .order_by_asc(broker_clients::Column::Name)
        .all(db)
        .await?;
    clients.sort_by_key(|c| c.closed_at.is_some());
    Ok(clients)
}

/// The council whose case the client is, if the client exists.
pub async fn council_of(
    conn: &impl ConnectionTrait,
    client_id: i64,
) -> Result<Option<CouncilId>, sea_orm::DbErr> {
    Ok(broker_clients::Entity::find_by_id(client_id)
        .one(conn)
        .await?
        .map(|c| c.council_id))
}

/// Every client of `council`, with their broker's name and email: for its admins only.
pub async fn all_with_brokers(
    db: &DatabaseConnection,
    council: CouncilId,
) -> Result<Vec<(broker_clients::Model, Option<users::Model>)>, ClientError> {
    let clients = broker_clients::Entity::find()
        .filter(broker_clients::Column::CouncilId.eq(council))
        .order_by_asc(broker_clients::Column::Name)
        .all(db)
        .await?;
    let broker_ids: Vec<UserId> = clients.iter().map(|c| c.broker_user_id).collect();
    let brokers: std::collections::HashMap<UserId, users::Model> = users::Entity::find()
        .filter(users::Column::Id.is_in(broker_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    Ok(clients
        .into_iter()
        .map(|c| {
            let broker = brokers.get(&c.broker_user_id).cloned();
            (c, broker)
        })
        .collect())
}

/// The name of one of the broker's open clients, for the banner while acting for them.
pub async fn open_name(
    conn: &impl ConnectionTrait,
    broker_user_id: UserId,
    client_id: i64,
) -> Result<Option<String>, sea_orm::DbErr> {
    Ok(broker_clients::Entity::find_by_id(client_id)
        .filter(broker_clients::Column::BrokerUserId.eq(broker_user_id))
        .filter(broker_clients::Column::ClosedAt.is_null())
        .one(conn)
        .await?
        .map(|c| c.name))
}

/// One of this broker's clients; anyone else's is "not found".
pub async fn of_broker(
    conn: &impl ConnectionTrait,
    broker_user_id: UserId,
    client_id: i64,
) -> Result<broker_clients::Model, ClientError> {
    broker_clients::Entity::find_by_id(client_id)
        .filter(broker_clients::Column::BrokerUserId.eq(broker_user_id))
        .one(conn)
        .await?
        .ok_or(ClientError::NotFound)
}

pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    council: CouncilId,
    broker_user_id: UserId,
    details: ClientDetails,
) -> Result<i64, ClientError> {
    let txn = db.begin_write().await?;
    let now = Utc::now();
    let client = broker_clients::ActiveModel {
        council_id: Set(council),
        broker_user_id: Set(broker_user_id),
        name: Set(details.name),
        postcode_sector: Set(details.postcode_sector),
        needs: Set(details.needs),
        contact_preference: Set(details.contact_preference),
        contact_details: Set(details.contact_details),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::ClientCreated, "client", client.id).to("open"),
    )
    .await?;
    txn.commit().await?;
    Ok(client.id)
}

pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    broker_user_id: UserId,
    client_id: i64,
    details: ClientDetails,
) -> Result<(), ClientError> {
    let txn = db.begin_write().await?;
    let client = of_broker(&txn, broker_user_id, client_id).await?;
    if client.erased_at.is_some() {
        return Err(ClientError::Erased);
    }
    let mut active: broker_clients::ActiveModel = client.into();
    active.name = Set(details.name);
    active.postcode_sector = Set(details.postcode_sector);
    active.needs = Set(details.needs);
    active.contact_preference = Set(details.contact_preference);
    active.contact_details = Set(details.contact_details);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::ClientUpdated, "client", client_id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Closes (or reopens) a case; closed cases stay on the caseload for reference.
pub async fn set_closed(
    db: &DatabaseConnection,
    actor: &Actor,
    broker_user_id: UserId,
    client_id: i64,
    closed: bool,
) -> Result<(), ClientError> {
    let txn = db.begin_write().await?;
    let client = of_broker(&txn, broker_user_id, client_id).await?;
    if client.erased_at.is_some() {
        return Err(ClientError::Erased);
    }
    let was = if client.closed_at.is_some() {
        "closed"
    } else {
        "open"
    };
    let mut active: broker_clients::ActiveModel = client.into();
    active.closed_at = Set(closed.then(Utc::now));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    let (action, to) = if closed {
        (Action::ClientClosed, "closed")
    } else {
        (Action::ClientReopened, "open")
    };
    audit::record(
        &txn,
        actor,
        Event::new(action, "client", client_id).from(was).to(to),
    )
    .await?;
    if closed {
        // Nobody is left to confirm a place: the homes see their requests closed.
        crate::domain::placements::close_for_client(&txn, actor, client_id).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Hands a case to another broker, found by email. `from_broker` is `None` when an admin
/// hands over a case (e.g. when a broker leaves).
/// Hands a case of `council` to another of its brokers: by the broker holding it, or by
/// one of the council's admins (`from_broker` none).
pub async fn hand_over(
    db: &DatabaseConnection,
    actor: &Actor,
    council: CouncilId,
    from_broker: Option<UserId>,
    client_id: i64,
    to_email: &str,
) -> Result<UserId, ClientError> {
    let txn = db.begin_write().await?;
    let client = match from_broker {
        Some(broker) => of_broker(&txn, broker, client_id).await?,
        None => broker_clients::Entity::find_by_id(client_id)
            .one(&txn)
            .await?
            .ok_or(ClientError::NotFound)?,
    };
    if client.council_id != council {
        return Err(ClientError::NotFound);
    }
    if client.erased_at.is_some() {
        return Err(ClientError::Erased);
    }
    let email = EmailAddress::parse(to_email).map_err(|_| ClientError::NoSuchBroker)?;
    let to = accounts::find_by_email(&txn, &email)
        .await?
        .filter(|u| u.disabled_at.is_none())
        .ok_or(ClientError::NoSuchBroker)?;
    // Only to a broker of the case's council.
    if !accounts::roles_in(&txn, to.id, council)
        .await?
        .contains(&Role::Broker)
    {
        return Err(ClientError::NoSuchBroker);
    }
    if to.id == client.broker_user_id {
        return Err(ClientError::SameBroker);
    }
    let from = client.broker_user_id;
    let mut active: broker_clients::ActiveModel = client.into();
    active.broker_user_id = Set(to.id);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::ClientHandedOver, "client", client_id)
            .from(format!("broker {from}"))
            .to(format!("broker {}", to.id)),
    )
    .await?;
    txn.commit().await?;
    Ok(to.id)
}
