//! UTF-16 files (Excel's "Unicode Text" export is UTF-16LE with a byte-order mark,
//! tab-separated), decoded to UTF-8 as they stream, so the rest of the loader reads
//! them exactly as their UTF-8 twin: same cells, same lines in messages.
//!
//! A file is UTF-16 when it starts with a byte-order mark (`FF FE` little-endian,
//! `FE FF` big-endian), or, without one, when its first bytes are text with every
//! other byte NUL ([`sniff`]); a UTF-8 or ASCII file has no NUL. The mark is decoded
//! too (to U+FEFF, which the header reader drops as it drops UTF-8's). Such a file is
//! never read as halves (`halves` checks [`is_utf16`]): decoding is its own pass, and
//! the byte offsets the cut relies on are those of the file, not of the text.

use std::io::{Chain, Cursor, Read};

/// How many bytes are looked at to tell UTF-16 without a byte-order mark.
const SNIFF: usize = 512;

/// A reader of a file's text as UTF-8: the file itself, or its UTF-16 decoded.
pub(super) enum Decoded<R> {
    Plain(Chain<Cursor<Vec<u8>>, R>),
    Utf16(Box<Utf16<Chain<Cursor<Vec<u8>>, R>>>),
}

impl<R: Read> Decoded<R> {
    /// `reader` as it is.
    pub(super) fn plain(reader: R) -> Decoded<R> {
        Decoded::Plain(Cursor::new(Vec::new()).chain(reader))
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Decoded::Plain(r) => r.read(buf),
            Decoded::Utf16(r) => r.read(buf),
        }
    }
}

/// `reader`'s text: decoded when it is UTF-16, as it is otherwise.
pub(super) fn decoded<R: Read>(mut reader: R) -> std::io::Result<Decoded<R>> {
    let mut start = Vec::with_capacity(SNIFF);
    (&mut reader).take(SNIFF as u64).read_to_end(&mut start)?;
    if let Some(what) = binary_kind(&start) {
        return Err(invalid(format!(
            "looks like {what}, not CSV text: give it as a file named for what it is (revcap reads a workbook by its extension: .xlsx, .xlsm, .xls or .ods), or export the sheet as CSV"
        )));
    }
    let big_endian = is_utf16(&start);
    let rest = Cursor::new(start).chain(reader);
    Ok(match big_endian {
        Some(big_endian) => Decoded::Utf16(Box::new(Utf16::new(rest, big_endian))),
        None => Decoded::Plain(rest),
    })
}

/// What a file starting with `start` is when it is a workbook, not text: a workbook
/// named `.csv` (or piped in) would otherwise be read as text and refused at its first
/// cell, shown as binary (`tests/workbooks.rs::a_workbook_read_as_text_is_named`).
fn binary_kind(start: &[u8]) -> Option<&'static str> {
    if start.starts_with(b"PK\x03\x04") {
        Some("a workbook (a zip file, as .xlsx and .ods files are)")
    } else if start.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some("an Excel 97-2003 workbook (.xls)")
    } else {
        None
    }
}

/// Whether text starting with `start` is UTF-16, and then whether big-endian.
pub(super) fn is_utf16(start: &[u8]) -> Option<bool> {
    match start {
        [0xFF, 0xFE, ..] => Some(false),
        [0xFE, 0xFF, ..] => Some(true),
        _ => sniff(start),
    }
}

/// UTF-16 without a byte-order mark: at least three quarters of the first
/// characters have a NUL high byte (ASCII), on the same side each time, and no
/// character has a NUL low byte.
fn sniff(start: &[u8]) -> Option<bool> {
    let pairs: Vec<(u8, u8)> = start
        .chunks_exact(2)
        .filter_map(|p| Some((*p.first()?, *p.get(1)?)))
        .collect();
    if pairs.len() < 2 {
        return None;
    }
    let le = pairs.iter().filter(|&&(a, b)| b == 0 && a != 0).count();
    let be = pairs.iter().filter(|&&(a, b)| a == 0 && b != 0).count();
    let mostly = |n: usize| n * 4 >= pairs.len() * 3;
    match (le, be) {
        (n, 0) if mostly(n) => Some(false),
        (0, n) if mostly(n) => Some(true),
        _ => None,
    }
}

/// A UTF-16 problem, carried in an `io::Error` through csv to the message
/// (`reader::csv_problem` asks [`message`]).
#[derive(Debug)]
struct Invalid(String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Invalid {}

fn invalid(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, Invalid(message))
}

/// The message of a UTF-16 problem, or `None` for any other error.
pub(super) fn message(e: &std::io::Error) -> Option<&str> {
    e.get_ref()?.downcast_ref::<Invalid>().map(|i| i.0.as_str())
}

/// Decodes UTF-16 to UTF-8 as it is read.
pub(super) struct Utf16<R> {
    inner: R,
    big_endian: bool,
    /// Bytes read and not yet decoded (an odd byte, or half a surrogate pair).
    left: Vec<u8>,
    /// UTF-8 decoded and not yet given out, from `given`.
    out: Vec<u8>,
    given: usize,
    /// Bytes of the file decoded so far (for messages).
    offset: u64,
    ended: bool,
}

