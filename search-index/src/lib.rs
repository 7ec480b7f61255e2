//! The tantivy search index over published listings: schema, writer, queries, facets and
//! distance. The web service talks to it through a small typed API — [`ListingDoc`] in,
//! [`SearchRequest`] → [`SearchResults`] out — so no tantivy type leaks into handlers.
//!
//! One [`SearchIndex`] per process owns the only writer; searches use the reader, which is
//! reloaded after every commit. Each commit carries the id of the last change applied, so a
//! restarted process knows where to catch up from.

mod cache;
mod collector;
pub mod geo;
pub mod postcodes;
mod query;
mod rebuild;
mod schema;
pub mod wgs84;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use tantivy::collector::Count;
use tantivy::query::AllQuery;
use tantivy::schema::{TantivyDocument, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

pub use geo::{
    GridPoint, Located, METRES_PER_MILE, full_postcodes, install_full_postcodes, is_known, locate,
};
pub use rebuild::{Rebuild, Rebuilding};
use schema::Fields;
pub use wgs84::to_wgs84;

/// Bumped whenever the schema or what is indexed changes: an index built by another
/// version is rebuilt from the database.
pub const SCHEMA_VERSION: &str = "7";
const WRITER_MEMORY_BYTES: usize = 50_000_000;
/// Longest query text looked at; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index directory: {0}")]
    Io(#[from] std::io::Error),
    #[error("search index: {0}")]
    OpenDirectory(#[from] tantivy::directory::error::OpenDirectoryError),
}

/// A category a listing is filed under: its path ("respite/respite-agency") and name.
#[derive(Clone, Debug, PartialEq)]
pub struct CategoryRef {
    pub path: String,
    pub name: String,
}

/// Everything the index needs about one published listing.
#[derive(Clone, Debug, PartialEq)]
pub struct ListingDoc {
    pub listing_id: u64,
    pub provider_id: u64,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub provider_name: String,
    pub provider_kind: String,
    pub categories: Vec<CategoryRef>,
    /// (key, label)
    pub client_groups: Vec<(String, String)>,
    pub languages: Vec<String>,
    /// mon … sun
    pub days: Vec<String>,
    pub price: Price,
    /// `None` when the listing does not say: it matches no "taking new clients" filter.
    pub accepting_new_clients: Option<bool>,
    pub dbs_checked: bool,
    pub insured: bool,
    pub quality_checked: bool,
    pub rating: Option<f32>,
    /// The base of home visits and how far the provider travels, in metres.
    pub home: Option<(GridPoint, i64)>,
    pub venue: Option<GridPoint>,
    pub online: bool,
    /// When the public version last changed (Unix seconds).
    pub modified: i64,
    /// Opening and closing time, in minutes after midnight, when the listing gives them.
    pub opens: Option<u16>,
    pub closes: Option<u16>,
    /// The language the title, summary and description are written in, when not English
    /// (a BCP 47 tag, for the `lang` attribute of results).
    pub lang: Option<String>,
    /// The first photo, for the result card.
    pub photo: Option<Photo>,
    /// What CQC's register says of the location, for registered services it has rated.
    pub cqc: Option<CqcRating>,
    /// A care home's registered beds.
    pub beds: Option<u32>,
    /// Provides nursing care, or care for people living with dementia (from the register or
    /// the listing's types of support).
    pub nursing: bool,
    pub dementia: bool,
    /// The places its provider says are free.
    pub places: Option<Places>,
}

/// What a listing says of its places: whether any are free now, in words ("2 nursing
/// places"), and when the provider said so (RFC 3339).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Places {
    pub free_now: bool,
    pub summary: String,
    pub updated: String,
}

/// CQC's overall rating of a location: its key ("good", "requires_improvement" …) and the
/// day CQC published it (ISO 8601), when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CqcRating {
    pub rating: String,
    pub published: Option<String>,
    /// Sorts like the council's 1–4 score: outstanding 4 … inadequate 1.
    pub score: u8,
}

/// A picture shown with a result: the thumbnail's stored file name and what it shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Photo {
    pub thumbnail: String,
    pub alt: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Relevance,
    Distance,
    Price,
    Rating,
}

/// What a listing costs, as the index keeps it. `NotGiven` has no price at all: it matches
/// no price filter and sorts after every price.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Price {
    Free,
    Charged {
        pence: u64,
        unit: String,
    },
    #[default]
    NotGiven,
}

