//! stdout redirected to a regular file (`revcap compare … --format csv > out.csv`): the
//! rows written straight into it as they are made, and cut back to where they began
//! when the run fails or is interrupted, so that the file ends as a spool would have
//! left it: the whole output, or what it held before.
//!
//! Why: a [`Spool`](super::Spool) writes every row twice, into its temporary file as the
//! batches are computed and again into stdout once every problem is known, that last
//! copy on one core while the other waits: the 6M-row bench file's 47 MB, the 60M-row
//! file's 470 MB (bench/README.md: a few percent of the 6M run).
//!
//! Only where cutting back gives exactly what was there before ([`StdoutFile::open`]):
//! stdout is a regular file written at its end (its offset at its length) and not
//! opened to append (`>>`: how several writers share a file, whose lines a cut would
//! take with it); it is not the file stderr writes to (a message written meanwhile
//! would be cut with the rows, and would come after them rather than before), nor
//! stdin, nor an input; and only in the binary ([`allow`]): the library's callers print
//! into writers of their own. Anything else (a pipe, a terminal) is spooled as before.
//!
//! What differs from a spool: the rows are in the file while the run goes on (a
//! reader of the file sees them before the run is known to succeed); a run killed by
//! a signal other than SIGINT, SIGTERM and SIGHUP (SIGKILL, SIGQUIT), a crash or a
//! power loss leaves those written so far, where a spool would have left nothing; and
//! another process writing into the same file during a run that fails loses what it
//! wrote after the run's start. SIGINT, SIGTERM and SIGHUP cut back
//! ([`super::interrupt`]), the offset put back with the length.
//! Pinned by `tests/stdout_file.rs`.

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::fs::MetadataExt;
use std::sync::atomic::{AtomicBool, Ordering};

use super::interrupt;
use crate::config::Input;
use crate::error::Error;

/// Set by the binary: the process's stdout is the writer the run prints to.
static ALLOWED: AtomicBool = AtomicBool::new(false);

/// Says that the run prints to the process's stdout (the binary's `main`), so that a
/// redirected stdout may be written as the rows are made.
pub fn allow() {
    ALLOWED.store(true, Ordering::Relaxed);
}

/// Bytes gathered before they are written.
const BUF: usize = 1 << 16;

/// The file stdout is redirected to, written from `start` (its length when the run
/// began); cut back to `start` when dropped before [`StdoutFile::keep`].
pub struct StdoutFile {
    /// A duplicate of stdout's descriptor: it shares the file's offset, so what is
    /// printed on stdout after the rows comes after them.
    file: File,
    buf: Vec<u8>,
    start: u64,
    /// Something went into the file (or was tried): there is something to cut.
    wrote: bool,
    kept: bool,
}

/// A file's device and inode.
fn identity(m: &std::fs::Metadata) -> (u64, u64) {
    (m.dev(), m.ino())
}

/// The device and inode of what descriptor `fd` of the process is, if it is open.
fn identity_of(fd: impl AsFd) -> Option<(u64, u64)> {
    let owned = fd.as_fd().try_clone_to_owned().ok()?;
    File::from(owned).metadata().ok().map(|m| identity(&m))
}

