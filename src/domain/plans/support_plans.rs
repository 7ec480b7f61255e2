//! Support plans: a holder's indicative weekly budget and the services they plan to buy with
//! it, built from their shortlist (or written in), with the totals from [`crate::domain::plans::budget`].
//! A broker keeps a plan for each client; every change records who made it.

use chrono::Utc;
use entity::listings::ListingId;
use entity::support_plans::BudgetSource;
use entity::{support_plan_items, support_plans};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::listings;
use crate::domain::listings::content::{Price, PriceUnit, format_pounds};
use crate::domain::listings::form::parse_pence;
use crate::domain::plans::budget::{self, Line, Totals, parse_quantity};
use crate::domain::plans::clients::{Acting, Holder};
use crate::domain::plans::ras::CurrentTable;
use crate::domain::plans::shortlists;
use crate::domain::validation::{FieldErrors, FormFields, required_text};

/// Lines one plan may hold.
pub const MAX_ITEMS: usize = 40;
const MAX_DESCRIPTION_CHARS: usize = 200;
/// £5,000 a week is far beyond any personal budget; more is a typing slip.
const MAX_WEEKLY_BUDGET_PENCE: i64 = 500_000;

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("plan line not found")]
    NotFound,
    #[error("A plan can hold {MAX_ITEMS} lines. Remove some before adding more.")]
    Full,
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Listing(#[from] listings::ListingError),
}

/// A plan with its lines and totals; `plan` is `None` until something is saved.
pub struct PlanView {
    pub plan: Option<support_plans::Model>,
    pub items: Vec<support_plan_items::Model>,
    pub totals: Totals,
}

impl PlanView {
    pub fn budget_source(&self) -> BudgetSource {
        self.plan
            .as_ref()
            .map_or(BudgetSource::None, |p| p.budget_source)
    }
}

pub fn line_of(item: &support_plan_items::Model) -> Line {
    Line {
        unit_price_pence: item.unit_price_pence,
        quantity_hundredths: item.quantity_hundredths,
        one_off: item.one_off,
    }
}

async fn find(
    conn: &impl ConnectionTrait,
    holder: Holder,
) -> Result<Option<support_plans::Model>, DbErr> {
    support_plans::Entity::find()
        .filter(holder.condition(
            support_plans::Column::HolderUserId,
            support_plans::Column::ClientId,
        ))
        .one(conn)
        .await
}

pub async fn load(db: &DatabaseConnection, holder: Holder) -> Result<PlanView, PlanError> {
    let plan = find(db, holder).await?;
    let items = match &plan {
        Some(p) => {
            support_plan_items::Entity::find()
                .filter(support_plan_items::Column::PlanId.eq(p.id))
                .order_by_asc(support_plan_items::Column::Id)
                .all(db)
                .await?
        }
        None => Vec::new(),
    };
    let lines: Vec<Line> = items.iter().map(line_of).collect();
    let totals = budget::totals(&lines, plan.as_ref().and_then(|p| p.weekly_budget_pence));
    Ok(PlanView {
        plan,
        items,
        totals,
    })
}

