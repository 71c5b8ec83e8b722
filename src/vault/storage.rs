//! The vault on disk: an advisory lock beside it, reads with a size limit, and atomic saves that
//! keep the previous version as a backup.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::format::{MAX_FILE_LEN, MAX_HEADER_LEN};

/// How long opening waits for another instance to finish a quick command before giving up.
pub const LOCK_WAIT: Duration = Duration::from_secs(3);
const LOCK_POLL: Duration = Duration::from_millis(10);

/// `path` with `suffix` appended to its file name: `vault.otpvault` → `vault.otpvault.bak`.
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name: OsString = path.file_name().map(ToOwned::to_owned).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// The previous version of the vault, kept by every save.
pub fn backup_path(path: &Path) -> PathBuf {
    sibling(path, ".bak")
}

pub fn lock_path(path: &Path) -> PathBuf {
    sibling(path, ".lock")
}

fn temp_path(path: &Path) -> PathBuf {
    sibling(path, ".tmp")
}

/// Holds the vault's lock file locked until dropped.
#[derive(Debug)]
pub struct LockGuard {
    _file: File,
}

/// Outcome of trying to take the lock.
pub enum Locking {
    Taken(LockGuard),
    Busy,
}

fn owner_only(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Takes the exclusive lock beside `path`, waiting up to `wait` for another holder to let go.
pub fn lock(path: &Path, wait: Duration) -> io::Result<Locking> {
    let file =
        owner_only(OpenOptions::new().read(true).write(true).create(true).truncate(false)).open(lock_path(path))?;
    let deadline = Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Locking::Taken(LockGuard { _file: file })),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => std::thread::sleep(LOCK_POLL),
            Err(TryLockError::WouldBlock) => return Ok(Locking::Busy),
            Err(TryLockError::Error(error)) => return Err(error),
        }
    }
}

/// The whole file, refusing to read past the largest size a vault can have.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    File::open(path)?.take(MAX_FILE_LEN as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The start of the file, enough for its header; empty when there is no file.
pub fn read_header(path: &Path) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    match File::open(path) {
        Ok(file) => {
            file.take(MAX_HEADER_LEN as u64).read_to_end(&mut bytes)?;
            Ok(bytes)
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(bytes),
        Err(error) => Err(error),
    }
}

/// Creates the folder of a vault, owner-only, when it does not exist yet.
pub fn create_parent(path: &Path) -> io::Result<()> {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) else { return Ok(()) };
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(parent)
}

/// Writes `bytes` as the new vault so that a crash at any moment leaves either the old or the new
/// file whole: temp file (0600) in the same folder, fsync, previous version linked to `.bak`,
/// rename over the vault, fsync the folder. The caller holds the lock.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temp = temp_path(path);
    // Left by a save that was killed; only the lock holder writes it, so it is stale.
    remove_if_present(&temp)?;
    let mut file = owner_only(OpenOptions::new().write(true).create_new(true)).open(&temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    if path.exists() {
        keep_backup(path)?;
    }
    fs::rename(&temp, path)?;
    sync_parent(path)
}

/// Makes `.bak` the current file (before it is replaced), atomically as well.
fn keep_backup(path: &Path) -> io::Result<()> {
    let backup = backup_path(path);
    let staged = sibling(path, ".bak.tmp");
    remove_if_present(&staged)?;
    // A hard link costs nothing and keeps the file's owner-only mode; copy where links fail.
    if fs::hard_link(path, &staged).is_err() {
        let mut copy = owner_only(OpenOptions::new().write(true).create_new(true)).open(&staged)?;
        copy.write_all(&fs::read(path)?)?;
        copy.sync_all()?;
    }
    fs::rename(&staged, &backup)
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

#[cfg(unix)]
fn sync_parent(path: &Path) -> io::Result<()> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    File::open(parent)?.sync_all()
}

#[cfg(not(unix))]
fn sync_parent(_path: &Path) -> io::Result<()> {
    // Renames are made durable by the file system itself on other platforms.
    Ok(())
}
