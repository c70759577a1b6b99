//! The owned layout descriptor: what a segment stores so that a program that has never
//! seen the Rust type can read every field, and what tools (the CLI, `RawSegment`) work
//! from. Its canonical encoding, its fingerprint (equal to `Layout::FINGERPRINT` of the
//! layout it describes), field-level differences and the C header.

use std::boxed::Box;
use std::format;
use std::string::{String, ToString};
use std::vec::Vec;

use crate::cell::value::{Kind, TypeName};
use crate::layout::fingerprint::fp;
use crate::layout::{FieldType, LayoutDesc, MAX_ALIGN};

/// Nesting deeper than this is refused when decoding (a bound against hostile input).
pub const MAX_DEPTH: usize = 16;
/// At most this many fields per layout when decoding.
pub const MAX_FIELDS: usize = 4096;
/// At most this many bytes per name when decoding.
pub const MAX_NAME: usize = 255;
/// At most this many cells per striped counter when decoding.
pub const MAX_CELLS: usize = 4096;

/// An owned layout descriptor.
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{LayoutDescBuf, Layout};
///
/// #[atomic_layout]
/// struct Pair { a: u32, b: [u8; 4] }
///
/// let d = LayoutDescBuf::from_desc(&Pair::DESC);
/// let bytes = d.encode();
/// let back = LayoutDescBuf::decode(&bytes)?;
/// assert_eq!(back, d);
/// assert_eq!(back.fingerprint(), Pair::FINGERPRINT);
/// # Ok::<(), shm_atomics::DescriptorError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayoutDescBuf {
    /// The layout's name.
    pub name: String,
    /// Its size in bytes.
    pub size: usize,
    /// Its alignment in bytes.
    pub align: usize,
    /// Its fields in declaration order.
    pub fields: Vec<FieldDescBuf>,
}

/// One field of a [`LayoutDescBuf`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDescBuf {
    /// The field's name.
    pub name: String,
    /// Its offset in the layout.
    pub offset: usize,
    /// A value, a nested layout or another field type.
    pub ty: FieldTypeBuf,
    /// `Some(n)` for an array of `n` elements.
    pub array_len: Option<usize>,
    /// The field's alignment.
    pub align: usize,
}

/// The type of a [`FieldDescBuf`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldTypeBuf {
    /// An atomic value.
    Value {
        /// Its kind.
        kind: Kind,
        /// Its width in bytes.
        width: usize,
    },
    /// A nested layout.
    Layout(Box<LayoutDescBuf>),
    /// A seqlock record of this layout (see [`FieldType::Seq`]).
    Seq(Box<LayoutDescBuf>),
    /// A striped counter (see [`FieldType::Striped`]).
    Striped {
        /// The kind of each cell.
        kind: Kind,
        /// The width of each cell in bytes.
        width: usize,
        /// How many cells.
        cells: usize,
        /// Bytes from one cell to the next.
        stride: usize,
    },
    /// An event (see [`FieldType::Event`]).
    Event,
}

impl FieldTypeBuf {
    /// The bytes one element occupies, as [`FieldType::size`].
    pub fn size(&self) -> usize {
        match self {
            FieldTypeBuf::Value { width, .. } => *width,
            FieldTypeBuf::Layout(d) => d.size,
            FieldTypeBuf::Seq(d) => {
                let a = FieldType::seq_record_offset(d.align);
                a + d.size.div_ceil(a) * a
            }
            FieldTypeBuf::Striped { cells, stride, .. } => cells * stride,
            FieldTypeBuf::Event => 4,
        }
    }

    /// The natural alignment of one element, as [`FieldType::align`].
    pub fn align(&self) -> usize {
        match self {
            FieldTypeBuf::Value { width, .. } => *width,
            FieldTypeBuf::Layout(d) => d.align,
            FieldTypeBuf::Seq(d) => FieldType::seq_record_offset(d.align),
            FieldTypeBuf::Striped { stride, .. } => *stride,
            FieldTypeBuf::Event => 4,
        }
    }

    /// The oldest segment format version that can hold this type: 1 for values and
    /// nested layouts of them, 2 for the field types added in version 2.
    pub fn format_version(&self) -> u32 {
        match self {
            FieldTypeBuf::Value { .. } => 1,
            FieldTypeBuf::Layout(d) => d.format_version(),
            FieldTypeBuf::Seq(_) | FieldTypeBuf::Striped { .. } | FieldTypeBuf::Event => 2,
        }
    }
}

