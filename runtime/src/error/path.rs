//! [`PathError`]: why a field path names nothing (the grammar and the resolver are
//! `layout/path.rs`; the error lives here, below every layer that returns it).

use core::fmt;
use std::string::String;
use std::vec::Vec;

/// The longest path accepted, in bytes.
pub const MAX_PATH: usize = 4096;

/// Why a field path names nothing, from
/// [`LayoutDescBuf::locate`](crate::LayoutDescBuf::locate).
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// # use shm_atomics_macros::atomic_layout;
/// use shm_atomics::{Layout, LayoutDescBuf, PathErrorKind};
///
/// #[atomic_layout]
/// struct Board { hist: [u32; 4] }
///
/// let d = LayoutDescBuf::from_desc(&Board::DESC);
/// let e = d.locate("hist[4]").unwrap_err();
/// assert!(matches!(e.kind, PathErrorKind::OutOfRange { len: 4, .. }));
/// assert_eq!(e.at, 4); // the `[`
/// assert_eq!(
///     e.to_string(),
///     "field path `hist[4]`, at byte 4: index 4 is out of range: `hist` has 4 elements (0 to 3)"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError {
    /// The path as given (cut to [`MAX_PATH`] bytes).
    pub path: String,
    /// The byte offset in the path where it goes wrong.
    pub at: usize,
    /// What is wrong.
    pub kind: PathErrorKind,
}

/// What is wrong with a field path (see [`PathError`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathErrorKind {
    /// The path is empty.
    Empty,
    /// The path is longer than [`MAX_PATH`] bytes.
    TooLong {
        /// Its length.
        len: usize,
    },
    /// A name is empty (`a..b`, `.a`, `a.`) or has a character the grammar does not allow.
    BadName,
    /// No field of this name in the layout.
    UnknownField {
        /// The name asked for.
        name: String,
        /// The layout searched.
        layout: String,
        /// Its field names, in declaration order.
        fields: Vec<String>,
    },
    /// `[` after a field that is neither an array nor a striped counter.
    NotIndexable {
        /// The field's path so far.
        field: String,
        /// What it is.
        what: String,
    },
    /// An index that is not decimal digits without a sign or a leading zero, or an
    /// unclosed `[`.
    BadIndex {
        /// The text inside the brackets.
        text: String,
    },
    /// An index at or past the length.
    OutOfRange {
        /// The index as written.
        index: String,
        /// The array's length or the counter's cells.
        len: usize,
        /// The field's path so far.
        field: String,
        /// `elements` or `cells`.
        unit: &'static str,
    },
    /// `.` after something that has no fields (a value, an array without an index, a
    /// striped counter, an Event).
    NoFields {
        /// The path so far.
        field: String,
        /// What it is.
        what: String,
    },
    /// Text after a complete step that is neither `.` nor `[` (`a]`, `a[1]x`).
    Unexpected,
    /// The path is fine but names something that is not a single value where one is
    /// needed (from [`Location::into_value`](crate::Location::into_value)).
    NotAValue {
        /// What it names.
        what: String,
    },
    /// The path is fine but names something that is not a `Seq` record where one is
    /// needed (whole-record reads and writes).
    NotARecord {
        /// What it names.
        what: String,
    },
}

impl PathErrorKind {
    /// The class of the error in snake case (`unknown_field`, `out_of_range`, ...): the
    /// names of docs/FORMAT.md §16.4, of `PathError.kind` in Python and of the shared path
    /// table (tests/paths.txt).
    ///
    /// ```
    /// # use shm_atomics_runtime as shm_atomics;
    /// use shm_atomics::PathErrorKind;
    /// assert_eq!(PathErrorKind::BadName.class(), "bad_name");
    /// ```
    pub fn class(&self) -> &'static str {
        match self {
            PathErrorKind::Empty => "empty",
            PathErrorKind::TooLong { .. } => "too_long",
            PathErrorKind::BadName => "bad_name",
            PathErrorKind::UnknownField { .. } => "unknown_field",
            PathErrorKind::NotIndexable { .. } => "not_indexable",
            PathErrorKind::BadIndex { .. } => "bad_index",
            PathErrorKind::OutOfRange { .. } => "out_of_range",
            PathErrorKind::NoFields { .. } => "no_fields",
            PathErrorKind::Unexpected => "unexpected",
            PathErrorKind::NotAValue { .. } => "not_a_value",
            PathErrorKind::NotARecord { .. } => "not_a_record",
        }
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field path `{}`", self.path)?;
        if !matches!(
            self.kind,
            PathErrorKind::Empty
                | PathErrorKind::TooLong { .. }
                | PathErrorKind::NotAValue { .. }
                | PathErrorKind::NotARecord { .. }
        ) {
            write!(f, ", at byte {}", self.at)?;
        }
        f.write_str(": ")?;
        match &self.kind {
            PathErrorKind::Empty => f.write_str("empty: name a field, e.g. `hits` or `net.rx`"),
            PathErrorKind::TooLong { len } => {
                write!(f, "{len} bytes long; a path is at most {MAX_PATH} bytes")
            }
            PathErrorKind::BadName => f.write_str(
                "expected a field name (letters, digits and `_`, not starting with a digit); \
                 paths are names joined by `.`, with `[i]` after an array",
            ),
            PathErrorKind::UnknownField {
                name,
                layout,
                fields,
            } => {
                write!(f, "{layout} has no field `{name}`; its fields are ")?;
                for (i, n) in fields.iter().take(16).enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "`{n}`")?;
                }
                if fields.len() > 16 {
                    write!(f, " and {} more", fields.len() - 16)?;
                }
                Ok(())
            }
            PathErrorKind::NotIndexable { field, what } => write!(
                f,
                "`{field}` is {what}, not an array or a striped counter: it takes no `[i]`"
            ),
            PathErrorKind::BadIndex { text } => write!(
                f,
                "`[{text}` is not an index: write `[i]` with i in decimal digits, without a \
                 sign or a leading zero"
            ),
            PathErrorKind::OutOfRange {
                index,
                len,
                field,
                unit,
            } => match len {
                0 => write!(f, "index {index} is out of range: `{field}` has no {unit}"),
                _ => write!(
                    f,
                    "index {index} is out of range: `{field}` has {len} {unit} (0 to {})",
                    len - 1
                ),
            },
            PathErrorKind::NoFields { field, what } => match what.starts_with("an array") {
                true => write!(
                    f,
                    "`{field}` is {what}: name an element before its fields, e.g. `{field}[0].`"
                ),
                false => write!(f, "`{field}` is {what}: it has no fields to name after `.`"),
            },
            PathErrorKind::Unexpected => {
                f.write_str("unexpected text: after a name or `[i]` comes `.`, `[` or the end")
            }
            PathErrorKind::NotAValue { what } => write!(
                f,
                "names {what}, not a single value: name one of its values (the paths that \
                 `leaves()` or `shma get` list)"
            ),
            PathErrorKind::NotARecord { what } => write!(
                f,
                "names {what}, not a Seq record: whole-record reads and writes take the \
                 record's path (`pose`, `bots[1].pose`)"
            ),
        }
    }
}

impl core::error::Error for PathError {}
