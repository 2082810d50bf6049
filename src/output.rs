//! Where results go: stdout, and output files written as one set, all or nothing.
//!
//! The files of a run are staged in a sibling of the output folder
//! (`.NAME.revcap-staging-PID`, same filesystem), completed with the entries of the old
//! folder the run does not write (hard links), and swapped in with one atomic
//! `renameat2(RENAME_EXCHANGE)`; the old folder, now at the staging path, is then
//! removed. Whatever fails and whenever the process dies, the folder holds one run's
//! complete set. Where the exchange is not possible (another filesystem or OS, a
//! folder owned by someone else, the current folder), the files are staged inside the
//! folder and renamed one by one, as docs/spec.md §5.8 says. An advisory lock beside
//! the folder ([`lock`]) keeps runs from interleaving; signals remove the staging
//! folder ([`interrupt`]); leftovers of killed runs are removed by the next run.

pub mod behind;
pub mod fault;
pub mod interrupt;
pub mod lock;
pub mod stdout_file;
mod writer;

use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::config::Input;
use crate::error::Error;

pub use lock::set_no_wait;
pub use stdout_file::StdoutFile;

/// How the staged set becomes the output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Staged beside the folder, swapped in with one atomic step; `existed` says
    /// whether there is an old folder to exchange with (else one rename).
    Swap { existed: bool },
    /// Staged inside the folder, renamed into place one file at a time.
    PerFile,
}

/// A staged file this long is written by a thread of its own from then on
/// (`writer`), as one past the write-behind budget is: even into the page cache,
/// copying the 6M-row file's 3.4 GB of `run` files held up the thread that hands
/// results on (paired runs in bench/README.md: `run --format json` 0.75 of its time,
/// `--format csv` 0.85). Smaller files, most runs' files, are written where they are
/// made.
const THREAD_FROM: u64 = 64 << 20;

/// Files staged for one run, not yet visible under their final names. Dropped without
/// [`Staged::commit`], it removes its staging folder and the folders it created.
pub struct Staged {
    /// The folder as given (`--output`), for messages and [`Staged::targets`].
    dir: PathBuf,
    /// The folder resolved (symbolic links followed): what is exchanged.
    real: PathBuf,
    staging: PathBuf,
    mode: Mode,
    /// Each file's name in the folder and its final path as given.
    files: Vec<(String, PathBuf)>,
    /// Folders created for the output, deepest first; removed again (if still empty)
    /// when the run fails.
    created: Vec<PathBuf>,
    lock: Option<lock::Lock>,
    committed: bool,
    /// Which names the command writes ([`Staged::own_outputs`]); `None`: no warning.
    own: Option<fn(&str) -> bool>,
}

/// Folders created for the output, deepest first; removed again (if empty) on drop,
/// unless taken.
struct Created(Vec<PathBuf>);

impl Created {
    /// Creates `dir` and its missing parents.
    fn all(dir: &Path) -> std::io::Result<Created> {
        let made = Created(
            dir.ancestors()
                .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
                .map(Path::to_path_buf)
                .collect(),
        );
        std::fs::create_dir_all(dir)?;
        Ok(made)
    }
}

