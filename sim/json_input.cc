// json_input.cc — typed getters with JSON-path errors (see json_input.h).
#include "sim/json_input.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/go_duration.h"
#include "sim/input_file.h"

namespace leasesim::sim::json_input {


void Fail(const std::string& path, std::string problem) { throw BadInput{path, std::move(problem)}; }

static bool IsIdentifier(std::string_view k) {
  if (k.empty() || std::isdigit(static_cast<unsigned char>(k[0]))) return false;
  return std::all_of(k.begin(), k.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}
std::string CamelCaseKey(std::string_view snake) {
  std::string out;
  size_t start = 0;
  while (start <= snake.size()) {
    size_t end = snake.find('_', start);
    if (end == std::string_view::npos) end = snake.size();
    const std::string_view seg = snake.substr(start, end - start);
    if (out.empty()) {
      out = seg;
    } else if (seg == "s") {
      out += "Seconds";  // the unit suffix: "failover_p99_s", "split_brain_s_per_hour"
    } else if (!seg.empty()) {
      out += static_cast<char>(seg[0] >= 'a' && seg[0] <= 'z' ? seg[0] - 'a' + 'A' : seg[0]);
      out += seg.substr(1);
    }
    start = end + 1;
  }
  return out;
}

std::string Key(const std::string& path, std::string_view key) {
  return IsIdentifier(key) && key.size() <= kMaxQuotedBytes ? fmt::format("{}.{}", path, key)
                                                            : fmt::format("{}[{}]", path, QuoteInput(key));
}
std::string Idx(const std::string& path, size_t i) { return fmt::format("{}[{}]", path, i); }

std::string TypeName(const json& j) {
  if (j.is_number_float()) return "a number with a fraction";
  if (j.is_number()) return "a number";
  if (j.is_string()) return fmt::format("a string {}", QuoteInput(j.get_ref<const std::string&>()));
  if (j.is_boolean()) return "a boolean";
  if (j.is_null()) return "null";
  if (j.is_array()) return "an array";
  return "an object";
}

void CheckObject(const json& j, const std::string& path, std::initializer_list<std::string_view> known,
                 std::string_view what) {
  CheckKeys(j, path, known, what);
}

const json* Find(const json& j, std::string_view key) {
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}
const json& Require(const json& j, const std::string& path, std::string_view key) {
  const json* v = Find(j, key);
  if (!v) Fail(path, fmt::format("missing required key \"{}\"", key));
  return *v;
}

std::string Str(const json& j, const std::string& path) {
  if (!j.is_string()) Fail(path, fmt::format("expected a string, got {}", TypeName(j)));
  return j.get<std::string>();
}
bool Bool(const json& j, const std::string& path) {
  if (!j.is_boolean()) Fail(path, fmt::format("expected true or false, got {}", TypeName(j)));
  return j.get<bool>();
}
// IsHugeIntegral: a number JSON wrote as an integer too large for 64 bits arrives as a
// double (18446744073709551616 -> 1.8446744073709552e19); it is out of range, not "a
// number with a fraction".
static bool IsHugeIntegral(const json& j) {
  if (!j.is_number_float()) return false;
  const double v = j.get<double>();
  return std::isfinite(v) && std::floor(v) == v && std::fabs(v) >= 9223372036854775808.0;
}
int64_t Int(const json& j, const std::string& path) {
  if (IsHugeIntegral(j) || (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) {
    Fail(path, fmt::format("out of range: {} does not fit a 64-bit integer", j.dump()));
  }
  if (!j.is_number_integer()) Fail(path, fmt::format("expected an integer, got {}", TypeName(j)));
  return j.get<int64_t>();
}
uint64_t Uint(const json& j, const std::string& path) {
  if (IsHugeIntegral(j) && j.get<double>() > 0) {
    Fail(path, fmt::format("out of range: {} is above 18446744073709551615 (2^64-1)", j.dump()));
  }
  if (j.is_number_integer() && !j.is_number_unsigned()) {
    Fail(path, fmt::format("out of range: {} is negative (expected 0 to 18446744073709551615)", j.dump()));
  }
  if (!j.is_number_unsigned()) Fail(path, fmt::format("expected an unsigned integer, got {}", TypeName(j)));
  return j.get<uint64_t>();
}
int64_t IntIn(const json& j, const std::string& path, int64_t lo, int64_t hi) {
  int64_t v = Int(j, path);
  if (v < lo || v > hi) Fail(path, fmt::format("must be in [{}, {}], got {}", lo, hi, v));
  return v;
}
double Number(const json& j, const std::string& path) {
  if (!j.is_number()) Fail(path, fmt::format("expected a number, got {}", TypeName(j)));
  return j.get<double>();
}
double NonNegNumber(const json& j, const std::string& path) {
  double v = Number(j, path);
  if (!(v >= 0) || !std::isfinite(v)) Fail(path, fmt::format("must be a finite number >= 0, got {}", j.dump()));
  return v;
}
// Ratio is a probability as a ratio in [0, 1] (tigerbeetle: probabilities are ratios).
double Ratio(const json& j, const std::string& path) {
  double v = Number(j, path);
  if (!(v >= 0 && v <= 1)) Fail(path, fmt::format("ratio must be in [0, 1], got {}", j.dump()));
  return v;
}
Duration Dur(const json& j, const std::string& path) {
  if (!j.is_string()) {
    Fail(path, fmt::format("expected a Go duration string like \"15s\", got {}", TypeName(j)));
  }
  std::string err;
  const std::string& text = j.get_ref<const std::string&>();
  if (text.size() > kMaxQuotedBytes) Fail(path, fmt::format("invalid duration {}: too long", QuoteInput(text)));
  auto d = ParseGoDuration(text, &err);
  if (!d) Fail(path, fmt::format("invalid duration {}: {}", QuoteGo(text), err));
  if (*d > kMaxFileDuration || *d < -kMaxFileDuration) {
    Fail(path, fmt::format("duration {} is out of range: leasesim simulates durations up to {} (10 years) either way",
                           text, FormatGoDuration(kMaxFileDuration)));
  }
  return *d;
}
Duration NonNegDur(const json& j, const std::string& path) {
  Duration d = Dur(j, path);
  if (d < Duration{0}) Fail(path, fmt::format("must not be negative, got {}", j.get<std::string>()));
  return d;
}
Duration PosDur(const json& j, const std::string& path) {
  Duration d = Dur(j, path);
  if (d <= Duration{0}) Fail(path, fmt::format("must be greater than zero, got {}", j.get<std::string>()));
  return d;
}

// Dist parses `<dist>`: a duration string (constant) or {"dist": kind, ...}.
Distribution Dist(const json& j, const std::string& path) {
  if (j.is_string()) return Distribution::Constant(NonNegDur(j, path));
  if (!j.is_object()) {
    Fail(path, fmt::format("expected a duration string or a {{\"dist\": ...}} object, got {}", TypeName(j)));
  }
  const std::string kind = Str(Require(j, path, "dist"), Key(path, "dist"));
  auto req = [&](std::string_view k) { return NonNegDur(Require(j, path, k), Key(path, k)); };
  auto shape = [&](std::string_view k) {
    double v = Number(Require(j, path, k), Key(path, k));
    if (!(v > 0) || !std::isfinite(v)) Fail(Key(path, k), fmt::format("must be a number > 0, got {}", j[k].dump()));
    return v;
  };
  if (kind == "constant") {
    CheckObject(j, path, {"dist", "value"}, " for a constant distribution");
    return Distribution::Constant(req("value"));
  }
  if (kind == "uniform") {
    CheckObject(j, path, {"dist", "min", "max"}, " for a uniform distribution");
    Duration lo = req("min"), hi = req("max");
    if (hi < lo) Fail(Key(path, "max"), "max must not be less than min");
    return Distribution::Uniform(lo, hi);
  }
  if (kind == "normal") {
    CheckObject(j, path, {"dist", "mean", "stddev"}, " for a normal distribution");
    return Distribution::Normal(req("mean"), req("stddev"));
  }
  if (kind == "lognormal") {
    CheckObject(j, path, {"dist", "median", "sigma"}, " for a lognormal distribution");
    return Distribution::LogNormal(req("median"), shape("sigma"));
  }
  if (kind == "exponential") {
    CheckObject(j, path, {"dist", "mean"}, " for an exponential distribution");
    return Distribution::Exponential(req("mean"));
  }
  if (kind == "pareto") {
    CheckObject(j, path, {"dist", "scale", "alpha"}, " for a pareto distribution");
    return Distribution::Pareto(req("scale"), shape("alpha"));
  }
  Fail(Key(path, "dist"), fmt::format("unknown distribution {} (known: constant, uniform, normal, lognormal, "
                                      "exponential, pareto)",
                                      QuoteInput(kind)));
}

}  // namespace leasesim::sim::json_input
