// node_lifecycle_controller.h — the node lifecycle controller's health monitor, NoExecute
// tainting and the taint manager's evictions, as a sans-I/O state machine.
//
// Port of pkg/controller/nodelifecycle/node_lifecycle_controller.go (the 1.37 line: Run's
// loops, monitorNodeHealth, tryUpdateNodeHealth, processTaintBaseEviction,
// markNodeForTainting, markNodeAsReachable, doNoExecuteTaintingPass, handleDisruption,
// ComputeZoneState, ReducedQPSFunc/HealthyQPSFunc, setLimiterInZone, classifyNodes,
// addPodEvictorForNewZone), of nodelifecycle/scheduler/rate_limited_queue.go
// (RateLimitedTimedQueue.Try/Add/Remove/SwapLimiter over client-go's token bucket) and of
// pkg/controller/tainteviction/taint_eviction.go (handleNodeUpdate, processPodOnNode,
// with the DefaultTolerationSeconds admission plugin's 300s tolerations on every pod).
//
// The controller runs inside the elected kube-controller-manager: its caller creates it
// when its process starts leading (informers list everything then, and the controller
// starts with no probe timestamps: "Missing timestamp for Node. Assuming now") and drops
// it when leadership is lost.
//
// Inputs: the informer caches are fed by the caller (ObserveNode, ObserveLease,
// ObservePods: watch events as they arrive), Run starts the loops, TimerFired delivers
// their ticks. Every clock read (nc.now(), time.Now()) is the `now` of the input.
// Writes (Node UpdateStatus, taint PATCHes, pod status updates, pod deletions) are
// fire-and-forget effects: the Go code blocks on them and retries failures
// (PollImmediate(20ms, 100ms) / SwapNodeControllerTaint's retries); here they are assumed
// to succeed and the informer shows their result when the caller delivers it.
//
//   core::NodeLifecycleController nc(core::NodeLifecycleConfig::ForProfile(profile));
//   for (auto& n : nodes) nc.ObserveNode(n, now);  ...
//   for (const core::NodeEffect& e : nc.Run(now)) driver.Apply(e);
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/node_effects.h"
#include "core/node_objects.h"
#include "core/time.h"
#include "core/version_profile.h"

namespace leasesim::core {

// DefaultNodeMonitorGracePeriod is kube-controller-manager's --node-monitor-grace-period
// default: 40s before 1.32, 50s from 1.32 (PR #126287, kubernetes#121793: larger than
// HTTP2_READ_IDLE_TIMEOUT_SECONDS 30s + HTTP2_PING_TIMEOUT_SECONDS 15s).
Duration DefaultNodeMonitorGracePeriod(const VersionProfile& p);

// ZoneState is nodelifecycle.ZoneState.
enum class ZoneState : uint8_t { kInitial, kNormal, kFullDisruption, kPartialDisruption };
std::string_view ZoneStateName(ZoneState s);  // "Initial", "Normal", ...

// NodeLifecycleConfig is NewNodeLifecycleController's arguments (kube-controller-manager
// flags) and the pods' default toleration.
struct NodeLifecycleConfig {
  Duration nodeMonitorPeriod = std::chrono::seconds(5);          // --node-monitor-period
  Duration nodeStartupGracePeriod = std::chrono::seconds(60);    // --node-startup-grace-period
  Duration nodeMonitorGracePeriod = std::chrono::seconds(50);    // --node-monitor-grace-period
  float evictionLimiterQPS = 0.1f;                               // --node-eviction-rate
  float secondaryEvictionLimiterQPS = 0.01f;                     // --secondary-node-eviction-rate
  int32_t largeClusterThreshold = 50;                            // --large-cluster-size-threshold
  float unhealthyZoneThreshold = 0.55f;                          // --unhealthy-zone-threshold
  // The DefaultTolerationSeconds admission plugin: not-ready/unreachable NoExecute
  // tolerations with tolerationSeconds 300 on every pod.
  Duration defaultTolerationSeconds = std::chrono::seconds(300);
  bool runTaintManager = true;

