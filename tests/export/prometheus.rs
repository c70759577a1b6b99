//! A real Prometheus server (Debian's `prometheus` package) on loopback scrapes
//! `shma serve` every second while worker processes count into a segment; after they
//! finish, its query API returns exactly the totals `shma get` prints, and `up` is 1.
//! Prometheus negotiates OpenMetrics, so this also checks that its own parser accepts
//! that format.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use shm_atomics::Segment;

use crate::support::{Server, WebStats, prometheus, shma_ok, wait_output};

const WORKER_ENV: &str = "SHMA_EXPORT_PROMETHEUS_WORKER";
const WORKERS: u64 = 4;
const ADDS: u64 = 20_000;

/// A child process killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port free now on 127.0.0.1 (the listener is closed before Prometheus binds it).
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// `s` percent-encoded for a URL query.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The value of the one series `query` returns now, if it returns exactly one.
fn query(addr: SocketAddr, q: &str) -> Option<String> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let req = format!(
        "GET /api/v1/query?query={} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        encode(q)
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).ok()?;
    let body = raw.split_once("\r\n\r\n")?.1;
    let json: serde_json::Value = serde_json::from_str(body).ok()?;
    let result = json["data"]["result"].as_array()?;
    match result.as_slice() {
        [one] => one["value"][1].as_str().map(str::to_string),
        _ => None,
    }
}

#[test]
fn prometheus_scrapes_serve_and_sees_exact_totals() {
    if let Ok(path) = std::env::var(WORKER_ENV) {
        let seg = Segment::<WebStats>::open(&path).expect("open");
        for _ in 0..ADDS {
            seg.requests_total().fetch_add(1);
            seg.hits().inc();
            seg.ports()[1].errors_total().fetch_add(1);
        }
        return;
    }
    let Some(prom) = prometheus() else { return };
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("web");
    let _seg = Segment::<WebStats>::create(&path).expect("create");
    let server = Server::start(dir.path(), &[]);

    let data = tempfile::tempdir().expect("tempdir");
    let config = data.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n\
             scrape_configs:\n  - job_name: shma\n    static_configs:\n      \
             - targets: ['{}']\n",
            server.addr
        ),
    )
    .expect("write config");
    let prom_addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().expect("addr");
    let _prom = Killed(
        Command::new(&prom)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                data.path().join("tsdb").display()
            ))
            .arg(format!("--web.listen-address={prom_addr}"))
            .arg("--log.level=warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start prometheus"),
    );

    // Workers count while Prometheus scrapes.
    let workers: Vec<Child> = (0..WORKERS)
        .map(|_| {
            Command::new(std::env::current_exe().expect("test binary"))
                .args([
                    "prometheus::prometheus_scrapes_serve_and_sees_exact_totals",
                    "--exact",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(WORKER_ENV, &path)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn worker")
        })
        .collect();
    for w in workers {
        let out = wait_output(w, Duration::from_secs(20), "worker");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let p = path.to_str().expect("utf-8");
    let totals: Vec<(String, String)> = [
        ("requests_total", "shma_web_stats_requests_total"),
        ("hits", "shma_web_stats_hits_total"),
        ("ports[1].errors_total", "shma_web_stats_ports_errors_total"),
    ]
    .iter()
    .map(|(field, metric)| {
        let printed = shma_ok(&["get", p, field]).0.trim().to_string();
        assert_eq!(printed, (WORKERS * ADDS).to_string());
        (
            format!("{metric}{{segment=\"web\",path=\"{field}\"}}"),
            printed,
        )
    })
    .collect();

    // Poll the query API until the scrapes after the workers show up (40 s at most).
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let up = query(prom_addr, "up{job=\"shma\"}");
        let last: Vec<Option<String>> = totals.iter().map(|(q, _)| query(prom_addr, q)).collect();
        let done = up.as_deref() == Some("1")
            && last
                .iter()
                .zip(&totals)
                .all(|(got, (_, want))| got.as_deref() == Some(want.as_str()));
        if done {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "Prometheus never showed the totals: up = {up:?}, got {last:?}, want {totals:?}; \
             serve's log: {}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    assert!(started.elapsed() < Duration::from_secs(60));
}
