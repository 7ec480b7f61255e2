//! The index on its own: relevance, filters and facet counts, distance, typo tolerance,
//! hostile text, sorting and paging, and the commit payload.

#![allow(clippy::unwrap_used)]

use search_index::{
    CategoryRef, GridPoint, ListingDoc, Price, SearchIndex, SearchRequest, Sort, locate,
};

fn at(place: &str) -> GridPoint {
    locate(place).unwrap().point
}

fn listing(id: u64, title: &str, description: &str) -> ListingDoc {
    ListingDoc {
        listing_id: id,
        provider_id: 100 + id,
        title: title.to_owned(),
        summary: format!("Summary of {title}"),
        description: description.to_owned(),
        provider_name: "Sale Helpers".to_owned(),
        provider_kind: "micro_enterprise".to_owned(),
        categories: vec![CategoryRef {
            path: "domestic-help".into(),
            name: "Domestic help".into(),
        }],
        client_groups: vec![("older_people".into(), "Older people".into())],
        languages: vec!["English".into()],
        days: vec!["mon".into(), "tue".into()],
        price: Price::Charged {
            pence: 1800,
            unit: "hour".into(),
        },
        accepting_new_clients: Some(true),
        dbs_checked: true,
        insured: true,
        quality_checked: false,
        rating: None,
        home: Some((at("M33 7"), 8000)),
        venue: None,
        online: false,
        modified: 1_000,
        opens: None,
        closes: None,
        lang: None,
        photo: None,
        cqc: None,
        beds: None,
        nursing: false,
        dementia: false,
        places: None,
    }
}

fn search(index: &SearchIndex, text: &str) -> Vec<u64> {
    ids(
        index,
        &SearchRequest {
            text: text.into(),
            limit: 50,
            ..Default::default()
        },
    )
}

fn ids(index: &SearchIndex, request: &SearchRequest) -> Vec<u64> {
    index
        .search(request)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.listing_id)
        .collect()
}

fn listings() -> Vec<ListingDoc> {
    let mut gardening = listing(1, "Gardening club", "We grow vegetables together in Sale.");
    gardening.categories = vec![CategoryRef {
        path: "day-support".into(),
        name: "Day support and activities".into(),
    }];
    gardening.price = Price::Free;
    gardening.home = None;
    gardening.venue = Some(at("M33 7"));
    gardening.days = vec!["sat".into()];
    let mut shopping = listing(
        2,
        "Help with shopping",
        "A friendly visit; we can also do some gardening.",
    );
    shopping.languages = vec!["English".into(), "Polish".into()];
    shopping.photo = Some(search_index::Photo {
        thumbnail: "abc-thumb.jpg".into(),
        alt: "Two people shopping".into(),
    });
    shopping.price = Price::Charged {
        pence: 2200,
        unit: "hour".into(),
    };
    let mut respite = listing(
        3,
        "Overnight sitting",
        "Respite for carers while you sleep.",
    );
    respite.categories = vec![CategoryRef {
        path: "respite/respite-agency".into(),
        name: "Respite from an agency".into(),
    }];
    respite.provider_kind = "registered_care_provider".into();
    respite.home = Some((at("WA14 1"), 3000));
    respite.accepting_new_clients = Some(false);
    respite.rating = Some(3.5);
    let mut advice = listing(4, "Independent advocacy", "Advice by telephone and video.");
    advice.home = None;
    advice.online = true;
    advice.price = Price::Charged {
        pence: 3000,
        unit: "session".into(),
    };
    let mut far = listing(5, "Home help in Leeds", "Cleaning and shopping in Leeds.");
    far.home = Some((at("LS1 1"), 8000));
    vec![gardening, shopping, respite, advice, far]
}

/// The ids a search finds with `f`'s filters (up to 10), in id order.
fn filtered(index: &SearchIndex, f: &dyn Fn(&mut SearchRequest)) -> Vec<u64> {
    let mut r = SearchRequest {
        limit: 10,
        ..Default::default()
    };
    f(&mut r);
    let mut found = ids(index, &r);
    found.sort_unstable();
    found
}

fn corpus() -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    index.apply(&listings(), &[], Some(7)).unwrap();
    index
}

