//! A demo marketplace: some fifty more providers of every kind across Trafford's real postcode
//! sectors (from the centroid tables in `search-index/data`), and a few hundred listings in every state — published, waiting for review, with
//! changes pending, sent back, suspended, overdue for their check — so every page has
//! something to show. Deterministic: the same seed gives the same marketplace.

use entity::listings::ListingId;
use entity::listings::ListingStatus;
use entity::provider_organisations::OrganisationId;
use entity::provider_organisations::{OrganisationStatus, ProviderKind};
use entity::users::UserId;
use std::collections::HashMap;

use chrono::{Duration, NaiveDate, Utc};
use entity::{categories, listing_revisions, listings};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseTransaction, EntityTrait};

use super::listing_templates::{
    ABOUT_US, CULTURAL_NOTES, EXTRA_LANGUAGES, HOW_WE_WORK, PROVIDER_NAMES, TEMPLATES, Template,
    categories_for, town_of,
};
use super::{DemoOrganisation, create_owner, seed_organisation};
use crate::domain::audit::Actor;
use crate::domain::listings::content::{
    Availability, HomeArea, ListingContent, Price, VENUE_ACCESSIBILITY, Venue,
};
use crate::domain::listings::reach::{Phone, Reach};

/// The postcode districts of the demo area (Trafford).
pub(super) const DEMO_DISTRICTS: [&str; 8] =
    ["M16", "M17", "M31", "M32", "M33", "M41", "WA14", "WA15"];

const FIRST_NAMES: &[&str] = &[
    "Alison", "Bilal", "Chloe", "Dev", "Eileen", "Femi", "Hannah", "Joe", "Leila", "Niall", "Rosa",
    "Wei",
];
const LAST_NAMES: &[&str] = &[
    "Ahmed", "Brown", "Clarke", "Davies", "Evans", "Green", "Hall", "Malik", "Nolan", "Patel",
    "Walsh", "Young",
];

/// The real postcode sectors of the demo area.
pub(super) fn sectors() -> Vec<String> {
    search_index::geo::sectors_in(&DEMO_DISTRICTS)
}

/// What state a demo listing is left in.
#[derive(Clone, Copy)]
pub(super) enum Plan {
    Live,
    LiveWithPendingChange,
    Submitted,
    Draft,
    ChangesRequested,
    Suspended,
    Overdue,
    Hidden,
}

fn pick_plan(rng: &mut StdRng) -> Plan {
    match rng.gen_range(0..100) {
        0..=74 => Plan::Live,
        75..=80 => Plan::LiveWithPendingChange,
        81..=86 => Plan::Submitted,
        87..=90 => Plan::Draft,
        91..=93 => Plan::ChangesRequested,
        94..=95 => Plan::Suspended,
        96..=97 => Plan::Overdue,
        _ => Plan::Hidden,
    }
}

pub(super) struct Marketplace<'a> {
    pub txn: &'a DatabaseTransaction,
    pub actor: &'a Actor,
    pub password_hash: &'a str,
    pub admin_id: UserId,
    rng: StdRng,
    sectors: Vec<String>,
    category_ids: HashMap<String, i64>,
    today: NaiveDate,
    pub listings_created: usize,
    /// How many listings of each kind of support have been worded so far.
    worded: HashMap<&'static str, usize>,
}

impl<'a> Marketplace<'a> {
    pub async fn new(
        txn: &'a DatabaseTransaction,
        actor: &'a Actor,
        password_hash: &'a str,
        admin_id: UserId,
    ) -> anyhow::Result<Self> {
        let category_ids = categories::Entity::find()
            .all(txn)
            .await?
            .into_iter()
            .map(|c| (c.slug, c.id))
            .collect();
        Ok(Self {
            txn,
            actor,
            password_hash,
            admin_id,
            rng: StdRng::seed_from_u64(20_261_122),
            sectors: sectors(),
            category_ids,
            today: Utc::now().date_naive(),
            listings_created: 0,
            worded: HashMap::new(),
        })
    }

