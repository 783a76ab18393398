// oracles.cc — split-brain, no-leader, failover, transition and API oracles over the
// runner's record, all in true time.
#include "sim/oracles.h"

#include <algorithm>
#include <cassert>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "sim/go_duration.h"

namespace leasesim::sim {
namespace {

std::string Secs(Duration d) {
  return FormatGoDuration(std::chrono::duration_cast<std::chrono::milliseconds>(d));
}

// Boundary is one end of an interval in a sweep. At equal times ends (-1) sort before
// starts (+1): intervals are half-open, so touching intervals never overlap.
struct Boundary {
  TrueTime at;
  int delta;
  size_t node;
  friend bool operator<(const Boundary& a, const Boundary& b) {
    return std::tie(a.at, a.delta, a.node) < std::tie(b.at, b.delta, b.node);
  }
};

// FindContaining returns the interval of `v` with start <= t < end.
const Interval* FindContaining(const std::vector<Interval>& v, TrueTime t) {
  for (const Interval& i : v) {
    if (i.start <= t && t < i.end) return &i;
  }
  return nullptr;
}

// Overlap is the length of a ∩ b (0 if disjoint).
Duration Overlap(const Interval& a, const Interval& b) {
  TrueTime s = std::max(a.start, b.start), e = std::min(a.end, b.end);
  return e > s ? e - s : Duration{0};
}

// ActingWithoutBelief is the part of `x ∩ acting` not covered by `believed`.
Duration ActingWithoutBelief(const NodeObservations& n, const Interval& x) {
  Duration total{0};
  for (const Interval& a : n.acting) {
    Duration part = Overlap(a, x);
    if (part <= Duration{0}) continue;
    Interval ax{std::max(a.start, x.start), std::min(a.end, x.end)};
    Duration covered{0};
    for (const Interval& b : n.believed) covered += Overlap(ax, b);
    total += part - covered;
  }
  return total;
}

double Rate(int64_t drift_ppm) { return 1.0 + static_cast<double>(drift_ppm) / 1e6; }

// LeadershipStart orders nodes old -> new: the start of n's believed interval holding at
// x.start, else of its acting interval overlapping x (a workload acting without belief).
TrueTime LeadershipStart(const NodeObservations& n, const Interval& x) {
  if (const Interval* b = FindContaining(n.believed, x.start)) return b->start;
  for (const Interval& a : n.acting) {
    if (a.start < x.end && a.end > x.start) return a.start;
  }
  return x.start;
}

// ExpiryLeaseDuration is the LeaseDuration `new_n` expires `old_n`'s lease on: the
// record's leaseDurationSeconds (written by old_n) from 1.27 on, its own before
// (kubernetes#47671, fixed by kubernetes#114872).
Duration ExpiryLeaseDuration(const NodeObservations& old_n, const NodeObservations& new_n) {
  return new_n.client_go_minor >= 27 ? RecordLeaseDuration(old_n.lease_duration) : new_n.lease_duration;
}

// Explain applies the cause rules, first match wins (see SplitBrainCause).
void Explain(const OracleInput& in, const std::vector<size_t>& idx, SplitBrainInterval& sb) {
  const Interval& x = sb.interval;
  auto set = [&](SplitBrainCause k, std::string text) {
    sb.cause_kind = k;
    sb.cause = std::move(text);
  };
  // Order the involved nodes by when their leadership began: the first is the old leader,
  // the last the new one.
  std::vector<size_t> order = idx;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return LeadershipStart(in.nodes[a], x) < LeadershipStart(in.nodes[b], x);
  });
  const NodeObservations& old_n = in.nodes[order.front()];
  const NodeObservations& new_n = in.nodes[order.back()];

