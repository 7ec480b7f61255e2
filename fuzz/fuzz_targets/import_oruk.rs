//! Open Referral UK JSON (one service, a list, or a page of them): any text gives rows or
//! a message, and every row is checked by the importer's rules without a panic.
#![no_main]

#[path = "vocabulary.rs"]
mod vocabulary;

use kith::domain::import::{apply, oruk_rows};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let vocabulary = vocabulary::vocabulary();
    match oruk_rows::from_json(text, &vocabulary) {
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
