//! Search as the domain sees it: what is indexed for each listing, the change table the
//! indexer follows, the parameters people search with, and the search log with its
//! writer.

pub mod changes;
pub mod documents;
pub mod log;
pub mod log_writer;
pub mod params;
pub mod saved;
pub mod sources;
