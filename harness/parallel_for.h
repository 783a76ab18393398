// parallel_for.h — run n independent jobs on a few std::threads, results by index.
//
// The work items are numbered 0..n-1 and each writes only its own slot of a result vector
// the caller owns, so what is computed never depends on the number of workers or on which
// thread ran what; only the wall time does.
//
//   std::vector<int> out(n);
//   sim::ParallelFor(n, {.jobs = 4}, [&](size_t i) { out[i] = Work(i); });
#pragma once

#include <cstddef>
#include <functional>

namespace leasesim::sim {

// ParallelOptions: `jobs` worker threads (0 = std::thread::hardware_concurrency(), at
// least 1; never more than n); `reverse` hands the items out from n-1 down to 0, so that a
// second pass gives each item different thread neighbours (check --determinism).
struct ParallelOptions {
  int jobs = 0;
  bool reverse = false;
};

// WorkerCount is the number of threads ParallelFor uses for `n` items.
int WorkerCount(size_t n, int jobs);

// ParallelFor calls fn(i) once for every i in [0, n), on WorkerCount(n, jobs) threads
// (inline when that is 1). Items are taken in order (or reverse order) from a shared
// counter. If fn throws, the remaining items are skipped and the first exception is
// rethrown on the calling thread after every worker has joined.
void ParallelFor(size_t n, ParallelOptions o, const std::function<void(size_t)>& fn);

}  // namespace leasesim::sim
