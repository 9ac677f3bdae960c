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

mod s3;
pub use s3::S3Server;

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

/// Waits until `child` serves on `port`. False when it ended instead: the port was free
/// when chosen, but another test's server bound it first (the caller starts again on
/// another). A listener on the port is not enough: it may be that other server.
fn wait_for_port(child: &mut Child, port: u16, what: &str, log: &Path) -> bool {
    let started = Instant::now();
    loop {
        if child.try_wait().expect("the server's status").is_some() {
            return false;
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            // A server that lost the port ends at once, saying so.
            std::thread::sleep(Duration::from_millis(100));
            return child.try_wait().expect("the server's status").is_none();
        }
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
        let user = admin.username();
        let password = percent_encoding::percent_decode_str(admin.password().unwrap_or(""))
            .decode_utf8_lossy()
            .into_owned();
        let log = dir.path().join("pgbouncer.log");
        let started = (0..5).find_map(|_| {
            let port = super::closed_port();
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
            let mut child = as_server_user(&mut Command::new("pgbouncer"))
                .arg(dir.path().join("pgbouncer.ini"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start pgbouncer");
            if wait_for_port(&mut child, port, "pgbouncer", &log) {
                return Some((child, port));
            }
            None
        });
        let (child, port) = started.unwrap_or_else(|| {
            panic!(
                "pgbouncer ended as it started, five times (its port taken by another server, or another failure): {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            )
        });
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

/// A PostgreSQL client for any server the tests run (pg_dump): the newest installed,
/// not Debian's wrapper on PATH, which may pick an older one than the server.
pub fn newest_client(name: &str) -> PathBuf {
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

/// A PostgreSQL server binary: on PATH, or in the newest /usr/lib/postgresql/*/bin.
fn server_binary(name: &str) -> PathBuf {
    if Command::new(name).arg("--version").output().is_ok() {
        return PathBuf::from(name);
    }
    newest_client(name)
}
