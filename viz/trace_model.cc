// trace_model.cc — names of the trace vocabulary and small lookups on a loaded trace.
#include "viz/trace_model.h"

#include <algorithm>
#include <array>

namespace leasesim::viz {
namespace {

constexpr std::array<std::string_view, kEventKindCount> kEventKindNames = {
    "state", "acting", "api_request", "api_served", "api_response", "api_cancel", "observed",
    "callback", "log", "k8s_event", "metric", "fault", "clock", "finding",
    "coordination_log", "apiserver_instance", "controller",
    "node_lifecycle_controller", "zone_state", "kubelet", "node_ready", "node_taint", "node_evicted",
    "cluster_fault", "unknown"};

constexpr std::array<std::string_view, kNodeStateCount> kNodeStateNames = {
    "following", "acquiring", "leading", "releasing", "stopped", "crashed", "paused", "unknown"};

}  // namespace

std::string_view EventKindName(EventKind k) { return kEventKindNames[static_cast<int>(k)]; }

EventKind ParseEventKind(std::string_view s) {
  for (int i = 0; i < kEventKindCount - 1; ++i) {
    if (kEventKindNames[i] == s) return static_cast<EventKind>(i);
  }
  return EventKind::kUnknown;
}

std::string_view ReadyStatusName(ReadyStatus s) {
  switch (s) {
    case ReadyStatus::kTrue: return "Ready";
    case ReadyStatus::kFalse: return "NotReady";
    case ReadyStatus::kUnknown: return "Unknown";
  }
  return "Unknown";
}

std::string_view NodeStateName(NodeState s) { return kNodeStateNames[static_cast<int>(s)]; }

NodeState ParseNodeState(std::string_view s) {
  for (int i = 0; i < kNodeStateCount - 1; ++i) {
    if (kNodeStateNames[i] == s) return static_cast<NodeState>(i);
  }
  return NodeState::kUnknown;
}

std::string_view ApiVerbName(ApiVerb v) {
  switch (v) {
    case ApiVerb::kGet: return "get";
    case ApiVerb::kCreate: return "create";
    case ApiVerb::kUpdate: return "update";
    case ApiVerb::kOther: return "other";
  }
  return "other";
}

ApiVerb ParseApiVerb(std::string_view s) {
  if (s == "get") return ApiVerb::kGet;
  if (s == "create") return ApiVerb::kCreate;
  if (s == "update") return ApiVerb::kUpdate;
  return ApiVerb::kOther;
}

std::string_view ApiOutcomeName(ApiOutcome o) {
  switch (o) {
    case ApiOutcome::kOk: return "ok";
    case ApiOutcome::kConflict: return "conflict";
    case ApiOutcome::kError: return "error";
    case ApiOutcome::kTimeout: return "timeout";
    case ApiOutcome::kCancelled: return "cancelled";
    case ApiOutcome::kPending: return "pending";
  }
  return "pending";
}

std::string_view FindingKindName(FindingKind k) {
  switch (k) {
    case FindingKind::kSplitBrain: return "split_brain";
    case FindingKind::kNoLeader: return "no_leader";
    case FindingKind::kInvariantBreach: return "invariant_breach";
    case FindingKind::kOther: return "other";
  }
  return "other";
}

int Trace::NodeIndex(std::string_view name) const {
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].config.node == name) return static_cast<int>(i);
  }
  return -1;
}

int Trace::HolderNode(int32_t h) const {
  if (h < 0 || h >= static_cast<int32_t>(holders.size())) return -1;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].config.identity == holders[h]) return static_cast<int>(i);
  }
  return -1;
}

NodeState StateAt(const NodeTrack& node, TimeNs t) {
  // First interval whose end is after t; intervals are contiguous and sorted.
  auto it = std::upper_bound(node.states.begin(), node.states.end(), t,
                             [](TimeNs v, const StateInterval& s) { return v < s.end; });
  if (it == node.states.end() || it->start > t) return NodeState::kUnknown;
  return it->state;
}

}  // namespace leasesim::viz
