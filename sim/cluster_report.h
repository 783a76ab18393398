// cluster_report.h — the node-heartbeat oracles of a run with a `cluster` section: false
// NotReady (a node marked Unknown while it was up and reachable) with its cause, time to
// detect each failed node, taints, evictions (from healthy nodes too), zone states, and
// the heartbeat load at the API server; the cluster expectations; text and JSON forms.
//
//   sim::ClusterResult r = sim::EvaluateCluster(spec, world.cluster()->Finish(end), start, end);
//   std::cout << sim::ClusterSummaryText(spec, r);
//
// JSON shape (ClusterReportJson; keys camelCase, times in seconds since scenario start):
//   {"nodes": int, "falseNotReady": [{"node", "atS", "cause", "heartbeatAgeS"}],
//    "markedUnknown": int, "faults": [{"id", "kind", "atS", "nodes": [{"node",
//    "detectedAfterS"|null, "taintedAfterS"|null, "evictedAfterS"|null}]}],
//    "evictions": {"pods": int, "fromHealthyNodes": int, "nodes": int},
//    "zoneStates": [{"zone", "atS", "state", "controller"}],
//    "controllers": [{"controller", "startS", "endS"}],
//    "heartbeats": {"leaseWrites", "statusPatches", "writesPerSecond", "requestBytesPerSecond",
//                   "storageBytesPerSecond", "watchBytesPerSecond"},
//    "kubelet": {"requests", "failures", "repeatedHeartbeatFailures"},
//    "controller": {"writes", "conflicts", "listBytes"}}
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/cluster_spec.h"
#include "sim/cluster_world.h"
#include "sim/expectations.h"

namespace leasesim::sim {

struct ClusterNodeOutcome {
  int node = 0;
  std::optional<Duration> detected, tainted, evicted;  // after the fault began
};

struct ClusterFaultResult {
  int index = 0;
  std::optional<TrueTime> at;  // nullopt: never began
  std::vector<ClusterNodeOutcome> nodes;
};

struct ClusterResult {
  ClusterRecord record;
  TrueTime start{}, end{};
  std::vector<ClusterFaultResult> faults;
  std::vector<const ClusterRecord::Mark*> false_not_ready;  // into record.marks
  int64_t pods_evicted = 0;
  int64_t pods_evicted_healthy = 0;
  int64_t nodes_evicted = 0;
  double writes_per_s = 0;
  double request_bytes_per_s = 0;
  double storage_bytes_per_s = 0;
  double watch_bytes_per_s = 0;
  std::vector<ExpectationResult> expectations;
};

// EvaluateCluster computes the oracles and evaluates spec.expect over [start, end).
ClusterResult EvaluateCluster(const ClusterSpec& spec, ClusterRecord record, TrueTime start, TrueTime end);

std::string ClusterSummaryText(const ClusterSpec& spec, const ClusterResult& r);
nlohmann::json ClusterReportJson(const ClusterSpec& spec, const ClusterResult& r);

}  // namespace leasesim::sim
