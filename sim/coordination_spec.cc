// coordination_spec.cc — parsing the scenario's "coordination" section and version keys.
#include "sim/coordination_spec.h"

#include <set>

#include <fmt/format.h>

#include "core/semver.h"
#include "sim/json_input.h"

namespace leasesim::sim {

using namespace json_input;  // NOLINT

CoordinationSpec ParseCoordinationSpec(const nlohmann::json& j, const std::string& path) {
  CheckObject(j, path, {"apiservers", "leaseCandidateApi", "watchDelay"});
  CoordinationSpec s;
  if (const auto* v = Find(j, "apiservers")) {
    const std::string p = Key(path, "apiservers");
    if (!v->is_array() || v->empty()) Fail(p, fmt::format("expected a non-empty array of names, got {}", TypeName(*v)));
    std::set<std::string> seen;
    for (size_t i = 0; i < v->size(); ++i) {
      std::string name = Str((*v)[i], Idx(p, i));
      if (name.empty()) Fail(Idx(p, i), "must not be empty");
      if (!seen.insert(name).second) Fail(Idx(p, i), fmt::format("duplicate API server name \"{}\"", name));
      s.apiservers.push_back(std::move(name));
    }
  }
  if (const auto* v = Find(j, "leaseCandidateApi")) {
    const std::string p = Key(path, "leaseCandidateApi");
    const std::string a = Str(*v, p);
    if (a == "v1alpha1") s.api = core::LeaseCandidateApi::kV1alpha1;
    else if (a == "v1alpha2") s.api = core::LeaseCandidateApi::kV1alpha2;
    else if (a == "v1beta1") s.api = core::LeaseCandidateApi::kV1beta1;
    else Fail(p, fmt::format("expected \"v1alpha1\", \"v1alpha2\" or \"v1beta1\", got \"{}\"", a));
  }
  if (const auto* v = Find(j, "watchDelay")) s.watch_delay = NonNegDur(*v, Key(path, "watchDelay"));
  if (s.apiservers.empty()) s.apiservers.push_back("kube-apiserver-0");
  return s;
}

std::string ParseVersionKey(const nlohmann::json& j, const std::string& path) {
  std::string v = Str(j, path);
  if (!core::ParseSemver(v)) Fail(path, fmt::format("expected a semantic version like \"1.31.0\", got \"{}\"", v));
  return v;
}

core::LeaseCandidateApi LeaseCandidateApiFor(int minor) {
  if (minor <= 31) return core::LeaseCandidateApi::kV1alpha1;
  if (minor == 32) return core::LeaseCandidateApi::kV1alpha2;
  return core::LeaseCandidateApi::kV1beta1;
}

}  // namespace leasesim::sim
