//! Demo care homes: two registered providers whose homes have CQC ratings (from a small
//! demo register, imported as a real one would be) and places free, and a third home whose
//! numbers are out of date, so brokers can try a placement request end to end.

use chrono::{Duration, Utc};
use entity::cqc_locations::CqcRating;
use entity::listings::ListingId;
use entity::provider_organisations::OrganisationId;
use entity::vacancies::{PlaceKind, VacancyFunding};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};

use super::marketplace::{Marketplace, Plan};
use crate::domain::audit::Actor;
use crate::domain::cqc::import as cqc_import;
use crate::domain::cqc::register::{Register, RegisteredLocation};
use crate::domain::listings::form::ListingForm;
use crate::domain::vacancies::{self, form::NewVacancy};

/// A demo home: its listing and what the demo register says of it. Names and ids are made
/// up; the postcodes are real Trafford ones.
pub(super) struct DemoHome {
    pub title: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    pub address: &'static str,
    pub postcode: &'static str,
    pub categories: &'static [&'static str],
    pub location_id: &'static str,
    pub beds: i32,
    pub rating: CqcRating,
    pub nursing: bool,
    /// Places free: (kind, how many, funding), and how many days ago the provider said so.
    pub places: &'static [(PlaceKind, i32, VacancyFunding)],
    pub said_days_ago: i64,
}

pub(super) const BROOK_HOUSE: DemoHome = DemoHome {
    title: "Brook House Nursing Home",
    summary: "A 48-bed nursing home by Sale Water Park, with a dementia unit on the ground floor.",
    description: "Registered nurses are on duty day and night. Every room has its own shower room, and the garden is safe to walk in.\n\nFamilies can visit at any time and stay for meals. We take council-funded residents.",
    address: "Rifle Road, Sale",
    postcode: "M33 2LX",
    categories: &["care-homes-nursing", "care-homes-dementia"],
    location_id: "1-9100000001",
    beds: 48,
    rating: CqcRating::Good,
    nursing: true,
    places: &[
        (PlaceKind::Nursing, 2, VacancyFunding::CouncilRate),
        (PlaceKind::Respite, 1, VacancyFunding::CouncilRate),
    ],
    said_days_ago: 2,
};

pub(super) const WILLOW_BANK: DemoHome = DemoHome {
    title: "Willow Bank Care Home",
    summary: "A family-run home in Urmston for 36 people, with nursing and residential care.",
    description: "We are small enough to know everyone well. Meals are cooked on site, and there are activities every afternoon, including a weekly trip out.\n\nSome rooms need a top-up above the council's rate.",
    address: "Church Road, Urmston",
    postcode: "M41 9EJ",
    categories: &["care-homes-nursing", "care-homes-residential"],
    location_id: "1-9100000002",
    beds: 36,
    rating: CqcRating::Outstanding,
    nursing: true,
    places: &[
        (PlaceKind::Nursing, 1, VacancyFunding::TopUp),
        (PlaceKind::Residential, 2, VacancyFunding::CouncilRate),
    ],
    said_days_ago: 1,
};

pub(super) const CEDAR_LODGE: DemoHome = DemoHome {
    title: "Cedar Lodge Residential Home",
    summary: "A residential home in Timperley for 22 older people.",
    description: "A quiet home near the village centre, with a large conservatory and a visiting hairdresser.",
    address: "Park Road, Timperley",
    postcode: "WA15 6QH",
    categories: &["care-homes-residential"],
    location_id: "1-9100000003",
    beds: 22,
    rating: CqcRating::RequiresImprovement,
    nursing: false,
    places: &[(PlaceKind::Residential, 1, VacancyFunding::CouncilRate)],
    // Not updated for a fortnight: shown as possibly out of date.
    said_days_ago: 14,
};

