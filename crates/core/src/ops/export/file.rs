//! Writing an export to the file a person named, the way they would expect: a regular
//! file is replaced whole (never half-written), keeping its permissions; a device, FIFO or
//! `/dev/stdout` is written through; a symlink leads to its target; a read-only file is
//! refused. Whether an existing file may be replaced at all: `LocalFile::prepare` (only
//! this record's own earlier export, unchanged, unless forced).

use std::collections::BTreeMap;
use std::fs::Metadata;
use std::io::Write;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use sha2::{Digest, Sha256};

use crate::error::{self, CliError, ErrorKind, Hint};
use crate::export::hex;
use crate::input::describe_io;

use super::ExportNote;

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
        let kind = if is_descriptor_link(given) {
            // /dev/stdout, /proc/self/fd/N: a file descriptor of this process, whatever it
            // is (a pipe, a terminal, the file the shell opened for `>`).
            TargetKind::Special
        } else {
            match std::fs::metadata(given) {
                Ok(metadata) if metadata.is_dir() => {
                    return Err(cannot_write(given, "it is a directory"));
                }
                Ok(metadata) if metadata.is_file() => {
                    // Mode bits alone do not say: root may write anything, and a file of
                    // another user is not this user's to replace.
                    if metadata.permissions().readonly() || !writable(given) {
                        return Err(cannot_write(
                            given,
                            "it is read-only for you (make it writable, or choose another \
                             file with -o)",
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
                    let path = final_target(given).map_err(cannot)?;
                    // Found out now, not after an upload: the file is written last.
                    check_folder(given, &path)?;
                    TargetKind::New(path)
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

    /// The SHA-256 of what the file holds now, when it is a regular file with content
    /// (read a block at a time). With `force` it is not read: it will be replaced anyway.
    /// A file that cannot be read cannot be shown to be an earlier export: refused.
    pub fn current_digest(&self, force: bool) -> Result<Option<String>> {
        match &self.kind {
            TargetKind::Regular { path, metadata } if metadata.len() > 0 && !force => {
                let mut hasher = Sha256::new();
                let digest = |hasher: &mut Sha256| -> std::io::Result<()> {
                    use std::io::Read;
                    let mut file = std::fs::File::open(path)?;
                    let mut block = vec![0u8; 1 << 16];
                    loop {
                        match file.read(&mut block)? {
                            0 => return Ok(()),
                            read => hasher.update(&block[..read]),
                        }
                    }
                };
                digest(&mut hasher).map_err(|io| {
                    let why = format!(
                        "it cannot be read to check that it is this record's export ({})",
                        describe_io(&io)
                    );
                    let message = format!("cannot write {}: {why}", self.given.display());
                    CliError::new(ErrorKind::InvalidInput, message)
                        .with_hint(Hint::Overwrite { elsewhere: false })
                })?;
                Ok(Some(hex(&hasher.finalize())))
            }
            _ => Ok(None),
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
                // Truncated when it is a regular file (as `>` does), never created.
                let truncate = std::fs::metadata(&self.given).is_ok_and(|meta| meta.is_file());
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .truncate(truncate)
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

/// Whether a new file can be made at `path` (`given`, after its links): its folder must
/// be there, be a folder, and be writable by this user.
fn check_folder(given: &Path, path: &Path) -> Result<()> {
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    match std::fs::metadata(folder) {
        Ok(metadata) if metadata.is_dir() => {}
        Ok(_) => {
            return Err(cannot_write(
                given,
                &format!("{} is not a folder", folder.display()),
            ));
        }
        Err(io) if io.kind() == std::io::ErrorKind::NotFound => {
            return Err(cannot_write(
                given,
                &format!("its folder {} does not exist", folder.display()),
            ));
        }
        Err(io) => {
            return Err(cannot_write(
                given,
                &format!("its folder {}: {}", folder.display(), describe_io(&io)),
            ));
        }
    }
    if !writable(folder) {
        return Err(cannot_write(
            given,
            &format!("its folder {} is read-only for you", folder.display()),
        ));
    }
    Ok(())
}

/// A link to one of this process's file descriptors.
fn is_descriptor_link(path: &Path) -> bool {
    ["/dev/stdout", "/dev/stderr", "/dev/stdin"]
        .iter()
        .any(|link| path == Path::new(link))
        || path.starts_with("/dev/fd")
        || path.starts_with("/proc")
}

/// Whether this user may write `path` (access(2), which knows owners, groups and ACLs).
fn writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(text) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `text` is a NUL-terminated path that outlives the call.
    unsafe { libc::access(text.as_ptr(), libc::W_OK) == 0 }
}

fn cannot_write(path: &Path, why: &str) -> anyhow::Error {
    error::invalid(format!("cannot write {}: {why}", path.display()))
}

/// A local file to write, and whether the one there is this version's export already.
pub(super) struct LocalFile {
    pub(super) path: PathBuf,
    pub(super) target: FileTarget,
    /// The earlier note when the file on disk is still it.
    pub(super) reusable: Option<(u64, String)>,
}

impl LocalFile {
    /// Checks the file before anything is rendered or uploaded: a file with content is
    /// replaced only when it is this record's own earlier export, unchanged (not a
    /// hand-edited one, and not another record's that has the same suggested name).
    pub(super) fn prepare(
        path: PathBuf,
        force: bool,
        notes: &BTreeMap<String, ExportNote>,
        earlier: Option<&ExportNote>,
        version: i64,
        made_now: impl FnOnce() -> Option<String>,
    ) -> Result<LocalFile> {
        let path = std::path::absolute(&path)
            .with_context(|| format!("resolving the path {}", path.display()))?;
        let target = FileTarget::inspect(&path)?;
        let on_disk = target.current_digest(force)?;
        let reusable = earlier
            .filter(|note| {
                // The reuse key last: it reads the files the template read.
                !force
                    && note.version == version
                    && note.file.as_deref() == Some(path.as_path())
                    && on_disk.as_ref() == Some(&note.sha256)
                    && note.made_with == made_now()
            })
            .map(|note| (note.bytes, note.sha256.clone()));
        if !force
            && let Some(digest) = &on_disk
            && !notes
                .values()
                .any(|note| note.file.as_deref() == Some(path.as_path()) && &note.sha256 == digest)
        {
            let message = format!(
                "{} exists and is not this record's last export (it was edited, or another \
                 record wrote it): nothing was written",
                path.display()
            );
            return Err(CliError::new(ErrorKind::InvalidInput, message)
                .with_hint(Hint::Overwrite { elsewhere: true })
                .into());
        }
        Ok(LocalFile {
            path,
            target,
            reusable,
        })
    }
}
