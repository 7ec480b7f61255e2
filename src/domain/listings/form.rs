//! The listing form as a provider fills it in, and its parsing into `ListingContent` with a
//! message for each field that will not do.

use crate::domain::categories::CLIENT_GROUPS;
use crate::domain::listings::content::{
    Availability, DAYS, HomeArea, ListingContent, Photo, Price, PriceUnit, VENUE_ACCESSIBILITY,
    Venue, WRITTEN_LANGUAGES,
};
use crate::domain::listings::reach::{self, Reach, people_text, phones_text};
use crate::domain::postcode::{Postcode, parse_place};
use crate::domain::providers::profile::parse_cqc_location_id;
use crate::domain::validation::{self, FieldErrors, FormFields, required_text};

pub const MAX_TITLE_CHARS: usize = 80;
pub const MAX_SUMMARY_CHARS: usize = 300;
pub const MAX_DESCRIPTION_CHARS: usize = 5000;
pub const MAX_NOTE_CHARS: usize = 500;
pub const MAX_RADIUS_MILES: u16 = 50;
const MAX_PRICE_PENCE: i64 = 1_000_000;
const MAX_LANGUAGES: usize = 12;

/// Every field as text (or the ticked values), as sent and as shown again with errors.
#[derive(Debug, Default, Clone)]
pub struct ListingForm {
    pub title: String,
    pub summary: String,
    pub description: String,
    pub categories: Vec<String>,
    pub client_groups: Vec<String>,
    /// "home", "venue", "online".
    pub delivery: Vec<String>,
    pub home_place: String,
    pub home_radius: String,
    pub venue_address: String,
    pub venue_postcode: String,
    pub accessibility: Vec<String>,
    pub accessibility_notes: String,
    /// "free" or "charged".
    pub price_type: String,
    pub price_amount: String,
    pub price_unit: String,
    pub price_notes: String,
    pub days: Vec<String>,
    pub time_from: String,
    pub time_to: String,
    pub availability_notes: String,
    /// "yes" or "no".
    pub accepting: String,
    pub languages: String,
    pub cultural_competence: String,
    pub written_in: String,
    /// One phone number per line, each with a description after " – " if wanted.
    pub phones: String,
    pub service_email: String,
    pub service_website: String,
    /// One named contact per line: "name – job title – phone".
    pub people: String,
    /// One named area per line.
    pub areas: String,
    pub accreditations: String,
    pub cqc_location_id: String,
    /// Imports: a directory that gives no price, no days or no intake status leaves them
    /// not given, where the form asks a provider for each.
    pub allow_unstated: bool,
}

impl ListingForm {
    pub fn from_fields(f: &FormFields) -> Self {
        Self {
            title: f.one("title"),
            summary: f.one("summary"),
            description: f.one("description"),
            categories: f.all("categories"),
            client_groups: f.all("client_groups"),
            delivery: f.all("delivery"),
            home_place: f.one("home_place"),
            home_radius: f.one("home_radius"),
            venue_address: f.one("venue_address"),
            venue_postcode: f.one("venue_postcode"),
            accessibility: f.all("accessibility"),
            accessibility_notes: f.one("accessibility_notes"),
            price_type: f.one("price_type"),
            price_amount: f.one("price_amount"),
            price_unit: f.one("price_unit"),
            price_notes: f.one("price_notes"),
            days: f.all("days"),
            time_from: f.one("time_from"),
            time_to: f.one("time_to"),
            availability_notes: f.one("availability_notes"),
            accepting: f.one("accepting"),
            languages: f.one("languages"),
            cultural_competence: f.one("cultural_competence"),
            written_in: f.one("written_in"),
            phones: f.one("phones"),
            service_email: f.one("service_email"),
            service_website: f.one("service_website"),
            people: f.one("people"),
            areas: f.one("areas"),
            accreditations: f.one("accreditations"),
            cqc_location_id: f.one("cqc_location_id"),
            allow_unstated: false,
        }
    }

    /// A new listing's form: English spoken and taking new clients, as most are.
    pub fn new_listing() -> Self {
        Self {
            languages: "English".into(),
            written_in: "en".into(),
            accepting: "yes".into(),
            ..Self::default()
        }
    }