impl Marketplace<'_> {
    /// Publishes a demo home's listing for its organisation.
    pub(super) async fn seed_care_home(
        &mut self,
        organisation_id: OrganisationId,
        home: &DemoHome,
    ) -> anyhow::Result<()> {
        let form = ListingForm {
            title: home.title.to_owned(),
            summary: home.summary.to_owned(),
            description: home.description.to_owned(),
            categories: home
                .categories
                .iter()
                .filter_map(|slug| self.category_id(slug))
                .map(|id| id.to_string())
                .collect(),
            client_groups: vec!["older_people".to_owned()],
            delivery: vec!["venue".to_owned()],
            venue_address: home.address.to_owned(),
            venue_postcode: home.postcode.to_owned(),
            accessibility: vec!["step_free".to_owned()],
            price_type: "charged".to_owned(),
            price_amount: if home.nursing { "980" } else { "780" }.to_owned(),
            price_unit: "week".to_owned(),
            price_notes: "The council's usual rate; some rooms need a top-up".to_owned(),
            days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                .map(str::to_owned)
                .to_vec(),
            accepting: "yes".to_owned(),
            languages: "English".to_owned(),
            written_in: "en".to_owned(),
            cqc_location_id: home.location_id.to_owned(),
            ..ListingForm::default()
        };
        let ids: Vec<i64> = home
            .categories
            .iter()
            .filter_map(|slug| self.category_id(slug))
            .collect();
        let content = form.parse(&ids, Vec::new()).map_err(|e| {
            anyhow::anyhow!(
                "demo home {}: {:?}",
                home.title,
                e.iter().collect::<Vec<_>>()
            )
        })?;
        self.insert(organisation_id, Plan::Live, content).await
    }
}

/// The demo register's row for a home.
fn registered(home: &DemoHome, provider_id: &str, provider_name: &str) -> RegisteredLocation {
    RegisteredLocation {
        location_id: home.location_id.to_owned(),
        name: home.title.to_owned(),
        provider_id: provider_id.to_owned(),
        provider_name: provider_name.to_owned(),
        postcode: home.postcode.to_owned(),
        local_authority: "Trafford".to_owned(),
        location_type: "Social Care Org".to_owned(),
        inspection_category: "Residential social care".to_owned(),
        care_home: true,
        beds: Some(home.beds),
        overall_rating: Some(home.rating),
        published_on: Some(Utc::now().date_naive() - Duration::days(140)),
        registered_on: Some(Utc::now().date_naive() - Duration::days(3000)),
        service_types: if home.nursing {
            vec!["Care home service with nursing".to_owned()]
        } else {
            vec!["Care home service without nursing".to_owned()]
        },
        user_bands: if home.categories.contains(&"care-homes-dementia") {
            vec!["Dementia".to_owned(), "Older People".to_owned()]
        } else {
            vec!["Older People".to_owned()]
        },
        street: Some(home.address.to_owned()),
        ..RegisteredLocation::default()
    }
}

/// Imports the demo register for the homes, then says what places each has.
pub(super) async fn seed_register_and_places(
    db: &DatabaseConnection,
    homes: &[(&DemoHome, &str, &str)],
    listing_of: impl Fn(&str) -> Option<ListingId>,
) -> anyhow::Result<()> {
    let actor = Actor {
        user_id: None,
        request_id: Some("demo-seed".into()),
        council: None,
    };
    let register = Register {
        rows_read: homes.len(),
        locations: homes
            .iter()
            .map(|(home, provider_id, provider)| registered(home, provider_id, provider))
            .collect(),
        problems: Vec::new(),
    };
    cqc_import::run(db, &actor, register, "Demo register", "Trafford").await?;
    let today = Utc::now().date_naive();
    for (home, _, _) in homes {
        let Some(listing_id) = listing_of(home.title) else {
            continue;
        };
        let entries: Vec<NewVacancy> = home
            .places
            .iter()
            .map(|(kind, places, funding)| NewVacancy {
                kind: *kind,
                places: *places,
                available_from: today,
                funding: *funding,
                notes: None,
            })
            .collect();
        let said = Utc::now() - Duration::days(home.said_days_ago);
        vacancies::save(db, &actor, listing_id, &entries, said).await?;
        // Said a while ago: the reminder went then too.
        if home.said_days_ago > vacancies::STALE_AFTER_DAYS {
            for row in vacancies::of_listing(db, listing_id).await? {
                let mut active: entity::vacancies::ActiveModel = row.into();
                active.reminded_at = Set(Some(said + Duration::days(8)));
                entity::vacancies::Entity::update(active).exec(db).await?;
            }
        }
    }
    Ok(())
}