impl FieldDescBuf {
    /// The width of one element (for any type but a value, its size).
    pub fn width(&self) -> usize {
        self.ty.size()
    }

    /// The bytes the field occupies.
    pub fn size(&self) -> usize {
        self.width() * self.array_len.unwrap_or(1)
    }

    /// The kind of a value field (`None` for any other type).
    pub fn kind(&self) -> Option<Kind> {
        match &self.ty {
            FieldTypeBuf::Value { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// A short description of the type, e.g. `u64`, `[u32; 8]`, `NetStats`, `[u8; 16]`,
    /// `Seq<Pose>`, `Striped<u64, 16>`, `Event`.
    pub fn type_name(&self) -> String {
        let elem = match &self.ty {
            FieldTypeBuf::Value { kind, width } => value_type_name(*kind, *width),
            FieldTypeBuf::Layout(d) => d.name.clone(),
            FieldTypeBuf::Seq(d) => format!("Seq<{}>", d.name),
            FieldTypeBuf::Striped {
                kind, width, cells, ..
            } => format!("Striped<{}, {cells}>", value_type_name(*kind, *width)),
            FieldTypeBuf::Event => "Event".to_string(),
        };
        match self.array_len {
            Some(n) => format!("[{elem}; {n}]"),
            None => elem,
        }
    }
}

/// The Rust type of a value: `i32`, `u128`, `bool`, `f64`, `[u8; 16]`.
pub fn value_type_name(kind: Kind, width: usize) -> String {
    TypeName(kind, width).to_string()
}

/// Why a descriptor could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescriptorError {
    /// The byte offset in the encoding where decoding failed.
    pub at: usize,
    /// What is wrong.
    pub what: String,
}

impl core::fmt::Display for DescriptorError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "malformed layout descriptor at byte {}: {}",
            self.at, self.what
        )
    }
}

impl core::error::Error for DescriptorError {}

impl LayoutDescBuf {
    /// Whether any value (or striped cell) at any depth is 16 bytes wide: such a layout
    /// needs lock-free 16-byte atomics (segments, snapshots, C's `__int128`).
    pub(crate) fn has_16_byte_values(&self) -> bool {
        self.fields.iter().any(|f| match &f.ty {
            FieldTypeBuf::Value { width, .. } | FieldTypeBuf::Striped { width, .. } => *width == 16,
            FieldTypeBuf::Layout(d) | FieldTypeBuf::Seq(d) => d.has_16_byte_values(),
            FieldTypeBuf::Event => false,
        })
    }

    /// The owned copy of a static descriptor.
    pub fn from_desc(d: &LayoutDesc) -> LayoutDescBuf {
        LayoutDescBuf {
            name: d.name.to_string(),
            size: d.size,
            align: d.align,
            fields: d
                .fields
                .iter()
                .map(|f| FieldDescBuf {
                    name: f.name.to_string(),
                    offset: f.offset,
                    ty: match f.ty {
                        FieldType::Value { kind, width } => FieldTypeBuf::Value { kind, width },
                        FieldType::Layout(n) => {
                            FieldTypeBuf::Layout(Box::new(LayoutDescBuf::from_desc(n)))
                        }
                        FieldType::Seq(n) => {
                            FieldTypeBuf::Seq(Box::new(LayoutDescBuf::from_desc(n)))
                        }
                        FieldType::Striped {
                            kind,
                            width,
                            cells,
                            stride,
                        } => FieldTypeBuf::Striped {
                            kind,
                            width,
                            cells,
                            stride,
                        },
                        FieldType::Event => FieldTypeBuf::Event,
                    },
                    array_len: f.array_len,
                    align: f.align,
                })
                .collect(),
        }
    }