    /// The form showing stored content, for editing.
    pub fn of(c: &ListingContent) -> Self {
        let mut delivery = Vec::new();
        if c.at_home.is_some() {
            delivery.push("home".to_owned());
        }
        if c.venue.is_some() {
            delivery.push("venue".to_owned());
        }
        if c.online {
            delivery.push("online".to_owned());
        }
        let (price_type, price_amount, price_unit) = match &c.price {
            Price::Free => ("free", String::new(), String::new()),
            Price::NotGiven => ("", String::new(), String::new()),
            Price::Charged { pence, unit } => (
                "charged",
                format!("{}.{:02}", pence / 100, pence % 100),
                unit.as_str().to_owned(),
            ),
        };
        Self {
            title: c.title.clone(),
            summary: c.summary.clone(),
            description: c.description.clone(),
            categories: c.category_ids.iter().map(i64::to_string).collect(),
            client_groups: c.client_groups.clone(),
            delivery,
            home_place: c
                .at_home
                .as_ref()
                .map(|h| h.place.clone())
                .unwrap_or_default(),
            home_radius: c
                .at_home
                .as_ref()
                .map(|h| h.radius_miles.to_string())
                .unwrap_or_default(),
            venue_address: c
                .venue
                .as_ref()
                .map(|v| v.address.clone())
                .unwrap_or_default(),
            venue_postcode: c
                .venue
                .as_ref()
                .map(|v| v.postcode.clone())
                .unwrap_or_default(),
            accessibility: c
                .venue
                .as_ref()
                .map(|v| v.accessibility.clone())
                .unwrap_or_default(),
            accessibility_notes: c
                .venue
                .as_ref()
                .and_then(|v| v.accessibility_notes.clone())
                .unwrap_or_default(),
            price_type: price_type.to_owned(),
            price_amount,
            price_unit,
            price_notes: c.price_notes.clone().unwrap_or_default(),
            days: c.availability.days.clone(),
            time_from: c.availability.from.clone().unwrap_or_default(),
            time_to: c.availability.to.clone().unwrap_or_default(),
            availability_notes: c.availability.notes.clone().unwrap_or_default(),
            accepting: match c.accepting_new_clients {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            }
            .to_owned(),
            languages: c.languages.join(", "),
            cultural_competence: c.cultural_competence.clone().unwrap_or_default(),
            written_in: c.written_in.clone(),
            phones: phones_text(&c.reach.phones),
            service_email: c.reach.email.clone().unwrap_or_default(),
            service_website: c.reach.website.clone().unwrap_or_default(),
            people: people_text(&c.reach.people),
            areas: c.areas.join("\n"),
            accreditations: c.accreditations.clone().unwrap_or_default(),
            cqc_location_id: c.cqc_location_id.clone().unwrap_or_default(),
            allow_unstated: false,
        }
    }

