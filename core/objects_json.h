// objects_json.h — core::Object to and from Kubernetes' JSON.
//
// The shape is what the API server serves (k8s.io/api coordination/v1 Lease, core/v1
// ConfigMap and Endpoints, encoded by Go's encoding/json):
//   - apiVersion "coordination.k8s.io/v1" (Lease) or "v1", kind, metadata, then spec/data;
//   - metadata: name, namespace, uid, resourceVersion only when non-empty (omitempty),
//     creationTimestamp always (metav1.Time is a struct, which omitempty never drops) as
//     RFC 3339 UTC at second precision, `null` when zero; labels/annotations when non-empty;
//   - Lease spec: only the fields that are set (Go pointers with omitempty); MicroTime as
//     "2006-01-02T15:04:05.000000Z" (metav1.RFC3339Micro), a present zero time as `null`;
//   - ConfigMap data when non-empty;
//   - LeaseCandidate (coordination.k8s.io v1alpha1 / v1alpha2 / v1beta1 by its `api`):
//     spec.leaseName and (v1alpha2+) binaryVersion and strategy always, pingTime and
//     renewTime when set, emulationVersion when non-empty, v1alpha1 preferredStrategies.
// Object keys come out sorted (nlohmann::json's ordering), which changes no JSON value.
//
//   nlohmann::json j = core::ToJson(*lease_ptr);
//   core::Object o;
//   if (std::string err = core::FromJson(j, o); !err.empty()) { /* "spec.renewTime: ..." */ }
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/objects.h"

namespace leasesim::core {

// ToJson renders `o` as the API server would serve it (see the file comment).
nlohmann::json ToJson(const Object& o);

// FromJson parses Kubernetes JSON into `out`, as json.Unmarshal into the typed object:
// `kind` ("Lease", "ConfigMap", "Endpoints", "LeaseCandidate") selects the type,
// `apiVersion` must match it when present (a LeaseCandidate's selects its version), `null` leaves a field unset, unknown fields are ignored. Times accept any
// RFC 3339 form (fraction and offset optional); creationTimestamp keeps whole seconds.
// Returns "" on success, otherwise one message naming the JSON path and the problem, e.g.
// `spec.leaseDurationSeconds: expected an integer in int32 range, got "15"` (`out` is then
// unspecified).
[[nodiscard]] std::string FromJson(const nlohmann::json& j, Object& out);

}  // namespace leasesim::core
