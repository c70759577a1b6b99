//! Building a descriptor at run time from field declarations, by the rules of
//! `#[atomic_layout]`: for bindings (the Python package) and tools that declare layouts
//! without Rust types, and whose segments Rust programs then open with their typed layout.
//!
//! The rules (macros/src/expand.rs computes the same with consts): each field's
//! alignment is `max(natural, align attribute)`, where the attribute may not be below
//! the natural alignment; the first field is at 0 and every other at the previous field's
//! end rounded up to its alignment; an array's size is its element's size times its
//! length; the layout's alignment is `max(layout attribute, every field's alignment)`
//! and its size the last field's end rounded up to it. The result must then be a
//! descriptor that [`LayoutDescBuf::decode`] accepts (names, counts, depth, alignments).

use std::boxed::Box;
use std::format;
use std::string::{String, ToString};
use std::vec::Vec;

use crate::cell::value::Kind;
use crate::cell::width::Width;
use crate::layout::MAX_ALIGN;
use crate::layout::descriptor::{FieldDescBuf, FieldTypeBuf, LayoutDescBuf};

/// One field to place with [`LayoutDescBuf::build`]: a name, a type, an optional array
/// length and an optional alignment attribute (`#[atomic(align = N)]`).
///
/// ```
/// # use shm_atomics_runtime as shm_atomics;
/// use shm_atomics::{FieldSpec, Kind};
///
/// let f = FieldSpec::value("hist", Kind::Uint, 4).array(8).aligned(64);
/// assert_eq!((f.array_len, f.align), (Some(8), Some(64)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// The field's name.
    pub name: String,
    /// Its type (offsets inside a nested layout are that layout's own).
    pub ty: FieldTypeBuf,
    /// `Some(n)` for an array of `n` elements.
    pub array_len: Option<usize>,
    /// The alignment attribute, if any (at least the type's natural alignment).
    pub align: Option<usize>,
}

impl FieldSpec {
    /// A value field of `kind` and `width` bytes (`Kind::Uint, 8` is a `u64`,
    /// `Kind::Bytes, 16` a `[u8; 16]`).
    pub fn value(name: &str, kind: Kind, width: usize) -> FieldSpec {
        FieldSpec::of(name, FieldTypeBuf::Value { kind, width })
    }

    /// A nested layout field.
    pub fn layout(name: &str, desc: LayoutDescBuf) -> FieldSpec {
        FieldSpec::of(name, FieldTypeBuf::Layout(Box::new(desc)))
    }

    /// A field of any type.
    pub fn of(name: &str, ty: FieldTypeBuf) -> FieldSpec {
        FieldSpec {
            name: name.to_string(),
            ty,
            array_len: None,
            align: None,
        }
    }

    /// This field as an array of `len` elements.
    pub fn array(mut self, len: usize) -> FieldSpec {
        self.array_len = Some(len);
        self
    }

    /// This field with an alignment attribute.
    pub fn aligned(mut self, align: usize) -> FieldSpec {
        self.align = Some(align);
        self
    }
}

/// Why [`LayoutDescBuf::build`] refused a declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutBuildError {
    /// The layout's name.
    pub layout: String,
    /// What is wrong and what to do.
    pub what: String,
}

impl core::fmt::Display for LayoutBuildError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "cannot build layout `{}`: {}", self.layout, self.what)
    }
}

impl core::error::Error for LayoutBuildError {}

fn check_align(a: usize, what: &str) -> Result<(), String> {
    if !a.is_power_of_two() || a > MAX_ALIGN {
        return Err(format!(
            "{what} align = {a} is not a power of two from 1 to {MAX_ALIGN} (MAX_ALIGN)"
        ));
    }
    Ok(())
}