impl StdoutFile {
    /// stdout, when the rows may be written into it as they are made (see the
    /// module); `None` to spool them.
    pub fn open(inputs: &[Input]) -> Option<StdoutFile> {
        if !ALLOWED.load(Ordering::Relaxed) {
            return None;
        }
        let mut file = File::from(std::io::stdout().as_fd().try_clone_to_owned().ok()?);
        let meta = file.metadata().ok()?;
        if !meta.file_type().is_file() {
            return None;
        }
        let me = identity(&meta);
        if identity_of(std::io::stderr()) == Some(me) || identity_of(std::io::stdin()) == Some(me) {
            return None;
        }
        // Not opened to append (`>>`): such a file is how several writers share one,
        // and a cut would take theirs with it.
        // SAFETY: F_GETFL only reads the descriptor's flags (an owned, open one).
        let flags = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETFL) };
        if flags < 0 || flags & libc::O_APPEND != 0 {
            return None;
        }
        let an_input = inputs.iter().any(|i| match i {
            Input::File(path, ..) => std::fs::metadata(path).is_ok_and(|m| identity(&m) == me),
            Input::Stdin(..) | Input::Builtin(..) => false,
        });
        if an_input {
            return None;
        }
        // At its end: nothing after the rows to overwrite, so cutting back restores it.
        let start = file.stream_position().ok()?;
        if start != meta.len() {
            return None;
        }
        Some(StdoutFile {
            file,
            buf: Vec::with_capacity(BUF),
            start,
            wrote: false,
            kept: false,
        })
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        !self.wrote && self.buf.is_empty()
    }

    /// Appends `bytes`; an error is stdout's.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= BUF {
            self.drain()?;
        }
        Ok(())
    }

    /// Writes what is gathered. Under the interrupt registry's lock: a signal's cut
    /// ([`super::interrupt`]) then comes before or after a write, never beside one
    /// that would land past it.
    fn drain(&mut self) -> Result<(), Error> {
        if self.buf.is_empty() {
            return Ok(());
        }
        // Outside the lock: a pause here leaves a signal free to cut back.
        let fault = super::fault::step(&|| "write rows into the file stdout is".into());
        let mut left = interrupt::registry();
        // Registered with the first write: a run that wrote nothing cuts nothing (what
        // another writer added meanwhile stays).
        left.stdout = Some((self.file.as_raw_fd(), self.start));
        self.wrote = true;
        let written = fault.and_then(|()| self.file.write_all(&self.buf));
        self.buf.clear();
        written.map_err(Error::Stdout)
    }

    /// The run succeeded: what is gathered is written, and the rows stay.
    pub fn keep(mut self) -> Result<(), Error> {
        self.drain()?;
        self.kept = true;
        interrupt::registry().stdout = None;
        Ok(())
    }
}

impl Drop for StdoutFile {
    fn drop(&mut self) {
        if self.kept || !self.wrote {
            return;
        }
        // What is gathered is dropped unwritten; what was written is cut off, and the
        // offset put back, for what is written after the run (`{ revcap …; echo; } >
        // f`).
        let mut left = interrupt::registry();
        left.stdout = None;
        let cut = self
            .file
            .set_len(self.start)
            .and_then(|()| self.file.seek(SeekFrom::Start(self.start)).map(|_| ()));
        if let Err(e) = cut {
            eprintln!(
                "warning: stdout: the rows written before the run failed could not be removed from the file ({e}): it ends with part of them"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// A file at its end as `open` would give it, written from `text`.
    fn at_end(text: &[u8]) -> (StdoutFile, File) {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(text).unwrap();
        let other = file.try_clone().unwrap();
        let start = text.len() as u64;
        let out = StdoutFile {
            file,
            buf: Vec::new(),
            start,
            wrote: false,
            kept: false,
        };
        (out, other)
    }

    fn contents(mut f: &File) -> Vec<u8> {
        let mut all = Vec::new();
        f.seek(SeekFrom::Start(0)).unwrap();
        f.read_to_end(&mut all).unwrap();
        all
    }

    /// Dropped before `keep`: what was written is cut off and the offset put back;
    /// what was only gathered is never written; a run that wrote nothing cuts
    /// nothing, so a line another writer added meanwhile stays.
    #[test]
    fn a_drop_cuts_back_only_what_was_written() {
        let (mut out, other) = at_end(b"before\n");
        out.write(&vec![b'x'; BUF + 1]).unwrap();
        out.write(b"gathered").unwrap();
        drop(out);
        assert_eq!(contents(&other), b"before\n");
        let (mut out, mut other) = at_end(b"before\n");
        out.write(b"gathered").unwrap();
        other.seek(SeekFrom::End(0)).unwrap();
        other.write_all(b"another\n").unwrap();
        drop(out);
        assert_eq!(contents(&other), b"before\nanother\n");
        // Kept: everything, the gathered bytes included.
        let (mut out, other) = at_end(b"before\n");
        out.write(b"rows\n").unwrap();
        out.keep().unwrap();
        assert_eq!(contents(&other), b"before\nrows\n");
        assert!(interrupt::registry().stdout.is_none());
    }
}
