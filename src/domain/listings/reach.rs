//! How to reach a service itself, beside an enquiry through Kith: its phone numbers, email,
//! website and named contacts, as a provider writes them on the listing form or a directory
//! gives them. The form takes phones and people one per line, so both read back into the
//! same lines they were written as.

use serde::{Deserialize, Serialize};

use crate::domain::accounts::email_address::EmailAddress;
use crate::domain::providers::profile::{parse_phone, parse_website};
use crate::domain::validation::has_control_chars;

/// Most phone numbers, or named contacts, a listing gives.
pub const MAX_LINES: usize = 6;
pub const MAX_PART_CHARS: usize = 120;
/// Named areas: a directory may describe one at length, and list a dozen.
pub const MAX_AREAS: usize = 12;
pub const MAX_AREA_CHARS: usize = 300;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    pub number: String,
    /// "Reception, 8am to 6pm".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reach {
    pub phones: Vec<Phone>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub people: Vec<Person>,
}

impl Reach {
    pub fn is_empty(&self) -> bool {
        *self == Reach::default()
    }
}

fn lines(raw: &str) -> impl Iterator<Item = &str> {
    raw.lines().map(str::trim).filter(|l| !l.is_empty())
}

fn part(text: &str, what: &str) -> Result<String, String> {
    part_of(text, what, MAX_PART_CHARS)
}

fn part_of(text: &str, what: &str, max: usize) -> Result<String, String> {
    let text = text.trim();
    if text.chars().count() > max {
        Err(format!("{what} must be {max} characters or fewer"))
    } else if has_control_chars(text) {
        Err(format!(
            "{what} must only include letters, numbers, spaces and punctuation"
        ))
    } else {
        Ok(text.to_owned())
    }
}

/// Splits a line at its first " – " (or " - ").
fn split_dash(line: &str) -> Option<(&str, &str)> {
    line.split_once(" – ").or_else(|| line.split_once(" - "))
}

/// "0161 496 0000" or "0161 496 0000 – Reception, 8am to 6pm".
fn phone_line(line: &str) -> Result<Phone, String> {
    let (number, description) = match split_dash(line) {
        Some((number, rest)) if parse_phone(number).is_ok() => (number, Some(rest)),
        _ => (line, None),
    };
    let number = parse_phone(number).map_err(|_| {
        format!("“{line}” is not a telephone number. Write one number per line, like 0161 496 0000 – Reception")
    })?;
    Ok(Phone {
        number,
        description: description
            .map(|d| part(d, "A phone number's description"))
            .transpose()?
            .filter(|d| !d.is_empty()),
    })
}

/// One number per line.
pub fn parse_phones(raw: &str) -> Result<Vec<Phone>, String> {
    let phones = lines(raw).map(phone_line).collect::<Result<Vec<_>, _>>()?;
    if phones.len() > MAX_LINES {
        return Err(format!("Give {MAX_LINES} phone numbers or fewer"));
    }
    Ok(phones)
}

pub fn phones_text(phones: &[Phone]) -> String {
    phones
        .iter()
        .map(|p| match &p.description {
            Some(d) => format!("{} – {d}", p.number),
            None => p.number.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// "Ann Persona – Reception Manager – 0161 496 0000": the job title and number may be left
/// out; a number is recognised wherever it comes.
fn person_line(line: &str) -> Result<Person, String> {
    let mut parts: Vec<&str> = if line.contains(" – ") {
        line.split(" – ").collect()
    } else {
        line.split(" - ").collect()
    };
    let phone = parts
        .iter()
        .position(|p| parse_phone(p).is_ok())
        .map(|i| parts.remove(i).trim().to_owned());
    let (name, title) = match parts.as_slice() {
        [name] => (*name, None),
        [name, title] => (*name, Some(*title)),
        _ => {
            return Err(format!(
                "Write “{line}” as a name, then a job title and a phone number if you like, like Ann Persona – Reception Manager – 0161 496 0000"
            ));
        }
    };
    let name = part(name, "A contact's name")?;
    if name.is_empty() {
        return Err("Each named contact needs a name".into());
    }
    Ok(Person {
        name,
        title: title
            .map(|t| part(t, "A job title"))
            .transpose()?
            .filter(|t| !t.is_empty()),
        phone,
    })
}

/// One person per line.
pub fn parse_people(raw: &str) -> Result<Vec<Person>, String> {
    let people = lines(raw).map(person_line).collect::<Result<Vec<_>, _>>()?;
    if people.len() > MAX_LINES {
        return Err(format!("Give {MAX_LINES} named contacts or fewer"));
    }
    Ok(people)
}

pub fn people_text(people: &[Person]) -> String {
    people
        .iter()
        .map(|p| {
            [
                Some(p.name.as_str()),
                p.title.as_deref(),
                p.phone.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" – ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn parse_email(raw: &str) -> Result<Option<String>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    EmailAddress::parse(raw)
        .map(|e| Some(e.as_str().to_owned()))
        .map_err(|e| e.to_string())
}

pub fn parse_site(raw: &str) -> Result<Option<String>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    parse_website(raw).map(Some).map_err(str::to_owned)
}

/// Named areas one per line ("All of Trafford"), beside any home-visit distance.
pub fn parse_areas(raw: &str) -> Result<Vec<String>, String> {
    let areas = lines(raw)
        .map(|l| part_of(l, "An area", MAX_AREA_CHARS))
        .collect::<Result<Vec<_>, _>>()?;
    if areas.len() > MAX_AREAS {
        return Err(format!("Give {MAX_AREAS} areas or fewer"));
    }
    Ok(areas)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_people_read_back_into_the_lines_they_were_written_as() {
        let phones = parse_phones("0161 496 0000 – Reception, 8am to 6pm\n\n+44 7700 900 982\n")
            .expect("valid");
        assert_eq!(
            phones[0].description.as_deref(),
            Some("Reception, 8am to 6pm")
        );
        assert_eq!(phones[1].number, "+44 7700 900 982");
        assert_eq!(parse_phones(&phones_text(&phones)).expect("again"), phones);

        let people = parse_people(
            "Ann Persona – Reception Manager – 0161 496 0000\nBogdan Nowak - 0161 496 0001\nSam",
        )
        .expect("valid");
        assert_eq!(people[0].title.as_deref(), Some("Reception Manager"));
        assert_eq!(people[1].phone.as_deref(), Some("0161 496 0001"));
        assert_eq!(people[1].title, None);
        assert_eq!(people[2].name, "Sam");
        assert_eq!(parse_people(&people_text(&people)).expect("again"), people);
    }

    #[test]
    fn what_is_not_a_number_or_a_person_is_named() {
        assert!(parse_phones("call me").unwrap_err().contains("call me"));
        assert!(parse_people("A – B – C – D").is_err());
        assert!(parse_phones(&"0161 496 0000\n".repeat(7)).is_err());
        assert_eq!(parse_email("").unwrap(), None);
        assert!(parse_email("nope").is_err());
        assert!(parse_site("javascript:alert(1)").is_err());
    }
}
