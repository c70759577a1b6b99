//! Hostile files given to every segment opener: random bytes, every truncation, every
//! single-bit flip and random byte mutations of a real segment (the header and the
//! descriptor especially). Each opener returns `Ok` only for a valid segment (of the
//! expected layout, for the typed openers) and `Err` otherwise: it never panics, never
//! hangs, and never crashes the process with SIGBUS (lengths are checked before mapping,
//! and every field of an accepted segment is read here). `LayoutDescBuf::decode` never
//! panics on any bytes either.

use std::mem::offset_of;
use std::path::Path;

use proptest::prelude::*;
use shm_atomics::{
    FIXED_HEADER, FORMAT_VERSION, Layout, LayoutDescBuf, MAGIC, READY, RawSegment, Segment,
    SegmentHeader,
};

/// A fuzzed layout: how its model segment is filled and how an accepted one is touched.
trait Model: Layout {
    fn fill(seg: &Segment<Self>);
    fn touch(seg: &Segment<Self>);
}

/// The fuzzed layout in module `$m`, its `wide` field of type `$wide`, and its `Model`.
macro_rules! fuzzed {
    ($(#[$doc:meta])* $m:ident: $wide:ident) => {
        $(#[$doc])*
        #[allow(dead_code)] // accessors the tests do not call (spanned here, so linted)
        mod $m {
            use shm_atomics::atomic_layout;

            #[atomic_layout]
            pub struct Inner {
                pub a: u16,
                pub b: u8,
            }

            #[atomic_layout]
            pub struct Fuzzed {
                pub hits: u64,
                pub wide: $wide,
                pub flag: bool,
                pub ratio: f32,
                pub inner: [Inner; 2],
                pub id: [u8; 4],
            }
        }

        impl Model for $m::Fuzzed {
            fn fill(seg: &Segment<Self>) {
                seg.hits().store(0x1122_3344);
                seg.wide().store($wide::MAX / 3);
                seg.flag().store(true);
                seg.inner()[1].a().store(0xbeef);
            }
            fn touch(seg: &Segment<Self>) {
                seg.hits().fetch_add(1);
            }
        }
    };
}

fuzzed! {
    /// The fuzzed layout where 16-byte atomics are lock-free (every 64-bit target here).
    wide: u128
}
fuzzed! {
    /// The same layout, named alike, where 16-byte atomics are not lock-free (a 32-bit
    /// target, which refuses a segment of `wide::Fuzzed`): `wide` is 8 bytes there.
    narrow: u64
}

/// Whether this CPU has lock-free 16-byte atomics, so the model is `wide::Fuzzed`
/// (else `narrow::Fuzzed`, whose `wide` refusal segment's `api::`/`errors::` assert).
fn wide16() -> bool {
    shm_atomics::Width::W16.is_lock_free()
}

/// The bytes of a real segment of the model with some values in it.
fn model() -> Vec<u8> {
    if wide16() {
        model_of::<wide::Fuzzed>()
    } else {
        model_of::<narrow::Fuzzed>()
    }
}

fn model_of<L: Model>() -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("model");
    let seg = Segment::<L>::create(&path).expect("create");
    L::fill(&seg);
    drop(seg);
    std::fs::read(&path).expect("read")
}

/// The model's descriptor.
fn model_desc() -> LayoutDescBuf {
    if wide16() {
        LayoutDescBuf::from_desc(&wide::Fuzzed::DESC)
    } else {
        LayoutDescBuf::from_desc(&narrow::Fuzzed::DESC)
    }
}

/// The fixed header of a file at least that long.
fn header(b: &[u8]) -> SegmentHeader {
    SegmentHeader::read(b).expect("a whole header")
}

/// Header + descriptor length of the model (where mutations are most interesting).
fn header_len(model: &[u8]) -> usize {
    header(model).header_len.get() as usize
}

/// Whether `bytes` has the invariants any accepted segment must have.
fn looks_valid(bytes: &[u8]) -> bool {
    SegmentHeader::read(bytes).is_some_and(|h| {
        h.magic == MAGIC
            && (1..=FORMAT_VERSION).contains(&h.version.get())
            && h.ready.get() == READY
            && h.payload_offset.get() + h.payload_size.get() <= bytes.len() as u64
    })
}

/// Writes `bytes` to `path` and gives the file to every opener. Returns how many
/// accepted it. Any panic or crash in the openers fails the test.
fn check(path: &Path, bytes: &[u8]) -> usize {
    if wide16() {
        check_as::<wide::Fuzzed>(path, bytes)
    } else {
        check_as::<narrow::Fuzzed>(path, bytes)
    }
}

fn check_as<L: Model>(path: &Path, bytes: &[u8]) -> usize {
    std::fs::write(path, bytes).expect("write case");
    let mut accepted = 0;
    if let Ok(seg) = Segment::<L>::open(path) {
        accepted += 1;
        assert!(looks_valid(bytes), "Segment::open accepted an invalid file");
        assert_eq!(seg.info().fingerprint, L::FINGERPRINT);
        assert_eq!(seg.info().descriptor.fingerprint(), L::FINGERPRINT);
        assert_eq!(seg.info().payload_size, L::SIZE as u64);
        // Touch every byte of the payload: an unchecked short mapping would SIGBUS here.
        let _ = seg.snapshot();
        L::touch(&seg);
    }
    if let Ok(ro) = Segment::<L>::open_readonly(path) {
        accepted += 1;
        assert!(looks_valid(bytes), "open_readonly accepted an invalid file");
        assert_eq!(ro.info().fingerprint, L::FINGERPRINT);
        let _ = ro.snapshot();
        let _ = ro.load::<u64>("hits");
    }
    if let Ok(raw) = RawSegment::open(path) {
        accepted += 1;
        assert!(
            looks_valid(bytes),
            "RawSegment::open accepted an invalid file"
        );
        let info = raw.info();
        assert_eq!(info.descriptor.fingerprint(), info.fingerprint);
        assert_eq!(info.descriptor.size as u64, info.payload_size);
        for leaf in info.descriptor.leaves() {
            let field = raw.field(&leaf.path).expect("every leaf is a field");
            field.load().expect("every leaf loads");
        }
    }
    accepted
}

#[test]
fn the_model_is_accepted_by_all_openers() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert_eq!(check(&dir.path().join("m"), &model()), 3);
}

