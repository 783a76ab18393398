// properties.cc — EvaluateChaosProperties and the matching scenario expectations.
#include "harness/chaos/properties.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "sim/go_duration.h"

namespace leasesim::sim {
namespace {

bool Excused(const ChaosProperty& p, SplitBrainCause c) {
  return std::find(p.excuse.begin(), p.excuse.end(), c) != p.excuse.end();
}

// RunExcused: the run has split-brain with a cause this property excuses.
bool RunExcused(const ChaosProperty& p, const OracleResults& r) {
  for (const SplitBrainInterval& sb : r.split_brain) {
    if (Excused(p, sb.cause_kind)) return true;
  }
  return false;
}

std::string LastFaultKindBefore(const OracleInput& in, TrueTime t) {
  std::string kind = "none";
  for (const FaultMark& f : in.faults) {
    if (f.at <= t) kind = f.kind;
  }
  return kind;
}

// OverlapsAnother: fault `index` of `s` starts while another fault is active (or at the
// same instant as an instantaneous one).
bool OverlapsAnother(const Scenario& s, int index) {
  if (index < 0 || index >= static_cast<int>(s.faults.size())) return false;
  const Duration at = s.faults[static_cast<size_t>(index)].at;
  for (const FaultSpec& f : s.faults) {
    if (f.index == index) continue;
    const Duration end = f.at + f.for_.value_or(Duration{0});
    if (f.at <= at && (at < end || at == f.at)) return true;
  }
  return false;
}

std::string S(Duration d) { return FormatGoDuration(d); }

int64_t TransitionLimit(const ChaosProperty& p, Duration duration) {
  return static_cast<int64_t>(std::floor(p.per_hour * std::chrono::duration<double>(duration).count() / 3600.0 + 1e-9));
}

}  // namespace

std::vector<ChaosFailure> EvaluateChaosProperties(const ChaosSpec& spec, const Scenario& s, const RunResult& run) {
  const OracleResults& r = run.results;
  const OracleInput& in = run.input;
  std::map<std::string, ChaosFailure> found;  // by class: sorted, earliest kept
  auto add = [&](ChaosFailure f) {
    auto [it, inserted] = found.emplace(f.Class(), f);
    if (!inserted && f.at < it->second.at) it->second = std::move(f);
  };
  for (const ChaosProperty& p : spec.properties) {
    if (p.kind != ChaosPropertyKind::kNoSplitBrain && RunExcused(p, r)) continue;
    switch (p.kind) {
      case ChaosPropertyKind::kNoSplitBrain:
        for (const SplitBrainInterval& sb : r.split_brain) {
          if (Excused(p, sb.cause_kind)) continue;
          add({p.kind, std::string(CauseName(sb.cause_kind)), sb.interval.start - r.start,
               fmt::format("split-brain {} from {} ({}): {}", S(sb.interval.Length()), S(sb.interval.start - r.start),
                           fmt::join(sb.nodes, ", "), sb.cause)});
        }
        break;
      case ChaosPropertyKind::kFailoverAtMost:
        for (const FailoverResult& fr : r.failovers) {
          // A failover is the fault's doing only when it took leadership from a sitting
          // leader: a node fault must hit that leader (API-server faults hit everyone).
          if (!fr.disrupted || !fr.previous_leader) continue;
          if (!fr.fault.nodes.empty() &&
              std::find(fr.fault.nodes.begin(), fr.fault.nodes.end(), *fr.previous_leader) == fr.fault.nodes.end()) {
            continue;
          }
          if (p.isolated && OverlapsAnother(s, fr.fault.index)) continue;
          if (!p.after_kinds.empty() &&
              std::find(p.after_kinds.begin(), p.after_kinds.end(), fr.fault.kind) == p.after_kinds.end()) {
            continue;
          }
          const auto fo = fr.Failover();
          if (fo && *fo <= p.within) continue;
          // The failure is complete when the late leader arrives (or the bound passes).
          add({p.kind, fr.fault.kind, (fo ? *fr.new_leader_at : fr.fault.at + p.within) - r.start,
               fo ? fmt::format("failover {} after fault {} ({}) at {}", S(*fo), fr.fault.index, fr.fault.kind,
                                S(fr.fault.at - r.start))
                  : fmt::format("no new leader after fault {} ({}) at {}", fr.fault.index, fr.fault.kind,
                                S(fr.fault.at - r.start))});
        }
        break;
      case ChaosPropertyKind::kNoLeaderGapAtMost: {
        const TrueTime from = r.start + p.after;
        for (const Interval& g : r.no_leader) {
          const Interval c{std::max(g.start, from), g.end};
          if (c.end <= c.start || c.Length() <= p.max_gap) continue;
          add({p.kind, LastFaultKindBefore(in, g.start), c.start + p.max_gap - r.start,
               fmt::format("no leader for {} from {}", S(c.Length()), S(c.start - r.start))});
        }
        break;
      }
      case ChaosPropertyKind::kTransitionsPerHourAtMost: {
        const int64_t limit = TransitionLimit(p, s.duration);
        if (static_cast<int64_t>(r.transitions.size()) > limit) {
          add({p.kind, "flapping", r.transitions[static_cast<size_t>(limit)].at - r.start,
               fmt::format("{} transitions in {} (at most {})", r.transitions.size(), S(s.duration), limit)});
        }
        break;
      }
      case ChaosPropertyKind::kInvariants:
        for (const InvariantBreach& b : run.invariant_breaches) {
          add({p.kind, b.invariant, b.at - r.start,
               fmt::format("invariant {} broken at {}{}: {}", b.invariant, S(b.at - r.start),
                           b.node.empty() ? "" : fmt::format(" by {}", b.node), b.message)});
        }
        break;
      case ChaosPropertyKind::kLiveness: {
        const TrueTime from = r.start + spec.heal_at + spec.leader_within;
        for (const Interval& g : r.no_leader) {
          const Interval c{std::max(g.start, from), g.end};
          if (c.end <= c.start) continue;
          add({p.kind, "no_leader_after_heal", c.start - r.start,
               fmt::format("no leader from {} to {} (every fault healed at {}, a leader required within {})",
                           S(g.start - r.start), S(g.end - r.start), S(spec.heal_at), S(spec.leader_within))});
          break;
        }
        break;
      }
    }
  }
  std::vector<ChaosFailure> out;
  for (auto& [k, f] : found) out.push_back(std::move(f));
  return out;
}

nlohmann::json PropertyExpectation(const ChaosSpec& spec, ChaosPropertyKind kind, Duration duration) {
  for (const ChaosProperty& p : spec.properties) {
    if (p.kind != kind) continue;
    switch (kind) {
      case ChaosPropertyKind::kNoSplitBrain: return {{"kind", "no_split_brain"}};
      case ChaosPropertyKind::kFailoverAtMost: return {{"kind", "failover_at_most"}, {"within", S(p.within)}};
      case ChaosPropertyKind::kNoLeaderGapAtMost:
        return {{"kind", "no_leader_at_most"}, {"maxGap", S(p.max_gap)}, {"after", S(p.after)}};
      case ChaosPropertyKind::kTransitionsPerHourAtMost:
        return {{"kind", "transitions_at_most"}, {"count", TransitionLimit(p, duration)}};
      case ChaosPropertyKind::kInvariants: return nullptr;  // every run checks them (sim/invariants.h)
      case ChaosPropertyKind::kLiveness:
        return {{"kind", "no_leader_at_most"}, {"maxGap", "0s"}, {"after", S(spec.heal_at + spec.leader_within)}};
    }
  }
  return nullptr;
}

}  // namespace leasesim::sim
