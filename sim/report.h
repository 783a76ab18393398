// report.h — the `--report` JSON of one run and its human summary.
//
// Built from the scenario, the oracle results, the evaluated expectations and the run's
// own statistics. Times are seconds of true time since scenario start (doubles);
// durations are seconds. Object keys are sorted (nlohmann's default), so the same run
// gives byte-identical reports. Wall time (`wallSeconds`) is the only field that differs
// between identical runs; it is measured by main(), never here.
//
//   nlohmann::json j = sim::BuildReport(scenario, results, expectations, stats);
//   std::cout << sim::SummaryText(scenario, results, expectations, stats);
//
// api: `requests` are the candidates' requests by verb; `outcomes` what their senders saw
// by verb and status code ("0" = no response: a client timeout or cancel), `unanswered`
// those still open at the end (or whose sender crashed), so that per verb requests =
// sum(outcomes) + unanswered; `responses` are the API server's answers by code (its own
// controllers' requests and answers lost on the way back included) plus the "0"s.
// Shape (every field always present; absent optional values are null):
//   {"scenario": str, "scenarioFile": str, "seed": uint, "clientGo": str,
//    "simDurationSeconds": num, "events": uint, "wallSeconds": num, "traceHash": str,
//    "leaders": {<node>: {"identity": str, "believed": [[startSeconds, endSeconds]...],
//                         "acting": [[..]..], "paused": [[..]..], "unhealthy": [[..]..]}},
//    "splitBrain": {"totalSeconds", "maxSeconds", "intervals": [{"startSeconds", "endSeconds", "nodes": [str],
//                    "cause": str, "causeKind": str}]},
//    "noLeader": {"totalSeconds", "maxGapSeconds", "intervals": [{"startSeconds", "endSeconds"}]},
//    "transitions": {"count": uint, "perHour": num, "changes": [{"atSeconds", "from", "to"}]},
//    "failovers": [{"fault": int, "id": str, "kind": str, "atSeconds": num,
//                   "previousLeader": str|null, "newLeader": str|null,
//                   "newLeaderAtSeconds": num|null, "failoverSeconds": num|null, "disrupted": bool}],
//    "api": {"requests": {<verb>: uint}, "responses": {<code>: uint},
//            "outcomes": {<verb>: {<code>: uint}}, "unanswered": {<verb>: uint}, "total": uint,
//            "perSecond": num, "requestsByNode": {<node>: uint},
//            "watchEvents": {<resource>: uint}, "watchEventsPerSecond": num},
//    "expectations": [{"index": int, "kind": str, "expect": str, "held": bool, "actual": str}],
//    "invariantBreaches": [{"invariant": str, "atSeconds": num, "node": str, "message": str,
//                           "events": [str]}],          (sim/invariants.h; [] when all held)
//    "verdict": "pass" | "fail"}
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/expectations.h"
#include "sim/invariants.h"
#include "sim/oracles.h"
#include "sim/scenario.h"

namespace leasesim::sim {

// RunStats is what the runner measured about itself: events processed, real seconds the
// run took (read by main() only), the trace's rolling hash (16 hex digits,
// docs/trace-format.md), and the seed the run actually used (the scenario's, or the
// caller's override): the report and the summary print this one, never the file's.
struct RunStats {
  uint64_t events = 0;
  double wall_s = 0;
  std::string trace_hash;
  uint64_t seed = 0;
};

// BuildReport assembles the report JSON described above. `verdict` is "pass" when every
// expectation held and no invariant was breached.
nlohmann::json BuildReport(const Scenario& s, const OracleResults& r, const std::vector<ExpectationResult>& expect,
                           const RunStats& stats, const std::vector<InvariantBreach>& breaches = {});

// SummaryText is the human form: who led when, split-brain and no-leader intervals with
// causes, failovers, transitions, API load, each expectation and its verdict, and the
// overall verdict on the last line ("PASS" / "FAIL"). Invariant breaches, if any, are
// listed before it ("  [BREACHED] lease_transitions at 5m12.004s on b: ...", then the
// events involved).
std::string SummaryText(const Scenario& s, const OracleResults& r, const std::vector<ExpectationResult>& expect,
                        const RunStats& stats, const std::vector<InvariantBreach>& breaches = {});

}  // namespace leasesim::sim