    /// Adds the other providers, each with listings.
    pub async fn seed_providers(&mut self) -> anyhow::Result<()> {
        let mut n = 0;
        for (kind, names) in PROVIDER_NAMES {
            for (i, name_pattern) in names.iter().enumerate() {
                n += 1;
                let sector = self
                    .sectors
                    .choose(&mut self.rng)
                    .cloned()
                    .unwrap_or_else(|| "M33 7".to_owned());
                let district = sector.split(' ').next().unwrap_or("M33").to_owned();
                let town = town_of(&district);
                let name = name_pattern.replace("{place}", town);
                // The last of each kind is still waiting for the council, or not yet sent.
                let status = match (i + 1 == names.len(), n % 2) {
                    (true, 0) => OrganisationStatus::Submitted,
                    (true, _) => OrganisationStatus::Draft,
                    _ => OrganisationStatus::Approved,
                };
                let owner_name = if *kind == ProviderKind::PersonalAssistant {
                    name.clone()
                } else {
                    format!(
                        "{} {}",
                        FIRST_NAMES[n % FIRST_NAMES.len()],
                        LAST_NAMES[(n * 7) % LAST_NAMES.len()]
                    )
                };
                let owner = create_owner(
                    self.txn,
                    self.actor,
                    &format!("provider{n}@providers.kith.example"),
                    &owner_name,
                    self.password_hash,
                )
                .await?;
                let cqc = format!("1-{:09}", 100_000_000 + n * 7919);
                let description = format!(
                    "{name} offers {} across {town} and nearby.",
                    categories_for(*kind)
                        .iter()
                        .take(2)
                        .map(|s| s.replace('-', " "))
                        .collect::<Vec<_>>()
                        .join(" and ")
                );
                let phone = format!("0161 496 {:04}", 1000 + n);
                let email = format!("hello@provider{n}.example");
                let address = format!("{} High Street, {town}", 10 + n);
                let postcode = format!("{sector}{}", ["AB", "DE", "HJ", "LN", "QT"][n % 5]);
                let org = DemoOrganisation {
                    name: &name,
                    kind: *kind,
                    cqc: (*kind == ProviderKind::RegisteredCareProvider).then_some(cqc.as_str()),
                    status,
                    description: &description,
                    phone: &phone,
                    email: &email,
                    address: Some((&address, &postcode)),
                    areas: &district,
                };
                let id = seed_organisation(self.txn, self.actor, &org, owner).await?;
                let count = if *kind == ProviderKind::PersonalAssistant {
                    self.rng.gen_range(1..=3)
                } else {
                    self.rng.gen_range(4..=10)
                };
                self.seed_listings(
                    id,
                    &name,
                    *kind,
                    status == OrganisationStatus::Approved,
                    &sector,
                    count,
                )
                .await?;
            }
        }
        Ok(())
    }

    /// `count` listings for one organisation in random states. Only approved providers have
    /// published ones.
    async fn seed_listings(
        &mut self,
        organisation_id: OrganisationId,
        provider: &str,
        kind: ProviderKind,
        approved: bool,
        home_sector: &str,
        count: usize,
    ) -> anyhow::Result<()> {
        let plans: Vec<Plan> = (0..count)
            .map(|_| {
                if approved {
                    pick_plan(&mut self.rng)
                } else {
                    Plan::Draft
                }
            })
            .collect();
        self.seed_planned(organisation_id, provider, kind, home_sector, &plans)
            .await
    }

    /// One listing per plan for an organisation, in the kinds of support its type offers.
    pub async fn seed_planned(
        &mut self,
        organisation_id: OrganisationId,
        provider: &str,
        kind: ProviderKind,
        home_sector: &str,
        plans: &[Plan],
    ) -> anyhow::Result<()> {
        let offered = categories_for(kind);
        for (i, plan) in plans.iter().enumerate() {
            let slug = offered[i % offered.len()];
            let Some(template) = TEMPLATES.iter().find(|t| t.category == slug) else {
                continue;
            };
            let sector = if self.rng.gen_bool(0.7) {
                home_sector.to_owned()
            } else {
                self.sectors
                    .choose(&mut self.rng)
                    .cloned()
                    .unwrap_or_else(|| home_sector.to_owned())
            };
            let mut content = self.content(template, &sector, provider);
            if kind == ProviderKind::RegisteredCareProvider {
                // Each registered home or office has its own CQC location; two listings in a
                // row are the same place, as a home offering a stay and a day service is.
                content.cqc_location_id = Some(format!(
                    "1-{:010}",
                    1_000_000_000 + organisation_id.0 * 7_919 + (i as i64 / 2) * 104_729
                ));
            }
            self.insert(organisation_id, *plan, content).await?;
        }
        Ok(())
    }

