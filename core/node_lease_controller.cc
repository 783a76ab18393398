// node_lease_controller.cc — port of k8s.io/component-helpers/apimachinery/lease/controller.go
// with the kubelet's SetNodeOwnerFunc (pkg/kubelet/util/nodelease.go).
//
// Each block names the Go function it ports. Go's call stack (sync → retryUpdateLease →
// backoffEnsureLease → ensureLease → newLease → SetNodeOwnerFunc's Node GET) becomes
// explicit state: which function is running, who called it, and the loop counters.
#include "core/node_lease_controller.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace leasesim::core {

std::string_view NodeTimerKindName(NodeTimerKind k) {
  switch (k) {
    case NodeTimerKind::kLeaseRenew: return "lease_renew";
    case NodeTimerKind::kLeaseBackoff: return "lease_backoff";
    case NodeTimerKind::kStatusSync: return "status_sync";
    case NodeTimerKind::kMonitor: return "monitor";
    case NodeTimerKind::kTaintPass: return "taint_pass";
    case NodeTimerKind::kEviction: return "eviction";
  }
  return "unknown";
}

std::string_view NodeEventKindName(NodeEventKind k) {
  switch (k) {
    case NodeEventKind::kRegisteredNode: return "RegisteredNode";
    case NodeEventKind::kNodeNotReady: return "NodeNotReady";
    case NodeEventKind::kMarkedUnknown: return "MarkedUnknown";
    case NodeEventKind::kTaintQueued: return "TaintQueued";
    case NodeEventKind::kTainted: return "Tainted";
    case NodeEventKind::kUntainted: return "Untainted";
    case NodeEventKind::kZoneState: return "ZoneState";
    case NodeEventKind::kEvictionScheduled: return "EvictionScheduled";
    case NodeEventKind::kEvictionCancelled: return "EvictionCancelled";
    case NodeEventKind::kPodsEvicted: return "PodsEvicted";
  }
  return "unknown";
}

// kubelet.go: renewInterval := time.Duration(float64(leaseDuration) * nodeLeaseRenewIntervalFraction).
Duration KubeletRenewInterval(int32_t node_lease_duration_seconds) {
  const Duration lease_duration = std::chrono::seconds(node_lease_duration_seconds);
  return Duration(static_cast<int64_t>(static_cast<double>(lease_duration.count()) * kNodeLeaseRenewIntervalFraction));
}

NodeLeaseControllerConfig NodeLeaseControllerConfig::Kubelet(std::string node_name, int32_t node_lease_duration_seconds) {
  NodeLeaseControllerConfig c;
  c.holderIdentity = node_name;
  c.leaseName = std::move(node_name);
  c.leaseDurationSeconds = node_lease_duration_seconds;
  c.renewInterval = KubeletRenewInterval(node_lease_duration_seconds);
  return c;
}

NodeLeaseController::NodeLeaseController(NodeLeaseControllerConfig config, uint64_t jitter_seed)
    : config_(std::move(config)), jitter_(jitter_seed) {
  out_.reserve(8);
}

std::optional<RequestId> NodeLeaseController::inflight_request() const {
  if (inflight_ == 0) return std::nullopt;
  return inflight_;
}

TimerId NodeLeaseController::Arm(MonoTime at, NodeTimerKind kind) {
  const TimerId id = next_timer_id_++;
  out_.emplace_back(ArmNodeTimer{id, at, kind});
  return id;
}

void NodeLeaseController::EmitLog(std::string text, bool error) {
  out_.emplace_back(NodeLog{std::move(text), error, 0});
}

void NodeLeaseController::Send(NodeVerb verb, NodeResource resource, NodeLeasePtr body, Wait wait) {
  NodeApiRequest r;
  r.id = next_request_id_++;
  r.verb = verb;
  r.resource = resource;
  r.name = resource == NodeResource::kNode ? config_.holderIdentity : config_.leaseName;
  r.lease = std::move(body);
  inflight_ = r.id;
  wait_ = wait;
  out_.emplace_back(SendNodeApiRequest{std::move(r), false});
}

// --- inputs ------------------------------------------------------------------------------