/// The holder's plan, made if they have none yet.
async fn ensure(txn: &DatabaseTransaction, acting: &Acting) -> Result<support_plans::Model, DbErr> {
    if let Some(plan) = find(txn, acting.holder).await? {
        return Ok(plan);
    }
    let (holder_user_id, client_id) = acting.holder.columns();
    let now = Utc::now();
    support_plans::ActiveModel {
        holder_user_id: Set(holder_user_id),
        client_id: Set(client_id),
        weekly_budget_pence: Set(None),
        budget_source: Set(BudgetSource::None),
        ras_table_id: Set(None),
        ras_answers: Set(None),
        ras_points: Set(None),
        updated_by_user_id: Set(acting.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
}

fn event(action: Action, plan_id: i64, acting: &Acting) -> Event {
    let e = Event::new(action, "support_plan", plan_id);
    match acting.on_behalf() {
        Some(detail) => e.detail(detail),
        None => e,
    }
}

/// "180", "£180.50" → pence; empty → no budget.
pub fn parse_weekly_budget(raw: &str) -> Result<Option<i64>, FieldErrors> {
    let mut e = FieldErrors::default();
    if raw.trim().is_empty() {
        return Ok(None);
    }
    match parse_pence(raw) {
        Ok(p) if p <= MAX_WEEKLY_BUDGET_PENCE => return Ok(Some(p)),
        Ok(_) => e.add(
            "weekly_budget",
            format!(
                "Enter a weekly budget of {} or less",
                format_pounds(MAX_WEEKLY_BUDGET_PENCE)
            ),
        ),
        Err(_) => e.add(
            "weekly_budget",
            "Enter the weekly budget in pounds, like 180 or 180.50",
        ),
    }
    Err(e)
}

/// Sets (or clears) the budget the holder entered themselves.
pub async fn set_budget(
    db: &DatabaseConnection,
    actor: &Actor,
    acting: &Acting,
    weekly_pence: Option<i64>,
) -> Result<(), PlanError> {
    let txn = db.begin_write().await?;
    if weekly_pence.is_none() && find(&txn, acting.holder).await?.is_none() {
        // Clearing a budget nobody set: nothing to keep.
        return Ok(());
    }
    let plan = ensure(&txn, acting).await?;
    let from = plan
        .weekly_budget_pence
        .map_or("none".to_owned(), |p| p.to_string());
    let id = plan.id;
    let mut active: support_plans::ActiveModel = plan.into();
    active.weekly_budget_pence = Set(weekly_pence);
    active.budget_source = Set(if weekly_pence.is_some() {
        BudgetSource::Entered
    } else {
        BudgetSource::None
    }
    .to_owned());
    active.ras_table_id = Set(None);
    active.ras_answers = Set(None);
    active.ras_points = Set(None);
    active.updated_by_user_id = Set(acting.user_id);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    let to = weekly_pence.map_or("none".to_owned(), |p| p.to_string());
    audit::record(
        &txn,
        actor,
        event(Action::PlanBudgetSet, id, acting).from(from).to(to),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Works the budget out from the self-assessment answers with the table in use. Returns the
/// points scored.
pub async fn set_from_ras(
    db: &DatabaseConnection,
    actor: &Actor,
    acting: &Acting,
    table: &CurrentTable,
    answers: &[usize],
) -> Result<i32, PlanError> {
    let points = table.config.points(answers);
    let weekly = table.config.weekly_pence(points);
    let txn = db.begin_write().await?;
    let plan = ensure(&txn, acting).await?;
    let id = plan.id;
    let mut active: support_plans::ActiveModel = plan.into();
    active.weekly_budget_pence = Set(Some(weekly));
    active.budget_source = Set(BudgetSource::Ras);
    active.ras_table_id = Set(table.id);
    active.ras_answers = Set(Some(serde_json::to_string(answers).unwrap_or_default()));
    active.ras_points = Set(Some(points));
    active.updated_by_user_id = Set(acting.user_id);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        event(Action::PlanBudgetFromRas, id, acting).to(format!("{points} points, {weekly} pence")),
    )
    .await?;
    txn.commit().await?;
    Ok(points)
}

/// The "add a line" form: a shortlisted service, or something written in.
#[derive(Clone, Debug, Default)]
pub struct ItemForm {
    pub listing_id: String,
    pub description: String,
    pub price: String,
    pub unit: String,
    pub quantity: String,
    pub one_off: bool,
}

/// A checked line, before it is saved.
#[derive(Clone, Debug)]
pub struct NewItem {
    pub listing_id: Option<ListingId>,
    pub description: String,
    pub unit: PriceUnit,
    pub unit_price_pence: i64,
    pub quantity_hundredths: i64,
    pub one_off: bool,
}

impl ItemForm {
    pub fn from_fields(f: &FormFields) -> Self {
        Self {
            listing_id: f.one("listing_id"),
            description: f.one("description"),
            price: f.one("price"),
            unit: f.one("unit"),
            // Each of the two add forms has its own quantity box.
            quantity: if f.one("listing_id").trim().is_empty() {
                f.one("other_quantity")
            } else {
                f.one("quantity")
            },
            one_off: f.one("one_off") == "yes",
        }
    }

    /// A shortlisted listing takes its title, price and unit from the listing; otherwise
    /// the description, price and unit are required.
    pub async fn parse(
        &self,
        db: &DatabaseConnection,
        holder: Holder,
    ) -> Result<NewItem, FieldErrors> {
        let mut e = FieldErrors::default();
        let from_shortlist = !self.listing_id.trim().is_empty();
        let quantity_field = if from_shortlist {
            "quantity"
        } else {
            "other_quantity"
        };
        let quantity = e.take(quantity_field, parse_quantity(&self.quantity));
        if from_shortlist {
            let id: Option<ListingId> = self.listing_id.trim().parse().ok();
            let shortlisted = match id {
                Some(id) => shortlists::listing_ids(db, holder)
                    .await
                    .unwrap_or_default()
                    .contains(&id),
                None => false,
            };
            let listing = match (id, shortlisted) {
                (Some(id), true) => listings::public_listing(db, id).await.ok().flatten(),
                _ => None,
            };
            let Some(listing) = listing else {
                e.add("listing_id", "Choose a service from your shortlist");
                return Err(e);
            };
            let (unit_price_pence, unit) = match listing.content.price {
                Price::Free => (0, PriceUnit::Session),
                Price::Charged { pence, unit } => (pence, unit),
                Price::NotGiven => {
                    e.add(
                        "listing_id",
                        "This service gives no price. Ask the provider, then add it as something else with their price",
                    );
                    return Err(e);
                }
            };
            return match quantity {
                Some(quantity_hundredths) => Ok(NewItem {
                    listing_id: Some(listing.listing.id),
                    description: format!("{} – {}", listing.content.title, listing.provider.name)
                        .chars()
                        .take(MAX_DESCRIPTION_CHARS)
                        .collect(),
                    unit,
                    unit_price_pence,
                    quantity_hundredths,
                    one_off: false,
                }),
                None => Err(e),
            };
        }
        let description = required_text(
            &mut e,
            "description",
            &self.description,
            MAX_DESCRIPTION_CHARS,
            "what you are paying for",
        );
        let price = e.take("price", parse_pence(&self.price));
        let unit = PriceUnit::parse(&self.unit);
        if unit.is_none() && !self.one_off {
            e.add("unit", "Choose what the price is for");
        }
        match (description, price, quantity) {
            (Some(description), Some(unit_price_pence), Some(quantity_hundredths))
                if e.is_empty() =>
            {
                Ok(NewItem {
                    listing_id: None,
                    description,
                    unit: unit.unwrap_or(PriceUnit::Item),
                    unit_price_pence,
                    quantity_hundredths,
                    one_off: self.one_off,
                })
            }
            _ => Err(e),
        }
    }
}

pub async fn add_item(
    db: &DatabaseConnection,
    actor: &Actor,
    acting: &Acting,
    item: NewItem,
) -> Result<(), PlanError> {
    let txn = db.begin_write().await?;
    let plan = ensure(&txn, acting).await?;
    let count = support_plan_items::Entity::find()
        .filter(support_plan_items::Column::PlanId.eq(plan.id))
        .all(&txn)
        .await?
        .len();
    if count >= MAX_ITEMS {
        return Err(PlanError::Full);
    }
    let row = support_plan_items::ActiveModel {
        plan_id: Set(plan.id),
        listing_id: Set(item.listing_id),
        description: Set(item.description),
        unit: Set(item.unit.as_str().to_owned()),
        unit_price_pence: Set(item.unit_price_pence),
        quantity_hundredths: Set(item.quantity_hundredths),
        one_off: Set(item.one_off),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        event(Action::PlanItemAdded, plan.id, acting).to(format!("line {}", row.id)),
    )
    .await?;
    touch(&txn, plan, acting).await?;
    txn.commit().await?;
    Ok(())
}

async fn touch(
    txn: &DatabaseTransaction,
    plan: support_plans::Model,
    acting: &Acting,
) -> Result<(), DbErr> {
    let mut active: support_plans::ActiveModel = plan.into();
    active.updated_by_user_id = Set(acting.user_id);
    active.updated_at = Set(Utc::now());
    active.update(txn).await?;
    Ok(())
}

/// Removes a line from the holder's own plan; anyone else's line is "not found".
pub async fn remove_item(
    db: &DatabaseConnection,
    actor: &Actor,
    acting: &Acting,
    item_id: i64,
) -> Result<(), PlanError> {
    let txn = db.begin_write().await?;
    let plan = find(&txn, acting.holder)
        .await?
        .ok_or(PlanError::NotFound)?;
    let deleted = support_plan_items::Entity::delete_many()
        .filter(support_plan_items::Column::Id.eq(item_id))
        .filter(support_plan_items::Column::PlanId.eq(plan.id))
        .exec(&txn)
        .await?
        .rows_affected;
    if deleted == 0 {
        return Err(PlanError::NotFound);
    }
    audit::record(
        &txn,
        actor,
        event(Action::PlanItemRemoved, plan.id, acting).from(format!("line {item_id}")),
    )
    .await?;
    touch(&txn, plan, acting).await?;
    txn.commit().await?;
    Ok(())
}
