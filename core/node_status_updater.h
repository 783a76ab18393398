// node_status_updater.h — the kubelet's Node status heartbeat as a sans-I/O state machine.
//
// Port of pkg/kubelet/kubelet_node_status.go (syncNodeStatus, updateNodeStatus,
// tryUpdateNodeStatus) and the Ready / pressure condition setters of
// pkg/kubelet/nodestatus/setters.go, as kubelet.go starts it:
//
//   wait.JitterUntil(kl.syncNodeStatus, kl.nodeStatusUpdateFrequency, 0.04, true, wait.NeverStop)
//
// Every --node-status-update-frequency (10s) the kubelet GETs its Node (the first try from
// the API server's cache, resourceVersion "0"), computes the status, and PATCHes
// nodes/status only if a condition changed (heartbeat times ignored) or
// nodeStatusReportFrequency (5m) has passed since the last successful report (KEP-589:
// the Lease carries the 10s heartbeat instead). Up to nodeStatusUpdateRetry (5) tries; the
// kubelet's onRepeatedHeartbeatFailure runs after each failed retry (i > 0).
// Registration (registerWithAPIServer) is not modelled: the Node exists when it starts.
//
//   core::NodeStatusUpdater u({.nodeName = "node-1"}, seed);
//   for (const core::NodeEffect& e : u.Run(now)) driver.Apply(e);
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/node_effects.h"
#include "core/node_objects.h"
#include "core/prng.h"
#include "core/time.h"

namespace leasesim::core {

// kNodeStatusUpdateRetry is kubelet's nodeStatusUpdateRetry.
inline constexpr int kNodeStatusUpdateRetry = 5;

struct NodeStatusUpdaterConfig {
  std::string nodeName;
  Duration nodeStatusUpdateFrequency = std::chrono::seconds(10);
  // nodeStatusReportFrequency: 5m (the kubelet default since the NodeLease feature);
  // equal to nodeStatusUpdateFrequency reproduces the pre-Lease behaviour (a full status
  // report every 10s).
  Duration nodeStatusReportFrequency = std::chrono::minutes(5);
  bool has_on_repeated_heartbeat_failure = true;
};

// KubeletConditions is the kubelet's condition setters applied to `conditions` at `now`
// (ReadyCondition, MemoryPressureCondition, DiskPressureCondition, PIDPressureCondition
// for a healthy node): each condition gets its status, reason and message and
// lastHeartbeatTime = now; lastTransitionTime is kept when the status is unchanged, now
// otherwise (a missing condition is appended with transition time now).
void KubeletConditions(std::vector<NodeCondition>& conditions, WallTime now);

// NodeConditionsHaveChanged is kubelet's nodeConditionsHaveChanged: the condition lists
// differ ignoring lastHeartbeatTime (order-insensitive, by type).
bool NodeConditionsHaveChanged(const std::vector<NodeCondition>& a, const std::vector<NodeCondition>& b);

class NodeStatusUpdater {
 public:
  NodeStatusUpdater(NodeStatusUpdaterConfig config, uint64_t jitter_seed);

  // Run starts the JitterUntil loop: syncNodeStatus now, then
  // nodeStatusUpdateFrequency·(1 + U[0,0.04)) after each one returns.
  std::span<const NodeEffect> Run(LocalTime now);
  std::span<const NodeEffect> TimerFired(TimerId id, LocalTime now);
  std::span<const NodeEffect> OnApiResponse(const NodeApiResponse& response, LocalTime now);
  void Stop() { stopped_ = true; }

  // last_status_report is kl.lastStatusReportTime (monotonic), nullopt before the first.
  std::optional<MonoTime> last_status_report() const { return last_report_; }
  bool syncing() const { return try_number_ >= 0; }
  uint64_t patches() const { return patches_; }

 private:
  enum class Wait : uint8_t { kNone, kSync, kGet, kPatch };
  void BeginSync(LocalTime now);
  void BeginTry(LocalTime now);
  void TryFailed(const Status& st, LocalTime now);
  void FinishSync(bool ok, LocalTime now);

  NodeStatusUpdaterConfig config_;
  Prng jitter_;
  bool stopped_ = false;
  int try_number_ = -1;  // -1: not syncing
  std::optional<MonoTime> last_report_;
  uint64_t patches_ = 0;
  Wait wait_ = Wait::kNone;
  RequestId inflight_ = 0;
  TimerId timer_ = 0;
  std::vector<NodeEffect> out_;
  TimerId next_timer_id_ = 1;
  RequestId next_request_id_ = 1;
};

}  // namespace leasesim::core
