// objects.h — the Kubernetes API objects leader election touches, as typed values.
//
// Shapes follow k8s.io/api: coordination/v1 Lease (LeaseSpec with pointer fields, so
// "absent" and "zero" differ), core/v1 ConfigMap and Endpoints (the annotation locks keep
// the record in metadata.annotations["control-plane.alpha.kubernetes.io/leader"]).
// Objects travel between the elector and the (fake) API server as immutable shared
// pointers, as an informer cache would hand them out; writers build a new object.
//
//   core::Lease l;  l.metadata.name = "kube-controller-manager";
//   l.spec.holderIdentity = "node-a";  l.spec.leaseDurationSeconds = 15;
//   core::ObjectPtr p = core::MakeObject(std::move(l));
//
// JSON in the real Kubernetes shape is in objects_json.h.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/time.h"

namespace leasesim::core {

// Resource is the API resource (plural, lower case, as in a REST path).
enum class Resource : uint8_t { kLeases, kConfigMaps, kEndpoints };

// ResourceName returns "leases", "configmaps" or "endpoints".
std::string_view ResourceName(Resource r);
// GroupResource returns the qualified name used in API error messages:
// "leases.coordination.k8s.io", "configmaps", "endpoints".
std::string_view GroupResource(Resource r);
// KindName returns the object kind: "Lease", "ConfigMap", "Endpoints".
std::string_view KindName(Resource r);

// ObjectMeta carries the metav1.ObjectMeta fields leasesim models. Maps are ordered so
// that output is deterministic (Go's json.Marshal sorts map keys too).
struct ObjectMeta {
  std::string name;
  std::string namespace_;
  std::string resourceVersion;  // decimal string, set by the API server
  std::string uid;              // set by the API server on create
  WallTime creationTimestamp = WallTime::Zero();
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
};

// LeaseSpec is coordination/v1 LeaseSpec. Every field is a pointer in Go (nullopt = nil).
// Times are MicroTime: the wire keeps microseconds (see TruncateToMicros).
struct LeaseSpec {
  std::optional<std::string> holderIdentity;
  std::optional<int32_t> leaseDurationSeconds;
  std::optional<WallTime> acquireTime;
  std::optional<WallTime> renewTime;
  std::optional<int32_t> leaseTransitions;
  std::optional<std::string> strategy;         // CoordinatedLeaseStrategy
  std::optional<std::string> preferredHolder;
};

struct Lease {
  ObjectMeta metadata;
  LeaseSpec spec;
};

struct ConfigMap {
  ObjectMeta metadata;
  std::map<std::string, std::string> data;
};

struct Endpoints {
  ObjectMeta metadata;
};

// Object is one stored API object; ObjectPtr an immutable shared snapshot of one.
using Object = std::variant<Lease, ConfigMap, Endpoints>;
using ObjectPtr = std::shared_ptr<const Object>;

template <class T>
ObjectPtr MakeObject(T&& o) {
  return std::make_shared<const Object>(std::forward<T>(o));
}

// Meta returns the object's metadata, whatever its kind.
const ObjectMeta& Meta(const Object& o);
ObjectMeta& Meta(Object& o);
// ResourceOf returns the resource an object belongs to.
Resource ResourceOf(const Object& o);

// TruncateToMicros drops sub-microsecond digits, as metav1.MicroTime does on the wire
// (RFC3339Micro in JSON, micro_time_proto.go in protobuf). Zero stays zero.
WallTime TruncateToMicros(WallTime t);

// LeaderAnnotationKey is resourcelock.LeaderElectionRecordAnnotationKey.
inline constexpr std::string_view kLeaderAnnotationKey = "control-plane.alpha.kubernetes.io/leader";

}  // namespace leasesim::core