impl Drop for Created {
    fn drop(&mut self) {
        for dir in &self.0 {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// An error writing the output folder `path`.
fn write_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Why the link `dir` leads to no folder: to nothing (its target named), round in a
/// loop, or through something unreadable.
fn dangling(dir: &Path, e: &std::io::Error) -> String {
    if e.raw_os_error() == Some(libc::ELOOP) {
        "a link that loops; point it at a folder or choose another --output".into()
    } else if e.kind() == std::io::ErrorKind::NotFound {
        let target = std::fs::read_link(dir)
            .map(|t| format!(" ({})", t.display()))
            .unwrap_or_default();
        format!("a link to nothing{target}; create its target or choose another --output")
    } else {
        e.to_string()
    }
}

/// One filesystem step of staging or committing (see [`fault`]).
fn step(what: impl Fn() -> String) -> std::io::Result<()> {
    fault::step(&what)
}

impl Staged {
    /// Prepares to write into `dir` (created with its parents if needed): waits for
    /// the lock, removes leftovers of killed runs, creates the staging folder.
    pub fn new(dir: &Path) -> Result<Staged, Error> {
        if let Ok(meta) = std::fs::symlink_metadata(dir) {
            if meta.file_type().is_symlink() {
                if let Err(e) = std::fs::metadata(dir) {
                    return Err(Error::Write {
                        path: dir.to_path_buf(),
                        message: dangling(dir, &e),
                    });
                }
            }
            if !dir.is_dir() {
                return Err(Error::Write {
                    path: dir.to_path_buf(),
                    message: "exists and is not a folder (give --output a folder)".into(),
                });
            }
        }
        // Folders made before `staged` exists are removed again by `made` on failure.
        let mut made = Created(Vec::new());
        let real = if dir.is_dir() {
            std::fs::canonicalize(dir).map_err(write_err(dir))?
        } else if let Some(name) = dir.file_name() {
            let parent = match dir.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            if parent.exists() && !parent.is_dir() {
                // Under a file: the error creating it names the problem.
                std::fs::create_dir_all(dir).map_err(write_err(dir))?;
            }
            made = Created::all(parent).map_err(write_err(dir))?;
            std::fs::canonicalize(parent)
                .map_err(write_err(dir))?
                .join(name)
        } else {
            // `a/..` and the like: create it as given, then it is an existing folder.
            made = Created::all(dir).map_err(write_err(dir))?;
            std::fs::canonicalize(dir).map_err(write_err(dir))?
        };
        let created = std::mem::take(&mut made.0);
        // From here on, dropping `staged` removes what this run created.
        let mut staged = Staged::empty(dir, created);
        staged.real = real;
        let lock = lock::acquire(&staged.real, dir).map_err(|e| match e {
            lock::LockError::Busy => Error::Write {
                path: dir.to_path_buf(),
                message:
                    "another revcap run is writing to this folder (not waiting for it: --no-wait)"
                        .into(),
            },
            lock::LockError::Io(e) => write_err(dir)(e),
        })?;
        staged.lock = Some(lock);
        // Another run may have created or removed the folder while this one waited.
        let existed = staged.real.is_dir();
        // Best effort: a leftover this user cannot remove does not stop the run.
        let _ = staged.remove_leftovers();
        staged.mode = Mode::Swap { existed };
        if !staged.start_swap(existed) {
            staged.start_per_file(existed)?;
        }
        Ok(staged)
    }

    fn empty(dir: &Path, created: Vec<PathBuf>) -> Staged {
        Staged {
            dir: dir.to_path_buf(),
            real: dir.to_path_buf(),
            staging: PathBuf::new(),
            mode: Mode::PerFile,
            files: Vec::new(),
            created,
            lock: None,
            committed: false,
            own: None,
        }
    }

    /// Removes the staging folders and temporary files of runs that are no longer
    /// alive. The lock is held, so no live run is writing; the owner's pid is checked
    /// as well, in case locks do not work on this filesystem.
    fn remove_leftovers(&self) -> std::io::Result<()> {
        if let (Some(parent), Some(name)) = (self.real.parent(), self.real.file_name()) {
            let prefix = format!(".{}.revcap-staging-", name.to_string_lossy());
            for entry in std::fs::read_dir(parent)?.filter_map(Result::ok) {
                let entry_name = entry.file_name().to_string_lossy().into_owned();
                if let Some(pid) = entry_name.strip_prefix(&prefix) {
                    if !alive(pid) {
                        let path = entry.path();
                        step(|| format!("remove leftover {}", path.display()))?;
                        std::fs::remove_dir_all(&path)?;
                    }
                }
            }
        }
        if !self.real.is_dir() {
            return Ok(());
        }
        for entry in std::fs::read_dir(&self.real)?.filter_map(Result::ok) {
            let entry_name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if let Some(pid) = entry_name.strip_prefix(".revcap-staging-") {
                if !alive(pid) {
                    step(|| format!("remove leftover {}", path.display()))?;
                    std::fs::remove_dir_all(&path)?;
                }
            } else if is_old_temp(&entry_name) && path.is_file() {
                // Temporary files of earlier versions carry no pid; with the lock held
                // no revcap run of this version is writing them.
                step(|| format!("remove leftover {}", path.display()))?;
                std::fs::remove_file(&path)?;
            }
        }
        Ok(())
    }

    /// Creates the staging folder beside the output folder, with the old folder's mode
    /// and owner; false when that is not possible here (then files go one by one).
    fn start_swap(&mut self, existed: bool) -> bool {
        let (Some(parent), Some(name)) = (self.real.parent(), self.real.file_name()) else {
            return false;
        };
        let old = if existed {
            match std::fs::metadata(&self.real) {
                Ok(m) => Some(m),
                Err(_) => return false,
            }
        } else {
            None
        };
        // A folder this user may not write to is not replaced either (whoever made it
        // read-only meant to keep its files): the per-file path fails as it should.
        if existed && !writable(&self.real) {
            return false;
        }
        // The folder a process works in cannot be swapped from under it.
        let cwd = std::env::current_dir().and_then(std::fs::canonicalize);
        if existed && cwd.is_ok_and(|c| c.starts_with(&self.real)) {
            return false;
        }
        let staging = parent.join(format!(
            ".{}.revcap-staging-{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        {
            let mut left = interrupt::registry();
            if step(|| "create staging folder".into()).is_err()
                || std::fs::create_dir(&staging).is_err()
            {
                return false;
            }
            left.staging = Some(staging.clone());
        }
        self.staging = staging;
        if let Some(old) = old {
            let keep = step(|| "set staging folder's mode and owner".into())
                .and_then(|()| std::fs::set_permissions(&self.staging, old.permissions()))
                .and_then(|()| same_owner(&self.staging, &old));
            if keep.is_err() {
                self.drop_staging();
                return false;
            }
        }
        self.mode = Mode::Swap { existed };
        true
    }

    /// Creates the staging folder inside the output folder (creating that if needed).
    fn start_per_file(&mut self, existed: bool) -> Result<(), Error> {
        self.mode = Mode::PerFile;
        if !existed {
            step(|| "create output folder".into())
                .and_then(|()| std::fs::create_dir(&self.real))
                .map_err(write_err(&self.dir))?;
            self.created.insert(0, self.real.clone());
        }
        let staging = self
            .real
            .join(format!(".revcap-staging-{}", std::process::id()));
        let mut left = interrupt::registry();
        step(|| "create staging folder".into())
            .and_then(|()| std::fs::create_dir(&staging))
            .map_err(write_err(&self.dir))?;
        left.staging = Some(staging.clone());
        self.staging = staging;
        Ok(())
    }

    /// Removes the staging folder (and its registration).
    fn drop_staging(&mut self) {
        if self.staging.as_os_str().is_empty() {
            return;
        }
        let mut left = interrupt::registry();
        let _ = std::fs::remove_dir_all(&self.staging);
        left.staging = None;
        self.staging = PathBuf::new();
    }

    /// Stages `bytes` as `name` in the folder.
    pub fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        self.add_parts(name, &[bytes])
    }

    /// Stages `parts`, one after another, as `name` in the folder.
    pub fn add_parts(&mut self, name: &str, parts: &[impl AsRef<[u8]>]) -> Result<(), Error> {
        let mut file = self.create(name)?;
        for part in parts {
            file.write(part.as_ref())?;
        }
        file.finish().map(drop)
    }

    /// Creates `name` in the folder, to be written a piece at a time
    /// ([`StagedFile::write`]) and closed with [`StagedFile::finish`]: a file as large
    /// as a ledger of millions of lines is never held whole. It is part of the set
    /// from now on; a run that fails before the commit leaves it in the staging folder,
    /// which is removed.
    pub fn create(&mut self, name: &str) -> Result<StagedFile, Error> {
        self.create_with(name, behind::Behind::default())
    }

    /// [`Staged::create`] for a file the run will not read back (not the one printed
    /// at the end): it leaves the page cache as it is written ([`behind::Behind::unkept`]).
    pub fn create_unkept(&mut self, name: &str) -> Result<StagedFile, Error> {
        self.create_with(name, behind::Behind::unkept())
    }

    fn create_with(&mut self, name: &str, behind: behind::Behind) -> Result<StagedFile, Error> {
        let target = self.dir.join(name);
        refuse_replacing_a_folder(&self.real.join(name), &target)?;
        let path = self.staging.join(name);
        let err = write_err(&target);
        step(|| format!("write {name}")).map_err(&err)?;
        // Subfolders one level at a time: never re-create a staging folder a signal
        // has just removed.
        if let Some(sub) = Path::new(name).parent() {
            let mut at = self.staging.clone();
            for part in sub.components() {
                at.push(part);
                match std::fs::create_dir(&at) {
                    Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(err(e)),
                    _ => {}
                }
            }
        }
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o644)
            .open(&path)
            .map_err(&err)?;
        if !self.files.iter().any(|(n, _)| n == name) {
            self.files.push((name.to_string(), self.dir.join(name)));
        }
        Ok(StagedFile {
            out: Out::Here(std::io::BufWriter::with_capacity(1 << 16, file), behind),
            target: self.dir.join(name),
        })
    }

    /// The final paths of the staged files.
    pub fn targets(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|(_, p)| p.as_path())
    }

    /// Makes the staged set the output folder: one atomic exchange where possible,
    /// else one rename per file.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, Error> {
        // Checked when staged too; again here, before anything changes.
        for (name, target) in &self.files {
            refuse_replacing_a_folder(&self.real.join(name), target)?;
        }
        let stale = self.stale();
        let swapped = match self.mode {
            Mode::Swap { existed } => self.swap(existed)?,
            Mode::PerFile => false,
        };
        if !swapped {
            self.per_file()?;
        }
        self.committed = true;
        if let Some(warning) = stale_warning(&self.dir, &stale) {
            let _ = writeln!(std::io::stderr(), "{warning}");
        }
        Ok(self.files.iter().map(|(_, t)| t.clone()).collect())
    }

