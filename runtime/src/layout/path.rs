//! Field paths: the one grammar (docs/FORMAT.md, "Field paths") and the one resolver,
//! [`LayoutDescBuf::locate`], that the dynamic API, `shma` and the Python package call.
//! Nothing else parses a path.
//!
//! ```text
//! path   = step *( "." step )
//! step   = name *2( "[" index "]" )
//! name   = ( ALPHA / "_" ) *( ALPHA / DIGIT / "_" )
//! index  = "0" / ( %x31-39 *DIGIT )        ; decimal, no sign, no leading zero
//! ```
//!
//! The walk follows the descriptor: its cost grows with the path's length and the fields
//! per layout, never with an array's length, and it allocates only for an error or for
//! the name of an enclosing record.

use std::string::{String, ToString};

use crate::cell::value::Kind;
use crate::error::path::{MAX_PATH, PathError, PathErrorKind};
use crate::layout::FieldType;
use crate::layout::descriptor::{FieldDescBuf, FieldTypeBuf, LayoutDescBuf};

/// What a field path names, from [`LayoutDescBuf::locate`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target<'a> {
    /// One value: a value field or array element (`hits`, `hist[3]`) or one cell of a
    /// striped counter (`hits[1]`).
    Value {
        /// Its kind.
        kind: Kind,
        /// Its width in bytes.
        width: usize,
    },
    /// An [`Event`](crate::Event): a 32-bit unsigned word that waiters sleep on.
    Event,
    /// A whole striped counter (`hits`): its value is the sum of its cells.
    Striped {
        /// The kind of each cell.
        kind: Kind,
        /// The width of each cell.
        width: usize,
        /// How many cells.
        cells: usize,
        /// Bytes from one cell to the next.
        stride: usize,
    },
    /// A whole `Seq` record (`pose`); the location's offset is its sequence word's.
    Seq(&'a LayoutDescBuf),
    /// A nested layout (`net`, `slots[3]`).
    Layout(&'a LayoutDescBuf),
    /// A whole array (`hist`): `len` elements of the field's type.
    Array {
        /// The array field (its type is the element's).
        field: &'a FieldDescBuf,
        /// Its length.
        len: usize,
    },
}

impl Target<'_> {
    /// The kind and width of a single value: a value, a striped cell or an Event's word
    /// (`Uint`, 4); `None` for a field that holds several.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Event, Kind, Layout, LayoutDescBuf};
    ///
    /// #[atomic_layout]
    /// struct Board { hits: u32, ready: Event }
    ///
    /// let d = LayoutDescBuf::from_desc(&Board::DESC);
    /// assert_eq!(d.locate("ready")?.target.value(), Some((Kind::Uint, 4)));
    /// # Ok::<(), shm_atomics::PathError>(())
    /// ```
    pub fn value(&self) -> Option<(Kind, usize)> {
        match *self {
            Target::Value { kind, width } => Some((kind, width)),
            Target::Event => Some((Kind::Uint, 4)),
            _ => None,
        }
    }

    /// What the target is, in words (`a value`, `the Seq record Pose`, `an array of 4`),
    /// for messages.
    pub fn describe(&self) -> String {
        use std::format;
        match self {
            Target::Value { .. } => "a value".to_string(),
            Target::Event => "an Event".to_string(),
            Target::Striped { cells, .. } => format!("a striped counter of {cells} cells"),
            Target::Seq(d) => format!("a Seq<{}> record", d.name),
            Target::Layout(d) => format!("a nested {}", d.name),
            Target::Array { field, len } => format!("an array of {len} ({})", field.type_name()),
        }
    }
}

/// The `Seq` record a path lies inside, from [`Location::record`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordAt<'a> {
    /// The record's path (`pose`, `robots[2].pose`): the start of the located path.
    pub path: String,
    /// The offset of its sequence word in the layout.
    pub offset: usize,
    /// The record's layout.
    pub desc: &'a LayoutDescBuf,
}

/// Where a field path leads, from [`LayoutDescBuf::locate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location<'a> {
    /// The absolute offset of what the path names (a record's: its sequence word).
    pub offset: usize,
    /// What the path names.
    pub target: Target<'a>,
    /// The outermost `Seq` record the path enters, if any. A value inside a record must
    /// not be stored on its own (a reader could copy a record mixing old and new values):
    /// it is read and written with the whole record.
    pub record: Option<RecordAt<'a>>,
}

