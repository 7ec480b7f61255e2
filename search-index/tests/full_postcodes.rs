//! With full postcodes installed (its own test process, as the table is process-wide), a
//! full postcode is found at its own point; sectors, districts and unknown units still use
//! the centroid tables.

use search_index::postcodes::FullPostcodes;
use search_index::{GridPoint, full_postcodes, install_full_postcodes, locate};

#[test]
fn a_full_postcode_is_found_at_its_own_point_and_others_at_their_sector() {
    let sector = locate("M33 7").unwrap().point;
    let own = GridPoint {
        easting: 377_500,
        northing: 391_250,
    };
    assert_ne!(own, sector);
    assert_eq!(
        locate("M33 7AB").unwrap().point,
        sector,
        "before: the sector's centre"
    );
    assert!(install_full_postcodes(FullPostcodes::from_rows([(
        "M33 7AB".to_owned(),
        own.easting,
        own.northing
    )])));
    assert_eq!(full_postcodes(), 1);
    let found = locate("m33 7ab").unwrap();
    assert_eq!(found.point, own);
    assert_eq!(found.area, "M33 7", "the area reported stays the sector");
    assert_eq!(
        locate("M33 7AD").unwrap().point,
        sector,
        "a unit not in the table"
    );
    assert_eq!(locate("M33 7").unwrap().point, sector);
    assert!(
        !install_full_postcodes(FullPostcodes::default()),
        "once per process"
    );
}
