#[atomic_layout]
pub(crate) struct Stats {
    pub hist: [u32; 4],
    #[atomic(align = 64)]
    pub net: NetStats,
}