impl<'a> Location<'a> {
    /// The offset, kind and width of a single value (see [`Target::value`]), or
    /// [`PathErrorKind::NotAValue`] naming what `path` names instead.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Kind, Layout, LayoutDescBuf};
    ///
    /// #[atomic_layout]
    /// struct Board { hist: [u16; 4] }
    ///
    /// let d = LayoutDescBuf::from_desc(&Board::DESC);
    /// assert_eq!(d.locate("hist[1]")?.into_value("hist[1]")?, (2, Kind::Uint, 2));
    /// assert!(d.locate("hist")?.into_value("hist").is_err()); // an array
    /// # Ok::<(), shm_atomics::PathError>(())
    /// ```
    pub fn into_value(self, path: &str) -> Result<(usize, Kind, usize), PathError> {
        match self.target.value() {
            Some((kind, width)) => Ok((self.offset, kind, width)),
            None => Err(PathError {
                path: cut(path),
                at: path.len(),
                kind: PathErrorKind::NotAValue {
                    what: self.target.describe(),
                },
            }),
        }
    }
}

/// `path` cut to [`MAX_PATH`] bytes at a character boundary, for an error.
fn cut(path: &str) -> String {
    let mut end = path.len().min(MAX_PATH);
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    path[..end].to_string()
}

/// Where the resolver is: the layout whose field comes next, and its offset.
struct Walk<'p> {
    path: &'p str,
    pos: usize,
}

impl<'p> Walk<'p> {
    fn err(&self, at: usize, kind: PathErrorKind) -> PathError {
        PathError {
            path: cut(self.path),
            at,
            kind,
        }
    }

    /// A name at the current position.
    fn name(&mut self) -> Result<&'p str, PathError> {
        let b = self.path.as_bytes();
        let start = self.pos;
        let mut end = start;
        while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
            end += 1;
        }
        if end == start || b[start].is_ascii_digit() {
            return Err(self.err(start, PathErrorKind::BadName));
        }
        self.pos = end;
        Ok(&self.path[start..end])
    }

    /// An index `[i]` at the current position (the `[` already seen), below `len`.
    fn index(&mut self, len: usize, field: &str, unit: &'static str) -> Result<usize, PathError> {
        let open = self.pos;
        let rest = &self.path[open + 1..];
        let Some(close) = rest.find(']') else {
            return Err(self.err(
                open,
                PathErrorKind::BadIndex {
                    text: rest.chars().take(32).collect(),
                },
            ));
        };
        let text = &rest[..close];
        let canonical = !text.is_empty()
            && text.bytes().all(|b| b.is_ascii_digit())
            && (text == "0" || !text.starts_with('0'));
        if !canonical {
            return Err(self.err(
                open,
                PathErrorKind::BadIndex {
                    text: text.chars().take(32).collect(),
                },
            ));
        }
        let out_of_range = || {
            self.err(
                open,
                PathErrorKind::OutOfRange {
                    index: text.chars().take(32).collect(),
                    len,
                    field: field.to_string(),
                    unit,
                },
            )
        };
        // Digits too many for a usize are out of range too.
        let i: usize = text.parse().map_err(|_| out_of_range())?;
        if i >= len {
            return Err(out_of_range());
        }
        self.pos = open + 1 + close + 1;
        Ok(i)
    }

    fn peek(&self) -> Option<u8> {
        self.path.as_bytes().get(self.pos).copied()
    }
}