    /// Parses the form. `category_ids` are the categories that may be chosen; `photos` are
    /// carried over from the version being edited.
    pub fn parse(
        &self,
        category_ids: &[i64],
        photos: Vec<Photo>,
    ) -> Result<ListingContent, FieldErrors> {
        let mut e = FieldErrors::default();
        let title = required_text(&mut e, "title", &self.title, MAX_TITLE_CHARS, "a title");
        let summary = required_text(
            &mut e,
            "summary",
            &self.summary,
            MAX_SUMMARY_CHARS,
            "a summary",
        );
        let description = required_text(
            &mut e,
            "description",
            &self.description,
            MAX_DESCRIPTION_CHARS,
            "a description",
        );
        let categories: Vec<i64> = self
            .categories
            .iter()
            .filter_map(|c| c.parse().ok())
            .filter(|id| category_ids.contains(id))
            .collect();
        if categories.is_empty() || categories.len() != self.categories.len() {
            e.add("categories", "Select at least one type of support");
        }
        let client_groups = known_keys(&self.client_groups, &CLIENT_GROUPS);
        if client_groups.is_empty() || client_groups.len() != self.client_groups.len() {
            e.add("client_groups", "Select who the support is for");
        }
        let at_home = self.delivery.iter().any(|d| d == "home").then(|| {
            let place = e.take("home_place", parse_place(&self.home_place));
            let radius = self
                .home_radius
                .trim()
                .parse::<u16>()
                .ok()
                .filter(|r| (1..=MAX_RADIUS_MILES).contains(r));
            if radius.is_none() {
                e.add(
                    "home_radius",
                    format!("Enter how far you travel, a whole number of miles from 1 to {MAX_RADIUS_MILES}"),
                );
            }
            place.zip(radius).map(|(place, radius_miles)| HomeArea {
                place,
                radius_miles,
            })
        });
        let venue = self.delivery.iter().any(|d| d == "venue").then(|| {
            let address = required_text(
                &mut e,
                "venue_address",
                &self.venue_address,
                300,
                "the venue's address",
            );
            let postcode = e
                .take("venue_postcode", Postcode::parse(&self.venue_postcode))
                .map(|p| p.as_str().to_owned());
            let notes = optional_text(
                &mut e,
                "accessibility_notes",
                &self.accessibility_notes,
                "Accessibility notes",
            );
            address.zip(postcode).map(|(address, postcode)| Venue {
                address,
                postcode,
                accessibility: known_keys(&self.accessibility, &VENUE_ACCESSIBILITY),
                accessibility_notes: notes,
            })
        });
        let online = self.delivery.iter().any(|d| d == "online");
        if at_home.is_none() && venue.is_none() && !online {
            e.add("delivery", "Select where the support happens");
        }
        let price = match self.price_type.as_str() {
            "free" => Some(Price::Free),
            "charged" => {
                let pence = e.take("price_amount", parse_pence(&self.price_amount));
                let unit = PriceUnit::parse(&self.price_unit);
                if unit.is_none() {
                    e.add("price_unit", "Select what the price is for");
                }
                pence
                    .zip(unit)
                    .map(|(pence, unit)| Price::Charged { pence, unit })
            }
            "" if self.allow_unstated => Some(Price::NotGiven),
            _ => {
                e.add("price_type", "Select whether there is a charge");
                None
            }
        };
        let price_notes = optional_text(&mut e, "price_notes", &self.price_notes, "Price notes");
        let days: Vec<String> = DAYS
            .iter()
            .filter(|(key, _)| self.days.iter().any(|d| d == key))
            .map(|(key, _)| (*key).to_owned())
            .collect();
        if days.is_empty() && !self.allow_unstated {
            e.add("days", "Select the days you are available");
        }
        let from = optional_time(&mut e, "time_from", "start", &self.time_from);
        let to = optional_time(&mut e, "time_to", "finish", &self.time_to);
        if from.is_some() != to.is_some() && e.get("time_from").is_none() {
            e.add(
                "time_from",
                "Enter both a start and a finish time, or neither",
            );
        }
        let availability_notes = optional_text(
            &mut e,
            "availability_notes",
            &self.availability_notes,
            "Notes about when",
        );
        let accepting = match self.accepting.as_str() {
            "yes" => Some(Some(true)),
            "no" => Some(Some(false)),
            "" if self.allow_unstated => Some(None),
            _ => {
                e.add("accepting", "Select whether you are taking new clients");
                None
            }
        };
        let languages = if self.allow_unstated && self.languages.trim().is_empty() {
            Some(Vec::new())
        } else {
            e.take("languages", parse_languages(&self.languages))
        };
        let reach = Reach {
            phones: e
                .take("phones", reach::parse_phones(&self.phones))
                .unwrap_or_default(),
            email: e
                .take("service_email", reach::parse_email(&self.service_email))
                .flatten(),
            website: e
                .take("service_website", reach::parse_site(&self.service_website))
                .flatten(),
            people: e
                .take("people", reach::parse_people(&self.people))
                .unwrap_or_default(),
        };
        let areas = e
            .take("areas", reach::parse_areas(&self.areas))
            .unwrap_or_default();
        let accreditations = optional_text(
            &mut e,
            "accreditations",
            &self.accreditations,
            "Accreditations",
        );
        let cqc_location_id = match self.cqc_location_id.trim() {
            "" => None,
            id => e.take("cqc_location_id", parse_cqc_location_id(id)),
        };
        let cultural_competence = optional_text(
            &mut e,
            "cultural_competence",
            &self.cultural_competence,
            "Cultural and faith needs",
        );
        // Forms from before the question existed (and API clients) mean English.
        let written_in = if self.written_in.is_empty() {
            "en"
        } else {
            self.written_in.as_str()
        };
        if !WRITTEN_LANGUAGES.iter().any(|(tag, _)| *tag == written_in) {
            e.add(
                "written_in",
                "Select the language this listing is written in",
            );
        }
        if !e.is_empty() {
            return Err(e);
        }
        match (
            title,
            summary,
            description,
            price,
            accepting,
            languages,
            at_home.unwrap_or_default(),
            venue.unwrap_or_default(),
        ) {
            (
                Some(title),
                Some(summary),
                Some(description),
                Some(price),
                Some(accepting),
                Some(languages),
                at_home,
                venue,
            ) => Ok(ListingContent {
                title,
                summary,
                description,
                category_ids: categories,
                client_groups,
                at_home,
                venue,
                online,
                price,
                price_notes,
                availability: Availability {
                    days,
                    from,
                    to,
                    notes: availability_notes,
                },
                accepting_new_clients: accepting,
                languages,
                cultural_competence,
                reach,
                areas,
                accreditations,
                cqc_location_id,
                photos,
                written_in: written_in.to_owned(),
            }),
            _ => Err(e),
        }
    }
}

pub(crate) fn known_keys(sent: &[String], table: &[(&str, &str)]) -> Vec<String> {
    table
        .iter()
        .filter(|(key, _)| sent.iter().any(|s| s == key))
        .map(|(key, _)| (*key).to_owned())
        .collect()
}

fn optional_text(
    e: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    label: &str,
) -> Option<String> {
    validation::optional_text(e, field, raw, MAX_NOTE_CHARS, label)
}