  // 0a. Leaders on lock kinds that share no object cannot see each other at all (a rolling
  // upgrade that skips the MultiLock step, reference §2.5).
  for (size_t i : order) {
    for (size_t j : order) {
      const NodeObservations& a = in.nodes[i];
      const NodeObservations& b = in.nodes[j];
      if (i >= j || a.lock_objects.empty() || b.lock_objects.empty()) continue;
      bool shared = false;
      for (const std::string& o : a.lock_objects)
        for (const std::string& p : b.lock_objects) shared |= o == p;
      if (!shared) {
        auto join = [](const std::vector<std::string>& v) {
          std::string s;
          for (const std::string& x : v) s += (s.empty() ? "" : "+") + x;
          return s;
        };
        return set(SplitBrainCause::kDisjointLockObjects,
                   fmt::format("{} locks {} and {} locks {}: no shared object, no MultiLock migration step",
                               a.node, join(a.lock_objects), b.node, join(b.lock_objects)));
      }
    }
  }
  // 0b. Two leaders with the same identity: each reads a record whose holderIdentity is
  // its own, so IsLeader() holds for both and each renews "its" lease (tryAcquireOrRenew
  // has no way to tell two processes with one identity apart; reference §1.6).
  for (size_t i = 0; i < order.size(); ++i) {
    for (size_t j = i + 1; j < order.size(); ++j) {
      const NodeObservations& a = in.nodes[order[i]];
      const NodeObservations& b = in.nodes[order[j]];
      if (a.identity == b.identity) {
        return set(SplitBrainCause::kDuplicateIdentity,
                   fmt::format("{} and {} share the identity \"{}\": each takes the other's record for its own",
                               a.node, b.node, a.identity));
      }
    }
  }
  // 0c. A workload still acting while its elector runs release(): Run cancels the leader
  // context only after release returns, which before 1.31 had no timeout (kubernetes#124588).
  for (size_t i : order) {
    const NodeObservations& n = in.nodes[i];
    for (const Interval& r : n.releasing) {
      if (r.start < x.end && r.end > x.start) {
        if (n.client_go_minor < 31) {
          return set(SplitBrainCause::kReleaseInProgress,
                     fmt::format("release() of {} ran {} with no timeout (client-go 1.{} < 1.31, kubernetes#124588) "
                                 "while its workload kept acting", n.node, Secs(r.Length()), n.client_go_minor));
        }
        return set(SplitBrainCause::kReleaseInProgress,
                   fmt::format("release() of {} ran {} while its workload kept acting", n.node, Secs(r.Length())));
      }
    }
  }
  // 1. A workload acting while its node no longer believes it leads.
  for (size_t i : order) {
    const NodeObservations& n = in.nodes[i];
    Duration d = ActingWithoutBelief(n, x);
    if (d <= Duration{0}) continue;
    if (n.workload_keeps_acting) {
      return set(SplitBrainCause::kWorkloadIgnoresCancellation,
                 fmt::format("workload ignores cancellation: {} kept acting {} after OnStoppedLeading "
                             "(kubernetes#23731)", n.node, Secs(d)));
    }
    return set(SplitBrainCause::kWorkloadStopLag,
               fmt::format("workload stop lag: {} kept acting {} after OnStoppedLeading (stopLag {})",
                           n.node, Secs(d), Secs(n.stop_lag)));
  }
  // 2. A pause of a leader during its current leadership, before the overlap ended.
  for (size_t i : order) {
    const NodeObservations& n = in.nodes[i];
    const Interval* b = FindContaining(n.believed, x.start);
    if (!b) continue;
    for (const Interval& p : n.paused) {
      if (p.start >= b->start && p.start < x.end) {
        return set(SplitBrainCause::kProcessPause,
                   fmt::format("process pause of {} for {}", n.node, Secs(p.Length())));
      }
    }
  }
  // 3. Before 1.27 a follower expires the lease on its own LeaseDuration, not the record's
  // leaseDurationSeconds (kubernetes#47671): a later leader with a shorter one takes over
  // from an earlier one early, however safe the earlier one's own timings are.
  for (size_t j = 0; j < order.size(); ++j) {
    const NodeObservations& m = in.nodes[order[j]];
    for (size_t i = j + 1; i < order.size(); ++i) {
      const NodeObservations& n = in.nodes[order[i]];
      if (n.client_go_minor < 27 && n.lease_duration < m.lease_duration) {
        return set(SplitBrainCause::kShortLeaseDurationPre127,
                   fmt::format("{} on client-go 1.{} expires {}'s lease on its own leaseDuration {} < {} "
                               "(kubernetes#47671)", n.node, n.client_go_minor, m.node,
                               FormatGoDuration(n.lease_duration), FormatGoDuration(m.lease_duration)));
      }
    }
  }
  // 4. Clock rates: the new leader's clock runs fast relative to the old leader's by more
  // than LeaseDuration/(RenewDeadline+RetryPeriod) tolerates (reference §1.16). Checked at
  // the overlap start and at every drift change in the preceding lease window.
  if (&old_n != &new_n) {
    // The new leader expires the lease on the record's leaseDurationSeconds (written by the
    // old leader) from 1.27 on, on its own LeaseDuration before (kubernetes#47671).
    const Duration ld = ExpiryLeaseDuration(old_n, new_n);
    const double tolerated = std::chrono::duration<double>(ld).count() /
                             std::chrono::duration<double>(old_n.renew_deadline + old_n.retry_period).count();
    const TrueTime window = x.start - (ld + old_n.renew_deadline + old_n.retry_period);
    std::vector<TrueTime> probes{x.start};
    for (const auto* n : {&old_n, &new_n}) {
      for (const DriftChange& c : n->drift) {
        if (c.at >= window && c.at <= x.start) probes.push_back(c.at);
      }
    }
    double worst = 0;
    for (TrueTime t : probes) worst = std::max(worst, Rate(DriftAt(new_n, t)) / Rate(DriftAt(old_n, t)));
    // Only a real rate difference is blamed; equal rates with bad timings go to rules 5-7.
    if (worst > 1.0 && worst > tolerated) {
      return set(SplitBrainCause::kClockRate,
                 fmt::format("clock rate ratio {:.2f} > tolerated {:.2f} ({} fast relative to {})", worst,
                             tolerated, new_n.node, old_n.node));
    }
  }
  // The old leader's last successful renewal before the overlap.
  const RenewalWrite* last = nullptr;
  for (const RenewalWrite& w : old_n.renewals) {
    if (w.received <= x.start) last = &w;
  }
  const Duration margin = old_n.lease_duration - old_n.renew_deadline - old_n.retry_period;
  // 5. Record precision: followers see less than the leader's timings promise. The record
  // carries leaseDurationSeconds in whole seconds (1.5s is written as 1; what followers
  // expire on from 1.27), and the raw record they compare has renewTime in whole seconds,
  // so a renewal within the same second as the last change rewrites identical bytes and
  // is invisible (observedTime is not refreshed). The rule: the margin as followers see it
  // was eaten (received - applied >= recorded LD - RD - RP), while the real delay of the
  // last renewal (received - changed, counting an exact rewrite's wait as delay) was within
  // the configured margin, and precision hid something (a renewal that changed the record
  // only below the second, or a truncated leaseDuration).
  {
    const bool follower_reads_record = &old_n != &new_n && new_n.client_go_minor >= 27;
    const Duration truncated =
        follower_reads_record ? old_n.lease_duration - RecordLeaseDuration(old_n.lease_duration) : Duration{0};
    const Duration seen_margin = margin - truncated;
    const Duration invisible = last ? last->changed - last->applied : Duration{0};
    const Duration seen_lag = last ? last->received - last->applied : Duration{0};
    const Duration real_lag = last ? last->received - last->changed : Duration{0};
    if ((truncated > Duration{0} || invisible > Duration{0}) && seen_lag >= seen_margin && real_lag < margin) {
      std::string hidden;
      if (truncated > Duration{0}) {
        hidden = fmt::format("leaseDuration {} is written as leaseDurationSeconds {}", FormatGoDuration(old_n.lease_duration),
                             RecordLeaseDuration(old_n.lease_duration).count() / 1'000'000'000);
      }
      if (invisible > Duration{0}) {
        hidden += fmt::format("{}renewTime has whole-second precision: {}'s last renewal rewrote identical bytes, "
                              "unseen by followers for {}", hidden.empty() ? "" : "; ", old_n.node, Secs(invisible));
      }
      return set(SplitBrainCause::kRecordPrecision,
                 fmt::format("record precision: {}; nothing was slow ({}'s last renewal was answered {} after it "
                             "changed the record, within the configured {} margin)", hidden, old_n.node, Secs(real_lag),
                             Secs(margin)));
    }
  }
  // 6. The old leader's last successful renewal before the overlap: its response latency
  // (applied -> received) against the margin LeaseDuration - RenewDeadline - RetryPeriod.
  {
    if (last && margin > Duration{0} && last->received - last->applied >= margin) {
      return set(SplitBrainCause::kSlowWrite,
                 fmt::format("slow or ambiguous renewal: {1} learned of its last renewal {0} after the record last changed, eating the {2} margin", Secs(last->received - last->applied),
                             old_n.node, Secs(margin)));
    }
  }
  // 7. Timings that allow overlap even with perfect clocks and instant writes.
  for (size_t i : order) {
    const NodeObservations& n = in.nodes[i];
    if (n.lease_duration <= n.renew_deadline + n.retry_period) {
      return set(SplitBrainCause::kTimingsAllowOverlap,
                 fmt::format("timings allow overlap: {} leaseDuration {} <= renewDeadline {} + retryPeriod {}",
                             n.node, FormatGoDuration(n.lease_duration), FormatGoDuration(n.renew_deadline),
                             FormatGoDuration(n.retry_period)));
    }
  }
  set(SplitBrainCause::kUnexplained, "unexplained");
}

// Sweep returns maximal stretches of [start, end) where `pick(count)` holds for the count
// of nodes inside one of their `lists(n)` intervals, with the union of those nodes.
template <typename ListOf, typename Pred>
std::vector<std::pair<Interval, std::set<size_t>>> Sweep(const OracleInput& in, ListOf lists, Pred pick) {
  std::vector<Boundary> bs;
  for (size_t i = 0; i < in.nodes.size(); ++i) {
    for (const Interval& iv : lists(in.nodes[i])) {
      assert(iv.start <= iv.end);
      if (iv.start == iv.end) continue;
      bs.push_back({iv.start, +1, i});
      bs.push_back({iv.end, -1, i});
    }
  }
  bs.push_back({in.start, 0, 0});  // probe points so a gap at the edges is seen
  std::sort(bs.begin(), bs.end());
  std::vector<std::pair<Interval, std::set<size_t>>> out;
  std::multiset<size_t> inside;
  bool open = false;
  for (size_t k = 0; k < bs.size();) {
    const TrueTime t = bs[k].at;
    for (; k < bs.size() && bs[k].at == t; ++k) {
      if (bs[k].delta > 0) inside.insert(bs[k].node);
      if (bs[k].delta < 0) inside.erase(inside.find(bs[k].node));
    }
    const TrueTime tc = std::clamp(t, in.start, in.end);
    const bool want = pick(inside.size()) && t < in.end;
    if (want && !open) {
      out.push_back({{tc, in.end}, {}});
      open = true;
    } else if (!want && open) {
      out.back().first.end = tc;
      open = false;
    }
    if (open) out.back().second.insert(inside.begin(), inside.end());
  }
  // Drop stretches emptied by clamping.
  std::erase_if(out, [](const auto& p) { return p.first.start >= p.first.end; });
  return out;
}

}  // namespace

