//! Open Referral UK JSON (one service, a list, or a page of them): any text gives rows or
//! a message, and every row is checked by the importer's rules without a panic.
#![no_main]

#[path = "import_common.rs"]
mod import_common;

use kith::domain::import::oruk_rows;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    import_common::check_read(oruk_rows::from_json(text, import_common::vocabulary()));
});