#[test]
fn every_truncation_is_refused() {
    let model = model();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t");
    for len in 0..model.len() {
        assert_eq!(
            check(&path, &model[..len]),
            0,
            "a copy truncated to {len} of {} bytes was accepted",
            model.len()
        );
    }
    // Longer than needed is fine (a file may be padded), and refusing it would be a bug.
    let mut longer = model.clone();
    longer.extend_from_slice(&[0u8; 100]);
    assert_eq!(check(&path, &longer), 3);
}

/// Where `needle` occurs in `hay`, as a range.
fn find(hay: &[u8], needle: &[u8]) -> std::ops::Range<usize> {
    let at = hay
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("present");
    at..at + needle.len()
}

#[test]
fn every_single_bit_flip_is_handled() {
    let model = model();
    let desc = FIXED_HEADER..FIXED_HEADER + header(&model).descriptor_len.get() as usize;
    let payload_off = header(&model).payload_offset.get() as usize;
    // Magic through fingerprint, and byte-order mark through ready word.
    let critical_header = [
        0..offset_of!(SegmentHeader, created_ns),
        offset_of!(SegmentHeader, byte_order)..offset_of!(SegmentHeader, reserved),
    ];
    // The layout names are not part of the fingerprint (a renamed but identical layout
    // still matches), so a flip inside one may leave a valid segment.
    let names = [find(&model, b"Fuzzed"), find(&model, b"Inner")];
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("f");
    for at in 0..model.len() {
        for bit in 0..8 {
            let mut b = model.clone();
            b[at] ^= 1 << bit;
            let accepted = check(&path, &b);
            // Refused by everyone: magic, version, header length, payload offset and
            // size, fingerprint, byte order, descriptor offset and length, ready word, and
            // every descriptor byte outside the names. (Creation time, pid, reserved
            // bytes, the padding before the payload and the payload itself are free.)
            let critical = critical_header.iter().any(|r| r.contains(&at))
                || (desc.contains(&at) && !names.iter().any(|r| r.contains(&at)));
            if critical {
                assert_eq!(accepted, 0, "flip of bit {bit} at {at} was accepted");
            }
            if at >= payload_off {
                assert_eq!(accepted, 3, "a payload flip at {at} was refused");
            }
        }
    }
}