Duration RecordLeaseDuration(Duration lease_duration) {
  return std::chrono::seconds(static_cast<int32_t>(lease_duration / std::chrono::seconds(1)));
}

uint64_t ApiAccounting::TotalRequests() const {
  uint64_t n = 0;
  for (const auto& [verb, count] : requests) n += count;
  return n;
}

std::string_view CauseName(SplitBrainCause c) {
  switch (c) {
    case SplitBrainCause::kDisjointLockObjects: return "disjoint_lock_objects";
    case SplitBrainCause::kDuplicateIdentity: return "duplicate_identity";
    case SplitBrainCause::kRecordPrecision: return "record_precision";
    case SplitBrainCause::kReleaseInProgress: return "release_in_progress";
    case SplitBrainCause::kWorkloadIgnoresCancellation: return "workload_ignores_cancellation";
    case SplitBrainCause::kWorkloadStopLag: return "workload_stop_lag";
    case SplitBrainCause::kProcessPause: return "process_pause";
    case SplitBrainCause::kClockRate: return "clock_rate";
    case SplitBrainCause::kSlowWrite: return "slow_write";
    case SplitBrainCause::kTimingsAllowOverlap: return "timings_allow_overlap";
    case SplitBrainCause::kShortLeaseDurationPre127: return "short_lease_duration_pre_1_27";
    case SplitBrainCause::kUnexplained: return "unexplained";
  }
  return "unexplained";
}