    /// Names the files the command writes in some run ([`run_output`]), so that
    /// those an earlier run left are warned of at the commit ([`Staged::stale`]).
    pub fn own_outputs(&mut self, own: fn(&str) -> bool) {
        self.own = Some(own);
    }

    /// The files already in the folder that this command writes in some run (by their
    /// names) and this run does not: they stay, as every file the run does not write
    /// does (docs/spec.md §5.8), but they describe an earlier run (a chart of a
    /// scenario no longer read, the report of a run that made one).
    fn stale(&self) -> Vec<String> {
        let Some(own) = self.own else {
            return Vec::new();
        };
        let Ok(entries) = std::fs::read_dir(&self.real) else {
            return Vec::new();
        };
        let mut out: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| own(n) && !self.files.iter().any(|(f, _)| f == n))
            .collect();
        out.sort();
        out
    }

    /// The atomic commit; false (nothing changed) when the exchange is not possible
    /// here and the files must go one by one.
    fn swap(&mut self, existed: bool) -> Result<bool, Error> {
        let dir = self.dir.clone();
        let err = write_err(&dir);
        if existed {
            match carry_over(&self.real, &self.staging) {
                Ok(true) => {}
                Ok(false) => return Ok(false),
                Err(e) => return Err(err(e)),
            }
        }
        // The staging folder's entries on disk before it becomes the folder, and the
        // swap itself after, so a power cut cannot undo half of it (best effort: some
        // filesystems cannot sync a folder).
        let sync = |p: &Path| std::fs::File::open(p).and_then(|f| f.sync_all());
        let _ = sync(&self.staging);
        {
            let _left = interrupt::registry();
            step(|| "exchange".into()).map_err(&err)?;
            let done = if existed {
                exchange(&self.staging, &self.real)
            } else {
                std::fs::rename(&self.staging, &self.real)
            };
            match done {
                Ok(()) => {}
                Err(e) if existed && unsupported(&e) => return Ok(false),
                Err(e) => return Err(err(e)),
            }
        }
        if let Some(parent) = self.real.parent() {
            let _ = sync(parent);
        }
        // The staging path now holds the old folder (or nothing): the new set is in
        // place whatever happens next; a leftover is removed by the next run.
        let _ = step(|| "remove old folder".into());
        self.drop_staging();
        Ok(true)
    }

    /// Renames each staged file into the folder, then removes the staging folder.
    fn per_file(&mut self) -> Result<(), Error> {
        for (name, target) in &self.files {
            let err = write_err(target);
            let to = self.real.join(name);
            if let Some(sub) = to.parent() {
                std::fs::create_dir_all(sub).map_err(&err)?;
            }
            step(|| format!("rename {name}")).map_err(&err)?;
            let from = self.staging.join(name);
            match std::fs::rename(&from, &to) {
                Err(e) if e.raw_os_error() == Some(libc::EXDEV) => {
                    // Staged on another filesystem (the folder is a mount point):
                    // copy beside the target, then rename that.
                    let tmp = to.with_file_name(format!(
                        ".revcap-{}-{}.tmp",
                        std::process::id(),
                        to.file_name()
                            .map(|n| n.to_string_lossy())
                            .unwrap_or_default()
                    ));
                    std::fs::copy(&from, &tmp)
                        .and_then(|_| std::fs::rename(&tmp, &to))
                        .inspect_err(|_| {
                            let _ = std::fs::remove_file(&tmp);
                        })
                        .map_err(&err)?;
                }
                other => other.map_err(&err)?,
            }
        }
        let _ = step(|| "remove staging folder".into());
        self.drop_staging();
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.committed && self.staging.as_os_str().is_empty() && self.lock.is_none() {
            return;
        }
        // The staging folder first, then the lock (its file may be in a folder this
        // run created), then the folders this run created, deepest first;
        // `remove_dir` leaves any folder that is not empty.
        self.drop_staging();
        self.lock = None;
        if !self.committed {
            for dir in &self.created {
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
}

/// A file being written into the staging folder ([`Staged::create`]).
pub struct StagedFile {
    out: Out,
    /// Its final path as given, for messages.
    target: PathBuf,
}

/// Where a staged file's bytes go.
enum Out {
    /// Written on the run's thread; past a quarter of memory (or from its start, for a
    /// file not read back), to disk as it is written ([`behind`]).
    Here(std::io::BufWriter<std::fs::File>, behind::Behind),
    /// Once it writes behind or is [`THREAD_FROM`] long, by a thread of its own
    /// ([`writer`]).
    Thread(writer::Writer),
    /// Handed to a thread that could not be started (the run fails).
    Gone,
}

fn gone() -> Error {
    Error::Internal("a staged file's writer could not be started".into())
}

impl StagedFile {
    /// Appends `bytes`.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        {
            let err = write_err(&self.target);
            match &mut self.out {
                Out::Here(out, behind) => {
                    out.write_all(bytes).map_err(&err)?;
                    step_behind(out, behind, bytes.len(), &err)?;
                }
                Out::Thread(w) => w.write_all(bytes).map_err(&err)?,
                Out::Gone => return Err(gone()),
            }
        }
        self.hand_over_if_due()
    }

    /// Appends what `from` holds (a [`Spool`] of one part of the file).
    pub fn append(&mut self, from: &mut Spool) -> Result<(), Error> {
        {
            let target = &self.target;
            match &mut self.out {
                Out::Here(out, behind) => {
                    from.copy_to(out, |e| write_err(target)(e))?;
                    let n = usize::try_from(from.len()).unwrap_or(usize::MAX);
                    step_behind(out, behind, n, write_err(target))?;
                }
                Out::Thread(w) => from.copy_to(w, |e| write_err(target)(e))?,
                Out::Gone => return Err(gone()),
            }
        }
        self.hand_over_if_due()
    }

    /// Once the file writes behind, or is [`THREAD_FROM`] long, a thread of its own
    /// writes it from then on.
    fn hand_over_if_due(&mut self) -> Result<(), Error> {
        let due = |b: &behind::Behind| b.is_behind() || b.written() >= THREAD_FROM;
        if !matches!(&self.out, Out::Here(_, b) if due(b)) {
            return Ok(());
        }
        if let Out::Here(out, behind) = std::mem::replace(&mut self.out, Out::Gone) {
            let writer = writer::Writer::start(out, behind).map_err(write_err(&self.target))?;
            self.out = Out::Thread(writer);
        }
        Ok(())
    }

    /// The file with every byte written, and its final path.
    fn written(self) -> Result<(std::fs::File, PathBuf), Error> {
        let target = self.target;
        let file = {
            let err = write_err(&target);
            let out = match self.out {
                Out::Here(out, _) => out,
                Out::Thread(w) => w.finish().map_err(&err)?.0,
                Out::Gone => return Err(gone()),
            };
            out.into_inner().map_err(|e| err(e.into_error()))?
        };
        Ok((file, target))
    }

    /// Copies what is written from byte `from` on into `into`; the file is not to be
    /// committed as it is (it is replaced, or the set dropped).
    pub fn read_back(self, from: u64, into: &mut Spool) -> Result<(), Error> {
        use std::io::Seek;
        let (mut file, target) = self.written()?;
        let err = write_err(&target);
        file.seek(std::io::SeekFrom::Start(from)).map_err(&err)?;
        into.append_file(&mut file, err)
    }

    /// Writes what is buffered, gives the file the mode of a report to share, and
    /// puts it on disk; the file, rewound, is returned, to be printed as well.
    pub fn finish(self) -> Result<std::fs::File, Error> {
        use std::io::Seek;
        let (mut file, target) = self.written()?;
        let err = write_err(&target);
        // Outputs are reports to share: the usual mode of a new file, whatever the umask.
        file.set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(&err)?;
        file.sync_all().map_err(&err)?;
        file.rewind().map_err(&err)?;
        Ok(file)
    }
}

