//! Where places are: postcode sectors and districts to British National Grid points (metres),
//! from the centroid tables in `data/` (OS Code-Point Open, Open Government Licence). On the
//! grid, distance is plain Euclidean distance.

use std::collections::HashMap;
use std::sync::OnceLock;

const SECTORS_CSV: &str = include_str!("../data/sector_centroids_bng.csv");
const OUTCODES_CSV: &str = include_str!("../data/outcode_centroids_bng.csv");

pub const METRES_PER_MILE: f64 = 1609.344;

/// A point on the British National Grid, in metres.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GridPoint {
    pub easting: i64,
    pub northing: i64,
}

impl GridPoint {
    pub fn distance_metres(self, other: GridPoint) -> f64 {
        let de = (self.easting - other.easting) as f64;
        let dn = (self.northing - other.northing) as f64;
        (de * de + dn * dn).sqrt()
    }
}

/// A located place and how precisely it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub point: GridPoint,
    /// The sector ("M33 7") or district ("M33") whose centre was used.
    pub area: String,
}

struct Gazetteer {
    sectors: HashMap<String, GridPoint>,
    districts: HashMap<String, GridPoint>,
}

fn parse(csv: &str) -> HashMap<String, GridPoint> {
    csv.lines()
        .skip(1)
        .filter_map(|line| {
            let mut parts = line.split(',');
            let name = parts.next()?.to_owned();
            let easting = parts.next()?.parse().ok()?;
            let northing = parts.next()?.parse().ok()?;
            Some((name, GridPoint { easting, northing }))
        })
        .collect()
}

fn gazetteer() -> &'static Gazetteer {
    static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
    GAZETTEER.get_or_init(|| Gazetteer {
        sectors: parse(SECTORS_CSV),
        districts: parse(OUTCODES_CSV),
    })
}

static FULL: OnceLock<crate::postcodes::FullPostcodes> = OnceLock::new();

/// Uses full-precision postcodes from now on (once per process; later calls are ignored and
/// return false).
pub fn install_full_postcodes(table: crate::postcodes::FullPostcodes) -> bool {
    FULL.set(table).is_ok()
}

/// How many full postcodes are installed (0 when only sector centres are used).
pub fn full_postcodes() -> usize {
    FULL.get().map_or(0, |t| t.len())
}

/// "m33 7ab", "M33 7" or "m33" → the point for the postcode itself (when full postcodes are
/// installed), else its sector, else its district. Anything else, or a place outside Great
/// Britain's tables, is `None`.
pub fn locate(place: &str) -> Option<Located> {
    let compact: String = place
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if compact.is_empty() || compact.len() > 8 || !compact.is_ascii() {
        return None;
    }
    let g = gazetteer();
    // A full postcode ends digit-letter-letter; a sector ends with the digit.
    let bytes = compact.as_bytes();
    let n = bytes.len();
    let (district, sector_digit) = if n >= 5
        && bytes[n - 3].is_ascii_digit()
        && bytes[n - 2].is_ascii_alphabetic()
        && bytes[n - 1].is_ascii_alphabetic()
    {
        (&compact[..n - 3], Some(bytes[n - 3] as char))
    } else if n >= 3
        && bytes[n - 1].is_ascii_digit()
        && g.districts.contains_key(&compact[..n - 1])
        && !g.districts.contains_key(&compact)
    {
        (&compact[..n - 1], Some(bytes[n - 1] as char))
    } else {
        (&compact[..], None)
    };
    if let Some(digit) = sector_digit {
        let sector = format!("{district} {digit}");
        // A full postcode's own point; the area stays the sector (the demand log keeps no more).
        if n >= 5
            && bytes[n - 1].is_ascii_alphabetic()
            && let Some(point) = FULL.get().and_then(|t| t.get(&compact))
        {
            return Some(Located {
                point,
                area: sector,
            });
        }
        if let Some(point) = g.sectors.get(&sector) {
            return Some(Located {
                point: *point,
                area: sector,
            });
        }
    }
    g.districts.get(district).map(|point| Located {
        point: *point,
        area: district.to_owned(),
    })
}

/// Whether Kith's postcode data holds a place given normalised ("M33 7AB", "M33 7" or
/// "M33"): a district or sector must be in the centroid tables, and a full postcode's
/// sector must be. (The full table, when installed, only places postcodes more precisely:
/// it leaves out postcodes without coordinates, and an older table lacks new ones.)
pub fn is_known(place: &str) -> bool {
    let g = gazetteer();
    match place.split_once(' ') {
        None => g.districts.contains_key(place),
        Some((_, inward)) if inward.len() == 1 => g.sectors.contains_key(place),
        Some((outward, inward)) => inward
            .get(..1)
            .is_some_and(|digit| g.sectors.contains_key(&format!("{outward} {digit}"))),
    }
}

