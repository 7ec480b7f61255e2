//! The search query string, as the search page, `/api/v1/search` and `/openreferral/`
//! read it: whatever arrives parses to a search (or a clear refusal) and the search runs
//! without an error. The index holds a few listings so filters, sorting and paging all run.
#![no_main]

use std::sync::OnceLock;

use kith::domain::oruk::query::ListQuery;
use kith::domain::oruk::taxonomy::Terms;
use kith::domain::search::params::SearchParams;
use kith::domain::validation::FormFields;
use libfuzzer_sys::fuzz_target;
use search_index::{CategoryRef, GridPoint, ListingDoc, SearchIndex};

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let index = SearchIndex::in_memory().expect("index");
        let docs: Vec<ListingDoc> = (0..6u64)
            .map(|i| ListingDoc {
                listing_id: i + 1,
                provider_id: i % 2 + 1,
                title: format!("Help at home {i}"),
                summary: "Shopping, cleaning and a chat".into(),
                description: "A small local team in Sale.".into(),
                provider_name: "Sale Helpers".into(),
                provider_kind: ["micro_enterprise", "personal_assistant"][i as usize % 2].into(),
                categories: vec![CategoryRef {
                    path: "help-at-home/domestic".into(),
                    name: "Domestic help".into(),
                }],
                client_groups: vec![("older_people".into(), "Older people".into())],
                languages: vec!["English".into(), "Polish".into()],
                days: vec!["mon".into(), "wed".into()],
                price: match i % 3 {
                    0 => search_index::Price::Free,
                    1 => search_index::Price::Charged {
                        pence: 1850 * i,
                        unit: "hour".to_owned(),
                    },
                    _ => search_index::Price::NotGiven,
                },
                accepting_new_clients: (i != 3).then_some(i % 2 == 0),
                dbs_checked: true,
                insured: i % 2 == 1,
                quality_checked: i == 2,
                rating: (i == 2).then_some(3.0),
                home: Some((
                    GridPoint {
                        easting: 377_000 + i as i64 * 500,
                        northing: 390_000,
                    },
                    8_000,
                )),
                venue: None,
                online: i == 4,
                modified: 1_790_000_000 + i as i64,
                opens: Some(540),
                closes: Some(1020),
                lang: (i == 3).then(|| "cy".to_owned()),
                photo: (i == 1).then(|| search_index::Photo {
                    thumbnail: "a-thumb.jpg".to_owned(),
                    alt: "Two people shopping".to_owned(),
                }),
                cqc: (i == 2).then(|| search_index::CqcRating {
                    rating: "good".to_owned(),
                    published: Some("2026-03-12".to_owned()),
                    score: 3,
                }),
                beds: (i == 2).then_some(40),
                nursing: i == 2,
                dementia: false,
                places: (i == 2).then(|| search_index::Places {
                    free_now: true,
                    summary: "1 nursing place".to_owned(),
                    updated: "2026-11-28T10:00:00Z".to_owned(),
                }),
            })
            .collect();
        index.apply(&docs, &[], Some(1)).expect("apply");
        index
    })
}

fuzz_target!(|data: &[u8]| {
    // The search page and its API: every pair, as the handler reads them.
    let pairs = url::form_urlencoded::parse(data)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .take(200)
        .collect();
    let params = SearchParams::from_fields(&FormFields(pairs));
    let parsed = params.parse();
    index()
        .search(&parsed.request)
        .expect("a parsed search always runs");
    // Links to other pages of the same search read back as the same search.
    let again = url::form_urlencoded::parse(
        params
            .href(2)
            .split_once('?')
            .map_or("", |(_, q)| q)
            .as_bytes(),
    )
    .map(|(k, v)| (k.into_owned(), v.into_owned()))
    .collect();
    let again = SearchParams::from_fields(&FormFields(again));
    assert_eq!(again.parse().request.text, parsed.request.text);

    // Open Referral's list filters: a search or a message naming the parameter.
    if let Ok(query) = serde_urlencoded::from_bytes::<ListQuery>(data) {
        match query.parse(&Terms::default(), true) {
            Ok(listing) => {
                if let Some(request) = listing.request {
                    index()
                        .search(&request)
                        .expect("a parsed search always runs");
                }
            }
            Err(message) => assert!(!message.is_empty()),
        }
    }
});
