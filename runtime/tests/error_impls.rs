//! The hand-written `Display`, `Error` and `From` impls that replaced `thiserror`'s
//! derive (so the runtime pulls no proc-macro crate of its own and caps no version):
//! the messages are pinned byte for byte, as the derive printed them, `Error` forwards
//! its message and source to the wrapped error (the derive's `#[error(transparent)]`),
//! and each detail struct converts into `Error` with `?` (the derive's `#[from]`).
//! The dependency itself is checked by `cargo tree -p shm-atomics-runtime -e normal`.
// The descriptor and layout-build errors exist with `std`.
#![cfg(feature = "std")]

use shm_atomics_runtime::{
    AlignmentError, BitIndexError, DescriptorError, Error, LayoutAlignmentError, LayoutBuildError,
    ReadOnlyRegionError, SizeError,
};

fn fails_with<E>(e: E) -> Result<(), Error>
where
    Error: From<E>,
{
    Err(e)?;
    Ok(())
}

#[test]
fn messages_are_byte_for_byte_those_of_the_derive() {
    let align = AlignmentError {
        addr: 0x1002,
        required: 8,
        width: 8,
    };
    assert_eq!(
        align.to_string(),
        "address 0x1002 is not aligned for a 8-byte atomic: it must be a multiple of 8 \
         (offset it by 6 bytes, or align the buffer, e.g. with #[repr(align(8))])"
    );
    let layout = LayoutAlignmentError {
        addr: 0x1004,
        required: 16,
        layout: "Pair",
        size: 32,
    };
    assert_eq!(
        layout.to_string(),
        "address 0x1004 is not aligned for layout Pair (32 bytes): it must be a multiple of 16 \
         (offset it by 12 bytes, or align the buffer, e.g. with #[repr(align(16))])"
    );
    assert_eq!(
        ReadOnlyRegionError { layout: "Pair" }.to_string(),
        "layout Pair cannot be viewed in a read-only region: a layout view needs writable \
         memory; load its fields with Region::read_at (a ReadOnly view) instead, or, for a \
         segment, use ReadOnlySegment::snapshot or load"
    );
    assert_eq!(
        SizeError { needed: 4, got: 3 }.to_string(),
        "wrong size: 4 bytes are needed but 3 were given; pass a buffer of exactly the width \
         (or a region large enough for the offset plus the width)"
    );
    assert_eq!(
        BitIndexError { bit: 16, width: 2 }.to_string(),
        "bit index 16 is out of range for a 2-byte atomic: valid bits are 0..16"
    );
    assert_eq!(
        LayoutBuildError {
            layout: "L".into(),
            what: "no fields".into()
        }
        .to_string(),
        "cannot build layout `L`: no fields"
    );
    assert_eq!(
        DescriptorError {
            at: 7,
            what: "truncated".into()
        }
        .to_string(),
        "malformed layout descriptor at byte 7: truncated"
    );
    // `Error` is transparent: its message is the wrapped error's.
    assert_eq!(Error::from(align).to_string(), align.to_string());
    assert_eq!(Error::from(layout).to_string(), layout.to_string());
}

#[test]
fn error_converts_with_question_mark_and_forwards_source() {
    use std::error::Error as _;
    let e = fails_with(SizeError { needed: 1, got: 2 }).unwrap_err();
    assert_eq!(e, Error::Size(SizeError { needed: 1, got: 2 }));
    // Transparent: the source is the wrapped error's source (none of them has one).
    assert!(e.source().is_none());
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(e.clone());
    assert_eq!(boxed.to_string(), e.to_string());
    assert!(matches!(
        fails_with(BitIndexError { bit: 9, width: 1 }),
        Err(Error::BitIndex(BitIndexError { bit: 9, width: 1 }))
    ));
}
