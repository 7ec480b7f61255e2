//! What a listing says: the parsed content of one revision (stored as JSON), how each part
//! reads on a page, and the difference between two versions for the council's review.

use serde::{Deserialize, Serialize};

use crate::domain::categories::CLIENT_GROUPS;
use crate::domain::listings::reach::{Reach, people_text, phones_text};

/// Most photos a listing may show.
pub const MAX_PHOTOS: usize = 6;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceUnit {
    Hour,
    Session,
    Day,
    Week,
    Item,
}

impl PriceUnit {
    pub const ALL: [PriceUnit; 5] = [
        PriceUnit::Hour,
        PriceUnit::Session,
        PriceUnit::Day,
        PriceUnit::Week,
        PriceUnit::Item,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hour => "hour",
            Self::Session => "session",
            Self::Day => "day",
            Self::Week => "week",
            Self::Item => "item",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.as_str() == s)
    }

    /// "per hour", "per item" …
    pub fn label(self) -> &'static str {
        match self {
            Self::Hour => "per hour",
            Self::Session => "per session",
            Self::Day => "per day",
            Self::Week => "per week",
            Self::Item => "per item",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Price {
    Free,
    Charged {
        pence: i64,
        unit: PriceUnit,
    },
    /// Nobody has said (an imported directory with no costs): never shown as free.
    NotGiven,
}

impl Price {
    pub fn describe(&self) -> String {
        match self {
            Self::Free => "Free".to_owned(),
            Self::Charged { pence, unit } => format!("{} {}", format_pounds(*pence), unit.label()),
            Self::NotGiven => NOT_GIVEN_PRICE.to_owned(),
        }
    }
}

/// What a listing with no price says.
pub const NOT_GIVEN_PRICE: &str = "Ask the provider for prices";
/// What a listing says when it does not say when, or whether it is taking new clients.
pub const NOT_STATED: &str = "Not stated: ask the provider";

/// £12.50, £12 (whole pounds without pence), £1,250.
pub fn format_pounds(pence: i64) -> String {
    let full = format_pounds_and_pence(pence);
    if pence % 100 == 0 {
        full.trim_end_matches(".00").to_owned()
    } else {
        full
    }
}

/// £12.50, £12.00, £1,250.00: always with pence, so a column of amounts lines up.
pub fn format_pounds_and_pence(pence: i64) -> String {
    let pounds = pence / 100;
    let rest = pence % 100;
    let mut digits = pounds.to_string();
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!(",{tail}{grouped}");
    }
    format!("£{digits}{grouped}.{rest:02}")
}

/// Support in people's homes within a distance of a place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeArea {
    /// A postcode, sector or district (`postcode::parse_place`).
    pub place: String,
    pub radius_miles: u16,
}

/// A place people come to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Venue {
    pub address: String,
    pub postcode: String,
    /// Keys of `VENUE_ACCESSIBILITY`.
    pub accessibility: Vec<String>,
    pub accessibility_notes: Option<String>,
}

/// Features of a venue people ask about, as form values and labels.
pub const VENUE_ACCESSIBILITY: [(&str, &str); 6] = [
    ("step_free", "Step-free access"),
    ("accessible_toilet", "Accessible toilet"),
    ("hearing_loop", "Hearing loop"),
    ("parking", "Disabled parking"),
    ("public_transport", "Near a bus stop or station"),
    ("quiet_space", "Quiet space"),
];

