//! One writer at a time: an advisory lock (`flock`) on a lock file beside the output
//! folder, `.NAME.revcap-lock` in its parent, held from staging to commit. It is not
//! inside the folder, which the commit swaps away.
//!
//! The file is removed when the lock is released (while still held), so none is left
//! behind; a run that gets the lock then checks that the file it locked is still the
//! one at that path, and starts again if not (the classic lock-file race).

use std::fs::File;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};

use super::interrupt;

/// What to do when another run holds the lock: set once by the command (`--no-wait`).
static POLICY: AtomicU8 = AtomicU8::new(WAIT_QUIET_HINT);
const WAIT_QUIET_HINT: u8 = 0;
const WAIT: u8 = 1;
const NO_WAIT: u8 = 2;

/// `--no-wait` given (fail at once) or not (wait, saying so once); commands without
/// the flag (`man`) wait without mentioning it.
pub fn set_no_wait(no_wait: bool) {
    POLICY.store(if no_wait { NO_WAIT } else { WAIT }, Ordering::SeqCst);
}

/// A held lock; released (and its file removed) on drop.
pub struct Lock {
    file: File,
    /// The lock file, when the lock is on one (not on the folder itself).
    path: Option<PathBuf>,
}

/// Why the lock was not taken.
pub enum LockError {
    /// Another run holds it and `--no-wait` was given.
    Busy,
    Io(io::Error),
}

fn flock(file: &File, op: libc::c_int) -> io::Result<()> {
    // SAFETY: flock on a descriptor we own; no memory is shared.
    let r = unsafe { libc::flock(file.as_raw_fd(), op) };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Takes the lock for output folder `real` (its resolved path; `shown` is the path as
/// given, for the waiting note). The lock file is in `real`'s parent; when it cannot
/// be created there (a read-only parent), the existing folder itself is locked.
pub fn acquire(real: &Path, shown: &Path) -> Result<Lock, LockError> {
    let (Some(parent), Some(name)) = (real.parent(), real.file_name()) else {
        return lock_folder(real, shown);
    };
    let path = parent.join(format!(".{}.revcap-lock", name.to_string_lossy()));
    loop {
        let file = match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
        {
            Ok(f) => f,
            Err(e) if real.is_dir() && is_denied(&e) => return lock_folder(real, shown),
            Err(e) => return Err(LockError::Io(e)),
        };
        take(&file, shown)?;
        // Still the file at that path? A run that released its lock removed it, and
        // another may have created a new one since.
        let same = match (file.metadata(), std::fs::metadata(&path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        };
        if same {
            interrupt::registry().lock_file = Some(path.clone());
            return Ok(Lock {
                file,
                path: Some(path),
            });
        }
    }
}

fn is_denied(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EACCES | libc::EPERM | libc::EROFS)
    )
}

/// Locks the folder itself (its descriptor), for a parent where no file can be made.
fn lock_folder(real: &Path, shown: &Path) -> Result<Lock, LockError> {
    let file = File::open(real).map_err(LockError::Io)?;
    take(&file, shown)?;
    Ok(Lock { file, path: None })
}

/// Takes the lock on `file`, at once or after waiting as the policy says.
fn take(file: &File, shown: &Path) -> Result<(), LockError> {
    match flock(file, libc::LOCK_EX | libc::LOCK_NB) {
        Ok(()) => return Ok(()),
        Err(e) if e.raw_os_error() == Some(libc::EWOULDBLOCK) => {}
        // No locking on this filesystem: nothing to wait for.
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENOLCK | libc::EOPNOTSUPP)) => {
            return Ok(())
        }
        Err(e) => return Err(LockError::Io(e)),
    }
    let policy = POLICY.load(Ordering::SeqCst);
    if policy == NO_WAIT {
        return Err(LockError::Busy);
    }
    let mut shown = shown.display().to_string();
    if !shown.ends_with('/') {
        shown.push('/');
    }
    let hint = if policy == WAIT {
        " (--no-wait to fail instead)"
    } else {
        ""
    };
    // Once, even if the lock file changes hands while this run waits.
    static NOTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !NOTED.swap(true, Ordering::SeqCst) {
        eprintln!("note: waiting for another revcap run writing to {shown}{hint}");
    }
    loop {
        match flock(file, libc::LOCK_EX) {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(LockError::Io(e)),
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held, so a waiting run notices and starts again.
        if let Some(path) = &self.path {
            let mut left = interrupt::registry();
            let _ = std::fs::remove_file(path);
            left.lock_file = None;
        }
        let _ = flock(&self.file, libc::LOCK_UN);
    }
}
