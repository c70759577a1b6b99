use shm_atomics::{ReadOnly, Region};

fn main() {
    let view: ReadOnly<'_, u32>;
    {
        let buf = [0u8; 4];
        view = Region::from_ref(&buf).read_at::<u32>(0).unwrap();
    }
    view.load();
}
