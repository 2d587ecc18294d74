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
    fn small_work_stays_on_one_thread() {
        assert_eq!(threads_for(0, 10, 100), 1);
        assert_eq!(threads_for(4, MIN_PARALLEL_WORK, 1), 1);
        assert_eq!(threads_for(3, MIN_PARALLEL_WORK, 100), 3);
        assert!(threads_for(0, MIN_PARALLEL_WORK, 100) >= 1);
    }
}
