//! Kith's simple CSV template: one listing per row, columns a person can fill in a
//! spreadsheet. Lists inside a cell are separated by semicolons.

use super::rows::{BadRow, ImportRow, OrganisationIn, Read, Vocabulary, day_key};
use crate::domain::listings::form::ListingForm;
use entity::provider_organisations::ProviderKind;

/// The columns, in order, with what goes in each (shown on the import page and README).
pub const COLUMNS: [(&str, &str); 22] = [
    (
        "id",
        "Your own id for the listing, so a second import updates it",
    ),
    ("organisation", "The provider's name"),
    (
        "organisation_id",
        "Your own id for the provider (rows with the same id share it)",
    ),
    (
        "organisation_kind",
        "registered_care_provider, micro_enterprise, social_enterprise, user_led, voluntary_group or personal_assistant",
    ),
    ("organisation_email", "The provider's public email address"),
    ("title", "The listing's title, up to 80 characters"),
    ("summary", "One or two sentences, up to 300 characters"),
    ("description", "The full description"),
    (
        "types_of_support",
        "Kith types of support by name or slug, e.g. Domestic help; Day support",
    ),
    ("who_for", "e.g. Older people; Carers"),
    (
        "home_visits_from",
        "A postcode, sector or district visits start from (blank if none)",
    ),
    (
        "home_visits_miles",
        "How far the provider travels, in miles",
    ),
    (
        "venue_address",
        "The address people come to (blank if none)",
    ),
    ("venue_postcode", "The venue's postcode"),
    ("online", "yes if the support is also given online"),
    ("price", "free, or the price in pounds, e.g. 18.50"),
    ("price_per", "hour, session, day, week or item"),
    ("days", "e.g. Mon; Wed; Fri"),
    ("opens", "e.g. 09:00 (blank if no usual times)"),
    ("closes", "e.g. 17:00"),
    ("taking_new_clients", "yes or no"),
    ("languages", "e.g. English; Polish"),
];

fn list(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reads the template. A header row is required; unknown columns are an error (they are
/// usually a typo, and ignoring them would lose data).
pub fn read(bytes: &[u8], vocabulary: &Vocabulary) -> Result<Read, String> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| "The file is not UTF-8 text. Save it as “CSV UTF-8”.".to_owned())?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("The header row cannot be read: {e}"))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    if let Some(unknown) = headers
        .iter()
        .find(|h| !COLUMNS.iter().any(|(c, _)| c == *h))
    {
        return Err(format!(
            "The column “{unknown}” is not one of the template's columns"
        ));
    }
    for (required, _) in &COLUMNS[..8] {
        if !headers.iter().any(|h| h == required) {
            return Err(format!("The column “{required}” is missing"));
        }
    }
    let mut read = Read::default();
    for (i, record) in reader.records().enumerate() {
        // Row 1 is the header.
        let label = format!("row {}", i + 2);
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let reason = match e.kind() {
                    csv::ErrorKind::UnequalLengths { len, .. } => format!(
                        "has {len} cells but the header row has {} columns",
                        headers.len()
                    ),
                    csv::ErrorKind::Utf8 { .. } => "is not UTF-8 text".to_owned(),
                    _ => "cannot be read as CSV".to_owned(),
                };
                read.items.push(Err(BadRow { label, reason }));
                continue;
            }
        };
        let cell = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .trim()
                .to_owned()
        };
        let id = cell("id");
        if id.is_empty() {
            read.items.push(Err(BadRow {
                label,
                reason: "the id column is empty".into(),
            }));
            continue;
        }
        let mut unknown = Vec::new();
        let mut form = ListingForm {
            title: cell("title"),
            summary: cell("summary"),
            description: cell("description"),
            written_in: "en".into(),
            allow_unstated: true,
            ..ListingForm::default()
        };
        for word in list(&cell("types_of_support")) {
            match vocabulary.category(&word) {
                Some(id) => form.categories.push(id.to_string()),
                None => unknown.push(format!("“{word}” is not a Kith type of support")),
            }
        }
        for word in list(&cell("who_for")) {
            match Vocabulary::client_group(&word) {
                Some(key) => form.client_groups.push(key.to_owned()),
                None => unknown.push(format!("“{word}” is not a group Kith knows")),
            }
        }
        for word in list(&cell("days")) {
            match day_key(&word) {
                Some(day) => form.days.push(day.to_owned()),
                None => unknown.push(format!("“{word}” is not a day of the week")),
            }
        }
        if !unknown.is_empty() {
            read.items.push(Err(BadRow {
                label,
                reason: unknown.join("; "),
            }));
            continue;
        }
        if !cell("home_visits_from").is_empty() {
            form.delivery.push("home".into());
            form.home_place = cell("home_visits_from");
            form.home_radius = cell("home_visits_miles");
        }
        if !cell("venue_address").is_empty() || !cell("venue_postcode").is_empty() {
            form.delivery.push("venue".into());
            form.venue_address = cell("venue_address");
            form.venue_postcode = cell("venue_postcode");
        }
        if cell("online").eq_ignore_ascii_case("yes") {
            form.delivery.push("online".into());
        }
        let price = cell("price");
        if price.eq_ignore_ascii_case("free") {
            form.price_type = "free".into();
        } else if !price.is_empty() {
            form.price_type = "charged".into();
            form.price_amount = price;
            form.price_unit = cell("price_per").to_lowercase();
        }

        form.time_from = cell("opens");
        form.time_to = cell("closes");
        // A blank cell is not stated, never "yes".
        form.accepting = cell("taking_new_clients").to_lowercase();
        let languages = list(&cell("languages"));
        form.languages = if languages.is_empty() {
            "English".into()
        } else {
            languages.join(", ")
        };
        let organisation = cell("organisation");
        let org_id = cell("organisation_id");
        let kind = cell("organisation_kind");
        read.items.push(Ok(ImportRow {
            left_out: Vec::new(),
            label: format!("{label} ({id})"),
            source_id: id,
            organisation: OrganisationIn {
                source_id: if org_id.is_empty() {
                    format!("name:{}", organisation.to_lowercase())
                } else {
                    org_id
                },
                name: organisation,
                kind: if kind.is_empty() {
                    ProviderKind::VoluntaryGroup.as_str().to_owned()
                } else {
                    kind
                },
                email: Some(cell("organisation_email")).filter(|e| !e.is_empty()),
                ..OrganisationIn::default()
            },
            form,
        }));
    }
    Ok(read)
}
