//! UK postcodes and postcode districts (outcodes), normalised to upper case with one space.
//! Every parser here also refuses a place that is shaped right but is not in Kith's postcode
//! data (`search_index::is_known`): a made-up "ZZ99 9ZZ" would never be found by search and
//! would become a district of its own in the market figures.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Postcode(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PostcodeError {
    #[error("Enter a real postcode, like M16 0RA")]
    Format,
    #[error("Enter postcode districts like M16 or WA14, separated by commas")]
    DistrictFormat,
    #[error("Enter a postcode, like M33 7AB, or the first part of one, like M33 7 or M33")]
    PlaceFormat,
    #[error("We cannot find the postcode {0}. Enter a real postcode, like M33 7AB")]
    Unknown(String),
    #[error(
        "We cannot find {0}. Enter a real postcode, like M33 7AB, or the first part of one, like M33"
    )]
    UnknownPlace(String),
    #[error("We cannot find the postcode district {0}. Enter districts like M16 or WA14")]
    UnknownDistrict(String),
}

/// `place` (normalised) when Kith's postcode data holds it, else `unknown(place)`.
fn known(place: String, unknown: fn(String) -> PostcodeError) -> Result<String, PostcodeError> {
    if search_index::is_known(&place) {
        Ok(place)
    } else {
        Err(unknown(place))
    }
}

/// The outward part: a letter or two, then a digit, then an optional digit or letter.
fn is_outcode(s: &str) -> bool {
    let b = s.as_bytes();
    if !(2..=4).contains(&b.len()) || !b[0].is_ascii_uppercase() {
        return false;
    }
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if letters > 2 || letters == b.len() || !b[letters].is_ascii_digit() {
        return false;
    }
    b[letters + 1..].iter().all(|c| c.is_ascii_alphanumeric()) && b.len() - letters <= 2
}

