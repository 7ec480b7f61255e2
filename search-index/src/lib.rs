//! The tantivy search index over published listings: schema, writer, queries, facets and
//! distance. Built by the search work; the web service talks to it through a small typed API
//! so no tantivy type leaks into handlers.
