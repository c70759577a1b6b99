//! Walking an owned descriptor without materialising it: [`LayoutDescBuf::leaf`] finds
//! one value by its path in time proportional to the nesting depth and the number of
//! fields (never to an array's length), and [`Leaves`] yields every value lazily, in
//! memory order, building each path in one reused buffer. A descriptor of a few bytes
//! may declare `[bool; 1 << 30]`, so nothing here allocates per array element.

use core::fmt::Write as _;
use std::string::{String, ToString};
use std::vec::Vec;

use crate::cell::value::Kind;
use crate::layout::FieldType;
use crate::layout::descriptor::{FieldDescBuf, FieldTypeBuf, LayoutDescBuf};

/// A leaf of a descriptor: one atomic value with its full path and absolute offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leaf {
    /// `net.rx`, `latency_us[3]`, `slots[1].count`.
    pub path: String,
    /// Absolute offset in the layout.
    pub offset: usize,
    /// Kind of the value.
    pub kind: Kind,
    /// Width of the value.
    pub width: usize,
}

impl LayoutDescBuf {
    /// The value at a field path (`hits`, `net.rx`, `latency_us[3]`, `slots[1].count`,
    /// a striped cell `hits[1]`, an Event's word): [`locate`](Self::locate) when the path
    /// names a single value, `None` for anything else (a bad path, a path ending at a
    /// nested layout, a record or a whole array). [`locate`](Self::locate) says why.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Kind, Layout, LayoutDescBuf};
    ///
    /// #[atomic_layout]
    /// struct Net { rx: u64, tx: u64 }
    /// #[atomic_layout]
    /// struct Board { hits: u32, slots: [Net; 1000] }
    ///
    /// let d = LayoutDescBuf::from_desc(&Board::DESC);
    /// let leaf = d.leaf("slots[999].tx").expect("a value");
    /// assert_eq!((leaf.offset, leaf.kind, leaf.width), (8 + 999 * 16 + 8, Kind::Uint, 8));
    /// assert!(d.leaf("slots[1000].tx").is_none()); // out of range
    /// assert!(d.leaf("slots[01].tx").is_none()); // not how the path is written
    /// assert!(d.leaf("slots[1]").is_none()); // a layout, not a value
    /// ```
    pub fn leaf(&self, path: &str) -> Option<Leaf> {
        let (offset, kind, width) = self.locate(path).ok()?.into_value(path).ok()?;
        Some(Leaf {
            path: path.to_string(),
            offset,
            kind,
            width,
        })
    }

    /// Every atomic value at any depth, with its path (`net.rx`, `hist[3]`) and absolute
    /// offset, in memory order, one at a time: the walk holds one path buffer and one
    /// frame per nesting level, whatever the number of leaves (collect it only for
    /// layouts known to be small).
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Layout, LayoutDescBuf};
    ///
    /// #[atomic_layout]
    /// struct Net { rx: u64, tx: u64 }
    /// #[atomic_layout]
    /// struct Board { hits: u32, hist: [u16; 2], net: Net }
    ///
    /// let d = LayoutDescBuf::from_desc(&Board::DESC);
    /// let paths: Vec<String> = d.leaves().map(|l| l.path).collect();
    /// assert_eq!(paths, ["hits", "hist[0]", "hist[1]", "net.rx", "net.tx"]);
    /// ```
    pub fn leaves(&self) -> Leaves<'_> {
        self.leaves_where(|_| true)
    }

    /// Like [`leaves`](Self::leaves), skipping whole fields: before a field (or, inside
    /// an array of layouts, a field of one element) is entered, `enter` is asked with
    /// the text that every leaf path under it starts with (`hits`, `hist[`, `net.`,
    /// `slots[3].count`); `false` skips the field and everything under it unvisited.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Layout, LayoutDescBuf};
    ///
    /// #[atomic_layout]
    /// struct Board { hits: u32, big: [u32; 1_000_000], misses: u32 }
    ///
    /// let d = LayoutDescBuf::from_desc(&Board::DESC);
    /// let mut asked = Vec::new();
    /// let paths: Vec<String> = d
    ///     .leaves_where(|prefix| {
    ///         asked.push(prefix.to_string());
    ///         !prefix.starts_with("big")
    ///     })
    ///     .map(|l| l.path)
    ///     .collect();
    /// assert_eq!(paths, ["hits", "misses"]);
    /// assert_eq!(asked, ["hits", "big[", "misses"]);
    /// ```
    pub fn leaves_where<F: FnMut(&str) -> bool>(&self, enter: F) -> Leaves<'_, F> {
        let mut stack = Vec::with_capacity(4);
        stack.push(Frame {
            desc: self,
            base: 0,
            field: 0,
            elem: 0,
            path_len: 0,
        });
        Leaves {
            stack,
            path: String::new(),
            enter,
        }
    }
}

