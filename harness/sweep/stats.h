// stats.h — what a sweep keeps of each run (RunRow), what it reports per point
// (PointFigures), and the closed-form expectations printed beside them (ClosedForm).
//
// A RunRow holds integers only (nanoseconds, counts), so that a row written to runs.csv
// and read back is exactly equal: `leasesim merge` aggregates rows read from shard files
// and must produce the same bytes as the run that aggregated rows in memory.
//
//   RunRow row = sim::MakeRunRow(run, point, k, seed, result);
//   PointFigures f = sim::AggregatePoint(rows_of_point, candidate_count);
//   ClosedForm c = sim::ClosedFormFor(scenario);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/runner.h"
#include "sim/scenario.h"

namespace leasesim::sim {

// RunRow is one (point, seed) run reduced to what aggregation needs. `failovers_ns` has
// one entry per fault that disrupted leadership (FailoverResult::disrupted), in fault
// order: the failover time, or nullopt when no new leader came before the run ended.
struct RunRow {
  int64_t run = 0;         // point * seeds + seed_index
  int64_t point = 0;
  int64_t seed_index = 0;
  uint64_t seed = 0;
  int64_t duration_ns = 0;  // simulated time
  int64_t split_brain_ns = 0;
  int64_t no_leader_ns = 0;
  int64_t transitions = 0;
  uint64_t api_get = 0;
  uint64_t api_create = 0;
  uint64_t api_update = 0;
  uint64_t api_total = 0;   // all verbs
  int64_t invariant_breaches = 0;  // sim/invariants.h breaches in the run
  std::vector<std::optional<int64_t>> failovers_ns;
  std::string trace_hash;   // 16 hex digits: evidence that reruns are identical
  friend bool operator==(const RunRow&, const RunRow&) = default;
};

// MakeRunRow reduces a RunScenario result.
RunRow MakeRunRow(int64_t run, int64_t point, int64_t seed_index, uint64_t seed, const Scenario& s,
                  const RunResult& r);

// PercentileNearestRank is the nearest-rank percentile of `sorted` (ascending): the
// smallest sample with at least p% of the samples <= it, i.e. element ceil(p/100 * n) - 1.
// No interpolation, so every reported figure is a failover that happened. p in (0, 100];
// nullopt for no samples.
std::optional<int64_t> PercentileNearestRank(const std::vector<int64_t>& sorted, double p);

// PointFigures is one point's measured figures over its runs. Failover percentiles are
// over the recovered failovers of all seeds together (seconds; nullopt with none). Rates
// are totals over total simulated time, so every simulated hour weighs the same.
struct PointFigures {
  int64_t runs = 0;
  int64_t failovers = 0;             // recovered failovers (samples of the percentiles)
  int64_t failovers_unrecovered = 0; // disrupted leadership with no new leader by the run end
  int64_t invariant_breaches = 0;    // sim/invariants.h breaches over all runs of the point
  std::optional<double> failover_min_s, failover_p50_s, failover_p90_s, failover_p99_s, failover_max_s;
  double split_brain_seed_share = 0;  // ratio of runs with any split-brain
  double split_brain_s_per_hour = 0;
  double no_leader_s_per_hour = 0;    // the initial election included
  double transitions_per_hour = 0;
  double api_rps = 0;                 // all verbs
  double api_get_rps = 0, api_create_rps = 0, api_update_rps = 0;
  double api_rps_per_candidate = 0;   // api_rps / candidate count (mean per candidate)
};

// AggregatePoint computes a point's figures from its rows (any order).
PointFigures AggregatePoint(const std::vector<const RunRow*>& rows, int64_t candidates);

// ClosedForm is what the usual back-of-envelope formulas predict for a point's first
// candidate's timings (reference §1.16; docs/sweep.md derives each):
//   failover_best_s  = LD - RP                 (crash just before a renewal, observed at once)
//   failover_worst_s = LD + 2*2.2*RP + latency (observation lag up to 2.2*RP on both ends)
//   safety_margin_s  = LD - RD - RP            (a renewal's response may be this late)
//   tolerated_clock_rate_ratio = LD / (RD + RP)
//   api_rps          = 1/RP + (N-1)/(1.6*RP)   (leader: one update per RP; each follower:
//                      one get per JitterUntil period, RP + U[0, 1.2*RP), mean 1.6*RP)
// plus the point's own clock_rate_ratio (fastest / slowest clock rate over all nodes'
// configured and clock_drift rates), to hold against the tolerated ratio.
struct ClosedForm {
  int64_t candidates = 0;
  double lease_duration_s = 0, renew_deadline_s = 0, retry_period_s = 0;
  double latency_s = 0;  // mean round trip: request delay + API-server latency + response delay
  double failover_best_s = 0;
  double failover_worst_s = 0;
  double safety_margin_s = 0;
  double tolerated_clock_rate_ratio = 0;
  double clock_rate_ratio = 1;
  double api_rps = 0;
};

// ClosedFormFor evaluates the formulas for `s`.
ClosedForm ClosedFormFor(const Scenario& s);

// PointColumn is one numeric column of points.csv: measured figures first, then the
// closed forms prefixed "expected_" (nullopt = no value, e.g. no failover measured).
// `unit` decides how files print it (FormatColumn, output.h): a count as an integer, a
// duration in seconds exact to the nanosecond, any other number with full precision.
struct PointColumn {
  enum class Unit { kCount, kSeconds, kNumber };
  std::string_view name;
  std::optional<double> value;
  Unit unit = Unit::kNumber;
};

// PointColumns lists a point's columns, always the same names in the same order.
std::vector<PointColumn> PointColumns(const PointFigures& f, const ClosedForm& c);

// PointColumnNames is the names of PointColumns (valid heatmap metrics).
std::vector<std::string_view> PointColumnNames();

}  // namespace leasesim::sim
