//! Large outputs go to disk behind the writing: past a quarter of memory, what a run
//! writes into its staged files and spools leaves the page cache once it is on disk,
//! and a file read back for stdout leaves it once it is copied.
//!
//! A run with files can write far more than memory (`run --format json` of 60M
//! periods writes 34.6 GB). Once the page cache is full, every page written must
//! first be reclaimed from it, which costs more than the writing: on the benchmark
//! machine 21 GB written through a full cache took 43 s, nearly all of it system
//! time, and 8 s when every 64 MiB was put on disk and let go as the next was written
//! (bench/README.md). What a run writes first stays cached, so a run that fits (the
//! 6M-row file's 3.4 GB) prints its file back from memory as before. A file the run
//! does not read back writes behind from its start ([`Behind::unkept`]), leaving that
//! budget to the one it prints.
//!
//! Only hints to the system, except that an error of putting a range on disk is
//! reported: the system clears it once told, and the `fsync` that ends each staged
//! file would no longer see it.

use std::sync::atomic::{AtomicU64, Ordering};

/// Bytes written into staged files and spools' temporary files by this process.
static WRITTEN: AtomicU64 = AtomicU64::new(0);

/// What this process's outputs may leave in the page cache, and the bytes a staged
/// file writes between two steps of writing behind past it: a quarter of the
/// machine's memory (not of a container's limit; no limit where memory cannot be
/// known, or on systems other than Linux) and 64 MiB.
/// Debug builds take both from `REVCAP_WRITE_BEHIND` (`BUDGET,STEP` in bytes), for
/// the tests (`tests/streaming.rs`).
fn limits() -> (u64, u64) {
    static LIMITS: std::sync::OnceLock<(u64, u64)> = std::sync::OnceLock::new();
    *LIMITS.get_or_init(|| {
        #[cfg(debug_assertions)]
        if let Some(set) = std::env::var("REVCAP_WRITE_BEHIND").ok().and_then(|v| {
            let (budget, step) = v.split_once(',')?;
            Some((budget.parse().ok()?, step.parse().ok()?))
        }) {
            return set;
        }
        (quarter_of_memory(), 64 << 20)
    })
}

fn quarter_of_memory() -> u64 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sysconf only reads constants of the system.
        let (pages, size) = unsafe {
            (
                libc::sysconf(libc::_SC_PHYS_PAGES),
                libc::sysconf(libc::_SC_PAGESIZE),
            )
        };
        match (u64::try_from(pages), u64::try_from(size)) {
            (Ok(p), Ok(s)) if p > 0 && s > 0 => p.saturating_mul(s) / 4,
            _ => u64::MAX,
        }
    }
    #[cfg(not(target_os = "linux"))]
    u64::MAX
}

/// Where one staged file is in writing behind.
#[derive(Debug, Default)]
pub struct Behind {
    /// Bytes written to the file.
    len: u64,
    /// Where the range last sent to disk starts, once the file writes behind (the
    /// outputs had written their budget, [`limits`], or an unkept file its first step).
    sent: Option<u64>,
    /// What comes before this is on disk and let go (or kept, when written before the
    /// budget was reached).
    released: u64,
    /// The file is not kept: it writes behind from its first step, outside the budget
    /// (only its last two steps at most stay cached: [`Behind::unkept`]).
    unkept: bool,
}

impl Behind {
    /// A file that is not read again by the run (not the one printed at the end): it
    /// goes to disk a step at a time from its start and is let go as it goes, leaving
    /// the page cache's budget to the file that is read back for stdout. A 60M-row
    /// `run --format csv` kept the first 6 GB written, mostly of `result.json`, and
    /// then read most of its 7 GB ledger back from disk (bench/README.md).
    pub fn unkept() -> Behind {
        Behind {
            unkept: true,
            ..Behind::default()
        }
    }

    /// Counts `n` bytes written; whether a [`Behind::step`] is due, once the file is
    /// flushed.
    pub fn wrote(&mut self, n: usize) -> bool {
        let n = n as u64;
        self.len = self.len.saturating_add(n);
        match self.sent {
            Some(sent) => self.len - sent >= limits().1,
            None if self.unkept => {
                let due = self.len >= limits().1;
                if due {
                    self.sent = Some(0);
                }
                due
            }
            None => {
                let total = WRITTEN.fetch_add(n, Ordering::Relaxed).saturating_add(n);
                if total > limits().0 {
                    self.sent = Some(self.len);
                    self.released = self.len;
                }
                false
            }
        }
    }

    /// Bytes written to the file.
    pub fn written(&self) -> u64 {
        self.len
    }

    /// Whether the file writes behind (the outputs have written their budget, or an
    /// unkept file its first step).
    pub fn is_behind(&self) -> bool {
        self.sent.is_some()
    }

