// apf_config.h — the scenario keys of API Priority and Fairness and of background clients
// (scenarios/README.md, "API Priority and Fairness"; docs/apf.md):
//
//   "apiserver": {
//     "apf": {"enabled": true, "serverConcurrencyLimit": 600, "requestWaitLimit": "15s",
//             "slowdownAtLimit": 1, "nominalConcurrencyShares": {"leader-election": 10},
//             "candidateUser": "system:kube-controller-manager"},
//     "backgroundClients": [{"name": "list-storm", "user": "system:serviceaccount:monitoring:scraper",
//                            "verb": "list", "resource": "pods", "objects": 20000, "rate": 40,
//                            "start": "1m", "for": "3m", "latencyPerObject": "50us"}]
//   }
//
// Without "apf" (or with "enabled": false) the server admits requests as before (FIFO
// slots of maxInflight); background clients load either. Errors are json_input::BadInput
// at the JSON path.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/apf.h"
#include "sim/true_time.h"

namespace leasesim::sim {

// ApfSpec is the `apiserver.apf` object.
struct ApfSpec {
  bool enabled = true;
  // --max-requests-inflight + --max-mutating-requests-inflight.
  int64_t server_concurrency_limit = 600;
  Duration request_wait_limit = std::chrono::seconds(15);
  // Service time × (1 + slowdownAtLimit × seats in use / serverConcurrencyLimit).
  double slowdown_at_limit = 1.0;
  // Overrides of the bootstrap levels' nominalConcurrencyShares, by level name.
  std::map<std::string, int64_t> shares;
  // The user the scenario's candidates (the election) authenticate as.
  std::string candidate_user = "system:kube-controller-manager";

  // Config is the bootstrap configuration with these overrides.
  apf::Config Config() const;
};

// BackgroundClientSpec is one `apiserver.backgroundClients` entry: an open-loop client
// sending `rate` requests per second (evenly spaced) from `start` for `for` (or to the
// end), never retrying. Its requests take the server's latency plus `latencyPerObject` ×
// the objects a list returns (min(limit, objects), or objects).
struct BackgroundClientSpec {
  std::string name;
  apf::UserInfo user;
  std::string verb = "list";
  std::string api_group;
  std::string resource = "pods";
  std::string subresource;
  std::string namespace_;
  int64_t objects = 0;
  int64_t limit = 0;
  bool from_cache = false;  // "resourceVersion": "0" lists are served from the watch cache
  int64_t watchers = 0;     // mutating verbs: watchers notified (work estimate)
  double rate = 1;          // requests per second (> 0)
  Duration start{0};
  std::optional<Duration> for_;
  Duration latency_per_object{0};

  apf::RequestDigest Digest() const;
  Duration ExtraLatency() const;
};

// UserFromName builds a user from its name, with the groups the authenticators give it:
// system:serviceaccount:<ns>:<name> -> system:serviceaccounts(+:<ns>), system:node:<n> ->
// system:nodes; every user is in system:authenticated. `extra` groups are appended.
apf::UserInfo UserFromName(const std::string& name, const std::vector<std::string>& extra = {});

// ParseApfSpec parses `apiserver.apf` at `path`.
ApfSpec ParseApfSpec(const nlohmann::json& j, const std::string& path);
// ParseBackgroundClients parses `apiserver.backgroundClients` at `path`; `duration` is
// the scenario's length (a client must start inside it).
std::vector<BackgroundClientSpec> ParseBackgroundClients(const nlohmann::json& j, const std::string& path,
                                                         Duration duration);

}  // namespace leasesim::sim
