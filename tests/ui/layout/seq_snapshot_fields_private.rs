// A `SeqSnapshot` cannot be built by hand: with `record: u32` it would be 16 bytes with 4
// of padding, which `Plain::as_bytes` (zerocopy's `as_bytes` before) would read. Its
// fields are private; values come from a layout's `snapshot()`, `Plain::try_from_bytes`,
// `Plain::zeroed` or `Default`, each of which refuses a padded shape at compile time.
use shm_atomics::SeqSnapshot;

fn main() {
    let _ = SeqSnapshot { seq: 2, record: 0u32 };
}
