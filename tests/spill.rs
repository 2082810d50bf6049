//! A file whose rows must go to disk when the disk cannot take them: the read stops
//! with a message naming the temporary folder. Alone in its own test binary because
//! it sets `TMPDIR`, which every test of a binary shares.

use std::io::Write;

#[test]
fn rows_that_cannot_go_to_disk_stop_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    let mut text = String::from("scenario,period,revenue\n");
    for s in 0..200 {
        for m in 1..=12 {
            text.push_str(&format!("s{s},2026-{m:02},{s}.{m}\n"));
        }
    }
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let size = text.len() as u64;
    let bar = indicatif::ProgressBar::hidden();
    let read = |split_from: u64, budget: usize| {
        revcap::load::read_file_within(&path, "t.csv", "t", size, &bar, split_from, budget)
    };
    // With room in memory, the disk is never asked for.
    let missing = dir.path().join("missing");
    std::env::set_var("TMPDIR", &missing);
    for split_from in [u64::MAX, 0] {
        let loaded = read(split_from, usize::MAX).unwrap();
        assert!(!loaded.went_to_disk());
        assert_eq!(loaded.into_scenarios().unwrap().len(), 200);
    }
    // Without, whole or as halves: one problem, naming the folder.
    for split_from in [u64::MAX, 0] {
        let Err(problems) = read(split_from, 0) else {
            panic!("read with nowhere to put its rows");
        };
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 1, "{text:?}");
        let want = format!(
            "t.csv: cannot keep its rows in a temporary file in {} (TMPDIR; the file is larger than revcap holds in memory): ",
            missing.display()
        );
        assert!(text[0].starts_with(&want), "{}", text[0]);
        assert!(
            text[0].ends_with("; make room there or set TMPDIR to a folder with room"),
            "{}",
            text[0]
        );
    }
    // A temporary folder that exists again: the same file reads through the disk.
    std::fs::create_dir(&missing).unwrap();
    let loaded = read(0, 0).unwrap();
    assert!(loaded.went_to_disk());
    assert_eq!(loaded.into_scenarios().unwrap().len(), 200);
    // Nothing is left in it: the temporary files are removed as they are made.
    assert_eq!(std::fs::read_dir(&missing).unwrap().count(), 0);
}
