//! UK postcodes and postcode districts (outcodes), normalised to upper case with one space.

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
        Ok(Self(format!("{outward} {inward}")))
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
    if let Ok(postcode) = Postcode::parse(raw) {
        return Ok(postcode.0);
    }
    let upper = raw.trim().to_uppercase();
    let mut parts = upper.split_whitespace();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(district), None, None) if upper.is_ascii() && is_outcode(district) => {
            Ok(district.to_owned())
        }
        (Some(district), Some(sector), None)
            if upper.is_ascii()
                && is_outcode(district)
                && sector.len() == 1
                && sector.as_bytes()[0].is_ascii_digit() =>
        {
            Ok(format!("{district} {sector}"))
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
