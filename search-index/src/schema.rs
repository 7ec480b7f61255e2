//! The index schema, built in one place, with the field handles kept in a struct.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

/// English stemming, lower-casing, long-token removal (tantivy's built-in `en_stem`).
pub const STEMMER: &str = "en_stem";

#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub listing_id: Field,
    // Searched text.
    pub title: Field,
    pub summary: Field,
    pub description: Field,
    pub provider_name: Field,
    pub category_names: Field,
    pub client_group_names: Field,
    pub language_names: Field,
    // Filters and facets (exact values, fast columns).
    pub categories: Field,
    pub client_groups: Field,
    pub provider_kind: Field,
    pub languages: Field,
    pub days: Field,
    pub price_unit: Field,
    pub price_pence: Field,
    pub free: Field,
    pub accepting: Field,
    pub dbs_checked: Field,
    pub insured: Field,
    pub quality_checked: Field,
    /// Quality rating × 10 (e.g. 3.5 → 35); 0 when not rated.
    pub rating: Field,
    /// What "sort by rating" orders by: the council's rating, or else CQC's (× 10).
    pub sort_rating: Field,
    /// CQC's overall rating ("good", "requires_improvement" …), and when CQC published it.
    pub cqc_rating: Field,
    pub cqc_published: Field,
    /// A care home's registered beds (0 when not a care home), and whether it provides
    /// nursing or dementia care.
    pub beds: Field,
    pub nursing: Field,
    pub dementia: Field,
    /// Has places free now (as its provider said); what they are, and when they were said
    /// (RFC 3339), for the result card.
    pub places_now: Field,
    pub places_summary: Field,
    pub places_updated: Field,
    // Geography (British National Grid metres; 0 when absent).
    pub home_easting: Field,
    pub home_northing: Field,
    pub home_radius_m: Field,
    /// The grid cells (`geo::cell`) a venue is in and home visits reach, for finding the
    /// listings near a place from the inverted index before any distance is worked out.
    pub venue_cells: Field,
    pub home_cells: Field,
    pub venue_easting: Field,
    pub venue_northing: Field,
    pub online: Field,
    // Freshness and hours (minutes after midnight + 1; 0 when not given).
    pub modified: Field,
    pub opens: Field,
    pub closes: Field,
    // Shown in results.
    pub provider_id: Field,
    /// The language the text is written in, when not English (a BCP 47 tag).
    pub lang: Field,
    /// The first photo's thumbnail file and its description (the result card's picture).
    pub photo_thumbnail: Field,
    pub photo_alt: Field,
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(STEMMER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let fields = Fields {
        listing_id: b.add_u64_field("listing_id", INDEXED | STORED | FAST),
        title: b.add_text_field("title", text(true)),
        summary: b.add_text_field("summary", text(true)),
        description: b.add_text_field("description", text(true)),
        provider_name: b.add_text_field("provider_name", text(true)),
        category_names: b.add_text_field("category_names", text(false)),
        client_group_names: b.add_text_field("client_group_names", text(false)),
        language_names: b.add_text_field("language_names", text(false)),
        categories: b.add_text_field("categories", STRING | FAST),
        client_groups: b.add_text_field("client_groups", STRING | FAST),
        provider_kind: b.add_text_field("provider_kind", STRING | FAST),
        languages: b.add_text_field("languages", STRING | FAST),
        days: b.add_text_field("days", STRING | FAST),
        price_unit: b.add_text_field("price_unit", STRING | FAST | STORED),
        price_pence: b.add_u64_field("price_pence", INDEXED | FAST | STORED),
        free: b.add_u64_field("free", INDEXED | FAST | STORED),
        accepting: b.add_u64_field("accepting", INDEXED | FAST | STORED),
        dbs_checked: b.add_u64_field("dbs_checked", INDEXED | FAST | STORED),
        insured: b.add_u64_field("insured", INDEXED | FAST | STORED),
        quality_checked: b.add_u64_field("quality_checked", INDEXED | FAST | STORED),
        rating: b.add_u64_field("rating", INDEXED | FAST | STORED),
        sort_rating: b.add_u64_field("sort_rating", FAST),
        cqc_rating: b.add_text_field("cqc_rating", STRING | FAST | STORED),
        cqc_published: b.add_text_field("cqc_published", STORED),
        beds: b.add_u64_field("beds", INDEXED | FAST | STORED),
        nursing: b.add_u64_field("nursing", INDEXED | FAST),
        dementia: b.add_u64_field("dementia", INDEXED | FAST),
        places_now: b.add_u64_field("places_now", INDEXED | FAST),
        places_summary: b.add_text_field("places_summary", STORED),
        places_updated: b.add_text_field("places_updated", STORED),
        home_easting: b.add_i64_field("home_easting", INDEXED | FAST),
        home_northing: b.add_i64_field("home_northing", INDEXED | FAST),
        home_radius_m: b.add_i64_field("home_radius_m", FAST),
        venue_cells: b.add_u64_field("venue_cells", INDEXED),
        home_cells: b.add_u64_field("home_cells", INDEXED),
        venue_easting: b.add_i64_field("venue_easting", INDEXED | FAST),
        venue_northing: b.add_i64_field("venue_northing", INDEXED | FAST),
        online: b.add_u64_field("online", INDEXED | FAST),
        modified: b.add_i64_field("modified", INDEXED | FAST),
        opens: b.add_u64_field("opens", INDEXED),
        closes: b.add_u64_field("closes", INDEXED),
        provider_id: b.add_u64_field("provider_id", STORED),
        lang: b.add_text_field("lang", STORED),
        photo_thumbnail: b.add_text_field("photo_thumbnail", STORED),
        photo_alt: b.add_text_field("photo_alt", STORED),
    };
    (b.build(), fields)
}
