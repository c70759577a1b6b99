#[atomic_layout(crate = "::my_atomics", align = 16)]
struct Id {
    id: [u8; 16],
}