impl Postcode {
    pub fn parse(raw: &str) -> Result<Self, PostcodeError> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if !(5..=7).contains(&compact.len()) || !compact.is_ascii() {
            return Err(PostcodeError::Format);
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        let ib = inward.as_bytes();
        if !is_outcode(outward)
            || !ib[0].is_ascii_digit()
            || !ib[1].is_ascii_uppercase()
            || !ib[2].is_ascii_uppercase()
        {
            return Err(PostcodeError::Format);
        }
        known(format!("{outward} {inward}"), PostcodeError::Unknown).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The district (outcode), e.g. "M16".
    pub fn district(&self) -> &str {
        self.0.split(' ').next().unwrap_or(&self.0)
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A full postcode ("M33 7AB"), a sector ("M33 7") or a district ("M33"), normalised: the
/// ways people say where they are without giving their exact address.
pub fn parse_place(raw: &str) -> Result<String, PostcodeError> {
    match Postcode::parse(raw) {
        Ok(postcode) => return Ok(postcode.0),
        Err(PostcodeError::Unknown(place)) => return Err(PostcodeError::UnknownPlace(place)),
        Err(_) => {}
    }
    let upper = raw.trim().to_uppercase();
    let mut parts = upper.split_whitespace();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(district), None, None) if upper.is_ascii() && is_outcode(district) => {
            known(district.to_owned(), PostcodeError::UnknownPlace)
        }
        (Some(district), Some(sector), None)
            if upper.is_ascii()
                && is_outcode(district)
                && sector.len() == 1
                && sector.as_bytes()[0].is_ascii_digit() =>
        {
            known(format!("{district} {sector}"), PostcodeError::UnknownPlace)
        }
        _ => Err(PostcodeError::PlaceFormat),
    }
}

/// Where someone is, no finer than a postcode sector: a full postcode becomes its sector
/// ("M16 0RA" → "M16 0"); a sector or district is kept as given (normalised).
pub fn sector_of(raw: &str) -> Result<String, PostcodeError> {
    let place = parse_place(raw)?;
    Ok(match place.split_once(' ') {
        Some((outward, inward)) if inward.len() == 3 => format!("{outward} {}", &inward[..1]),
        _ => place,
    })
}

/// A form's "where are you" field: the sector (`sector_of`), or the words to show beside
/// the field: the place's own when it is shaped right but not known, else how to write one.
pub fn sector_field(raw: &str) -> Result<String, String> {
    sector_of(raw).map_err(|e| match e {
        PostcodeError::UnknownPlace(_) => e.to_string(),
        _ => "Enter a postcode, or the first part of one, like M16 0 or M16".to_owned(),
    })
}

/// Parses "m16, M32 wa14" into ["M16", "M32", "WA14"] (deduplicated, in order).
pub fn parse_districts(raw: &str) -> Result<Vec<String>, PostcodeError> {
    let mut out: Vec<String> = Vec::new();
    for part in raw
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let district = part.to_uppercase();
        if !district.is_ascii() || !is_outcode(&district) {
            return Err(PostcodeError::DistrictFormat);
        }
        let district = known(district, PostcodeError::UnknownDistrict)?;
        if !out.contains(&district) {
            out.push(district);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_real_postcodes_and_refuses_others() {
        for (raw, want) in [
            ("m16 0ra", "M16 0RA"),
            ("M160RA", "M16 0RA"),
            ("wa14 1aa", "WA14 1AA"),
            ("SW1A 1AA", "SW1A 1AA"),
            ("m1 1ae", "M1 1AE"),
        ] {
            assert_eq!(
                Postcode::parse(raw).map(|p| p.0),
                Ok(want.to_owned()),
                "{raw}"
            );
        }
        assert_eq!(
            Postcode::parse("M16 0RA").map(|p| p.district().to_owned()),
            Ok("M16".into())
        );
        for bad in [
            "",
            "M16",
            "123 456",
            "MMM16 0RA",
            "M16 ORA",
            "M16 0R1",
            "<script>",
            "M16 0RÅ",
        ] {
            assert_eq!(Postcode::parse(bad), Err(PostcodeError::Format), "{bad}");
        }
    }

    #[test]
    fn places_must_be_in_the_postcode_data() {
        assert_eq!(
            Postcode::parse("zz99 9zz"),
            Err(PostcodeError::Unknown("ZZ99 9ZZ".into()))
        );
        assert_eq!(
            parse_place("ZZ99 9ZZ"),
            Err(PostcodeError::UnknownPlace("ZZ99 9ZZ".into()))
        );
        assert_eq!(
            parse_place("zz99 9"),
            Err(PostcodeError::UnknownPlace("ZZ99 9".into()))
        );
        assert_eq!(
            parse_place("M33 1"),
            Err(PostcodeError::UnknownPlace("M33 1".into())),
            "a district that exists with a sector that does not"
        );
        assert_eq!(
            sector_of("ZZ99 9ZZ"),
            Err(PostcodeError::UnknownPlace("ZZ99 9ZZ".into()))
        );
        assert_eq!(
            parse_districts("M16, ZZ99"),
            Err(PostcodeError::UnknownDistrict("ZZ99".into()))
        );
        assert_eq!(
            PostcodeError::Unknown("ZZ99 9ZZ".into()).to_string(),
            "We cannot find the postcode ZZ99 9ZZ. Enter a real postcode, like M33 7AB"
        );
    }

    #[test]
    fn sectors_never_hold_a_full_postcode() {
        assert_eq!(sector_of("m16 0ra").unwrap(), "M16 0");
        assert_eq!(sector_of("M16 0").unwrap(), "M16 0");
        assert_eq!(sector_of("wa14").unwrap(), "WA14");
        assert!(sector_of("nowhere at all").is_err());
    }

    #[test]
    fn places_are_postcodes_sectors_or_districts() {
        assert_eq!(parse_place("m33 7ab"), Ok("M33 7AB".into()));
        assert_eq!(parse_place(" m33  7 "), Ok("M33 7".into()));
        assert_eq!(parse_place("wa14"), Ok("WA14".into()));
        for bad in ["", "Sale", "M33 77", "M33 7 A", "M33 A"] {
            assert_eq!(parse_place(bad), Err(PostcodeError::PlaceFormat), "{bad}");
        }
    }

    #[test]
    fn parses_district_lists() {
        assert_eq!(
            parse_districts("m16, M32 wa14,m16"),
            Ok(vec!["M16".into(), "M32".into(), "WA14".into()])
        );
        assert_eq!(parse_districts(""), Ok(vec![]));
        assert_eq!(
            parse_districts("M16, Trafford"),
            Err(PostcodeError::DistrictFormat)
        );
    }
}
