//! The crate's one way to spread a data-parallel pass over threads with results that do not
//! depend on the number of threads.
//!
//! Work is cut into **fixed chunks** whose boundaries depend only on the problem size (never
//! on the thread count); each chunk's result is computed on its own, from zero, and the
//! caller combines the chunk results **in chunk order**. One thread and eight threads
//! therefore run exactly the same floating-point operations in the same order, and a fit
//! gives bit-identical numbers for any `threads` setting. Threads are scoped
//! (`std::thread::scope`): nothing outlives the call and no pool is kept.
//!
//! `threads = 0` means all available cores (capped at [`MAX_THREADS`]); a pass too small to
//! pay for starting threads (below [`MIN_PARALLEL_WORK`] multiply-adds) stays on the calling
//! thread.

use std::num::NonZeroUsize;

/// Upper bound on worker threads.
pub(crate) const MAX_THREADS: usize = 8;

/// Below this much work (multiply-adds, roughly) per pass, the pass stays on one thread.
pub(crate) const MIN_PARALLEL_WORK: usize = 400_000;

/// The number of threads to use for a pass of `work` multiply-adds split into `chunks`
/// chunks, under the user's setting (`0` = all cores).
pub(crate) fn threads_for(setting: usize, work: usize, chunks: usize) -> usize {
    if work < MIN_PARALLEL_WORK || chunks <= 1 {
        return 1;
    }
    let cap = if setting == 0 {
        std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
    } else {
        setting
    };
    cap.min(MAX_THREADS).min(chunks).max(1)
}

