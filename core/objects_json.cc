// objects_json.cc — Kubernetes JSON of Leases, ConfigMaps and Endpoints.
//
// The RFC 3339 helpers are private on purpose: core/record.cc has its own for the raw
// record; the two are to be unified once both have landed.
#include "core/objects_json.h"

#include "core/record.h"

#include <cstdint>
#include <cstdio>
#include <limits>
#include <string_view>

namespace leasesim::core {
namespace {

using nlohmann::json;

// RFC 3339 formatting and parsing live with the raw record (core/record.h).
std::string FormatRFC3339(WallTime t, bool micros) {
  std::string out;
  if (micros) {
    AppendRFC3339Micros(out, t);
  } else {
    AppendRFC3339Seconds(out, t);
  }
  return out;
}

std::string ParseTimeText(std::string_view s, WallTime& out) {
  std::string why;
  if (!ParseRFC3339(s, out, &why)) return why;
  return {};
}

// TruncateToSeconds drops sub-second digits toward the past (metav1.Time on the wire).
WallTime TruncateToSeconds(WallTime t) {
  constexpr int64_t kNs = 1'000'000'000;
  const int64_t ns = t.since_unix.count();
  const int64_t secs = ns / kNs - ((ns % kNs != 0) && (ns < 0));
  return WallTime{Duration(secs * kNs)};
}

json TimeJson(WallTime t, bool micros) {
  if (t.IsZero()) return nullptr;  // metav1.Time / MicroTime MarshalJSON of the zero time
  return FormatRFC3339(t, micros);
}

json MetaJson(const ObjectMeta& m) {
  json j = json::object();
  if (!m.name.empty()) j["name"] = m.name;
  if (!m.namespace_.empty()) j["namespace"] = m.namespace_;
  if (!m.uid.empty()) j["uid"] = m.uid;
  if (!m.resourceVersion.empty()) j["resourceVersion"] = m.resourceVersion;
  j["creationTimestamp"] = TimeJson(m.creationTimestamp, /*micros=*/false);
  if (!m.labels.empty()) j["labels"] = m.labels;
  if (!m.annotations.empty()) j["annotations"] = m.annotations;
  return j;
}

json LeaseSpecJson(const LeaseSpec& s) {
  json j = json::object();
  if (s.holderIdentity) j["holderIdentity"] = *s.holderIdentity;
  if (s.leaseDurationSeconds) j["leaseDurationSeconds"] = *s.leaseDurationSeconds;
  if (s.acquireTime) j["acquireTime"] = TimeJson(*s.acquireTime, /*micros=*/true);
  if (s.renewTime) j["renewTime"] = TimeJson(*s.renewTime, /*micros=*/true);
  if (s.leaseTransitions) j["leaseTransitions"] = *s.leaseTransitions;
  if (s.strategy) j["strategy"] = *s.strategy;
  if (s.preferredHolder) j["preferredHolder"] = *s.preferredHolder;
  return j;
}

// LeaseCandidateSpecJson: coordination.k8s.io LeaseCandidateSpec. leaseName and
// binaryVersion have no omitempty; emulationVersion, strategy and preferredStrategies do.
json LeaseCandidateSpecJson(const LeaseCandidate& c) {
  const LeaseCandidateSpec& s = c.spec;
  json j = json::object();
  j["leaseName"] = s.leaseName;
  if (s.pingTime) j["pingTime"] = TimeJson(*s.pingTime, /*micros=*/true);
  if (s.renewTime) j["renewTime"] = TimeJson(*s.renewTime, /*micros=*/true);
  if (c.api == LeaseCandidateApi::kV1alpha1) {
    if (!s.binaryVersion.empty()) j["binaryVersion"] = s.binaryVersion;  // omitempty in v1alpha1
    if (!s.emulationVersion.empty()) j["emulationVersion"] = s.emulationVersion;
    if (!s.preferredStrategies.empty()) j["preferredStrategies"] = s.preferredStrategies;
  } else {
    j["binaryVersion"] = s.binaryVersion;
    if (!s.emulationVersion.empty()) j["emulationVersion"] = s.emulationVersion;
    j["strategy"] = s.strategy;
  }
  return j;
}

// --- parsing ---------------------------------------------------------------------------

std::string Got(const json& v) { return v.dump(); }

std::string Join(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string p(parent);
  p += '.';
  p += key;
  return p;
}

std::string ParseString(const json& v, const std::string& path, std::string& out) {
  if (!v.is_string()) return path + ": expected a string, got " + Got(v);
  out = v.get<std::string>();
  return {};
}

std::string ParseInt32(const json& v, const std::string& path, int32_t& out) {
  if (!v.is_number_integer()) return path + ": expected an integer in int32 range, got " + Got(v);
  if (v.is_number_unsigned()) {
    const auto u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
      return path + ": expected an integer in int32 range, got " + Got(v);
    }
    out = static_cast<int32_t>(u);
    return {};
  }
  const auto i = v.get<int64_t>();
  if (i < std::numeric_limits<int32_t>::min() || i > std::numeric_limits<int32_t>::max()) {
    return path + ": expected an integer in int32 range, got " + Got(v);
  }
  out = static_cast<int32_t>(i);
  return {};
}

std::string ParseTime(const json& v, const std::string& path, WallTime& out) {
  if (!v.is_string()) return path + ": expected an RFC 3339 time string, got " + Got(v);
  if (std::string err = ParseTimeText(v.get_ref<const std::string&>(), out); !err.empty()) {
    return path + ": " + err + ", got " + Got(v);
  }
  return {};
}

std::string ParseStringMap(const json& v, const std::string& path,
                           std::map<std::string, std::string>& out) {
  if (!v.is_object()) return path + ": expected an object of strings, got " + Got(v);
  out.clear();
  for (const auto& [k, x] : v.items()) {
    std::string s;  // a null value gives "", as json.Unmarshal into map[string]string does
    if (x.is_null()) {
      out.emplace(k, std::move(s));
      continue;
    }
    if (std::string err = ParseString(x, path + "[" + k + "]", s); !err.empty()) return err;
    out.emplace(k, std::move(s));
  }
  return {};
}

std::string ParseMeta(const json& v, ObjectMeta& m) {
  const std::string path = "metadata";
  if (!v.is_object()) return path + ": expected an object, got " + Got(v);
  for (const auto& [k, x] : v.items()) {
    if (x.is_null()) continue;
    const std::string p = Join(path, k);
    std::string err;
    if (k == "name") err = ParseString(x, p, m.name);
    else if (k == "namespace") err = ParseString(x, p, m.namespace_);
    else if (k == "uid") err = ParseString(x, p, m.uid);
    else if (k == "resourceVersion") err = ParseString(x, p, m.resourceVersion);
    else if (k == "creationTimestamp") {
      WallTime t;
      err = ParseTime(x, p, t);
      // metav1.Time keeps whole seconds on the wire.
      if (err.empty()) m.creationTimestamp = TruncateToSeconds(t);
    } else if (k == "labels") err = ParseStringMap(x, p, m.labels);
    else if (k == "annotations") err = ParseStringMap(x, p, m.annotations);
    if (!err.empty()) return err;
  }
  return {};
}

std::string ParseLeaseCandidateSpec(const json& v, LeaseCandidateSpec& s) {
  const std::string path = "spec";
  if (!v.is_object()) return path + ": expected an object, got " + Got(v);
  for (const auto& [k, x] : v.items()) {
    if (x.is_null()) continue;
    const std::string p = Join(path, k);
    std::string err;
    if (k == "leaseName") err = ParseString(x, p, s.leaseName);
    else if (k == "pingTime") err = ParseTime(x, p, s.pingTime.emplace());
    else if (k == "renewTime") err = ParseTime(x, p, s.renewTime.emplace());
    else if (k == "binaryVersion") err = ParseString(x, p, s.binaryVersion);
    else if (k == "emulationVersion") err = ParseString(x, p, s.emulationVersion);
    else if (k == "strategy") err = ParseString(x, p, s.strategy);
    else if (k == "preferredStrategies") {
      if (!x.is_array()) return p + ": expected an array of strings, got " + Got(x);
      s.preferredStrategies.clear();
      for (size_t i = 0; i < x.size(); ++i) {
        if (err = ParseString(x[i], p + "[" + std::to_string(i) + "]", s.preferredStrategies.emplace_back());
            !err.empty()) {
          return err;
        }
      }
    }
    if (!err.empty()) return err;
  }
  return {};
}

std::string ParseLeaseSpec(const json& v, LeaseSpec& s) {
  const std::string path = "spec";
  if (!v.is_object()) return path + ": expected an object, got " + Got(v);
  for (const auto& [k, x] : v.items()) {
    if (x.is_null()) continue;  // a nil pointer
    const std::string p = Join(path, k);
    std::string err;
    if (k == "holderIdentity") err = ParseString(x, p, s.holderIdentity.emplace());
    else if (k == "leaseDurationSeconds") err = ParseInt32(x, p, s.leaseDurationSeconds.emplace());
    else if (k == "acquireTime") err = ParseTime(x, p, s.acquireTime.emplace());
    else if (k == "renewTime") err = ParseTime(x, p, s.renewTime.emplace());
    else if (k == "leaseTransitions") err = ParseInt32(x, p, s.leaseTransitions.emplace());
    else if (k == "strategy") err = ParseString(x, p, s.strategy.emplace());
    else if (k == "preferredHolder") err = ParseString(x, p, s.preferredHolder.emplace());
    if (!err.empty()) return err;
  }
  return {};
}

}  // namespace

