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

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/time.h"

namespace leasesim::core {

// Resource is the API resource (plural, lower case, as in a REST path).
enum class Resource : uint8_t { kLeases, kConfigMaps, kEndpoints, kLeaseCandidates };
// kNumResources is the number of Resource values (for arrays indexed by Resource).
inline constexpr size_t kNumResources = 4;

// ResourceName returns "leases", "configmaps", "endpoints" or "leasecandidates".
std::string_view ResourceName(Resource r);
// GroupResource returns the qualified name used in API error messages:
// "leases.coordination.k8s.io", "configmaps", "endpoints", "leasecandidates.coordination.k8s.io".
std::string_view GroupResource(Resource r);
// KindName returns the object kind: "Lease", "ConfigMap", "Endpoints", "LeaseCandidate".
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

// LeaseCandidateApi is the served version of coordination.k8s.io LeaseCandidate
// (KEP-4355): v1alpha1 in 1.31 (spec.preferredStrategies, a list), v1alpha2 in 1.32 and
// v1beta1 from 1.33 (spec.strategy, one value; binaryVersion required).
enum class LeaseCandidateApi : uint8_t { kV1alpha1, kV1alpha2, kV1beta1 };

// LeaseCandidateApiVersion returns "coordination.k8s.io/v1alpha1", ".../v1alpha2" or
// ".../v1beta1".
std::string_view LeaseCandidateApiVersion(LeaseCandidateApi api);

// LeaseCandidateSpec is coordination.k8s.io LeaseCandidateSpec. leaseName, binaryVersion
// and emulationVersion are plain strings in Go; the times are *MicroTime (nullopt = nil).
struct LeaseCandidateSpec {
  std::string leaseName;
  std::optional<WallTime> pingTime;
  std::optional<WallTime> renewTime;
  std::string binaryVersion;
  std::string emulationVersion;
  std::string strategy;                          // v1alpha2, v1beta1
  std::vector<std::string> preferredStrategies;  // v1alpha1
};

// LeaseCandidate is one candidate for a Lease under coordinated leader election; `api`
// is the version it is served as (its JSON apiVersion and spec shape).
struct LeaseCandidate {
  ObjectMeta metadata;
  LeaseCandidateSpec spec;
  LeaseCandidateApi api = LeaseCandidateApi::kV1beta1;
};

// Object is one stored API object; ObjectPtr an immutable shared snapshot of one: no one
// changes an object someone else may hold.
using Object = std::variant<Lease, ConfigMap, Endpoints, LeaseCandidate>;
using ObjectPtr = std::shared_ptr<const Object>;

// MakeObject allocates the object non-const (shared as const): its owner may reuse the
// allocation once it holds the only reference (use_count 1), as the API server does with
// the objects it replaced (sim/api_server.cc). Never create an Object as const.
template <class T>
ObjectPtr MakeObject(T&& o) {
  return std::make_shared<Object>(std::forward<T>(o));
}

// Meta returns the object's metadata, whatever its kind.
const ObjectMeta& Meta(const Object& o);
ObjectMeta& Meta(Object& o);
// ResourceOf returns the resource an object belongs to.
Resource ResourceOf(const Object& o);

// TruncateToMicros drops sub-microsecond digits, as metav1.MicroTime does on the wire
// (RFC3339Micro in JSON, micro_time_proto.go in protobuf). Zero stays zero.
inline WallTime TruncateToMicros(WallTime t) {
  if (t.IsZero()) return t;
  const auto ns = t.since_unix.count();
  auto r = ns % 1000;
  if (r < 0) r += 1000;  // toward the past, as Go's Truncate
  return WallTime{Duration(ns - r)};
}

// LeaderAnnotationKey is resourcelock.LeaderElectionRecordAnnotationKey.
inline constexpr std::string_view kLeaderAnnotationKey = "control-plane.alpha.kubernetes.io/leader";

}  // namespace leasesim::core
