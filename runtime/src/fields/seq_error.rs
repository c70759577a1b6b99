//! [`SeqError`]: why a seqlock record could not be read or updated.

use core::fmt;

use crate::fields::protocol::Refusal;

/// Why a [`Seq`](crate::Seq) record could not be read or updated. Every variant names
/// the process involved; none of them leaves the record locked.
///
/// ```rust,standalone_crate
/// # extern crate shm_atomics_runtime as shm_atomics;
/// use shm_atomics::SeqError;
///
/// let e = SeqError::DeadWriter { pid: 4242 };
/// assert!(e.to_string().contains("4242"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SeqError {
    /// The record is in the middle of a write whose writer, process `pid`, no longer
    /// exists (it was killed between its two sequence stores). The next `write` or
    /// `update` takes the record over; until a whole record is written it reads as
    /// [`Torn`](SeqError::Torn).
    DeadWriter {
        /// The process that died while writing.
        pid: u32,
    },
    /// Process `pid` died in the middle of a write and no whole record has been written
    /// since: the fields may come from different writes. `write` a whole record to
    /// repair it (`read_torn` gives the leftovers).
    Torn {
        /// The process that died while writing.
        pid: u32,
    },
    /// A live writer (process `pid`, 0 if unknown) held the record for longer than the
    /// bounded operation (`try_read`, `try_write`) waits.
    Busy {
        /// The process writing.
        pid: u32,
    },
    /// The record's bytes are not a valid snapshot (e.g. a `bool` field holding 2,
    /// written by C): fix the writer; `record()` reads fields one by one.
    InvalidRecord {
        /// The record's layout.
        layout: &'static str,
    },
}

impl SeqError {
    pub(crate) fn from_refusal(r: Refusal) -> Self {
        match r {
            Refusal::DeadWriter(pid) => SeqError::DeadWriter { pid },
            Refusal::Torn(pid) => SeqError::Torn { pid },
            Refusal::Busy(pid) => SeqError::Busy { pid },
        }
    }
}

impl fmt::Display for SeqError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            SeqError::DeadWriter { pid } => write!(
                f,
                "the record's writer (process {pid}) died in the middle of a write; the \
                 next write takes the record over (it then reads as torn until a whole \
                 record is written)"
            ),
            SeqError::Torn { pid } => write!(
                f,
                "the record was torn: process {pid} died in the middle of a write and no \
                 whole record has been written since; write a whole record to repair it"
            ),
            SeqError::Busy { pid } => write!(
                f,
                "the record is being written by process {pid} (a live writer) for longer \
                 than this bounded operation waits; retry, or use the waiting operation"
            ),
            SeqError::InvalidRecord { layout } => write!(
                f,
                "the record's bytes are not a valid {layout} (a field holds a value its type \
                 does not allow, e.g. a bool other than 0 or 1); fix the writer"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SeqError {}