// Run: wait.JitterUntilWithContext(ctx, c.sync, c.renewInterval, 0.04, true) — the first
// sync runs at once.
std::span<const NodeEffect> NodeLeaseController::Run(LocalTime now) {
  out_.clear();
  running_ = true;
  BeginSync(now);
  return out_;
}

std::span<const NodeEffect> NodeLeaseController::TimerFired(TimerId id, LocalTime now) {
  out_.clear();
  if (stopped_ || id == 0 || id != wait_timer_) return out_;
  wait_timer_ = 0;
  if (wait_ == Wait::kRenew) {
    wait_ = Wait::kNone;
    BeginSync(now);
  } else if (wait_ == Wait::kBackoff) {
    wait_ = Wait::kNone;
    BeginEnsure(now);  // the next iteration of backoffEnsureLease's loop
  }
  return out_;
}

std::span<const NodeEffect> NodeLeaseController::OnApiResponse(const NodeApiResponse& resp, LocalTime now) {
  out_.clear();
  if (stopped_ || inflight_ == 0 || resp.id != inflight_) return out_;
  inflight_ = 0;
  const Wait w = wait_;
  wait_ = Wait::kNone;
  switch (w) {
    case Wait::kLeaseGet:
      // ensureLease: Get.
      if (resp.status.IsNotFound()) {
        // lease does not exist, create it.
        BeginNewLease(nullptr, NewLeaseFor::kCreate, now);
      } else if (!resp.status.ok()) {
        FinishEnsureAttempt(nullptr, false, resp.status, now);  // unexpected error getting lease
      } else {
        FinishEnsureAttempt(resp.lease, false, std::nullopt, now);  // lease already existed
      }
      break;
    case Wait::kNodeGet: {
      // SetNodeOwnerFunc: the Node GET for the owner reference's UID.
      assert(pending_lease_.has_value());
      if (resp.status.ok() && resp.node) {
        pending_lease_->ownerReferences = {
            OwnerReference{"v1", "Node", config_.holderIdentity, resp.node->metadata.uid}};
        FinishNewLease(true, now);
      } else {
        EmitLog("Failed to get node when trying to set owner ref to the node lease err=\"" +
                    resp.status.message + "\" node=\"" + config_.holderIdentity + "\"",
                true);
        FinishNewLease(false, now);
      }
      break;
    }
    case Wait::kCreate:
      // ensureLease: Create.
      if (!resp.status.ok()) {
        FinishEnsureAttempt(nullptr, false, resp.status, now);
      } else {
        FinishEnsureAttempt(resp.lease, true, std::nullopt, now);
      }
      break;
    case Wait::kUpdate:
      // retryUpdateLease: Update.
      if (resp.status.ok()) {
        latest_lease_ = resp.lease;
        FinishRetryUpdate(true, now);
        break;
      }
      EmitLog("Failed to update lease err=\"" + resp.status.message + "\"", true);
      // OptimisticLockError requires getting the newer version of lease to proceed.
      if (resp.status.IsConflict()) {
        BeginBackoffEnsure(EnsureCaller::kRetryConflict, now);
        break;
      }
      RetryAfterFailure(now);
      break;
    default:
      break;
  }
  return out_;
}

// --- sync ---------------------------------------------------------------------------------

// Port of (*controller).sync.
void NodeLeaseController::BeginSync(LocalTime now) {
  sync_active_ = true;
  if (latest_lease_) {
    // As long as the lease is not (or very rarely) updated by any other agent than the
    // component itself, we can optimistically assume it didn't change since our last
    // update and try updating based on the version from that time (no GET).
    sync_step_ = SyncStep::kFastUpdate;
    BeginRetryUpdate(latest_lease_, now);
    return;
  }
  sync_step_ = SyncStep::kEnsure;
  BeginBackoffEnsure(EnsureCaller::kSync, now);
}

