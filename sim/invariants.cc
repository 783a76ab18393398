// invariants.cc — the invariant checkers (see invariants.h).
#include "sim/invariants.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace leasesim::sim {

namespace {

using Kind = ElectorEvent::Kind;

// Secs is a true time as seconds since scenario start, millisecond precision ("312.004s").
std::string Secs(TrueTime t, TrueTime start) {
  return fmt::format("{:.3f}s", std::chrono::duration<double>(t - start).count());
}

std::string Holder(const std::string& h) { return h.empty() ? std::string("\"\"") : h; }

std::string WallNs(core::WallTime t) { return t.IsZero() ? std::string("zero") : std::to_string(t.since_unix.count()); }

// DescribeWrite is one lock write in words, with its time.
std::string DescribeWrite(const LockWrite& w, TrueTime start) {
  std::string s = fmt::format("{} of {}{} applied at {}: holder {} -> {}, leaderTransitions {} -> {}, acquireTime(ns) {} -> {}",
                              core::VerbName(w.verb), w.object, w.node.empty() ? "" : " by " + w.node,
                              Secs(w.at, start), w.previous ? Holder(w.previous->holderIdentity) : std::string("(none)"),
                              Holder(w.record.holderIdentity),
                              w.previous ? std::to_string(w.previous->leaderTransitions) : std::string("(none)"),
                              w.record.leaderTransitions, w.previous ? WallNs(w.previous->acquireTime) : std::string("(none)"),
                              WallNs(w.record.acquireTime));
  return s;
}

std::string DescribeEvent(const ElectorEvent& e, TrueTime start) {
  std::string s = fmt::format("{} at {} (run {})", ElectorEventName(e.kind), Secs(e.at, start), e.run);
  if (e.kind == Kind::kLockWrite) s += fmt::format(" request {}", e.request_id);
  return s;
}

}  // namespace

std::string_view ElectorEventName(ElectorEvent::Kind k) {
  switch (k) {
    case Kind::kRunStarted: return "Run started";
    case Kind::kStartedLeading: return "OnStartedLeading";
    case Kind::kBelieved: return "believed leading";
    case Kind::kActing: return "workload acting";
    case Kind::kActingStopped: return "workload stopped acting";
    case Kind::kLockWrite: return "lock write sent";
    case Kind::kReleaseReturned: return "release() returned";
    case Kind::kStoppedLeading: return "OnStoppedLeading";
    case Kind::kRunReturned: return "Run returned";
    case Kind::kKilled: return "process killed";
  }
  return "?";
}

std::vector<InvariantBreach> CheckLeaseHistory(const std::vector<LockWrite>& writes, TrueTime start) {
  LeaseHistoryChecker c(start);
  for (const LockWrite& w : writes) c.Observe(w);
  return c.Take();
}

void LeaseHistoryChecker::Observe(const LockWrite& w) {
  const TrueTime start = start_;
  auto breach = [&](std::string_view name, const LockWrite& w, std::string message) {
    breaches_.push_back({std::string(name), w.at, w.node, std::move(message), {DescribeWrite(w, start)}});
  };
  {
    if (w.verb != core::Verb::kUpdate) return;
    if (w.previous_resource_version && w.sent_resource_version != *w.previous_resource_version) {
      breach("lease_resource_version", w,
             fmt::format("update of {} applied with resourceVersion \"{}\" but the stored object had \"{}\"", w.object,
                         w.sent_resource_version, *w.previous_resource_version));
    }
    if (!w.previous || w.multi_lock || !w.by_elector) return;
    const core::LeaderElectionRecord& old = *w.previous;
    const core::LeaderElectionRecord& now = w.record;
    const bool takeover = !now.holderIdentity.empty() && now.holderIdentity != old.holderIdentity;
    const bool release = now.holderIdentity.empty() && !old.holderIdentity.empty();
    if (takeover && now.leaderTransitions != old.leaderTransitions + 1) {
      breach("lease_transitions", w,
             fmt::format("holder changed {} -> {} but leaderTransitions went {} -> {} (expected {})",
                         Holder(old.holderIdentity), Holder(now.holderIdentity), old.leaderTransitions,
                         now.leaderTransitions, old.leaderTransitions + 1));
    } else if (!takeover && now.leaderTransitions != old.leaderTransitions) {
      breach("lease_transitions", w,
             fmt::format("leaderTransitions changed {} -> {} without a takeover (holder {} -> {})",
                         old.leaderTransitions, now.leaderTransitions, Holder(old.holderIdentity),
                         Holder(now.holderIdentity)));
    }
    if (!takeover && !release && now.acquireTime != old.acquireTime) {
      breach("lease_acquire_time", w,
             fmt::format("acquireTime changed without a takeover or a release (holder {} -> {})",
                         Holder(old.holderIdentity), Holder(now.holderIdentity)));
    }
  }
}

bool LeaseUpdateKeepsRecordRules(const core::LeaseSpec& old, const core::LeaseSpec& now) {
  // Observe's rules on the decoded records (holderIdentity, leaderTransitions,
  // acquireTime), field by field on the specs.
  auto holder = [](const core::LeaseSpec& s) {
    return s.holderIdentity ? std::string_view(*s.holderIdentity) : std::string_view();
  };
  const std::string_view old_holder = holder(old);
  const std::string_view now_holder = holder(now);
  const bool takeover = !now_holder.empty() && now_holder != old_holder;
  const bool release = now_holder.empty() && !old_holder.empty();
  const int old_transitions = old.leaseTransitions.value_or(0);
  const int now_transitions = now.leaseTransitions.value_or(0);
  if (now_transitions != (takeover ? old_transitions + 1 : old_transitions)) return false;
  if (takeover || release) return true;
  return now.acquireTime.value_or(core::WallTime::Zero()) == old.acquireTime.value_or(core::WallTime::Zero());
}

