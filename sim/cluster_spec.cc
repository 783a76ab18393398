// cluster_spec.cc — the scenario's `cluster` section → ClusterSpec.
#include "sim/cluster_spec.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include <fmt/format.h>

#include "sim/apf.h"
#include "sim/json_input.h"
#include "sim/scenario.h"

namespace leasesim::sim {
namespace {

using nlohmann::json;
using namespace json_input;  // NOLINT

constexpr std::array<std::string_view, 7> kFaultNames = {
    "kubelet_stop", "node_down", "zone_partition", "node_partition", "connection_broken", "kubelet_clock_step", "kubelet_latency"};
constexpr std::array<std::string_view, 18> kExpectNames = {
    "no_false_not_ready",      "false_not_ready_at_least",  "detected_within",
    "not_detected",          "evicted_between",        "evictions_at_most",
    "evictions_at_least",     "no_evictions_from_healthy_nodes", "zone_state_reached",
    "zone_state_never",       "heartbeat_writes_per_second_at_most", "heartbeat_writes_per_second_at_least",
    "heartbeat_bytes_per_second_at_most", "heartbeat_bytes_per_second_at_least",
    "apf_rejections_at_most", "apf_rejections_at_least", "renew_failures_at_most", "renew_failures_at_least"};

float Float32(const json& j, const std::string& path) { return static_cast<float>(NonNegNumber(j, path)); }

core::ZoneState ParseZoneState(const json& j, const std::string& path) {
  const std::string s = Str(j, path);
  for (core::ZoneState z : {core::ZoneState::kNormal, core::ZoneState::kPartialDisruption, core::ZoneState::kFullDisruption})
    if (core::ZoneStateName(z) == s) return z;
  Fail(path, fmt::format("unknown zone state \"{}\" (known: Normal, PartialDisruption, FullDisruption)", s));
}

}  // namespace

std::string_view ClusterFaultKindName(ClusterFaultKind k) { return kFaultNames[static_cast<size_t>(k)]; }
std::string_view ClusterExpectKindName(ClusterExpectKind k) { return kExpectNames[static_cast<size_t>(k)]; }

ClusterSpec ParseClusterSpec(const json& j, const std::string& path, const Scenario& s) {
  CheckObject(j, path,
              {"nodes", "zones", "podsPerNode", "version", "kubelet", "controllerManager", "network", "watchDelay",
               "objects", "watchers", "faults", "expect"});
  ClusterSpec c;
  c.version = s.client_go;
  if (const json* v = Find(j, "version")) c.version = Str(*v, Key(path, "version"));
  auto profile = core::VersionProfile::Parse(c.version);
  if (!profile) {
    Fail(Key(path, "version"), fmt::format("unsupported Kubernetes version \"{}\" (supported: 1.{} to 1.{})", c.version,
                                           core::VersionProfile::kOldestMinor, core::VersionProfile::kNewestMinor));
  }
  c.profile = *profile;
  c.controller = core::NodeLifecycleConfig::ForProfile(c.profile);

  // Nodes and zones.
  const json* zones = Find(j, "zones");
  const json* nodes = Find(j, "nodes");
  if (zones && nodes) Fail(Key(path, "nodes"), "give either \"nodes\" or \"zones\", not both");
  if (!zones && !nodes) Fail(path, "missing key \"nodes\" or \"zones\"");
  if (nodes) {
    const int64_t n = IntIn(*nodes, Key(path, "nodes"), 1, 100000);
    c.zone_names = {""};
    c.zone_regions = {""};
    for (int64_t i = 0; i < n; ++i) {
      c.node_names.push_back(fmt::format("node-{}", i));
      c.node_zone.push_back(0);
    }
  } else {
    const std::string zp = Key(path, "zones");
    if (!zones->is_array() || zones->empty()) Fail(zp, "expected a non-empty array of zones");
    std::set<std::string> seen;
    for (size_t z = 0; z < zones->size(); ++z) {
      const std::string p = Idx(zp, z);
      const json& zj = (*zones)[z];
      CheckObject(zj, p, {"name", "region", "nodes"});
      std::string name = Str(Require(zj, p, "name"), Key(p, "name"));
      if (name.empty()) Fail(Key(p, "name"), "a zone name must not be empty");
      if (!seen.insert(name).second) Fail(Key(p, "name"), fmt::format("duplicate zone \"{}\"", name));
      std::string region = "region-1";
      if (const json* v = Find(zj, "region")) region = Str(*v, Key(p, "region"));
      const int64_t n = IntIn(Require(zj, p, "nodes"), Key(p, "nodes"), 1, 100000);
      c.zone_names.push_back(name);
      c.zone_regions.push_back(region);
      for (int64_t i = 0; i < n; ++i) {
        c.node_names.push_back(fmt::format("{}-{}", name, i));
        c.node_zone.push_back(static_cast<int>(z));
      }
    }
  }
  if (c.node_names.size() > 100000) Fail(path, "at most 100000 nodes");
  std::map<std::string, int> index;
  for (size_t i = 0; i < c.node_names.size(); ++i) index[c.node_names[i]] = static_cast<int>(i);

  if (const json* v = Find(j, "podsPerNode")) c.pods_per_node = static_cast<int>(IntIn(*v, Key(path, "podsPerNode"), 0, 1000));

  if (const json* k = Find(j, "kubelet")) {
    const std::string p = Key(path, "kubelet");
    CheckObject(*k, p, {"nodeLeaseDurationSeconds", "nodeStatusUpdateFrequency", "nodeStatusReportFrequency", "nodeLease",
                        "heartbeatTimeout"});
    if (const json* v = Find(*k, "nodeLeaseDurationSeconds"))
      c.node_lease_duration_seconds = static_cast<int32_t>(IntIn(*v, Key(p, "nodeLeaseDurationSeconds"), 1, 3600));
    if (const json* v = Find(*k, "nodeStatusUpdateFrequency"))
      c.node_status_update_frequency = PosDur(*v, Key(p, "nodeStatusUpdateFrequency"));
    if (const json* v = Find(*k, "nodeStatusReportFrequency"))
      c.node_status_report_frequency = PosDur(*v, Key(p, "nodeStatusReportFrequency"));
    if (const json* v = Find(*k, "nodeLease")) c.node_lease = Bool(*v, Key(p, "nodeLease"));
    c.heartbeat_timeout = std::min(c.node_status_update_frequency, Duration(std::chrono::seconds(c.node_lease_duration_seconds)));
    if (const json* v = Find(*k, "heartbeatTimeout")) c.heartbeat_timeout = PosDur(*v, Key(p, "heartbeatTimeout"));
  }
  if (const json* k = Find(j, "controllerManager")) {
    const std::string p = Key(path, "controllerManager");
    CheckObject(*k, p, {"nodeMonitorPeriod", "nodeMonitorGracePeriod", "nodeStartupGracePeriod", "nodeEvictionRate",
                        "secondaryNodeEvictionRate", "largeClusterSizeThreshold", "unhealthyZoneThreshold",
                        "defaultUnreachableTolerationSeconds"});
    core::NodeLifecycleConfig& nc = c.controller;
    if (const json* v = Find(*k, "nodeMonitorPeriod")) nc.nodeMonitorPeriod = PosDur(*v, Key(p, "nodeMonitorPeriod"));
    if (const json* v = Find(*k, "nodeMonitorGracePeriod")) nc.nodeMonitorGracePeriod = PosDur(*v, Key(p, "nodeMonitorGracePeriod"));
    if (const json* v = Find(*k, "nodeStartupGracePeriod")) nc.nodeStartupGracePeriod = PosDur(*v, Key(p, "nodeStartupGracePeriod"));
    if (const json* v = Find(*k, "nodeEvictionRate")) nc.evictionLimiterQPS = Float32(*v, Key(p, "nodeEvictionRate"));
    if (const json* v = Find(*k, "secondaryNodeEvictionRate"))
      nc.secondaryEvictionLimiterQPS = Float32(*v, Key(p, "secondaryNodeEvictionRate"));
    if (const json* v = Find(*k, "largeClusterSizeThreshold"))
      nc.largeClusterThreshold = static_cast<int32_t>(IntIn(*v, Key(p, "largeClusterSizeThreshold"), 0, 1000000));
    if (const json* v = Find(*k, "unhealthyZoneThreshold")) nc.unhealthyZoneThreshold = static_cast<float>(Ratio(*v, Key(p, "unhealthyZoneThreshold")));
    if (const json* v = Find(*k, "defaultUnreachableTolerationSeconds"))
      nc.defaultTolerationSeconds = std::chrono::seconds(IntIn(*v, Key(p, "defaultUnreachableTolerationSeconds"), 0, 86400 * 365));
  }
  if (const json* k = Find(j, "network")) {
    const std::string p = Key(path, "network");
    CheckObject(*k, p, {"delay", "requestDelay", "responseDelay", "loss"});
    if (const json* v = Find(*k, "delay")) c.request_delay = c.response_delay = Dist(*v, Key(p, "delay"));
    if (const json* v = Find(*k, "requestDelay")) c.request_delay = Dist(*v, Key(p, "requestDelay"));
    if (const json* v = Find(*k, "responseDelay")) c.response_delay = Dist(*v, Key(p, "responseDelay"));
    if (const json* v = Find(*k, "loss")) c.loss = Ratio(*v, Key(p, "loss"));
  }
  if (const json* v = Find(j, "watchDelay")) c.watch_delay = NonNegDur(*v, Key(path, "watchDelay"));
  if (const json* k = Find(j, "objects")) {
    const std::string p = Key(path, "objects");
    CheckObject(*k, p, {"nodeBytes", "nodeStatusPatchBytes"});
    if (const json* v = Find(*k, "nodeBytes")) c.node_bytes = IntIn(*v, Key(p, "nodeBytes"), 1, 100'000'000);
    if (const json* v = Find(*k, "nodeStatusPatchBytes"))
      c.node_status_patch_bytes = IntIn(*v, Key(p, "nodeStatusPatchBytes"), 1, 100'000'000);
  }
  if (const json* k = Find(j, "watchers")) {
    const std::string p = Key(path, "watchers");
    CheckObject(*k, p, {"nodes", "leases"});
    if (const json* v = Find(*k, "nodes")) c.node_watchers = IntIn(*v, Key(p, "nodes"), 0, 1'000'000);
    if (const json* v = Find(*k, "leases")) c.lease_watchers = IntIn(*v, Key(p, "leases"), 0, 1'000'000);
  }

  auto node_ref = [&](const json& v, const std::string& p) {
    const std::string n = Str(v, p);
    auto it = index.find(n);
    if (it == index.end()) Fail(p, fmt::format("unknown node \"{}\": no cluster node has that name", n));
    return it->second;
  };
  std::map<std::string, int> fault_ids;
  if (const json* fs = Find(j, "faults")) {
    const std::string fp = Key(path, "faults");
    if (!fs->is_array()) Fail(fp, fmt::format("expected an array, got {}", TypeName(*fs)));
    for (size_t i = 0; i < fs->size(); ++i) {
      const std::string p = Idx(fp, i);
      const json& fj = (*fs)[i];
      if (!fj.is_object()) Fail(p, fmt::format("expected an object, got {}", TypeName(fj)));
      ClusterFaultSpec f;
      f.index = static_cast<int>(i);
      const std::string kind = Str(Require(fj, p, "kind"), Key(p, "kind"));
      auto it = std::find(kFaultNames.begin(), kFaultNames.end(), kind);
      if (it == kFaultNames.end()) {
        Fail(Key(p, "kind"), fmt::format("unknown cluster fault kind \"{}\" (known: {})", kind, fmt::join(kFaultNames, ", ")));
      }
      f.kind = static_cast<ClusterFaultKind>(it - kFaultNames.begin());
      std::vector<std::string_view> keys = {"id", "kind", "at", "for"};
      switch (f.kind) {
        case ClusterFaultKind::kZonePartition: keys.push_back("zone"); break;
        case ClusterFaultKind::kKubeletClockStep: keys.insert(keys.end(), {"node", "nodes", "by"}); break;
        case ClusterFaultKind::kKubeletLatency: keys.insert(keys.end(), {"node", "nodes", "delay"}); break;
        default: keys.insert(keys.end(), {"node", "nodes"}); break;
      }
      CheckKeys(fj, p, keys, fmt::format(" for a {} fault", kind));
      f.id = fmt::format("f{}-{}", i, kind);
      if (const json* v = Find(fj, "id")) f.id = Str(*v, Key(p, "id"));
      f.at = NonNegDur(Require(fj, p, "at"), Key(p, "at"));
      if (f.at > s.duration) Fail(Key(p, "at"), "after the end of the scenario");
      if (const json* v = Find(fj, "for")) f.for_ = PosDur(*v, Key(p, "for"));
      const bool needs_for = f.kind == ClusterFaultKind::kZonePartition || f.kind == ClusterFaultKind::kNodePartition ||
                             f.kind == ClusterFaultKind::kConnectionBroken || f.kind == ClusterFaultKind::kKubeletLatency;
      if (needs_for && !f.for_) Fail(p, fmt::format("missing key \"for\" (a {} fault lasts a while)", kind));
      if (f.kind == ClusterFaultKind::kZonePartition) {
        f.zone = Str(Require(fj, p, "zone"), Key(p, "zone"));
        auto z = std::find(c.zone_names.begin(), c.zone_names.end(), f.zone);
        if (f.zone.empty() || z == c.zone_names.end()) Fail(Key(p, "zone"), fmt::format("unknown zone \"{}\"", f.zone));
        const int zi = static_cast<int>(z - c.zone_names.begin());
        for (size_t n = 0; n < c.node_names.size(); ++n)
          if (c.node_zone[n] == zi) f.nodes.push_back(static_cast<int>(n));
      } else {
        const json* one = Find(fj, "node");
        const json* many = Find(fj, "nodes");
        if (one && many) Fail(Key(p, "nodes"), "give either \"node\" or \"nodes\", not both");
        if (!one && !many) Fail(p, "missing key \"node\" or \"nodes\"");
        if (one) f.nodes.push_back(node_ref(*one, Key(p, "node")));
        if (many) {
          const std::string np = Key(p, "nodes");
          if (!many->is_array() || many->empty()) Fail(np, "expected a non-empty array of node names");
          for (size_t k = 0; k < many->size(); ++k) f.nodes.push_back(node_ref((*many)[k], Idx(np, k)));
        }
      }
      if (f.kind == ClusterFaultKind::kKubeletClockStep) f.by = Dur(Require(fj, p, "by"), Key(p, "by"));
      if (f.kind == ClusterFaultKind::kKubeletLatency) f.delay = Dist(Require(fj, p, "delay"), Key(p, "delay"));
      if (!fault_ids.emplace(f.id, f.index).second) Fail(Key(p, "id"), fmt::format("duplicate fault id \"{}\"", f.id));
      c.faults.push_back(std::move(f));
    }
  }

  if (const json* es = Find(j, "expect")) {
    const std::string ep = Key(path, "expect");
    if (!es->is_array()) Fail(ep, fmt::format("expected an array, got {}", TypeName(*es)));
    for (size_t i = 0; i < es->size(); ++i) {
      const std::string p = Idx(ep, i);
      const json& ej = (*es)[i];
      if (!ej.is_object()) Fail(p, fmt::format("expected an object, got {}", TypeName(ej)));
      ClusterExpectSpec e;
      e.index = static_cast<int>(i);
      const std::string kind = Str(Require(ej, p, "kind"), Key(p, "kind"));
      auto it = std::find(kExpectNames.begin(), kExpectNames.end(), kind);
      if (it == kExpectNames.end()) {
        Fail(Key(p, "kind"), fmt::format("unknown cluster expectation kind \"{}\" (known: {})", kind, fmt::join(kExpectNames, ", ")));
      }
      e.kind = static_cast<ClusterExpectKind>(it - kExpectNames.begin());
      std::vector<std::string_view> keys = {"kind"};
      switch (e.kind) {
        case ClusterExpectKind::kFalseNotReadyAtLeast:
        case ClusterExpectKind::kEvictionsAtMost:
        case ClusterExpectKind::kEvictionsAtLeast:
        case ClusterExpectKind::kRenewFailuresAtMost:
        case ClusterExpectKind::kRenewFailuresAtLeast: keys.push_back("count"); break;
        case ClusterExpectKind::kApfRejectionsAtMost:
        case ClusterExpectKind::kApfRejectionsAtLeast: keys.insert(keys.end(), {"priorityLevel", "count"}); break;
        case ClusterExpectKind::kDetectedWithin: keys.insert(keys.end(), {"after", "within", "notBefore"}); break;
        case ClusterExpectKind::kNotDetected: keys.push_back("after"); break;
        case ClusterExpectKind::kEvictedBetween: keys.insert(keys.end(), {"after", "from", "to"}); break;
        case ClusterExpectKind::kZoneStateReached:
        case ClusterExpectKind::kZoneStateNever: keys.insert(keys.end(), {"zone", "state"}); break;
        case ClusterExpectKind::kHeartbeatWritesPerSecondAtMost:
        case ClusterExpectKind::kHeartbeatWritesPerSecondAtLeast:
        case ClusterExpectKind::kHeartbeatBytesPerSecondAtMost:
        case ClusterExpectKind::kHeartbeatBytesPerSecondAtLeast: keys.push_back("rate"); break;
        default: break;
      }
      CheckKeys(ej, p, keys, fmt::format(" for a {} expectation", kind));
      auto has = [&](std::string_view k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); };
      if (has("count")) e.count = IntIn(Require(ej, p, "count"), Key(p, "count"), 0, INT64_MAX);
      if (has("within")) e.within = NonNegDur(Require(ej, p, "within"), Key(p, "within"));
      if (has("notBefore")) {
        if (const json* v = Find(ej, "notBefore")) e.not_before = NonNegDur(*v, Key(p, "notBefore"));
      }
      if (has("from")) e.from = NonNegDur(Require(ej, p, "from"), Key(p, "from"));
      if (has("to")) e.to = NonNegDur(Require(ej, p, "to"), Key(p, "to"));
      if (has("rate")) e.rate = NonNegNumber(Require(ej, p, "rate"), Key(p, "rate"));
      if (has("after")) {
        const json& a = Require(ej, p, "after");
        const std::string ap = Key(p, "after");
        if (a.is_string()) {
          auto f = fault_ids.find(a.get<std::string>());
          if (f == fault_ids.end()) Fail(ap, fmt::format("unknown cluster fault id \"{}\"", a.get<std::string>()));
          e.after_fault = f->second;
        } else {
          e.after_fault = static_cast<int>(IntIn(a, ap, 0, static_cast<int64_t>(c.faults.size()) - 1));
        }
      }
      if (has("zone")) {
        e.zone = Str(Require(ej, p, "zone"), Key(p, "zone"));
        if (std::find(c.zone_names.begin(), c.zone_names.end(), e.zone) == c.zone_names.end())
          Fail(Key(p, "zone"), fmt::format("unknown zone \"{}\"", e.zone));
      }
      if (has("state")) e.state = ParseZoneState(Require(ej, p, "state"), Key(p, "state"));
      if (has("priorityLevel")) {
        if (const json* v = Find(ej, "priorityLevel")) {
          e.priority_level = Str(*v, Key(p, "priorityLevel"));
          const apf::Config boot = apf::BootstrapConfig();
          if (boot.LevelIndex(e.priority_level) < 0) {
            std::vector<std::string> names;
            for (const auto& l : boot.priority_levels) names.push_back(l.name);
            Fail(Key(p, "priorityLevel"),
                 fmt::format("unknown priority level \"{}\" (one of: {})", e.priority_level, fmt::join(names, ", ")));
          }
        }
      }
      c.expect.push_back(std::move(e));
    }
  }
  return c;
}

}  // namespace leasesim::sim
