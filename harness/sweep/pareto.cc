// pareto.cc — ParetoFront and Recommend.
#include "harness/sweep/pareto.h"

#include <algorithm>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "sim/go_duration.h"

namespace leasesim::sim {

std::string SafetyFloor::Describe() const {
  return fmt::format("safety margin LD-RD-RP >= {}, tolerated clock-rate ratio LD/(RD+RP) >= {}",
                     FormatGoDuration(min_safety_margin), min_tolerated_clock_rate_ratio);
}

bool MeetsSafetyFloor(std::chrono::nanoseconds ld, std::chrono::nanoseconds rd, std::chrono::nanoseconds rp,
                      const SafetyFloor& floor) {
  if (ld - rd - rp < floor.min_safety_margin) return false;
  return static_cast<double>(ld.count()) >= floor.min_tolerated_clock_rate_ratio * static_cast<double>((rd + rp).count());
}

std::vector<int64_t> ParetoFront(const std::vector<ParetoCandidate>& c) {
  std::vector<ParetoCandidate> sorted = c;
  std::sort(sorted.begin(), sorted.end(), [](const ParetoCandidate& a, const ParetoCandidate& b) {
    if (a.failover_p99_s != b.failover_p99_s) return a.failover_p99_s < b.failover_p99_s;
    if (a.api_rps != b.api_rps) return a.api_rps < b.api_rps;
    return a.point < b.point;
  });
  // Sweep by p99: a point is on the front when its rate is below every rate seen at a
  // strictly smaller p99, and not above the best rate at its own p99.
  std::vector<int64_t> front;
  double best_rate_before = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < sorted.size();) {
    size_t j = i;
    while (j < sorted.size() && sorted[j].failover_p99_s == sorted[i].failover_p99_s) ++j;
    const double group_best = sorted[i].api_rps;  // the group is sorted by rate
    for (size_t k = i; k < j; ++k) {
      if (sorted[k].api_rps == group_best && group_best < best_rate_before) front.push_back(sorted[k].point);
    }
    best_rate_before = std::min(best_rate_before, group_best);
    i = j;
  }
  return front;
}

std::optional<int64_t> Recommend(const std::vector<ParetoCandidate>& c, const std::vector<int64_t>& front,
                                 const SweepRecommend& limits) {
  std::map<int64_t, ParetoCandidate> by_point;
  for (const ParetoCandidate& x : c) by_point[x.point] = x;
  std::vector<ParetoCandidate> ok;
  for (int64_t p : front) {
    const ParetoCandidate& x = by_point.at(p);
    if (limits.max_api_requests_per_second && x.api_rps > *limits.max_api_requests_per_second) continue;
    if (limits.max_failover_p99 && x.failover_p99_s > static_cast<double>(limits.max_failover_p99->count()) / 1e9) continue;
    ok.push_back(x);
  }
  if (ok.empty()) return std::nullopt;
  double best_p99 = ok[0].failover_p99_s, best_rate = ok[0].api_rps;
  for (const ParetoCandidate& x : ok) {
    best_p99 = std::min(best_p99, x.failover_p99_s);
    best_rate = std::min(best_rate, x.api_rps);
  }
  auto ratio = [](double v, double best) { return best > 0 ? v / best : (v > 0 ? 2.0 : 1.0); };
  std::optional<int64_t> pick;
  double pick_score = 0;
  for (const ParetoCandidate& x : ok) {
    const double score = ratio(x.failover_p99_s, best_p99) + ratio(x.api_rps, best_rate);
    if (!pick || score < pick_score || (score == pick_score && x.point < *pick)) {
      pick = x.point;
      pick_score = score;
    }
  }
  return pick;
}

}  // namespace leasesim::sim