    fn content(&mut self, t: &Template, sector: &str, provider: &str) -> ListingContent {
        let rng = &mut self.rng;
        let town = town_of(sector.split(' ').next().unwrap_or(""));
        // Worded by the listing's number among its kind (not drawn from the seeded sequence,
        // so the rest of the demo stays as it was): every combination of the ways of putting
        // the offer, what the provider says about itself and how it works comes once before
        // any comes again.
        let n = self.listings_created;
        let seen = self.worded.entry(t.category).or_default();
        let k = *seen;
        *seen += 1;
        let ways = 1 + t.alternatives.len();
        let summary = std::iter::once(t.summary)
            .chain(t.alternatives.iter().copied())
            .nth(k % ways)
            .unwrap_or(t.summary)
            .to_owned();
        let about = ABOUT_US[(k / ways) % ABOUT_US.len()]
            .replace("{provider}", provider)
            .replace("{town}", town)
            .replace("{year}", &(1998 + (n * 7) % 25).to_string());
        let how =
            HOW_WE_WORK[(k / ways / ABOUT_US.len()) % HOW_WE_WORK.len()].replace("{town}", town);
        let description = format!("{}\n\n{about} {how}", t.description);
        let title = t
            .titles
            .choose(rng)
            .unwrap_or(&"Support")
            .replace("{place}", town);
        let mut languages = vec!["English".to_owned()];
        if rng.gen_bool(0.35) {
            languages.push((*EXTRA_LANGUAGES.choose(rng).unwrap_or(&"Polish")).to_owned());
        }
        let days: Vec<String> = if t.venue && !t.at_home {
            let how_many = rng.gen_range(1..=3);
            let mut d: Vec<&str> = ["mon", "tue", "wed", "thu", "fri"]
                .choose_multiple(rng, how_many)
                .copied()
                .collect();
            d.sort_by_key(|day| {
                ["mon", "tue", "wed", "thu", "fri"]
                    .iter()
                    .position(|x| x == day)
            });
            d.into_iter().map(str::to_owned).collect()
        } else if rng.gen_bool(0.5) {
            ["mon", "tue", "wed", "thu", "fri"]
                .map(str::to_owned)
                .to_vec()
        } else {
            ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                .map(str::to_owned)
                .to_vec()
        };
        let (from, to) = if t.venue && !t.at_home {
            ("10:00", "15:30")
        } else {
            [("07:00", "22:00"), ("08:00", "18:00"), ("09:00", "17:00")][rng.gen_range(0..3)]
        };
        let price = match t.price {
            None => Price::Free,
            Some((low, high, unit)) => Price::Charged {
                pence: rng.gen_range(low / 50..=high / 50) * 50,
                unit,
            },
        };
        let venue = t.venue.then(|| Venue {
            address: format!(
                "{town} Community Centre, {} Road",
                ["Church", "Station", "Park", "Moss"][rng.gen_range(0..4)]
            ),
            postcode: format!("{sector}{}", ["AA", "BD", "EF", "GH"][rng.gen_range(0..4)]),
            accessibility: VENUE_ACCESSIBILITY
                .iter()
                .filter(|_| rng.gen_bool(0.6))
                .map(|(k, _)| (*k).to_owned())
                .collect(),
            accessibility_notes: None,
        });
        // Every other listing gives its own number.
        let reach = if n.is_multiple_of(2) {
            Reach {
                phones: vec![Phone {
                    number: format!("0161 496 {:04}", 2000 + n),
                    description: Some("Office, weekdays 9am to 5pm".into()),
                }],
                ..Reach::default()
            }
        } else {
            Reach::default()
        };
        ListingContent {
            reach,
            areas: Vec::new(),
            accreditations: None,
            cqc_location_id: None,
            title,
            summary,
            description,
            category_ids: self
                .category_ids
                .get(t.category)
                .copied()
                .into_iter()
                .collect(),
            client_groups: t.client_groups.iter().map(|g| (*g).to_owned()).collect(),
            at_home: t.at_home.then(|| HomeArea {
                place: sector.to_owned(),
                radius_miles: [2, 3, 5, 8, 10][rng.gen_range(0..5)],
            }),
            venue,
            online: t.online,
            price,
            price_notes: None,
            availability: Availability {
                days,
                from: Some(from.to_owned()),
                to: Some(to.to_owned()),
                notes: None,
            },
            accepting_new_clients: Some(rng.gen_bool(0.8)),
            written_in: "en".to_owned(),
            languages,
            cultural_competence: rng
                .gen_bool(0.25)
                .then(|| (*CULTURAL_NOTES.choose(rng).unwrap_or(&"")).to_owned()),
            photos: Vec::new(),
        }
    }

    pub(super) fn category_id(&self, slug: &str) -> Option<i64> {
        self.category_ids.get(slug).copied()
    }

