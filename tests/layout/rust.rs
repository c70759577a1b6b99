//! `#[atomic_layout]` in Rust: offsets, accessors, snapshots, Debug, views, fingerprints.

use shm_atomics::{Error, FieldType, Kind, Layout, OpType, Region, atomic_layout};

#[atomic_layout]
pub struct Net {
    pub rx: u64,
    pub tx: u64,
}

#[atomic_layout]
pub struct Stats {
    pub requests: u64,
    pub errors: u32,
    pub up: bool,
    pub last_peer: [u8; 16],
    #[atomic(align = 64)]
    pub hot: u64,
    pub latency_us: [u32; 8],
    pub net: Net,
    pub ratio: f64,
}

/// Whether `Stats` (its `last_peer` is 16 bytes) can be viewed here. Where 16-byte
/// atomics are not lock-free (a 32-bit target), asserts that a view of it is refused for
/// exactly that reason and returns `false`: a test that needs the view returns then.
fn stats_viewable_here() -> bool {
    if shm_atomics::Width::W16.is_lock_free() {
        return true;
    }
    #[repr(C, align(64))]
    struct Buf([u8; 128]);
    let mut buf = Buf([0; 128]);
    let e = Stats::from_mut(&mut buf.0).map(|_| ()).unwrap_err();
    assert_eq!(
        e,
        Error::UnsupportedWidth(shm_atomics::UnsupportedWidth {
            width: 16,
            reason: shm_atomics::WidthReason::NotLockFree
        })
    );
    assert!(e.to_string().contains("not lock-free"), "{e}");
    false
}

#[test]
fn offsets_size_align() {
    let off = |name: &str| {
        Stats::FIELDS
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.offset)
    };
    assert_eq!(off("requests"), Some(0));
    assert_eq!(off("errors"), Some(8));
    assert_eq!(off("up"), Some(12));
    assert_eq!(off("last_peer"), Some(16));
    assert_eq!(off("hot"), Some(64));
    assert_eq!(off("latency_us"), Some(72));
    assert_eq!(off("net"), Some(104));
    assert_eq!(off("ratio"), Some(120));
    assert_eq!(Stats::SIZE, 128);
    assert_eq!(Stats::ALIGN, 64);
    assert_eq!(std::mem::size_of::<Stats>(), 128);
    assert_eq!(std::mem::align_of::<Stats>(), 64);
    assert_eq!(std::mem::size_of::<StatsSnapshot>(), 128);
    assert_eq!(Stats::NAME, "Stats");
    let hot = &Stats::FIELDS[4];
    assert_eq!(hot.align, 64);
    let lat = &Stats::FIELDS[5];
    assert_eq!((lat.array_len, lat.width(), lat.size()), (Some(8), 4, 32));
    assert_eq!(lat.kind(), Some(Kind::Uint));
    assert!(lat.ops().contains(OpType::FetchAdd));
    let net = &Stats::FIELDS[6];
    assert_eq!(net.kind(), None);
    assert!(net.ops().is_empty());
    assert!(matches!(net.ty, FieldType::Layout(d) if d.name == "Net" && d.fields.len() == 2));
    assert_eq!(Stats::FIELDS[3].ops(), Kind::Bytes.ops_supported());
}

#[test]
fn accessors_offer_their_kinds_operations() {
    let s = Stats::new();
    s.requests().fetch_add(2);
    s.requests().inc();
    s.errors().bin_or(0b101);
    assert!(!s.up().bin_fetch_xor(true));
    s.last_peer().store(*b"0123456789abcdef");
    assert_eq!(s.last_peer().bit_test(0), Ok(b'0' & 1 == 1));
    s.hot().sub(1);
    s.latency_us()[7].add(9);
    s.net().tx().add(1500);
    s.ratio().add(0.25);
    let snap = s.snapshot();
    assert_eq!(snap.requests, 3);
    assert_eq!(snap.errors, 5);
    assert!(snap.up);
    assert_eq!(&snap.last_peer, b"0123456789abcdef");
    assert_eq!(snap.hot, u64::MAX);
    assert_eq!(snap.latency_us, [0, 0, 0, 0, 0, 0, 0, 9]);
    assert_eq!(snap.net, NetSnapshot { rx: 0, ..snap.net });
    assert_eq!(snap.net.tx, 1500);
    assert_eq!(snap.ratio, 0.25);
}

