// node_lease_controller.h — the kubelet's node heartbeat Lease as a sans-I/O state machine.
//
// Port of k8s.io/component-helpers/apimachinery/lease/controller.go (the 1.37 line: Run,
// sync, backoffEnsureLease, ensureLease, retryUpdateLease, newLease) with the kubelet's
// newLeasePostProcessFunc, SetNodeOwnerFunc (pkg/kubelet/util/nodelease.go), as
// pkg/kubelet/kubelet.go wires it:
//
//   leaseDuration := time.Duration(kubeCfg.NodeLeaseDurationSeconds) * time.Second
//   renewInterval := time.Duration(float64(leaseDuration) * nodeLeaseRenewIntervalFraction)  // 0.25
//   lease.NewController(clock, heartbeatClient, nodeName, NodeLeaseDurationSeconds,
//       onRepeatedHeartbeatFailure, renewInterval, nodeName, "kube-node-lease", SetNodeOwnerFunc(...))
//   go nodeLeaseController.Run(context.Background())
//
// The kubelet calls Run only (Start/Stop, which delete the Lease, serve kube-apiserver
// identity leases). Go's blocking calls become waits: each API call waits for
// OnApiResponse, JitterUntil and the ensure backoff wait for TimerFired.
//
//   core::NodeLeaseController c(core::NodeLeaseControllerConfig::Kubelet("node-1", 40), seed);
//   for (const core::NodeEffect& e : c.Run(now)) driver.Apply(e);
//   ... c.OnApiResponse(resp, now) ... c.TimerFired(id, now)
//
// The returned span is valid until the next call.
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

// kMaxUpdateRetries is lease.maxUpdateRetries: immediate retries of a failed renew.
inline constexpr int kMaxUpdateRetries = 5;
// kMaxBackoff is lease.maxBackoff: the cap of backoffEnsureLease's doubling sleep.
inline constexpr Duration kMaxLeaseBackoff = std::chrono::seconds(7);
// kNodeLeaseRenewIntervalFraction is kubelet's nodeLeaseRenewIntervalFraction.
inline constexpr double kNodeLeaseRenewIntervalFraction = 0.25;
// kLeaseRenewJitterFactor is the 0.04 of Run's wait.JitterUntilWithContext.
inline constexpr double kLeaseRenewJitterFactor = 0.04;

// KubeletRenewInterval is time.Duration(float64(leaseDuration) * 0.25): 10s at the
// default --node-lease-duration-seconds=40.
Duration KubeletRenewInterval(int32_t node_lease_duration_seconds);

// NodeLeaseControllerConfig is NewController's arguments.
struct NodeLeaseControllerConfig {
  std::string holderIdentity;
  std::string leaseName;
  std::string leaseNamespace = std::string(kNamespaceNodeLease);
  int32_t leaseDurationSeconds = 40;
  Duration renewInterval = std::chrono::seconds(10);
  // newLeasePostProcessFunc = SetNodeOwnerFunc(heartbeatClient, nodeName): a Node GET
  // until the owner reference is set.
  bool setNodeOwner = true;
  bool has_on_repeated_heartbeat_failure = true;

  // Kubelet builds the kubelet's configuration for node `node_name`.
  static NodeLeaseControllerConfig Kubelet(std::string node_name, int32_t node_lease_duration_seconds);
};

class NodeLeaseController {
 public:
  NodeLeaseController(NodeLeaseControllerConfig config, uint64_t jitter_seed);

  // --- Inputs ---------------------------------------------------------------------------
  // Run is controller.Run: wait.JitterUntilWithContext(ctx, c.sync, renewInterval, 0.04,
  // true): sync now, then renewInterval·(1 + U[0,0.04)) after each sync returns.
  std::span<const NodeEffect> Run(LocalTime now);
  // TimerFired delivers an ArmNodeTimer; stale ids are ignored.
  std::span<const NodeEffect> TimerFired(TimerId id, LocalTime now);
  // OnApiResponse delivers the answer to the request in flight; others are ignored.
  std::span<const NodeEffect> OnApiResponse(const NodeApiResponse& response, LocalTime now);
  // Stop cancels Run's context (kubelet shutdown / process gone): no more input matters.
  void Stop() { stopped_ = true; }

