//! Writing an export to the file a person named, the way they would expect: a regular
//! file is replaced whole (never half-written), keeping its permissions; a device, FIFO or
//! `/dev/stdout` is written through; a symlink leads to its target; a read-only file is
//! refused. Whether an existing file may be replaced at all is the caller's decision.

use std::fs::Metadata;
use std::io::Write;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::Result;
use sha2::{Digest, Sha256};

use crate::error;
use crate::input::describe_io;

/// Where an export goes, as found before anything is written.
#[derive(Debug)]
pub struct FileTarget {
    /// The path as given (absolute): what export_formats notes.
    given: PathBuf,
    kind: TargetKind,
}

#[derive(Debug)]
enum TargetKind {
    /// Nothing there yet: created at this path (a dangling symlink's target).
    New(PathBuf),
    /// A regular file (after following symlinks), replaced at its real path.
    Regular { path: PathBuf, metadata: Metadata },
    /// A device, FIFO or socket, or anything under /dev or /proc: written through.
    Special,
}

impl FileTarget {
    /// Looks at `given` (absolute) without changing anything.
    pub fn inspect(given: &Path) -> Result<FileTarget> {
        let cannot = |io: std::io::Error| cannot_write(given, &describe_io(&io));
        let kind = if given.starts_with("/dev") || given.starts_with("/proc") {
            TargetKind::Special
        } else {
            match std::fs::metadata(given) {
                Ok(metadata) if metadata.is_dir() => {
                    return Err(cannot_write(given, "it is a directory"));
                }
                Ok(metadata) if metadata.is_file() => {
                    if metadata.permissions().readonly() {
                        return Err(cannot_write(
                            given,
                            "it is read-only (make it writable, or choose another file with -o)",
                        ));
                    }
                    let path = std::fs::canonicalize(given).map_err(cannot)?;
                    TargetKind::Regular { path, metadata }
                }
                Ok(metadata) if metadata.file_type().is_socket() => {
                    return Err(cannot_write(given, "it is a socket"));
                }
                Ok(_) => TargetKind::Special,
                Err(io) if io.kind() == std::io::ErrorKind::NotFound => {
                    TargetKind::New(final_target(given).map_err(cannot)?)
                }
                Err(io) => return Err(cannot(io)),
            }
        };
        Ok(FileTarget {
            given: given.to_path_buf(),
            kind,
        })
    }

    /// False for a device or FIFO: nothing there can be read back, reused or noted.
    pub fn is_regular(&self) -> bool {
        !matches!(self.kind, TargetKind::Special)
    }

    /// The SHA-256 of what the file holds now, when it is a regular file with content.
    pub fn current_digest(&self) -> Option<String> {
        match &self.kind {
            TargetKind::Regular { path, metadata } if metadata.len() > 0 => {
                std::fs::read(path).ok().map(|bytes| hex_digest(&bytes))
            }
            _ => None,
        }
    }

    /// Writes `bytes`. A regular file is replaced through a temporary file renamed into
    /// place (a reader never sees half a file), with the old file's permissions and owner;
    /// a new one gets the usual permissions, less the umask.
    pub fn write(&self, bytes: &[u8]) -> Result<()> {
        let cannot = |what: &str, io: std::io::Error| {
            cannot_write(&self.given, &format!("{what}: {}", describe_io(&io)))
        };
        let (path, existing) = match &self.kind {
            TargetKind::Special => {
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&self.given)
                    .map_err(|io| cannot("opening it", io))?;
                return file.write_all(bytes).map_err(|io| cannot("writing", io));
            }
            TargetKind::New(path) => (path, None),
            TargetKind::Regular { path, metadata } => (path, Some(metadata)),
        };
        let directory = path.parent().unwrap_or(Path::new("."));
        let mode = existing.map_or(0o666, |metadata| metadata.permissions().mode() & 0o7777);
        let mut temporary = tempfile::Builder::new()
            .permissions(std::fs::Permissions::from_mode(mode))
            .tempfile_in(directory)
            .map_err(|io| cannot("its directory", io))?;
        if let Some(metadata) = existing {
            // The umask applied when the temporary file was made: set the mode exactly.
            // Keeping the owner only works for root; for anyone else it is theirs already.
            let file = temporary.as_file();
            let _ = file.set_permissions(std::fs::Permissions::from_mode(mode));
            let _ = std::os::unix::fs::fchown(file, Some(metadata.uid()), Some(metadata.gid()));
        }
        temporary
            .write_all(bytes)
            .map_err(|io| cannot("writing", io))?;
        let persisted = if existing.is_some() {
            temporary.persist(path).map(drop)
        } else {
            // Created meanwhile by someone else: theirs, not ours to replace.
            temporary.persist_noclobber(path).map(drop)
        };
        persisted.map_err(|persist| cannot("renaming into place", persist.error))
    }
}

/// Where a path that does not exist will be created: a dangling symlink's target, followed
/// as the shell's `>` would.
fn final_target(path: &Path) -> std::io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let link = std::fs::read_link(&current)?;
                current = current.parent().unwrap_or(Path::new("/")).join(link);
            }
            _ => return Ok(current),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

fn cannot_write(path: &Path, why: &str) -> anyhow::Error {
    error::invalid(format!("cannot write {}: {why}", path.display()))
}

pub fn hex_digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
