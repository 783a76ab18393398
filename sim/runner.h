// runner.h — run one scenario: the world, the oracles, the expectations and the trace.
//
//   sim::RunOptions o;  o.trace_path = "out.jsonl";
//   sim::RunResult r = sim::RunScenario(scenario, o);
//   r.passed, r.results.split_brain_total, r.stats.trace_hash ...
//
// Errors: a trace file that cannot be written throws std::runtime_error naming the file
// (nothing is left behind). Same scenario + seed => same trace hash.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/expectations.h"
#include "sim/oracles.h"
#include "sim/report.h"
#include "sim/scenario.h"

namespace leasesim::sim {

struct ClusterResult;  // sim/cluster_report.h

struct RunOptions {
  std::optional<uint64_t> seed;  // overrides the scenario's seed
  std::string trace_path;        // empty: no trace file (the hash is computed anyway)
  uint64_t perturb_order = 0;    // test only: see WorldOptions::perturb_order
};

struct RunResult {
  uint64_t seed = 0;
  OracleInput input;
  OracleResults results;
  std::vector<ExpectationResult> expectations;
  RunStats stats;  // wall_s is filled in by the caller (main reads the clock)
  bool passed = false;
  // cluster: the node-heartbeat oracles when the scenario has a `cluster` section (its
  // expectations are also appended to `expectations`, kind "cluster").
  std::shared_ptr<const ClusterResult> cluster;
};

// RunScenario simulates `s` from 0 to its duration and evaluates it.
RunResult RunScenario(const Scenario& s, const RunOptions& o);

// TraceHeader is line 1 of the trace (docs/trace-format.md).
nlohmann::json TraceHeader(const Scenario& s, uint64_t seed);

}  // namespace leasesim::sim
