//! stdout redirected to a regular file (`revcap compare … --format csv > out.csv`): the
//! rows written straight into it as they are made, and cut back to where they began
//! when the run fails or is interrupted, so that the file ends as a spool would have
//! left it: the whole output, or what it held before.
//!
//! Why: a [`Spool`](super::Spool) writes every row twice, into its temporary file as the
//! batches are computed and again into stdout once every problem is known, that last
//! copy on one core while the other waits. On the 6M-row bench file it was the 47 MB
//! of `compare --format csv` copied at the end, about a tenth of the run
//! (bench/README.md).
//!
//! Only where cutting back gives exactly what was there before ([`StdoutFile::open`]):
//! stdout is a regular file written at its end (its offset at its length: `>` and a
//! `>>` of an empty file; a `>>` of a file with text in it reads offset 0 and is
//! spooled), it is not the file stderr writes to (a message written meanwhile would be
//! cut with the rows, and would come after them rather than before), nor stdin, nor an
//! input; and only in the binary ([`allow`]): the library's callers print into
//! writers of their own. Anything else (a pipe, a terminal) is spooled as before.
//!
//! What differs from a spool: the rows are in the file while the run goes on (a
//! reader of the file sees them before the run is known to succeed), and a run killed
//! by SIGKILL, a crash or a power loss leaves those written so far, where a spool
//! would have left nothing. SIGINT, SIGTERM and SIGHUP cut back ([`super::interrupt`]).
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
    /// Bytes written in all, gathered ones included.
    len: u64,
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
        interrupt::registry().stdout = Some((file.as_raw_fd(), start));
        Some(StdoutFile {
            file,
            buf: Vec::with_capacity(BUF),
            start,
            len: 0,
            kept: false,
        })
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `bytes`; an error is stdout's.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.len += bytes.len() as u64;
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
        // Outside the lock: a pause here leaves a signal free to cut back.
        let fault = super::fault::step(&|| "write rows into the file stdout is".into());
        let _held = interrupt::registry();
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
        if self.kept {
            return;
        }
        // What is gathered is dropped unwritten; what was written is cut off.
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
