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

struct RunOptions {
  std::optional<uint64_t> seed;  // overrides the scenario's seed
  std::string trace_path;        // empty: no trace file (the hash is computed anyway)
  uint64_t perturb_order = 0;    // test only: see WorldOptions::perturb_order
  // test only: make the world break an invariant on purpose (WorldOptions::test_break).
  WorldOptions::TestBreak test_break = WorldOptions::TestBreak::kNone;
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
};

// RunScenario simulates `s` from 0 to its duration and evaluates it: oracles,
// expectations and invariants. Throws TimeStuckError (a std::logic_error: an internal
// error, exit 3) naming the scenario, seed, instant and event when time stops advancing.
RunResult RunScenario(const Scenario& s, const RunOptions& o);

// TraceHeader is line 1 of the trace (docs/trace-format.md).
nlohmann::json TraceHeader(const Scenario& s, uint64_t seed);

}  // namespace leasesim::sim
