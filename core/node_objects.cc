// node_objects.cc — helpers over the node-heartbeat objects.
#include "core/node_objects.h"

#include <algorithm>

namespace leasesim::core {

std::string_view ConditionStatusName(ConditionStatus s) {
  switch (s) {
    case ConditionStatus::kTrue: return "True";
    case ConditionStatus::kFalse: return "False";
    case ConditionStatus::kUnknown: return "Unknown";
  }
  return "Unknown";
}

std::string_view NodeResourceName(NodeResource r) {
  switch (r) {
    case NodeResource::kLease: return "leases";
    case NodeResource::kNode: return "nodes";
    case NodeResource::kNodeStatus: return "nodes/status";
    case NodeResource::kNodeTaints: return "nodes";
    case NodeResource::kPod: return "pods";
  }
  return "unknown";
}

std::string_view NodeVerbName(NodeVerb v) {
  switch (v) {
    case NodeVerb::kGet: return "get";
    case NodeVerb::kCreate: return "create";
    case NodeVerb::kUpdate: return "update";
    case NodeVerb::kPatch: return "patch";
    case NodeVerb::kDelete: return "delete";
  }
  return "unknown";
}

const NodeCondition* GetNodeCondition(const std::vector<NodeCondition>& conditions, std::string_view type) {
  for (const NodeCondition& c : conditions)
    if (c.type == type) return &c;
  return nullptr;
}

NodeCondition* GetNodeCondition(std::vector<NodeCondition>& conditions, std::string_view type) {
  for (NodeCondition& c : conditions)
    if (c.type == type) return &c;
  return nullptr;
}

bool TaintExists(const std::vector<Taint>& taints, const Taint& t) {
  return std::any_of(taints.begin(), taints.end(), [&](const Taint& x) { return x.Matches(t); });
}

// Port of topology.GetZoneKey (k8s.io/component-helpers/node/topology/helpers.go).
std::string GetZoneKey(const Node& n) {
  const auto& labels = n.metadata.labels;
  auto get = [&](std::string_view k) -> std::string {
    auto it = labels.find(std::string(k));
    return it == labels.end() ? std::string() : it->second;
  };
  std::string zone = get(kLabelTopologyZone);
  if (zone.empty()) zone = get(kLabelFailureDomainBetaZone);
  std::string region = get(kLabelTopologyRegion);
  if (region.empty()) region = get(kLabelFailureDomainBetaRegion);
  if (region.empty() && zone.empty()) return "";
  // We include the null character just in case region or failureDomain has a colon.
  std::string key = region;
  key += ':';
  key += '\0';
  key += ':';
  key += zone;
  return key;
}

}  // namespace leasesim::core