/// Every postcode sector in Great Britain with its centre (benchmarks spread listings over
/// them), sorted by name.
pub fn all_sectors() -> Vec<(String, GridPoint)> {
    let mut out: Vec<(String, GridPoint)> = gazetteer()
        .sectors
        .iter()
        .map(|(name, point)| (name.clone(), *point))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Every postcode sector in the given districts (e.g. a council's area), sorted.
pub fn sectors_in(districts: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = gazetteer()
        .sectors
        .keys()
        .filter(|s| s.split(' ').next().is_some_and(|d| districts.contains(&d)))
        .cloned()
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_postcodes_sectors_and_districts() {
        let sale = locate("m33 7ab").expect("full postcode");
        assert_eq!(sale.area, "M33 7");
        assert_eq!(locate("M33 7").unwrap().point, sale.point);
        assert_eq!(locate("m337").unwrap().area, "M33 7");
        assert_eq!(locate("M33").unwrap().area, "M33");
        assert_eq!(locate("M1").unwrap().area, "M1");
        assert_eq!(locate("M1 1AE").unwrap().area, "M1 1");
        assert_eq!(locate("ZZ99 9ZZ"), None);
        assert!(is_known("M33 7AB") && is_known("M33 7") && is_known("M33"));
        assert!(!is_known("ZZ99 9ZZ") && !is_known("ZZ99 9") && !is_known("ZZ99"));
        assert!(!is_known("M33 1"), "a sector that does not exist");
        assert_eq!(locate("<script>"), None);
        assert_eq!(locate(""), None);
        // Sale to Altrincham is about 5 km.
        let altrincham = locate("WA14 1").unwrap();
        let km = sale.point.distance_metres(altrincham.point) / 1000.0;
        assert!((3.0..8.0).contains(&km), "{km}");
    }
}

/// The side of a grid cell, in metres.
const CELL_M: i64 = 10_000;
/// Cells a listing is filed under at most in each direction: home visits reaching further
/// are filed under `FAR_CELL`, which every search near a place looks at.
const MAX_CELLS_ACROSS: i64 = 40;
/// The cell of home visits that reach too far to list their cells.
pub const FAR_CELL: u64 = u64::MAX;

/// The grid cell a point is in (10 km squares of the National Grid).
pub fn cell(p: GridPoint) -> u64 {
    let (x, y) = (p.easting.div_euclid(CELL_M), p.northing.div_euclid(CELL_M));
    // Offset so the (few) points off the grid's edges still get their own cells.
    ((x + 1_000) as u64) * 10_000 + (y + 1_000) as u64
}

/// Every cell within `radius` metres of `p` along either axis (the square around it), or
/// `FAR_CELL` alone when that is too many.
pub fn cells_around(p: GridPoint, radius: i64) -> Vec<u64> {
    let radius = radius.max(0);
    let (west, east) = (
        (p.easting - radius).div_euclid(CELL_M),
        (p.easting + radius).div_euclid(CELL_M),
    );
    let (south, north) = (
        (p.northing - radius).div_euclid(CELL_M),
        (p.northing + radius).div_euclid(CELL_M),
    );
    if east - west >= MAX_CELLS_ACROSS || north - south >= MAX_CELLS_ACROSS {
        return vec![FAR_CELL];
    }
    let mut cells = Vec::with_capacity(((east - west + 1) * (north - south + 1)) as usize);
    for x in west..=east {
        for y in south..=north {
            cells.push(cell(GridPoint {
                easting: x * CELL_M,
                northing: y * CELL_M,
            }));
        }
    }
    cells
}

#[cfg(test)]
mod cell_tests {
    use super::*;

    #[test]
    fn every_point_within_the_square_is_in_one_of_its_cells() {
        let here = GridPoint {
            easting: 379_950,
            northing: 390_010,
        };
        let radius = 16_094;
        let cells = cells_around(here, radius);
        assert_eq!(cells.len(), 16, "a 32 km square touches 4 × 4 cells here");
        for de in (-radius..=radius).step_by(997) {
            for dn in (-radius..=radius).step_by(1009) {
                let p = GridPoint {
                    easting: here.easting + de,
                    northing: here.northing + dn,
                };
                assert!(cells.contains(&cell(p)), "{p:?}");
            }
        }
        assert_eq!(cells_around(here, 300_000), [FAR_CELL]);
    }
}