    /// The fingerprint, computed exactly as `Layout::FINGERPRINT` is.
    pub fn fingerprint(&self) -> u64 {
        let mut h = fp::begin(self.size, self.align, self.fields.len());
        for f in &self.fields {
            let ty = match &f.ty {
                FieldTypeBuf::Value { kind, width } => fp::Ty::Value(*kind, *width),
                FieldTypeBuf::Layout(d) => fp::Ty::Layout(d.fingerprint()),
                FieldTypeBuf::Seq(d) => fp::Ty::Seq(d.fingerprint()),
                FieldTypeBuf::Striped {
                    kind,
                    width,
                    cells,
                    stride,
                } => fp::Ty::Striped(*kind, *width, *cells, *stride),
                FieldTypeBuf::Event => fp::Ty::Event,
            };
            h = fp::field(h, &f.name, f.offset, ty, f.array_len, f.align);
        }
        h
    }

    /// The oldest segment format version that can hold this layout: 1 unless a field at
    /// any depth has a type added in version 2 (`Seq`, `Striped`, `Event`). A segment is
    /// written with this version, so readers of version 1 still open the segments they
    /// can read and refuse the others by their version.
    pub fn format_version(&self) -> u32 {
        self.fields
            .iter()
            .map(|f| f.ty.format_version())
            .max()
            .unwrap_or(1)
    }

    /// The canonical encoding (little-endian): name, size, align, field count, then per
    /// field: name, offset, type tag and its data (0 value: kind, width; 1 layout: nested
    /// encoding; 2 seqlock record: nested encoding; 3 striped counter: kind, width, cells
    /// as `u32`, stride as `u32`; 4 event: nothing), array length (`u64::MAX` for none)
    /// and alignment. Names are a `u16` length and UTF-8 bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    fn encode_into(&self, out: &mut Vec<u8>) {
        put_str(out, &self.name);
        out.extend_from_slice(&(self.size as u64).to_le_bytes());
        out.extend_from_slice(&(self.align as u64).to_le_bytes());
        out.extend_from_slice(&(self.fields.len() as u32).to_le_bytes());
        for f in &self.fields {
            put_str(out, &f.name);
            out.extend_from_slice(&(f.offset as u64).to_le_bytes());
            match &f.ty {
                FieldTypeBuf::Value { kind, width } => {
                    out.push(0);
                    out.push(*kind as u8);
                    out.push(*width as u8);
                }
                FieldTypeBuf::Layout(d) => {
                    out.push(1);
                    d.encode_into(out);
                }
                FieldTypeBuf::Seq(d) => {
                    out.push(2);
                    d.encode_into(out);
                }
                FieldTypeBuf::Striped {
                    kind,
                    width,
                    cells,
                    stride,
                } => {
                    out.push(3);
                    out.push(*kind as u8);
                    out.push(*width as u8);
                    out.extend_from_slice(&(*cells as u32).to_le_bytes());
                    out.extend_from_slice(&(*stride as u32).to_le_bytes());
                }
                FieldTypeBuf::Event => out.push(4),
            }
            let len = f.array_len.map_or(u64::MAX, |n| n as u64);
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&(f.align as u64).to_le_bytes());
        }
    }

    /// Decodes and validates an encoding: every size, offset, width, kind and alignment
    /// must be consistent (fields inside the layout, aligned, not overlapping), every
    /// alignment a power of two no larger than [`MAX_ALIGN`] (4096, the page size), names
    /// ASCII C/C++ identifiers of at most 255 bytes that C and C++ do not reserve (no
    /// leading digit, no `_` + uppercase start, no `__`; keywords are allowed and escaped
    /// by the C header), at most 4096 fields per layout, nesting at most 16 deep,
    /// and no bytes left over.
    /// Never panics, whatever the input.
    pub fn decode(bytes: &[u8]) -> Result<LayoutDescBuf, DescriptorError> {
        let mut r = Reader { bytes, at: 0 };
        let d = r.layout(0)?;
        if r.at != bytes.len() {
            return Err(r.err(format!(
                "{} bytes left after the descriptor",
                bytes.len() - r.at
            )));
        }
        Ok(d)
    }

    /// Field-level differences from `other`, one line each (`field b: u64 at 8 -> i64 at 8`),
    /// for error messages when a segment's layout is not the expected one.
    pub fn diff(&self, other: &LayoutDescBuf) -> Vec<String> {
        let mut out = Vec::new();
        self.diff_into(other, "", &mut out);
        out
    }

    fn diff_into(&self, other: &LayoutDescBuf, prefix: &str, out: &mut Vec<String>) {
        if self.size != other.size {
            out.push(format!(
                "{}size {} -> {}",
                prefix_label(prefix),
                self.size,
                other.size
            ));
        }
        if self.align != other.align {
            out.push(format!(
                "{}alignment {} -> {}",
                prefix_label(prefix),
                self.align,
                other.align
            ));
        }
        for f in &self.fields {
            match other.fields.iter().find(|g| g.name == f.name) {
                None => out.push(format!(
                    "field {prefix}{} ({} at {}) is missing",
                    f.name,
                    f.type_name(),
                    f.offset
                )),
                Some(g) => {
                    if let (FieldTypeBuf::Layout(a), FieldTypeBuf::Layout(b)) = (&f.ty, &g.ty) {
                        if f.offset != g.offset || f.array_len != g.array_len {
                            out.push(format!(
                                "field {prefix}{}: {} at {} -> {} at {}",
                                f.name,
                                f.type_name(),
                                f.offset,
                                g.type_name(),
                                g.offset
                            ));
                        }
                        a.diff_into(b, &format!("{prefix}{}.", f.name), out);
                    } else if f.ty != g.ty
                        || f.offset != g.offset
                        || f.array_len != g.array_len
                        || f.align != g.align
                    {
                        out.push(format!(
                            "field {prefix}{}: {} at {} (align {}) -> {} at {} (align {})",
                            f.name,
                            f.type_name(),
                            f.offset,
                            f.align,
                            g.type_name(),
                            g.offset,
                            g.align
                        ));
                    }
                }
            }
        }
        for g in &other.fields {
            if !self.fields.iter().any(|f| f.name == g.name) {
                out.push(format!(
                    "field {prefix}{} ({} at {}) is new",
                    g.name,
                    g.type_name(),
                    g.offset
                ));
            }
        }
        let order = |d: &LayoutDescBuf| d.fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
        let (a, b) = (order(self), order(other));
        let mut sa = a.clone();
        let mut sb = b.clone();
        sa.sort();
        sb.sort();
        if sa == sb && a != b {
            out.push(format!(
                "{}field order {} -> {}",
                prefix_label(prefix),
                a.join(", "),
                b.join(", ")
            ));
        }
    }
}

