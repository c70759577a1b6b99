//! `shma serve --listen ADDR [DIR]`: every segment of DIR at `http://ADDR/metrics`,
//! read afresh at each scrape (docs/EXPORT.md).
//!
//! One thread accepts connections and hands them to a fixed pool of workers through a
//! bounded queue; when the queue is full the connection is answered 503 at once. A
//! worker reads one bounded request head within a deadline, opens the directory's
//! segments read-only, renders them and closes the connection. A file that does not
//! open, or shrinks while read, is left out with one logged line (logged once, not at
//! every scrape); a panic in a worker is caught and the worker goes on.

pub mod http;

use std::collections::HashSet;
use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::Result;
use crate::export;
use crate::list::dir_or_default;

/// The long help of `serve`.
pub const LONG_ABOUT: &str = "Serve every segment of DIR (default: this user's segment \
    directory) at http://ADDR/metrics, read afresh (read-only) at each scrape, named and \
    labelled as `shma export` does (see its help). The answer is OpenMetrics 1.0 when the \
    request's Accept header asks for application/openmetrics-text, else the Prometheus text \
    format 0.0.4.\n\n\
    Only loopback addresses are accepted unless --allow-remote. A request head may have at \
    most 8 KiB and must arrive within 5 s (else 431 or 408); each answer closes the \
    connection. --threads scrapes are answered at once, 128 more wait, and any beyond are \
    answered 503 at once. Segments may appear and disappear between scrapes; a file that \
    does not open as a segment, or shrinks while it is read, is left out of the answer with \
    one line on stderr (the first time only). The first stderr line says the address, \
    with the port chosen for port 0.";

/// How many accepted connections may wait for a worker.
const QUEUE: usize = 128;

/// The most workers.
const MAX_THREADS: usize = 256;

/// What every worker shares.
struct Shared {
    dir: PathBuf,
    prefix: String,
    /// Lines already logged: each is logged once.
    logged: Mutex<HashSet<String>>,
}

impl Shared {
    /// Logs `line` on stderr unless it was logged before.
    fn log(&self, line: String) {
        let mut logged = match self.logged.lock() {
            Ok(l) => l,
            Err(poisoned) => poisoned.into_inner(),
        };
        if logged.len() > 10_000 {
            logged.clear();
        }
        if logged.insert(line.clone()) {
            let _ = writeln!(
                std::io::stderr(),
                "shma serve: {}",
                line.replace(['\n', '\r'], " ")
            );
        }
    }
}

/// `shma serve`.
pub fn run(
    dir: Option<PathBuf>,
    listen: SocketAddr,
    allow_remote: bool,
    threads: usize,
    prefix: &str,
) -> Result<()> {
    let dir = dir_or_default(dir)?;
    if !dir.is_dir() {
        return Err(format!(
            "{} is not a directory: give the directory whose segments to serve",
            dir.display()
        ));
    }
    if !listen.ip().is_loopback() && !allow_remote {
        return Err(format!(
            "{listen} is not a loopback address: every host that reaches it could read every \
             value; listen on 127.0.0.1 or [::1], or add --allow-remote"
        ));
    }
    if !(1..=MAX_THREADS).contains(&threads) {
        return Err(format!(
            "--threads {threads}: give between 1 and {MAX_THREADS}"
        ));
    }
    let listener = TcpListener::bind(listen)
        .map_err(|e| format!("cannot listen on {listen}: {e} (choose another port)"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let shared = Arc::new(Shared {
        dir,
        prefix: prefix.to_string(),
        logged: Mutex::new(HashSet::new()),
    });
    let _ = writeln!(
        std::io::stderr(),
        "shma serve: serving {} at http://{addr}/metrics",
        shared.dir.display()
    );
    let (tx, rx) = sync_channel::<TcpStream>(QUEUE);
    let rx = Arc::new(Mutex::new(rx));
    for i in 0..threads {
        let (rx, shared) = (Arc::clone(&rx), Arc::clone(&shared));
        thread::Builder::new()
            .name(format!("shma-serve-{i}"))
            .spawn(move || worker(&rx, &shared))
            .map_err(|e| format!("cannot start a worker thread: {e}"))?;
    }
    accept(&listener, &tx, &shared);
    Ok(())
}

/// Hands accepted connections to the workers; a full queue is answered 503.
fn accept(listener: &TcpListener, tx: &SyncSender<TcpStream>, shared: &Shared) {
    for conn in listener.incoming() {
        match conn {
            Ok(stream) => match tx.try_send(stream) {
                Ok(()) => {}
                Err(TrySendError::Full(mut stream)) => {
                    // Read what already arrived of the request (closing with unread
                    // bytes would reset the connection and lose the answer), then 503.
                    let _ = stream.set_nonblocking(true);
                    let _ = std::io::Read::read(&mut stream, &mut [0u8; http::MAX_HEAD]);
                    let _ = stream.set_nonblocking(false);
                    let by = Instant::now() + Duration::from_millis(200);
                    let _ = http::refuse(&mut stream, http::BUSY, by);
                }
                Err(TrySendError::Disconnected(_)) => {
                    shared.log("every worker stopped; no longer serving".to_string());
                    return;
                }
            },
            Err(e) => {
                // Out of file descriptors, say: wait a little rather than spin.
                shared.log(format!("accepting a connection failed: {e}"));
                thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

/// Answers connections from the queue until it closes; a panic while answering one is
/// caught (and logged) so the worker goes on.
fn worker(rx: &Mutex<Receiver<TcpStream>>, shared: &Shared) {
    loop {
        let next = match rx.lock() {
            Ok(rx) => rx.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        let Ok(stream) = next else {
            return;
        };
        let answered =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| answer(stream, shared)));
        if answered.is_err() {
            shared.log("a scrape failed with a panic (a bug: please report it)".to_string());
        }
    }
}

/// Reads one request and answers it.
fn answer(mut stream: TcpStream, shared: &Shared) {
    let deadline = Instant::now() + http::DEADLINE;
    let request = http::read_head(&mut stream, deadline).and_then(|head| http::parse(&head));
    let request = match request {
        Ok(r) => r,
        Err(status) => {
            let _ = http::refuse(&mut stream, status, deadline);
            return;
        }
    };
    let body = scrape(shared, request.format);
    let deadline = Instant::now() + http::DEADLINE;
    let _ = http::respond(
        &mut stream,
        http::OK,
        request.format.content_type(),
        &body,
        request.head_only,
        deadline,
    );
}

/// The exposition text of the directory's segments now.
fn scrape(shared: &Shared, format: export::Format) -> Vec<u8> {
    let (segments, notes) = export::open_dir(&shared.dir);
    notes.into_iter().for_each(|l| shared.log(l));
    let m = export::gather(&segments, &shared.prefix, &mut |l| shared.log(l));
    export::render(&m, format)
}
