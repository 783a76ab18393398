// node_status_updater.cc — port of the kubelet's node status loop
// (pkg/kubelet/kubelet_node_status.go, pkg/kubelet/nodestatus/setters.go).
#include "core/node_status_updater.h"

#include <algorithm>
#include <utility>

namespace leasesim::core {

namespace {

struct Setter {
  std::string_view type;
  ConditionStatus status;
  std::string_view reason;
  std::string_view message;
};

// The setters' conditions for a healthy node (setters.go: ReadyCondition,
// MemoryPressureCondition, DiskPressureCondition, PIDPressureCondition).
constexpr Setter kSetters[] = {
    {"MemoryPressure", ConditionStatus::kFalse, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"},
    {"DiskPressure", ConditionStatus::kFalse, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
    {"PIDPressure", ConditionStatus::kFalse, "KubeletHasSufficientPID", "kubelet has sufficient PID available"},
    {"Ready", ConditionStatus::kTrue, "KubeletReady", "kubelet is posting ready status"},
};

}  // namespace

// Port of the setters' common shape (e.g. ReadyCondition): keep LastTransitionTime when
// the status did not change, else set it to currentTime; LastHeartbeatTime = currentTime.
void KubeletConditions(std::vector<NodeCondition>& conditions, WallTime now) {
  for (const Setter& s : kSetters) {
    NodeCondition c;
    c.type = std::string(s.type);
    c.status = s.status;
    c.reason = std::string(s.reason);
    c.message = std::string(s.message);
    c.lastHeartbeatTime = now;
    if (NodeCondition* old = GetNodeCondition(conditions, s.type)) {
      c.lastTransitionTime = old->status == c.status ? old->lastTransitionTime : now;
      *old = std::move(c);
    } else {
      c.lastTransitionTime = now;
      conditions.push_back(std::move(c));
    }
  }
}

// Port of nodeConditionsHaveChanged (kubelet_node_status.go).
bool NodeConditionsHaveChanged(const std::vector<NodeCondition>& a, const std::vector<NodeCondition>& b) {
  if (a.size() != b.size()) return true;
  for (const NodeCondition& x : a) {
    const NodeCondition* y = GetNodeCondition(b, x.type);
    if (!y) return true;
    if (x.status != y->status || x.reason != y->reason || x.message != y->message ||
        x.lastTransitionTime != y->lastTransitionTime)
      return true;
  }
  return false;
}

NodeStatusUpdater::NodeStatusUpdater(NodeStatusUpdaterConfig config, uint64_t jitter_seed)
    : config_(std::move(config)), jitter_(jitter_seed) {
  out_.reserve(4);
}

std::span<const NodeEffect> NodeStatusUpdater::Run(LocalTime now) {
  out_.clear();
  BeginSync(now);
  return out_;
}

std::span<const NodeEffect> NodeStatusUpdater::TimerFired(TimerId id, LocalTime now) {
  out_.clear();
  if (stopped_ || id == 0 || id != timer_ || wait_ != Wait::kSync) return out_;
  timer_ = 0;
  wait_ = Wait::kNone;
  BeginSync(now);
  return out_;
}

// Port of (*Kubelet).syncNodeStatus → updateNodeStatus: tryNumber 0..nodeStatusUpdateRetry-1.
void NodeStatusUpdater::BeginSync(LocalTime now) {
  try_number_ = 0;
  BeginTry(now);
}

// Port of (*Kubelet).tryUpdateNodeStatus, 1: GET the Node; "In large clusters, GET and PUT
// operations on Node objects coming from here are the majority of load on apiserver and
// etcd. To reduce the load on etcd, we are serving GET operations from apiserver cache".
void NodeStatusUpdater::BeginTry(LocalTime now) {
  NodeApiRequest r;
  r.id = next_request_id_++;
  r.verb = NodeVerb::kGet;
  r.resource = NodeResource::kNode;
  r.name = config_.nodeName;
  r.from_cache = try_number_ == 0;
  inflight_ = r.id;
  wait_ = Wait::kGet;
  out_.emplace_back(SendNodeApiRequest{std::move(r), false});
}

std::span<const NodeEffect> NodeStatusUpdater::OnApiResponse(const NodeApiResponse& resp, LocalTime now) {
  out_.clear();
  if (stopped_ || inflight_ == 0 || resp.id != inflight_) return out_;
  inflight_ = 0;
  const Wait w = wait_;
  wait_ = Wait::kNone;
  if (!resp.status.ok() || (w == Wait::kGet && !resp.node)) {
    TryFailed(resp.status, now);
    return out_;
  }
  if (w == Wait::kGet) {
    // tryUpdateNodeStatus, 2: node, changed := kl.updateNode(ctx, originalNode);
    // shouldPatchNodeStatus := changed || kl.clock.Since(kl.lastStatusReportTime) >= kl.nodeStatusReportFrequency
    Node node = *resp.node;
    KubeletConditions(node.conditions, now.wall);
    const bool changed = NodeConditionsHaveChanged(resp.node->conditions, node.conditions);
    const bool report_due = !last_report_ || now.mono - *last_report_ >= config_.nodeStatusReportFrequency;
    if (!changed && !report_due) {
      FinishSync(true, now);  // markVolumesFromNode; return nil
      return out_;
    }
    // 3. patchNodeStatus (nodeutil.PatchNodeStatus: a strategic-merge PATCH of nodes/status).
    NodeApiRequest r;
    r.id = next_request_id_++;
    r.verb = NodeVerb::kPatch;
    r.resource = NodeResource::kNodeStatus;
    r.name = config_.nodeName;
    r.node = std::make_shared<const Node>(std::move(node));
    inflight_ = r.id;
    wait_ = Wait::kPatch;
    out_.emplace_back(SendNodeApiRequest{std::move(r), false});
    return out_;
  }
  // patchNodeStatus succeeded: kl.lastStatusReportTime = kl.clock.Now().
  last_report_ = now.mono;
  ++patches_;
  FinishSync(true, now);
  return out_;
}

// updateNodeStatus's loop: if i > 0 && onRepeatedHeartbeatFailure != nil, call it; log
// "Error updating node status, will retry"; give up after nodeStatusUpdateRetry tries.
void NodeStatusUpdater::TryFailed(const Status& st, LocalTime now) {
  if (try_number_ > 0 && config_.has_on_repeated_heartbeat_failure) out_.emplace_back(RepeatedHeartbeatFailure{});
  out_.emplace_back(NodeLog{"Error updating node status, will retry err=\"" + st.message + "\"", true, 0});
  ++try_number_;
  if (try_number_ >= kNodeStatusUpdateRetry) {
    out_.emplace_back(NodeLog{"Unable to update node status err=\"update node status exceeds retry count\"", true, 0});
    FinishSync(false, now);
    return;
  }
  BeginTry(now);
}

void NodeStatusUpdater::FinishSync(bool ok, LocalTime now) {
  try_number_ = -1;
  if (stopped_) return;
  const double u = jitter_.Float64();
  const Duration extra(static_cast<int64_t>(u * 0.04 * static_cast<double>(config_.nodeStatusUpdateFrequency.count())));
  timer_ = next_timer_id_++;
  wait_ = Wait::kSync;
  out_.emplace_back(ArmNodeTimer{timer_, now.mono + config_.nodeStatusUpdateFrequency + extra, NodeTimerKind::kStatusSync});
}

}  // namespace leasesim::core
