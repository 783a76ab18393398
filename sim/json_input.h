// json_input.h — reading user JSON with errors that name the JSON path.
//
// The scenario loader and the sweep-file parser share these: each getter checks one value's
// type and range and, on bad input, throws BadInput{path, problem}; the caller catches it
// once and prints "<file>: <path>: <problem>" (scenarios/README.md, "Errors").
//
//   const json& v = json_input::Require(root, "$", "duration");
//   Duration d = json_input::PosDur(v, json_input::Key("$", "duration"));
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "sim/distributions.h"
#include "sim/true_time.h"

namespace leasesim::sim::json_input {

using nlohmann::json;

// kMaxFileDuration bounds every duration in a leasesim file (scenario or sweep): at most
// 87600h (10 years of 365 days) either way. Go's time.Duration reaches 2562047h, but the
// simulator adds durations to instants (a start plus its spread, an observed time plus a
// leaseDuration, a wall clock plus its offset and steps); with every term at most 10 years
// no such sum can overflow int64 nanoseconds (about 292 years), and nothing longer can be
// simulated anyway (issue 15, item 10).
inline constexpr Duration kMaxFileDuration = std::chrono::hours(87600);

// BadInput is the one error type: `path` is a JSON path like $.candidates[1].leaseDuration.
struct BadInput {
  std::string path;
  std::string problem;
};
[[noreturn]] void Fail(const std::string& path, std::string problem);

// Key and Idx extend a path: Key("$", "a") = "$.a" (or $["odd key"], escaped and capped
// like QuoteInput in sim/input_file.h), Idx("$.x", 2) = "$.x[2]".
std::string Key(const std::string& path, std::string_view key);
std::string Idx(const std::string& path, size_t i);
// TypeName describes a JSON value's type for messages ("a string \"x\"", "an object",
// ...); a string is quoted with QuoteInput (escaped, capped).
std::string TypeName(const json& j);
// CamelCaseKey spells a snake_case key the way leasesim's files do, Kubernetes' camelCase
// (KubeControllerManagerConfiguration, KubeletConfiguration): "drift_ppm" -> "driftPpm",
// a unit suffix "_s" -> "Seconds" ("failover_p99_s" -> "failoverP99Seconds"). A key
// without '_' is returned as it is.
std::string CamelCaseKey(std::string_view snake);
// CheckKeys: `j` is an object whose keys are all in `known` (any range of string_views).
// A snake_case key whose camelCase spelling is known gets "renamed: write \"newKey\"".
template <typename Keys>
void CheckKeys(const json& j, const std::string& path, const Keys& known, std::string_view what) {
  if (!j.is_object()) Fail(path, fmt::format("expected an object, got {}", TypeName(j)));
  for (const auto& [k, v] : j.items()) {
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      if (k.find('_') != std::string::npos) {
        const std::string camel = CamelCaseKey(k);
        if (std::find(known.begin(), known.end(), camel) != known.end()) {
          Fail(Key(path, k), fmt::format("renamed: write \"{}\" (leasesim files use Kubernetes' camelCase keys)", camel));
        }
      }
      Fail(Key(path, k), fmt::format("unknown key{} (known keys: {})", what, fmt::join(known, ", ")));
    }
  }
}
// CheckObject: `j` is an object whose keys are all in `known` (`what` names the object
// kind in the message, e.g. " for a crash fault").
void CheckObject(const json& j, const std::string& path, std::initializer_list<std::string_view> known,
                 std::string_view what = "");
// Find is the member `key` or null; Require fails when it is missing.
const json* Find(const json& j, std::string_view key);
const json& Require(const json& j, const std::string& path, std::string_view key);

std::string Str(const json& j, const std::string& path);
bool Bool(const json& j, const std::string& path);
// Int is an integer in int64 range; a larger one (or an integral number beyond what JSON
// integers hold, read as a double) is "out of range".
int64_t Int(const json& j, const std::string& path);
// Uint is an unsigned 64-bit integer (a seed): "out of range" above 18446744073709551615.
uint64_t Uint(const json& j, const std::string& path);
int64_t IntIn(const json& j, const std::string& path, int64_t lo, int64_t hi);
double Number(const json& j, const std::string& path);
double NonNegNumber(const json& j, const std::string& path);
// Ratio is a probability in [0, 1].
double Ratio(const json& j, const std::string& path);
// Dur is a Go duration string ("15s", "1m30s") with |d| <= kMaxFileDuration; NonNegDur
// >= 0, PosDur > 0.
Duration Dur(const json& j, const std::string& path);
Duration NonNegDur(const json& j, const std::string& path);
Duration PosDur(const json& j, const std::string& path);
// Dist is a delay distribution: a duration string (constant) or {"dist": ..., ...}.
Distribution Dist(const json& j, const std::string& path);

}  // namespace leasesim::sim::json_input
