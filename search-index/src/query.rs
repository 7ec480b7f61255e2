//! Turning what a person typed and the filters they chose into a tantivy query. Text is
//! read leniently: quoted phrases become phrase queries, every other word is stemmed and
//! searched across the text fields (title weighted highest), words the index has never seen
//! are matched fuzzily, and anything unparseable is simply ignored.

use std::ops::Bound;

use tantivy::query::{
    BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::geo::GridPoint;
use crate::schema::{Fields, STEMMER};
use crate::{MAX_QUERY_CHARS, SearchRequest};

const MAX_WORDS: usize = 16;
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "i", "in", "is", "it", "me",
    "my", "near", "not", "of", "on", "or", "the", "to", "with", "we", "you",
];

fn text_fields(f: &Fields) -> [(Field, f32); 7] {
    [
        (f.title, 3.0),
        (f.category_names, 2.0),
        (f.summary, 1.5),
        (f.client_group_names, 1.5),
        (f.provider_name, 1.5),
        (f.description, 1.0),
        (f.language_names, 1.0),
    ]
}

/// The stemmed tokens of `text`.
fn analyse(searcher: &Searcher, text: &str) -> Vec<String> {
    let Some(mut analyzer) = searcher.index().tokenizers().get(STEMMER) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    stream.process(&mut |token| out.push(token.text.clone()));
    out
}

/// Splits the text into quoted phrases and loose words.
fn phrases_and_words(text: &str) -> (Vec<String>, String) {
    let text: String = text.chars().take(MAX_QUERY_CHARS).collect();
    let mut phrases = Vec::new();
    let mut loose = String::new();
    for (i, part) in text.split('"').enumerate() {
        // Odd parts were inside quotes, unless the last quote was never closed.
        if i % 2 == 1 && text.matches('"').count() > i {
            phrases.push(part.to_owned());
        } else {
            loose.push(' ');
            loose.push_str(part);
        }
    }
    (phrases, loose)
}