fn prefix_label(prefix: &str) -> String {
    if prefix.is_empty() {
        "layout ".to_string()
    } else {
        format!("{} ", prefix.trim_end_matches('.'))
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let n = bytes.len().min(u16::MAX as usize);
    out.extend_from_slice(&(n as u16).to_le_bytes());
    out.extend_from_slice(&bytes[..n]);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn err(&self, what: impl Into<String>) -> DescriptorError {
        DescriptorError {
            at: self.at,
            what: what.into(),
        }
    }

    fn take(&mut self, n: usize) -> Result<&[u8], DescriptorError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        match end {
            Some(end) => {
                let s = &self.bytes[self.at..end];
                self.at = end;
                Ok(s)
            }
            None => Err(self.err(format!(
                "needs {n} more bytes, only {} left",
                self.bytes.len() - self.at
            ))),
        }
    }

    fn u8(&mut self) -> Result<u8, DescriptorError> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, DescriptorError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, DescriptorError> {
        let mut a = [0u8; 4];
        a.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(a))
    }

    fn u64(&mut self) -> Result<u64, DescriptorError> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }

    fn usize(&mut self, what: &str) -> Result<usize, DescriptorError> {
        let v = self.u64()?;
        usize::try_from(v).map_err(|_| self.err(format!("{what} {v} does not fit this machine")))
    }

    fn name(&mut self) -> Result<String, DescriptorError> {
        let n = self.u16()? as usize;
        if n == 0 || n > MAX_NAME {
            return Err(self.err(format!("a name of {n} bytes (1..={MAX_NAME} allowed)")));
        }
        let at = self.at;
        let b = self.take(n)?;
        let bad = |what: String| DescriptorError { at, what };
        let s = core::str::from_utf8(b).map_err(|_| bad("a name that is not UTF-8".to_string()))?;
        if let Some(why) = crate::layout::ident::check(s) {
            return Err(bad(format!(
                "name {s:?} {why}: names must be C and C++ identifiers"
            )));
        }
        Ok(s.to_string())
    }

    fn layout(&mut self, depth: usize) -> Result<LayoutDescBuf, DescriptorError> {
        if depth > MAX_DEPTH {
            return Err(self.err(format!("layouts nested more than {MAX_DEPTH} deep")));
        }
        let name = self.name()?;
        let size = self.usize("size")?;
        let align = self.usize("alignment")?;
        if !align.is_power_of_two() {
            return Err(self.err(format!("alignment {align} of {name} is not a power of two")));
        }
        if align > MAX_ALIGN {
            return Err(self.err(format!(
                "alignment {align} of {name} is above {MAX_ALIGN}, the page size: a segment's \
                 payload is mapped at a page boundary and cannot be aligned more"
            )));
        }
        if size == 0 || size % align != 0 {
            return Err(self.err(format!(
                "size {size} of {name} is not a positive multiple of its alignment {align}"
            )));
        }
        let n = self.u32()? as usize;
        if n == 0 || n > MAX_FIELDS {
            return Err(self.err(format!("{n} fields in {name} (1..={MAX_FIELDS} allowed)")));
        }
        let mut fields: Vec<FieldDescBuf> = Vec::with_capacity(n.min(64));
        let mut end = 0usize;
        for _ in 0..n {
            let fname = self.name()?;
            let offset = self.usize("offset")?;
            let ty = match self.u8()? {
                0 => {
                    let kind =
                        Kind::from_u8(self.u8()?).ok_or_else(|| self.err("an unknown kind"))?;
                    let width = self.u8()? as usize;
                    if kind.width_of(width).is_err() {
                        return Err(self.err(format!(
                            "field {fname}: width {width} is not valid for kind {kind}"
                        )));
                    }
                    FieldTypeBuf::Value { kind, width }
                }
                1 => FieldTypeBuf::Layout(Box::new(self.layout(depth + 1)?)),
                2 => FieldTypeBuf::Seq(Box::new(self.layout(depth + 1)?)),
                3 => {
                    let kind =
                        Kind::from_u8(self.u8()?).ok_or_else(|| self.err("an unknown kind"))?;
                    let width = self.u8()? as usize;
                    let cells = self.u32()? as usize;
                    let stride = self.u32()? as usize;
                    if !matches!(kind, Kind::Int | Kind::Uint) || kind.width_of(width).is_err() {
                        return Err(self.err(format!(
                            "field {fname}: a striped counter of {kind} width {width} \
                             (integers only)"
                        )));
                    }
                    if cells == 0 || cells > MAX_CELLS {
                        return Err(self.err(format!(
                            "field {fname}: {cells} cells (1..={MAX_CELLS} allowed)"
                        )));
                    }
                    if !stride.is_power_of_two() || stride < width || stride > MAX_ALIGN {
                        return Err(self.err(format!(
                            "field {fname}: cell stride {stride} (a power of two from the \
                             width {width} to {MAX_ALIGN})"
                        )));
                    }
                    FieldTypeBuf::Striped {
                        kind,
                        width,
                        cells,
                        stride,
                    }
                }
                4 => FieldTypeBuf::Event,
                t => return Err(self.err(format!("field {fname}: unknown type tag {t}"))),
            };
            let len = self.u64()?;
            let array_len = if len == u64::MAX {
                None
            } else {
                match usize::try_from(len) {
                    Ok(0) | Err(_) => {
                        return Err(self.err(format!("field {fname}: array length {len}")));
                    }
                    Ok(l) => Some(l),
                }
            };
            let falign = self.usize("alignment")?;
            let natural = ty.align();
            if !falign.is_power_of_two()
                || falign < natural
                || falign > align
                || offset % falign != 0
            {
                return Err(self.err(format!(
                    "field {fname}: alignment {falign} (offset {offset}) is inconsistent"
                )));
            }
            if fields.iter().any(|f| f.name == fname) {
                return Err(self.err(format!("field {fname} appears twice")));
            }
            let f = FieldDescBuf {
                name: fname,
                offset,
                ty,
                array_len,
                align: falign,
            };
            let fsize = f.width().checked_mul(f.array_len.unwrap_or(1));
            let fend = fsize.and_then(|s| offset.checked_add(s));
            match fend {
                Some(e) if offset >= end && e <= size => end = e,
                _ => {
                    return Err(self.err(format!(
                        "field {} at {offset} overlaps the previous field or runs past the size {size}",
                        f.name
                    )));
                }
            }
            fields.push(f);
        }
        Ok(LayoutDescBuf {
            name,
            size,
            align,
            fields,
        })
    }
}
