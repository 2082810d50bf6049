//! Fuzzes the CSV loader and everything after it: any bytes must give scenarios or
//! problems, and any scenarios must compute and render, without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use revcap::model::{Date, RateStep, Terms};
use rust_decimal::Decimal;

fuzz_target!(|data: &[u8]| {
    // The first byte picks terms, so the engine sees caps, steps and a mid-year start.
    let (pick, csv) = data.split_first().map_or((0, data), |(p, rest)| (*p, rest));
    let scenarios = match revcap::load::load(csv, "fuzz.csv", "fuzz") {
        Ok(s) => s,
        Err(problems) => {
            // Messages are built from the input too: quoting, truncation, grouping.
            let _ = revcap::error::Error::Problems(problems).to_string();
            return;
        }
    };
    let terms = Terms {
        cap: (pick & 1 == 1).then(|| Decimal::new(i64::from(pick) * 1_000_003, 1)),
        already_paid: Decimal::new(i64::from(pick >> 4), 0),
        from: (pick & 2 == 2)
            .then(|| Date::from_ymd(2026, 4, 27))
            .flatten(),
        rate_steps: if pick & 4 == 4 {
            Date::from_ymd(2028, 2, 29)
                .map(|from| {
                    vec![RateStep {
                        from,
                        rate: Decimal::new(15, 2),
                    }]
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        },
        discount_rate: (pick & 8 == 8).then(|| Decimal::new(8, 2)),
        ..Terms::default()
    };
    if let Ok(results) = revcap::compute_all(&scenarios, &terms) {
        let _ = revcap::render::json::render(&results, &terms);
        let _ = revcap::render::csv::ledger(&results);
        let _ = revcap::render::table::render(&results, &terms, None);
    }
    for s in &scenarios {
        if let Ok(sweep) = revcap::engine::Sweep::new(s, &terms) {
            let _ = sweep.summary(terms.cap);
            let _ = sweep.thresholds();
        }
    }
});