/// The model, computed once for the proptests.
fn shared_model() -> &'static [u8] {
    static MODEL: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    MODEL.get_or_init(model)
}

/// An index biased towards the header and descriptor.
fn index(len: usize, header: usize) -> impl Strategy<Value = usize> {
    prop_oneof![
        3 => 0..header,
        1 => 0..len,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: crate::common::proptest_cases(512),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let dir = tempfile::tempdir().expect("temp dir");
        prop_assert_eq!(check(&dir.path().join("r"), &bytes), 0);
    }

    #[test]
    fn random_bytes_after_a_real_magic_and_version_are_refused(
        tail in prop::collection::vec(any::<u8>(), 0..600),
    ) {
        let mut bytes = shared_model()[..offset_of!(SegmentHeader, header_len)].to_vec();
        bytes.extend_from_slice(&tail);
        let dir = tempfile::tempdir().expect("temp dir");
        prop_assert_eq!(check(&dir.path().join("r"), &bytes), 0);
    }

    #[test]
    fn byte_mutations_are_handled(
        muts in prop::collection::vec(
            (index(shared_model().len(), header_len(shared_model())), any::<u8>()),
            1..8,
        ),
    ) {
        let mut b = shared_model().to_vec();
        for (at, v) in muts {
            b[at] = v;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        check(&dir.path().join("m"), &b);
    }

    #[test]
    fn mutated_header_fields_are_handled(
        field in 0..5usize,
        value in prop_oneof![
            any::<u64>(),
            0u64..4096,
            Just(u64::MAX),
            Just(u64::from(u32::MAX)),
        ],
    ) {
        // Lengths and offsets set to hostile values: huge, small, overflowing.
        // (A 4-byte field takes the value's low 32 bits.)
        let mut b = shared_model().to_vec();
        let mut h = header(&b);
        match field {
            0 => h.header_len.set(value as u32),
            1 => h.payload_offset.set(value),
            2 => h.payload_size.set(value),
            3 => h.descriptor_offset.set(value as u32),
            _ => h.descriptor_len.set(value as u32),
        }
        b[..FIXED_HEADER].copy_from_slice(&h.to_bytes());
        let dir = tempfile::tempdir().expect("temp dir");
        check(&dir.path().join("h"), &b);
    }

    #[test]
    fn descriptor_decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(d) = LayoutDescBuf::decode(&bytes) {
            prop_assert_eq!(LayoutDescBuf::decode(&d.encode()), Ok(d.clone()));
        }
    }

    #[test]
    fn mutated_descriptors_decode_or_fail_cleanly(
        muts in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut enc = model_desc().encode();
        for (i, v) in muts {
            let at = i.index(enc.len());
            enc[at] = v;
        }
        if truncate {
            enc.truncate(cut.index(enc.len()));
        }
        if let Ok(d) = LayoutDescBuf::decode(&enc) {
            prop_assert_eq!(LayoutDescBuf::decode(&d.encode()), Ok(d.clone()));
            // The walk never panics, and lookup by path finds every leaf it yields
            // (bounded: a mutated length may declare billions of leaves).
            for leaf in d.leaves().take(10_000) {
                prop_assert_eq!(d.leaf(&leaf.path), Some(leaf));
            }
            let _ = d.fingerprint();
        }
    }
}
