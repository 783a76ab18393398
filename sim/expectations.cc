// expectations.cc — evaluation of scenario expectations against oracle results.
#include "sim/expectations.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "sim/go_duration.h"

namespace leasesim::sim {
namespace {

constexpr std::array<std::string_view, 19> kNames = {
    "no_split_brain",     "split_brain_at_least",  "split_brain_at_most",   "leader_within",
    "failover_at_most",   "no_leader_at_most",     "no_leader_at_least",    "transitions_at_most",
    "transitions_at_least", "leader_at_end",       "log_contains",          "healthz_unhealthy_within",
    "api_requests_per_second_at_most", "api_requests_per_second_at_least", "watch_events_per_second_at_most",
    "watch_events_per_second_at_least", "oldest_emulation_violation_at_most", "oldest_emulation_violation_at_least",
    "handover_at_most",
};

// D prints a duration rounded to milliseconds, Go style ("17.2s", "1m40s").
std::string D(Duration d) { return FormatGoDuration(std::chrono::round<std::chrono::milliseconds>(d)); }
// At prints a true instant as scenario time ("at 1m40s").
std::string At(const OracleInput& in, TrueTime t) { return D(t - in.start); }

const FaultMark* FindFault(const OracleInput& in, int index) {
  for (const FaultMark& f : in.faults) {
    if (f.index == index) return &f;
  }
  return nullptr;
}
const FailoverResult* FindFailover(const OracleResults& r, int index) {
  for (const FailoverResult& f : r.failovers) {
    if (f.fault.index == index) return &f;
  }
  return nullptr;
}
const NodeObservations* FindNode(const OracleInput& in, const std::string& node) {
  for (const NodeObservations& n : in.nodes) {
    if (n.node == node) return &n;
  }
  return nullptr;
}
std::string FaultName(const FaultMark& f) { return fmt::format("fault {} ({})", f.index, f.kind); }

ExpectationResult Evaluate(const Expectation& e, const OracleInput& in, const OracleResults& r) {
  ExpectationResult out{e.index, e.kind, {}, false, {}};
  auto split_actual = [&] {
    if (r.split_brain.empty()) return std::string("split-brain 0s");
    const SplitBrainInterval& first = r.split_brain.front();
    return fmt::format("split-brain {} in {} interval(s), first at {} ({}): {}", D(r.split_brain_total),
                       r.split_brain.size(), At(in, first.interval.start), fmt::join(first.nodes, ", "),
                       first.cause);
  };
  switch (e.kind) {
    case ExpectKind::kCluster:  // evaluated by EvaluateCluster
      break;
    case ExpectKind::kNoSplitBrain:
      out.expect = "no split-brain";
      out.held = r.split_brain.empty();
      out.actual = split_actual();
      break;
    case ExpectKind::kSplitBrainAtLeast:
      out.expect = fmt::format("at least {} of split-brain", D(e.total));
      out.held = r.split_brain_total >= e.total;
      out.actual = split_actual();
      break;
    case ExpectKind::kSplitBrainAtMost:
      out.expect = fmt::format("at most {} of split-brain", D(e.total));
      out.held = r.split_brain_total <= e.total;
      out.actual = split_actual();
      break;
    case ExpectKind::kLeaderWithin: {
      const FaultMark* f = FindFault(in, e.after_fault);
      out.expect = f ? fmt::format("a leader within {} after {}", D(e.within), FaultName(*f))
                     : fmt::format("a leader within {} after fault {}", D(e.within), e.after_fault);
      const FailoverResult* fr = FindFailover(r, e.after_fault);
      if (!f || !fr) {
        out.actual = fmt::format("fault {} did not happen", e.after_fault);
        break;
      }
      const TrueTime deadline = f->at + e.within;
      // The previous leader kept leading through [at, at+within], unpaused.
      bool kept = false;
      if (fr->previous_leader && (!fr->lost_at || *fr->lost_at >= std::min(deadline, in.end))) {
        kept = true;
        if (const NodeObservations* n = FindNode(in, *fr->previous_leader)) {
          for (const Interval& p : n->paused) {
            if (p.start < deadline && p.end > f->at) kept = false;
          }
        }
      }
      if (kept) {
        out.held = true;
        out.actual = fmt::format("{} kept leading", *fr->previous_leader);
      } else if (fr->new_leader_at) {
        out.held = *fr->new_leader_at <= deadline;
        out.actual = fmt::format("{} led after {}", *fr->new_leader, D(*fr->new_leader_at - f->at));
      } else {
        out.actual = "no new leader before the run ended";
      }
      break;
    }
    case ExpectKind::kFailoverAtMost: {
      out.expect = fmt::format("every failover within {}", D(e.within));
      out.held = true;
      const FailoverResult* worst = nullptr;
      for (const FailoverResult& fr : r.failovers) {
        if (!fr.disrupted) continue;
        if (!fr.new_leader_at) {
          out.held = false;
          out.actual = fmt::format("no new leader after {}", FaultName(fr.fault));
          worst = nullptr;
          break;
        }
        if (!worst || *fr.Failover() > *worst->Failover()) worst = &fr;
      }
      if (worst) {
        out.held = *worst->Failover() <= e.within;
        out.actual = fmt::format("worst failover {} after {}", D(*worst->Failover()), FaultName(worst->fault));
      } else if (out.held) {
        out.actual = "no fault disrupted leadership";
      }
      break;
    }
    case ExpectKind::kNoLeaderAtMost: {
      const TrueTime from = in.start + e.after_time.value_or(Duration{0});
      out.expect = e.after_time ? fmt::format("no gap without a leader longer than {} after {}", D(e.max_gap),
                                              D(*e.after_time))
                                : fmt::format("no gap without a leader longer than {}", D(e.max_gap));
      Duration longest{0};
      TrueTime longest_at = from;
      for (const Interval& g : r.no_leader) {
        Interval c{std::max(g.start, from), g.end};
        if (c.end > c.start && c.Length() > longest) {
          longest = c.Length();
          longest_at = c.start;
        }
      }
      out.held = longest <= e.max_gap;
      out.actual = longest > Duration{0} ? fmt::format("longest no-leader gap {} from {}", D(longest), At(in, longest_at))
                                         : "always a leader";
      break;
    }
    case ExpectKind::kNoLeaderAtLeast:
      out.expect = fmt::format("at least {} without a leader", D(e.total));
      out.held = r.no_leader_total >= e.total;
      out.actual = fmt::format("no leader for {} in total, longest gap {}", D(r.no_leader_total), D(r.no_leader_max));
      break;
    case ExpectKind::kOldestEmulationViolationAtMost:
    case ExpectKind::kOldestEmulationViolationAtLeast: {
      const bool at_most = e.kind == ExpectKind::kOldestEmulationViolationAtMost;
      const CoordinationRecord& c = in.coordination;
      out.expect = fmt::format("at {} {} with a leader newer than the oldest emulation version present",
                               at_most ? "most" : "least", D(e.total));
      const Duration t = c.oldest_emulation_violation_total;
      out.held = at_most ? t <= e.total : t >= e.total;
      out.actual = c.oldest_emulation_violations.empty()
                       ? std::string("never")
                       : fmt::format("{} in {} stretch(es), first at {}", D(t), c.oldest_emulation_violations.size(),
                                     At(in, c.oldest_emulation_violations.front().start));
      break;
    }
    case ExpectKind::kHandoverAtMost: {
      const CoordinationRecord& c = in.coordination;
      out.expect = fmt::format("every preferredHolder handover within {}", D(e.within));
      out.held = true;
      std::vector<std::string> parts;
      for (const auto& h : c.handovers) {
        if (!h.holder_at) {
          out.held = false;
          parts.push_back(fmt::format("{} -> {} at {}: not handed over", h.from, h.to, At(in, h.preferred_at)));
          continue;
        }
        const Duration d = *h.holder_at - h.preferred_at;
        if (d > e.within) out.held = false;
        parts.push_back(fmt::format("{} -> {} at {}: {} (holder {})", h.from, h.to, At(in, h.preferred_at), D(d),
                                    h.new_holder.empty() ? "none" : h.new_holder));
      }
      out.actual = parts.empty() ? std::string("no handover") : fmt::format("{}", fmt::join(parts, "; "));
      break;
    }
    case ExpectKind::kTransitionsAtMost:
    case ExpectKind::kTransitionsAtLeast: {
      const bool at_most = e.kind == ExpectKind::kTransitionsAtMost;
      const auto n = static_cast<int64_t>(r.transitions.size());
      out.expect = fmt::format("at {} {} lease transitions", at_most ? "most" : "least", e.count);
      out.held = at_most ? n <= e.count : n >= e.count;
      out.actual = fmt::format("{} transitions ({:.1f} per hour)", n, r.transitions_per_hour);
      break;
    }
    case ExpectKind::kLeaderAtEnd: {
      out.expect = e.identity ? fmt::format("{} leads at the end", *e.identity) : "a leader at the end";
      std::vector<std::string> leaders;
      for (const NodeObservations& n : in.nodes) {
        for (const Interval& b : n.believed) {
          if (b.start < in.end && b.end >= in.end) leaders.push_back(n.identity);
        }
      }
      out.held = e.identity ? std::find(leaders.begin(), leaders.end(), *e.identity) != leaders.end()
                            : !leaders.empty();
      out.actual = leaders.empty() ? "no leader at the end" : fmt::format("{} leads at the end", fmt::join(leaders, ", "));
      break;
    }
    case ExpectKind::kLogContains: {
      out.expect = e.node ? fmt::format("a log line of {} contains \"{}\"", *e.node, e.text)
                          : fmt::format("a log line contains \"{}\"", e.text);
      size_t seen = 0;
      for (const LogLine& l : in.logs) {
        if (e.node && l.node != *e.node) continue;
        ++seen;
        if (l.text.find(e.text) != std::string::npos) {
          out.held = true;
          out.actual = fmt::format("at {} {}: {}", At(in, l.at), l.node, l.text);
          break;
        }
      }
      if (!out.held) out.actual = fmt::format("not found in {} log lines", seen);
      break;
    }
    case ExpectKind::kHealthzUnhealthyWithin: {
      const FaultMark* f = FindFault(in, e.after_fault);
      const std::string node = e.node.value_or("");
      out.expect = fmt::format("healthz of {} unhealthy within {} after {}", node, D(e.within),
                               f ? FaultName(*f) : fmt::format("fault {}", e.after_fault));
      if (!f) {
        out.actual = fmt::format("fault {} did not happen", e.after_fault);
        break;
      }
      out.actual = "stayed healthy";
      for (const NodeIntervals& n : r.nodes) {
        if (n.node != node) continue;
        for (const Interval& u : n.unhealthy) {
          if (u.end > f->at) {
            const Duration after = u.start > f->at ? u.start - f->at : Duration{0};
            out.held = after <= e.within;
            out.actual = fmt::format("unhealthy {} after the fault", D(after));
            break;
          }
        }
      }
      break;
    }
    case ExpectKind::kApiRequestsPerSecondAtMost:
    case ExpectKind::kApiRequestsPerSecondAtLeast: {
      const double run_s = std::chrono::duration<double>(in.end - in.start).count();
      uint64_t n = 0;
      if (e.verb) {
        auto it = r.api.requests.find(*e.verb);
        n = it == r.api.requests.end() ? 0 : it->second;
      } else {
        n = r.api.TotalRequests();
      }
      const double rate = run_s > 0 ? static_cast<double>(n) / run_s : 0;
      const bool at_most = e.kind == ExpectKind::kApiRequestsPerSecondAtMost;
      const char* bound = at_most ? "at most" : "at least";
      out.expect = e.verb ? fmt::format("{} {:g} {} requests/s", bound, e.rate, *e.verb)
                          : fmt::format("{} {:g} API requests/s", bound, e.rate);
      out.held = at_most ? rate <= e.rate : rate >= e.rate;
      out.actual = fmt::format("{:.3f} requests/s ({} requests)", rate, n);
      break;
    }
    case ExpectKind::kWatchEventsPerSecondAtMost:
    case ExpectKind::kWatchEventsPerSecondAtLeast: {
      const double run_s = std::chrono::duration<double>(in.end - in.start).count();
      uint64_t n = 0;
      for (const auto& [res, count] : r.api.watch_events)
        if (!e.resource || *e.resource == res) n += count;
      const double rate = run_s > 0 ? static_cast<double>(n) / run_s : 0;
      const bool at_most = e.kind == ExpectKind::kWatchEventsPerSecondAtMost;
      const char* bound = at_most ? "at most" : "at least";
      out.expect = e.resource ? fmt::format("{} {:g} watch events/s on {}", bound, e.rate, *e.resource)
                              : fmt::format("{} {:g} watch events/s", bound, e.rate);
      out.held = at_most ? rate <= e.rate : rate >= e.rate;
      out.actual = fmt::format("{:.3f} watch events/s ({} events)", rate, n);
      break;
    }
  }
  return out;
}

}  // namespace

std::string_view ExpectKindName(ExpectKind k) {
  if (k == ExpectKind::kCluster) return "cluster";
  return kNames[static_cast<size_t>(k)];
}

std::optional<ExpectKind> ParseExpectKind(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<ExpectKind>(i);
  }
  return std::nullopt;
}

std::vector<std::string_view> AllExpectKindNames() { return {kNames.begin(), kNames.end()}; }

std::vector<ExpectationResult> EvaluateExpectations(const std::vector<Expectation>& expect,
                                                    const OracleInput& in, const OracleResults& r) {
  std::vector<ExpectationResult> out;
  out.reserve(expect.size());
  for (const Expectation& e : expect) out.push_back(Evaluate(e, in, r));
  return out;
}

bool AllHeld(const std::vector<ExpectationResult>& results) {
  return std::all_of(results.begin(), results.end(), [](const ExpectationResult& r) { return r.held; });
}

}  // namespace leasesim::sim
