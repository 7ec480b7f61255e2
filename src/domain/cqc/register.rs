//! Reading CQC's monthly "care directory with filters" (`HSCA_Active_Locations`) as CQC
//! publishes it: an ODS or XLSX workbook, or a CSV, whose header row may follow title or
//! blank rows. Columns are found by name; unknown ones are ignored and missing required ones
//! are named.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use entity::cqc_locations::CqcRating;

use crate::domain::providers::profile::{parse_cqc_location_id, parse_cqc_provider_id};

/// Rows looked at for the header row.
const HEADER_SEARCH_ROWS: usize = 30;
use super::workbook::{self, MAX_ROWS};

const LOCATION_ID: &str = "Location ID";
const REQUIRED: [&str; 5] = [
    LOCATION_ID,
    "Location Name",
    "Location Postal Code",
    "Provider ID",
    "Provider Name",
];
const SERVICE_TYPE: &str = "Service type - ";
const USER_BAND: &str = "Service user band - ";
const REGULATED_ACTIVITY: &str = "Regulated activity - ";

/// The five questions CQC asks of every service, as its columns may name them.
pub const KEY_QUESTIONS: [&str; 5] = ["safe", "effective", "caring", "responsive", "well-led"];

/// One registered location, as the register describes it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RegisteredLocation {
    pub location_id: String,
    pub name: String,
    pub provider_id: String,
    pub provider_name: String,
    pub postcode: String,
    pub local_authority: String,
    pub location_type: String,
    pub inspection_category: String,
    pub care_home: bool,
    pub beds: Option<i32>,
    pub overall_rating: Option<CqcRating>,
    pub published_on: Option<NaiveDate>,
    pub inherited: bool,
    pub dormant: bool,
    pub registered_on: Option<NaiveDate>,
    /// Safe, effective, caring, responsive, well-led, where the file gives them.
    pub key_questions: [Option<CqcRating>; 5],
    pub service_types: Vec<String>,
    pub user_bands: Vec<String>,
    pub regulated_activities: Vec<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub street: Option<String>,
    pub town: Option<String>,
}

impl RegisteredLocation {
    pub fn has_service_type(&self, words: &str) -> bool {
        self.service_types
            .iter()
            .any(|t| t.to_lowercase().contains(words))
    }

    pub fn has_user_band(&self, words: &str) -> bool {
        self.user_bands
            .iter()
            .any(|t| t.to_lowercase().contains(words))
    }
}

/// What a file held: its locations, and the rows it could not read (with why).
#[derive(Debug, Default)]
pub struct Register {
    pub rows_read: usize,
    pub locations: Vec<RegisteredLocation>,
    pub problems: Vec<String>,
}

/// "Outstanding", "Requires improvement" … → the rating; anything else (blank, "Not yet
/// rated", "Insufficient evidence to rate") is no rating.
pub fn parse_rating(text: &str) -> Option<CqcRating> {
    match text.trim().to_lowercase().as_str() {
        "outstanding" => Some(CqcRating::Outstanding),
        "good" => Some(CqcRating::Good),
        "requires improvement" => Some(CqcRating::RequiresImprovement),
        "inadequate" => Some(CqcRating::Inadequate),
        _ => None,
    }
}

/// A date as CQC's files write it: 12/03/2026, 2026-03-12 or 12 March 2026 (a time after
/// it is ignored).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let day = text.split(['T', ' ']).next().unwrap_or(text);
    NaiveDate::parse_from_str(day, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(day, "%Y-%m-%d"))
        .or_else(|_| NaiveDate::parse_from_str(text, "%d %B %Y"))
        .or_else(|_| NaiveDate::parse_from_str(text, "%d %b %Y"))
        .ok()
}

fn yes(text: &str) -> bool {
    matches!(text.trim().to_lowercase().as_str(), "y" | "yes" | "true")
}

/// Reads the file's bytes: a workbook (ODS or XLSX, by content) or CSV text.
pub fn read(bytes: &[u8]) -> Result<Register, String> {
    let rows = if bytes.starts_with(b"PK") {
        workbook::rows(bytes, |rows| header_at(rows).is_some())?
    } else {
        csv_rows(bytes)?
    };
    from_rows(rows)
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    // Saved from Excel, a CSV may be in Windows-1252 rather than UTF-8.
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0,
    };
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        if i > MAX_ROWS + HEADER_SEARCH_ROWS {
            return Err(format!(
                "The file has more than {MAX_ROWS} rows, more than CQC's whole register"
            ));
        }
        let record = record.map_err(|e| format!("Line {} cannot be read: {e}", i + 1))?;
        rows.push(record.iter().map(|c| c.trim().to_owned()).collect());
    }
    Ok(rows)
}

/// The index of the header row: the first with a "Location ID" cell.
fn header_at(rows: &[Vec<String>]) -> Option<usize> {
    rows.iter()
        .take(HEADER_SEARCH_ROWS)
        .position(|row| row.iter().any(|c| c.eq_ignore_ascii_case(LOCATION_ID)))
}

