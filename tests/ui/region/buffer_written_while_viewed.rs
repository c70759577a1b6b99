use shm_atomics::Region;

fn main() {
    let mut buf = [0u8; 4];
    let view = Region::new(&mut buf).atomic_at::<u32>(0).unwrap();
    buf.fill(1);
    view.inc();
}
