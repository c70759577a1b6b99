//! Real processes on one segment.
