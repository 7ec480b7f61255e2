//! Kith's CSV import template: any bytes give rows or a message, and every row the
//! importer's checks accept is a listing the provider's form would accept.
#![no_main]

#[path = "vocabulary.rs"]
mod vocabulary;

use kith::domain::import::{apply, template};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let vocabulary = vocabulary::vocabulary();
    match template::read(data, &vocabulary) {
        Err(message) => assert!(!message.is_empty()),
        Ok(read) => {
            for item in read.items {
                match item {
                    Err(bad) => assert!(!bad.reason.is_empty() && !bad.label.is_empty()),
                    Ok(row) => {
                        if let Err(reason) = apply::check(&row, &vocabulary) {
                            assert!(!reason.is_empty());
                        }
                    }
                }
            }
        }
    }
});
