//! Full-precision postcodes (optional): every GB postcode's own grid point, when the council
//! has imported them (`kith import-postcodes`). Kept compact — one sorted array of packed
//! postcodes with their points, about 16 bytes each — and searched by bisection.

use crate::geo::GridPoint;

const MAGIC: &[u8; 8] = b"KITHPC01";

/// "M33 7AB" → a number, or `None` if it is not shaped like a postcode (2–7 letters and
/// digits once spaces are removed).
pub fn pack(postcode: &str) -> Option<u64> {
    let compact: Vec<u8> = postcode
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if !(5..=7).contains(&compact.len()) {
        return None;
    }
    compact.iter().try_fold(0u64, |acc, b| {
        let digit = match b {
            b'0'..=b'9' => u64::from(b - b'0') + 1,
            b'A'..=b'Z' => u64::from(b - b'A') + 11,
            _ => return None,
        };
        Some(acc * 37 + digit)
    })
}

#[derive(Debug, Default, PartialEq)]
pub struct FullPostcodes {
    /// Sorted by key, no duplicates.
    entries: Vec<(u64, i32, i32)>,
}

#[derive(Debug, thiserror::Error)]
pub enum PostcodeFileError {
    #[error("not a Kith postcode file")]
    NotOurs,
    #[error("the postcode file is cut short")]
    Truncated,
}

impl FullPostcodes {
    /// From (postcode, easting, northing) rows; unreadable postcodes are left out, and a
    /// postcode given twice keeps its last point.
    pub fn from_rows(rows: impl IntoIterator<Item = (String, i64, i64)>) -> Self {
        let mut entries: Vec<(u64, i32, i32)> = rows
            .into_iter()
            .filter_map(|(p, e, n)| {
                Some((pack(&p)?, i32::try_from(e).ok()?, i32::try_from(n).ok()?))
            })
            .collect();
        entries.reverse();
        entries.sort_by_key(|(k, _, _)| *k);
        entries.dedup_by_key(|(k, _, _)| *k);
        Self { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, postcode: &str) -> Option<GridPoint> {
        let key = pack(postcode)?;
        let i = self
            .entries
            .binary_search_by_key(&key, |(k, _, _)| *k)
            .ok()?;
        let (_, e, n) = self.entries[i];
        Some(GridPoint {
            easting: i64::from(e),
            northing: i64::from(n),
        })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.entries.len() * 16);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.entries.len() as u64).to_le_bytes());
        for (k, e, n) in &self.entries {
            out.extend_from_slice(&k.to_le_bytes());
            out.extend_from_slice(&e.to_le_bytes());
            out.extend_from_slice(&n.to_le_bytes());
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, PostcodeFileError> {
        let rest = bytes
            .strip_prefix(MAGIC)
            .ok_or(PostcodeFileError::NotOurs)?;
        let (count, rest) = rest
            .split_at_checked(8)
            .ok_or(PostcodeFileError::Truncated)?;
        let count = u64::from_le_bytes(count.try_into().map_err(|_| PostcodeFileError::Truncated)?);
        let count = usize::try_from(count).map_err(|_| PostcodeFileError::Truncated)?;
        if rest.len() != count.checked_mul(16).ok_or(PostcodeFileError::Truncated)? {
            return Err(PostcodeFileError::Truncated);
        }
        let entries: Vec<(u64, i32, i32)> = rest
            .chunks_exact(16)
            .map(|c| {
                let word = |r: std::ops::Range<usize>| c[r].to_vec();
                (
                    u64::from_le_bytes(word(0..8).try_into().unwrap_or_default()),
                    i32::from_le_bytes(word(8..12).try_into().unwrap_or_default()),
                    i32::from_le_bytes(word(12..16).try_into().unwrap_or_default()),
                )
            })
            .collect();
        if entries.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(PostcodeFileError::NotOurs);
        }
        Ok(Self { entries })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_pack_read_back_and_refuse_strangers() {
        assert!(pack("M33 7AB").is_some());
        assert_eq!(pack("m337ab"), pack("M33 7AB"));
        assert_ne!(pack("M33 7AB"), pack("M3 37AB").map(|k| k + 1));
        for stranger in ["", "M", "ABCDEFGH1", "M33 7A£", "<b>"] {
            assert_eq!(pack(stranger), None, "{stranger}");
        }
        let table = FullPostcodes::from_rows([
            ("M33 7AB".to_owned(), 377_000, 392_000),
            ("SW1A 1AA".to_owned(), 529_090, 179_645),
            ("nonsense!".to_owned(), 1, 1),
            ("M33 7AB".to_owned(), 377_001, 392_001),
        ]);
        assert_eq!(table.len(), 2);
        let back = FullPostcodes::from_bytes(&table.to_bytes()).unwrap();
        assert_eq!(back, table);
        assert_eq!(
            back.get("sw1a1aa"),
            Some(GridPoint {
                easting: 529_090,
                northing: 179_645
            })
        );
        assert_eq!(
            back.get("M33 7AB").unwrap().easting,
            377_001,
            "the last one wins"
        );
        assert_eq!(back.get("M33 7AC"), None);
        let bytes = table.to_bytes();
        assert!(FullPostcodes::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert!(FullPostcodes::from_bytes(b"hello").is_err());
    }
}
