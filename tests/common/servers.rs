//! Servers a test starts for itself: PgBouncer in transaction mode in front of the test
//! database, a PostgreSQL of its own with a self-signed TLS certificate (both run as the
//! unprivileged `postgres` OS user when the tests run as root: neither runs as root), and
//! an S3-compatible object store.

use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// True when `tool` is installed. When it is not: a failure under CI=true (CI installs
/// it), a loud skip elsewhere.
pub fn require_tool(tool: &str, package: &str, test: &str) -> bool {
    require_installed(tool, &format!("apt-get install {package}"), test)
}

/// As `require_tool`, for a tool installed another way (`install` says how).
pub fn require_installed(tool: &str, install: &str, test: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|output| output.status.success());
    if found {
        return true;
    }
    if std::env::var("CI").is_ok_and(|value| value == "true") {
        panic!("{test}: '{tool}' is not installed; .ci/run installs it ({install})");
    }
    eprintln!("\n*** SKIPPED {test}: '{tool}' is not installed ({install}) ***\n");
    false
}

/// uid and gid of the `postgres` user when this process is root (servers refuse root).
fn unprivileged_ids() -> Option<(u32, u32)> {
    let id = |args: &[&str]| -> Option<u32> {
        let output = Command::new("id").args(args).output().ok()?;
        String::from_utf8_lossy(&output.stdout).trim().parse().ok()
    };
    if id(&["-u"])? != 0 {
        return None;
    }
    Some((id(&["-u", "postgres"])?, id(&["-g", "postgres"])?))
}

fn as_server_user(command: &mut Command) -> &mut Command {
    if let Some((uid, gid)) = unprivileged_ids() {
        command.uid(uid).gid(gid);
    }
    command
}

/// A scratch directory the server user can use.
fn server_dir() -> TempDir {
    let dir = tempfile::tempdir().expect("scratch directory");
    if let Some((uid, gid)) = unprivileged_ids() {
        std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).expect("chown");
    }
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

