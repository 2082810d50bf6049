//! A test-only fault hook: every filesystem step of staging and committing an output
//! set calls [`step`], so the tests can fail, kill or pause the process at any one of
//! them and check that the output folder always holds one run's complete set; so does
//! each write of rows into a redirected stdout (`stdout_file.rs`), which must end as
//! it began when the run fails.
//!
//! Debug builds only read `REVCAP_FAULT`; release builds compile [`step`] to nothing.
//! `REVCAP_FAULT` is `N:fail` (step N returns an error instead of acting), `N:kill`
//! (SIGKILL before step N), `N:pause` (sleep 60 s before step N, for the lock and
//! signal tests), or `count` (each step is named on stderr as `fault step N: WHAT`);
//! a `,noexchange` suffix makes the atomic exchange report "not supported", to test
//! the fallback.

use std::io;

#[cfg(debug_assertions)]
mod active {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;

    pub enum Action {
        Fail,
        Kill,
        Pause,
        Count,
    }

    pub struct Plan {
        pub at: u64,
        pub action: Action,
        pub no_exchange: bool,
    }

    pub static STEPS: AtomicU64 = AtomicU64::new(0);

    pub fn plan() -> Option<&'static Plan> {
        static PLAN: OnceLock<Option<Plan>> = OnceLock::new();
        PLAN.get_or_init(|| {
            let raw = std::env::var("REVCAP_FAULT").ok()?;
            let (spec, no_exchange) = match raw.strip_suffix(",noexchange") {
                Some(s) => (s.to_string(), true),
                None => (raw.clone(), false),
            };
            if spec == "count" || spec.is_empty() {
                return Some(Plan {
                    at: 0,
                    action: Action::Count,
                    no_exchange,
                });
            }
            let (n, action) = spec.split_once(':')?;
            let action = match action {
                "fail" => Action::Fail,
                "kill" => Action::Kill,
                "pause" => Action::Pause,
                _ => return None,
            };
            Some(Plan {
                at: n.parse().ok()?,
                action,
                no_exchange,
            })
        })
        .as_ref()
    }

    pub fn next() -> u64 {
        STEPS.fetch_add(1, Ordering::SeqCst) + 1
    }
}

/// Called before each filesystem step of an output set; `what` names it for `count`.
#[cfg(debug_assertions)]
pub fn step(what: &dyn Fn() -> String) -> io::Result<()> {
    use active::Action;
    let Some(plan) = active::plan() else {
        return Ok(());
    };
    let n = active::next();
    match plan.action {
        Action::Count => {
            eprintln!("fault step {n}: {}", what());
            Ok(())
        }
        _ if n != plan.at => Ok(()),
        Action::Fail => Err(io::Error::other(format!(
            "injected fault at step {n} ({})",
            what()
        ))),
        Action::Kill => {
            // SAFETY: raising a signal in our own process has no memory effects.
            unsafe {
                libc::raise(libc::SIGKILL);
            }
            Ok(())
        }
        Action::Pause => {
            std::thread::sleep(std::time::Duration::from_secs(60));
            Ok(())
        }
    }
}

#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn step(_what: &dyn Fn() -> String) -> io::Result<()> {
    Ok(())
}

/// Whether the tests ask to behave as if the atomic exchange were not supported.
#[cfg(debug_assertions)]
pub fn no_exchange() -> bool {
    active::plan().is_some_and(|p| p.no_exchange)
}

#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn no_exchange() -> bool {
    false
}
