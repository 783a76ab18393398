// runner.cc — RunScenario.
#include "sim/runner.h"

#include <fmt/format.h>

#include "sim/go_duration.h"
#include "sim/cluster_report.h"
#include "sim/cluster_world.h"
#include "sim/trace.h"
#include "sim/world.h"

namespace leasesim::sim {

nlohmann::json TraceHeader(const Scenario& s, uint64_t seed) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const CandidateSpec& c : s.candidates) {
    nodes.push_back({{"node", c.name},
                     {"identity", c.identity},
                     {"client_go", c.profile.Name()},
                     {"lock_kind", core::LockKindName(c.config.lock.kind)},
                     {"lease_duration_ns", c.config.leaseDuration.count()},
                     {"renew_deadline_ns", c.config.renewDeadline.count()},
                     {"retry_period_ns", c.config.retryPeriod.count()},
                     {"release_on_cancel", c.config.releaseOnCancel},
                     {"start_ns", c.start.count()}});
  }
  nlohmann::json header = {{"type", "header"},
          {"format", "leasesim-trace/1"},
          {"scenario", s.name},
          {"scenario_file", s.file},
          {"seed", seed},
          {"duration_ns", s.duration.count()},
          {"epoch_wall_ns", kEpochWall.since_unix.count()},
          {"lock", {{"kind", core::LockKindName(s.lock.kind)}, {"namespace", s.lock.namespace_}, {"name", s.lock.name}}},
          {"nodes", nodes}};
  // Worker nodes are not trace nodes; the viewer needs their number for its node lanes.
  if (s.cluster) header["cluster"] = {{"workers", s.cluster->node_names.size()}};
  return header;
}

namespace {
bool NeedsLogs(const Scenario& s) {
  if (s.cluster) return true;  // the cluster report counts the controller-managers' renew failures
  for (const Expectation& e : s.expect)
    if (e.kind == ExpectKind::kLogContains) return true;
  return false;
}
}  // namespace

RunResult RunScenario(const Scenario& s, const RunOptions& o) {
  RunResult r;
  r.seed = o.seed.value_or(s.seed);
  Trace trace(o.trace_path);
  trace.Header(TraceHeader(s, r.seed));
  WorldOptions wo;
  wo.record_logs = NeedsLogs(s);
  wo.perturb_order = o.perturb_order;
  wo.cancel = o.cancel;
  wo.test_break = o.test_break;
  uint64_t events = 0;
  InvariantInput inv;
  {
    World world(s, r.seed, trace, wo);
    try {
      if (!world.Run()) throw RunCancelled();  // ~Trace removes the temporary file
    } catch (const TimeStuckError& e) {
      throw TimeStuckError(fmt::format("{}: seed {}: true time stuck at {} (scenario time): more than {} events at "
                                       "one instant, time stopped advancing; last event: {}",
                                       s.file.empty() ? s.name : s.file, r.seed,
                                       FormatGoDuration(e.at() - kTrueEpoch), kMaxEventsPerInstant, e.event()),
                           e.at(), e.event());
    }
    events = world.events();
    r.input = world.TakeOracleInput();
    inv = world.TakeInvariantInput();
    if (ClusterWorld* c = world.cluster()) {
      ClusterRecord rec = c->Finish(kTrueEpoch + s.duration);
      // The controller-managers' renew loops that gave up (client-go "failed to renew lease").
      for (const LogLine& l : r.input.logs)
        if (l.text.find("failed to renew lease") != std::string::npos ||
            l.text.find("Failed to renew lease") != std::string::npos)
          ++rec.renew_failures;
      r.cluster = std::make_shared<const ClusterResult>(
          EvaluateCluster(*s.cluster, std::move(rec), kTrueEpoch, kTrueEpoch + s.duration));
    }
  }
  r.results = RunOracles(r.input);
  r.expectations = EvaluateExpectations(s.expect, r.input, r.results);
  if (r.cluster) r.expectations.insert(r.expectations.end(), r.cluster->expectations.begin(), r.cluster->expectations.end());
  r.invariant_breaches = CheckInvariants(inv);
  r.passed = AllHeld(r.expectations) && r.invariant_breaches.empty();
  // Findings close the trace, so the viewer can mark them without re-running oracles.
  for (const SplitBrainInterval& sb : r.results.split_brain) {
    nlohmann::json nodes = sb.nodes;
    trace.Begin(kTrueEpoch + s.duration, "finding")
        .Str("finding", "split_brain")
        .Int("start", (sb.interval.start - kTrueEpoch).count())
        .Int("end", (sb.interval.end - kTrueEpoch).count())
        .Json("nodes", nodes)
        .Str("cause", sb.cause);
  }
  for (const InvariantBreach& b : r.invariant_breaches) {
    trace.Begin(kTrueEpoch + s.duration, "finding")
        .Str("finding", "invariant_breach")
        .Str("invariant", b.invariant)
        .Int("at", (b.at - kTrueEpoch).count())
        .Str("node", b.node)
        .Str("message", b.message);
  }
  for (const Interval& gap : r.results.no_leader) {
    trace.Begin(kTrueEpoch + s.duration, "finding")
        .Str("finding", "no_leader")
        .Int("start", (gap.start - kTrueEpoch).count())
        .Int("end", (gap.end - kTrueEpoch).count());
  }
  trace.Finish();
  std::string err;
  if (!trace.Commit(&err)) throw std::runtime_error(err);
  r.stats.events = events;
  r.stats.seed = r.seed;
  r.stats.trace_hash = trace.HashHex();
  return r;
}

}  // namespace leasesim::sim