/// Column positions by header.
struct Columns {
    by_name: BTreeMap<String, usize>,
    service_types: Vec<(usize, String)>,
    user_bands: Vec<(usize, String)>,
    activities: Vec<(usize, String)>,
    key_questions: [Option<usize>; 5],
}

impl Columns {
    fn new(header: &[String]) -> Self {
        let mut by_name = BTreeMap::new();
        let mut service_types = Vec::new();
        let mut user_bands = Vec::new();
        let mut activities = Vec::new();
        let mut key_questions = [None; 5];
        for (i, name) in header.iter().enumerate() {
            let name = name.trim();
            let lower = name.to_lowercase();
            by_name.entry(lower.clone()).or_insert(i);
            for (prefix, list) in [
                (SERVICE_TYPE, &mut service_types),
                (USER_BAND, &mut user_bands),
                (REGULATED_ACTIVITY, &mut activities),
            ] {
                if let Some(rest) = name.strip_prefix(prefix) {
                    list.push((i, rest.trim().to_owned()));
                }
            }
            let plain = lower.replace("well led", "well-led");
            let words: Vec<&str> = plain
                .split(|c: char| !(c.is_alphanumeric() || c == '-'))
                .filter(|w| !w.is_empty())
                .collect();
            for (q, question) in KEY_QUESTIONS.iter().enumerate() {
                let named =
                    plain == *question || (words.contains(&"rating") && words.contains(question));
                if named && key_questions[q].is_none() {
                    key_questions[q] = Some(i);
                }
            }
        }
        Self {
            by_name,
            service_types,
            user_bands,
            activities,
            key_questions,
        }
    }

    fn get<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        self.by_name
            .get(&name.to_lowercase())
            .and_then(|i| row.get(*i))
            .map_or("", String::as_str)
    }

    fn flagged(row: &[String], columns: &[(usize, String)]) -> Vec<String> {
        columns
            .iter()
            .filter(|(i, _)| row.get(*i).is_some_and(|v| yes(v)))
            .map(|(_, name)| name.clone())
            .collect()
    }
}

fn from_rows(rows: Vec<Vec<String>>) -> Result<Register, String> {
    let header_row = header_at(&rows).ok_or_else(|| {
        format!(
            "The file has no \"{LOCATION_ID}\" column in its first {HEADER_SEARCH_ROWS} rows. Use CQC's \"care directory with filters\" file"
        )
    })?;
    let columns = Columns::new(&rows[header_row]);
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|c| !columns.by_name.contains_key(&c.to_lowercase()))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "The file has no {} column{}",
            missing
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", "),
            if missing.len() == 1 { "" } else { "s" }
        ));
    }
    let mut register = Register::default();
    for (i, row) in rows.iter().enumerate().skip(header_row + 1) {
        if row.iter().all(String::is_empty) {
            continue;
        }
        register.rows_read += 1;
        let line = i + 1;
        match location_of(&columns, row) {
            Ok(location) => register.locations.push(location),
            Err(why) => register.problems.push(format!("Row {line}: {why}")),
        }
    }
    Ok(register)
}