/// Text kept until the end of a run, in memory while it is small, then in an
/// anonymous temporary file (removed by the system however the process ends): what
/// stdout and stderr print once every problem is known, and parts of a file that can
/// only be put together at the end. Memory stays bounded whatever the text's size.
pub struct Spool {
    memory: Vec<u8>,
    file: Option<std::io::BufWriter<std::fs::File>>,
    /// Past a quarter of memory, the file goes to disk as it is written.
    behind: behind::Behind,
    /// Bytes written in all.
    len: u64,
}

/// Text a [`Spool`] keeps in memory before moving to a temporary file.
const SPOOL_IN_MEMORY: usize = 4 << 20;

impl Default for Spool {
    fn default() -> Self {
        Spool::new()
    }
}

impl Spool {
    pub fn new() -> Spool {
        Spool {
            memory: Vec::new(),
            file: None,
            behind: behind::Behind::default(),
            len: 0,
        }
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes written in all.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Appends `bytes`; an error is the temporary file's.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.len += bytes.len() as u64;
        if let Some(f) = &mut self.file {
            f.write_all(bytes).map_err(spool_err)?;
            return step_behind(f, &mut self.behind, bytes.len(), spool_err);
        }
        if self.memory.len() + bytes.len() <= SPOOL_IN_MEMORY {
            self.memory.extend_from_slice(bytes);
            return Ok(());
        }
        let mut f =
            std::io::BufWriter::with_capacity(1 << 16, tempfile::tempfile().map_err(spool_err)?);
        f.write_all(&self.memory).map_err(spool_err)?;
        f.write_all(bytes).map_err(spool_err)?;
        let n = self.memory.len() + bytes.len();
        self.memory = Vec::new();
        step_behind(&mut f, &mut self.behind, n, spool_err)?;
        self.file = Some(f);
        Ok(())
    }