/// A search: free text and filters. Values within one filter are alternatives (any of);
/// different filters must all hold.
#[derive(Clone, Debug, Default)]
pub struct SearchRequest {
    pub text: String,
    /// Category paths or top-level slugs.
    pub categories: Vec<String>,
    pub client_groups: Vec<String>,
    pub provider_kinds: Vec<String>,
    pub languages: Vec<String>,
    pub days: Vec<String>,
    /// Where the person is; with it, home-visit listings must reach them and venues be
    /// within `radius_miles`. Online services always qualify.
    pub near: Option<GridPoint>,
    pub radius_miles: Option<f64>,
    pub max_price_pence: Option<u64>,
    pub price_unit: Option<String>,
    pub accepting_only: bool,
    pub dbs_checked: bool,
    pub insured: bool,
    pub quality_checked: bool,
    pub min_rating: Option<f32>,
    /// CQC overall ratings (keys), any of.
    pub cqc_ratings: Vec<String>,
    /// Care homes with beds in any of these ranges (inclusive).
    pub beds: Vec<(u32, u32)>,
    pub nursing: bool,
    pub dementia: bool,
    /// Only listings with places free now.
    pub places_now: bool,
    /// Only listings whose public version changed at or after this (Unix seconds).
    pub modified_after: Option<i64>,
    /// Only listings that open at or after this minute of the day, and close at or before
    /// `closes_by` (Open Referral's `start_time` and `end_time`); listings without times
    /// never match either.
    pub opens_from: Option<u16>,
    pub closes_by: Option<u16>,
    /// Only listings with a place to go to: a venue, or online.
    pub with_location: bool,
    /// Only these listings (a saved search's candidates for new matches); `Some` of none
    /// matches nothing.
    pub only_listings: Option<Vec<u64>>,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
}

/// Counts of matching listings per value, for each facet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facets {
    pub categories: BTreeMap<String, u64>,
    pub client_groups: BTreeMap<String, u64>,
    pub provider_kinds: BTreeMap<String, u64>,
    pub languages: BTreeMap<String, u64>,
    pub days: BTreeMap<String, u64>,
    pub cqc_ratings: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub listing_id: u64,
    pub provider_id: u64,
    pub title: String,
    pub summary: String,
    pub provider_name: String,
    /// The best-matching passage with matches in `<b>`, HTML-escaped; `None` without text.
    pub snippet_html: Option<String>,
    /// How far away the listing's venue is, when it has one within the radius searched.
    pub distance_miles: Option<f64>,
    /// The provider visits people at home in the area searched from.
    pub visits_home: bool,
    pub price: Price,
    pub rating: Option<f32>,
    /// The language the title and summary are written in, when not English.
    pub lang: Option<String>,
    pub accepting: bool,
    pub dbs_checked: bool,
    pub insured: bool,
    pub quality_checked: bool,
    pub photo: Option<Photo>,
    /// CQC's overall rating key and its publication day (ISO 8601), when rated.
    pub cqc_rating: Option<String>,
    pub cqc_published: Option<String>,
    pub beds: Option<u32>,
    /// The places its provider says are free, and when they said so (RFC 3339).
    pub places: Option<(String, String)>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    progress: rebuild::Progress,
    cache: cache::Cache,
    /// The last change committed (`NONE` until the index is built whole), kept so that
    /// asking does not read the index's files.
    last_applied: std::sync::atomic::AtomicI64,
}

/// `last_applied` before any change has been committed.
const NONE: i64 = i64::MIN;

