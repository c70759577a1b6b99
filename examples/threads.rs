//! Threads sharing atomics: counters of several widths and kinds updated from many
//! threads, with exact totals checked at the end.
//!
//! Run: `cargo run --release --example threads -- [THREADS] [OPS_PER_THREAD]`

use std::time::Instant;

use shm_atomics::{Atomic, MemoryOrder};

static REQUESTS: Atomic<u64> = Atomic::new(0);
static BYTES: Atomic<u128> = Atomic::new(0);
static LAST: Atomic<[u8; 16]> = Atomic::new([0; 16]);
static LOAD: Atomic<f64> = Atomic::new(0.0);

fn main() {
    let mut args = std::env::args().skip(1);
    let threads: u64 = match args.next().map(|a| a.parse()) {
        None => std::thread::available_parallelism()
            .map_or(2, |n| n.get() as u64)
            .max(2),
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("usage: threads [THREADS > 0] [OPS_PER_THREAD]");
            std::process::exit(2);
        }
    };
    let ops: u64 = match args.next().map(|a| a.parse()) {
        None => 200_000,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("usage: threads [THREADS > 0] [OPS_PER_THREAD]");
            std::process::exit(2);
        }
    };

    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads {
            s.spawn(move || {
                let mut id = [0u8; 16];
                id[..8].copy_from_slice(&t.to_le_bytes());
                for i in 0..ops {
                    REQUESTS.inc();
                    BYTES.fetch_add(u128::from(i % 1500));
                    // A 16-byte CAS loop: the id of the last writer.
                    LAST.update_fetch(|_| id);
                    LOAD.add(0.5);
                }
            });
        }
    });
    let elapsed = start.elapsed();

    let expected_bytes: u128 =
        threads as u128 * (0..ops).map(|i| u128::from(i % 1500)).sum::<u128>();
    let requests = REQUESTS
        .load_explicit(MemoryOrder::Acquire)
        .expect("acquire is a valid load order");
    println!("threads:   {threads} x {ops} updates of 4 atomics");
    println!("requests:  {requests} (expected {})", threads * ops);
    println!("bytes:     {} (expected {expected_bytes})", BYTES.load());
    println!(
        "load:      {} (expected {})",
        LOAD.load(),
        (threads * ops) as f64 * 0.5
    );
    println!("last id:   {:?}", &LAST.load()[..8]);
    let total_ops = 4 * threads * ops;
    println!(
        "elapsed:   {:.3} s, {:.1} M atomic ops/s",
        elapsed.as_secs_f64(),
        total_ops as f64 / elapsed.as_secs_f64() / 1e6
    );
    let ok = requests == threads * ops
        && BYTES.load() == expected_bytes
        && LOAD.load() == (threads * ops) as f64 * 0.5;
    if ok {
        println!("totals exact: OK");
    } else {
        eprintln!("totals differ: FAILED");
        std::process::exit(1);
    }
}
