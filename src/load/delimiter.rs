//! Which character separates a file's columns (docs/spec.md §2): given with
//! `--delimiter`, or sniffed from the header row before the csv reader is built.
//!
//! The choice is made once per file, from bytes peeked ahead of the reader and then
//! handed back to it ([`peek`]), so reading records costs what it did: no check per
//! record.

use std::io::{Chain, Cursor, Read};

/// The characters a file may separate its columns with, in the order ties go.
pub const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How a file's delimiter is chosen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Delimiter {
    /// From the header row: the candidate that splits it into the most fields.
    #[default]
    Sniff,
    /// This one (`--delimiter`), whatever the header looks like.
    Given(u8),
}

impl Delimiter {
    /// The `--delimiter` value as people write it: `,` `;` `|`, and a tab as a tab
    /// character, `\t` or `tab`.
    pub fn parse(raw: &str) -> Option<Delimiter> {
        let byte = match raw {
            "," | "comma" => b',',
            ";" | "semicolon" => b';',
            "|" | "pipe" => b'|',
            "\t" | "\\t" | "tab" | "TAB" | "Tab" => b'\t',
            _ => return None,
        };
        Some(Delimiter::Given(byte))
    }
}

/// How messages name a delimiter, and how `--delimiter` takes it in a shell (`;` and
/// `|` quoted, or the shell would act on them).
pub(super) fn named(delimiter: u8) -> (&'static str, &'static str) {
    match delimiter {
        b';' => ("semicolons", "';'"),
        b'\t' => ("tabs", "tab"),
        b'|' => ("pipes", "'|'"),
        _ => ("commas", ","),
    }
}

/// The bytes peeked, then the rest of the reader they came from.
pub(super) type Peeked<R> = Chain<Cursor<Vec<u8>>, R>;

/// The most bytes peeked for the header row; a longer one is sniffed on its start.
const PEEK: usize = 1 << 20;

/// The file's delimiter and a reader that gives the bytes peeked to choose it,
/// then the rest. A given delimiter peeks nothing.
pub(super) fn peek<R: Read>(
    mut reader: R,
    delimiter: Delimiter,
) -> std::io::Result<(u8, Peeked<R>)> {
    let mut ahead = Vec::new();
    let chosen = match delimiter {
        Delimiter::Given(d) => d,
        Delimiter::Sniff => loop {
            let had = ahead.len();
            let want = (1 << 14).min(PEEK - had);
            (&mut reader).take(want as u64).read_to_end(&mut ahead)?;
            let ended = ahead.len() == had || ahead.len() >= PEEK;
            if let Some(d) = sniff(&ahead, ended) {
                break d;
            }
        },
    };
    Ok((chosen, Cursor::new(ahead).chain(reader)))
}

/// The delimiter of the header row at the start of `bytes`: the first line with
/// something in it other than spaces and candidates (as `header::read_header` skips
/// lines of empty cells), split outside quotes. `None` while that line has not ended
/// and more bytes may come (`ended` false).
fn sniff(bytes: &[u8], ended: bool) -> Option<u8> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut counts = [0usize; CANDIDATES.len()];
    let mut quoted = false;
    let mut something = false;
    for &b in bytes {
        if b == b'"' {
            quoted = !quoted;
            something = true;
        } else if quoted {
            // Text in quotes separates nothing.
        } else if b == b'\n' || b == b'\r' {
            if something {
                return Some(most(&counts));
            }
            counts = [0; CANDIDATES.len()];
        } else if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
            if let Some(n) = counts.get_mut(i) {
                *n += 1;
            }
        } else if b != b' ' {
            something = true;
        }
    }
    ended.then(|| if something { most(&counts) } else { b',' })
}

/// The candidate seen most often; the earliest (comma first) on a tie, and so a comma
/// when none is seen.
fn most(counts: &[usize; CANDIDATES.len()]) -> u8 {
    let mut best = (0, b',');
    for (&n, &c) in counts.iter().zip(CANDIDATES.iter()) {
        if n > best.0 {
            best = (n, c);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::{peek, sniff, Delimiter};
    use std::io::Read;

    #[test]
    fn the_header_row_says_which() {
        for (text, want) in [
            ("period,revenue\n", b','),
            ("period;revenue\n2026;12,7,1,1\n", b';'),
            ("period\trevenue\n", b'\t'),
            ("period|base|bull\n", b'|'),
            ("\u{feff}period;revenue\r\n", b';'),
            // Ties, and one field, go to the comma.
            ("period;revenue,x\n", b','),
            ("period\n", b','),
            ("", b','),
            // Quoted text separates nothing.
            ("\"a;b;c;d\",period,revenue\n", b','),
            ("\"x,y\nz,w\";period;revenue\n", b';'),
            // Lines of nothing but separators and spaces come before the header.
            (";;;\n  \nperiod|revenue\n", b'|'),
            (",,,,\r\nperiod;revenue", b';'),
        ] {
            assert_eq!(sniff(text.as_bytes(), true), Some(want), "{text:?}");
        }
        assert_eq!(sniff(b"period;reve", false), None);
    }

    #[test]
    fn peeked_bytes_are_read_again() {
        let text = format!("period;revenue\n{}", "2026;1\n".repeat(10_000));
        let (d, mut r) = peek(text.as_bytes(), Delimiter::Sniff).unwrap();
        let mut back = String::new();
        r.read_to_string(&mut back).unwrap();
        assert_eq!((d, back), (b';', text));
    }

    #[test]
    fn the_flag_spellings() {
        for (raw, want) in [
            (",", b','),
            (";", b';'),
            ("|", b'|'),
            ("\t", b'\t'),
            ("\\t", b'\t'),
            ("tab", b'\t'),
        ] {
            assert_eq!(Delimiter::parse(raw), Some(Delimiter::Given(want)), "{raw}");
        }
        assert_eq!(Delimiter::parse(":"), None);
    }
}
