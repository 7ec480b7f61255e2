//! Open Referral UK wants a UUID for every record. Kith's records have integer ids, so each
//! ORUK id spells out what it is: `6b697468` ("kith"), a kind, a sub-number (the n-th
//! schedule of a service, say) and the Kith id — valid UUIDs that read back without a
//! lookup table, and stay the same from one export to the next.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Service = 1,
    Organization = 2,
    Location = 3,
    ServiceAtLocation = 4,
    Taxonomy = 5,
    TaxonomyTerm = 6,
    Schedule = 7,
    ServiceArea = 8,
    Language = 9,
    CostOption = 10,
    Contact = 11,
    Attribute = 12,
    Address = 13,
    Accessibility = 14,
    OrganizationIdentifier = 15,
    Phone = 16,
}

const PREFIX: &str = "6b697468";
const MAX_ID: i64 = 0xffff_ffff_ffff;

/// The ORUK id of record `n` (and its `sub`-th part) of a kind.
pub fn id(kind: Kind, n: impl Into<i64>, sub: u16) -> String {
    let n: i64 = n.into();
    format!(
        "{PREFIX}-{:04x}-4{:03x}-8000-{:012x}",
        kind as u16,
        sub.min(0xfff),
        n.clamp(0, MAX_ID)
    )
}

/// The Kith id and sub-number an ORUK id of this kind stands for, if it is one of ours.
pub fn parse(kind: Kind, text: &str) -> Option<(i64, u16)> {
    let text = text.trim().to_ascii_lowercase();
    let parts: Vec<&str> = text.split('-').collect();
    let [prefix, k, sub, variant, n] = parts.as_slice() else {
        return None;
    };
    let hex = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| i64::from_str_radix(s, 16).ok())
            .flatten()
    };
    if *prefix != PREFIX || hex(k, 4)? != kind as i64 || *variant != "8000" || !sub.starts_with('4')
    {
        return None;
    }
    let sub = u16::try_from(hex(&sub[1..], 3)?).ok()?;
    Some((hex(n, 12)?, sub))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_back_and_other_kinds_or_strangers_do_not() {
        let s = id(Kind::Service, 42, 0);
        assert_eq!(s, "6b697468-0001-4000-8000-00000000002a");
        assert_eq!(parse(Kind::Service, &s), Some((42, 0)));
        assert_eq!(parse(Kind::Service, &s.to_uppercase()), Some((42, 0)));
        assert_eq!(parse(Kind::Organization, &s), None);
        let schedule = id(Kind::Schedule, 7, 3);
        assert_eq!(parse(Kind::Schedule, &schedule), Some((7, 3)));
        for stranger in [
            "",
            "ac148810-d857-441c-9679-408f346de14b",
            "6b697468-0001-4000-8000-zzzzzzzzzzzz",
            "6b697468-0001-4000-8000-00000000002a-1",
            "../../etc/passwd",
        ] {
            assert_eq!(parse(Kind::Service, stranger), None, "{stranger}");
        }
    }
}
