//! British National Grid (OSGB36 eastings/northings) to WGS84 latitude/longitude, for the
//! standards that want degrees (Open Referral UK, schema.org). Inverse transverse Mercator
//! on the Airy 1830 ellipsoid, then a seven-parameter Helmert shift to WGS84: good to a few
//! metres, far finer than the postcode centroids it is used on.

use crate::geo::GridPoint;

struct Ellipsoid {
    a: f64,
    b: f64,
}

const AIRY_1830: Ellipsoid = Ellipsoid {
    a: 6_377_563.396,
    b: 6_356_256.909,
};
const GRS80: Ellipsoid = Ellipsoid {
    a: 6_378_137.0,
    b: 6_356_752.314_1,
};

/// National Grid projection: scale on the central meridian, true origin, false origin.
const F0: f64 = 0.999_601_271_7;
const LAT0_DEG: f64 = 49.0;
const LON0_DEG: f64 = -2.0;
const E0: f64 = 400_000.0;
const N0: f64 = -100_000.0;

/// Latitude and longitude in degrees on the OSGB36 datum.
fn grid_to_osgb36(easting: f64, northing: f64) -> (f64, f64) {
    let Ellipsoid { a, b } = AIRY_1830;
    let (lat0, lon0) = (LAT0_DEG.to_radians(), LON0_DEG.to_radians());
    let e2 = 1.0 - (b * b) / (a * a);
    let n = (a - b) / (a + b);
    let (n2, n3) = (n * n, n * n * n);
    let meridional = |lat: f64| {
        let (d, s) = (lat - lat0, lat + lat0);
        b * F0
            * ((1.0 + n + 1.25 * n2 + 1.25 * n3) * d
                - (3.0 * n + 3.0 * n2 + 2.625 * n3) * d.sin() * s.cos()
                + (1.875 * n2 + 1.875 * n3) * (2.0 * d).sin() * (2.0 * s).cos()
                - (35.0 / 24.0) * n3 * (3.0 * d).sin() * (3.0 * s).cos())
    };
    let mut lat = lat0;
    let mut m = 0.0;
    for _ in 0..100 {
        lat += (northing - N0 - m) / (a * F0);
        m = meridional(lat);
        if (northing - N0 - m).abs() < 0.000_01 {
            break;
        }
    }
    let (sin, cos, tan) = (lat.sin(), lat.cos(), lat.tan());
    let nu = a * F0 / (1.0 - e2 * sin * sin).sqrt();
    let rho = a * F0 * (1.0 - e2) / (1.0 - e2 * sin * sin).powf(1.5);
    let eta2 = nu / rho - 1.0;
    let (t2, t4, t6) = (tan * tan, tan.powi(4), tan.powi(6));
    let sec = 1.0 / cos;
    let vii = tan / (2.0 * rho * nu);
    let viii = tan / (24.0 * rho * nu.powi(3)) * (5.0 + 3.0 * t2 + eta2 - 9.0 * t2 * eta2);
    let ix = tan / (720.0 * rho * nu.powi(5)) * (61.0 + 90.0 * t2 + 45.0 * t4);
    let x = sec / nu;
    let xi = sec / (6.0 * nu.powi(3)) * (nu / rho + 2.0 * t2);
    let xii = sec / (120.0 * nu.powi(5)) * (5.0 + 28.0 * t2 + 24.0 * t4);
    let xiia = sec / (5040.0 * nu.powi(7)) * (61.0 + 662.0 * t2 + 1320.0 * t4 + 720.0 * t6);
    let de = easting - E0;
    let lat = lat - vii * de.powi(2) + viii * de.powi(4) - ix * de.powi(6);
    let lon = lon0 + x * de - xi * de.powi(3) + xii * de.powi(5) - xiia * de.powi(7);
    (lat.to_degrees(), lon.to_degrees())
}

fn to_cartesian(lat: f64, lon: f64, e: &Ellipsoid) -> (f64, f64, f64) {
    let (lat, lon) = (lat.to_radians(), lon.to_radians());
    let e2 = 1.0 - (e.b * e.b) / (e.a * e.a);
    let nu = e.a / (1.0 - e2 * lat.sin().powi(2)).sqrt();
    (
        nu * lat.cos() * lon.cos(),
        nu * lat.cos() * lon.sin(),
        (1.0 - e2) * nu * lat.sin(),
    )
}

