use shm_atomics::Atomic;

fn main() {
    let view: &Atomic<u32>;
    {
        let mut buf = [0u8; 4];
        view = Atomic::<u32>::from_mut(&mut buf).unwrap();
    }
    view.inc();
}
