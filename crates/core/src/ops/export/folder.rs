//! A file:// upload: the object written under the folder the web application serves, at
//! exactly its key's UTF-8 name, and never through a symbolic link below that folder. A
//! link there (`DIR/<id> -> elsewhere`) would send the file wherever it points, so one is
//! refused at every level; the folder itself may be a link (it is the user's choice).

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use object_store::path::Path;

use crate::input::describe_io;

/// The folder an upload goes to; it must exist (it is not made on the fly, like a bucket).
pub(super) struct Folder {
    root: PathBuf,
}

/// What a level below the folder turned out to be.
enum Level {
    Folder,
    Missing,
}

impl Folder {
    pub(super) fn open(root: &std::path::Path) -> Option<Folder> {
        root.is_dir().then(|| Folder {
            root: root.to_path_buf(),
        })
    }

    /// Whether the object is there (a regular file, reached through no link).
    pub(super) fn exists(&self, key: &Path) -> Result<bool, String> {
        Ok(self.file_path(key, false)?.1)
    }

    /// Deletes the object: true when it was there, false when it was gone already.
    pub(super) fn delete(&self, key: &Path) -> Result<bool, String> {
        let (path, there) = self.file_path(key, false)?;
        if !there {
            return Ok(false);
        }
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(io) if io.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(io) => Err(format!("deleting {}: {}", path.display(), describe_io(&io))),
        }
    }

    /// Writes the object: its folders made as needed, the file replaced whole through a
    /// temporary file renamed into place (a reader never sees half of it). A rename over
    /// a link would replace the link, not write through it; a link is refused anyway.
    pub(super) fn put(&self, key: &Path, bytes: &[u8]) -> Result<(), String> {
        let (path, _) = self.file_path(key, true)?;
        let folder = path.parent().unwrap_or(&self.root);
        let cannot = |what: &str, io: std::io::Error| {
            format!("{what} {}: {}", path.display(), describe_io(&io))
        };
        // Readable by the web server as any file this user makes (0666 less the umask), not
        // tempfile's private 0600.
        let mut temporary = tempfile::Builder::new()
            .prefix(".resumectl-")
            .permissions(std::fs::Permissions::from_mode(0o666))
            .tempfile_in(folder)
            .map_err(|io| cannot("writing beside", io))?;
        temporary
            .write_all(bytes)
            .map_err(|io| cannot("writing", io))?;
        temporary
            .persist(&path)
            .map(drop)
            .map_err(|persist| cannot("renaming into place", persist.error))
    }

    /// The file the key names, each folder on the way checked (and made, with `create`),
    /// and whether that file is there.
    fn file_path(&self, key: &Path, create: bool) -> Result<(PathBuf, bool), String> {
        let parts: Vec<_> = key.parts().collect();
        let Some((name, folders)) = parts.split_last() else {
            return Err("an empty object key".into());
        };
        let mut current = self.root.clone();
        for folder in folders {
            current.push(folder.as_ref());
            if let Level::Missing = level(&current)? {
                if !create {
                    // No folder, so no file.
                    return Ok((current, false));
                }
                // Made meanwhile by another export: fine, as long as it is a folder.
                if let Err(io) = std::fs::create_dir(&current)
                    && io.kind() != std::io::ErrorKind::AlreadyExists
                {
                    return Err(format!(
                        "making {}: {}",
                        current.display(),
                        describe_io(&io)
                    ));
                }
                if let Level::Missing = level(&current)? {
                    return Err(format!("{} vanished as it was made", current.display()));
                }
            }
        }
        current.push(name.as_ref());
        match std::fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => Err(link(&current)),
            Ok(metadata) if !metadata.is_file() => {
                Err(format!("{} is there and is not a file", current.display()))
            }
            Ok(_) => Ok((current, true)),
            Err(io) if io.kind() == std::io::ErrorKind::NotFound => Ok((current, false)),
            Err(io) => Err(format!("{}: {}", current.display(), describe_io(&io))),
        }
    }
}

/// A folder on the way to the object: there, missing, or refused (a link, or a file).
fn level(path: &std::path::Path) -> Result<Level, String> {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_symlink() => Err(link(path)),
        Ok(metadata) if metadata.is_dir() => Ok(Level::Folder),
        Ok(_) => Err(format!("{} is there and is not a folder", path.display())),
        Err(io) if io.kind() == std::io::ErrorKind::NotFound => Ok(Level::Missing),
        Err(io) => Err(format!("{}: {}", path.display(), describe_io(&io))),
    }
}

fn link(path: &std::path::Path) -> String {
    format!(
        "{} is a symbolic link: refused (an upload never follows a link below the folder; \
         remove it)",
        path.display()
    )
}