    /// Appends `file` from where it stands to its end (errors reading it made by
    /// `read_err`), as a staged file or another spool is copied out
    /// ([`behind::copy`]).
    pub fn append_file(
        &mut self,
        file: &mut std::fs::File,
        read_err: impl Fn(std::io::Error) -> Error,
    ) -> Result<(), Error> {
        let mut into = Appending {
            spool: self,
            error: None,
        };
        behind::copy(file, &mut into).map_err(|e| match e {
            behind::CopyError::Read(e) => read_err(e),
            behind::CopyError::Write(e) => into.error.take().unwrap_or_else(|| spool_err(e)),
        })
    }

    /// Appends everything written to `from` so far (which can be read again after).
    pub fn append(&mut self, from: &mut Spool) -> Result<(), Error> {
        let mut into = Appending {
            spool: self,
            error: None,
        };
        let copied = from.copy_to(&mut into, spool_err);
        match into.error.take() {
            Some(e) => Err(e),
            None => copied,
        }
    }

    /// Copies everything written so far into `out` (errors writing it made by
    /// `out_err`), and can be read again after.
    pub fn copy_to(
        &mut self,
        out: &mut dyn Write,
        out_err: impl Fn(std::io::Error) -> Error,
    ) -> Result<(), Error> {
        let Some(f) = &mut self.file else {
            return out.write_all(&self.memory).map_err(out_err);
        };
        copy_file(f, out, out_err)
    }