pub const DAYS: [(&str, &str); 7] = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    /// Keys of `DAYS`, in week order.
    pub days: Vec<String>,
    /// "09:00"–"17:00" when there are usual times.
    pub from: Option<String>,
    pub to: Option<String>,
    pub notes: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    pub file: String,
    pub thumbnail: String,
    pub alt: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingContent {
    pub title: String,
    pub summary: String,
    pub description: String,
    pub category_ids: Vec<i64>,
    /// Keys of `categories::CLIENT_GROUPS`.
    pub client_groups: Vec<String>,
    pub at_home: Option<HomeArea>,
    pub venue: Option<Venue>,
    pub online: bool,
    pub price: Price,
    pub price_notes: Option<String>,
    pub availability: Availability,
    /// `None` when nobody has said (an imported directory).
    pub accepting_new_clients: Option<bool>,
    pub languages: Vec<String>,
    pub cultural_competence: Option<String>,
    #[serde(default)]
    pub photos: Vec<Photo>,
    /// The service's own phones, email, website and named contacts (the provider's are on
    /// their profile).
    #[serde(default)]
    pub reach: Reach,
    /// Named areas it serves ("All of Trafford"), beside any home-visit distance.
    #[serde(default)]
    pub areas: Vec<String>,
    /// Memberships and quality marks, as the provider words them.
    #[serde(default)]
    pub accreditations: Option<String>,
    /// The CQC location this service is registered at: each home or office has its own, and
    /// several listings of one home share it.
    #[serde(default)]
    pub cqc_location_id: Option<String>,
    /// The language the provider wrote the listing in (a BCP 47 tag from
    /// [`WRITTEN_LANGUAGES`]), so pages can mark it up and browsers translate it well.
    #[serde(default = "english")]
    pub written_in: String,
}

fn english() -> String {
    "en".to_owned()
}

/// Languages a listing may be written in: (BCP 47 tag, name), the most common in Greater
/// Manchester first after English.
pub const WRITTEN_LANGUAGES: [(&str, &str); 14] = [
    ("en", "English"),
    ("ur", "Urdu"),
    ("pa", "Punjabi"),
    ("pl", "Polish"),
    ("bn", "Bengali"),
    ("ar", "Arabic"),
    ("so", "Somali"),
    ("zh", "Chinese"),
    ("ro", "Romanian"),
    ("gu", "Gujarati"),
    ("cy", "Welsh"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("pt", "Portuguese"),
];

impl ListingContent {
    /// The `lang` attribute for the provider's own words: `None` for English (the page's
    /// language).
    pub fn lang(&self) -> Option<&str> {
        (self.written_in != "en"
            && WRITTEN_LANGUAGES
                .iter()
                .any(|(tag, _)| *tag == self.written_in))
        .then_some(self.written_in.as_str())
    }
}

pub fn label_of<'a>(table: &'a [(&'a str, &'a str)], key: &str) -> Option<&'a str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, l)| *l)
}

pub fn client_group_label(key: &str) -> &str {
    label_of(&CLIENT_GROUPS, key).unwrap_or(key)
}