/// How many leaves one field yields: its elements, times the cells of a striped counter;
/// 0 for a nested layout or record, whose leaves come from a frame of their own.
fn leaves_per_elem(f: &FieldDescBuf) -> usize {
    match f.ty {
        FieldTypeBuf::Striped { cells, .. } => cells,
        _ => 1,
    }
}

/// Where the walk is in one layout: the current field and array element.
#[derive(Debug)]
struct Frame<'a> {
    desc: &'a LayoutDescBuf,
    /// Absolute offset of this layout.
    base: usize,
    /// Index of the current field.
    field: usize,
    /// Next element of the current field (0 before it is entered).
    elem: usize,
    /// Length of the path up to this layout's fields (`slots[3].`).
    path_len: usize,
}

/// The lazy walk over a descriptor's values, from [`LayoutDescBuf::leaves`] and
/// [`LayoutDescBuf::leaves_where`]: memory order, one [`Leaf`] per step, at most one
/// frame per nesting level (a decoded descriptor nests at most 16 deep).
pub struct Leaves<'a, F = fn(&str) -> bool> {
    stack: Vec<Frame<'a>>,
    path: String,
    enter: F,
}

impl<F> core::fmt::Debug for Leaves<'_, F> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Leaves")
            .field("path", &self.path)
            .field("depth", &self.stack.len())
            .finish_non_exhaustive()
    }
}

impl<F: FnMut(&str) -> bool> Iterator for Leaves<'_, F> {
    type Item = Leaf;

    fn next(&mut self) -> Option<Leaf> {
        loop {
            let top = self.stack.last_mut()?;
            let desc = top.desc;
            let Some(f) = desc.fields.get(top.field) else {
                self.stack.pop();
                continue;
            };
            if f.array_len == Some(0) {
                // Only a hand-built descriptor has an empty array: no leaves.
                top.field += 1;
                continue;
            }
            self.path.truncate(top.path_len);
            self.path.push_str(&f.name);
            if top.elem == 0 {
                // The text every leaf of this field starts with.
                let probe = match (&f.ty, f.array_len) {
                    (_, Some(_)) | (FieldTypeBuf::Striped { .. }, None) => "[",
                    (FieldTypeBuf::Layout(_) | FieldTypeBuf::Seq(_), None) => ".",
                    (FieldTypeBuf::Value { .. } | FieldTypeBuf::Event, None) => "",
                };
                self.path.push_str(probe);
                let enter = (self.enter)(&self.path);
                self.path.truncate(top.path_len + f.name.len());
                if !enter {
                    top.field += 1;
                    continue;
                }
            }
            // Element `i` of the array (0 for a single field), cell `cell` of a striped
            // counter (0 for any other type).
            let per = leaves_per_elem(f);
            let (i, cell) = (top.elem / per, top.elem % per);
            if f.array_len.is_some() {
                // Writing into a String cannot fail.
                let _ = write!(self.path, "[{i}]");
            }
            // A decoded descriptor keeps every field inside the layout, so this cannot
            // overflow; a hand-built one that would is cut short instead.
            let Some(offset) = i
                .checked_mul(f.width())
                .and_then(|o| o.checked_add(f.offset))
                .and_then(|o| o.checked_add(top.base))
            else {
                self.stack.clear();
                return None;
            };
            top.elem += 1;
            if top.elem >= f.array_len.unwrap_or(1).saturating_mul(per) {
                top.field += 1;
                top.elem = 0;
            }
            let (kind, width, offset) = match &f.ty {
                FieldTypeBuf::Value { kind, width } => (*kind, *width, offset),
                FieldTypeBuf::Event => (Kind::Uint, 4, offset),
                FieldTypeBuf::Striped {
                    kind,
                    width,
                    stride,
                    ..
                } => {
                    let _ = write!(self.path, "[{cell}]");
                    (*kind, *width, offset + cell * stride)
                }
                FieldTypeBuf::Layout(d) | FieldTypeBuf::Seq(d) => {
                    let base = match f.ty {
                        FieldTypeBuf::Seq(_) => offset + FieldType::seq_record_offset(d.align),
                        _ => offset,
                    };
                    self.path.push('.');
                    self.stack.push(Frame {
                        desc: d,
                        base,
                        field: 0,
                        elem: 0,
                        path_len: self.path.len(),
                    });
                    continue;
                }
            };
            return Some(Leaf {
                path: self.path.clone(),
                offset,
                kind,
                width,
            });
        }
    }
}

impl<F: FnMut(&str) -> bool> core::iter::FusedIterator for Leaves<'_, F> {}