#[test]
// Snapshots have private padding fields, so struct-update syntax is not available.
#[allow(clippy::field_reassign_with_default)]
fn snapshot_round_trip_nested_and_arrays() {
    let mut want = StatsSnapshot::default();
    want.requests = u64::MAX;
    want.errors = 7;
    want.up = true;
    want.last_peer = [0xab; 16];
    want.hot = 42;
    want.latency_us = [1, 2, 3, 4, 5, 6, 7, 8];
    want.net.rx = 10;
    want.net.tx = 20;
    want.ratio = -1.5;
    let s = Stats::default();
    assert_eq!(s.snapshot(), StatsSnapshot::default());
    s.store_snapshot(&want);
    assert_eq!(s.snapshot(), want);
    assert_eq!(s.latency_us()[3].load(), 4);
    assert_eq!(s.net().rx().load(), 10);
    // Through the trait as well.
    assert_eq!(<Stats as Layout>::snapshot(&s), want);
}

#[test]
fn snapshot_bytes_are_the_layout_bytes() {
    if !stats_viewable_here() {
        return;
    }
    use shm_atomics::Plain;
    #[repr(C, align(64))]
    struct Buf([u8; 128]);
    let mut buf = Buf([0; 128]);
    let s = Stats::from_mut(&mut buf.0).expect("aligned buffer of SIZE bytes");
    s.requests().store(0x0102_0304_0506_0708);
    s.latency_us()[1].store(0xdead_beef);
    s.net().tx().store(99);
    let snap = s.snapshot();
    let bytes = snap.as_bytes().to_vec();
    assert_eq!(&bytes[0..8], &0x0102_0304_0506_0708u64.to_ne_bytes());
    assert_eq!(&bytes[76..80], &0xdead_beefu32.to_ne_bytes());
    assert_eq!(&bytes[112..120], &99u64.to_ne_bytes());
    assert_eq!(bytes, buf.0.to_vec());
}

/// A snapshot's `Plain::is_valid` checks the bytes of its bool fields and of its nested
/// snapshots (through theirs), at their offsets, and nothing else; `try_from_bytes`
/// refuses a wrong length. Proves the macro's written-out `Plain` impl (it replaced
/// zerocopy's derives) still refuses a bool byte of 2, directly or in a nested layout.
#[test]
fn snapshot_bytes_are_validated_where_they_can_be_invalid() {
    use shm_atomics::Plain;

    #[atomic_layout]
    struct Flags {
        n: u32,
        on: bool,
        set: [bool; 2],
    }
    #[atomic_layout]
    struct Outer {
        a: u8,
        inner: Flags,
        b: bool,
    }
    let f = Flags::new();
    f.n().store(0xffff_ffff);
    f.on().store(true);
    f.set()[1].store(true);
    let good = f.snapshot();
    let bytes = good.as_bytes().to_vec();
    assert_eq!(FlagsSnapshot::try_from_bytes(&bytes), Some(good));
    assert_eq!(FlagsSnapshot::try_from_bytes(&bytes[1..]), None);
    let off_on = core::mem::offset_of!(FlagsSnapshot, on);
    let off_set = core::mem::offset_of!(FlagsSnapshot, set);
    for at in [off_on, off_set, off_set + 1] {
        let mut bad = bytes.clone();
        bad[at] = 2;
        assert_eq!(FlagsSnapshot::try_from_bytes(&bad), None, "byte {at}");
    }
    // The padding after `set` (and every byte of `n`) may hold anything.
    let mut padded = bytes.clone();
    padded[off_set + 2] = 0xab;
    assert!(FlagsSnapshot::is_valid(&padded));

    let o = Outer::new();
    o.inner().on().store(true);
    o.b().store(true);
    let bytes = o.snapshot().as_bytes().to_vec();
    assert_eq!(OuterSnapshot::try_from_bytes(&bytes), Some(o.snapshot()));
    let nested_on = core::mem::offset_of!(OuterSnapshot, inner) + off_on;
    for at in [nested_on, core::mem::offset_of!(OuterSnapshot, b)] {
        let mut bad = bytes.clone();
        bad[at] = 7;
        assert_eq!(OuterSnapshot::try_from_bytes(&bad), None, "byte {at}");
    }
    assert_eq!(OuterSnapshot::default(), OuterSnapshot::zeroed());
}

