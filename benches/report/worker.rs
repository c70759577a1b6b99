//! The worker process of `processes_vs_threads_fetch_add`: this program re-executed with
//! `SHM_ATOMICS_BENCH_REPORT_WORKER` set to the shared segment's path.

use std::path::Path;
use std::process::ExitCode;

use shm_atomics::Segment;

use crate::support::{Shared, shared_work};

pub const WORKER_ENV: &str = "SHM_ATOMICS_BENCH_REPORT_WORKER";

/// The worker process: `SHM_ATOMICS_BENCH_REPORT_WORKER=PATH report ID OPS`.
pub fn worker(path: &Path) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(id), Some(ops)) = (
        args.first().and_then(|a| a.parse::<usize>().ok()),
        args.get(1).and_then(|a| a.parse::<u64>().ok()),
    ) else {
        eprintln!("usage: {WORKER_ENV}=PATH report ID OPS");
        return ExitCode::from(2);
    };
    match Segment::<Shared>::open(path) {
        Ok(seg) => {
            shared_work(&seg, id, ops);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("report worker: {e}");
            ExitCode::FAILURE
        }
    }
}