    /// Sends what was written since the last step to disk, without waiting; waits for
    /// the step before it to be on disk and lets it go. `file` holds every byte
    /// counted.
    pub fn step(&mut self, file: &std::fs::File) -> std::io::Result<()> {
        let Some(sent) = self.sent else {
            return Ok(());
        };
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            let fd = file.as_raw_fd();
            sync_range(fd, sent, self.len - sent, libc::SYNC_FILE_RANGE_WRITE)?;
            if sent > self.released {
                let (from, len) = (self.released, sent - self.released);
                sync_range(
                    fd,
                    from,
                    len,
                    libc::SYNC_FILE_RANGE_WAIT_BEFORE
                        | libc::SYNC_FILE_RANGE_WRITE
                        | libc::SYNC_FILE_RANGE_WAIT_AFTER,
                )?;
                let _ = advise_dontneed(fd, from, len);
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = file;
        self.released = sent;
        self.sent = Some(self.len);
        Ok(())
    }
}

/// A file copied from its start (a staged file or a spool read back for stdout):
/// once what is copied is past the outputs' budget ([`limits`]), it leaves the page
/// cache a step at a time, or the file, larger than memory, would push its own end,
/// not yet copied, out of the cache. The file is on disk or in a temporary file: only
/// a hint, whose failure is not one.
#[derive(Debug, Default)]
pub struct Copy {
    copied: u64,
    released: u64,
}

impl Copy {
    /// Counts `n` more bytes copied out of `file`.
    pub fn copied(&mut self, file: &std::fs::File, n: usize) {
        self.copied = self.copied.saturating_add(n as u64);
        let (budget, step) = limits();
        if self.copied > budget && self.copied - self.released >= step {
            #[cfg(target_os = "linux")]
            {
                use std::os::fd::AsRawFd;
                let _ = advise_dontneed(file.as_raw_fd(), 0, self.copied);
            }
            #[cfg(not(target_os = "linux"))]
            let _ = file;
            self.released = self.copied;
        }
    }
}

/// The most read at a time when copying a file out. Past the page cache a file is
/// read from disk, where the size of each read sets the pace: on the benchmark
/// machine an uncached 4 GiB file read 64 KiB at a time came at 0.5–1.1 GB/s, 4 MiB at
/// a time at 2.3–2.9 GB/s (the 60M-row `run`'s ledger, read back for stdout, took 14
/// s of its 65; bench/README.md).
const COPY_READ: usize = 4 << 20;

/// Why a copy stopped: reading the file, or writing where it went.
#[derive(Debug)]
pub enum CopyError {
    Read(std::io::Error),
    Write(std::io::Error),
}

/// Copies `file` from where it stands to its end into `out`, letting it leave the
/// page cache as it goes ([`Copy`]). Reads are as large as [`COPY_READ`] (as large as
/// the file when it is smaller).
pub fn copy(file: &mut std::fs::File, out: &mut dyn std::io::Write) -> Result<(), CopyError> {
    use std::io::Read;
    let len = file.metadata().map_or(COPY_READ as u64, |m| m.len());
    let room = usize::try_from(len).map_or(COPY_READ, |n| n.clamp(1, COPY_READ));
    let mut buf = vec![0u8; room];
    let mut copy = Copy::default();
    loop {
        let n = match file.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Read(e)),
        };
        let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
            return Ok(());
        };
        out.write_all(chunk).map_err(CopyError::Write)?;
        copy.copied(file, n);
    }
}

#[cfg(target_os = "linux")]
fn offset(n: u64) -> libc::off64_t {
    libc::off64_t::try_from(n).unwrap_or(libc::off64_t::MAX)
}

#[cfg(target_os = "linux")]
fn sync_range(fd: libc::c_int, from: u64, len: u64, flags: libc::c_uint) -> std::io::Result<()> {
    // SAFETY: a system call on an open descriptor; no memory is passed.
    let r = unsafe { libc::sync_file_range(fd, offset(from), offset(len), flags) };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(target_os = "linux")]
fn advise_dontneed(fd: libc::c_int, from: u64, len: u64) -> libc::c_int {
    // `posix_fadvise` takes `off_t`, 32 bits on 32-bit targets: past that, the hint
    // covers what it can.
    let at = |n: u64| libc::off_t::try_from(n).unwrap_or(libc::off_t::MAX);
    // SAFETY: a system call on an open descriptor; no memory is passed.
    unsafe { libc::posix_fadvise(fd, at(from), at(len), libc::POSIX_FADV_DONTNEED) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file not read back steps from its start, whatever the outputs have written:
    /// its first step when a step's bytes are written (nothing to wait for yet), then
    /// one a step, each letting the one before go.
    #[test]
    fn an_unkept_file_writes_behind_from_its_start() {
        let step = limits().1;
        let file = tempfile::tempfile().unwrap();
        let mut b = Behind::unkept();
        assert!(!b.wrote(usize::try_from(step - 1).unwrap()));
        assert!(!b.is_behind());
        assert!(b.wrote(1));
        assert!(b.is_behind());
        file.set_len(b.written()).unwrap();
        b.step(&file).unwrap();
        assert_eq!((b.sent, b.released), (Some(step), 0));
        assert!(!b.wrote(1));
        assert!(b.wrote(usize::try_from(step - 1).unwrap()));
        file.set_len(b.written()).unwrap();
        b.step(&file).unwrap();
        assert_eq!((b.sent, b.released), (Some(2 * step), step));
    }
}