fn check_type(ty: &FieldTypeBuf, name: &str) -> Result<(), String> {
    match ty {
        FieldTypeBuf::Value { kind, width } => {
            let ok = Width::from_bytes(*width).is_some_and(|w| kind.allows(w));
            if !ok {
                return Err(format!(
                    "field `{name}`: a {kind:?} value cannot be {width} bytes wide (ints 1, 2, \
                     4, 8, 16; floats 4, 8; bool 1; bytes 1, 2, 4, 8, 16)"
                ));
            }
            Ok(())
        }
        FieldTypeBuf::Layout(d) | FieldTypeBuf::Seq(d) => {
            if d.fields.is_empty() || !d.align.is_power_of_two() || d.size % d.align != 0 {
                return Err(format!(
                    "field `{name}`: nested layout `{}` is not a built layout (size {}, align \
                     {}, {} fields); build it with LayoutDescBuf::build",
                    d.name,
                    d.size,
                    d.align,
                    d.fields.len()
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

impl LayoutDescBuf {
    /// The descriptor `#[atomic_layout]` gives a struct `name` with these fields (in
    /// order) and layout alignment attribute `align` (`#[atomic_layout(align = N)]`):
    /// the same offsets, padding, size, alignment and so the same fingerprint. Refused
    /// with a [`LayoutBuildError`] where the macro refuses to compile: no fields, an
    /// alignment that is not a power of two up to [`MAX_ALIGN`] or is below a field's
    /// natural alignment, a width its kind does not have, a name the descriptor format
    /// refuses, or a size that overflows.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{FieldSpec, Kind, Layout, LayoutDescBuf};
    ///
    /// #[atomic_layout]
    /// struct Net { rx: u64, tx: u32 }
    ///
    /// #[atomic_layout(align = 128)]
    /// struct Stats {
    ///     flag: bool,
    ///     net: Net,
    ///     hist: [u16; 5],
    ///     #[atomic(align = 64)]
    ///     wide: [u8; 16],
    /// }
    ///
    /// let net = LayoutDescBuf::build(
    ///     "Net",
    ///     vec![FieldSpec::value("rx", Kind::Uint, 8), FieldSpec::value("tx", Kind::Uint, 4)],
    ///     None,
    /// )?;
    /// let stats = LayoutDescBuf::build(
    ///     "Stats",
    ///     vec![
    ///         FieldSpec::value("flag", Kind::Bool, 1),
    ///         FieldSpec::layout("net", net),
    ///         FieldSpec::value("hist", Kind::Uint, 2).array(5),
    ///         FieldSpec::value("wide", Kind::Bytes, 16).aligned(64),
    ///     ],
    ///     Some(128),
    /// )?;
    /// assert_eq!(stats, LayoutDescBuf::from_desc(&Stats::DESC));
    /// assert_eq!(stats.fingerprint(), Stats::FINGERPRINT);
    /// # Ok::<(), shm_atomics::LayoutBuildError>(())
    /// ```
    pub fn build(
        name: &str,
        fields: Vec<FieldSpec>,
        align: Option<usize>,
    ) -> Result<LayoutDescBuf, LayoutBuildError> {
        Self::build_inner(name, fields, align).map_err(|what| LayoutBuildError {
            layout: name.to_string(),
            what,
        })
    }

    fn build_inner(
        name: &str,
        specs: Vec<FieldSpec>,
        align: Option<usize>,
    ) -> Result<LayoutDescBuf, String> {
        if specs.is_empty() {
            return Err("a layout needs at least one field (C has no empty structs)".into());
        }
        let mut layout_align = 1;
        if let Some(a) = align {
            check_align(a, "the layout's")?;
            layout_align = a;
        }
        let overflow = || "its size overflows".to_string();
        let mut end = 0usize;
        let mut fields = Vec::with_capacity(specs.len());
        for (i, s) in specs.into_iter().enumerate() {
            check_type(&s.ty, &s.name)?;
            let natural = s.ty.align();
            let field_align = match s.align {
                Some(a) => {
                    check_align(a, &format!("field `{}`:", s.name))?;
                    if a < natural {
                        return Err(format!(
                            "field `{}`: align = {a} is below the natural alignment {natural} \
                             of its type: use at least {natural}, or none",
                            s.name
                        ));
                    }
                    a
                }
                None => natural,
            };
            let size =
                s.ty.size()
                    .checked_mul(s.array_len.unwrap_or(1))
                    .ok_or_else(overflow)?;
            let offset = if i == 0 {
                0
            } else {
                end.checked_next_multiple_of(field_align)
                    .ok_or_else(overflow)?
            };
            end = offset.checked_add(size).ok_or_else(overflow)?;
            layout_align = layout_align.max(field_align);
            fields.push(FieldDescBuf {
                name: s.name,
                offset,
                ty: s.ty,
                array_len: s.array_len,
                align: field_align,
            });
        }
        let size = end
            .checked_next_multiple_of(layout_align)
            .filter(|&s| isize::try_from(s).is_ok())
            .ok_or_else(overflow)?;
        let desc = LayoutDescBuf {
            name: name.to_string(),
            size,
            align: layout_align,
            fields,
        };
        // What a segment's reader accepts: names, counts, depth, consistency.
        match LayoutDescBuf::decode(&desc.encode()) {
            Ok(back) if back == desc => Ok(desc),
            Ok(_) => Err("its descriptor does not read back as written".into()),
            Err(e) => Err(format!("a segment could not hold it ({})", e.what)),
        }
    }
}
