//! The little HTTP/1.x that `serve` speaks: one request per connection, a bounded head
//! read within a deadline, `GET`/`HEAD /metrics`, content negotiation on `Accept`, and
//! every answer closes the connection.

use std::io::{self, Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::export::Format;

/// The most bytes of request head (request line and headers) read; a longer head is
/// refused with 431.
pub const MAX_HEAD: usize = 8 * 1024;

/// How long a client has to send its request head, and to read the answer.
pub const DEADLINE: Duration = Duration::from_secs(5);

/// An HTTP status line's code and reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status(pub u16, pub &'static str);

/// 200.
pub const OK: Status = Status(200, "OK");
/// 400.
pub const BAD_REQUEST: Status = Status(400, "Bad Request");
/// 404.
pub const NOT_FOUND: Status = Status(404, "Not Found");
/// 405.
pub const NOT_ALLOWED: Status = Status(405, "Method Not Allowed");
/// 408.
pub const TIMEOUT: Status = Status(408, "Request Timeout");
/// 431.
pub const TOO_LARGE: Status = Status(431, "Request Header Fields Too Large");
/// 503.
pub const BUSY: Status = Status(503, "Service Unavailable");

/// A request for the metrics: the format to answer in, and whether only the head
/// (`HEAD`) is wanted.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    /// The negotiated format.
    pub format: Format,
    /// `HEAD`: the headers without the body.
    pub head_only: bool,
}

/// Reads the request head (up to the blank line) within `deadline`: `Err` with the
/// status to refuse with when it is longer than [`MAX_HEAD`], not sent in time, or the
/// connection fails.
pub fn read_head(stream: &mut TcpStream, deadline: Instant) -> Result<Vec<u8>, Status> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(TIMEOUT);
        }
        stream
            .set_read_timeout(Some(left))
            .map_err(|_| BAD_REQUEST)?;
        let room = MAX_HEAD + 1 - head.len();
        let take = room.min(buf.len());
        let n = match stream.read(&mut buf[..take]) {
            Ok(0) => return Err(BAD_REQUEST),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(TIMEOUT);
            }
            Err(_) => return Err(BAD_REQUEST),
        };
        // Only the new bytes (and three before them) can complete the blank line.
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&buf[..n]);
        if let Some(end) = find_end(&head[from..]) {
            head.truncate(from + end);
            return Ok(head);
        }
        if head.len() > MAX_HEAD {
            return Err(TOO_LARGE);
        }
    }
}

/// Where the head ends in `bytes` (just before its blank line), if it does.
fn find_end(bytes: &[u8]) -> Option<usize> {
    let crlf = bytes.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = bytes.windows(2).position(|w| w == b"\n\n");
    crlf.into_iter().chain(lf).min()
}

/// Parses a request head: `Err` with the status for anything but `GET` or `HEAD` of
/// `/metrics` (a query string is ignored) over HTTP/1.x.
pub fn parse(head: &[u8]) -> Result<Request, Status> {
    let text = std::str::from_utf8(head).map_err(|_| BAD_REQUEST)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let mut parts = lines.next().ok_or(BAD_REQUEST)?.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(BAD_REQUEST);
    };
    if !version.starts_with("HTTP/1.") {
        return Err(BAD_REQUEST);
    }
    let head_only = match method {
        "GET" => false,
        "HEAD" => true,
        _ => return Err(NOT_ALLOWED),
    };
    if target.split('?').next() != Some("/metrics") {
        return Err(NOT_FOUND);
    }
    let mut accept = String::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("accept") {
            if !accept.is_empty() {
                accept.push(',');
            }
            accept.push_str(value.trim());
        }
    }
    Ok(Request {
        format: negotiate(&accept),
        head_only,
    })
}

