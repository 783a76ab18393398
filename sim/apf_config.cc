// apf_config.cc — `apiserver.apf` and `apiserver.backgroundClients` → ApfSpec,
// BackgroundClientSpec.
#include "sim/apf_config.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "sim/json_input.h"

namespace leasesim::sim {
namespace {

using nlohmann::json;
using namespace json_input;  // NOLINT

constexpr std::array<std::string_view, 7> kVerbs = {"get", "list", "watch", "create", "update", "patch", "delete"};

std::vector<std::string> StrList(const json& j, const std::string& path) {
  if (!j.is_array()) Fail(path, fmt::format("expected an array of strings, got {}", TypeName(j)));
  std::vector<std::string> out;
  for (size_t i = 0; i < j.size(); ++i) out.push_back(Str(j[i], Idx(path, i)));
  return out;
}

}  // namespace

apf::Config ApfSpec::Config() const {
  apf::Config c = apf::BootstrapConfig(static_cast<int>(server_concurrency_limit));
  c.request_wait_limit = request_wait_limit;
  for (const auto& [name, shares] : this->shares)
    c.priority_levels[static_cast<size_t>(c.LevelIndex(name))].nominal_concurrency_shares = static_cast<int32_t>(shares);
  return c;
}

apf::UserInfo UserFromName(const std::string& name, const std::vector<std::string>& extra) {
  apf::UserInfo u;
  u.name = name;
  constexpr std::string_view kSa = "system:serviceaccount:";
  if (name.starts_with(kSa)) {
    const std::string rest = name.substr(kSa.size());
    const size_t colon = rest.find(':');
    u.groups.push_back("system:serviceaccounts");
    if (colon != std::string::npos) u.groups.push_back("system:serviceaccounts:" + rest.substr(0, colon));
  } else if (name.starts_with("system:node:")) {
    u.groups.push_back("system:nodes");
  }
  u.groups.push_back("system:authenticated");
  for (const std::string& g : extra)
    if (std::find(u.groups.begin(), u.groups.end(), g) == u.groups.end()) u.groups.push_back(g);
  return u;
}

apf::RequestDigest BackgroundClientSpec::Digest() const {
  apf::RequestDigest d;
  d.user = user;
  d.verb = verb;
  d.api_group = api_group;
  d.resource = resource;
  d.subresource = subresource;
  d.namespace_ = namespace_;
  d.objects = objects;
  d.limit = limit;
  d.from_cache = from_cache;
  d.watchers = watchers;
  return d;
}

Duration BackgroundClientSpec::ExtraLatency() const {
  if (verb != "list") return Duration{0};
  const int64_t returned = limit > 0 ? std::min(limit, objects) : objects;
  return latency_per_object * returned;
}

ApfSpec ParseApfSpec(const json& j, const std::string& path) {
  CheckObject(j, path, {"enabled", "serverConcurrencyLimit", "requestWaitLimit", "slowdownAtLimit",
                        "nominalConcurrencyShares", "candidateUser"});
  ApfSpec s;
  if (const json* v = Find(j, "enabled")) s.enabled = Bool(*v, Key(path, "enabled"));
  if (const json* v = Find(j, "serverConcurrencyLimit"))
    s.server_concurrency_limit = IntIn(*v, Key(path, "serverConcurrencyLimit"), 1, 1'000'000);
  if (const json* v = Find(j, "requestWaitLimit")) {
    s.request_wait_limit = PosDur(*v, Key(path, "requestWaitLimit"));
    // getRequestWaitContext caps every wait limit at 1m.
    if (s.request_wait_limit > std::chrono::minutes(1))
      Fail(Key(path, "requestWaitLimit"), "must be at most 1m (kube-apiserver caps the queue wait at 1m)");
  }
  if (const json* v = Find(j, "slowdownAtLimit")) s.slowdown_at_limit = NonNegNumber(*v, Key(path, "slowdownAtLimit"));
  if (const json* v = Find(j, "nominalConcurrencyShares")) {
    const std::string sp = Key(path, "nominalConcurrencyShares");
    const apf::Config boot = apf::BootstrapConfig();
    if (!v->is_object()) Fail(sp, fmt::format("expected an object of priority level names, got {}", TypeName(*v)));
    for (const auto& [name, val] : v->items()) {
      const int idx = boot.LevelIndex(name);
      if (idx < 0) {
        std::vector<std::string> names;
        for (const auto& p : boot.priority_levels) names.push_back(p.name);
        Fail(Key(sp, name), fmt::format("unknown priority level (one of: {})", fmt::join(names, ", ")));
      }
      if (boot.priority_levels[static_cast<size_t>(idx)].exempt)
        Fail(Key(sp, name), "the exempt level has no concurrency shares");
      s.shares[name] = IntIn(val, Key(sp, name), 1, 1'000'000);
    }
  }
  if (const json* v = Find(j, "candidateUser")) {
    s.candidate_user = Str(*v, Key(path, "candidateUser"));
    if (s.candidate_user.empty()) Fail(Key(path, "candidateUser"), "must not be empty");
  }
  return s;
}

std::vector<BackgroundClientSpec> ParseBackgroundClients(const json& j, const std::string& path, Duration duration) {
  if (!j.is_array()) Fail(path, fmt::format("expected an array, got {}", TypeName(j)));
  std::vector<BackgroundClientSpec> out;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string p = Idx(path, i);
    const json& c = j[i];
    CheckObject(c, p, {"name", "user", "groups", "verb", "apiGroup", "resource", "subresource", "namespace",
                       "objects", "limit", "resourceVersion", "watchers", "rate", "start", "for",
                       "latencyPerObject"},
                " for a background client");
    BackgroundClientSpec b;
    b.name = Str(Require(c, p, "name"), Key(p, "name"));
    if (b.name.empty()) Fail(Key(p, "name"), "must not be empty");
    for (const BackgroundClientSpec& o : out)
      if (o.name == b.name) Fail(Key(p, "name"), fmt::format("duplicate background client name \"{}\"", b.name));
    std::vector<std::string> groups;
    if (const json* v = Find(c, "groups")) groups = StrList(*v, Key(p, "groups"));
    const std::string user = Str(Require(c, p, "user"), Key(p, "user"));
    if (user.empty()) Fail(Key(p, "user"), "must not be empty");
    b.user = UserFromName(user, groups);
    if (const json* v = Find(c, "verb")) {
      b.verb = Str(*v, Key(p, "verb"));
      if (std::find(kVerbs.begin(), kVerbs.end(), b.verb) == kVerbs.end())
        Fail(Key(p, "verb"), fmt::format("unknown verb \"{}\" (one of: {})", b.verb, fmt::join(kVerbs, ", ")));
    }
    if (const json* v = Find(c, "apiGroup")) b.api_group = Str(*v, Key(p, "apiGroup"));
    if (const json* v = Find(c, "resource")) b.resource = Str(*v, Key(p, "resource"));
    if (b.resource.empty()) Fail(Key(p, "resource"), "must not be empty");
    if (const json* v = Find(c, "subresource")) b.subresource = Str(*v, Key(p, "subresource"));
    if (const json* v = Find(c, "namespace")) b.namespace_ = Str(*v, Key(p, "namespace"));
    if (const json* v = Find(c, "objects")) b.objects = IntIn(*v, Key(p, "objects"), 0, 1'000'000'000);
    if (const json* v = Find(c, "limit")) b.limit = IntIn(*v, Key(p, "limit"), 0, 1'000'000'000);
    if (const json* v = Find(c, "resourceVersion")) {
      const std::string rv = Str(*v, Key(p, "resourceVersion"));
      if (rv != "" && rv != "0")
        Fail(Key(p, "resourceVersion"), "must be \"\" (a list from etcd) or \"0\" (from the watch cache)");
      b.from_cache = rv == "0";
    }
    if (const json* v = Find(c, "watchers")) b.watchers = IntIn(*v, Key(p, "watchers"), 0, 1'000'000);
    const json& rate = Require(c, p, "rate");
    b.rate = NonNegNumber(rate, Key(p, "rate"));
    if (!(b.rate > 0) || b.rate > 1e6) Fail(Key(p, "rate"), "must be in (0, 1000000] requests per second");
    if (const json* v = Find(c, "start")) b.start = NonNegDur(*v, Key(p, "start"));
    if (b.start >= duration) Fail(Key(p, "start"), "must be before the end of the scenario");
    if (const json* v = Find(c, "for")) b.for_ = PosDur(*v, Key(p, "for"));
    if (const json* v = Find(c, "latencyPerObject")) b.latency_per_object = NonNegDur(*v, Key(p, "latencyPerObject"));
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace leasesim::sim
