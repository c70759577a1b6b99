/// Two counters.
#[atomic_layout]
pub struct Pair {
    /// Hits.
    pub hits: u64,
    pub up: bool,
}
