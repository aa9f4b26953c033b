//! The real `duban` binary for the server's HTTP benches (the load harness and the soak):
//! a free loopback port, accounts made with `duban user add`, `duban serve` on a
//! database URL, sign-in over HTTP, the process's memory.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

pub fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// One HTTP/1.1 request on its own connection; (status, head, body). A JSON body gets
/// its content type.
pub fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, String, String) {
    let mut all = headers.to_vec();
    if body.is_some() {
        all.push(("content-type", "application/json"));
    }
    let body = body.unwrap_or_default().as_bytes();
    match duban_testkit::http::exchange(addr, method, path, &all, body) {
        Ok(a) => (a.status, a.head(), a.body),
        // Not up yet, or gone: no status.
        Err(_) => (0, String::new(), String::new()),
    }
}

pub fn wait_until_up(addr: SocketAddr, child: &mut Child, what: &str) {
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before answering: {status}");
        }
        if TcpStream::connect(addr).is_ok() && http(addr, "GET", "/healthz", &[], None).0 == 200 {
            println!("{what}: up in {:.1} s", started.elapsed().as_secs_f64());
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1800),
            "{what} did not come up"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `VmHWM` and `VmRSS` of a process, in MiB.
pub fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|k| k.parse::<f64>().ok())
            .map_or(0.0, |kib| kib / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// A server process, killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
}

impl Server {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `duban user add` of an account with `role` on the database.
pub fn add_user(db_url: &str, username: &str, role: &str, password: &str) {
    let st = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args([
            "user",
            "add",
            "--username",
            username,
            "--role",
            role,
            "--database-url",
            db_url,
        ])
        .env("DUBAN_USER_PASSWORD", password)
        .env("RUST_LOG", "warn")
        .status()
        .unwrap();
    assert!(st.success(), "duban user add {username} failed");
}

/// `duban serve` on a free loopback port, the API only, with `args` after the
/// database's (`--sweep-seconds …`, `--rate-limit …`); its log (written to stdout)
/// goes to `<dir>/duban.log` at `rust_log`.
pub fn start_duban(db_url: &str, dir: &Path, args: &[&str], rust_log: &str) -> Server {
    let addr = free_addr();
    let empty = dir.join("no-dist");
    std::fs::create_dir_all(&empty).unwrap();
    let log = std::fs::File::create(dir.join("duban.log")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args([
            "serve",
            "--addr",
            &addr.to_string(),
            "--database-url",
            db_url,
        ])
        .arg("--dist")
        .arg(&empty)
        .args(args)
        .env("RUST_LOG", rust_log)
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    wait_until_up(addr, &mut child, "duban");
    Server { child, addr }
}

/// Signs in; the headers every request then carries (session and CSRF token).
pub fn sign_in(addr: SocketAddr, username: &str, password: &str) -> Vec<(String, String)> {
    let session = duban_testkit::http::Session::sign_in(addr, username, password)
        .unwrap_or_else(|e| panic!("sign-in as {username}: {e}"));
    session
        .headers()
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}
