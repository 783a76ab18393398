// pareto.h — the Pareto front of (failover p99, API requests/s) and the
// recommended setting.
//
// Both objectives are minimised: a faster failover costs more API requests (a shorter
// RetryPeriod polls more often), so there is no single best point, only a front of
// points that no other point beats on both.
//
//   std::vector<ParetoCandidate> c = {{.point = 0, .failover_p99_s = 20, .api_rps = 1.1}, ...};
//   std::vector<int64_t> front = sim::ParetoFront(c);             // point indices, by p99
//   std::optional<int64_t> best = sim::Recommend(c, front, {});   // see Recommend
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/sweep/spec.h"

namespace leasesim::sim {

// SafetyFloor is the least safety a point's timings must have to be eligible for the
// Pareto front and the recommendation (issue 15), for the point's first candidate's
// LeaseDuration LD, RenewDeadline RD and RetryPeriod RP (the timings the summary's
// "margin s" and "tolerated clock ratio" columns show):
//   safety margin LD - RD - RP >= min_safety_margin, and
//   tolerated clock-rate ratio LD / (RD + RP) >= min_tolerated_clock_rate_ratio.
// The defaults are client-go's own defaults' figures (15s/10s/2s: 3s and 1.25), so that a
// recommendation is never less safe than the defaults unless the user lowers the floor
// (`leasesim sweep --min-safety-margin --min-clock-rate-ratio`; 0s and 1 is the bare
// no-overlap boundary, below which a leader cut off from the API server still leads when
// the others take over even with perfect clocks: the `timings-allow-overlap` scenario).
struct SafetyFloor {
  std::chrono::nanoseconds min_safety_margin = std::chrono::seconds(3);
  double min_tolerated_clock_rate_ratio = 1.25;

  // Describe: "safety margin LD-RD-RP >= 3s, tolerated clock-rate ratio LD/(RD+RP) >= 1.25".
  std::string Describe() const;
};

// MeetsSafetyFloor checks timings against `floor`: the margin exactly in nanoseconds, the
// ratio as LD >= ratio * (RD + RP) over nanosecond counts.
bool MeetsSafetyFloor(std::chrono::nanoseconds ld, std::chrono::nanoseconds rd, std::chrono::nanoseconds rp,
                      const SafetyFloor& floor);

// ParetoCandidate is one eligible point: no split-brain measured in any seed, timings that
// meet the SafetyFloor, and at least one measured failover (so that p99 exists).
struct ParetoCandidate {
  int64_t point = 0;
  double failover_p99_s = 0;
  double api_rps = 0;
};

// ParetoFront returns the points no other candidate dominates (<= on both objectives and
// < on one), sorted by failover p99, then API rate, then point index. Points with equal
// figures are all on the front.
std::vector<int64_t> ParetoFront(const std::vector<ParetoCandidate>& candidates);

// Recommend picks one point of `front`, or nullopt when none qualifies. The rule:
//   1. drop points beyond the sweep's `recommend` limits (max API requests/s, max p99);
//   2. score each remaining point by p99 / best p99 + rate / best rate (best over the
//      remaining points): both objectives relative to what the front achieves, weighed
//      equally — the "knee" where trading one for the other stops paying;
//   3. the lowest score wins; ties go to the lower point index.
std::optional<int64_t> Recommend(const std::vector<ParetoCandidate>& candidates, const std::vector<int64_t>& front,
                                 const SweepRecommend& limits);

}  // namespace leasesim::sim