#[test]
fn freshness_and_opening_hours_filter() {
    let index = SearchIndex::in_memory().unwrap();
    let mut day_club = listing(1, "Day club", "Lunch and friends.");
    (day_club.opens, day_club.closes) = (Some(9 * 60), Some(17 * 60));
    let mut newer = listing(2, "Sitting service", "Company at home.");
    newer.modified = 2_000;
    newer.venue = Some(at("M33 7"));
    index.apply(&[day_club, newer], &[], None).unwrap();
    let request = |f: &dyn Fn(&mut SearchRequest)| filtered(&index, f);
    assert_eq!(request(&|r| r.modified_after = Some(1_500)), vec![2]);
    assert_eq!(request(&|r| r.modified_after = Some(1_000)), vec![1, 2]);
    assert_eq!(request(&|r| r.opens_from = Some(9 * 60)), vec![1]);
    assert_eq!(request(&|r| r.opens_from = Some(8 * 60)), vec![1]);
    assert!(request(&|r| r.opens_from = Some(9 * 60 + 1)).is_empty());
    assert_eq!(request(&|r| r.closes_by = Some(17 * 60)), vec![1]);
    assert!(request(&|r| r.closes_by = Some(16 * 60 + 59)).is_empty());
    // Only the second has a place to go to (the first visits homes).
    assert_eq!(request(&|r| r.with_location = true), vec![2]);
}

#[test]
fn what_a_listing_does_not_say_matches_no_filter_that_asks_for_it() {
    let index = SearchIndex::in_memory().unwrap();
    let mut priced = listing(1, "Home help", "Help at home.");
    priced.price = Price::Charged {
        pence: 1500,
        unit: "hour".into(),
    };
    let mut free = listing(2, "Lunch club", "Lunch and friends.");
    free.price = Price::Free;
    let mut unsaid = listing(3, "Care home", "A home from a register.");
    unsaid.price = Price::NotGiven;
    unsaid.accepting_new_clients = None;
    index.apply(&[priced, free, unsaid], &[], None).unwrap();
    let request = |f: &dyn Fn(&mut SearchRequest)| filtered(&index, f);
    assert_eq!(request(&|r| r.max_price_pence = Some(2000)), vec![1, 2]);
    assert_eq!(request(&|r| r.price_unit = Some("hour".into())), vec![1, 2]);
    assert_eq!(request(&|r| r.accepting_only = true), vec![1, 2]);
    let by_price = ids(
        &index,
        &SearchRequest {
            limit: 10,
            sort: Sort::Price,
            ..Default::default()
        },
    );
    assert_eq!(
        by_price,
        vec![2, 1, 3],
        "free, then cheapest, then not given"
    );
    let hits = index
        .search(&SearchRequest {
            limit: 10,
            ..Default::default()
        })
        .unwrap()
        .hits;
    let price_of = |id: u64| {
        hits.iter()
            .find(|h| h.listing_id == id)
            .unwrap()
            .price
            .clone()
    };
    assert_eq!(price_of(2), Price::Free);
    assert_eq!(price_of(3), Price::NotGiven);
}

#[test]
fn a_title_match_beats_a_description_match_and_words_are_stemmed() {
    let index = corpus();
    assert_eq!(search(&index, "gardening")[..2], [1, 2]);
    assert_eq!(search(&index, "gardens")[0], 1, "stemmed");
    assert_eq!(search(&index, "\"overnight sitting\""), vec![3]);
    assert!(
        search(&index, "\"sitting overnight\"").is_empty(),
        "phrase order counts"
    );
    assert_eq!(search(&index, "Polish")[0], 2, "languages are searched");
    assert_eq!(search(&index, "carers respite")[0], 3);
    assert_eq!(index.last_applied_change(), Some(7));
}

#[test]
fn words_the_index_does_not_know_are_matched_fuzzily() {
    let index = corpus();
    assert_eq!(search(&index, "gardning")[0], 1);
    assert_eq!(search(&index, "advocasy"), vec![4]);
    assert!(search(&index, "xylophone").is_empty());
}

#[test]
fn hostile_text_never_fails() {
    let index = corpus();
    let long = "care ".repeat(2000);
    for text in [
        "\"",
        "AND OR",
        "*",
        "NOT",
        "((",
        "title:",
        "🙂🙂",
        "'; DROP TABLE listings; --",
        "<script>alert(1)</script>",
        "\u{0}\u{7}",
        &long,
        "a\"b\"c\"",
        "-",
        "~2",
        "^",
    ] {
        let results = index
            .search(&SearchRequest {
                text: text.into(),
                limit: 20,
                ..Default::default()
            })
            .unwrap();
        assert!(results.total <= 5, "{text}");
    }
}