  // ForProfile gives the defaults of Kubernetes 1.<p.minor>.
  static NodeLifecycleConfig ForProfile(const VersionProfile& p);
};

// kNodeEvictionPeriod is scheduler.NodeEvictionPeriod (doNoExecuteTaintingPass period).
inline constexpr Duration kNodeEvictionPeriod = std::chrono::milliseconds(100);

// Stamp is a Go time.Time as the controller holds it: a wall reading, plus a monotonic
// one when it came from time.Now() (nc.now()); times decoded from API objects (e.g.
// node.CreationTimestamp) have none, and Go then compares wall readings.
struct Stamp {
  WallTime wall;
  std::optional<MonoTime> mono;
  static Stamp Now(LocalTime t) { return {t.wall, t.mono}; }
  static Stamp FromWall(WallTime w) { return {w, std::nullopt}; }
  Stamp Add(Duration d) const { return {wall + d, mono ? std::optional<MonoTime>(*mono + d) : std::nullopt}; }
  // After is time.Time.After: monotonic readings when both have one.
  bool After(const Stamp& o) const { return mono && o.mono ? *mono > *o.mono : wall > o.wall; }
};

// TokenBucket is flowcontrol.NewTokenBucketRateLimiter(qps, burst) (golang.org/x/time/rate:
// starts full) with TryAccept; qps <= 0 is NewFakeNeverRateLimiter (always rejects).
class TokenBucket {
 public:
  TokenBucket(float qps, int burst, MonoTime now) : qps_(qps), burst_(burst), tokens_(burst), last_(now) {}
  bool TryAccept(MonoTime now);
  float QPS() const { return qps_ <= 0 ? 0 : qps_; }

 private:
  float qps_;
  int burst_;
  double tokens_;
  MonoTime last_;
};

// RateLimitedTimedQueue is scheduler.RateLimitedTimedQueue: a UniqueQueue of node names
// ordered by ProcessAt (then insertion), drained by Try under a token bucket. As in Go, a
// value Try finished is removed from the queue but kept in the set ("so it won't be added
// second time") until Remove.
class RateLimitedTimedQueue {
 public:
  RateLimitedTimedQueue(float qps, MonoTime now) : limiter_(qps, 1, now) {}
  // Add: false when the value is in the set (queued, or done and not removed since).
  // ProcessAt = AddedAt = now.
  bool Add(const std::string& value, const std::string& uid, MonoTime now);
  // Remove takes the value out of the queue and the set: true when it was in the set.
  bool Remove(const std::string& value);
  // in_set: the value is queued or was done by Try and not removed since.
  bool in_set(const std::string& value) const { return set_.count(value) > 0; }
  // SwapLimiter replaces the limiter unless the QPS is unchanged; when the old limiter
  // had no token left, the new one is drained too ("this is a good approach when Burst
  // value is 1").
  void SwapLimiter(float qps, MonoTime now);
  // Try: while the limiter accepts and the head is due, run fn(value, uid); fn returns
  // true when done (removed) or false and a wait (ProcessAt = now + wait + 1ns).
  template <class Fn>
  void Try(MonoTime now, Fn&& fn);
  bool empty() const { return queue_.empty(); }
  size_t size() const { return queue_.size(); }
  float qps() const { return limiter_.QPS(); }

 private:
  struct Item {
    std::string value;
    std::string uid;
    MonoTime process_at;
    uint64_t seq;
  };
  std::vector<Item> queue_;  // kept sorted by (process_at, seq)
  std::set<std::string> set_;
  TokenBucket limiter_;
  uint64_t seq_ = 0;
};

template <class Fn>
void RateLimitedTimedQueue::Try(MonoTime now, Fn&& fn) {
  while (!queue_.empty()) {
    // rate limit the queue checking
    if (!limiter_.TryAccept(now)) break;  // Try again later
    Item& head = queue_.front();
    if (now < head.process_at) break;
    auto [ok, wait] = fn(head.value, head.uid);
    if (!ok) {
      Item again = head;
      again.process_at = now + wait + Duration(1);
      queue_.erase(queue_.begin());
      auto it = queue_.begin();
      while (it != queue_.end() && (it->process_at < again.process_at ||
                                    (it->process_at == again.process_at && it->seq < again.seq)))
        ++it;
      queue_.insert(it, std::move(again));
    } else {
      queue_.erase(queue_.begin());  // RemoveFromQueue: stays in the set
    }
  }
}

class NodeLifecycleController {
 public:
  explicit NodeLifecycleController(NodeLifecycleConfig config);

  // --- Inputs: informer events --------------------------------------------------------------
  // ObserveNode is a Node add/update event (the node informer's store and, for the taint
  // manager, NodeUpdated: its NoExecute taints are handled at once).
  std::span<const NodeEffect> ObserveNode(const NodePtr& node, LocalTime now);
  // ObserveLease is a Lease add/update event of kube-node-lease.
  void ObserveLease(const NodeLeasePtr& lease);
  // ObservePods sets how many pods are bound to `node` (the pod informer's index).
  void ObservePods(const std::string& node, int pods);

  // --- Inputs: loops ------------------------------------------------------------------------
  // Run starts monitorNodeHealth (at once, then every nodeMonitorPeriod after each pass)
  // and doNoExecuteTaintingPass (every 100ms).
  std::span<const NodeEffect> Run(LocalTime now);
  std::span<const NodeEffect> TimerFired(TimerId id, LocalTime now);

