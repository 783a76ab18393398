// report.h — the `--report` JSON of one run and its human summary.
//
// Built from the scenario, the oracle results, the evaluated expectations and the run's
// own statistics. Times are seconds of true time since scenario start (doubles);
// durations are seconds. Object keys are sorted (nlohmann's default), so the same run
// gives byte-identical reports. Wall time (`wall_s`) is the only field that differs
// between identical runs; it is measured by main(), never here.
//
//   nlohmann::json j = sim::BuildReport(scenario, results, expectations, stats);
//   std::cout << sim::SummaryText(scenario, results, expectations, stats);
//
// Shape (every field always present; absent optional values are null):
//   {"scenario": str, "scenario_file": str, "seed": uint, "client_go": str,
//    "sim_duration_s": num, "events": uint, "wall_s": num, "trace_hash": str,
//    "leaders": {<node>: {"identity": str, "believed": [[start_s, end_s]...],
//                         "acting": [[..]..], "paused": [[..]..], "unhealthy": [[..]..]}},
//    "split_brain": {"total_s", "max_s", "intervals": [{"start_s", "end_s", "nodes": [str],
//                    "cause": str, "cause_kind": str}]},
//    "no_leader": {"total_s", "max_gap_s", "intervals": [{"start_s", "end_s"}]},
//    "transitions": {"count": uint, "per_hour": num, "changes": [{"at_s", "from", "to"}]},
//    "failovers": [{"fault": int, "id": str, "kind": str, "at_s": num,
//                   "previous_leader": str|null, "new_leader": str|null,
//                   "new_leader_at_s": num|null, "failover_s": num|null, "disrupted": bool}],
//    "api": {"requests": {<verb>: uint}, "responses": {<code>: uint}, "total": uint,
//            "per_second": num, "requests_by_node": {<node>: uint},
//            "watch_events": {<resource>: uint}, "watch_events_per_second": num},
//    "expectations": [{"index": int, "kind": str, "expect": str, "held": bool, "actual": str}],
//    "verdict": "pass" | "fail"}
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/expectations.h"
#include "sim/oracles.h"
#include "sim/scenario.h"

namespace leasesim::sim {

// RunStats is what the runner measured about itself: events processed, real seconds the
// run took (read by main() only), and the trace's rolling hash (16 hex digits,
// docs/trace-format.md).
struct RunStats {
  uint64_t events = 0;
  double wall_s = 0;
  std::string trace_hash;
};

// BuildReport assembles the report JSON described above. `verdict` is "pass" when every
// expectation held.
nlohmann::json BuildReport(const Scenario& s, const OracleResults& r, const std::vector<ExpectationResult>& expect,
                           const RunStats& stats);

// SummaryText is the human form: who led when, split-brain and no-leader intervals with
// causes, failovers, transitions, API load, each expectation and its verdict, and the
// overall verdict on the last line ("PASS" / "FAIL").
std::string SummaryText(const Scenario& s, const OracleResults& r, const std::vector<ExpectationResult>& expect,
                        const RunStats& stats);

}  // namespace leasesim::sim
