// stats.cc — RunRow, percentiles, per-point aggregation and the closed forms.
#include "harness/sweep/stats.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace leasesim::sim {
namespace {
double Seconds(Duration d) { return static_cast<double>(d.count()) / 1e9; }
double Seconds(int64_t ns) { return static_cast<double>(ns) / 1e9; }
uint64_t Verb(const ApiAccounting& a, const char* verb) {
  auto it = a.requests.find(verb);
  return it == a.requests.end() ? 0 : it->second;
}
}  // namespace

RunRow MakeRunRow(int64_t run, int64_t point, int64_t seed_index, uint64_t seed, const Scenario& s,
                  const RunResult& r) {
  RunRow row;
  row.run = run;
  row.point = point;
  row.seed_index = seed_index;
  row.seed = seed;
  row.duration_ns = s.duration.count();
  row.split_brain_ns = r.results.split_brain_total.count();
  row.no_leader_ns = r.results.no_leader_total.count();
  row.transitions = static_cast<int64_t>(r.results.transitions.size());
  row.api_get = Verb(r.results.api, "get");
  row.api_create = Verb(r.results.api, "create");
  row.api_update = Verb(r.results.api, "update");
  row.api_total = r.results.api.TotalRequests();
  row.invariant_breaches = static_cast<int64_t>(r.invariant_breaches.size());
  for (const FailoverResult& f : r.results.failovers) {
    if (!f.disrupted) continue;
    auto d = f.Failover();
    row.failovers_ns.push_back(d ? std::optional<int64_t>(d->count()) : std::nullopt);
  }
  row.trace_hash = r.stats.trace_hash;
  return row;
}