int64_t DriftAt(const NodeObservations& n, TrueTime t) {
  int64_t d = 0;
  for (const DriftChange& c : n.drift) {
    if (c.at <= t) d = c.drift_ppm;
  }
  return d;
}

std::vector<SplitBrainInterval> ComputeSplitBrain(const OracleInput& in) {
  std::vector<SplitBrainInterval> out;
  auto stretches = Sweep(in, [](const NodeObservations& n) -> const std::vector<Interval>& { return n.acting; },
                         [](size_t count) { return count >= 2; });
  for (auto& [iv, set] : stretches) {
    SplitBrainInterval sb;
    sb.interval = iv;
    std::vector<size_t> idx(set.begin(), set.end());  // std::set: scenario order
    for (size_t i : idx) sb.nodes.push_back(in.nodes[i].node);
    Explain(in, idx, sb);
    out.push_back(std::move(sb));
  }
  return out;
}

std::vector<Interval> ComputeNoLeader(const OracleInput& in) {
  std::vector<Interval> out;
  auto stretches = Sweep(in, [](const NodeObservations& n) -> const std::vector<Interval>& { return n.believed; },
                         [](size_t count) { return count == 0; });
  for (auto& [iv, set] : stretches) out.push_back(iv);
  return out;
}

std::vector<Transition> ComputeTransitions(const std::vector<HolderChange>& changes) {
  std::vector<Transition> out;
  for (size_t i = 1; i < changes.size(); ++i) {
    const std::string& prev = changes[i - 1].holder;
    const std::string& next = changes[i].holder;
    if (!next.empty() && next != prev) out.push_back({changes[i].at, prev, next});
  }
  return out;
}