    /// Reads everything written so far, from the start (again each time).
    pub fn reader(&mut self) -> Result<Box<dyn std::io::Read + '_>, Error> {
        use std::io::Seek;
        match &mut self.file {
            None => Ok(Box::new(self.memory.as_slice())),
            Some(f) => {
                f.flush().map_err(spool_err)?;
                let file = f.get_mut();
                file.rewind().map_err(spool_err)?;
                Ok(Box::new(std::io::BufReader::with_capacity(1 << 16, file)))
            }
        }
    }
}

/// Counts `n` bytes written to a staged file or a spool's, and takes a step of
/// writing behind when one is due.
fn step_behind(
    f: &mut std::io::BufWriter<std::fs::File>,
    behind: &mut behind::Behind,
    n: usize,
    err: impl Fn(std::io::Error) -> Error,
) -> Result<(), Error> {
    if behind.wrote(n) {
        f.flush().map_err(&err)?;
        behind.step(f.get_ref()).map_err(&err)?;
    }
    Ok(())
}

/// A [`Spool`] as an `io::Write` for [`behind::copy`], keeping the spool's own error
/// (its temporary file's) to give back as it was.
struct Appending<'s> {
    spool: &'s mut Spool,
    error: Option<Error>,
}

impl Write for Appending<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self.spool.write(bytes) {
            Ok(()) => Ok(bytes.len()),
            Err(e) => {
                let message = e.to_string();
                self.error = Some(e);
                Err(std::io::Error::other(message))
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Copies a spool's file from its start into `out`, then goes back to its end.
fn copy_file(
    f: &mut std::io::BufWriter<std::fs::File>,
    out: &mut dyn Write,
    out_err: impl Fn(std::io::Error) -> Error,
) -> Result<(), Error> {
    use std::io::Seek;
    f.flush().map_err(spool_err)?;
    let file = f.get_mut();
    file.rewind().map_err(spool_err)?;
    behind::copy(file, out).map_err(|e| match e {
        behind::CopyError::Read(e) => spool_err(e),
        behind::CopyError::Write(e) => out_err(e),
    })?;
    file.seek(std::io::SeekFrom::End(0)).map_err(spool_err)?;
    Ok(())
}

/// An error of a temporary file (a spool's, or the distributions' paths: the disk of
/// `TMPDIR` full, say).
pub(crate) fn spool_err(e: impl std::fmt::Display) -> Error {
    Error::Write {
        path: std::env::temp_dir(),
        message: format!("temporary file: {e}"),
    }
}

/// A folder where a file is to go would have to be deleted with all it holds: refused,
/// before anything is printed or changed.
fn refuse_replacing_a_folder(at: &Path, target: &Path) -> Result<(), Error> {
    if std::fs::symlink_metadata(at).is_ok_and(|m| m.is_dir()) {
        return Err(Error::Write {
            path: target.to_path_buf(),
            message: "is a folder; refusing to replace it with a file (move or remove it)".into(),
        });
    }
    Ok(())
}

/// Whether the process `pid` (a staging folder's suffix) is alive; a name that is
/// not a pid is not revcap's and is kept.
fn alive(pid: &str) -> bool {
    let Ok(pid) = pid.parse::<libc::pid_t>() else {
        return true;
    };
    if pid <= 0 || pid as u32 == std::process::id() {
        return pid <= 0;
    }
    // SAFETY: signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Whether this process may create files in the folder `path`.
fn writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a NUL-terminated path that lives across the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK | libc::X_OK) == 0 }
}