/// The format an `Accept` header asks for: OpenMetrics when it lists
/// `application/openmetrics-text` (any version, or 1.0.0) with a quality at least that of
/// `text/plain` (or `text/*`, `*/*`); the Prometheus text format otherwise.
pub fn negotiate(accept: &str) -> Format {
    let (mut om, mut text) = (0.0f64, 0.0f64);
    for range in accept.split(',') {
        let mut params = range.split(';').map(str::trim);
        let media = params.next().unwrap_or("").to_ascii_lowercase();
        let mut q = 1.0;
        let mut version_ok = true;
        for p in params {
            let Some((k, v)) = p.split_once('=') else {
                continue;
            };
            match k.trim().to_ascii_lowercase().as_str() {
                "q" => q = v.trim().parse().unwrap_or(0.0),
                "version" => version_ok = v.trim() == "1.0.0",
                _ => {}
            }
        }
        match media.as_str() {
            "application/openmetrics-text" if version_ok => om = om.max(q),
            "text/plain" | "text/*" | "*/*" => text = text.max(q),
            _ => {}
        }
    }
    if om > 0.0 && om >= text {
        Format::Openmetrics
    } else {
        Format::Prometheus
    }
}

/// Writes all of `bytes` before `deadline` (each write waits at most the time left).
fn write_all_by(stream: &mut TcpStream, mut bytes: &[u8], deadline: Instant) -> io::Result<()> {
    while !bytes.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        stream.set_write_timeout(Some(left))?;
        match stream.write(bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes a whole answer (`Connection: close`) before `deadline`; the body is left out
/// when `head_only`.
pub fn respond(
    stream: &mut TcpStream,
    status: Status,
    content_type: &str,
    body: &[u8],
    head_only: bool,
    deadline: Instant,
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n",
        status.0,
        status.1,
        body.len()
    );
    if status == BUSY {
        head.push_str("Retry-After: 1\r\n");
    }
    head.push_str("\r\n");
    write_all_by(stream, head.as_bytes(), deadline)?;
    if !head_only {
        write_all_by(stream, body, deadline)?;
    }
    stream.flush()
}

/// Answers `status` with a one-line text body.
pub fn refuse(stream: &mut TcpStream, status: Status, deadline: Instant) -> io::Result<()> {
    let body = format!("{} {}\n", status.0, status.1);
    respond(
        stream,
        status,
        "text/plain; charset=utf-8",
        body.as_bytes(),
        false,
        deadline,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation() {
        let prom = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;\
                    version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assert_eq!(negotiate(prom), Format::Openmetrics);
        assert_eq!(negotiate(""), Format::Prometheus);
        assert_eq!(negotiate("*/*"), Format::Prometheus);
        assert_eq!(negotiate("text/plain"), Format::Prometheus);
        assert_eq!(
            negotiate("application/openmetrics-text"),
            Format::Openmetrics
        );
        assert_eq!(
            negotiate("application/openmetrics-text;q=0.2, text/plain;q=0.5"),
            Format::Prometheus
        );
        assert_eq!(
            negotiate("application/openmetrics-text; version=0.0.1"),
            Format::Prometheus
        );
        assert_eq!(
            negotiate("application/openmetrics-text;q=0"),
            Format::Prometheus
        );
    }

    #[test]
    fn requests() {
        let ok = |s: &str| parse(s.as_bytes());
        assert_eq!(
            ok("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text"),
            Ok(Request {
                format: Format::Openmetrics,
                head_only: false
            })
        );
        assert_eq!(
            ok("HEAD /metrics?x=1 HTTP/1.0"),
            Ok(Request {
                format: Format::Prometheus,
                head_only: true
            })
        );
        assert_eq!(ok("POST /metrics HTTP/1.1"), Err(NOT_ALLOWED));
        assert_eq!(ok("GET / HTTP/1.1"), Err(NOT_FOUND));
        assert_eq!(ok("GET /metrics"), Err(BAD_REQUEST));
        assert_eq!(ok("GET /metrics HTTP/2 x"), Err(BAD_REQUEST));
        assert_eq!(ok(""), Err(BAD_REQUEST));
        assert_eq!(parse(b"GET /metrics \xff HTTP/1.1"), Err(BAD_REQUEST));
        assert_eq!(find_end(b"a\r\n\r\nb"), Some(1));
        assert_eq!(find_end(b"a\n\nb"), Some(1));
        assert_eq!(find_end(b"a\r\nb"), None);
    }
}