/// Runs `job` on every item (typically a chunk's range with the disjoint `&mut` slices it
/// writes) on up to `threads` threads and returns the results in item order. Item `i` goes
/// to thread `i % threads`.
pub(crate) fn map_items<I, T, J>(items: Vec<I>, threads: usize, job: J) -> Vec<T>
where
    I: Send,
    T: Send,
    J: Fn(I) -> T + Sync,
{
    let count = items.len();
    let threads = threads.clamp(1, count.max(1));
    if threads == 1 {
        return items.into_iter().map(job).collect();
    }
    let mut queues: Vec<Vec<(usize, I)>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, item) in items.into_iter().enumerate() {
        queues[i % threads].push((i, item));
    }
    let parts: Vec<Vec<(usize, T)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = queues
            .into_iter()
            .map(|queue| {
                let job = &job;
                scope.spawn(move || {
                    queue
                        .into_iter()
                        .map(|(i, item)| (i, job(item)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut slots: Vec<Option<T>> = (0..count).map(|_| None).collect();
    for (i, v) in parts.into_iter().flatten() {
        slots[i] = Some(v);
    }
    slots.into_iter().flatten().collect()
}

/// Runs `job(state, i)` for every index `i` in `0..count` on up to `threads` threads and
/// returns the results in index order. Each thread gets its own state built by `make` (e.g. a
/// model's evaluation buffers) and passes it from job to job; the states are built on the
/// calling thread, so that their memory comes from (and reuses what is free in) the calling
/// thread's allocator arena rather than one new arena per thread; indices are handed out one at a
/// time in increasing order to whichever thread is free, so jobs of unequal cost (profile
/// searches that need one evaluation or five) keep every thread busy. A job's result must
/// depend only on its index, never on what the state last held (each job starts by
/// evaluating its own point): then the results do not depend on the thread count or on which
/// thread ran which job.
///
/// # Errors
/// The error of the lowest failing index (as on one thread: indices are taken in order, a
/// failure stops further ones from being taken and every taken job finishes).
pub(crate) fn map_jobs<S, T, M, J>(
    count: usize,
    threads: usize,
    make: M,
    job: J,
) -> crate::Result<Vec<T>>
where
    S: Send,
    T: Send,
    M: Fn() -> S + Sync,
    J: Fn(S, usize) -> crate::Result<(S, T)> + Sync,
{
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let threads = threads.clamp(1, count.max(1));
    if threads == 1 {
        let mut state = make();
        let mut out = Vec::with_capacity(count);
        for i in 0..count {
            let (next, value) = job(state, i)?;
            state = next;
            out.push(value);
        }
        return Ok(out);
    }
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let parts: Vec<Vec<(usize, crate::Result<T>)>> = std::thread::scope(|scope| {
        let states: Vec<S> = (0..threads).map(|_| make()).collect();
        let handles: Vec<_> = states
            .into_iter()
            .map(|first| {
                let (job, next, failed) = (&job, &next, &failed);
                scope.spawn(move || {
                    let mut out = Vec::new();
                    let mut state = Some(first);
                    while !failed.load(Ordering::Acquire) {
                        let i = next.fetch_add(1, Ordering::AcqRel);
                        let Some(current) = state.take().filter(|_| i < count) else {
                            break;
                        };
                        match job(current, i) {
                            Ok((s, value)) => {
                                state = Some(s);
                                out.push((i, Ok(value)));
                            }
                            Err(e) => {
                                failed.store(true, Ordering::Release);
                                out.push((i, Err(e)));
                                break;
                            }
                        }
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut slots: Vec<Option<crate::Result<T>>> = (0..count).map(|_| None).collect();
    for (i, v) in parts.into_iter().flatten() {
        slots[i] = Some(v);
    }
    let mut out = Vec::with_capacity(count);
    for slot in slots {
        match slot {
            Some(Ok(v)) => out.push(v),
            Some(Err(e)) => return Err(e),
            // not taken: only after a failure at a lower index, returned above
            None => break,
        }
    }
    Ok(out)
}

/// Runs `a` on a new (scoped) thread and `b` on the calling thread at the same time and returns
/// both results. For two independent passes of similar cost; each pass does exactly what it
/// would do alone, so the numbers do not depend on whether they ran together.
pub(crate) fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB,
    RA: Send,
{
    std::thread::scope(|scope| {
        let handle = scope.spawn(a);
        let rb = b();
        let ra = handle
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (ra, rb)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_results_do_not_depend_on_the_thread_count() {
        let data: Vec<f64> = (0..100_003).map(|i| (i as f64 * 0.37).sin()).collect();
        let sum = |threads: usize| -> f64 {
            let items: Vec<&[f64]> = data.chunks(4096).collect();
            map_items(items, threads, |c| c.iter().sum::<f64>())
                .into_iter()
                .sum()
        };
        let one = sum(1);
        for t in [2, 3, 8] {
            assert_eq!(one.to_bits(), sum(t).to_bits());
        }
        // items may carry the disjoint slices they write
        let mut out = vec![0usize; 1000];
        let items: Vec<(usize, &mut [usize])> = out.chunks_mut(77).enumerate().collect();
        map_items(items, 3, |(c, part)| {
            for (i, v) in part.iter_mut().enumerate() {
                *v = c * 77 + i;
            }
        });
        assert!(out.iter().enumerate().all(|(i, &v)| v == i));
    }

    #[test]
    fn join_returns_both_results() {
        let data: Vec<u64> = (0..1000).collect();
        let (a, b) = join(|| data.iter().sum::<u64>(), || data.len());
        assert_eq!((a, b), (499_500, 1000));
    }

    #[test]
    fn jobs_come_back_in_order_with_the_first_error() {
        let cost = |i: usize| (0..(i % 7) * 1000).map(|v| (v as f64).sqrt()).sum::<f64>();
        let run = |threads: usize, fail: Option<usize>| {
            map_jobs(
                50,
                threads,
                || 0usize,
                |jobs_done, i| {
                    if Some(i) == fail || fail.is_some_and(|f| i == f + 3) {
                        return Err(crate::Error::EmptyInput { what: "job" });
                    }
                    Ok((jobs_done + 1, (i, cost(i).to_bits())))
                },
            )
        };
        let one = run(1, None).expect("no failure");
        assert_eq!(one.len(), 50);
        assert!(one.iter().enumerate().all(|(i, v)| v.0 == i));
        for t in [2, 3, 8] {
            assert_eq!(run(t, None).expect("no failure"), one);
            assert!(run(t, Some(17)).is_err());
        }
    }

    #[test]
    fn small_work_stays_on_one_thread() {
        assert_eq!(threads_for(0, 10, 100), 1);
        assert_eq!(threads_for(4, MIN_PARALLEL_WORK, 1), 1);
        assert_eq!(threads_for(3, MIN_PARALLEL_WORK, 100), 3);
        assert!(threads_for(0, MIN_PARALLEL_WORK, 100) >= 1);
    }
}