  // --- Queries ---------------------------------------------------------------------------
  // latest_lease is c.latestLease: the Lease the controller last created or updated.
  const NodeLeasePtr& latest_lease() const { return latest_lease_; }
  bool syncing() const { return sync_active_; }
  std::optional<RequestId> inflight_request() const;
  const NodeLeaseControllerConfig& config() const { return config_; }

  // --- Test access: controller_test.go calls unexported functions directly --------------
  // BeginNewLeaseForTest is newLease(base); read test_lease()/test_error() when done.
  std::span<const NodeEffect> BeginNewLeaseForTest(NodeLeasePtr base, LocalTime now);
  // BeginRetryUpdateLeaseForTest is retryUpdateLease(ctx, base); read test_error().
  std::span<const NodeEffect> BeginRetryUpdateLeaseForTest(NodeLeasePtr base, LocalTime now);
  // BeginSyncForTest is sync(ctx) once (no timer after it).
  std::span<const NodeEffect> BeginSyncForTest(LocalTime now);
  // SetLatestLeaseForTest sets c.latestLease.
  void SetLatestLeaseForTest(NodeLeasePtr l) { latest_lease_ = std::move(l); }
  bool test_done() const { return test_done_; }
  const std::optional<std::string>& test_error() const { return test_error_; }
  const NodeLeasePtr& test_lease() const { return test_lease_; }

 private:
  // Who called the function that is running (Go's call stack, made explicit).
  enum class SyncStep : uint8_t { kNone, kFastUpdate, kEnsure, kUpdateAfterEnsure };
  enum class EnsureCaller : uint8_t { kSync, kRetryConflict };
  enum class NewLeaseFor : uint8_t { kCreate, kUpdate, kTest };
  enum class Wait : uint8_t { kNone, kRenew, kLeaseGet, kNodeGet, kCreate, kUpdate, kBackoff };

  void BeginSync(LocalTime now);
  void FinishSync(LocalTime now);
  void BeginRetryUpdate(NodeLeasePtr base, LocalTime now);
  void RetryIteration(LocalTime now);
  void RetryAfterFailure(LocalTime now);
  void FinishRetryUpdate(bool ok, LocalTime now);
  void BeginBackoffEnsure(EnsureCaller caller, LocalTime now);
  void BeginEnsure(LocalTime now);
  void FinishEnsureAttempt(NodeLeasePtr lease, bool created, const std::optional<Status>& err, LocalTime now);
  void BeginNewLease(const NodeLeasePtr& base, NewLeaseFor purpose, LocalTime now);
  void FinishNewLease(bool ok, LocalTime now);
  void Send(NodeVerb verb, NodeResource resource, NodeLeasePtr body, Wait wait);
  TimerId Arm(MonoTime at, NodeTimerKind kind);
  void EmitLog(std::string text, bool error);

  NodeLeaseControllerConfig config_;
  Prng jitter_;
  NodeLeasePtr latest_lease_;
  bool stopped_ = false;
  bool running_ = false;  // Run called: arm the next sync after each one

  // The sync in progress and its nested calls.
  bool sync_active_ = false;
  SyncStep sync_step_ = SyncStep::kNone;
  bool retry_active_ = false;
  int retry_i_ = 0;
  NodeLeasePtr retry_base_;
  EnsureCaller ensure_caller_ = EnsureCaller::kSync;
  Duration backoff_sleep_{0};
  NewLeaseFor new_lease_for_ = NewLeaseFor::kCreate;
  std::optional<NodeLease> pending_lease_;  // newLease's lease while the Node GET runs

  Wait wait_ = Wait::kNone;
  RequestId inflight_ = 0;
  TimerId wait_timer_ = 0;

  bool test_mode_ = false;
  bool test_done_ = false;
  std::optional<std::string> test_error_;
  NodeLeasePtr test_lease_;

  std::vector<NodeEffect> out_;
  TimerId next_timer_id_ = 1;
  RequestId next_request_id_ = 1;
};

}  // namespace leasesim::core