impl LayoutDescBuf {
    /// Resolves a field path (docs/FORMAT.md, "Field paths"): `hits`, `net.rx`,
    /// `hist[3]`, `slots[1].count`, `hits[2]` (a striped cell), `pose` (a whole record),
    /// `pose.x` (a value inside it). It may end at any field: the [`Target`] says what it
    /// names, and [`Location::record`] the `Seq` record it enters, if any. The one
    /// resolver of the crate: the dynamic handles, `shma` and the Python package all call
    /// it, so they accept the same paths and refuse the others with the same
    /// [`PathError`]. Cost: the path's length times the fields per layout, never an
    /// array's length.
    ///
    /// ```rust,standalone_crate
    /// # extern crate shm_atomics_runtime as shm_atomics;
    /// # use shm_atomics_macros::atomic_layout;
    /// use shm_atomics::{Kind, Layout, LayoutDescBuf, Seq, Striped, Target};
    ///
    /// #[atomic_layout]
    /// struct Pose { x: u64, y: u64 }
    /// #[atomic_layout]
    /// struct Robot { id: u32, hist: [u16; 2], pose: Seq<Pose>, hits: Striped<u64, 2> }
    ///
    /// let d = LayoutDescBuf::from_desc(&Robot::DESC);
    /// let at = d.locate("hist[1]")?;
    /// assert_eq!((at.offset, at.target), (6, Target::Value { kind: Kind::Uint, width: 2 }));
    ///
    /// let x = d.locate("pose.x")?;
    /// let record = x.record.expect("inside a record");
    /// assert_eq!((record.path.as_str(), record.offset), ("pose", 8));
    /// assert_eq!(x.offset, 16); // after the 8-byte sequence word
    ///
    /// assert!(matches!(d.locate("pose")?.target, Target::Seq(_)));
    /// assert!(matches!(d.locate("hits")?.target, Target::Striped { cells: 2, .. }));
    /// assert!(d.locate("hist[01]").is_err() && d.locate("hist[+1]").is_err());
    /// # Ok::<(), shm_atomics::PathError>(())
    /// ```
    pub fn locate<'a>(&'a self, path: &str) -> Result<Location<'a>, PathError> {
        let mut w = Walk { path, pos: 0 };
        if path.is_empty() {
            return Err(w.err(0, PathErrorKind::Empty));
        }
        if path.len() > MAX_PATH {
            return Err(w.err(0, PathErrorKind::TooLong { len: path.len() }));
        }
        let mut desc = self;
        let mut base = 0usize;
        let mut record: Option<RecordAt<'a>> = None;
        loop {
            let name_at = w.pos;
            let name = w.name()?;
            let Some(f) = desc.fields.iter().find(|f| f.name == name) else {
                return Err(w.err(
                    name_at,
                    PathErrorKind::UnknownField {
                        name: name.to_string(),
                        layout: desc.name.clone(),
                        fields: desc.fields.iter().map(|f| f.name.clone()).collect(),
                    },
                ));
            };
            // Offsets of a decoded descriptor cannot overflow; a hand-built one's can.
            let overflow = |w: &Walk<'_>| w.err(name_at, PathErrorKind::Unexpected);
            let mut offset = base.checked_add(f.offset).ok_or_else(|| overflow(&w))?;
            let mut target = element_target(f);
            if let Some(len) = f.array_len {
                if w.peek() == Some(b'[') {
                    let i = w.index(len, &path[..w.pos], "elements")?;
                    let step = i.checked_mul(f.width()).ok_or_else(|| overflow(&w))?;
                    offset = offset.checked_add(step).ok_or_else(|| overflow(&w))?;
                } else {
                    target = Target::Array { field: f, len };
                }
            }
            if let Target::Striped { cells, stride, .. } = target {
                if w.peek() == Some(b'[') {
                    let c = w.index(cells, &path[..w.pos], "cells")?;
                    let step = c.checked_mul(stride).ok_or_else(|| overflow(&w))?;
                    offset = offset.checked_add(step).ok_or_else(|| overflow(&w))?;
                    let Target::Striped { kind, width, .. } = target else {
                        unreachable!("matched above")
                    };
                    target = Target::Value { kind, width };
                }
            }
            match w.peek() {
                None => {
                    return Ok(Location {
                        offset,
                        target,
                        record,
                    });
                }
                Some(b'.') => {
                    let inner = match target {
                        Target::Layout(d) => {
                            base = offset;
                            d
                        }
                        Target::Seq(d) => {
                            if record.is_none() {
                                record = Some(RecordAt {
                                    path: path[..w.pos].to_string(),
                                    offset,
                                    desc: d,
                                });
                            }
                            base = offset
                                .checked_add(FieldType::seq_record_offset(d.align))
                                .ok_or_else(|| overflow(&w))?;
                            d
                        }
                        other => {
                            return Err(w.err(
                                w.pos,
                                PathErrorKind::NoFields {
                                    field: path[..w.pos].to_string(),
                                    what: other.describe(),
                                },
                            ));
                        }
                    };
                    desc = inner;
                    w.pos += 1;
                }
                Some(b'[') => {
                    return Err(w.err(
                        w.pos,
                        PathErrorKind::NotIndexable {
                            field: path[..w.pos].to_string(),
                            what: target.describe(),
                        },
                    ));
                }
                Some(_) => return Err(w.err(w.pos, PathErrorKind::Unexpected)),
            }
        }
    }
}

/// What one element of `f` is.
fn element_target(f: &FieldDescBuf) -> Target<'_> {
    match &f.ty {
        FieldTypeBuf::Value { kind, width } => Target::Value {
            kind: *kind,
            width: *width,
        },
        FieldTypeBuf::Event => Target::Event,
        FieldTypeBuf::Striped {
            kind,
            width,
            cells,
            stride,
        } => Target::Striped {
            kind: *kind,
            width: *width,
            cells: *cells,
            stride: *stride,
        },
        FieldTypeBuf::Layout(d) => Target::Layout(d),
        FieldTypeBuf::Seq(d) => Target::Seq(d),
    }
}
