// sweep.h — running a sweep: every (point, seed) of a shard across worker threads, and
// merging shard directories back into one sweep.
//
// Results are placed by run index, never by completion order, so the rows (and every
// output file) are identical for any number of workers.
//
//   std::vector<SweepPoint> points = sim::ExpandPoints(spec);
//   std::vector<RunRow> rows = sim::RunSweep(spec, points, {.jobs = 2});
//   SweepReport rep = sim::BuildSweepReport(spec, points, rows);
//
// Run r is point r / seeds with seed index r % seeds and seed SeedFor(spec, r % seeds);
// shard i/N runs r with r % N == i (invalid points are never run).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/sweep/output.h"
#include "harness/sweep/spec.h"
#include "harness/sweep/stats.h"

namespace leasesim::sim {

// SweepRunOptions: `jobs` worker threads (>= 1); `shard` the slice to run; `progress`, if
// set, is called (from one thread at a time) after each finished run with (done, total).
// `reuse` holds rows of runs finished earlier (an interrupted sweep resumed): those runs
// are not run again, their rows are taken as they are. `on_row`, if set, is called (from
// one thread at a time, in completion order) with each newly finished run's row, e.g. to
// save it at once. `cancel`, if set, stops the sweep: running runs stop within a few
// thousand events, no new run starts, and RunSweep throws RunCancelled.
struct SweepRunOptions {
  int jobs = 1;
  Shard shard;
  std::function<void(int64_t done, int64_t total)> progress;
  const std::map<int64_t, RunRow>* reuse = nullptr;
  std::function<void(const RunRow&)> on_row;
  const std::atomic<bool>* cancel = nullptr;
};

// ShardRuns lists the run indices of `shard` over the valid points, ascending.
std::vector<int64_t> ShardRuns(const SweepSpec& spec, const std::vector<SweepPoint>& points, Shard shard);

// RunSweep runs the shard's runs and returns their rows sorted by run index. A run that
// throws (an internal error) rethrows its exception here after the workers stop.
std::vector<RunRow> RunSweep(const SweepSpec& spec, const std::vector<SweepPoint>& points, const SweepRunOptions& o);

// MergedSweep is what `leasesim merge` rebuilds from shard directories.
struct MergedSweep {
  SweepSpec spec;
  std::vector<SweepPoint> points;
  std::vector<RunRow> rows;  // sorted by run index
};

// MergeShardDirs reads each directory's manifest.json and runs.csv and checks that they
// are the shards 0..N-1 of one sweep (same canonical sweep, each shard once, every run of
// every valid point present exactly once). nullopt and a one-line `*err` naming the
// directory or file otherwise.
std::optional<MergedSweep> MergeShardDirs(const std::vector<std::string>& dirs, std::string* err);

}  // namespace leasesim::sim
