//! The layout fingerprint: 64-bit FNV-1a over the canonical descriptor. The primitives
//! are shared by [`LayoutDesc::fingerprint`](super::LayoutDesc::fingerprint) (const) and
//! the owned descriptor read from a segment, so both hash the same canonical sequence.

use crate::cell::value::Kind;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

const fn fnv_bytes(mut h: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(FNV_PRIME);
        i += 1;
    }
    h
}

const fn fnv_u64(h: u64, v: u64) -> u64 {
    fnv_bytes(h, &v.to_le_bytes())
}

/// The fingerprint primitives, shared by [`LayoutDesc::fingerprint`](crate::LayoutDesc::fingerprint) (const) and the
/// owned descriptor read from a segment, so both hash the same canonical sequence.
pub(crate) mod fp {
    use super::{FNV_OFFSET, Kind, fnv_bytes, fnv_u64};

    /// Starts a layout: format tag, size, alignment, field count.
    pub(crate) const fn begin(size: usize, align: usize, nfields: usize) -> u64 {
        let mut h = fnv_bytes(FNV_OFFSET, b"atomics-layout-v1");
        h = fnv_u64(h, size as u64);
        h = fnv_u64(h, align as u64);
        fnv_u64(h, nfields as u64)
    }

    /// What the fingerprint hashes of a field's type.
    pub(crate) enum Ty {
        /// A value: kind and width.
        Value(Kind, usize),
        /// A nested layout: its fingerprint.
        Layout(u64),
        /// A seqlock record: its layout's fingerprint.
        Seq(u64),
        /// A striped counter: kind, width, cells, stride.
        Striped(Kind, usize, usize, usize),
        /// An event.
        Event,
    }

    /// Adds one field. Values and nested layouts hash as in the first format (so their
    /// fingerprints never changed); each newer type starts with its own marker.
    pub(crate) const fn field(
        mut h: u64,
        name: &str,
        offset: usize,
        ty: Ty,
        array_len: Option<usize>,
        align: usize,
    ) -> u64 {
        h = fnv_u64(h, name.len() as u64);
        h = fnv_bytes(h, name.as_bytes());
        h = fnv_u64(h, offset as u64);
        match ty {
            Ty::Value(kind, width) => {
                h = fnv_u64(h, kind as u64);
                h = fnv_u64(h, width as u64);
            }
            Ty::Layout(nested) => {
                h = fnv_u64(h, 0xff);
                h = fnv_u64(h, nested);
            }
            Ty::Seq(nested) => {
                h = fnv_u64(h, 0xfe);
                h = fnv_u64(h, nested);
            }
            Ty::Striped(kind, width, cells, stride) => {
                h = fnv_u64(h, 0xfd);
                h = fnv_u64(h, kind as u64);
                h = fnv_u64(h, width as u64);
                h = fnv_u64(h, cells as u64);
                h = fnv_u64(h, stride as u64);
            }
            Ty::Event => h = fnv_u64(h, 0xfc),
        }
        h = fnv_u64(
            h,
            match array_len {
                Some(n) => n as u64,
                None => u64::MAX,
            },
        );
        fnv_u64(h, align as u64)
    }
}