fn location_of(c: &Columns, row: &[String]) -> Result<RegisteredLocation, String> {
    let id = c.get(row, LOCATION_ID);
    let location_id =
        parse_cqc_location_id(id).map_err(|_| format!("\"{id}\" is not a CQC location ID"))?;
    let provider = c.get(row, "Provider ID");
    let provider_id = parse_cqc_provider_id(provider)
        .map_err(|_| format!("\"{provider}\" is not a CQC provider ID"))?;
    let text = |name: &str, max: usize| -> String { c.get(row, name).chars().take(max).collect() };
    let optional = |name: &str| Some(text(name, 300)).filter(|t| !t.is_empty());
    let mut key_questions = [None; 5];
    for (q, column) in c.key_questions.iter().enumerate() {
        key_questions[q] = column
            .and_then(|i| row.get(i))
            .and_then(|v| parse_rating(v));
    }
    Ok(RegisteredLocation {
        location_id,
        name: text("Location Name", 300),
        provider_id,
        provider_name: text("Provider Name", 300),
        postcode: text("Location Postal Code", 10).to_uppercase(),
        local_authority: text("Location Local Authority", 100),
        location_type: text("Location Type/Sector", 100),
        inspection_category: text("Location Primary Inspection Category", 150),
        care_home: yes(c.get(row, "Care home?")),
        beds: c
            .get(row, "Care homes beds")
            .parse::<f64>()
            .ok()
            .filter(|b| b.is_finite() && *b > 0.0 && *b < 10_000.0)
            .map(|b| b as i32),
        overall_rating: parse_rating(c.get(row, "Location Latest Overall Rating")),
        published_on: parse_date(c.get(row, "Publication Date")),
        inherited: yes(c.get(row, "Inherited Rating (Y/N)")),
        dormant: yes(c.get(row, "Dormant (Y/N)")),
        registered_on: parse_date(c.get(row, "Location HSCA start date")),
        key_questions,
        service_types: Columns::flagged(row, &c.service_types),
        user_bands: Columns::flagged(row, &c.user_bands),
        regulated_activities: Columns::flagged(row, &c.activities),
        phone: optional("Location Telephone Number"),
        website: optional("Location Web Address"),
        street: optional("Location Street Address"),
        town: optional("Location City"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_csv_after_title_rows_and_names_what_is_missing() {
        let csv = "\u{feff}Care directory with filters\n,,\nLocation ID,Location Name,Care home?,Care homes beds,Location Latest Overall Rating,Publication Date,Location Postal Code,Provider ID,Provider Name,Service type - Care home service with nursing,Service user band - Dementia,Extra\n\
            1-113433848,Lady of the Vale,Y,40,Requires improvement,12/03/2026,wa14 3ha,1-101613421,Order of St Joseph,Y,,x\n\
            ,,,,,,,,\n\
            not-an-id,Nowhere,N,,Good,,M1 1AA,1-1,Someone,,,\n";
        let register = read(csv.as_bytes()).expect("the file reads");
        assert_eq!(register.rows_read, 2, "the blank row is not a row");
        assert_eq!(register.locations.len(), 1);
        let home = &register.locations[0];
        assert_eq!(home.location_id, "1-113433848");
        assert_eq!(home.postcode, "WA14 3HA");
        assert_eq!(home.beds, Some(40));
        assert!(home.care_home);
        assert_eq!(home.overall_rating, Some(CqcRating::RequiresImprovement));
        assert_eq!(home.published_on, NaiveDate::from_ymd_opt(2026, 3, 12));
        assert_eq!(home.service_types, vec!["Care home service with nursing"]);
        assert!(home.user_bands.is_empty());
        assert_eq!(register.problems.len(), 1);
        assert!(
            register.problems[0].starts_with("Row 6:"),
            "{:?}",
            register.problems
        );

        let err = read(b"Location ID,Location Name\n1-1,Home\n").err();
        assert_eq!(
            err.as_deref(),
            Some(
                "The file has no \"Location Postal Code\", \"Provider ID\", \"Provider Name\" columns"
            )
        );
        assert!(read(b"name,postcode\n").is_err());
    }

    #[test]
    fn ratings_and_dates_read_as_cqc_writes_them() {
        assert_eq!(parse_rating(" Good "), Some(CqcRating::Good));
        assert_eq!(parse_rating("Not yet rated"), None);
        assert_eq!(
            parse_rating("Requires Improvement"),
            Some(CqcRating::RequiresImprovement)
        );
        let day = NaiveDate::from_ymd_opt(2026, 3, 12);
        for text in [
            "12/03/2026",
            "2026-03-12",
            "2026-03-12T00:00:00",
            "12 March 2026",
        ] {
            assert_eq!(parse_date(text), day, "{text}");
        }
        assert_eq!(parse_date("soon"), None);
    }

    #[test]
    fn cqc_s_own_workbooks_read_as_their_csv_twins() {
        let read = |bytes: &[u8]| read(bytes).expect("the fixture reads");
        let ods = read(include_bytes!(
            "../../../tests/data/cqc/HSCA_Active_Locations_2026-10.ods"
        ));
        let csv = read(include_bytes!(
            "../../../tests/data/cqc/HSCA_Active_Locations_2026-10.csv"
        ));
        assert_eq!(ods.locations.len(), 56);
        assert!(ods.problems.is_empty(), "{:?}", ods.problems);
        assert_eq!(ods.locations, csv.locations);
        let xlsx = read(include_bytes!(
            "../../../tests/data/cqc/HSCA_Active_Locations_2026-11.xlsx"
        ));
        let csv = read(include_bytes!(
            "../../../tests/data/cqc/HSCA_Active_Locations_2026-11.csv"
        ));
        assert_eq!(xlsx.locations, csv.locations);
        let lime = xlsx
            .locations
            .iter()
            .find(|l| l.location_id == "1-113502228")
            .expect("Lime Tree House");
        assert_eq!(lime.overall_rating, Some(CqcRating::RequiresImprovement));
        assert_eq!(lime.published_on, NaiveDate::from_ymd_opt(2026, 11, 3));
        assert_eq!(lime.local_authority, "Trafford");
        assert!(lime.has_service_type("without nursing"));
    }

    #[test]
    fn key_question_columns_are_found_by_their_names() {
        let csv = "Location ID,Location Name,Location Postal Code,Provider ID,Provider Name,Location Latest Rating - Safe,Effective,Caring rating,Well Led Rating,Responsive\n\
            1-113433848,Home,WA14 3HA,1-101613421,Someone,Good,Outstanding,Good,Inadequate,Requires improvement\n";
        let register = read(csv.as_bytes()).expect("reads");
        let [safe, effective, _, responsive, well_led] = register.locations[0].key_questions;
        assert_eq!(safe, Some(CqcRating::Good));
        assert_eq!(effective, Some(CqcRating::Outstanding));
        assert_eq!(responsive, Some(CqcRating::RequiresImprovement));
        assert_eq!(well_led, Some(CqcRating::Inadequate));
    }
}
