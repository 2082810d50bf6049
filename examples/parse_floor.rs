//! The parse floor (bench/README.md): the time just to read a CSV file and split it into
//! fields with the `csv` crate, the lower bound for any tool that reads the file.
//!
//!     cargo run --release --example parse_floor -- FILE
//!
//! One reused `ByteRecord`, no UTF-8 check, no trimming, no number parsing: it counts
//! rows and fields and prints them (so the work cannot be optimised away).
// A benchmark tool, not the product: panics here are fine.
#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;

fn main() {
    if let Err(e) = run() {
        eprintln!("parse_floor: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: parse_floor FILE (or - for stdin)")?;
    let reader: Box<dyn Read> = if path == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(&path).map_err(|e| format!("{path}: {e}"))?)
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .buffer_capacity(1 << 16)
        .from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let (mut rows, mut fields, mut bytes) = (0u64, 0u64, 0u64);
    while rdr.read_byte_record(&mut record)? {
        rows += 1;
        fields += record.len() as u64;
        bytes += record.as_slice().len() as u64;
    }
    println!("rows={rows} fields={fields} field_bytes={bytes}");
    Ok(())
}