fn write_for_server(path: &Path, contents: &str, mode: u32) {
    std::fs::write(path, contents).expect("write a server file");
    if let Some((uid, gid)) = unprivileged_ids() {
        std::os::unix::fs::chown(path, Some(uid), Some(gid)).expect("chown");
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn wait_for_port(port: u16, what: &str, log: &Path) {
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > Duration::from_secs(20) {
            panic!(
                "{what} did not start listening on {port}: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// PgBouncer in transaction mode in front of `database` on the test server.
pub struct Pooler {
    child: Child,
    _dir: TempDir,
    /// The URL clients use: through PgBouncer.
    pub url: String,
}

impl Pooler {
    pub fn start(admin_url: &str, database: &str) -> Pooler {
        let admin = url::Url::parse(admin_url).expect("admin URL");
        let dir = server_dir();
        let port = super::closed_port();
        let user = admin.username();
        let password = percent_encoding::percent_decode_str(admin.password().unwrap_or(""))
            .decode_utf8_lossy()
            .into_owned();
        let log = dir.path().join("pgbouncer.log");
        write_for_server(
            &dir.path().join("userlist.txt"),
            &format!("\"{user}\" \"{password}\"\n"),
            0o600,
        );
        write_for_server(
            &dir.path().join("pgbouncer.ini"),
            &format!(
                "[databases]\n{database} = host={} port={} dbname={database}\n\n\
                 [pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\n\
                 unix_socket_dir =\nauth_type = scram-sha-256\nauth_file = {}\n\
                 pool_mode = transaction\ndefault_pool_size = 2\nmax_client_conn = 50\n\
                 logfile = {}\npidfile = {}\n",
                admin.host_str().unwrap_or("127.0.0.1"),
                admin.port().unwrap_or(5432),
                dir.path().join("userlist.txt").display(),
                log.display(),
                dir.path().join("pgbouncer.pid").display(),
            ),
            0o600,
        );
        let child = as_server_user(&mut Command::new("pgbouncer"))
            .arg(dir.path().join("pgbouncer.ini"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start pgbouncer");
        wait_for_port(port, "pgbouncer", &log);
        let mut url = admin.clone();
        url.set_port(Some(port)).unwrap();
        url.set_path(&format!("/{database}"));
        Pooler {
            child,
            _dir: dir,
            url: url.to_string(),
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("pgbouncer.log")).unwrap_or_default()
    }
}

impl Drop for Pooler {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A PostgreSQL of the test's own with TLS on, its certificate signed by a CA the test
/// made, for the host name `localhost` only.
pub struct TlsServer {
    dir: TempDir,
    pub port: u16,
    /// The CA that signed the server certificate, and one that did not.
    pub ca: PathBuf,
    pub other_ca: PathBuf,
}

impl TlsServer {
    pub fn start() -> TlsServer {
        let dir = server_dir();
        let path = |name: &str| dir.path().join(name);
        let openssl = |args: &[&str]| {
            let output = Command::new("openssl")
                .args(args)
                .current_dir(dir.path())
                .output()
                .expect("run openssl");
            assert!(
                output.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        };
        for ca in ["ca", "other-ca"] {
            openssl(&[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                &format!("/CN=resumectl test {ca}"),
                "-keyout",
                &format!("{ca}.key"),
                "-out",
                &format!("{ca}.pem"),
            ]);
        }
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ]);
        std::fs::write(path("san.ext"), "subjectAltName=DNS:localhost\n").unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "san.ext",
            "-out",
            "server.pem",
        ]);
        for file in ["server.key", "server.pem"] {
            let contents = std::fs::read_to_string(path(file)).unwrap();
            write_for_server(&path(file), &contents, 0o600);
        }
        let data = path("data");
        let initdb = as_server_user(&mut Command::new(server_binary("initdb")))
            .args(["-D"])
            .arg(&data)
            .args(["-U", "tls", "--auth=trust", "-E", "UTF8", "--no-locale"])
            .output()
            .expect("run initdb");
        assert!(
            initdb.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&initdb.stderr)
        );
        let port = super::closed_port();
        let log = path("server.log");
        let start = as_server_user(&mut Command::new(server_binary("pg_ctl")))
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .arg("-o")
            .arg(format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=on \
                 -c ssl_cert_file={} -c ssl_key_file={}",
                dir.path().display(),
                path("server.pem").display(),
                path("server.key").display()
            ))
            .args(["-w", "start"])
            .output()
            .expect("run pg_ctl");
        assert!(
            start.status.success(),
            "pg_ctl start: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        TlsServer {
            ca: path("ca.pem"),
            other_ca: path("other-ca.pem"),
            dir,
            port,
        }
    }

    /// A URL for `host` with the given query (sslmode and the rest).
    pub fn url(&self, host: &str, query: &str) -> String {
        format!("postgres://tls@{host}:{}/postgres?{query}", self.port)
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = as_server_user(&mut Command::new(server_binary("pg_ctl")))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

/// A PostgreSQL server binary: on PATH, or in the newest /usr/lib/postgresql/*/bin.
fn server_binary(name: &str) -> PathBuf {
    if Command::new(name).arg("--version").output().is_ok() {
        return PathBuf::from(name);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin").join(name))
        .filter(|candidate| candidate.exists())
        .collect();
    found.sort();
    found.pop().unwrap_or_else(|| PathBuf::from(name))
}

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
        let port = super::closed_port();
        let access_key = format!("AK{}", uuid::Uuid::new_v4().simple());
        let secret_key = format!("SK{}", uuid::Uuid::new_v4().simple());
        let log = dir.path().join("s3s-fs.log");
        let child = Command::new("s3s-fs")
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", &access_key, "--secret-key", &secret_key])
            .arg(&root)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("the server's log"))
            .spawn()
            .expect("start s3s-fs");
        let server = S3Server {
            child,
            _dir: dir,
            root,
            endpoint: format!("http://127.0.0.1:{port}"),
            access_key,
            secret_key,
        };
        wait_for_port(port, "s3s-fs", &log);
        Some(server)
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
