//! Fuzzes the value parsers (amounts, rates, periods, dates, caps, cap ranges) and the
//! TOML terms reader: any text must parse or give a message, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use revcap::{config, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse::amount(text);
    let _ = parse::rate(text);
    let _ = parse::period(text);
    let _ = parse::date(text);
    let _ = parse::cap(text);
    let _ = parse::non_negative(text);
    if text.len() < 64 {
        let _ = config::cap_range(text);
    }
    if let Ok(partial) = config::parse_terms(text, "fuzz.toml") {
        let _ = partial.resolve("fuzz.toml");
    }
});
