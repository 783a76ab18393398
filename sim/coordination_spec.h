// coordination_spec.h — the scenario's coordinated leader election section (KEP-4355).
//
// A scenario whose candidates carry `binaryVersion` / `emulationVersion` or set
// `coordinated: true` gets kube-apiserver's coordinated leader election controller,
// running in one or several API server instances under its own lease (see
// sim/coordination.h). The section is optional:
//
//   "coordination": {
//     "apiservers": ["kube-apiserver-a", "kube-apiserver-b"],   // default: one instance
//     "leaseCandidateApi": "v1beta1",      // default by the newest candidate client_go
//     "watchDelay": "1ms"                  // informer event delivery to the controller
//   }
//
// Fault entries may name an API server instance: `crash` (with `for`: it comes back) and
// `restart` stop it; its controller and its elector stop with it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/objects.h"
#include "sim/true_time.h"

namespace leasesim::sim {

struct CoordinationSpec {
  std::vector<std::string> apiservers;           // instance names (default {"kube-apiserver-0"})
  std::optional<core::LeaseCandidateApi> api;    // nullopt: by the candidates' client_go
  Duration watch_delay = std::chrono::milliseconds(1);
};

// ParseCoordinationSpec parses `j` at `path` (throws json_input's BadInput on a problem).
CoordinationSpec ParseCoordinationSpec(const nlohmann::json& j, const std::string& path);

// ParseVersionKey checks a candidate's binaryVersion / emulationVersion: a strict semantic
// version ("1.31.0"), as the API server validates it.
std::string ParseVersionKey(const nlohmann::json& j, const std::string& path);

// LeaseCandidateApiFor is the LeaseCandidate version a client-go / kube-apiserver minor
// serves: 31 -> v1alpha1, 32 -> v1alpha2, 33+ -> v1beta1.
core::LeaseCandidateApi LeaseCandidateApiFor(int minor);

}  // namespace leasesim::sim
