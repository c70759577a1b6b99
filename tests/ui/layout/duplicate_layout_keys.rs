use atomics::atomic_layout;

#[atomic_layout(align = 8, crate = "::atomics", align = 64, crate = "::atomics")]
struct Counters {
    hits: u64,
}

fn main() {}