impl<R: Read> Utf16<R> {
    fn new(inner: R, big_endian: bool) -> Utf16<R> {
        Utf16 {
            inner,
            big_endian,
            left: Vec::new(),
            out: Vec::new(),
            given: 0,
            offset: 0,
            ended: false,
        }
    }

    /// Decodes the next chunk into `out`; `false` at the end of the file.
    fn fill(&mut self) -> std::io::Result<bool> {
        let mut chunk = [0u8; 1 << 14];
        loop {
            if self.ended {
                return Ok(false);
            }
            let n = self.inner.read(&mut chunk)?;
            if n == 0 {
                self.ended = true;
                return match self.left.len() {
                    0 => Ok(false),
                    1 => Err(invalid(format!(
                        "is UTF-16 text with an odd number of bytes ({}): its end is cut off (save it again, or as UTF-8 CSV)",
                        self.offset + 1
                    ))),
                    _ => Err(self.unpaired(0)),
                };
            }
            self.left
                .extend_from_slice(chunk.get(..n).unwrap_or_default());
            self.out.clear();
            self.given = 0;
            let units = self.left.len() / 2;
            let mut i = 0;
            while i < units {
                let unit = self.unit(i);
                match unit {
                    0xD800..=0xDBFF if i + 1 == units => break,
                    0xD800..=0xDBFF => {
                        let low = self.unit(i + 1);
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(self.unpaired(i));
                        }
                        let c = 0x10000
                            + ((u32::from(unit) - 0xD800) << 10)
                            + (u32::from(low) - 0xDC00);
                        self.push(c);
                        i += 2;
                    }
                    0xDC00..=0xDFFF => return Err(self.unpaired(i)),
                    _ => {
                        self.push(u32::from(unit));
                        i += 1;
                    }
                }
            }
            self.left.drain(..i * 2);
            self.offset += i as u64 * 2;
            if !self.out.is_empty() {
                return Ok(true);
            }
        }
    }

    /// Unit `i` of `left`.
    fn unit(&self, i: usize) -> u16 {
        let pair = [
            self.left.get(2 * i).copied().unwrap_or(0),
            self.left.get(2 * i + 1).copied().unwrap_or(0),
        ];
        if self.big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    }

    fn push(&mut self, c: u32) {
        // Only surrogates are not characters, and they were dealt with.
        let c = char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER);
        let mut utf8 = [0u8; 4];
        self.out
            .extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
    }

    fn unpaired(&self, i: usize) -> std::io::Error {
        invalid(format!(
            "is not valid UTF-16 text (an unpaired surrogate 0x{:04X} at byte {}; save the file as UTF-8 CSV)",
            self.unit(i),
            self.offset + 2 * i as u64
        ))
    }
}

impl<R: Read> Read for Utf16<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.given >= self.out.len() && !self.fill()? {
            return Ok(0);
        }
        let rest = self.out.get(self.given..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), rest.get(..n)) {
            to.copy_from_slice(from);
        }
        self.given += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::{decoded, is_utf16, message};
    use std::io::Read;

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let bom = bom.then_some('\u{feff}');
        let units = bom.into_iter().chain(text.chars()).collect::<String>();
        units
            .encode_utf16()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    fn read(bytes: &[u8]) -> std::io::Result<String> {
        let mut text = String::new();
        decoded(bytes)?.read_to_string(&mut text)?;
        Ok(text)
    }

    #[test]
    fn every_kind_decodes_to_its_text() {
        let text = "period\trevenue\n2026\t12,7 €\n2027\t𝟙\n".repeat(2000);
        for big_endian in [false, true] {
            for bom in [false, true] {
                let bytes = utf16(&text, big_endian, bom);
                let want = if bom {
                    format!("\u{feff}{text}")
                } else {
                    text.clone()
                };
                assert_eq!(read(&bytes).unwrap(), want, "{big_endian} {bom}");
            }
        }
        // UTF-8 passes through as it is.
        assert_eq!(read(text.as_bytes()).unwrap(), text);
        assert_eq!(is_utf16(b"period,revenue\n"), None);
        assert_eq!(is_utf16(b"p"), None);
    }

    #[test]
    fn broken_utf16_says_what_is_wrong() {
        let mut odd = utf16("period\trevenue\n", false, true);
        odd.push(b'x');
        let e = read(&odd).unwrap_err();
        assert_eq!(
            message(&e),
            Some("is UTF-16 text with an odd number of bytes (33): its end is cut off (save it again, or as UTF-8 CSV)")
        );
        let mut lone = utf16("period\n", false, true);
        lone.extend_from_slice(&[0x3D, 0xD8, b'a', 0]);
        let e = read(&lone).unwrap_err();
        assert_eq!(
            message(&e),
            Some("is not valid UTF-16 text (an unpaired surrogate 0xD83D at byte 16; save the file as UTF-8 CSV)")
        );
    }
}
