//! Independent per-coefficient work (profile bounds, restricted fits) spread over threads.
//!
//! Each thread owns its own [`Engine`] buffers; results come back in index order. Small
//! problems (where thread start-up would cost more than it saves, e.g. the n = 142 cohort
//! replicates) run on the calling thread.

use std::num::NonZeroUsize;

use super::engine::Engine;
use crate::Result;

/// Below this many multiply-adds per evaluation (`n·k²`) work stays on one thread.
const PARALLEL_MIN_WORK: usize = 250_000;

/// Upper bound on worker threads.
const MAX_THREADS: usize = 8;

/// Runs `job` for every index in `0..count` and returns the results in order. `work` is the
/// cost of one evaluation (`n·k²`); `max_threads` caps the workers (0 = all available
/// cores); `make` builds a fresh engine for each worker.
///
/// # Errors
/// The first error of any job.
pub(crate) fn map_indices<'a, T, M, J>(
    count: usize,
    work: usize,
    max_threads: usize,
    make: M,
    job: J,
) -> Result<Vec<T>>
where
    T: Send,
    M: Fn() -> Engine<'a> + Sync,
    J: Fn(Engine<'a>, usize) -> Result<(Engine<'a>, T)> + Sync,
{
    let cap = if max_threads == 0 {
        MAX_THREADS
    } else {
        max_threads
    };
    let threads = if work >= PARALLEL_MIN_WORK {
        std::thread::available_parallelism()
            .map_or(1, NonZeroUsize::get)
            .min(cap)
            .min(count)
    } else {
        1
    };
    if threads <= 1 {
        let mut engine = make();
        let mut out = Vec::with_capacity(count);
        for i in 0..count {
            let (e, t) = job(engine, i)?;
            engine = e;
            out.push(t);
        }
        return Ok(out);
    }
    let per_thread: Vec<Result<Vec<(usize, T)>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (make, job) = (&make, &job);
                scope.spawn(move || -> Result<Vec<(usize, T)>> {
                    let mut engine = make();
                    let mut out = Vec::new();
                    for i in (t..count).step_by(threads) {
                        let (e, v) = job(engine, i)?;
                        engine = e;
                        out.push((i, v));
                    }
                    Ok(out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(crate::Error::SingularMatrix {
                        what: "a worker thread (panicked)",
                    })
                })
            })
            .collect()
    });
    let mut slots: Vec<Option<T>> = (0..count).map(|_| None).collect();
    for part in per_thread {
        for (i, v) in part? {
            slots[i] = Some(v);
        }
    }
    Ok(slots.into_iter().flatten().collect())
}
