// objects_json.cc — Kubernetes JSON of Leases, ConfigMaps and Endpoints.
//
// The RFC 3339 helpers are private on purpose: core/record.cc has its own for the raw
// record; the two are to be unified once both have landed.
#include "core/objects_json.h"

#include <cstdint>
#include <cstdio>
#include <limits>
#include <string_view>

namespace leasesim::core {
namespace {

using nlohmann::json;

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

// DaysFromCivil is the number of days since 1970-01-01 of a proleptic Gregorian date
// (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil).
constexpr int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month;
  unsigned day;
};

// CivilFromDays is the inverse of DaysFromCivil (Hinnant's civil_from_days).
constexpr Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}
static_assert(DaysFromCivil(1970, 1, 1) == 0);
static_assert(DaysFromCivil(2026, 1, 1) == 20454);
static_assert(CivilFromDays(20454).year == 2026);

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// FormatRFC3339 writes t in UTC as "2006-01-02T15:04:05Z", or with `micros` as
// "2006-01-02T15:04:05.000000Z". Sub-unit digits are dropped toward the past, as Go's
// Format does.
std::string FormatRFC3339(WallTime t, bool micros) {
  const int64_t ns = t.since_unix.count();
  const int64_t secs = FloorDiv(ns, kNanosPerSecond);
  const int64_t frac_ns = ns - secs * kNanosPerSecond;
  const int64_t days = FloorDiv(secs, kSecondsPerDay);
  const int64_t sod = secs - days * kSecondsPerDay;
  const Civil c = CivilFromDays(days);
  char buf[48];
  int n;
  if (micros) {
    n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                      static_cast<long long>(c.year), c.month, c.day,
                      static_cast<long long>(sod / 3600), static_cast<long long>(sod / 60 % 60),
                      static_cast<long long>(sod % 60), static_cast<long long>(frac_ns / 1000));
  } else {
    n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                      static_cast<long long>(c.year), c.month, c.day,
                      static_cast<long long>(sod / 3600), static_cast<long long>(sod / 60 % 60),
                      static_cast<long long>(sod % 60));
  }
  return std::string(buf, static_cast<size_t>(n));
}

bool ReadDigits(std::string_view s, size_t& pos, size_t count, int64_t& value) {
  if (pos + count > s.size()) return false;
  value = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

constexpr bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// ParseRFC3339 reads "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)" as Go's
// time.Parse(time.RFC3339, ...) does (any number of fraction digits; nanoseconds kept).
// Returns "" or what is wrong.
std::string ParseRFC3339(std::string_view s, WallTime& out) {
  size_t pos = 0;
  int64_t year, month, day, hour, minute, second;
  if (!ReadDigits(s, pos, 4, year) || !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, month) ||
      !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, day) || !Expect(s, pos, 'T') ||
      !ReadDigits(s, pos, 2, hour) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, minute) ||
      !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, second)) {
    return "not an RFC 3339 time (want 2006-01-02T15:04:05Z)";
  }
  static constexpr unsigned kDaysIn[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return "month out of range";
  const int64_t mdays = kDaysIn[month - 1] + (month == 2 && IsLeap(year) ? 1 : 0);
  if (day < 1 || day > mdays) return "day out of range";
  if (hour > 23) return "hour out of range";
  if (minute > 59) return "minute out of range";
  if (second > 59) return "second out of range";
  int64_t frac_ns = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t scale = kNanosPerSecond / 10;
    const size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac_ns += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return "empty fraction of a second";
  }
  int64_t offset_s = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const int64_t sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int64_t oh, om;
    if (!ReadDigits(s, pos, 2, oh) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, om) ||
        oh > 23 || om > 59) {
      return "bad time zone offset (want Z or +hh:mm)";
    }
    offset_s = sign * (oh * 3600 + om * 60);
  } else {
    return "missing time zone (want Z or +hh:mm)";
  }
  if (pos != s.size()) return "trailing characters after the time";
  const int64_t secs = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) *
                           kSecondsPerDay +
                       hour * 3600 + minute * 60 + second - offset_s;
  // Duration is int64 nanoseconds: roughly years 1678 to 2262.
  constexpr int64_t kMaxSecs = std::numeric_limits<int64_t>::max() / kNanosPerSecond - 1;
  if (secs > kMaxSecs || secs < -kMaxSecs) return "time out of the representable range";
  out = WallTime{Duration(secs * kNanosPerSecond + frac_ns)};
  return {};
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
  if (std::string err = ParseRFC3339(v.get_ref<const std::string&>(), out); !err.empty()) {
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
      if (err.empty()) m.creationTimestamp = WallTime{Duration(FloorDiv(t.since_unix.count(), kNanosPerSecond) * kNanosPerSecond)};
    } else if (k == "labels") err = ParseStringMap(x, p, m.labels);
    else if (k == "annotations") err = ParseStringMap(x, p, m.annotations);
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
  j["kind"] = std::string(KindName(r));
  j["metadata"] = MetaJson(Meta(o));
  if (const auto* lease = std::get_if<Lease>(&o)) {
    j["spec"] = LeaseSpecJson(lease->spec);
  } else if (const auto* cm = std::get_if<ConfigMap>(&o)) {
    if (!cm->data.empty()) j["data"] = cm->data;
  }
  return j;
}

std::string FromJson(const json& j, Object& out) {
  if (!j.is_object()) return "(root): expected an object, got " + Got(j);
  const auto kind_it = j.find("kind");
  if (kind_it == j.end() || !kind_it->is_string()) {
    return R"(kind: expected "Lease", "ConfigMap" or "Endpoints")";
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
  } else {
    return R"(kind: expected "Lease", "ConfigMap" or "Endpoints", got )" + Got(*kind_it);
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
  }
  return {};
}

}  // namespace leasesim::core
