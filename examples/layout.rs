//! A layout declared with `#[atomic_layout]`: its accessors, its snapshot, its field
//! table and its C header.
//!
//! Run: `cargo run --example layout`

use shm_atomics::{Layout, atomic_layout};

/// Network counters, nested in `Stats`.
#[atomic_layout]
pub struct NetStats {
    /// Bytes received.
    pub rx: u64,
    /// Bytes sent.
    pub tx: u64,
}

/// Service statistics shared between worker processes.
#[atomic_layout]
pub struct Stats {
    /// Requests served.
    pub requests: u64,
    /// Requests that failed.
    pub errors: u32,
    /// Whether the service is up.
    pub up: bool,
    /// Id of the last peer.
    pub last_peer: [u8; 16],
    /// A hot counter on its own cache line: no false sharing with the fields above.
    #[atomic(align = 64)]
    pub hot: u64,
    /// Latency histogram buckets.
    pub latency_us: [u32; 8],
    /// Network counters.
    pub net: NetStats,
}

fn main() {
    let stats = Stats::new();
    stats.requests().add(3);
    stats.errors().inc();
    stats.up().store(true);
    stats.last_peer().store(*b"10.0.0.7:443\0\0\0\0");
    stats.latency_us()[2].fetch_add(1);
    stats.net().rx().add(1500);

    let snap = stats.snapshot();
    println!("{stats:#?}");
    println!("snapshot.requests = {}", snap.requests);

    println!(
        "\n{} is {} bytes, aligned to {}, fingerprint {:#018x}",
        Stats::NAME,
        Stats::SIZE,
        Stats::ALIGN,
        Stats::FINGERPRINT
    );
    for f in Stats::FIELDS {
        println!(
            "  {:<12} offset {:>3}  width {:>2}  kind {:<6} len {:?}",
            f.name,
            f.offset,
            f.width(),
            f.kind().map_or("layout".to_string(), |k| k.to_string()),
            f.array_len
        );
    }
    println!("\n{}", Stats::c_header());
}