#[test]
fn debug_shows_names_and_values() {
    let n = Net::new();
    n.rx().store(5);
    assert_eq!(format!("{n:?}"), "Net { rx: 5, tx: 0 }");
    let snap = n.snapshot();
    assert_eq!(format!("{snap:?}"), "NetSnapshot { rx: 5, tx: 0 }");
    let s = Stats::new();
    let text = format!("{s:?}");
    assert!(
        text.starts_with("Stats { requests: 0, errors: 0, up: false, last_peer: [0, "),
        "{text}"
    );
    assert!(
        text.contains(
            "latency_us: [0, 0, 0, 0, 0, 0, 0, 0], net: Net { rx: 0, tx: 0 }, ratio: 0.0 }"
        ),
        "{text}"
    );
    assert!(!text.contains("pad"), "{text}");
}

#[test]
fn views_are_checked() {
    if !stats_viewable_here() {
        return;
    }
    #[repr(C, align(64))]
    struct Buf([u8; 256]);
    let mut buf = Buf([0; 256]);
    assert!(
        matches!(Stats::from_mut(&mut buf.0[..127]), Err(Error::Size(e)) if e.needed == 128 && e.got == 127)
    );
    let misaligned = Stats::from_mut(&mut buf.0[8..136]).map(|_| ()).unwrap_err();
    assert!(
        matches!(misaligned, Error::LayoutAlignment(e) if e.required == 64 && e.layout == "Stats" && e.size == 128),
        "{misaligned:?}"
    );
    let msg = misaligned.to_string();
    assert!(
        msg.contains("not aligned for layout Stats (128 bytes)")
            && msg.contains("multiple of 64")
            && !msg.contains("atomic"),
        "{msg}"
    );
    {
        let region = Region::new(&mut buf.0);
        assert!(matches!(
            region.subregion(0, 100).and_then(|r| r.view::<Stats>()),
            Err(Error::Size(_))
        ));
        let s = region.view::<Stats>().expect("aligned and large enough");
        s.errors().store(3);
        assert_eq!(region.read_at::<u32>(8).map(|v| v.load()), Ok(3));
        let second = region
            .subregion(128, 128)
            .and_then(|r| r.view::<Stats>())
            .expect("second slot");
        second.requests().store(1);
        let readonly = region
            .to_readonly()
            .view::<Stats>()
            .map(|_| ())
            .unwrap_err();
        assert!(
            matches!(readonly, Error::ReadOnlyRegion(e) if e.layout == "Stats"),
            "{readonly:?}"
        );
        let msg = readonly.to_string();
        assert!(
            msg.contains("layout Stats cannot be viewed in a read-only region")
                && msg.contains("read_at"),
            "{msg}"
        );
    }
    assert_eq!(&buf.0[8..12], &3u32.to_ne_bytes());
    assert_eq!(&buf.0[128..136], &1u64.to_ne_bytes());
}

#[test]
fn layouts_are_send_sync_and_usable_in_statics() {
    fn is_send_sync<T: Send + Sync>() {}
    is_send_sync::<Stats>();
    static GLOBAL: Stats = Stats::new();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..10_000 {
                    GLOBAL.requests().inc();
                    GLOBAL.net().rx().add(2);
                }
            });
        }
    });
    assert_eq!(GLOBAL.requests().load(), 40_000);
    assert_eq!(GLOBAL.net().rx().load(), 80_000);
}

