//! What the export tests share: the layouts, running `shma` with a deadline, `promtool`,
//! a running `shma serve` and a tiny HTTP client.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use shm_atomics::{Event, Seq, Striped, atomic_layout};

#[atomic_layout]
pub struct Pose {
    pub x: f64,
    pub y: f64,
}

#[atomic_layout]
pub struct Port {
    pub rx_bytes: u64,
    pub errors_total: u32,
}

/// Every kind of field the exporter meets.
#[atomic_layout]
pub struct WebStats {
    pub requests_total: u64,
    pub hits: Striped<u64, 4>,
    pub temp_celsius: f32,
    pub up: bool,
    pub delta: i16,
    pub big: u128,
    pub tag: [u8; 8],
    pub ready: Event,
    pub pose: Seq<Pose>,
    pub latency: [u32; 3],
    pub ports: [Port; 2],
}

/// A layout of `N` plain fields, for the benchmark-sized cases.
#[atomic_layout]
pub struct Wide {
    pub vals: [u64; 1000],
}

/// Runs `shma` with `args`, killed after `limit`.
pub fn shma_within(args: &[&str], limit: Duration) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_shma"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the shma binary");
    wait_output(child, limit, "shma")
}

/// Runs `shma` (10 s deadline).
pub fn shma(args: &[&str]) -> Output {
    shma_within(args, Duration::from_secs(10))
}

/// Runs `shma`, which must succeed; returns stdout and stderr.
pub fn shma_ok(args: &[&str]) -> (String, String) {
    let out = shma(args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "shma {args:?} failed: {err}");
    (String::from_utf8(out.stdout).expect("utf-8"), err)
}

/// Waits for `child` at most `limit` (then kills it and fails), collecting its output.
pub fn wait_output(mut child: Child, limit: Duration, what: &str) -> Output {
    let end = Instant::now() + limit;
    // Read the pipes on threads so a chatty child cannot block on a full pipe.
    let mut out = child.stdout.take();
    let mut err = child.stderr.take();
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(o) = out.as_mut() {
            let _ = o.read_to_end(&mut v);
        }
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(e) = err.as_mut() {
            let _ = e.read_to_end(&mut v);
        }
        v
    });
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if Instant::now() > end {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: t_out.join().expect("stdout reader"),
        stderr: t_err.join().expect("stderr reader"),
    }
}

/// The `promtool` binary: `promtool` on PATH, or `$PROMTOOL`. Missing, the test fails
/// (saying how to install it) unless `SHMA_NO_PROMETHEUS=1` says this machine has none.
pub fn promtool() -> Option<PathBuf> {
    tool("PROMTOOL", "promtool")
}

/// The `prometheus` server binary, found as [`promtool`] is.
pub fn prometheus() -> Option<PathBuf> {
    tool("PROMETHEUS", "prometheus")
}

fn tool(var: &str, name: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(var) {
        return Some(PathBuf::from(p));
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var("SHMA_NO_PROMETHEUS").as_deref() == Ok("1"),
            "`{name}` is not installed: install Debian's `prometheus` package (apt-get \
             install prometheus; .ci/run does), or set ${var} to the binary; only on a \
             machine that cannot have it, set SHMA_NO_PROMETHEUS=1 to leave these checks out"
        );
        eprintln!("SHMA_NO_PROMETHEUS=1: `{name}` checks left out");
    }
    found
}

/// `promtool check metrics` on `text`: its verdict and what it said.
pub fn promtool_check(promtool: &Path, text: &str) -> (bool, String) {
    let mut child = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run promtool");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(text.as_bytes()).expect("feed promtool");
    drop(stdin);
    let out = wait_output(child, Duration::from_secs(20), "promtool");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A running `shma serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    /// The rest of its stderr, read by a thread.
    pub log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    /// Starts `shma serve --listen 127.0.0.1:0 DIR` and reads the port it chose.
    pub fn start(dir: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shma"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .arg(dir)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("run shma serve");
        let mut err = BufReader::new(child.stderr.take().expect("stderr"));
        let mut first = String::new();
        // The first line comes at once; a server that never writes it is killed by the
        // test's own deadline below.
        err.read_line(&mut first).expect("read serve's first line");
        let addr = first
            .trim()
            .rsplit("http://")
            .next()
            .and_then(|a| a.strip_suffix("/metrics"))
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in serve's first line {first:?}"));
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = std::sync::Arc::clone(&log);
        std::thread::spawn(move || {
            for line in err.lines().map_while(Result::ok) {
                let mut s = sink.lock().expect("log");
                s.push_str(&line);
                s.push('\n');
            }
        });
        Server { child, addr, log }
    }

    /// The log so far.
    pub fn log(&self) -> String {
        self.log.lock().expect("log").clone()
    }

    /// Whether the process still runs.
    pub fn alive(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP exchange: sends `request` raw, returns everything the server answered
/// (empty if it closed without answering), within 10 s.
pub fn exchange(addr: SocketAddr, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    s.set_write_timeout(Some(Duration::from_secs(10)))?;
    s.write_all(request)?;
    let mut out = Vec::new();
    s.read_to_end(&mut out)?;
    Ok(out)
}

/// `GET /metrics` with `accept`: the status code, the content type and the body.
pub fn get(addr: SocketAddr, accept: &str) -> (u16, String, String) {
    let req = format!("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: {accept}\r\n\r\n");
    let raw = exchange(addr, req.as_bytes()).expect("scrape");
    let text = String::from_utf8(raw).expect("utf-8 answer");
    let (head, body) = text.split_once("\r\n\r\n").expect("a head and a body");
    let code = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status code");
    let ctype = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Type: "))
        .unwrap_or("")
        .to_string();
    (code, ctype, body.to_string())
}
