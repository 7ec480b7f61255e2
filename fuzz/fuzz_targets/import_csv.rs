//! Kith's CSV import template: any bytes give rows or a message, and every row the
//! importer's checks accept is a listing the provider's form would accept.
#![no_main]

#[path = "import_common.rs"]
mod import_common;

use kith::domain::import::template;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    import_common::check_read(template::read(data, import_common::vocabulary()));
});