    pub(super) async fn insert(
        &mut self,
        organisation_id: OrganisationId,
        plan: Plan,
        content: ListingContent,
    ) -> anyhow::Result<()> {
        let now = Utc::now();
        let days_ago = |d: i64| now - Duration::days(d);
        let age = self.rng.gen_range(20..170);
        let listing = listings::ActiveModel {
            organisation_id: Set(organisation_id),
            status: Set(ListingStatus::Draft),
            created_at: Set(days_ago(age + 5)),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(self.txn)
        .await?;
        let (live_status, is_live) = match plan {
            Plan::Draft => (ListingStatus::Draft, false),
            Plan::Submitted => (ListingStatus::Submitted, false),
            Plan::ChangesRequested => (ListingStatus::ChangesRequested, false),
            _ => (ListingStatus::Approved, true),
        };
        let first = self
            .revision(listing.id, 1, &content, live_status, is_live.then_some(age))
            .await?;
        let mut active: listings::ActiveModel = listing.into();
        if is_live {
            let due = match plan {
                Plan::Overdue => self.today - Duration::days(self.rng.gen_range(1..20)),
                Plan::Hidden => self.today - Duration::days(40),
                _ => self.today + Duration::days(self.rng.gen_range(40..182)),
            };
            active.status = Set(ListingStatus::Approved);
            active.live_revision_id = Set(Some(first));
            active.published_at = Set(Some(days_ago(age)));
            active.review_due = Set(Some(due));
            if let Plan::Hidden = plan {
                active.hidden_at = Set(Some(days_ago(5)));
                active.review_reminder_sent_at = Set(Some(days_ago(70)));
            }
            if let Plan::Overdue = plan {
                active.review_reminder_sent_at = Set(Some(days_ago(30)));
            }
            if let Plan::Suspended = plan {
                active.suspended_at = Set(Some(days_ago(6)));
                active.suspended_reason = Set(Some(
                    "The quality check on this service found problems with how medicines are recorded. The council is working with the provider."
                        .to_owned(),
                ));
            }
            if let Plan::LiveWithPendingChange = plan {
                let mut changed = content.clone();
                changed.accepting_new_clients = changed.accepting_new_clients.map(|a| !a);
                if let Price::Charged { pence, unit } = changed.price {
                    changed.price = Price::Charged {
                        pence: pence + 100,
                        unit,
                    };
                }
                let pending = self
                    .revision(
                        active_id(&active),
                        2,
                        &changed,
                        ListingStatus::Submitted,
                        None,
                    )
                    .await?;
                active.working_revision_id = Set(Some(pending));
                active.submitted_at = Set(Some(days_ago(self.rng.gen_range(0..6))));
            }
        } else {
            active.status = Set(live_status);
            active.working_revision_id = Set(Some(first));
            if live_status == ListingStatus::Submitted {
                active.submitted_at = Set(Some(days_ago(self.rng.gen_range(0..9))));
            }
        }
        active.update(self.txn).await?;
        self.listings_created += 1;
        Ok(())
    }

    /// Inserts one revision; `decided_days_ago` marks it approved by the demo admin.
    async fn revision(
        &mut self,
        listing_id: ListingId,
        number: i32,
        content: &ListingContent,
        status: ListingStatus,
        decided_days_ago: Option<i64>,
    ) -> anyhow::Result<i64> {
        let now = Utc::now();
        let submitted = matches!(
            status,
            ListingStatus::Submitted
                | ListingStatus::Approved
                | ListingStatus::ChangesRequested
                | ListingStatus::Rejected
                | ListingStatus::Superseded
        );
        let revision = listing_revisions::ActiveModel {
            listing_id: Set(listing_id),
            number: Set(number),
            status: Set(status),
            title: Set(content.title.clone()),
            content: Set(content.to_json()),
            created_by: Set(None),
            created_at: Set(now - Duration::days(decided_days_ago.unwrap_or(3) + 2)),
            updated_at: Set(now),
            submitted_at: Set(submitted.then(|| {
                now - Duration::days(decided_days_ago.unwrap_or(self.rng.gen_range(0..9)) + 1)
            })),
            decided_at: Set(decided_days_ago.map(|d| now - Duration::days(d))),
            decided_by: Set(decided_days_ago.map(|_| self.admin_id)),
            decision_message: Set((status == ListingStatus::ChangesRequested).then(|| {
                "Please say how far you travel and whether there is a minimum visit length."
                    .to_owned()
            })),
            checklist: Set(String::new()),
            ..Default::default()
        }
        .insert(self.txn)
        .await?;
        Ok(revision.id)
    }
}

fn active_id(active: &listings::ActiveModel) -> ListingId {
    match &active.id {
        sea_orm::ActiveValue::Set(id) | sea_orm::ActiveValue::Unchanged(id) => *id,
        sea_orm::ActiveValue::NotSet => ListingId(0),
    }
}