fn from_cartesian(x: f64, y: f64, z: f64, e: &Ellipsoid) -> (f64, f64) {
    let e2 = 1.0 - (e.b * e.b) / (e.a * e.a);
    let p = (x * x + y * y).sqrt();
    let mut lat = z.atan2(p * (1.0 - e2));
    for _ in 0..10 {
        let nu = e.a / (1.0 - e2 * lat.sin().powi(2)).sqrt();
        lat = (z + e2 * nu * lat.sin()).atan2(p);
    }
    (lat.to_degrees(), y.atan2(x).to_degrees())
}

/// (latitude, longitude) in WGS84 degrees, rounded to 6 places (about 10 cm).
pub fn to_wgs84(point: GridPoint) -> (f64, f64) {
    let (lat, lon) = grid_to_osgb36(point.easting as f64, point.northing as f64);
    let (lat, lon) = osgb36_to_wgs84(lat, lon);
    let round = |v: f64| (v * 1e6).round() / 1e6;
    (round(lat), round(lon))
}

fn osgb36_to_wgs84(lat: f64, lon: f64) -> (f64, f64) {
    let (x, y, z) = to_cartesian(lat, lon, &AIRY_1830);
    // OSGB36 → WGS84 Helmert parameters (metres, parts per million, arc-seconds).
    let (tx, ty, tz) = (446.448, -125.157, 542.060);
    let s = -20.4894e-6;
    let sec = |arc: f64| (arc / 3600.0).to_radians();
    let (rx, ry, rz) = (sec(0.1502), sec(0.2470), sec(0.8421));
    let x2 = tx + (1.0 + s) * x - rz * y + ry * z;
    let y2 = ty + rz * x + (1.0 + s) * y - rx * z;
    let z2 = tz - ry * x + rx * y + (1.0 + s) * z;
    from_cartesian(x2, y2, z2, &GRS80)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ordnance_survey_worked_example_converts_to_osgb36() {
        // OS "A guide to coordinate systems in Great Britain", example C.2:
        // E 651409.903, N 313177.270 → 52°39′27.2531″N, 1°43′4.5177″E (OSGB36).
        let (lat, lon) = grid_to_osgb36(651_409.903, 313_177.270);
        let dms = |d: f64, m: f64, s: f64| d + m / 60.0 + s / 3600.0;
        assert!((lat - dms(52.0, 39.0, 27.2531)).abs() < 1e-6, "{lat}");
        assert!((lon - dms(1.0, 43.0, 4.5177)).abs() < 1e-6, "{lon}");
    }

    #[test]
    fn the_worked_example_converts_to_wgs84_as_published() {
        // The same point in WGS84 (Helmert shift, as in the OS guide's transformation and
        // widely published conversions): 52°39′28.72″N, 1°42′57.79″E, about 45 m north
        // and 127 m west of its OSGB36 place.
        let (lat, lon) = to_wgs84(GridPoint {
            easting: 651_410,
            northing: 313_177,
        });
        let dms = |d: f64, m: f64, s: f64| d + m / 60.0 + s / 3600.0;
        assert!((lat - dms(52.0, 39.0, 28.72)).abs() < 0.000_02, "{lat}");
        assert!((lon - dms(1.0, 42.0, 57.79)).abs() < 0.000_03, "{lon}");
    }

    #[test]
    fn manchester_and_london_land_where_they_are() {
        // Manchester Town Hall and Nelson's Column, within about 150 m of their places.
        let (lat, lon) = to_wgs84(GridPoint {
            easting: 383_890,
            northing: 398_190,
        });
        assert!(
            (lat - 53.4794).abs() < 0.0015 && (lon + 2.2446).abs() < 0.0015,
            "{lat},{lon}"
        );
        let (lat, lon) = to_wgs84(GridPoint {
            easting: 530_047,
            northing: 180_422,
        });
        assert!(
            (lat - 51.5077).abs() < 0.0015 && (lon + 0.1280).abs() < 0.0015,
            "{lat},{lon}"
        );
    }
}
