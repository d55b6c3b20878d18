//! Benchmarks live in `benches/`; see docs/benchmarks.md.

// Tests and benches: failing loudly is their job; their helpers are theirs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unreachable_pub)]

use std::time::Instant;

/// Nanoseconds per call of `f`: `iter / 10` warm-up calls, then `rounds`
/// rounds of `iter` calls each; the median, fastest and slowest round, per
/// call. The timing examples (`examples/*_timing.rs`) share it so that each
/// side of a side-by-side run is timed alike.
pub fn ns_per_call(iter: usize, rounds: usize, mut f: impl FnMut()) -> [f64; 3] {
    assert!(iter > 0 && rounds > 0, "at least one call and one round");
    for _ in 0..iter / 10 {
        f();
    }
    let mut per: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iter {
                f();
            }
            start.elapsed().as_nanos() as f64 / iter as f64
        })
        .collect();
    per.sort_by(f64::total_cmp);
    [per[rounds / 2], per[0], per[rounds - 1]]
}
