// determinism_check.h — `check --determinism`: run every scenario a second time under a
// different worker assignment and compare trace hashes; on a mismatch, name the first
// divergent event of both runs.
//
// Same scenario + seed => same trace hash, for every --jobs value (DESIGN.md, determinism
// rules). The second pass hands the scenarios out in reverse order on a different number
// of threads (one fewer, or two when the first pass used one), so shared state, thread
// scheduling or iteration order that leaks into a run shows up as a different hash. A
// mismatch is re-run twice with trace files (in a fresh temporary directory, removed
// afterwards) and the traces are compared line by line on their running hash `h`.
//
//   auto first = sim::RunSuite(cases, {.jobs = 4, .wall = wall});
//   auto det = sim::CheckDeterminism(cases, first, {.jobs = 4, .wall = wall});
//   if (det[i].mismatch()) std::cout << sim::DivergenceText(*det[i].divergence);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/check/suite.h"
#include "harness/check/trace_diff.h"

namespace leasesim::sim {

// DeterminismOptions: `jobs` and `wall` as for the first pass; `perturb_order` (test
// only) is what the first pass used; the second run uses perturb_order + 1 when it is
// non-zero, so that the two runs differ on purpose (--test-perturb-order).
struct DeterminismOptions {
  int jobs = 0;
  uint64_t perturb_order = 0;
  WallClock wall;
};

// DeterminismResult is one scenario's verdict. `checked` is false for a scenario whose
// first run did not happen (bad input). `first_hash`/`second_hash` are the two runs'
// trace hashes. On a mismatch, `divergence` is the first divergent event of the traced
// re-runs; `note` explains when there is none (the re-runs agreed, or a trace could not
// be written or read).
struct DeterminismResult {
  bool checked = false;
  std::string first_hash;
  std::string second_hash;
  std::optional<TraceDivergence> divergence;
  std::string note;
  bool mismatch() const { return checked && first_hash != second_hash; }
};

// SecondPassWorkers is the worker count of the second pass for a first pass of
// WorkerCount(n, jobs) workers: one fewer, or two when that was one.
int SecondPassWorkers(size_t n, int jobs);

// CheckDeterminism runs the second pass over `cases` and compares it with `first`
// (RunSuite's results for the same cases, in the same order).
std::vector<DeterminismResult> CheckDeterminism(const std::vector<SuiteCase>& cases,
                                                const std::vector<SuiteCaseResult>& first,
                                                const DeterminismOptions& o);

}  // namespace leasesim::sim
