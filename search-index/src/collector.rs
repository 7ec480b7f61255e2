//! Building index documents, and the collector that does in one pass what a search page
//! needs: the distance check (tantivy has no geo type, so eastings and northings are fast
//! columns), facet counts over every match, and the sort keys for paging.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentReader;
use tantivy::schema::TantivyDocument;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal};

use crate::geo::{GridPoint, METRES_PER_MILE};
use crate::schema::Fields;
use crate::{Facets, ListingDoc, SearchRequest, Sort};

/// Deepest result reachable by paging.
const MAX_KEPT: usize = 10_000;

/// Venues count as near when within this many miles, unless the search says otherwise.
pub const DEFAULT_RADIUS_MILES: f64 = 10.0;

pub fn document(f: &Fields, doc: &ListingDoc) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_u64(f.listing_id, doc.listing_id);
    d.add_u64(f.provider_id, doc.provider_id);
    if let Some(lang) = &doc.lang {
        d.add_text(f.lang, lang);
    }
    d.add_text(f.title, &doc.title);
    d.add_text(f.summary, &doc.summary);
    d.add_text(f.description, &doc.description);
    d.add_text(f.provider_name, &doc.provider_name);
    d.add_text(f.provider_kind, &doc.provider_kind);
    // Every level of each category path, once, so a top-level filter finds its kinds.
    let mut paths = BTreeSet::new();
    for category in &doc.categories {
        d.add_text(f.category_names, &category.name);
        let mut prefix = String::new();
        for part in category.path.split('/').filter(|p| !p.is_empty()) {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            paths.insert(prefix.clone());
        }
    }
    for path in paths {
        d.add_text(f.categories, path);
    }
    for (key, label) in unique(&doc.client_groups) {
        d.add_text(f.client_groups, key);
        d.add_text(f.client_group_names, label);
    }
    let languages: BTreeSet<&String> = doc.languages.iter().collect();
    for language in languages {
        d.add_text(f.languages, language);
        d.add_text(f.language_names, language);
    }
    let days: BTreeSet<&String> = doc.days.iter().collect();
    for day in days {
        d.add_text(f.days, day);
    }
    match &doc.price {
        crate::Price::Charged { pence, unit } => {
            d.add_u64(f.price_pence, *pence);
            d.add_text(f.price_unit, unit);
            d.add_u64(f.free, 0);
        }
        crate::Price::Free => {
            d.add_u64(f.price_pence, 0);
            d.add_u64(f.free, 1);
        }
        crate::Price::NotGiven => d.add_u64(f.free, 0),
    }
    d.add_u64(
        f.accepting,
        u64::from(doc.accepting_new_clients == Some(true)),
    );
    d.add_i64(f.modified, doc.modified);
    d.add_u64(f.opens, doc.opens.map_or(0, |m| u64::from(m) + 1));
    d.add_u64(f.closes, doc.closes.map_or(0, |m| u64::from(m) + 1));
    d.add_u64(f.dbs_checked, u64::from(doc.dbs_checked));
    d.add_u64(f.insured, u64::from(doc.insured));
    d.add_u64(f.quality_checked, u64::from(doc.quality_checked));
    d.add_u64(
        f.rating,
        doc.rating
            .map_or(0, |r| (r * 10.0).round().clamp(0.0, 40.0) as u64),
    );
    let own = doc
        .rating
        .map(|r| (r * 10.0).round().clamp(0.0, 40.0) as u64);
    let cqc = doc.cqc.as_ref().map(|c| u64::from(c.score.min(4)) * 10);
    d.add_u64(f.sort_rating, own.filter(|r| *r > 0).or(cqc).unwrap_or(0));
    if let Some(cqc) = &doc.cqc {
        d.add_text(f.cqc_rating, &cqc.rating);
        if let Some(published) = &cqc.published {
            d.add_text(f.cqc_published, published);
        }
    }
    d.add_u64(f.beds, doc.beds.map_or(0, u64::from));
    d.add_u64(f.nursing, u64::from(doc.nursing));
    d.add_u64(f.dementia, u64::from(doc.dementia));
    d.add_u64(
        f.places_now,
        u64::from(doc.places.as_ref().is_some_and(|p| p.free_now)),
    );
    if let Some(places) = &doc.places {
        d.add_text(f.places_summary, &places.summary);
        d.add_text(f.places_updated, &places.updated);
    }
    if let Some((point, radius)) = doc.home {
        d.add_i64(f.home_easting, point.easting);
        d.add_i64(f.home_northing, point.northing);
        d.add_i64(f.home_radius_m, radius);
        for cell in crate::geo::cells_around(point, radius) {
            d.add_u64(f.home_cells, cell);
        }
    }
    if let Some(photo) = &doc.photo {
        d.add_text(f.photo_thumbnail, &photo.thumbnail);
        d.add_text(f.photo_alt, &photo.alt);
    }
    if let Some(point) = doc.venue {
        d.add_i64(f.venue_easting, point.easting);
        d.add_i64(f.venue_northing, point.northing);
        d.add_u64(f.venue_cells, crate::geo::cell(point));
    }
    d.add_u64(f.online, u64::from(doc.online));
    d
}

