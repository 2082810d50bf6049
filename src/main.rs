//! The `revcap` binary: parse arguments, build the configuration, run, and map
//! errors to exit codes (0 success, 1 wrong input or terms, 2 usage; 128 + the signal
//! after SIGINT, SIGTERM or SIGHUP).

use std::io::ErrorKind;
use std::process::ExitCode;

use clap::Parser;
use revcap::{cli::Cli, config::Config, error::Error};

fn main() -> ExitCode {
    // Any panic left is a bug; report it as one line and exit 1, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let what = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("a panic");
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let what = what.replace('\n', " ");
        eprintln!(
            "error: internal error: {what}{place} (please report this with the input that caused it)"
        );
    }));
    let cli = Cli::parse();
    // SIGINT, SIGTERM, SIGHUP: remove the staging folder, exit 130, 143, 129.
    revcap::output::interrupt::install();
    let outcome = std::panic::catch_unwind(|| {
        // Debug builds only: lets the tests check this guard with a real panic.
        #[cfg(debug_assertions)]
        if std::env::var_os("REVCAP_TEST_PANIC").is_some() {
            panic!("deliberate panic (REVCAP_TEST_PANIC is set)");
        }
        let config = Config::try_from(cli)?;
        // The run prints to this process's stdout: a redirected one may be written as
        // the rows are made (`output/stdout_file.rs`).
        revcap::output::stdout_file::allow();
        revcap::run(config, &mut std::io::stdout().lock())
    });
    match outcome {
        Ok(Ok(())) => ExitCode::SUCCESS,
        // `revcap run | head`: the reader left; that is not a failure.
        Ok(Err(Error::Stdout(e))) if e.kind() == ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            if !matches!(e, Error::Reported) {
                let text = e.to_string();
                if text.starts_with("error:") {
                    eprintln!("{text}");
                } else {
                    eprintln!("error: {text}");
                }
            }
            ExitCode::from(e.code() as u8)
        }
        Err(_) => ExitCode::from(1),
    }
}