/// `.revcap-*.tmp`: a temporary file of earlier versions (or of a copy in [`per_file`]).
fn is_old_temp(name: &str) -> bool {
    name.starts_with(".revcap-") && name.ends_with(".tmp")
}

/// Gives `path` the owner and group of `old` when they differ (an error if not allowed:
/// then the folder is not swapped, so its owner stays).
fn same_owner(path: &Path, old: &std::fs::Metadata) -> std::io::Result<()> {
    let new = std::fs::metadata(path)?;
    if new.uid() == old.uid() && new.gid() == old.gid() {
        return Ok(());
    }
    std::os::unix::fs::chown(path, Some(old.uid()), Some(old.gid()))
}

/// Whether `name` is a file `run` writes in some run: its data files, the report and
/// the workbook, and its charts by the endings their names take
/// (`feb2026-cumulative.png`); a `compare` chart of a scenario ends the same way, but
/// `-compare-cumulative`.
pub fn run_output(name: &str) -> bool {
    const FILES: [&str; 7] = [
        "ledger.csv",
        "summary.csv",
        "result.json",
        "distribution.csv",
        "binding_probability.csv",
        "report.html",
        "revcap.xlsx",
    ];
    const ENDINGS: [&str; 6] = [
        "-cumulative",
        "-payments",
        "-fan",
        "-foregone",
        "-binding-by-cap",
        "binding-probability",
    ];
    FILES.contains(&name)
        || chart_stem(name).is_some_and(|s| {
            !s.ends_with("-compare-cumulative") && ENDINGS.iter().any(|e| s.ends_with(e))
        })
}

/// [`run_output`] for `compare`.
pub fn compare_output(name: &str) -> bool {
    const FILES: [&str; 6] = [
        "compare.csv",
        "compare.json",
        "distribution.csv",
        "binding_probability.csv",
        "report.html",
        "revcap.xlsx",
    ];
    const ENDINGS: [&str; 5] = [
        "-compare-cumulative",
        "-heatmap",
        "-foregone",
        "-binding-by-cap",
        "binding-probability",
    ];
    FILES.contains(&name)
        || chart_stem(name)
            .is_some_and(|s| s.starts_with("compare-") || ENDINGS.iter().any(|e| s.ends_with(e)))
}