fn unique(pairs: &[(String, String)]) -> Vec<(&String, &String)> {
    let mut seen = BTreeSet::new();
    pairs
        .iter()
        .filter(|(k, _)| seen.insert(k))
        .map(|(k, l)| (k, l))
        .collect()
}

/// One matching listing with what it sorts by.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub address: DocAddress,
    pub score: Score,
    /// Metres to the venue, when it is within the radius searched.
    pub venue_m: Option<f64>,
    /// The listing's home visits reach the place searched from.
    pub visits_home: bool,
    key: f64,
}

fn by_key(a: &Candidate, b: &Candidate) -> Ordering {
    a.key
        .total_cmp(&b.key)
        .then_with(|| b.score.total_cmp(&a.score))
        .then_with(|| a.address.cmp(&b.address))
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        by_key(self, other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Better candidates are smaller, so a max-heap keeps the worst on top to drop.
impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        by_key(self, other)
    }
}

/// The best matches so far (enough for the page asked for), how many matched in all, and
/// the facet counts over every match.
#[derive(Debug, Default)]
pub struct Found {
    best: BinaryHeap<Candidate>,
    keep: usize,
    total: usize,
    pub facets: Facets,
}

impl Found {
    fn offer(&mut self, candidate: Candidate) {
        self.total += 1;
        if self.best.len() < self.keep {
            self.best.push(candidate);
        } else if self.best.peek().is_some_and(|worst| candidate < *worst) {
            self.best.pop();
            self.best.push(candidate);
        }
    }

    pub fn total(&self) -> usize {
        self.total
    }

    /// The matches from `offset`, at most `limit`, in sort order.
    pub fn page(self, offset: usize, limit: usize) -> Vec<Candidate> {
        let mut sorted = self.best.into_sorted_vec();
        sorted.truncate(offset.saturating_add(limit));
        if offset >= sorted.len() {
            return Vec::new();
        }
        sorted.drain(offset..).collect()
    }
}

pub struct ListingCollector {
    near: Option<GridPoint>,
    venue_radius_m: f64,
    sort: Sort,
    scored: bool,
    /// How many of the best matches to keep: enough for the page asked for.
    keep: usize,
}

/// How far a venue may be, in metres, for a search within `radius_miles`.
pub fn venue_radius_m(radius_miles: Option<f64>) -> f64 {
    radius_miles
        .unwrap_or(DEFAULT_RADIUS_MILES)
        .clamp(0.0, 500.0)
        * METRES_PER_MILE
}

impl ListingCollector {
    pub fn new(request: &SearchRequest, scored: bool) -> Self {
        Self {
            near: request.near,
            venue_radius_m: venue_radius_m(request.radius_miles),
            sort: request.sort,
            scored,
            keep: request
                .offset
                .saturating_add(request.limit.clamp(1, 100))
                .min(MAX_KEPT),
        }
    }
}

const FACET_FIELDS: [&str; 6] = [
    "categories",
    "client_groups",
    "provider_kind",
    "languages",
    "days",
    "cqc_rating",
];

pub struct ListingSegmentCollector {
    segment: SegmentOrdinal,
    near: Option<GridPoint>,
    venue_radius_m: f64,
    sort: Sort,
    home: Option<(Column<i64>, Column<i64>, Column<i64>)>,
    venue: Option<(Column<i64>, Column<i64>)>,
    online: Option<Column<u64>>,
    price: Option<Column<u64>>,
    rating: Option<Column<u64>>,
    facets: Vec<(Option<StrColumn>, Vec<u64>)>,
    found: Found,
}

