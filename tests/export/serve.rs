//! `shma serve`: content negotiation, segments coming and going, and hostile clients and
//! files; after each, the server still answers.

use std::io::Write as _;
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use shm_atomics::Segment;

use crate::format::{OPENMETRICS, PROMETHEUS, web};
use crate::support::{Server, Wide, exchange, get, shma};

const OM: &str = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;\
                  version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/// The status code of a raw answer (0 when the server closed without one).
fn code(raw: &[u8]) -> u16 {
    let text = String::from_utf8_lossy(raw);
    text.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[test]
fn negotiates_the_format_and_refuses_other_requests() {
    let dir = tempfile::tempdir().expect("tempdir");
    let _seg = web(dir.path());
    let server = Server::start(dir.path(), &[]);
    let (c, ctype, body) = get(server.addr, OM);
    assert_eq!(c, 200);
    assert_eq!(
        ctype,
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    assert_eq!(body, OPENMETRICS);
    let (c, ctype, body) = get(server.addr, "text/plain");
    assert_eq!(c, 200);
    assert_eq!(ctype, "text/plain; version=0.0.4; charset=utf-8");
    assert_eq!(body, PROMETHEUS);
    let raw = exchange(server.addr, b"HEAD /metrics HTTP/1.1\r\n\r\n").expect("head");
    let text = String::from_utf8(raw).expect("utf-8");
    assert!(
        text.starts_with("HTTP/1.1 200 OK\r\n") && text.ends_with("\r\n\r\n"),
        "{text}"
    );
    assert!(
        text.contains(&format!("Content-Length: {}\r\n", PROMETHEUS.len())),
        "{text}"
    );
    for (req, want) in [
        (&b"GET / HTTP/1.1\r\n\r\n"[..], 404),
        (b"POST /metrics HTTP/1.1\r\n\r\n", 405),
        (b"GET /metrics\r\n\r\n", 400),
        (b"\x00\xff garbage\r\n\r\n", 400),
    ] {
        assert_eq!(code(&exchange(server.addr, req).expect("exchange")), want);
    }
    assert_eq!(get(server.addr, "").2, PROMETHEUS);
}

#[test]
fn refuses_a_remote_address_unless_allowed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().to_str().expect("utf-8");
    let out = shma(&["serve", "--listen", "0.0.0.0:0", d]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not a loopback address") && err.contains("--allow-remote"),
        "{err}"
    );
}

#[test]
fn segments_come_and_go_between_scrapes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[]);
    assert_eq!(get(server.addr, "").2, "");
    assert_eq!(get(server.addr, OM).2, "# EOF\n");
    let seg = web(dir.path());
    assert_eq!(get(server.addr, "").2, PROMETHEUS);
    drop(seg);
    std::fs::remove_file(dir.path().join("web")).expect("remove");
    assert_eq!(get(server.addr, "").2, "");
    // A file that is not a segment is skipped and logged once, however many scrapes.
    std::fs::write(dir.path().join("junk"), b"junk").expect("write");
    for _ in 0..3 {
        assert_eq!(get(server.addr, "").0, 200);
    }
    let log = server.log();
    assert_eq!(log.matches("junk").count(), 1, "{log}");
}

/// A request line of 1 MiB, a client that sends nothing, 100 scrapers at once: each
/// gets an answer or a refusal within its deadline, and the server keeps serving.
#[test]
fn hostile_clients_get_bounded_answers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let _seg = web(dir.path());
    let mut server = Server::start(dir.path(), &[]);
    let addr = server.addr;

    let mut huge = b"GET /".to_vec();
    huge.resize(1 << 20, b'a');
    huge.extend_from_slice(b" HTTP/1.1\r\n\r\n");
    // 431, or the connection reset while the rest of the megabyte was still being sent.
    if let Ok(raw) = exchange(addr, &huge) {
        assert!(
            matches!(code(&raw), 431 | 0),
            "{}",
            String::from_utf8_lossy(&raw)
        );
    }

    // Silent clients hold a worker at most 5 s; the other workers answer meanwhile.
    let silent = TcpStream::connect(addr).expect("connect");
    let mut half = TcpStream::connect(addr).expect("connect");
    half.write_all(b"GET /metrics HTTP/1.1\r\n").expect("write");
    assert_eq!(get(addr, "").2, PROMETHEUS);

    let scrapers: Vec<_> = (0..100)
        .map(|_| {
            std::thread::spawn(move || {
                // A refusal may also come as a reset: the server closed without reading.
                match exchange(addr, b"GET /metrics HTTP/1.1\r\n\r\n") {
                    Ok(raw) => code(&raw),
                    Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => 503,
                    Err(e) => panic!("scrape: {e}"),
                }
            })
        })
        .collect();
    let codes: Vec<u16> = scrapers
        .into_iter()
        .map(|t| t.join().expect("scraper"))
        .collect();
    assert!(codes.iter().all(|c| matches!(c, 200 | 503)), "{codes:?}");
    assert!(codes.contains(&200), "{codes:?}");
    drop((silent, half));
    assert_eq!(get(addr, "").2, PROMETHEUS);
    assert!(server.alive());
}

/// A segment truncated and recreated over and over while it is scraped: every scrape
/// is answered (with the segment or without it), the server never dies.
///
/// Each new segment is created and given its value in a staging directory, then renamed
/// into place: a scrape that sees it sees its value. (Created in place, a scrape could
/// land between the creation and the store and rightly report 0.)
#[test]
fn segment_truncated_during_scrapes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let staging = tempfile::tempdir_in(dir.path().parent().expect("parent")).expect("staging");
    let path = dir.path().join("wide");
    let staged = staging.path().join("wide");
    Segment::<Wide>::create(&path).expect("create").vals()[999].store(5);
    let mut server = Server::start(dir.path(), &[]);
    let addr = server.addr;
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let p = path.clone();
    let churn = std::thread::spawn(move || {
        let mut rounds = 0u32;
        while !flag.load(Ordering::Relaxed) {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(&p)
                .expect("open");
            f.set_len(if rounds % 2 == 0 { 0 } else { 100 })
                .expect("truncate");
            drop(f);
            std::thread::sleep(Duration::from_micros(300));
            let _ = std::fs::remove_file(&staged);
            Segment::<Wide>::create(&staged).expect("recreate").vals()[999].store(5);
            std::fs::rename(&staged, &p).expect("rename into place");
            // A whole segment for a while: a scrape that opens, reads and checks it
            // within this window reports it (one that sees it replaced leaves it out).
            std::thread::sleep(Duration::from_millis(1));
            rounds += 1;
        }
        rounds
    });
    for _ in 0..200 {
        let (c, _, body) = get(addr, "");
        assert_eq!(c, 200);
        // Either the whole segment, with its last value, or nothing of it.
        if !body.is_empty() {
            assert_eq!(body.lines().count(), 1002, "{body}");
            assert!(body.contains("path=\"vals[999]\",index=\"999\"} 5\n"));
        }
    }
    stop.store(true, Ordering::Relaxed);
    assert!(churn.join().expect("churn") > 0);
    assert!(server.alive(), "{}", server.log());
    let (c, _, body) = get(addr, "");
    assert_eq!(c, 200);
    assert_eq!(body.lines().count(), 1002);
}
