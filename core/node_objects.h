// node_objects.h — the API objects of node heartbeats: a node's Lease in kube-node-lease
// (with its ownerReference to the Node), the Node with its conditions and taints, and the
// requests/responses the kubelet and the node lifecycle controller exchange with the API
// server.
//
// Shapes follow k8s.io/api: coordination/v1 Lease (+ metav1.OwnerReference), core/v1 Node
// (NodeStatus.Conditions, NodeSpec.Taints). These are kept apart from core::Object (the
// election's Lease/ConfigMap/Endpoints) so that the election path is unchanged; objects
// travel as immutable shared pointers, as an informer cache hands them out.
//
//   core::NodeLease l;  l.metadata.name = "node-1";  l.metadata.namespace_ = "kube-node-lease";
//   l.spec.holderIdentity = "node-1";  l.spec.leaseDurationSeconds = 40;
//   core::NodeLeasePtr p = std::make_shared<const core::NodeLease>(std::move(l));
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/api.h"
#include "core/objects.h"
#include "core/time.h"

namespace leasesim::core {

// kNamespaceNodeLease is corev1.NamespaceNodeLease.
inline constexpr std::string_view kNamespaceNodeLease = "kube-node-lease";

// OwnerReference is metav1.OwnerReference (the fields the kubelet sets).
struct OwnerReference {
  std::string apiVersion;  // "v1"
  std::string kind;        // "Node"
  std::string name;
  std::string uid;
  friend bool operator==(const OwnerReference&, const OwnerReference&) = default;
};

// NodeLease is a coordination/v1 Lease as the kubelet writes it: holderIdentity = node
// name, leaseDurationSeconds, renewTime, and an ownerReference to the Node.
struct NodeLease {
  ObjectMeta metadata;
  std::vector<OwnerReference> ownerReferences;
  LeaseSpec spec;
};
using NodeLeasePtr = std::shared_ptr<const NodeLease>;

// ConditionStatus is v1.ConditionStatus.
enum class ConditionStatus : uint8_t { kTrue, kFalse, kUnknown };
std::string_view ConditionStatusName(ConditionStatus s);  // "True", "False", "Unknown"

// NodeCondition is v1.NodeCondition. Types: "Ready", "MemoryPressure", "DiskPressure",
// "PIDPressure", "NetworkUnavailable". Times are metav1.Time (second precision on the
// wire; kept as given here).
struct NodeCondition {
  std::string type;
  ConditionStatus status = ConditionStatus::kUnknown;
  WallTime lastHeartbeatTime = WallTime::Zero();
  WallTime lastTransitionTime = WallTime::Zero();
  std::string reason;
  std::string message;
  friend bool operator==(const NodeCondition&, const NodeCondition&) = default;
};

// Taint is v1.Taint. effect: "NoSchedule", "PreferNoSchedule", "NoExecute".
struct Taint {
  std::string key;
  std::string effect;
  WallTime timeAdded = WallTime::Zero();
  // MatchTaint compares key and effect only (v1.Taint.MatchTaint).
  bool Matches(const Taint& o) const { return key == o.key && effect == o.effect; }
};

inline constexpr std::string_view kTaintNodeUnreachable = "node.kubernetes.io/unreachable";
inline constexpr std::string_view kTaintNodeNotReady = "node.kubernetes.io/not-ready";
inline constexpr std::string_view kTaintEffectNoExecute = "NoExecute";
inline constexpr std::string_view kLabelTopologyRegion = "topology.kubernetes.io/region";
inline constexpr std::string_view kLabelTopologyZone = "topology.kubernetes.io/zone";
inline constexpr std::string_view kLabelFailureDomainBetaRegion = "failure-domain.beta.kubernetes.io/region";
inline constexpr std::string_view kLabelFailureDomainBetaZone = "failure-domain.beta.kubernetes.io/zone";
// kLabelNodeDisruptionExclusion: nodes with it are left out of the zone states.
inline constexpr std::string_view kLabelNodeDisruptionExclusion = "node.kubernetes.io/exclude-disruption";

// Node is a core/v1 Node with what heartbeats and the node lifecycle controller touch.
struct Node {
  ObjectMeta metadata;  // uid, creationTimestamp, labels (zone)
  std::vector<Taint> taints;
  std::vector<NodeCondition> conditions;
};
using NodePtr = std::shared_ptr<const Node>;

// GetNodeCondition is controllerutil.GetNodeCondition: the condition of `type`, or null.
const NodeCondition* GetNodeCondition(const std::vector<NodeCondition>& conditions, std::string_view type);
NodeCondition* GetNodeCondition(std::vector<NodeCondition>& conditions, std::string_view type);
// TaintExists is taintutils.TaintExists (key and effect).
bool TaintExists(const std::vector<Taint>& taints, const Taint& t);
// GetZoneKey is k8s.io/component-helpers/node/topology.GetZoneKey: region + ":\x00:" +
// zone from the topology labels (falling back to the failure-domain beta labels); "" when
// the node has neither.
std::string GetZoneKey(const Node& n);

// NodeResource is what a node-heartbeat request addresses: a Lease in kube-node-lease,
// a Node, the Node's status subresource (kubelet PATCH, controller UpdateStatus), the
// Node's spec taints (controller SwapNodeControllerTaint), or a Pod (eviction DELETE).
enum class NodeResource : uint8_t { kLease, kNode, kNodeStatus, kNodeTaints, kPod };
std::string_view NodeResourceName(NodeResource r);

// NodeVerb: get / create / update (PUT) / patch / delete.
enum class NodeVerb : uint8_t { kGet, kCreate, kUpdate, kPatch, kDelete };
std::string_view NodeVerbName(NodeVerb v);

// NodeApiRequest is one REST call of a kubelet or of the node lifecycle controller.
// `name` is the node's name (a Lease and its Node share it; for kPod the node whose pod
// is evicted). `from_cache` is GetOptions{ResourceVersion: "0"} (served from the API
// server's watch cache). lease/node carry the body of create/update/patch.
struct NodeApiRequest {
  RequestId id = 0;
  NodeVerb verb = NodeVerb::kGet;
  NodeResource resource = NodeResource::kLease;
  std::string name;
  bool from_cache = false;
  NodeLeasePtr lease;
  NodePtr node;
};

// NodeApiResponse answers the request with the same id; lease/node hold the stored object
// after a successful call.
struct NodeApiResponse {
  RequestId id = 0;
  Status status;
  NodeLeasePtr lease;
  NodePtr node;
};

}  // namespace leasesim::core