impl Collector for ListingCollector {
    type Fruit = Found;
    type Child = ListingSegmentCollector;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let ff = reader.fast_fields();
        let i64s = |name: &str| ff.column_opt::<i64>(name);
        let home = match (
            i64s("home_easting")?,
            i64s("home_northing")?,
            i64s("home_radius_m")?,
        ) {
            (Some(e), Some(n), Some(r)) => Some((e, n, r)),
            _ => None,
        };
        let venue = match (i64s("venue_easting")?, i64s("venue_northing")?) {
            (Some(e), Some(n)) => Some((e, n)),
            _ => None,
        };
        let mut facets = Vec::with_capacity(FACET_FIELDS.len());
        for name in FACET_FIELDS {
            let column = ff.str(name)?;
            let size = column.as_ref().map_or(0, |c| c.num_terms());
            facets.push((column, vec![0u64; size]));
        }
        Ok(ListingSegmentCollector {
            segment,
            near: self.near,
            venue_radius_m: self.venue_radius_m,
            sort: self.sort,
            home,
            venue,
            online: ff.column_opt::<u64>("online")?,
            price: ff.column_opt::<u64>("price_pence")?,
            rating: ff.column_opt::<u64>("sort_rating")?,
            facets,
            found: Found {
                keep: self.keep,
                ..Found::default()
            },
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scored
    }

    fn merge_fruits(&self, fruits: Vec<Found>) -> tantivy::Result<Found> {
        let mut merged = Found {
            keep: self.keep,
            ..Found::default()
        };
        for fruit in fruits {
            merged.total += fruit.total;
            for candidate in fruit.best {
                merged.best.push(candidate);
                if merged.best.len() > merged.keep {
                    merged.best.pop();
                }
            }
            for (into, from) in [
                (&mut merged.facets.categories, fruit.facets.categories),
                (&mut merged.facets.client_groups, fruit.facets.client_groups),
                (
                    &mut merged.facets.provider_kinds,
                    fruit.facets.provider_kinds,
                ),
                (&mut merged.facets.languages, fruit.facets.languages),
                (&mut merged.facets.days, fruit.facets.days),
                (&mut merged.facets.cqc_ratings, fruit.facets.cqc_ratings),
            ] {
                for (value, count) in from {
                    *into.entry(value).or_default() += count;
                }
            }
        }
        Ok(merged)
    }
}

/// How a listing serves the place searched from.
#[derive(Clone, Copy, Debug, Default)]
struct Reach {
    /// Metres to its venue, when the venue is within the radius.
    venue_m: Option<f64>,
    /// Metres from the base of its home visits, when the place is inside their area.
    home_m: Option<f64>,
}

impl ListingSegmentCollector {
    /// `Some` when the listing serves the place searched from (all `None`: an online service,
    /// or no place given); `None` when it does not.
    fn reach(&self, doc: DocId) -> Option<Reach> {
        let Some(here) = self.near else {
            return Some(Reach::default());
        };
        let mut reach = Reach::default();
        if let Some((e, n, r)) = &self.home
            && let (Some(e), Some(n), Some(r)) = (e.first(doc), n.first(doc), r.first(doc))
        {
            let d = here.distance_metres(GridPoint {
                easting: e,
                northing: n,
            });
            if d <= r as f64 {
                reach.home_m = Some(d);
            }
        }
        if let Some((e, n)) = &self.venue
            && let (Some(e), Some(n)) = (e.first(doc), n.first(doc))
        {
            let d = here.distance_metres(GridPoint {
                easting: e,
                northing: n,
            });
            if d <= self.venue_radius_m {
                reach.venue_m = Some(d);
            }
        }
        if reach.venue_m.is_some() || reach.home_m.is_some() {
            return Some(reach);
        }
        let online = self.online.as_ref().and_then(|c| c.first(doc)) == Some(1);
        online.then_some(reach)
    }
}

impl SegmentCollector for ListingSegmentCollector {
    type Fruit = Found;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(reach) = self.reach(doc) else {
            return;
        };
        for (column, counts) in &mut self.facets {
            if let Some(column) = column {
                for ord in column.term_ords(doc) {
                    if let Some(count) = counts.get_mut(ord as usize) {
                        *count += 1;
                    }
                }
            }
        }
        let key = match self.sort {
            Sort::Relevance => 0.0,
            Sort::Distance => match (reach.venue_m, reach.home_m) {
                (Some(v), Some(h)) => v.min(h),
                (v, h) => v.or(h).unwrap_or(f64::MAX),
            },
            Sort::Price => self
                .price
                .as_ref()
                .and_then(|c| c.first(doc))
                .map_or(f64::MAX, |p| p as f64),
            Sort::Rating => -(self.rating.as_ref().and_then(|c| c.first(doc)).unwrap_or(0) as f64),
        };
        self.found.offer(Candidate {
            address: DocAddress::new(self.segment, doc),
            score,
            venue_m: reach.venue_m,
            visits_home: reach.home_m.is_some(),
            key,
        });
    }

    fn harvest(mut self) -> Found {
        let mut maps: Vec<BTreeMap<String, u64>> = Vec::with_capacity(self.facets.len());
        for (column, counts) in &self.facets {
            let mut map = BTreeMap::new();
            if let Some(column) = column {
                let mut value = String::new();
                for (ord, count) in counts.iter().enumerate() {
                    if *count > 0 && column.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                        map.insert(value.clone(), *count);
                    }
                }
            }
            maps.push(map);
        }
        let mut maps = maps.into_iter();
        self.found.facets = Facets {
            categories: maps.next().unwrap_or_default(),
            client_groups: maps.next().unwrap_or_default(),
            provider_kinds: maps.next().unwrap_or_default(),
            languages: maps.next().unwrap_or_default(),
            days: maps.next().unwrap_or_default(),
            cqc_ratings: maps.next().unwrap_or_default(),
        };
        self.found
    }
}