impl SearchIndex {
    /// Opens the index in `dir`, creating it (or re-creating it, if it was built by another
    /// schema version) as needed.
    pub fn open(dir: &Path) -> Result<Self, SearchError> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema::build();
        let opened = Index::open_in_dir(dir).ok();
        let usable = opened.as_ref().is_some_and(|index| {
            index.schema() == schema
                && payload_of(index).is_some_and(|(version, _)| version == SCHEMA_VERSION)
        });
        let index = match opened {
            Some(index) if usable => index,
            other => {
                // Never wipe an index another process is writing to.
                if let Some(index) = other {
                    let writer: IndexWriter = index.writer(WRITER_MEMORY_BYTES)?;
                    drop(writer);
                }
                for entry in std::fs::read_dir(dir)? {
                    let path = entry?.path();
                    if path.is_file() {
                        std::fs::remove_file(path)?;
                    }
                }
                Index::create_in_dir(dir, schema)?
            }
        };
        Self::with_index(index, fields)
    }

    /// An index in memory (tests and benchmarks).
    pub fn in_memory() -> Result<Self, SearchError> {
        let (schema, fields) = schema::build();
        Self::with_index(Index::create_in_ram(schema), fields)
    }

    fn with_index(mut index: Index, fields: Fields) -> Result<Self, SearchError> {
        // Segments are searched in parallel, one thread per core.
        index.set_default_multithread_executor()?;
        let writer = index.writer(WRITER_MEMORY_BYTES)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let last_applied = payload_of(&index).and_then(|(_, id)| id).unwrap_or(NONE);
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            progress: rebuild::Progress::default(),
            cache: cache::Cache::default(),
            last_applied: std::sync::atomic::AtomicI64::new(last_applied),
        })
    }

    /// The id of the last change applied and committed, if the index has one.
    pub fn last_applied_change(&self) -> Option<i64> {
        let id = self.last_applied.load(std::sync::atomic::Ordering::Acquire);
        (id != NONE).then_some(id)
    }

    /// Adds or replaces listings and removes others, then commits (recording `change_id`)
    /// and makes the result visible to searches.
    pub fn apply(
        &self,
        upserts: &[ListingDoc],
        deletes: &[u64],
        change_id: Option<i64>,
    ) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        for id in deletes
            .iter()
            .copied()
            .chain(upserts.iter().map(|d| d.listing_id))
        {
            writer.delete_term(Term::from_field_u64(self.fields.listing_id, id));
        }
        for doc in upserts {
            writer.add_document(collector::document(&self.fields, doc))?;
        }
        let payload = format!(
            "{SCHEMA_VERSION}:{}",
            change_id.map(|id| id.to_string()).unwrap_or_default()
        );
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        drop(writer);
        self.last_applied.store(
            change_id.unwrap_or(NONE),
            std::sync::atomic::Ordering::Release,
        );
        self.reader.reload()?;
        self.cache.next_generation();
        Ok(())
    }

    /// Removes every listing (before a full rebuild); the next `apply` commits.
    pub fn clear(&self) -> Result<(), SearchError> {
        let writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        writer.delete_all_documents()?;
        Ok(())
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Every listing id in the index, sorted (for comparing rebuilds).
    pub fn listing_ids(&self) -> Result<Vec<u64>, SearchError> {
        let searcher = self.reader.searcher();
        let mut ids = Vec::new();
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().u64("listing_id")?;
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    ids.extend(column.first(doc));
                }
            }
        }
        ids.sort_unstable();
        Ok(ids)
    }

    /// Everything the index holds, one sorted line per fact: each indexed term with the
    /// listing that has it, each listing's stored fields, and the values kept only for
    /// sorting. Two indexes with equal fingerprints answer every search alike, however
    /// their segments happen to be laid out (used to check a live index against a rebuild).
    pub fn fingerprint(&self) -> Result<Vec<String>, SearchError> {
        use tantivy::postings::Postings as _;
        use tantivy::schema::document::Document as _;
        use tantivy::{DocSet as _, TERMINATED, TantivyDocument};
        let searcher = self.reader.searcher();
        let schema = self.index.schema();
        let mut lines = Vec::new();
        for segment in searcher.segment_readers() {
            let ids = segment.fast_fields().u64("listing_id")?;
            let radius = segment.fast_fields().i64("home_radius_m")?;
            let alive = |doc| segment.alive_bitset().is_none_or(|a| a.is_alive(doc));
            for (field, entry) in schema.fields() {
                if !entry.is_indexed() {
                    continue;
                }
                let inverted = segment.inverted_index(field)?;
                let mut terms = inverted.terms().stream()?;
                while terms.advance() {
                    let mut postings = inverted.read_postings_from_terminfo(
                        terms.value(),
                        tantivy::schema::IndexRecordOption::WithFreqsAndPositions,
                    )?;
                    let mut doc = postings.doc();
                    while doc != TERMINATED {
                        if alive(doc) {
                            let mut positions = Vec::new();
                            postings.positions(&mut positions);
                            lines.push(format!(
                                "{} {} {:?} {positions:?}",
                                ids.first(doc).unwrap_or(u64::MAX),
                                entry.name(),
                                terms.key(),
                            ));
                        }
                        doc = postings.advance();
                    }
                }
            }
            let store = segment.get_store_reader(1)?;
            for doc in (0..segment.max_doc()).filter(|d| alive(*d)) {
                let id = ids.first(doc).unwrap_or(u64::MAX);
                let stored: TantivyDocument = store.get(doc)?;
                lines.push(format!("{id} stored {}", stored.to_json(&schema)));
                lines.push(format!("{id} home_radius_m {:?}", radius.first(doc)));
            }
        }
        lines.sort_unstable();
        Ok(lines)
    }

    /// Runs a search. Query text is handled leniently: whatever a person types gives results
    /// or none, never an error.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let generation = self.cache.generation();
        let key = cache::key_of(request);
        if let Some(found) = key.as_deref().and_then(|k| self.cache.get(generation, k)) {
            return Ok(found);
        }
        let results = self.search_index(request)?;
        if let Some(key) = key {
            self.cache.put(generation, key, &results);
        }
        Ok(results)
    }

    /// Searches answered from the cache of answers, and searches run, since the process
    /// started.
    pub fn cache_counts(&self) -> (u64, u64) {
        self.cache.counts()
    }

    /// Runs the search on the index itself, never answering from the cache (benchmarks).
    pub fn search_index(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let searcher = self.reader.searcher();
        let text_query = query::text_query(&searcher, &self.fields, &request.text);
        let full = query::with_filters(&self.fields, text_query.as_deref(), request);
        let mut found = searcher.search(
            &*full,
            &collector::ListingCollector::new(request, text_query.is_some()),
        )?;
        let limit = request.limit.clamp(1, 100);
        let snippets = match &text_query {
            Some(q) => {
                let mut summary = SnippetGenerator::create(&searcher, &**q, self.fields.summary)?;
                summary.set_max_num_chars(200);
                let mut description =
                    SnippetGenerator::create(&searcher, &**q, self.fields.description)?;
                description.set_max_num_chars(200);
                Some((summary, description))
            }
            None => None,
        };
        let total = found.total();
        let facets = std::mem::take(&mut found.facets);
        let mut hits = Vec::new();
        for candidate in found.page(request.offset, limit) {
            let doc: TantivyDocument = searcher.doc(candidate.address)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let number = |field| doc.get_first(field).and_then(|v| v.as_u64());
            let snippet_html = snippets.as_ref().and_then(|(summary, description)| {
                let s = description.snippet_from_doc(&doc);
                let s = if s.is_empty() {
                    summary.snippet_from_doc(&doc)
                } else {
                    s
                };
                (!s.is_empty()).then(|| s.to_html())
            });
            let free = number(self.fields.free) == Some(1);
            let charged = (!free).then(|| number(self.fields.price_pence)).flatten();
            hits.push(Hit {
                listing_id: number(self.fields.listing_id).unwrap_or_default(),
                provider_id: number(self.fields.provider_id).unwrap_or_default(),
                title: text(self.fields.title),
                summary: text(self.fields.summary),
                provider_name: text(self.fields.provider_name),
                snippet_html,
                distance_miles: candidate.venue_m.map(|m| m / METRES_PER_MILE),
                visits_home: candidate.visits_home,
                price: match (free, charged) {
                    (true, _) => Price::Free,
                    (false, Some(pence)) => Price::Charged {
                        pence,
                        unit: text(self.fields.price_unit),
                    },
                    (false, None) => Price::NotGiven,
                },
                rating: number(self.fields.rating)
                    .filter(|r| *r > 0)
                    .map(|r| r as f32 / 10.0),
                lang: Some(text(self.fields.lang)).filter(|l| !l.is_empty()),
                accepting: number(self.fields.accepting) == Some(1),
                dbs_checked: number(self.fields.dbs_checked) == Some(1),
                insured: number(self.fields.insured) == Some(1),
                quality_checked: number(self.fields.quality_checked) == Some(1),
                photo: Some(text(self.fields.photo_thumbnail))
                    .filter(|t| !t.is_empty())
                    .map(|thumbnail| Photo {
                        thumbnail,
                        alt: text(self.fields.photo_alt),
                    }),
                cqc_rating: Some(text(self.fields.cqc_rating)).filter(|r| !r.is_empty()),
                cqc_published: Some(text(self.fields.cqc_published)).filter(|d| !d.is_empty()),
                beds: number(self.fields.beds)
                    .filter(|b| *b > 0)
                    .and_then(|b| u32::try_from(b).ok()),
                places: Some(text(self.fields.places_summary))
                    .filter(|s| !s.is_empty())
                    .map(|s| (s, text(self.fields.places_updated))),
            });
        }
        Ok(SearchResults {
            total,
            hits,
            facets,
        })
    }

    /// How many listings are searchable (a cheap health figure).
    pub fn count_all(&self) -> Result<usize, SearchError> {
        Ok(self.reader.searcher().search(&AllQuery, &Count)?)
    }
}

/// (schema version, last change id) from the last commit's payload.
fn payload_of(index: &Index) -> Option<(String, Option<i64>)> {
    let payload = index.load_metas().ok()?.payload?;
    let (version, id) = payload.split_once(':')?;
    Some((version.to_owned(), id.parse().ok()))
}
