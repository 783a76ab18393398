// cluster_report.cc — node-heartbeat oracles, cluster expectations, summary and JSON.
#include "sim/cluster_report.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "sim/go_duration.h"

namespace leasesim::sim {
namespace {

std::string D(Duration d) { return FormatGoDuration(std::chrono::round<std::chrono::milliseconds>(d)); }
double S(Duration d) { return std::chrono::duration<double>(d).count(); }

nlohmann::json OptS(const std::optional<Duration>& d) { return d ? nlohmann::json(S(*d)) : nlohmann::json(nullptr); }

bool IsFailureFault(ClusterFaultKind k) {
  return k == ClusterFaultKind::kKubeletStop || k == ClusterFaultKind::kNodeDown || k == ClusterFaultKind::kZonePartition ||
         k == ClusterFaultKind::kNodePartition;
}

std::string FaultLabel(const ClusterSpec& spec, int index) {
  const ClusterFaultSpec& f = spec.faults[index];
  return fmt::format("cluster fault {} ({} {})", index, f.id, ClusterFaultKindName(f.kind));
}

}  // namespace

ClusterResult EvaluateCluster(const ClusterSpec& spec, ClusterRecord record, TrueTime start, TrueTime end) {
  ClusterResult r;
  r.record = std::move(record);
  r.start = start;
  r.end = end;
  const ClusterRecord& rec = r.record;
  for (const ClusterRecord::Mark& m : rec.marks)
    if (!m.node_failed) r.false_not_ready.push_back(&m);

  std::set<int> evicted_nodes;
  for (const ClusterRecord::Eviction& e : rec.evictions) {
    r.pods_evicted += e.pods;
    if (!e.node_failed) r.pods_evicted_healthy += e.pods;
    evicted_nodes.insert(e.node);
  }
  r.nodes_evicted = static_cast<int64_t>(evicted_nodes.size());

  for (const ClusterFaultSpec& f : spec.faults) {
    ClusterFaultResult fr;
    fr.index = f.index;
    if (rec.fault_start[f.index] != TrueTime::Max()) fr.at = rec.fault_start[f.index];
    for (int n : f.nodes) {
      ClusterNodeOutcome o;
      o.node = n;
      if (fr.at) {
        for (const auto& m : rec.marks)
          if (m.node == n && m.at >= *fr.at) {
            o.detected = m.at - *fr.at;
            break;
          }
        for (const auto& t : rec.taints)
          if (t.node == n && t.added && t.at >= *fr.at) {
            o.tainted = t.at - *fr.at;
            break;
          }
        for (const auto& e : rec.evictions)
          if (e.node == n && e.at >= *fr.at) {
            o.evicted = e.at - *fr.at;
            break;
          }
      }
      fr.nodes.push_back(o);
    }
    r.faults.push_back(std::move(fr));
  }

  const double run_s = S(end - start);
  if (run_s > 0) {
    r.writes_per_s = static_cast<double>(rec.lease_writes + rec.status_patches) / run_s;
    r.request_bytes_per_s = static_cast<double>(rec.heartbeat_request_bytes) / run_s;
    r.storage_bytes_per_s = static_cast<double>(rec.heartbeat_storage_bytes) / run_s;
    r.watch_bytes_per_s = static_cast<double>(rec.heartbeat_watch_bytes) / run_s;
  }

  // Expectations.
  for (const ClusterExpectSpec& e : spec.expect) {
    ExpectationResult out{e.index, ExpectKind::kCluster, {}, false, {}};
    const std::string name(ClusterExpectKindName(e.kind));
    auto fault = [&]() -> const ClusterFaultResult& { return r.faults[e.after_fault]; };
    switch (e.kind) {
      case ClusterExpectKind::kNoFalseNotReady:
      case ClusterExpectKind::kFalseNotReadyAtLeast: {
        const int64_t n = static_cast<int64_t>(r.false_not_ready.size());
        if (e.kind == ClusterExpectKind::kNoFalseNotReady) {
          out.expect = "no node falsely marked NotReady (Unknown while up and reachable)";
          out.held = n == 0;
        } else {
          out.expect = fmt::format("at least {} false NotReady", e.count);
          out.held = n >= e.count;
        }
        out.actual = fmt::format("{} false NotReady", n);
        if (n > 0) {
          const auto* m = r.false_not_ready.front();
          out.actual += fmt::format(", first {} at {}: {}", spec.node_names[m->node], D(m->at - start), m->cause);
        }
        break;
      }
      case ClusterExpectKind::kDetectedWithin:
      case ClusterExpectKind::kNotDetected: {
        const ClusterFaultResult& fr = fault();
        const std::string label = FaultLabel(spec, e.after_fault);
        if (!fr.at) {
          out.expect = fmt::format("{} {}", name, label);
          out.actual = fmt::format("fault {} did not happen", e.after_fault);
          break;
        }
        std::optional<Duration> worst, best;
        int undetected = 0, detected = 0;
        for (const auto& o : fr.nodes) {
          if (!o.detected) {
            ++undetected;
          } else {
            ++detected;
            worst = std::max(worst.value_or(Duration{0}), *o.detected);
            best = std::min(best.value_or(*o.detected), *o.detected);
          }
        }
        if (e.kind == ClusterExpectKind::kDetectedWithin) {
          out.expect = e.not_before > Duration{0}
                           ? fmt::format("every node of {} marked Unknown between {} and {} after it", label,
                                         D(e.not_before), D(e.within))
                           : fmt::format("every node of {} marked Unknown within {}", label, D(e.within));
          out.held = undetected == 0 && worst && *worst <= e.within && *best >= e.not_before;
          out.actual = undetected > 0 ? fmt::format("{} of {} node(s) never marked", undetected, fr.nodes.size())
                                      : fmt::format("marked after {} .. {}", D(*best), D(*worst));
        } else {
          out.expect = fmt::format("no node of {} marked Unknown", label);
          out.held = detected == 0;
          out.actual = detected == 0 ? "none marked" : fmt::format("{} marked, latest after {}", detected, D(*worst));
        }
        break;
      }
      case ClusterExpectKind::kEvictedBetween: {
        const ClusterFaultResult& fr = fault();
        const std::string label = FaultLabel(spec, e.after_fault);
        out.expect = fmt::format("the pods of every node of {} evicted between {} and {} after it", label, D(e.from), D(e.to));
        if (!fr.at) {
          out.actual = fmt::format("fault {} did not happen", e.after_fault);
          break;
        }
        std::optional<Duration> lo, hi;
        int missing = 0;
        for (const auto& o : fr.nodes) {
          if (!o.evicted) {
            ++missing;
            continue;
          }
          lo = std::min(lo.value_or(*o.evicted), *o.evicted);
          hi = std::max(hi.value_or(*o.evicted), *o.evicted);
        }
        out.held = missing == 0 && lo && *lo >= e.from && *hi <= e.to;
        out.actual = missing > 0 ? fmt::format("{} of {} node(s) not evicted", missing, fr.nodes.size())
                                 : fmt::format("evicted after {} .. {}", D(*lo), D(*hi));
        break;
      }
      case ClusterExpectKind::kEvictionsAtMost:
      case ClusterExpectKind::kEvictionsAtLeast: {
        const bool at_most = e.kind == ClusterExpectKind::kEvictionsAtMost;
        out.expect = fmt::format("{} {} pod(s) evicted", at_most ? "at most" : "at least", e.count);
        out.held = at_most ? r.pods_evicted <= e.count : r.pods_evicted >= e.count;
        out.actual = fmt::format("{} pod(s) evicted from {} node(s)", r.pods_evicted, r.nodes_evicted);
        break;
      }
      case ClusterExpectKind::kNoEvictionsFromHealthyNodes:
        out.expect = "no pod evicted from a node that was up and reachable";
        out.held = r.pods_evicted_healthy == 0;
        out.actual = fmt::format("{} pod(s) evicted from healthy nodes", r.pods_evicted_healthy);
        break;
      case ClusterExpectKind::kZoneStateReached:
      case ClusterExpectKind::kZoneStateNever: {
        std::optional<TrueTime> first;
        for (const auto& z : rec.zones)
          if (z.zone == e.zone && z.state == e.state) {
            first = z.at;
            break;
          }
        const bool reached = e.kind == ClusterExpectKind::kZoneStateReached;
        out.expect = fmt::format("zone {} {} {}", e.zone, reached ? "enters" : "never enters", core::ZoneStateName(e.state));
        out.held = reached ? first.has_value() : !first.has_value();
        out.actual = first ? fmt::format("entered at {}", D(*first - start)) : "never entered";
        break;
      }
      case ClusterExpectKind::kHeartbeatWritesPerSecondAtMost:
      case ClusterExpectKind::kHeartbeatWritesPerSecondAtLeast:
      case ClusterExpectKind::kHeartbeatBytesPerSecondAtMost:
      case ClusterExpectKind::kHeartbeatBytesPerSecondAtLeast: {
        const bool writes = e.kind == ClusterExpectKind::kHeartbeatWritesPerSecondAtMost ||
                            e.kind == ClusterExpectKind::kHeartbeatWritesPerSecondAtLeast;
        const bool at_most = e.kind == ClusterExpectKind::kHeartbeatWritesPerSecondAtMost ||
                             e.kind == ClusterExpectKind::kHeartbeatBytesPerSecondAtMost;
        const double v = writes ? r.writes_per_s : r.storage_bytes_per_s;
        out.expect = fmt::format("heartbeat {} per second {} {}", writes ? "writes" : "bytes stored", at_most ? "<=" : ">=", e.rate);
        out.held = at_most ? v <= e.rate : v >= e.rate;
        out.actual = fmt::format("{:.1f}/s", v);
        break;
      }
      case ClusterExpectKind::kApfRejectionsAtMost:
      case ClusterExpectKind::kApfRejectionsAtLeast: {
        const bool at_most = e.kind == ClusterExpectKind::kApfRejectionsAtMost;
        uint64_t n = 0;
        for (const auto& l : rec.apf_levels)
          if (e.priority_level.empty() || l.name == e.priority_level)
            n += l.stats.rejected_queue_full + l.stats.rejected_timeout;
        const std::string what = e.priority_level.empty() ? "APF" : "APF " + e.priority_level;
        out.expect = fmt::format("{} {} request(s) rejected with 429 by {}", at_most ? "at most" : "at least", e.count, what);
        out.held = !rec.apf_levels.empty() && (at_most ? n <= static_cast<uint64_t>(e.count) : n >= static_cast<uint64_t>(e.count));
        out.actual = rec.apf_levels.empty() ? "APF is off" : fmt::format("{} rejected", n);
        break;
      }
      case ClusterExpectKind::kRenewFailuresAtMost:
      case ClusterExpectKind::kRenewFailuresAtLeast: {
        const bool at_most = e.kind == ClusterExpectKind::kRenewFailuresAtMost;
        out.expect = fmt::format("{} {} controller-manager renew failure(s)", at_most ? "at most" : "at least", e.count);
        out.held = at_most ? rec.renew_failures <= static_cast<uint64_t>(e.count)
                           : rec.renew_failures >= static_cast<uint64_t>(e.count);
        out.actual = fmt::format("{} renew failure(s)", rec.renew_failures);
        break;
      }
    }
    r.expectations.push_back(std::move(out));
  }
  return r;
}

std::string ClusterSummaryText(const ClusterSpec& spec, const ClusterResult& r) {
  std::string out;
  auto line = [&out](std::string text) {
    out += text;
    out += '\n';
  };
  const ClusterRecord& rec = r.record;
  line(fmt::format("cluster: {} node(s) in {} zone(s), Kubernetes {}, grace {}, lease {}s, status every {} (report {})",
                   spec.node_names.size(), spec.zone_names.size(), spec.version, D(spec.controller.nodeMonitorGracePeriod),
                   spec.node_lease_duration_seconds, D(spec.node_status_update_frequency),
                   D(spec.node_lease ? spec.node_status_report_frequency : spec.node_status_update_frequency)));
  for (const auto& c : rec.controllers)
    line(fmt::format("  node lifecycle controller in {} [{} .. {})", c.controller, D(c.start - r.start), D(c.end - r.start)));
  line(fmt::format("marked Unknown: {} ({} false NotReady)", rec.marks.size(), r.false_not_ready.size()));
  for (const auto& m : rec.marks) {
    line(fmt::format("  {} at {}: {}{}", spec.node_names[m.node], D(m.at - r.start), m.node_failed ? "" : "FALSE NotReady: ",
                     m.cause));
  }
  for (const ClusterFaultResult& f : r.faults) {
    const ClusterFaultSpec& fs = spec.faults[f.index];
    if (!IsFailureFault(fs.kind) && fs.kind != ClusterFaultKind::kConnectionBroken) continue;
    line(fmt::format("  fault {} {} at {}:", fs.id, ClusterFaultKindName(fs.kind), D(fs.at)));
    size_t shown = 0;
    for (const auto& o : f.nodes) {
      if (++shown > 8) {
        line(fmt::format("    ... {} more node(s)", f.nodes.size() - 8));
        break;
      }
      auto opt = [](const std::optional<Duration>& d) { return d ? D(*d) : std::string("-"); };
      line(fmt::format("    {}: Unknown after {}, tainted after {}, evicted after {}", spec.node_names[o.node],
                       opt(o.detected), opt(o.tainted), opt(o.evicted)));
    }
  }
  line(fmt::format("evictions: {} pod(s) from {} node(s), {} from healthy nodes", r.pods_evicted, r.nodes_evicted,
                   r.pods_evicted_healthy));
  for (const auto& z : rec.zones)
    line(fmt::format("  zone {} -> {} at {} ({})", z.zone.empty() ? "\"\"" : z.zone, core::ZoneStateName(z.state),
                     D(z.at - r.start), z.controller));
  line(fmt::format("heartbeats: {} Lease writes + {} status patches = {:.1f} writes/s; {:.0f} B/s requests, {:.0f} B/s "
                   "stored, {:.0f} B/s to watchers",
                   rec.lease_writes, rec.status_patches, r.writes_per_s, r.request_bytes_per_s, r.storage_bytes_per_s,
                   r.watch_bytes_per_s));
  line(fmt::format("kubelets: {} requests, {} failed, {} onRepeatedHeartbeatFailure; controller: {} writes ({} conflicts)",
                   rec.kubelet_requests, rec.kubelet_failures, rec.repeated_heartbeat_failures, rec.controller_requests,
                   rec.controller_conflicts));
  if (!rec.apf_levels.empty() || !rec.background.empty() || rec.renew_failures > 0)
    line(fmt::format("controller-manager election: {} renew failure(s)", rec.renew_failures));
  if (!rec.apf_levels.empty()) {
    line("APF priority levels (seats, arrived, dispatched, waited, 429 queue full, 429 timed out, max wait):");
    for (const auto& l : rec.apf_levels) {
      if (l.stats.arrived == 0) continue;
      line(fmt::format("  {:<16} {:>4} {:>8} {:>8} {:>8} {:>8} {:>8} {}", l.name, l.nominal_concurrency_limit,
                       l.stats.arrived, l.stats.dispatched, l.stats.queued, l.stats.rejected_queue_full,
                       l.stats.rejected_timeout, D(l.stats.max_wait)));
    }
  }
  for (const auto& b : rec.background)
    line(fmt::format("background client {}{}: {} sent, {} served, {} rejected, {} dropped, max latency {}", b.name,
                     b.priority_level.empty() ? "" : " (" + b.flow_schema + " -> " + b.priority_level + ")", b.sent,
                     b.served, b.rejected, b.dropped, D(b.max_latency)));
  return out;
}

nlohmann::json ClusterReportJson(const ClusterSpec& spec, const ClusterResult& r) {
  using nlohmann::json;
  const ClusterRecord& rec = r.record;
  json fnr = json::array();
  for (const auto* m : r.false_not_ready)
    fnr.push_back({{"node", spec.node_names[m->node]}, {"atS", S(m->at - r.start)}, {"cause", m->cause},
                   {"heartbeatAgeS", S(m->heartbeat_age)}});
  json faults = json::array();
  for (const ClusterFaultResult& f : r.faults) {
    const ClusterFaultSpec& fs = spec.faults[f.index];
    json nodes = json::array();
    for (const auto& o : f.nodes)
      nodes.push_back({{"node", spec.node_names[o.node]}, {"detectedAfterS", OptS(o.detected)},
                       {"taintedAfterS", OptS(o.tainted)}, {"evictedAfterS", OptS(o.evicted)}});
    faults.push_back({{"id", fs.id}, {"kind", std::string(ClusterFaultKindName(fs.kind))}, {"atS", S(fs.at)}, {"nodes", nodes}});
  }
  json zones = json::array();
  for (const auto& z : rec.zones)
    zones.push_back({{"zone", z.zone}, {"atS", S(z.at - r.start)}, {"state", std::string(core::ZoneStateName(z.state))},
                     {"controller", z.controller}});
  json ctrls = json::array();
  for (const auto& c : rec.controllers)
    ctrls.push_back({{"controller", c.controller}, {"startS", S(c.start - r.start)}, {"endS", S(c.end - r.start)}});
  json out = {{"nodes", spec.node_names.size()},
          {"markedUnknown", rec.marks.size()},
          {"falseNotReady", fnr},
          {"faults", faults},
          {"evictions", {{"pods", r.pods_evicted}, {"fromHealthyNodes", r.pods_evicted_healthy}, {"nodes", r.nodes_evicted}}},
          {"zoneStates", zones},
          {"controllers", ctrls},
          {"heartbeats",
           {{"leaseWrites", rec.lease_writes},
            {"statusPatches", rec.status_patches},
            {"writesPerSecond", r.writes_per_s},
            {"requestBytesPerSecond", r.request_bytes_per_s},
            {"storageBytesPerSecond", r.storage_bytes_per_s},
            {"watchBytesPerSecond", r.watch_bytes_per_s}}},
          {"kubelet",
           {{"requests", rec.kubelet_requests},
            {"failures", rec.kubelet_failures},
            {"repeatedHeartbeatFailures", rec.repeated_heartbeat_failures}}},
          {"controller",
           {{"writes", rec.controller_requests}, {"conflicts", rec.controller_conflicts}, {"listBytes", rec.list_bytes}}},
          {"renewFailures", rec.renew_failures}};
  if (!rec.apf_levels.empty() || !rec.background.empty()) {
    json levels = json::array();
    for (const auto& l : rec.apf_levels)
      levels.push_back({{"name", l.name},
                        {"nominalConcurrencyLimit", l.nominal_concurrency_limit},
                        {"arrived", l.stats.arrived},
                        {"dispatched", l.stats.dispatched},
                        {"queued", l.stats.queued},
                        {"rejectedQueueFull", l.stats.rejected_queue_full},
                        {"rejectedTimeout", l.stats.rejected_timeout},
                        {"maxWaitS", S(l.stats.max_wait)},
                        {"maxSeatsInUse", l.stats.max_seats_in_use}});
    json bg = json::array();
    for (const auto& b : rec.background)
      bg.push_back({{"name", b.name},
                    {"priorityLevel", b.priority_level},
                    {"flowSchema", b.flow_schema},
                    {"sent", b.sent},
                    {"served", b.served},
                    {"rejected", b.rejected},
                    {"dropped", b.dropped},
                    {"maxLatencyS", S(b.max_latency)}});
    out["apf"] = {{"enabled", !rec.apf_levels.empty()}, {"priorityLevels", levels}, {"backgroundClients", bg}};
  }
  return out;
}

}  // namespace leasesim::sim