json ToJson(const Object& o) {
  json j = json::object();
  const Resource r = ResourceOf(o);
  j["apiVersion"] = r == Resource::kLeases ? "coordination.k8s.io/v1" : "v1";
  if (const auto* lc = std::get_if<LeaseCandidate>(&o)) j["apiVersion"] = std::string(LeaseCandidateApiVersion(lc->api));
  j["kind"] = std::string(KindName(r));
  j["metadata"] = MetaJson(Meta(o));
  if (const auto* lease = std::get_if<Lease>(&o)) {
    j["spec"] = LeaseSpecJson(lease->spec);
  } else if (const auto* cm = std::get_if<ConfigMap>(&o)) {
    if (!cm->data.empty()) j["data"] = cm->data;
  } else if (const auto* lc = std::get_if<LeaseCandidate>(&o)) {
    j["spec"] = LeaseCandidateSpecJson(*lc);
  }
  return j;
}

std::string FromJson(const json& j, Object& out) {
  if (!j.is_object()) return "(root): expected an object, got " + Got(j);
  const auto kind_it = j.find("kind");
  if (kind_it == j.end() || !kind_it->is_string()) {
    return R"(kind: expected "Lease", "ConfigMap", "Endpoints" or "LeaseCandidate")";
  }
  const std::string& kind = kind_it->get_ref<const std::string&>();
  std::string_view api_version;
  if (kind == "Lease") {
    out = Lease{};
    api_version = "coordination.k8s.io/v1";
  } else if (kind == "ConfigMap") {
    out = ConfigMap{};
    api_version = "v1";
  } else if (kind == "Endpoints") {
    out = Endpoints{};
    api_version = "v1";
  } else if (kind == "LeaseCandidate") {
    // The apiVersion selects the shape; absent, the newest (v1beta1).
    LeaseCandidate lc;
    if (const auto it = j.find("apiVersion"); it != j.end() && it->is_string()) {
      const std::string& v = it->get_ref<const std::string&>();
      if (v == LeaseCandidateApiVersion(LeaseCandidateApi::kV1alpha1)) lc.api = LeaseCandidateApi::kV1alpha1;
      else if (v == LeaseCandidateApiVersion(LeaseCandidateApi::kV1alpha2)) lc.api = LeaseCandidateApi::kV1alpha2;
    }
    api_version = LeaseCandidateApiVersion(lc.api);
    out = std::move(lc);
  } else {
    return R"(kind: expected "Lease", "ConfigMap", "Endpoints" or "LeaseCandidate", got )" + Got(*kind_it);
  }
  if (const auto it = j.find("apiVersion"); it != j.end()) {
    if (!it->is_string() || it->get_ref<const std::string&>() != api_version) {
      return "apiVersion: expected \"" + std::string(api_version) + "\" for kind " + kind +
             ", got " + Got(*it);
    }
  }
  if (const auto it = j.find("metadata"); it != j.end() && !it->is_null()) {
    if (std::string err = ParseMeta(*it, Meta(out)); !err.empty()) return err;
  }
  if (auto* lease = std::get_if<Lease>(&out)) {
    if (const auto it = j.find("spec"); it != j.end() && !it->is_null()) {
      if (std::string err = ParseLeaseSpec(*it, lease->spec); !err.empty()) return err;
    }
  } else if (auto* cm = std::get_if<ConfigMap>(&out)) {
    if (const auto it = j.find("data"); it != j.end() && !it->is_null()) {
      if (std::string err = ParseStringMap(*it, "data", cm->data); !err.empty()) return err;
    }
  } else if (auto* lc = std::get_if<LeaseCandidate>(&out)) {
    if (const auto it = j.find("spec"); it != j.end() && !it->is_null()) {
      if (std::string err = ParseLeaseCandidateSpec(*it, lc->spec); !err.empty()) return err;
    }
  }
  return {};
}

}  // namespace leasesim::core
