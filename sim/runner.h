// runner.h — run one scenario: the world, the oracles, the expectations and the trace.
//
//   sim::RunOptions o;  o.trace_path = "out.jsonl";
//   sim::RunResult r = sim::RunScenario(scenario, o);
//   r.passed, r.results.split_brain_total, r.stats.trace_hash ...
//
// Errors: a trace file that cannot be written throws std::runtime_error naming the file
// (nothing is left behind); a cancelled run throws RunCancelled (nothing left behind). Same scenario + seed => same trace hash.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/expectations.h"
#include "sim/invariants.h"
#include "sim/oracles.h"
#include "sim/report.h"
#include "sim/scenario.h"
#include "sim/world.h"

namespace leasesim::sim {

struct ClusterResult;  // sim/cluster_report.h

struct RunOptions {
  std::optional<uint64_t> seed;  // overrides the scenario's seed
  std::string trace_path;        // empty: no trace file (the hash is computed anyway)
  uint64_t perturb_order = 0;    // test only: see WorldOptions::perturb_order
  // test only: make the world break an invariant on purpose (WorldOptions::test_break).
  WorldOptions::TestBreak test_break = WorldOptions::TestBreak::kNone;
  // cancel: when non-null and set while the run is going (main()'s SIGINT/SIGTERM
  // handler), RunScenario stops within a few thousand events and throws RunCancelled;
  // the trace's temporary file is removed, nothing is left behind.
  const std::atomic<bool>* cancel = nullptr;
};

// RunCancelled is thrown by RunScenario when RunOptions::cancel stopped the run. Not a
// std::runtime_error, so that callers treating those as bad input let it through.
struct RunCancelled : std::exception {
  const char* what() const noexcept override { return "run cancelled"; }
};

struct RunResult {
  uint64_t seed = 0;
  OracleInput input;
  OracleResults results;
  std::vector<ExpectationResult> expectations;
  // invariant_breaches: every invariant the run broke (sim/invariants.h), sorted by time;
  // any breach fails the run whatever its expectations say.
  std::vector<InvariantBreach> invariant_breaches;
  RunStats stats;  // wall_s is filled in by the caller (main reads the clock)
  // passed: every expectation held and no invariant was breached.
  bool passed = false;
  // cluster: the node-heartbeat oracles when the scenario has a `cluster` section (its
  // expectations are also appended to `expectations`, kind "cluster").
  std::shared_ptr<const ClusterResult> cluster;
};

// RunScenario simulates `s` from 0 to its duration and evaluates it: oracles,
// expectations and invariants. Throws TimeStuckError (a std::logic_error: an internal
// error, exit 3) naming the scenario, seed, instant and event when time stops advancing.
RunResult RunScenario(const Scenario& s, const RunOptions& o);

// TraceHeader is line 1 of the trace (docs/trace-format.md).
nlohmann::json TraceHeader(const Scenario& s, uint64_t seed);

}  // namespace leasesim::sim
