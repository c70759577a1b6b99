//! A chat server's shared state in an `Atom`: the connection count and the set of active
//! clients, updated from many threads (the atomos README's example, in Rust).
//!
//! A validator refuses a negative count (a disconnect that was never connected); a watch
//! logs each change. At the end it prints a summary and checks the totals, exiting
//! non-zero if they are wrong.
//!
//! Run: `cargo run --example chat_state -- [THREADS] [CLIENTS_PER_THREAD]`

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use shm_atomics::Atom;

/// What the server knows about its clients. Immutable inside the atom: every change
/// builds the next state from the current one.
#[derive(Clone, Debug, Default)]
struct ChatState {
    conns: i64,
    active_clients: BTreeSet<String>,
}

fn connect(s: &ChatState, client: &str) -> ChatState {
    let mut next = s.clone();
    if next.active_clients.insert(client.to_owned()) {
        next.conns += 1;
    }
    next
}

/// A buggy disconnect would drive the count negative: the validator refuses that.
fn disconnect_unchecked(s: &ChatState, client: &str) -> ChatState {
    let mut next = s.clone();
    next.active_clients.remove(client);
    next.conns -= 1;
    next
}

fn usage() -> ExitCode {
    eprintln!("usage: chat_state [THREADS > 0] [CLIENTS_PER_THREAD > 0]");
    ExitCode::from(2)
}

fn arg(args: &mut impl Iterator<Item = String>, default: u64) -> Option<u64> {
    match args.next() {
        None => Some(default),
        Some(a) => a.parse().ok().filter(|n| *n > 0),
    }
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(threads) = arg(&mut args, 8) else {
        return usage();
    };
    let Some(clients) = arg(&mut args, 200) else {
        return usage();
    };

    let state = match Atom::with_validator(ChatState::default(), |s: &ChatState| {
        s.conns >= 0 && s.conns as usize == s.active_clients.len()
    }) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };

    // The watch logs each change (the first few in full) and counts them all.
    let changes = Arc::new(AtomicU64::new(0));
    let printed = Arc::new(Mutex::new(0u32));
    {
        let changes = Arc::clone(&changes);
        let printed = Arc::clone(&printed);
        state.add_watch("log", move |key, old: &ChatState, new: &ChatState| {
            changes.fetch_add(1, Ordering::Relaxed);
            let mut p = printed.lock().unwrap_or_else(|e| e.into_inner());
            if *p < 5 {
                *p += 1;
                let joined: Vec<_> = new.active_clients.difference(&old.active_clients).collect();
                let left: Vec<_> = old.active_clients.difference(&new.active_clients).collect();
                println!(
                    "[{key}] conns {} -> {} (joined {joined:?}, left {left:?})",
                    old.conns, new.conns
                );
            }
        });
    }

    let rejected = AtomicU64::new(0);
    std::thread::scope(|s| {
        for t in 0..threads {
            let state = &state;
            let rejected = &rejected;
            s.spawn(move || {
                for c in 0..clients {
                    let name = format!("client-{t}-{c}");
                    if let Err(e) = state.swap(|s| connect(s, &name)) {
                        eprintln!("connect refused: {e}");
                    }
                    // Every other client leaves again.
                    if c % 2 == 1 && state.swap(|s| disconnect_unchecked(s, &name)).is_err() {
                        rejected.fetch_add(1, Ordering::Relaxed);
                    }
                    // A stray disconnect of a client that never connected: refused, since
                    // it would leave the count out of step with the clients.
                    if state
                        .swap(|s| disconnect_unchecked(s, "never-connected"))
                        .is_err()
                    {
                        rejected.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });

    let fin = state.deref();
    let expected_conns = threads * clients.div_ceil(2);
    let expected_changes = threads * (clients + clients / 2);
    let expected_rejected = threads * clients;
    let changes = changes.load(Ordering::Relaxed);
    let rejected = rejected.load(Ordering::Relaxed);
    println!("threads:        {threads} x {clients} clients (every other one disconnects)");
    println!("connections:    {} (expected {expected_conns})", fin.conns);
    println!(
        "active clients: {} (expected {expected_conns})",
        fin.active_clients.len()
    );
    println!("changes seen:   {changes} (expected {expected_changes})");
    println!("rejected:       {rejected} (expected {expected_rejected})");

    let ok = fin.conns == expected_conns as i64
        && fin.active_clients.len() as u64 == expected_conns
        && changes == expected_changes
        && rejected == expected_rejected;
    if ok {
        println!("totals exact: OK");
        ExitCode::SUCCESS
    } else {
        eprintln!("totals differ: FAILED");
        ExitCode::FAILURE
    }
}