std::vector<InvariantBreach> CheckElectorLife(const ElectorHistory& h, TrueTime start, TrueTime end) {
  std::vector<InvariantBreach> out;
  auto breach = [&](std::string_view name, TrueTime at, std::string message, std::vector<std::string> events) {
    out.push_back({std::string(name), at, h.node, std::move(message), std::move(events)});
  };
  // Group by run, keeping time order within each.
  std::map<uint32_t, std::vector<const ElectorEvent*>> runs;
  for (const ElectorEvent& e : h.events) runs[e.run].push_back(&e);
  for (const auto& [run, events] : runs) {
    const ElectorEvent* started = nullptr;
    const ElectorEvent* stopped = nullptr;
    const ElectorEvent* returned = nullptr;
    const ElectorEvent* released = nullptr;
    const ElectorEvent* killed = nullptr;
    bool acting = false;
    for (const ElectorEvent* e : events) {
      if (stopped && e->kind != Kind::kStoppedLeading) {
        const bool leaderish = e->kind == Kind::kStartedLeading || e->kind == Kind::kBelieved ||
                               e->kind == Kind::kLockWrite || (h.workload_exits && e->kind == Kind::kActing);
        if (leaderish) {
          breach("leader_after_stopped", e->at,
                 fmt::format("{} after OnStoppedLeading in the same Run", ElectorEventName(e->kind)),
                 {DescribeEvent(*stopped, start), DescribeEvent(*e, start)});
        }
      }
      if (released && e->kind == Kind::kLockWrite) {
        breach("write_after_release", e->at, "a lock write was sent after release() returned",
               {DescribeEvent(*released, start), DescribeEvent(*e, start)});
      }
      switch (e->kind) {
        case Kind::kStartedLeading:
          if (started) {
            breach("started_leading_once", e->at, "OnStartedLeading invoked a second time in one Run",
                   {DescribeEvent(*started, start), DescribeEvent(*e, start)});
          } else {
            started = e;
          }
          break;
        case Kind::kStoppedLeading:
          if (stopped) {
            breach("stopped_leading_once", e->at, "OnStoppedLeading invoked a second time in one Run",
                   {DescribeEvent(*stopped, start), DescribeEvent(*e, start)});
          } else if (returned || killed) {
            breach("stopped_leading_once", e->at, "OnStoppedLeading invoked after Run had ended",
                   {DescribeEvent(returned ? *returned : *killed, start), DescribeEvent(*e, start)});
          } else {
            stopped = e;
          }
          break;
        case Kind::kRunReturned:
          if (!returned) returned = e;
          if (!stopped) {
            breach("stopped_leading_once", e->at, "Run returned without invoking OnStoppedLeading",
                   {DescribeEvent(*e, start)});
          }
          break;
        case Kind::kReleaseReturned:
          if (!released) released = e;
          break;
        case Kind::kKilled:
          if (!killed) killed = e;
          break;
        case Kind::kActing: acting = true; break;
        case Kind::kActingStopped:
          if (acting && stopped && h.workload_exits && e->at > stopped->at + h.stop_lag) {
            breach("leader_after_stopped", stopped->at + h.stop_lag,
                   fmt::format("the workload acted beyond its stop lag ({} ns) after OnStoppedLeading",
                               h.stop_lag.count()),
                   {DescribeEvent(*stopped, start), DescribeEvent(*e, start)});
          }
          acting = false;
          break;
        default: break;
      }
    }
    if (stopped && !returned && !killed) {
      // OnStoppedLeading is deferred in Run: it runs as Run returns, not before.
      breach("stopped_leading_once", stopped->at, "OnStoppedLeading invoked while Run was still running",
             {DescribeEvent(*stopped, start)});
    }
    if (acting && stopped && h.workload_exits && end > stopped->at + h.stop_lag) {
      breach("leader_after_stopped", stopped->at + h.stop_lag,
             fmt::format("the workload still acted at the run's end, beyond its stop lag ({} ns) after OnStoppedLeading",
                         h.stop_lag.count()),
             {DescribeEvent(*stopped, start)});
    }
  }
  return out;
}

std::vector<InvariantBreach> CheckTrueTime(const std::vector<TimeStep>& steps, TrueTime start) {
  std::vector<InvariantBreach> out;
  for (const TimeStep& s : steps) {
    if (s.to >= s.from) continue;
    out.push_back({"true_time_monotonic", s.to, "",
                   fmt::format("true time went backwards from {} to {}", Secs(s.from, start), Secs(s.to, start)),
                   {fmt::format("{} at {}", s.event, Secs(s.to, start))}});
  }
  return out;
}

std::vector<InvariantBreach> CheckInvariants(const InvariantInput& in) {
  std::vector<InvariantBreach> out = CheckLeaseHistory(in.lock_writes, in.start);
  out.insert(out.end(), in.lease_history_breaches.begin(), in.lease_history_breaches.end());
  for (const ElectorHistory& h : in.electors) {
    std::vector<InvariantBreach> b = CheckElectorLife(h, in.start, in.end);
    out.insert(out.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
  }
  std::vector<InvariantBreach> t = CheckTrueTime(in.time_steps, in.start);
  out.insert(out.end(), std::make_move_iterator(t.begin()), std::make_move_iterator(t.end()));
  std::stable_sort(out.begin(), out.end(), [](const InvariantBreach& a, const InvariantBreach& b) { return a.at < b.at; });
  return out;
}

}  // namespace leasesim::sim
