//! Any bytes → `input::decode` → `normalize::normalize` must not panic (nor hang, nor blow the
//! stack).
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsdedup::{input, normalize};

fuzz_target!(|data: &[u8]| {
    if let Ok(decoded) = input::decode(data) {
        let _ = normalize::normalize("fuzz", &decoded.text);
    }
});
