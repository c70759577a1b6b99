//! `shma export` and `shma serve` (issue 23), run as real processes: the exact text of
//! both formats, `promtool check metrics` on both, a real Prometheus server scraping
//! `serve`, and hostile clients and files.
#![cfg(feature = "cli")]
#![allow(missing_docs)]

mod format;
mod prometheus;
mod serve;
mod support;