/// Variants of one layout: the fingerprint follows the memory layout.
mod fp {
    use shm_atomics::atomic_layout;

    #[atomic_layout]
    pub struct Base {
        pub a: u32,
        pub b: u64,
    }
    #[atomic_layout]
    pub struct Same {
        pub a: u32,
        pub b: u64,
    }
    #[atomic_layout]
    pub struct Renamed {
        pub a: u32,
        pub c: u64,
    }
    #[atomic_layout]
    pub struct Retyped {
        pub a: i32,
        pub b: u64,
    }
    #[atomic_layout]
    pub struct Reordered {
        pub b: u64,
        pub a: u32,
    }
    #[atomic_layout]
    pub struct Realigned {
        pub a: u32,
        #[atomic(align = 16)]
        pub b: u64,
    }
    #[atomic_layout]
    pub struct Resized {
        pub a: u32,
        pub b: [u64; 2],
    }
    #[atomic_layout(align = 64)]
    pub struct StructAligned {
        pub a: u32,
        pub b: u64,
    }
    #[atomic_layout]
    pub struct BytesInstead {
        pub a: [u8; 4],
        pub b: u64,
    }
}

#[test]
fn fingerprint_changes_with_the_layout_and_only_then() {
    use fp::*;
    let base = Base::FINGERPRINT;
    // The struct's own name is not part of the memory layout.
    assert_eq!(Same::FINGERPRINT, base);
    let others = [
        ("renamed field", Renamed::FINGERPRINT),
        ("changed type", Retyped::FINGERPRINT),
        ("reordered", Reordered::FINGERPRINT),
        ("field alignment", Realigned::FINGERPRINT),
        ("array", Resized::FINGERPRINT),
        ("struct alignment", StructAligned::FINGERPRINT),
        ("bytes instead of uint", BytesInstead::FINGERPRINT),
    ];
    for (i, (what, fp)) in others.iter().enumerate() {
        assert_ne!(*fp, base, "{what}");
        for (other, fp2) in &others[i + 1..] {
            assert_ne!(fp, fp2, "{what} vs {other}");
        }
    }
    assert_eq!(Base::DESC.fingerprint(), base);
}

#[test]
fn fingerprint_is_pinned() {
    // Pinned so that an accidental change of the algorithm (which would make existing
    // segments unreadable) fails here. Change deliberately, with a format version bump.
    assert_eq!(
        fp::Base::FINGERPRINT,
        PINNED_BASE,
        "{:#018x}",
        fp::Base::FINGERPRINT
    );
    assert_eq!(Net::FINGERPRINT, PINNED_NET, "{:#018x}", Net::FINGERPRINT);
    assert_eq!(
        Stats::FINGERPRINT,
        PINNED_STATS,
        "{:#018x}",
        Stats::FINGERPRINT
    );
}

const PINNED_BASE: u64 = 0x78020c1a14e6c92d;
const PINNED_NET: u64 = 0xfcaa78db0695779c;
const PINNED_STATS: u64 = 0xf0bc67a4d0ae3a3e;

const SLOTS: usize = 3;

#[atomic_layout]
pub struct WithConstLen {
    pub head: u8,
    pub slots: [Net; SLOTS],
    pub hist: [u16; SLOTS + 1],
}

#[test]
fn array_lengths_may_be_consts() {
    assert_eq!(WithConstLen::FIELDS[1].array_len, Some(3));
    assert_eq!(WithConstLen::FIELDS[2].array_len, Some(4));
    assert_eq!(WithConstLen::SIZE, 8 + 3 * 16 + 8);
    let w = WithConstLen::new();
    w.slots()[2].tx().store(5);
    w.hist()[3].store(9);
    let s = w.snapshot();
    assert_eq!((s.slots[2].tx, s.hist[3]), (5, 9));
    let w2 = WithConstLen::new();
    w2.store_snapshot(&s);
    assert_eq!(w2.snapshot(), s);
}