/// [`run_output`] for `sensitivity`.
pub fn sensitivity_output(name: &str) -> bool {
    [
        "sensitivity.csv",
        "sensitivity.json",
        "report.html",
        "revcap.xlsx",
    ]
    .contains(&name)
        || chart_stem(name).is_some_and(|s| s.contains("-tornado-"))
}

/// A chart's name without its `.png` or `.svg`.
fn chart_stem(name: &str) -> Option<&str> {
    name.strip_suffix(".png")
        .or_else(|| name.strip_suffix(".svg"))
}

/// The warning for files an earlier run left in `dir` (see [`Staged::stale`]), or
/// `None` when there are none.
fn stale_warning(dir: &Path, stale: &[String]) -> Option<String> {
    let (first, rest) = stale.split_first()?;
    let shown: Vec<&str> = std::iter::once(first.as_str())
        .chain(rest.iter().take(2).map(String::as_str))
        .collect();
    let more = stale.len().saturating_sub(shown.len());
    let list = if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    };
    let (n, files) = match stale.len() {
        1 => ("1".to_string(), "file"),
        n => (n.to_string(), "files"),
    };
    Some(format!(
        "warning: {}: {n} {files} of an earlier run stay beside this run's ({}): they describe that run, not this one (remove them, or write to a new --output)",
        crate::error::printable(&dir.display().to_string()),
        crate::error::printable(&list)
    ))
}

/// Hard-links (copies when linking fails) into `new` every entry of `old` that the run
/// does not write, merging subfolders both have. False when an entry can be neither
/// linked nor copied (a FIFO, a socket, a device): then the set cannot be swapped.
fn carry_over(old: &Path, new: &Path) -> std::io::Result<bool> {
    for entry in std::fs::read_dir(old)? {
        let entry = entry?;
        let name = entry.file_name();
        let name_str = name.to_string_lossy();
        if name_str.starts_with(".revcap-staging-") || is_old_temp(&name_str) {
            continue;
        }
        let from = entry.path();
        let to = new.join(&name);
        let kind = entry.file_type()?;
        match std::fs::symlink_metadata(&to) {
            Ok(m) if m.is_dir() && kind.is_dir() => {
                if !carry_over(&from, &to)? {
                    return Ok(false);
                }
                continue;
            }
            // Written by this run: the run's file wins.
            Ok(_) => continue,
            Err(_) => {}
        }
        step(|| format!("carry over {name_str}"))?;
        if kind.is_dir() {
            std::fs::create_dir(&to)?;
            std::fs::set_permissions(&to, std::fs::metadata(&from)?.permissions())?;
            if !carry_over(&from, &to)? {
                return Ok(false);
            }
        } else if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&from)?, &to)?;
        } else if kind.is_file() {
            if std::fs::hard_link(&from, &to).is_err() {
                std::fs::copy(&from, &to)?;
            }
        } else {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Swaps two folders in one atomic step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    if fault::no_exchange() {
        return Err(std::io::Error::from_raw_os_error(libc::EINVAL));
    }
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: two NUL-terminated paths that live across the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from_raw_os_error(libc::ENOSYS))
}

/// An exchange error that means "not here" rather than "failed": the files then go one
/// by one.
fn unsupported(e: &std::io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EINVAL | libc::ENOSYS | libc::EXDEV | libc::EBUSY | libc::EOPNOTSUPP)
    )
}

/// Prints, then renames the staged files into place, so that a run that fails,
/// printing included, leaves earlier outputs as they were. A closed pipe is not a
/// failure (`revcap run | head`): the files are still written.
pub fn print_then_commit(
    stdout: &mut dyn Write,
    text: &[impl AsRef<str>],
    staged: Option<Staged>,
) -> Result<(), Error> {
    print_with_then_commit(stdout, |out| print_all(out, text), staged)
}

/// [`print_then_commit`] for text that `print` writes (copied from a [`Spool`] or a
/// staged file, say): its errors are `Error::Stdout` when stdout fails.
pub fn print_with_then_commit(
    stdout: &mut dyn Write,
    print: impl FnOnce(&mut dyn Write) -> Result<(), Error>,
    staged: Option<Staged>,
) -> Result<(), Error> {
    let printed = print(stdout).and_then(|()| stdout.flush().map_err(Error::Stdout));
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