fn word_query(searcher: &Searcher, fields: &Fields, token: &str) -> Box<dyn Query> {
    let known = text_fields(fields).iter().any(|(field, _)| {
        searcher
            .doc_freq(&Term::from_field_text(*field, token))
            .is_ok_and(|n| n > 0)
    });
    let distance = match token.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    // Fuzzy matching is costly: it is kept to the fields that say what a service is.
    let fuzzy_fields = [
        fields.title,
        fields.category_names,
        fields.summary,
        fields.description,
    ];
    let clauses = text_fields(fields)
        .iter()
        .filter(|(field, _)| known || distance == 0 || fuzzy_fields.contains(field))
        .map(|(field, boost)| {
            let term = Term::from_field_text(*field, token);
            let query: Box<dyn Query> = if known || distance == 0 {
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
            } else {
                Box::new(FuzzyTermQuery::new(term, distance, true))
            };
            (
                Occur::Should,
                Box::new(BoostQuery::new(query, *boost)) as Box<dyn Query>,
            )
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

fn phrase_query(fields: &Fields, tokens: &[String]) -> Box<dyn Query> {
    let clauses = text_fields(fields)
        .iter()
        .map(|(field, boost)| {
            let terms: Vec<Term> = tokens
                .iter()
                .map(|t| Term::from_field_text(*field, t))
                .collect();
            let query: Box<dyn Query> = if terms.len() == 1 {
                Box::new(TermQuery::new(
                    terms[0].clone(),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                Box::new(PhraseQuery::new(terms))
            };
            (
                Occur::Should,
                Box::new(BoostQuery::new(query, *boost)) as Box<dyn Query>,
            )
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

/// The query for the typed text, or `None` when it holds nothing searchable.
pub fn text_query(searcher: &Searcher, fields: &Fields, text: &str) -> Option<Box<dyn Query>> {
    let (phrases, loose) = phrases_and_words(text);
    let mut musts: Vec<Box<dyn Query>> = Vec::new();
    for phrase in phrases {
        let tokens = analyse(searcher, &phrase);
        if !tokens.is_empty() && musts.len() < MAX_WORDS {
            musts.push(phrase_query(fields, &tokens));
        }
    }
    let mut words: Vec<String> = Vec::new();
    for token in analyse(searcher, &loose) {
        if !STOP_WORDS.contains(&token.as_str()) && !words.contains(&token) {
            words.push(token);
        }
    }
    words.truncate(MAX_WORDS.saturating_sub(musts.len()));
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        musts.into_iter().map(|q| (Occur::Must, q)).collect();
    let required_phrases = clauses.len();
    if !words.is_empty() {
        let word_clauses: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .map(|w| (Occur::Should, word_query(searcher, fields, w)))
            .collect();
        // Most of the words must match: all of one or two, all but one of more.
        let minimum = if words.len() <= 2 {
            words.len().min(1)
        } else {
            words.len() - 1
        };
        clauses.push((
            Occur::Must,
            Box::new(BooleanQuery::with_minimum_required_clauses(
                word_clauses,
                minimum,
            )),
        ));
    }
    if clauses.is_empty() {
        return None;
    }
    if clauses.len() == 1 && required_phrases == 0 {
        return clauses.pop().map(|(_, q)| q);
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

fn any_of(field: Field, values: &[String]) -> Option<Box<dyn Query>> {
    if values.is_empty() {
        return None;
    }
    let clauses = values
        .iter()
        .map(|v| {
            (
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(field, v),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>,
            )
        })
        .collect();
    Some(Box::new(BooleanQuery::new(clauses)))
}

fn is(field: Field, value: u64) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_u64(field, value),
        IndexRecordOption::Basic,
    ))
}

fn at_most(field: Field, max: u64) -> Box<dyn Query> {
    Box::new(RangeQuery::new(
        Bound::Included(Term::from_field_u64(field, 0)),
        Bound::Included(Term::from_field_u64(field, max)),
    ))
}

fn between(field: Field, low: u64, high: u64) -> Box<dyn Query> {
    Box::new(RangeQuery::new(
        Bound::Included(Term::from_field_u64(field, low)),
        Bound::Included(Term::from_field_u64(field, high)),
    ))
}

/// The listings that may serve a place: a venue in a grid cell the search's square
/// touches, home visits that reach the place's cell, or online. A coarse cut from the
/// inverted index before anything is scored; the collector then checks true distances.
/// No cut when the square is too wide for its cells to be worth listing.
fn near(fields: &Fields, here: GridPoint, radius_miles: Option<f64>) -> Option<Box<dyn Query>> {
    let radius = (crate::collector::venue_radius_m(radius_miles).ceil() as i64).max(0);
    let venue_cells = crate::geo::cells_around(here, radius);
    if venue_cells == [crate::geo::FAR_CELL] {
        return None;
    }
    let terms = |field: Field, cells: Vec<u64>| -> Box<dyn Query> {
        Box::new(tantivy::query::TermSetQuery::new(
            cells.into_iter().map(|c| Term::from_field_u64(field, c)),
        ))
    };
    Some(Box::new(BooleanQuery::new(vec![
        (Occur::Should, terms(fields.venue_cells, venue_cells)),
        (
            Occur::Should,
            terms(
                fields.home_cells,
                vec![crate::geo::cell(here), crate::geo::FAR_CELL],
            ),
        ),
        (Occur::Should, is(fields.online, 1)),
    ])))
}

fn either(a: Box<dyn Query>, b: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Should, a),
        (Occur::Should, b),
    ]))
}

/// The text query (if any) and every exact filter. Distance is applied while collecting.
pub fn with_filters(
    fields: &Fields,
    text: Option<&dyn Query>,
    r: &SearchRequest,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if let Some(text) = text {
        clauses.push((Occur::Must, text.box_clone()));
    }
    for (field, values) in [
        (fields.categories, &r.categories),
        (fields.client_groups, &r.client_groups),
        (fields.provider_kind, &r.provider_kinds),
        (fields.languages, &r.languages),
        (fields.days, &r.days),
        (fields.cqc_rating, &r.cqc_ratings),
    ] {
        if let Some(q) = any_of(field, values) {
            clauses.push((Occur::Must, q));
        }
    }
    if let Some(unit) = &r.price_unit {
        let unit_query = any_of(fields.price_unit, std::slice::from_ref(unit));
        if let Some(q) = unit_query {
            clauses.push((Occur::Must, either(q, is(fields.free, 1))));
        }
    }
    if let Some(max) = r.max_price_pence {
        clauses.push((
            Occur::Must,
            either(at_most(fields.price_pence, max), is(fields.free, 1)),
        ));
    }
    for (on, field) in [
        (r.accepting_only, fields.accepting),
        (r.dbs_checked, fields.dbs_checked),
        (r.insured, fields.insured),
        (r.quality_checked, fields.quality_checked),
        (r.nursing, fields.nursing),
        (r.dementia, fields.dementia),
        (r.places_now, fields.places_now),
    ] {
        if on {
            clauses.push((Occur::Must, is(field, 1)));
        }
    }
    if let Some(min) = r.min_rating {
        let min = (min * 10.0).round().clamp(0.0, 40.0) as u64;
        clauses.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_u64(fields.rating, min.max(1))),
                Bound::Included(Term::from_field_u64(fields.rating, 40)),
            )),
        ));
    }
    if !r.beds.is_empty() {
        let ranges = r
            .beds
            .iter()
            .map(|(low, high)| {
                (
                    Occur::Should,
                    between(fields.beds, u64::from(*low).max(1), u64::from(*high)),
                )
            })
            .collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(ranges))));
    }
    if let Some(after) = r.modified_after {
        clauses.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_i64(fields.modified, after)),
                Bound::Unbounded,
            )),
        ));
    }
    // Times are stored as minute + 1, so 0 (not given) never matches.
    let minute = |m: u16| u64::from(m.min(24 * 60)) + 1;
    if let Some(from) = r.opens_from {
        clauses.push((Occur::Must, between(fields.opens, minute(from), u64::MAX)));
    }
    if let Some(by) = r.closes_by {
        clauses.push((Occur::Must, between(fields.closes, 1, minute(by))));
    }
    if r.with_location {
        let venue: Box<dyn Query> = Box::new(RangeQuery::new(
            Bound::Excluded(Term::from_field_i64(fields.venue_easting, 0)),
            Bound::Unbounded,
        ));
        clauses.push((Occur::Must, either(venue, is(fields.online, 1))));
    }
    if let Some(cut) = r.near.and_then(|here| near(fields, here, r.radius_miles)) {
        // A cut, not a match: it must not change how well anything scores.
        clauses.push((
            Occur::Must,
            Box::new(tantivy::query::ConstScoreQuery::new(cut, 0.0)),
        ));
    }
    if let Some(ids) = &r.only_listings {
        let terms = ids
            .iter()
            .map(|id| Term::from_field_u64(fields.listing_id, *id));
        clauses.push((
            Occur::Must,
            Box::new(tantivy::query::TermSetQuery::new(terms)),
        ));
    }
    if clauses.is_empty() {
        return Box::new(tantivy::query::AllQuery);
    }
    if clauses.len() == 1 && text.is_some() {
        return clauses.remove(0).1;
    }
    if text.is_none() {
        clauses.push((Occur::Must, Box::new(tantivy::query::AllQuery)));
    }
    Box::new(BooleanQuery::new(clauses))
}