impl ListingContent {
    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }

    pub fn client_group_labels(&self) -> Vec<&str> {
        self.client_groups
            .iter()
            .map(|k| client_group_label(k))
            .collect()
    }

    /// Where the support happens, one line per way.
    pub fn delivery_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(home) = &self.at_home {
            lines.push(format!(
                "In your home, within {} {} of {}",
                home.radius_miles,
                if home.radius_miles == 1 {
                    "mile"
                } else {
                    "miles"
                },
                home.place
            ));
        }
        if let Some(venue) = &self.venue {
            lines.push(format!("At {}, {}", venue.address, venue.postcode));
        }
        if self.online {
            lines.push("Online or by telephone".to_owned());
        }
        lines
    }

    pub fn accessibility_labels(&self) -> Vec<&str> {
        self.venue
            .iter()
            .flat_map(|v| v.accessibility.iter())
            .filter_map(|k| label_of(&VENUE_ACCESSIBILITY, k))
            .collect()
    }

    /// "Monday to Friday, 09:00 to 17:00" style description of when.
    pub fn availability_line(&self) -> String {
        let a = &self.availability;
        if a.days.is_empty() {
            return NOT_STATED.to_owned();
        }
        let days: Vec<&str> = a.days.iter().filter_map(|d| label_of(&DAYS, d)).collect();
        let mut line = if days.len() == 7 {
            "Every day".to_owned()
        } else if a.days == ["mon", "tue", "wed", "thu", "fri"] {
            "Monday to Friday".to_owned()
        } else {
            days.join(", ")
        };
        if let (Some(from), Some(to)) = (&a.from, &a.to) {
            line.push_str(&format!(", {from} to {to}"));
        }
        line
    }

    /// Whether it leaves out a price, the days or the intake (an import from a directory
    /// that did not say): a provider answers them before sending or confirming it.
    pub fn leaves_unstated(&self) -> bool {
        self.price == Price::NotGiven
            || self.availability.days.is_empty()
            || self.accepting_new_clients.is_none()
            || self.languages.is_empty()
    }

    /// The languages spoken, or that nobody has said.
    pub fn languages_line(&self) -> String {
        if self.languages.is_empty() {
            NOT_STATED.to_owned()
        } else {
            self.languages.join(", ")
        }
    }

    /// "Yes", "No", or that nobody has said.
    pub fn accepting_line(&self) -> &'static str {
        match self.accepting_new_clients {
            Some(true) => "Yes",
            Some(false) => "No",
            None => NOT_STATED,
        }
    }

    /// Each part of the content as a label and plain text, in page order: what the diff
    /// compares. `category_name` turns a category id into its name.
    pub fn described(&self, category_name: &dyn Fn(i64) -> String) -> Vec<(&'static str, String)> {
        let or_none = |o: &Option<String>| o.clone().unwrap_or_else(|| "None given".to_owned());
        vec![
            ("Title", self.title.clone()),
            ("Summary", self.summary.clone()),
            ("Description", self.description.clone()),
            (
                "Categories",
                self.category_ids
                    .iter()
                    .map(|id| category_name(*id))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ("Who it is for", self.client_group_labels().join(", ")),
            ("Where", self.delivery_lines().join("; ")),
            ("Venue accessibility", {
                let mut parts: Vec<String> = self
                    .accessibility_labels()
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
                if let Some(notes) = self
                    .venue
                    .as_ref()
                    .and_then(|v| v.accessibility_notes.clone())
                {
                    parts.push(notes);
                }
                parts.join(", ")
            }),
            ("Price", self.price.describe()),
            ("About the price", or_none(&self.price_notes)),
            ("When", self.availability_line()),
            ("More about when", or_none(&self.availability.notes)),
            ("Taking new clients", self.accepting_line().to_owned()),
            ("Languages spoken", self.languages_line()),
            (
                "Written in",
                label_of(&WRITTEN_LANGUAGES, &self.written_in)
                    .unwrap_or("English")
                    .to_owned(),
            ),
            (
                "Cultural and faith needs",
                or_none(&self.cultural_competence),
            ),
            ("Phone numbers", phones_text(&self.reach.phones)),
            ("Email", or_none(&self.reach.email)),
            ("Website", or_none(&self.reach.website)),
            ("Named contacts", people_text(&self.reach.people)),
            ("Areas covered", self.areas.join("; ")),
            ("Accreditations", or_none(&self.accreditations)),
            ("CQC location ID", or_none(&self.cqc_location_id)),
            (
                "Photos",
                self.photos
                    .iter()
                    .map(|p| p.alt.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        ]
    }
}

/// One part that differs between the live version and the one under review.
#[derive(Debug, PartialEq, Eq)]
pub struct Change {
    pub label: &'static str,
    pub before: String,
    pub after: String,
}

/// What changed from `before` (the live version, if any) to `after`.
pub fn diff(
    before: Option<&ListingContent>,
    after: &ListingContent,
    category_name: &dyn Fn(i64) -> String,
) -> Vec<Change> {
    let after_parts = after.described(category_name);
    let before_parts = before.map(|b| b.described(category_name));
    after_parts
        .into_iter()
        .enumerate()
        .filter_map(|(i, (label, after))| {
            let before = before_parts
                .as_ref()
                .map(|parts| parts[i].1.clone())
                .unwrap_or_default();
            (before != after).then_some(Change {
                label,
                before,
                after,
            })
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn sample() -> ListingContent {
        ListingContent {
            title: "Help at home".into(),
            summary: "We help with shopping and cleaning.".into(),
            description: "A small local team.".into(),
            category_ids: vec![1],
            client_groups: vec!["older_people".into()],
            at_home: Some(HomeArea {
                place: "M33 7".into(),
                radius_miles: 5,
            }),
            venue: None,
            online: false,
            price: Price::Charged {
                pence: 1850,
                unit: PriceUnit::Hour,
            },
            price_notes: None,
            availability: Availability {
                days: vec![
                    "mon".into(),
                    "tue".into(),
                    "wed".into(),
                    "thu".into(),
                    "fri".into(),
                ],
                from: Some("09:00".into()),
                to: Some("17:00".into()),
                notes: None,
            },
            accepting_new_clients: Some(true),
            languages: vec!["English".into(), "Polish".into()],
            cultural_competence: None,
            written_in: english(),
            reach: Reach::default(),
            areas: vec![],
            accreditations: None,
            cqc_location_id: None,
            photos: vec![],
        }
    }

    #[test]
    fn prices_read_as_people_say_them() {
        assert_eq!(format_pounds(1850), "£18.50");
        assert_eq!(format_pounds(2000), "£20");
        assert_eq!(format_pounds(125_000), "£1,250");
        assert_eq!(format_pounds_and_pence(2000), "£20.00");
        assert_eq!(format_pounds_and_pence(96_550), "£965.50");
        assert_eq!(format_pounds_and_pence(123_456_789), "£1,234,567.89");
        assert_eq!(sample().price.describe(), "£18.50 per hour");
        assert_eq!(Price::Free.describe(), "Free");
    }

    #[test]
    fn content_round_trips_through_json_and_describes_itself() {
        let content = sample();
        assert_eq!(
            ListingContent::from_json(&content.to_json()).unwrap(),
            content
        );
        assert_eq!(
            content.availability_line(),
            "Monday to Friday, 09:00 to 17:00"
        );
        assert_eq!(
            content.delivery_lines(),
            vec!["In your home, within 5 miles of M33 7"]
        );
    }

    #[test]
    fn what_nobody_said_is_said_so_and_must_be_answered() {
        let mut content = sample();
        assert!(!content.leaves_unstated());
        content.price = Price::NotGiven;
        content.availability.days.clear();
        content.accepting_new_clients = None;
        assert!(content.leaves_unstated());
        assert_eq!(content.price.describe(), "Ask the provider for prices");
        assert_eq!(content.availability_line(), "Not stated: ask the provider");
        assert_eq!(content.accepting_line(), "Not stated: ask the provider");
        // Stored as before (a plain true), so content saved before still reads.
        let old = sample().to_json();
        assert!(old.contains("\"accepting_new_clients\":true"), "{old}");
        assert_eq!(
            ListingContent::from_json(&old)
                .unwrap()
                .accepting_new_clients,
            Some(true)
        );
    }

    #[test]
    fn the_diff_names_only_what_changed() {
        let before = sample();
        let mut after = sample();
        after.price = Price::Charged {
            pence: 1950,
            unit: PriceUnit::Hour,
        };
        after.accepting_new_clients = Some(false);
        let name = |_| "Home help".to_owned();
        let changes = diff(Some(&before), &after, &name);
        let labels: Vec<_> = changes.iter().map(|c| c.label).collect();
        assert_eq!(labels, vec!["Price", "Taking new clients"]);
        assert_eq!(changes[0].before, "£18.50 per hour");
        assert_eq!(changes[0].after, "£19.50 per hour");
        assert!(
            diff(None, &after, &name).len() > 10,
            "a first version is all new"
        );
    }
}