  // --- Queries ------------------------------------------------------------------------------
  const std::map<std::string, ZoneState>& zone_states() const { return zone_states_; }
  // probe_timestamp is the node's nodeHealth.probeTimestamp, if the node was seen.
  std::optional<Stamp> probe_timestamp(const std::string& node) const;
  const RateLimitedTimedQueue* tainter(const std::string& zone) const;
  std::optional<MonoTime> scheduled_eviction(const std::string& node) const;
  const NodeLifecycleConfig& config() const { return config_; }
  uint64_t monitor_passes() const { return monitor_passes_; }

  // --- Test access (node_lifecycle_controller_test.go calls these directly) -----------------
  // MonitorNodeHealthForTest is one monitorNodeHealth pass.
  std::span<const NodeEffect> MonitorNodeHealthForTest(LocalTime now);
  // DoNoExecuteTaintingPassForTest is one doNoExecuteTaintingPass.
  std::span<const NodeEffect> DoNoExecuteTaintingPassForTest(LocalTime now);
  // ComputeZoneState is nc.ComputeZoneState: (unhealthy count, state) of a zone's Ready
  // conditions (nullptr = no condition).
  std::pair<int, ZoneState> ComputeZoneState(const std::vector<const NodeCondition*>& ready) const;
  // ReducedQPSFunc / HealthyQPSFunc: the limiter QPS for a disrupted zone of nodeNum nodes.
  float ReducedQPSFunc(int node_num) const;
  float HealthyQPSFunc(int node_num) const { return config_.evictionLimiterQPS; }

 private:
  struct NodeHealth {
    Stamp probeTimestamp;
    Stamp readyTransitionTimestamp;
    std::vector<NodeCondition> status;  // the conditions of the status last seen
    NodeLeasePtr lease;
  };
  struct UpdateResult {
    NodeCondition observed;               // observedReadyCondition
    std::optional<NodeCondition> current; // currentReadyCondition (nullopt = nil)
  };

  void MonitorNodeHealth(LocalTime now);
  UpdateResult TryUpdateNodeHealth(Node& node, LocalTime now);
  void ProcessTaintBaseEviction(const Node& node, const NodeCondition& observed, LocalTime now);
  bool MarkNodeForTainting(const Node& node, ConditionStatus status, LocalTime now);
  bool MarkNodeAsReachable(const Node& node, LocalTime now);
  void AddPodEvictorForNewZone(const Node& node, LocalTime now);
  void HandleDisruption(const std::map<std::string, std::vector<std::optional<NodeCondition>>>& zone_conditions,
                        const std::vector<NodePtr>& nodes, LocalTime now);
  void SetLimiterInZone(const std::string& zone, int zone_size, ZoneState state, LocalTime now);
  void DoNoExecuteTaintingPass(LocalTime now);
  void SwapNodeControllerTaint(const Node& node, std::string_view add_key, std::string_view remove_key,
                               LocalTime now);
  void MarkPodsNotReady(const Node& node);
  // Taint manager.
  void HandleNodeUpdate(const Node& node, LocalTime now);
  void Evict(const std::string& node, LocalTime now);
  void Send(NodeVerb verb, NodeResource resource, const std::string& name, NodePtr body);
  void Event(NodeEventKind kind, std::string node, std::string detail = {}, int count = 0);
  void ArmMonitor(MonoTime at);
  void ArmTaintPass(MonoTime at);

  NodeLifecycleConfig config_;
  // Informer caches.
  std::map<std::string, NodePtr> nodes_;
  std::map<std::string, NodeLeasePtr> leases_;
  std::map<std::string, int> pods_;
  // Controller state.
  std::map<std::string, NodePtr> known_nodes_;
  std::map<std::string, NodeHealth> node_health_;
  std::map<std::string, RateLimitedTimedQueue> zone_tainter_;
  std::map<std::string, ZoneState> zone_states_;
  // Taint manager: taintedNodes and the per-node eviction work (all of a node's pods
  // share their tolerations, so one timer stands for each pod's).
  struct Eviction {
    MonoTime created_at;
    MonoTime trigger_at;
    TimerId timer;
  };
  std::map<std::string, std::vector<Taint>> tainted_nodes_;
  std::map<std::string, Eviction> evictions_;
  std::map<TimerId, std::string> eviction_timers_;

  bool running_ = false;
  TimerId monitor_timer_ = 0;
  TimerId taint_timer_ = 0;
  uint64_t monitor_passes_ = 0;
  std::vector<NodeEffect> out_;
  TimerId next_timer_id_ = 1;
  RequestId next_request_id_ = 1;
};

}  // namespace leasesim::core
