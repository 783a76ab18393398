// properties.h — what makes a chaos run a failure: the chaos file's properties evaluated
// on one run's oracle results, each failure with its class (property + cause kind).
//
//   std::vector<sim::ChaosFailure> f = sim::EvaluateChaosProperties(spec, scenario, result);
//   f[0].Class()   // "noSplitBrain:workload_ignores_cancellation"
//
// Causes: noSplitBrain uses the oracle's split-brain cause kind (sim/oracles.h,
// CauseName); failoverAtMost the kind of the fault whose failover was too slow;
// noLeaderGapAtMost the kind of the last fault that began before the gap ("none");
// transitionsPerHourAtMost "flapping"; invariants the invariant's name
// (sim/invariants.h, e.g. "lease_transitions"); liveness "no_leader_after_heal".
#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/chaos/spec.h"
#include "sim/runner.h"

namespace leasesim::sim {

// ChaosFailure is one failure class found in a run: the earliest instance of it (`at`,
// since scenario start) and a human `detail`.
struct ChaosFailure {
  ChaosPropertyKind property = ChaosPropertyKind::kNoSplitBrain;
  std::string cause;
  Duration at{0};
  std::string detail;
  // Class is "<property>:<cause>".
  std::string Class() const { return fmt::format("{}:{}", ChaosPropertyName(property), cause); }
};

// EvaluateChaosProperties returns one failure per class, sorted by class. `s` is the run's
// scenario (its duration scales transitionsPerHourAtMost).
std::vector<ChaosFailure> EvaluateChaosProperties(const ChaosSpec& spec, const Scenario& s, const RunResult& r);

// PropertyExpectation is the scenario-file expectation that fails exactly when the
// property does (for a run of `duration`), as a reproducer's "expect" entry; null for
// invariants, which every run checks anyway.
nlohmann::json PropertyExpectation(const ChaosSpec& spec, ChaosPropertyKind kind, Duration duration);

}  // namespace leasesim::sim