#[test]
fn filters_combine_and_facets_count_the_matches() {
    let index = corpus();
    let all = index
        .search(&SearchRequest {
            limit: 20,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(all.total, 5);
    assert_eq!(all.facets.categories["respite"], 1);
    assert_eq!(all.facets.categories["respite/respite-agency"], 1);
    assert_eq!(all.facets.categories["domestic-help"], 3);
    assert_eq!(all.facets.languages["English"], 5);
    assert_eq!(all.facets.languages["Polish"], 1);
    assert_eq!(all.facets.provider_kinds["registered_care_provider"], 1);
    assert_eq!(all.facets.days["sat"], 1);

    let request = |f: &dyn Fn(&mut SearchRequest)| {
        let mut r = SearchRequest {
            limit: 20,
            ..Default::default()
        };
        f(&mut r);
        let mut found = ids(&index, &r);
        found.sort_unstable();
        found
    };
    assert_eq!(request(&|r| r.categories = vec!["respite".into()]), vec![3]);
    assert_eq!(request(&|r| r.languages = vec!["Polish".into()]), vec![2]);
    assert_eq!(request(&|r| r.days = vec!["sat".into()]), vec![1]);
    assert_eq!(request(&|r| r.accepting_only = true), vec![1, 2, 4, 5]);
    assert_eq!(
        request(&|r| r.provider_kinds = vec!["registered_care_provider".into()]),
        vec![3]
    );
    assert_eq!(request(&|r| r.min_rating = Some(3.0)), vec![3]);
    assert_eq!(request(&|r| r.quality_checked = true), Vec::<u64>::new());
    // A price ceiling per unit: free services always qualify.
    assert_eq!(
        request(&|r| {
            r.max_price_pence = Some(2000);
            r.price_unit = Some("hour".into());
        }),
        vec![1, 3, 5]
    );
    let narrowed = index
        .search(&SearchRequest {
            languages: vec!["Polish".into()],
            limit: 20,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(narrowed.facets.languages.get("Polish"), Some(&1));
    assert_eq!(narrowed.facets.categories.get("respite"), None);
}

#[test]
fn a_search_can_be_narrowed_to_some_listings() {
    let index = corpus();
    let narrowed = |ids: Vec<u64>| {
        let found = index
            .search(&SearchRequest {
                text: "help".into(),
                only_listings: Some(ids),
                limit: 20,
                ..Default::default()
            })
            .unwrap();
        let mut ids: Vec<u64> = found.hits.iter().map(|h| h.listing_id).collect();
        ids.sort_unstable();
        ids
    };
    let all = ids(
        &index,
        &SearchRequest {
            text: "help".into(),
            limit: 20,
            ..Default::default()
        },
    );
    assert!(all.len() > 1, "{all:?}");
    assert_eq!(narrowed(vec![all[0], 999]), vec![all[0]]);
    assert_eq!(narrowed(vec![]), Vec::<u64>::new());
}

#[test]
fn distance_keeps_services_that_reach_the_person_and_sorts_nearest_first() {
    let index = corpus();
    let near_sale = SearchRequest {
        near: Some(at("M33 7AB")),
        radius_miles: Some(5.0),
        sort: Sort::Distance,
        limit: 20,
        ..Default::default()
    };
    let found = index.search(&near_sale).unwrap();
    let order: Vec<u64> = found.hits.iter().map(|h| h.listing_id).collect();
    // Leeds is out of reach; Altrincham's sitter only travels 3 km; online comes last.
    assert_eq!(order.last(), Some(&4));
    assert!(!order.contains(&5) && !order.contains(&3), "{order:?}");
    let hit = |id: u64| found.hits.iter().find(|h| h.listing_id == id).unwrap();
    // A venue is so far away; home visits say they reach the person, never "0.0 miles".
    assert!(hit(1).distance_miles.unwrap() < 0.1);
    assert!(!hit(1).visits_home);
    assert_eq!(hit(2).distance_miles, None);
    assert!(hit(2).visits_home);
    assert_eq!(found.hits.last().unwrap().distance_miles, None);
    assert!(!found.hits.last().unwrap().visits_home);
    // What a result card shows comes back: badges and the first photo.
    assert!(hit(2).accepting && hit(2).dbs_checked && hit(2).insured);
    assert!(!hit(2).quality_checked);
    assert_eq!(
        hit(2).photo,
        Some(search_index::Photo {
            thumbnail: "abc-thumb.jpg".into(),
            alt: "Two people shopping".into()
        })
    );
    assert_eq!(hit(1).photo, None);
    let near_altrincham = SearchRequest {
        near: Some(at("WA14 1")),
        ..near_sale.clone()
    };
    assert!(ids(&index, &near_altrincham).contains(&3));
}

#[test]
fn sorting_and_paging() {
    let index = corpus();
    let by_price = ids(
        &index,
        &SearchRequest {
            sort: Sort::Price,
            limit: 20,
            ..Default::default()
        },
    );
    assert_eq!(by_price[0], 1, "free first");
    assert_eq!(by_price.last(), Some(&4));
    let first = ids(
        &index,
        &SearchRequest {
            sort: Sort::Price,
            limit: 2,
            ..Default::default()
        },
    );
    let second = ids(
        &index,
        &SearchRequest {
            sort: Sort::Price,
            limit: 2,
            offset: 2,
            ..Default::default()
        },
    );
    assert_eq!([first, second].concat(), by_price[..4]);
    let by_rating = ids(
        &index,
        &SearchRequest {
            sort: Sort::Rating,
            limit: 1,
            ..Default::default()
        },
    );
    assert_eq!(by_rating, vec![3]);
}

#[test]
fn snippets_highlight_and_escape() {
    let index = SearchIndex::in_memory().unwrap();
    index
        .apply(
            &[listing(
                9,
                "Lunch club",
                "Hot <b>meals</b> & good company: lunch every day.",
            )],
            &[],
            None,
        )
        .unwrap();
    let hit = index
        .search(&SearchRequest {
            text: "lunch".into(),
            limit: 5,
            ..Default::default()
        })
        .unwrap()
        .hits
        .remove(0);
    let snippet = hit.snippet_html.unwrap();
    assert!(snippet.contains("<b>lunch</b>"), "{snippet}");
    assert!(
        snippet.contains("&lt;b&gt;meals") && snippet.contains("&amp;"),
        "{snippet}"
    );
}

#[test]
fn upserts_replace_and_deletes_remove_and_the_index_reopens_where_it_left_off() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        index
            .apply(&[listing(1, "Old title", "x")], &[], Some(1))
            .unwrap();
        index
            .apply(
                &[listing(1, "New title", "x"), listing(2, "Other", "y")],
                &[],
                Some(2),
            )
            .unwrap();
        index.apply(&[], &[2], Some(3)).unwrap();
        assert_eq!(index.listing_ids().unwrap(), vec![1]);
        assert_eq!(search(&index, "new"), vec![1]);
        assert!(search(&index, "old").is_empty());
    }
    let reopened = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(reopened.last_applied_change(), Some(3));
    assert_eq!(reopened.listing_ids().unwrap(), vec![1]);
}

#[test]
fn the_fingerprint_sees_every_change_but_not_the_order_of_writes() {
    let built_at_once = corpus();
    // The same listings written one at a time, one of them twice and one deleted and put
    // back: other segments, the same index as far as any search can tell.
    let piecemeal = SearchIndex::in_memory().unwrap();
    let all = listings();
    for doc in all.iter().rev() {
        piecemeal
            .apply(std::slice::from_ref(doc), &[], None)
            .unwrap();
    }
    piecemeal
        .apply(&all[..1], &[all[1].listing_id], Some(7))
        .unwrap();
    piecemeal.apply(&all[1..2], &[], Some(7)).unwrap();
    let fingerprint = built_at_once.fingerprint().unwrap();
    assert!(
        fingerprint.len() > 100,
        "terms, stored fields and sort values"
    );
    assert!(piecemeal.fingerprint().unwrap() == fingerprint);

    // One word of one description, a stored price and a sort-only value each show.
    let mut changed = all.clone();
    changed[2].description.push_str(" gardening");
    let mut priced = all.clone();
    priced[0].price = Price::Charged {
        pence: 1,
        unit: "hour".into(),
    };
    let mut radius = all.clone();
    let shopping = radius[1].home.expect("visits from home");
    radius[1].home = Some((shopping.0, shopping.1 + 1));
    for variant in [changed, priced, radius] {
        let other = SearchIndex::in_memory().unwrap();
        other.apply(&variant, &[], Some(7)).unwrap();
        assert!(other.fingerprint().unwrap() != fingerprint);
    }
}

#[test]
fn cqc_ratings_filter_count_and_sort_beside_the_councils_own() {
    let index = SearchIndex::in_memory().unwrap();
    let cqc = |rating: &str, score: u8| search_index::CqcRating {
        rating: rating.to_owned(),
        published: Some("2026-03-12".to_owned()),
        score,
    };
    let mut outstanding = listing(1, "Oak House care home", "Residential care");
    outstanding.cqc = Some(cqc("outstanding", 4));
    outstanding.beds = Some(18);
    let mut good_nursing = listing(2, "Elm Court nursing home", "Nursing care");
    good_nursing.cqc = Some(cqc("good", 3));
    good_nursing.beds = Some(64);
    good_nursing.nursing = true;
    good_nursing.dementia = true;
    // The council's own check rates it 2; CQC says inadequate: the council's is what sorts.
    let mut checked = listing(3, "Ash Lodge", "Residential care");
    checked.cqc = Some(cqc("inadequate", 1));
    checked.rating = Some(2.0);
    checked.quality_checked = true;
    checked.beds = Some(30);
    let unrated = listing(4, "Home help", "Cleaning");
    index
        .apply(&[outstanding, good_nursing, checked, unrated], &[], Some(1))
        .unwrap();

    let all = index
        .search(&SearchRequest {
            sort: Sort::Rating,
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    let order: Vec<u64> = all.hits.iter().map(|h| h.listing_id).collect();
    assert_eq!(order, vec![1, 2, 3, 4]);
    assert_eq!(all.facets.cqc_ratings.get("good"), Some(&1));
    assert_eq!(all.facets.cqc_ratings.get("inadequate"), Some(&1));
    assert_eq!(
        all.facets.cqc_ratings.len(),
        3,
        "the unrated listing counts nowhere"
    );
    let elm = &all.hits[1];
    assert_eq!(elm.cqc_rating.as_deref(), Some("good"));
    assert_eq!(elm.cqc_published.as_deref(), Some("2026-03-12"));
    assert_eq!(elm.beds, Some(64));
    assert_eq!(all.hits[3].cqc_rating, None);
    // The council's rating filter is the council's: CQC's ratings do not satisfy it.
    let council_rated = ids(
        &index,
        &SearchRequest {
            min_rating: Some(1.0),
            limit: 10,
            ..Default::default()
        },
    );
    assert_eq!(council_rated, vec![3]);

    let only = |r: SearchRequest| {
        let mut found = ids(&index, &SearchRequest { limit: 10, ..r });
        found.sort_unstable();
        found
    };
    assert_eq!(
        only(SearchRequest {
            cqc_ratings: vec!["outstanding".into(), "good".into()],
            ..Default::default()
        }),
        vec![1, 2]
    );
    assert_eq!(
        only(SearchRequest {
            beds: vec![(1, 20), (51, u32::MAX)],
            ..Default::default()
        }),
        vec![1, 2]
    );
    assert_eq!(
        only(SearchRequest {
            nursing: true,
            ..Default::default()
        }),
        vec![2]
    );
    assert_eq!(
        only(SearchRequest {
            dementia: true,
            beds: vec![(21, 50)],
            ..Default::default()
        }),
        Vec::<u64>::new()
    );
}

#[test]
fn a_search_made_again_is_answered_from_the_cache_until_the_index_changes() {
    let index = SearchIndex::in_memory().unwrap();
    index
        .apply(
            &[listing(1, "Garden club", "Growing vegetables.")],
            &[],
            Some(1),
        )
        .unwrap();
    assert_eq!(search(&index, "garden"), [1]);
    assert_eq!(search(&index, "garden"), [1]);
    assert_eq!(index.cache_counts(), (1, 1), "the second was kept");
    index
        .apply(
            &[listing(2, "Garden visits", "We come to you.")],
            &[],
            Some(2),
        )
        .unwrap();
    assert_eq!(
        search(&index, "garden").len(),
        2,
        "a change is seen at once"
    );
    index.apply(&[], &[1, 2], Some(3)).unwrap();
    assert!(search(&index, "garden").is_empty());
    let (hits, _) = index.cache_counts();
    assert_eq!(hits, 1, "no answer outlived the change it predates");
}