std::optional<int64_t> PercentileNearestRank(const std::vector<int64_t>& sorted, double p) {
  assert(p > 0 && p <= 100);
  assert(std::is_sorted(sorted.begin(), sorted.end()));
  if (sorted.empty()) return std::nullopt;
  const double n = static_cast<double>(sorted.size());
  // ceil(p/100 * n) computed in integer hundredths to avoid 0.99*100 = 98.99999 surprises.
  const int64_t rank_x100 = static_cast<int64_t>(std::llround(p * 100)) * static_cast<int64_t>(sorted.size());
  int64_t rank = (rank_x100 + 10'000 - 1) / 10'000;
  rank = std::clamp<int64_t>(rank, 1, static_cast<int64_t>(n));
  return sorted[static_cast<size_t>(rank - 1)];
}

PointFigures AggregatePoint(const std::vector<const RunRow*>& rows, int64_t candidates) {
  PointFigures f;
  f.runs = static_cast<int64_t>(rows.size());
  if (rows.empty()) return f;
  std::vector<int64_t> samples;
  int64_t total_ns = 0, split_ns = 0, no_leader_ns = 0, transitions = 0, split_runs = 0;
  uint64_t get = 0, create = 0, update = 0, total = 0;
  for (const RunRow* r : rows) {
    total_ns += r->duration_ns;
    split_ns += r->split_brain_ns;
    no_leader_ns += r->no_leader_ns;
    transitions += r->transitions;
    split_runs += r->split_brain_ns > 0 ? 1 : 0;
    get += r->api_get;
    create += r->api_create;
    update += r->api_update;
    total += r->api_total;
    f.invariant_breaches += r->invariant_breaches;
    for (const auto& fo : r->failovers_ns) {
      if (fo) samples.push_back(*fo);
      else ++f.failovers_unrecovered;
    }
  }
  std::sort(samples.begin(), samples.end());
  f.failovers = static_cast<int64_t>(samples.size());
  auto pct = [&](double p) -> std::optional<double> {
    auto v = PercentileNearestRank(samples, p);
    return v ? std::optional<double>(Seconds(*v)) : std::nullopt;
  };
  if (!samples.empty()) f.failover_min_s = Seconds(samples.front());
  f.failover_p50_s = pct(50);
  f.failover_p90_s = pct(90);
  f.failover_p99_s = pct(99);
  f.failover_max_s = pct(100);
  const double seconds = Seconds(total_ns), hours = seconds / 3600;
  f.split_brain_seed_share = static_cast<double>(split_runs) / static_cast<double>(rows.size());
  f.split_brain_s_per_hour = Seconds(split_ns) / hours;
  f.no_leader_s_per_hour = Seconds(no_leader_ns) / hours;
  f.transitions_per_hour = static_cast<double>(transitions) / hours;
  f.api_rps = static_cast<double>(total) / seconds;
  f.api_get_rps = static_cast<double>(get) / seconds;
  f.api_create_rps = static_cast<double>(create) / seconds;
  f.api_update_rps = static_cast<double>(update) / seconds;
  f.api_rps_per_candidate = candidates > 0 ? f.api_rps / static_cast<double>(candidates) : 0;
  return f;
}

ClosedForm ClosedFormFor(const Scenario& s) {
  ClosedForm c;
  assert(!s.candidates.empty());
  const CandidateSpec& first = s.candidates.front();
  c.candidates = static_cast<int64_t>(s.candidates.size());
  const double ld = Seconds(first.config.leaseDuration), rd = Seconds(first.config.renewDeadline),
               rp = Seconds(first.config.retryPeriod);
  c.lease_duration_s = ld;
  c.renew_deadline_s = rd;
  c.retry_period_s = rp;
  const NetworkPathSpec& path = s.network.PathFor(first.name);
  c.latency_s = Seconds(path.request_delay.Mean()) + Seconds(s.apiserver.latency.Mean()) + Seconds(path.response_delay.Mean());
  c.failover_best_s = ld - rp;
  c.failover_worst_s = ld + 2 * 2.2 * rp + c.latency_s;
  c.safety_margin_s = ld - rd - rp;
  c.tolerated_clock_rate_ratio = ld / (rd + rp);
  c.api_rps = 1 / rp + static_cast<double>(c.candidates - 1) / (1.6 * rp);
  // Every rate a node's clock ever runs at: its boot drift and any clock_drift fault.
  double fastest = 0, slowest = 0;
  bool any = false;
  auto see = [&](int64_t ppm) {
    const double rate = 1 + static_cast<double>(ppm) / 1e6;
    fastest = any ? std::max(fastest, rate) : rate;
    slowest = any ? std::min(slowest, rate) : rate;
    any = true;
  };
  for (const CandidateSpec& cand : s.candidates) see(cand.clock.drift_ppm);
  for (const FaultSpec& f : s.faults) {
    if (f.kind == FaultKind::kClockDrift) see(f.drift_ppm);
  }
  c.clock_rate_ratio = slowest > 0 ? fastest / slowest : 0;
  return c;
}

std::vector<PointColumn> PointColumns(const PointFigures& f, const ClosedForm& c) {
  using U = PointColumn::Unit;
  auto d = [](auto v) { return std::optional<double>(static_cast<double>(v)); };
  return {
      {"runs", d(f.runs), U::kCount},
      {"failovers", d(f.failovers), U::kCount},
      {"failovers_unrecovered", d(f.failovers_unrecovered), U::kCount},
      {"failover_min_s", f.failover_min_s, U::kSeconds},
      {"failover_p50_s", f.failover_p50_s, U::kSeconds},
      {"failover_p90_s", f.failover_p90_s, U::kSeconds},
      {"failover_p99_s", f.failover_p99_s, U::kSeconds},
      {"failover_max_s", f.failover_max_s, U::kSeconds},
      {"split_brain_seed_share", d(f.split_brain_seed_share), U::kNumber},
      {"split_brain_s_per_hour", d(f.split_brain_s_per_hour), U::kNumber},
      {"no_leader_s_per_hour", d(f.no_leader_s_per_hour), U::kNumber},
      {"transitions_per_hour", d(f.transitions_per_hour), U::kNumber},
      {"invariant_breaches", d(f.invariant_breaches), U::kCount},
      {"api_rps", d(f.api_rps), U::kNumber},
      {"api_get_rps", d(f.api_get_rps), U::kNumber},
      {"api_create_rps", d(f.api_create_rps), U::kNumber},
      {"api_update_rps", d(f.api_update_rps), U::kNumber},
      {"api_rps_per_candidate", d(f.api_rps_per_candidate), U::kNumber},
      {"candidates", d(c.candidates), U::kCount},
      {"lease_duration_s", d(c.lease_duration_s), U::kSeconds},
      {"renew_deadline_s", d(c.renew_deadline_s), U::kSeconds},
      {"retry_period_s", d(c.retry_period_s), U::kSeconds},
      {"clock_rate_ratio", d(c.clock_rate_ratio), U::kNumber},
      {"expected_latency_s", d(c.latency_s), U::kSeconds},
      {"expected_failover_best_s", d(c.failover_best_s), U::kSeconds},
      {"expected_failover_worst_s", d(c.failover_worst_s), U::kSeconds},
      {"expected_safety_margin_s", d(c.safety_margin_s), U::kSeconds},
      {"expected_tolerated_clock_rate_ratio", d(c.tolerated_clock_rate_ratio), U::kNumber},
      {"expected_api_rps", d(c.api_rps), U::kNumber},
  };
}

std::vector<std::string_view> PointColumnNames() {
  std::vector<std::string_view> out;
  for (const PointColumn& c : PointColumns(PointFigures{}, ClosedForm{})) out.push_back(c.name);
  return out;
}

}  // namespace leasesim::sim