/// "18.50", "£18.50", "18", "18.5" → pence.
pub fn parse_pence(raw: &str) -> Result<i64, &'static str> {
    match crate::domain::money::pence_of(raw) {
        None => Err("Enter the price in pounds, like 18.50"),
        Some(0) => Err("Enter a price above £0, or choose free"),
        Some(total) if total > MAX_PRICE_PENCE => Err("Enter a price of £10,000 or less"),
        Some(total) => Ok(total),
    }
}

/// "9", "9:30", "09.30", "9am", "5.30pm" → "HH:MM".
pub fn parse_time(raw: &str) -> Result<String, &'static str> {
    const MESSAGE: &str = "Enter a time like 09:00 or 5:30pm";
    let t = raw.trim().to_lowercase().replace(' ', "");
    let (body, offset) = if let Some(b) = t.strip_suffix("pm") {
        (b, 12)
    } else if let Some(b) = t.strip_suffix("am") {
        (b, 0)
    } else {
        (t.as_str(), -1)
    };
    let (h, m) = body.split_once([':', '.']).unwrap_or((body, "00"));
    let hour: u32 = h.parse().map_err(|_| MESSAGE)?;
    let minute: u32 = m.parse().map_err(|_| MESSAGE)?;
    if m.len() != 2 || minute > 59 || h.is_empty() || h.len() > 2 {
        return Err(MESSAGE);
    }
    let hour = match offset {
        -1 if hour <= 23 => hour,
        0 if (1..=12).contains(&hour) => hour % 12,
        12 if (1..=12).contains(&hour) => hour % 12 + 12,
        _ => return Err(MESSAGE),
    };
    Ok(format!("{hour:02}:{minute:02}"))
}

/// An optional time; a bad one's message says which (`which`: "start" or "finish").
fn optional_time(
    e: &mut FieldErrors,
    field: &'static str,
    which: &str,
    raw: &str,
) -> Option<String> {
    if raw.trim().is_empty() {
        return None;
    }
    match parse_time(raw) {
        Ok(time) => Some(time),
        Err(_) => {
            e.add(
                field,
                format!("Enter the {which} time like 09:00 or 5:30pm"),
            );
            None
        }
    }
}

/// "english, polish; BSL" → ["English", "Polish", "BSL"].
pub fn parse_languages(raw: &str) -> Result<Vec<String>, &'static str> {
    let mut out: Vec<String> = Vec::new();
    for part in raw
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let ok = part.chars().count() <= 40
            && part
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '(' | ')' | '\''));
        if !ok {
            return Err(
                "Enter languages separated by commas, like English, Polish, British Sign Language",
            );
        }
        let mut chars = part.chars();
        let named: String = chars
            .next()
            .map(|first| first.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        if !out.iter().any(|l| l.eq_ignore_ascii_case(&named)) {
            out.push(named);
        }
    }
    if out.is_empty() {
        return Err("Enter the languages you speak");
    }
    if out.len() > MAX_LANGUAGES {
        return Err("Enter 12 languages or fewer");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::listings::content::tests::sample;

    #[test]
    fn prices_and_times_parse_the_ways_people_write_them() {
        assert_eq!(parse_pence("18.50"), Ok(1850));
        assert_eq!(parse_pence("£18.5"), Ok(1850));
        assert_eq!(parse_pence("1,200"), Ok(120_000));
        for bad in ["", "0", "abc", "18.505", "-3", "£", "1e5", "20000"] {
            assert!(parse_pence(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_time("9"), Ok("09:00".into()));
        assert_eq!(parse_time("5.30pm"), Ok("17:30".into()));
        assert_eq!(parse_time("12am"), Ok("00:00".into()));
        assert_eq!(parse_time("17:45"), Ok("17:45".into()));
        for bad in ["25:00", "9:7", "13pm", "noon", "9:60"] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_languages("english, polish; British Sign Language, English"),
            Ok(vec![
                "English".into(),
                "Polish".into(),
                "British Sign Language".into()
            ])
        );
        assert!(parse_languages("<b>").is_err());
    }

    #[test]
    fn stored_content_survives_the_form_round_trip() {
        let content = sample();
        let parsed = ListingForm::of(&content)
            .parse(&[1], vec![])
            .expect("valid");
        assert_eq!(parsed, content);
    }

    #[test]
    fn each_missing_or_bad_field_is_named() {
        let form = ListingForm {
            categories: vec!["99".into()],
            delivery: vec!["home".into()],
            home_place: "Sale".into(),
            home_radius: "500".into(),
            price_type: "charged".into(),
            price_amount: "lots".into(),
            time_from: "9am".into(),
            ..ListingForm::default()
        };
        let errors = form.parse(&[1], vec![]).expect_err("invalid");
        for field in [
            "title",
            "summary",
            "description",
            "categories",
            "client_groups",
            "home_place",
            "home_radius",
            "price_amount",
            "price_unit",
            "days",
            "time_from",
            "accepting",
            "languages",
        ] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }
}