void NodeLeaseController::FinishSync(LocalTime now) {
  sync_active_ = false;
  sync_step_ = SyncStep::kNone;
  if (test_mode_) {
    test_done_ = true;
    return;
  }
  if (!running_ || stopped_) return;
  // JitterUntil, sliding: the period starts after f returns; wait.Jitter(period, 0.04) =
  // period + rand.Float64()*0.04*period.
  const double u = jitter_.Float64();
  const Duration extra(static_cast<int64_t>(u * kLeaseRenewJitterFactor * static_cast<double>(config_.renewInterval.count())));
  wait_ = Wait::kRenew;
  wait_timer_ = Arm(now.mono + config_.renewInterval + extra, NodeTimerKind::kLeaseRenew);
}

// --- retryUpdateLease ---------------------------------------------------------------------

// Port of (*controller).retryUpdateLease: up to maxUpdateRetries immediate attempts.
void NodeLeaseController::BeginRetryUpdate(NodeLeasePtr base, LocalTime now) {
  retry_active_ = true;
  retry_i_ = 0;
  retry_base_ = std::move(base);
  RetryIteration(now);
}

void NodeLeaseController::RetryIteration(LocalTime now) {
  if (retry_i_ >= kMaxUpdateRetries) {
    FinishRetryUpdate(false, now);  // "failed %d attempts to update lease"
    return;
  }
  BeginNewLease(retry_base_, NewLeaseFor::kUpdate, now);
}

// The tail of a failed iteration: `if i > 0 && c.onRepeatedHeartbeatFailure != nil`.
void NodeLeaseController::RetryAfterFailure(LocalTime now) {
  if (retry_i_ > 0 && config_.has_on_repeated_heartbeat_failure) out_.emplace_back(RepeatedHeartbeatFailure{});
  ++retry_i_;
  RetryIteration(now);
}

void NodeLeaseController::FinishRetryUpdate(bool ok, LocalTime now) {
  retry_active_ = false;
  retry_base_.reset();
  if (!ok) test_error_ = "failed " + std::to_string(kMaxUpdateRetries) + " attempts to update lease";
  switch (sync_step_) {
    case SyncStep::kFastUpdate:
      if (ok) {
        FinishSync(now);
        return;
      }
      EmitLog("failed to update lease using latest lease, fallback to ensure lease err=\"failed " +
                  std::to_string(kMaxUpdateRetries) + " attempts to update lease\"",
              false);
      sync_step_ = SyncStep::kEnsure;
      BeginBackoffEnsure(EnsureCaller::kSync, now);
      return;
    case SyncStep::kUpdateAfterEnsure:
      if (!ok) {
        EmitLog("Will retry updating lease err=\"failed " + std::to_string(kMaxUpdateRetries) +
                    " attempts to update lease\" interval=\"" + std::to_string(config_.renewInterval.count() / 1'000'000) + "ms\"",
                true);
      }
      FinishSync(now);
      return;
    default:
      // retryUpdateLease called directly (test).
      if (ok) test_error_.reset();
      test_done_ = true;
      return;
  }
}

// --- backoffEnsureLease / ensureLease -------------------------------------------------------

// Port of (*controller).backoffEnsureLease: sleep starts at 100ms and doubles (first wait
// 200ms) up to maxBackoff.
void NodeLeaseController::BeginBackoffEnsure(EnsureCaller caller, LocalTime now) {
  ensure_caller_ = caller;
  backoff_sleep_ = std::chrono::milliseconds(100);
  BeginEnsure(now);
}

// Port of (*controller).ensureLease: Get, and Create on NotFound.
void NodeLeaseController::BeginEnsure(LocalTime now) {
  Send(NodeVerb::kGet, NodeResource::kLease, nullptr, Wait::kLeaseGet);
}

