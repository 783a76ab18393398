// objects.cc — resource names, metadata access and MicroTime truncation.
#include "core/objects.h"

namespace leasesim::core {

std::string_view ResourceName(Resource r) {
  switch (r) {
    case Resource::kLeases: return "leases";
    case Resource::kConfigMaps: return "configmaps";
    case Resource::kEndpoints: return "endpoints";
    case Resource::kLeaseCandidates: return "leasecandidates";
  }
  return "unknown";
}

std::string_view GroupResource(Resource r) {
  switch (r) {
    case Resource::kLeases: return "leases.coordination.k8s.io";
    case Resource::kConfigMaps: return "configmaps";
    case Resource::kEndpoints: return "endpoints";
    case Resource::kLeaseCandidates: return "leasecandidates.coordination.k8s.io";
  }
  return "unknown";
}

std::string_view KindName(Resource r) {
  switch (r) {
    case Resource::kLeases: return "Lease";
    case Resource::kConfigMaps: return "ConfigMap";
    case Resource::kEndpoints: return "Endpoints";
    case Resource::kLeaseCandidates: return "LeaseCandidate";
  }
  return "Unknown";
}

std::string_view LeaseCandidateApiVersion(LeaseCandidateApi api) {
  switch (api) {
    case LeaseCandidateApi::kV1alpha1: return "coordination.k8s.io/v1alpha1";
    case LeaseCandidateApi::kV1alpha2: return "coordination.k8s.io/v1alpha2";
    case LeaseCandidateApi::kV1beta1: return "coordination.k8s.io/v1beta1";
  }
  return "coordination.k8s.io/v1beta1";
}

const ObjectMeta& Meta(const Object& o) {
  return std::visit([](const auto& x) -> const ObjectMeta& { return x.metadata; }, o);
}
ObjectMeta& Meta(Object& o) {
  return std::visit([](auto& x) -> ObjectMeta& { return x.metadata; }, o);
}

Resource ResourceOf(const Object& o) {
  switch (o.index()) {
    case 0: return Resource::kLeases;
    case 1: return Resource::kConfigMaps;
    case 3: return Resource::kLeaseCandidates;
    default: return Resource::kEndpoints;
  }
}

}  // namespace leasesim::core