OracleResults RunOracles(const OracleInput& in) {
  assert(in.start <= in.end);
  OracleResults r;
  r.start = in.start;
  r.end = in.end;
  const double run_s = std::chrono::duration<double>(in.end - in.start).count();

  for (const NodeObservations& n : in.nodes) {
    NodeIntervals ni{n.node, n.identity, n.believed, n.acting, n.paused, {}};
    bool unhealthy = false;
    TrueTime down_at = in.start;
    for (const HealthzChange& h : n.healthz) {
      if (!h.healthy && !unhealthy) {
        unhealthy = true;
        down_at = h.at;
      } else if (h.healthy && unhealthy) {
        if (h.at > down_at) ni.unhealthy.push_back({down_at, h.at});
        unhealthy = false;
      }
    }
    if (unhealthy && down_at < in.end) ni.unhealthy.push_back({down_at, in.end});
    r.nodes.push_back(std::move(ni));
  }

  r.split_brain = ComputeSplitBrain(in);
  for (const auto& sb : r.split_brain) {
    r.split_brain_total += sb.interval.Length();
    r.split_brain_max = std::max(r.split_brain_max, sb.interval.Length());
  }
  r.no_leader = ComputeNoLeader(in);
  for (const Interval& g : r.no_leader) {
    r.no_leader_total += g.Length();
    r.no_leader_max = std::max(r.no_leader_max, g.Length());
  }

  for (size_t f = 0; f < in.faults.size(); ++f) {
    const FaultMark& fm = in.faults[f];
    FailoverResult fr;
    fr.fault = fm;
    // The previous leader: believed just before the fault (earliest start on a tie).
    const Interval* prev = nullptr;
    for (const NodeObservations& n : in.nodes) {
      for (const Interval& b : n.believed) {
        if (b.start < fm.at && b.end >= fm.at && (!prev || b.start < prev->start)) {
          prev = &b;
          fr.previous_leader = n.node;
        }
      }
    }
    if (prev && prev->end < in.end) fr.lost_at = prev->end;
    for (const NodeObservations& n : in.nodes) {
      for (const Interval& b : n.believed) {
        if (b.start >= fm.at && (!fr.new_leader_at || b.start < *fr.new_leader_at)) {
          fr.new_leader_at = b.start;
          fr.new_leader = n.node;
        }
      }
    }
    TrueTime next_fault = in.end;
    for (const FaultMark& g : in.faults) {
      if (g.at > fm.at) next_fault = std::min(next_fault, g.at);
    }
    fr.disrupted = !prev || (fr.lost_at && *fr.lost_at < next_fault);
    r.failovers.push_back(std::move(fr));
  }

  r.transitions = ComputeTransitions(in.holder_changes);
  r.transitions_per_hour = run_s > 0 ? static_cast<double>(r.transitions.size()) * 3600.0 / run_s : 0;
  r.api = in.api;
  r.api_requests_per_second = run_s > 0 ? static_cast<double>(in.api.TotalRequests()) / run_s : 0;
  return r;
}

}  // namespace leasesim::sim
