// expectations.h — a scenario's "expect" list and its evaluation against oracle results.
//
// An expectation is one claim about a run ("no split-brain", "a leader within 25s after
// fault 0", "at least 1s of split-brain" for scenarios that must reproduce one). Each
// evaluates to {expect, held, actual}: what was claimed, whether it held, and the measured
// figure in words, so a failing CI line explains itself.
//
//   auto results = sim::EvaluateExpectations(scenario.expect, oracle_input, oracle_results);
//   bool pass = sim::AllHeld(results);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/oracles.h"

namespace leasesim::sim {

// ExpectKind is the "kind" of an expectation object in a scenario file.
enum class ExpectKind : uint8_t {
  kNoSplitBrain,                // no split-brain at all
  kSplitBrainAtLeast,           // {total}: total split-brain >= total (reproduce a bug)
  kSplitBrainAtMost,            // {total}: total split-brain <= total
  kLeaderWithin,                // {after: fault, within}: a leader within `within` of the fault
  kFailoverAtMost,              // {within}: every disrupting fault's failover <= within
  kNoLeaderAtMost,              // {max_gap, after?}: every no-leader gap after `after` <= max_gap
  kNoLeaderAtLeast,             // {total}: total no-leader time >= total
  kTransitionsAtMost,           // {count}
  kTransitionsAtLeast,          // {count}
  kLeaderAtEnd,                 // {identity?}: some node (with that identity) leads at the end
  kLogContains,                 // {node?, text}: a client-go log line contains `text`
  kHealthzUnhealthyWithin,      // {node, after: fault, within}: healthz turns unhealthy in time
  kApiRequestsPerSecondAtMost,  // {verb?, rate}: mean API requests/s (of that verb) <= rate
  kApiRequestsPerSecondAtLeast, // {verb?, rate}: mean API requests/s (of that verb) >= rate
  kWatchEventsPerSecondAtMost,  // {resource?, rate}: mean watch events/s fanned out (of that resource) <= rate
  kWatchEventsPerSecondAtLeast, // {resource?, rate}: ... >= rate
  // Coordinated leader election (sim/coordination_record.h):
  kOldestEmulationViolationAtMost,   // {total}: time a leader ran beside an older emulation version <= total
  kOldestEmulationViolationAtLeast,  // {total}: ... >= total (uncoordinated upgrades)
  kHandoverAtMost,                   // {within}: every preferredHolder handover completed within `within`
  // kCluster marks results of the scenario's `cluster` expectations (sim/cluster_report.h);
  // it has no entry in the top-level "expect" list (ParseExpectKind never returns it).
  kCluster,
};

// ExpectKindName is the scenario-file name of `k` ("no_split_brain", ...).
std::string_view ExpectKindName(ExpectKind k);
// ParseExpectKind is the inverse of ExpectKindName; nullopt for an unknown name.
std::optional<ExpectKind> ParseExpectKind(std::string_view name);
// AllExpectKindNames lists every kind name, in enum order (for error messages, docs).
std::vector<std::string_view> AllExpectKindNames();

// Expectation is one parsed "expect" entry. Only the fields of its kind are meaningful
// (see ExpectKind); times are durations since scenario start.
struct Expectation {
  int index = 0;  // position in the scenario's "expect" list
  ExpectKind kind = ExpectKind::kNoSplitBrain;
  Duration total{0};                    // split_brain_at_least/at_most, no_leader_at_least
  Duration within{0};                   // leader_within, failover_at_most, healthz_unhealthy_within
  Duration max_gap{0};                  // no_leader_at_most
  std::optional<Duration> after_time;   // no_leader_at_most: ignore gaps before this time
  int after_fault = -1;                 // leader_within, healthz_unhealthy_within: fault index
  int64_t count = 0;                    // transitions_at_most/at_least
  std::optional<std::string> identity;  // leader_at_end
  std::optional<std::string> node;      // log_contains (optional), healthz_unhealthy_within
  std::string text;                     // log_contains
  std::optional<std::string> verb;      // api_requests_per_second_* ("get", "update", ...)
  std::optional<std::string> resource;  // watch_events_per_second_* ("leases", "configmaps", "endpoints")
  double rate = 0;                      // api_requests_per_second_at_most, requests per second
};

// ExpectationResult is one evaluated expectation: `expect` is a short human text of the
// claim ("no split-brain", "a leader within 25s after fault 0 (crash)"), `actual` the
// measured figure ("split-brain 0s", "new leader after 17.2s").
struct ExpectationResult {
  int index = 0;
  ExpectKind kind = ExpectKind::kNoSplitBrain;
  std::string expect;
  bool held = false;
  std::string actual;
};

// EvaluateExpectations evaluates each expectation, in order. `in` supplies fault times and
// log lines; `r` is RunOracles(in). An expectation naming a fault index that is not in
// `in.faults` does not hold ("fault N did not happen").
std::vector<ExpectationResult> EvaluateExpectations(const std::vector<Expectation>& expect,
                                                    const OracleInput& in, const OracleResults& r);

// AllHeld is the run verdict: true when every expectation held (and for an empty list).
bool AllHeld(const std::vector<ExpectationResult>& results);

}  // namespace leasesim::sim
