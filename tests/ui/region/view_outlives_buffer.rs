use shm_atomics::{Atomic, Region};

fn main() {
    let view: &Atomic<u32>;
    {
        let mut buf = [0u8; 4];
        view = Region::new(&mut buf).atomic_at::<u32>(0).unwrap();
    }
    view.inc();
}