void NodeLeaseController::FinishEnsureAttempt(NodeLeasePtr lease, bool created, const std::optional<Status>& err,
                                              LocalTime now) {
  if (err) {
    backoff_sleep_ = std::min(2 * backoff_sleep_, kMaxLeaseBackoff);
    EmitLog("Failed to ensure lease exists, will retry err=\"" + err->message + "\" interval=\"" +
                std::to_string(backoff_sleep_.count() / 1'000'000) + "ms\"",
            true);
    wait_ = Wait::kBackoff;
    wait_timer_ = Arm(now.mono + backoff_sleep_, NodeTimerKind::kLeaseBackoff);
    return;
  }
  if (ensure_caller_ == EnsureCaller::kRetryConflict) {
    // retryUpdateLease: base, _ = c.backoffEnsureLease(ctx); continue.
    retry_base_ = std::move(lease);
    ++retry_i_;
    RetryIteration(now);
    return;
  }
  // sync: c.latestLease = lease; we don't need to update the lease if we just created it.
  latest_lease_ = lease;
  if (!created && lease) {
    sync_step_ = SyncStep::kUpdateAfterEnsure;
    BeginRetryUpdate(std::move(lease), now);
    return;
  }
  FinishSync(now);
}

// --- newLease --------------------------------------------------------------------------------

// Port of (*controller).newLease: a new Lease (base == nil) or a copy of base, with
// leaseDurationSeconds and renewTime = clock.Now() asserted, then newLeasePostProcessFunc.
void NodeLeaseController::BeginNewLease(const NodeLeasePtr& base, NewLeaseFor purpose, LocalTime now) {
  new_lease_for_ = purpose;
  NodeLease lease;
  if (!base) {
    lease.metadata.name = config_.leaseName;
    lease.metadata.namespace_ = config_.leaseNamespace;
    lease.spec.holderIdentity = config_.holderIdentity;
  } else {
    lease = *base;
  }
  // update the duration, the controller's config may have changed since lease creation
  lease.spec.leaseDurationSeconds = config_.leaseDurationSeconds;
  lease.spec.renewTime = now.wall;
  pending_lease_ = std::move(lease);
  // SetNodeOwnerFunc: when the Lease has no owner reference yet, GET the Node for its UID
  // ("try to set owner reference every time when renewing the lease, until successful").
  if (config_.setNodeOwner && pending_lease_->ownerReferences.empty()) {
    Send(NodeVerb::kGet, NodeResource::kNode, nullptr, Wait::kNodeGet);
    return;
  }
  FinishNewLease(true, now);
}

void NodeLeaseController::FinishNewLease(bool ok, LocalTime now) {
  NodeLeasePtr lease = std::make_shared<const NodeLease>(std::move(*pending_lease_));
  pending_lease_.reset();
  switch (new_lease_for_) {
    case NewLeaseFor::kTest:
      test_lease_ = std::move(lease);
      if (!ok) test_error_ = "node not found";
      test_done_ = true;
      return;
    case NewLeaseFor::kCreate:
      // ensureLease: an error from newLeasePostProcessFunc means we do not create it this
      // time - we will retry in the next iteration (returns nil, false, nil).
      if (!ok) {
        FinishEnsureAttempt(nullptr, false, std::nullopt, now);
        return;
      }
      Send(NodeVerb::kCreate, NodeResource::kLease, std::move(lease), Wait::kCreate);
      return;
    case NewLeaseFor::kUpdate:
      if (!ok) {
        EmitLog("Failed to prepare lease", true);
        RetryAfterFailure(now);
        return;
      }
      Send(NodeVerb::kUpdate, NodeResource::kLease, std::move(lease), Wait::kUpdate);
      return;
  }
}

// --- test access ---------------------------------------------------------------------------

std::span<const NodeEffect> NodeLeaseController::BeginNewLeaseForTest(NodeLeasePtr base, LocalTime now) {
  out_.clear();
  test_mode_ = true;
  test_done_ = false;
  test_error_.reset();
  BeginNewLease(base, NewLeaseFor::kTest, now);
  return out_;
}

std::span<const NodeEffect> NodeLeaseController::BeginRetryUpdateLeaseForTest(NodeLeasePtr base, LocalTime now) {
  out_.clear();
  test_mode_ = true;
  test_done_ = false;
  test_error_.reset();
  sync_step_ = SyncStep::kNone;
  BeginRetryUpdate(std::move(base), now);
  return out_;
}

std::span<const NodeEffect> NodeLeaseController::BeginSyncForTest(LocalTime now) {
  out_.clear();
  test_mode_ = true;
  test_done_ = false;
  test_error_.reset();
  BeginSync(now);
  return out_;
}

}  // namespace leasesim::core
