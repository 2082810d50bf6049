//! Clean interruption: SIGINT, SIGTERM and SIGHUP remove the staging folder of the run
//! (and its lock file), cut a redirected stdout back to where the run began writing it
//! (`stdout_file.rs`), and exit 128 + the signal (130, 143, 129).
//!
//! The staging folder and the lock file are registered here while they exist. The
//! commit holds the same mutex around its atomic step, so a signal never removes a
//! staging folder half-way through being swapped in: either before the exchange (the
//! new set is dropped, the old one stays) or after it (the staging path then holds
//! the old set, which was to be removed anyway).

use std::os::fd::RawFd;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

/// What a signal must clean up.
#[derive(Default)]
pub struct Leftovers {
    /// The run's staging folder.
    pub staging: Option<PathBuf>,
    /// The lock file this run holds (removed while still held: see `lock.rs`).
    pub lock_file: Option<PathBuf>,
    /// stdout redirected to a file the rows are written into as they are made
    /// (`stdout_file.rs`): a descriptor of it, and the length to cut it back to.
    pub stdout: Option<(RawFd, u64)>,
}

static REGISTRY: Mutex<Leftovers> = Mutex::new(Leftovers {
    staging: None,
    lock_file: None,
    stdout: None,
});

/// The registry, locked; a poisoned lock is still usable (it holds only paths).
pub fn registry() -> MutexGuard<'static, Leftovers> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

/// Installs the handler: a thread that waits for SIGINT, SIGTERM or SIGHUP, removes
/// what is registered and exits with 128 + the signal. Called once by the binary;
/// the library alone (the tests calling `revcap::run`) keeps the default handlers.
pub fn install() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        // Without the handler a signal still stops the run; only the cleanup is lost,
        // and the next run removes the leftovers.
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            // Held until exit: the commit cannot start its atomic step after this.
            let left = registry();
            if let Some(dir) = &left.staging {
                let _ = std::fs::remove_dir_all(dir);
            }
            if let Some(file) = &left.lock_file {
                let _ = std::fs::remove_file(file);
            }
            if let Some((fd, start)) = left.stdout {
                if let Ok(at) = libc::off_t::try_from(start) {
                    // SAFETY: the descriptor is open while registered (the file that
                    // owns it takes this lock to leave the registry before it is
                    // closed). The offset goes back too: it is shared with whatever
                    // writes into the file after the run, which would otherwise leave
                    // a hole of zeros where the rows were.
                    unsafe {
                        libc::ftruncate(fd, at);
                        libc::lseek(fd, at, libc::SEEK_SET);
                    }
                }
            }
            std::process::exit(128 + sig);
        }
    });
}
