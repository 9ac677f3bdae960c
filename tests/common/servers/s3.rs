//! s3s-fs, the S3-compatible store the upload tests put objects in.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use tempfile::TempDir;

use super::{require_installed, wait_for_port};

/// How the S3 test server is installed (.ci/run does it when it is missing).
pub const S3S_FS_INSTALL: &str = "cargo install s3s-fs --version 0.14.1 --features binary --locked";

/// s3s-fs: an S3-compatible server over a folder, on loopback, with credentials the test
/// made. It checks every request's SigV4 signature (a wrong secret is refused), answers
/// HEAD and presigned GETs, and keeps each bucket as a folder and each object as a file,
/// so a test reads what was uploaded straight from the disk.
pub struct S3Server {
    child: Child,
    _dir: TempDir,
    /// The folder the store keeps its buckets in.
    pub root: PathBuf,
    pub endpoint: String,
    pub access_key: String,
    pub secret_key: String,
}

impl S3Server {
    /// None (after a loud skip) when s3s-fs is not installed outside CI.
    pub fn start(buckets: &[&str]) -> Option<S3Server> {
        if !require_installed("s3s-fs", S3S_FS_INSTALL, "S3 upload test") {
            return None;
        }
        let dir = tempfile::tempdir().expect("the store's folder");
        let root = dir.path().join("store");
        for bucket in buckets {
            std::fs::create_dir_all(root.join(bucket)).expect("a bucket");
        }
        let access_key = format!("AK{}", uuid::Uuid::new_v4().simple());
        let secret_key = format!("SK{}", uuid::Uuid::new_v4().simple());
        let log = dir.path().join("s3s-fs.log");
        let started = (0..5).find_map(|_| {
            let port = super::super::closed_port();
            let mut child = Command::new("s3s-fs")
                .args(["--host", "127.0.0.1", "--port", &port.to_string()])
                .args(["--access-key", &access_key, "--secret-key", &secret_key])
                .arg(&root)
                .env("RUST_LOG", "info")
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).expect("the server's log"))
                .spawn()
                .expect("start s3s-fs");
            if wait_for_port(&mut child, port, "s3s-fs", &log) {
                return Some((child, port));
            }
            None
        });
        let (child, port) = started.unwrap_or_else(|| {
            panic!(
                "s3s-fs ended as it started, five times (its port taken by another server, or another failure): {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            )
        });
        Some(S3Server {
            child,
            _dir: dir,
            root,
            endpoint: format!("http://127.0.0.1:{port}"),
            access_key,
            secret_key,
        })
    }

    /// The object `key` of `bucket`, as the server keeps it.
    pub fn object(&self, bucket: &str, key: &str) -> PathBuf {
        self.root.join(bucket).join(key)
    }

    /// Every object's key in `bucket`, sorted.
    pub fn keys(&self, bucket: &str) -> Vec<String> {
        let base = self.root.join(bucket);
        let mut keys = Vec::new();
        let mut folders = vec![base.clone()];
        while let Some(folder) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            for entry in entries.flatten() {
                // s3s-fs keeps its own bookkeeping beside the objects, in dot-folders.
                if entry.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                let path = entry.path();
                if path.is_dir() {
                    folders.push(path);
                } else {
                    keys.push(path.strip_prefix(&base).unwrap().display().to_string());
                }
            }
        }
        keys.sort();
        keys
    }

    /// The server's log (requests, at RUST_LOG=info).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("s3s-fs.log")).unwrap_or_default()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
