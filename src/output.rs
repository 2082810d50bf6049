//! Where results go: stdout, and output files written atomically. Everything is
//! written to temporary files in the target folder and renamed into place only once
//! the whole run (printing included) has succeeded, so a failed run leaves the previous
//! outputs untouched and no file is ever half-written.

use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::config::Input;
use crate::error::Error;

/// Files staged for one run, not yet visible under their final names. Dropped without
/// [`Staged::commit`], it deletes its temporary files and the folders it created.
pub struct Staged {
    dir: PathBuf,
    files: Vec<(NamedTempFile, PathBuf)>,
    /// Folders created for the output, deepest first; removed again (if still empty)
    /// when the run fails.
    created: Vec<PathBuf>,
    committed: bool,
}

impl Staged {
    /// Prepares `dir` (creating it if needed).
    pub fn new(dir: &Path) -> Result<Staged, Error> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::Write {
                path: dir.to_path_buf(),
                message: "exists and is not a folder (give --output a folder)".into(),
            });
        }
        let created: Vec<PathBuf> = dir
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
            .map(Path::to_path_buf)
            .collect();
        let staged = Staged {
            dir: dir.to_path_buf(),
            files: Vec::new(),
            created,
            committed: false,
        };
        std::fs::create_dir_all(dir).map_err(|e| Error::Write {
            path: dir.to_path_buf(),
            message: e.to_string(),
        })?;
        // On failure `staged` is dropped here and removes what it did create.
        Ok(staged)
    }

    /// Stages `bytes` as `name` in the folder.
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        self.add_parts(name, &[bytes])
    }

    /// Stages `parts`, one after another, as `name` in the folder.
    pub fn add_parts(&mut self, name: &str, parts: &[impl AsRef<[u8]>]) -> Result<(), Error> {
        let target = self.dir.join(name);
        let err = |e: std::io::Error| Error::Write {
            path: target.clone(),
            message: e.to_string(),
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(".revcap-")
            .suffix(".tmp")
            .tempfile_in(&self.dir)
            .map_err(err)?;
        for part in parts {
            tmp.write_all(part.as_ref()).map_err(err)?;
        }
        // tempfile creates files readable by their owner only; outputs are reports
        // to share, so give them the usual mode of a new file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
                .map_err(err)?;
        }
        tmp.as_file().sync_all().map_err(err)?;
        self.files.push((tmp, target));
        Ok(())
    }

    /// The final paths of the staged files.
    pub fn targets(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|(_, p)| p.as_path())
    }

    /// Renames every staged file into place.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, Error> {
        self.committed = true;
        let files = std::mem::take(&mut self.files);
        let mut written = Vec::with_capacity(files.len());
        for (tmp, target) in files {
            tmp.persist(&target).map_err(|e| Error::Write {
                path: target.clone(),
                message: e.error.to_string(),
            })?;
            written.push(target);
        }
        Ok(written)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        // Temporary files first (they are in the folder), then the folders this run
        // created, deepest first; `remove_dir` leaves any folder that is not empty.
        self.files.clear();
        for dir in &self.created {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Prints, then renames the staged files into place, so that a run that fails,
/// printing included, leaves earlier outputs as they were. A closed pipe is not a
/// failure (`revcap run | head`): the files are still written.
pub fn print_then_commit(
    stdout: &mut dyn Write,
    text: &[impl AsRef<str>],
    staged: Option<Staged>,
) -> Result<(), Error> {
    let printed = print_all(stdout, text);
    if let Err(Error::Stdout(e)) = &printed {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return printed;
        }
    }
    if let Some(staged) = staged {
        staged.commit()?;
    }
    printed
}

/// Writes to stdout; a closed pipe surfaces as `Error::Stdout` for `main` to treat as
/// success.
pub fn print(stdout: &mut dyn Write, text: &str) -> Result<(), Error> {
    print_all(stdout, &[text])
}

/// [`print()`] for text in pieces.
pub fn print_all(stdout: &mut dyn Write, parts: &[impl AsRef<str>]) -> Result<(), Error> {
    parts
        .iter()
        .try_for_each(|p| stdout.write_all(p.as_ref().as_bytes()))
        .and_then(|()| stdout.flush())
        .map_err(Error::Stdout)
}

/// An output must never replace an input file.
pub fn refuse_overwriting_inputs(inputs: &[Input], staged: &Staged) -> Result<(), Error> {
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    let inputs: Vec<_> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::File(p, ..) => canon(p),
            Input::Stdin(..) | Input::Builtin(..) => None,
        })
        .collect();
    for target in staged.targets() {
        if let Some(t) = canon(target) {
            if inputs.contains(&t) {
                return Err(Error::Write {
                    path: target.to_path_buf(),
                    message:
                        "is one of the inputs; refusing to overwrite it (choose another --output)"
                            .into(),
                });
            }
        }
    }
    Ok(())
}
