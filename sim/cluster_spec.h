// cluster_spec.h — a scenario's `cluster` section: worker nodes in zones, the kubelet and
// kube-controller-manager flags of node heartbeats, node faults and node expectations.
//
// The scenario's candidates are the kube-controller-managers: whichever leads (the
// election core decides) runs the node lifecycle controller. Flags are the Kubernetes
// names in camelCase (kubelet --node-lease-duration-seconds → nodeLeaseDurationSeconds,
// kube-controller-manager --node-monitor-grace-period → nodeMonitorGracePeriod). The
// format is documented in scenarios/README.md ("Cluster: node heartbeats").
//
//   "cluster": {
//     "version": "1.31",
//     "zones": [{"name": "zone-a", "nodes": 3}, {"name": "zone-b", "nodes": 3}],
//     "kubelet": {"nodeLeaseDurationSeconds": 40, "nodeStatusUpdateFrequency": "10s"},
//     "controllerManager": {"nodeMonitorGracePeriod": "40s"},
//     "faults": [{"at": "2m", "kind": "node_down", "node": "zone-a-1"}],
//     "expect": [{"kind": "detected_within", "after": 0, "within": "50s"}]
//   }
//
// Errors are json_input::BadInput at the JSON path (the scenario loader prints them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/node_lifecycle_controller.h"
#include "core/version_profile.h"
#include "sim/distributions.h"
#include "sim/true_time.h"

namespace leasesim::sim {

struct Scenario;

// ClusterFaultKind is a node fault's "kind".
enum class ClusterFaultKind : uint8_t {
  kKubeletStop,       // the kubelet process stops (pods keep running); with `for`: restarts
  kNodeDown,          // the machine is powered off (kubelet and pods gone); with `for`: boots again
  kZonePartition,     // every node of `zone` cut from the API server (both ways) for `for`
  kNodePartition,     // the given nodes cut from the API server (both ways) for `for`
  kConnectionBroken,  // kubernetes#121793: the kubelet's connection is dead for `for`;
                      // requests hang, and fail when it is discarded at the end
  kKubeletClockStep,  // the node's wall clock jumps `by` (renewTime written with it)
  kKubeletLatency,    // the node's path delay becomes `delay` (both ways) for `for`
};
std::string_view ClusterFaultKindName(ClusterFaultKind k);

struct ClusterFaultSpec {
  int index = 0;
  std::string id;
  ClusterFaultKind kind = ClusterFaultKind::kNodeDown;
  Duration at{0};
  std::optional<Duration> for_;
  std::vector<int> nodes;  // indices into ClusterSpec::node_names
  std::string zone;        // zone_partition
  Duration by{0};          // kubelet_clock_step
  Distribution delay;      // kubelet_latency
};

// ClusterExpectKind is a node expectation's "kind".
enum class ClusterExpectKind : uint8_t {
  kNoFalseNotReady,          // no node marked Unknown while it was up and reachable
  kFalseNotReadyAtLeast,     // {count}: reproduce a false NotReady
  kDetectedWithin,           // {after: fault, within, notBefore?}: every node of the fault marked Unknown in time
  kNotDetected,              // {after: fault}: no node of the fault marked Unknown
  kEvictedBetween,           // {after: fault, from, to}: every node of the fault evicted in [from, to]
  kEvictionsAtMost,          // {count}: pods evicted in all
  kEvictionsAtLeast,         // {count}
  kNoEvictionsFromHealthyNodes,
  kZoneStateReached,         // {zone, state}: the zone entered that state at some point
  kZoneStateNever,           // {zone, state}: ... never
  kHeartbeatWritesPerSecondAtMost,   // {rate}
  kHeartbeatWritesPerSecondAtLeast,  // {rate}
  kHeartbeatBytesPerSecondAtMost,    // {rate}: heartbeat bytes written to storage per second
  kHeartbeatBytesPerSecondAtLeast,   // {rate}
  kApfRejectionsAtMost,              // {priorityLevel?, count}: APF 429s (queue full or timed out) of that level / all
  kApfRejectionsAtLeast,             // {priorityLevel?, count}
  kRenewFailuresAtMost,              // {count}: controller-manager renew loops that gave up
  kRenewFailuresAtLeast,             // {count}
};
std::string_view ClusterExpectKindName(ClusterExpectKind k);

struct ClusterExpectSpec {
  int index = 0;
  ClusterExpectKind kind = ClusterExpectKind::kNoFalseNotReady;
  int after_fault = -1;
  Duration within{0}, from{0}, to{0};
  Duration not_before{0};  // detected_within: no node marked earlier than this after the fault
  int64_t count = 0;
  double rate = 0;
  std::string zone;
  core::ZoneState state = core::ZoneState::kNormal;
  std::string priority_level;  // apf_rejections_*: "" = every level
};

struct ClusterSpec {
  // Worker nodes: names, zone (index into zone_names) — zone "" when no zones are given.
  std::vector<std::string> node_names;
  std::vector<int> node_zone;
  std::vector<std::string> zone_names;
  std::vector<std::string> zone_regions;
  int pods_per_node = 10;
  std::string version = "1.37";
  core::VersionProfile profile;
  // kubelet
  int32_t node_lease_duration_seconds = 40;
  Duration node_status_update_frequency = std::chrono::seconds(10);
  Duration node_status_report_frequency = std::chrono::minutes(5);
  bool node_lease = true;  // false: no Lease, a full status report every update (before KEP-589)
  // The heartbeat client's timeout: min(nodeStatusUpdateFrequency, nodeLeaseDurationSeconds)
  // (kubelet server.go, heartbeatClientConfig.Timeout).
  Duration heartbeat_timeout = std::chrono::seconds(10);
  // kube-controller-manager
  core::NodeLifecycleConfig controller;
  // kubelet paths to the API server
  Distribution request_delay = Distribution::Constant(std::chrono::milliseconds(1));
  Distribution response_delay = Distribution::Constant(std::chrono::milliseconds(1));
  double loss = 0;
  // watch events reach the leading controller-manager this long after the write
  Duration watch_delay = std::chrono::milliseconds(1);
  // object sizes and watchers, for the load figures
  int64_t node_bytes = 15000;               // a Node object as stored (status with images)
  int64_t node_status_patch_bytes = 1500;   // the kubelet's status PATCH body
  int64_t node_watchers = 2;                // watch clients of Nodes
  int64_t lease_watchers = 1;               // watch clients of kube-node-lease Leases
  std::vector<ClusterFaultSpec> faults;
  std::vector<ClusterExpectSpec> expect;
};

// ParseClusterSpec parses the `cluster` object at `path` (throws json_input::BadInput).
// `s` gives the scenario's duration and default client_go version.
ClusterSpec ParseClusterSpec(const nlohmann::json& j, const std::string& path, const Scenario& s);

}  // namespace leasesim::sim
