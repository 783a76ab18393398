// spec.cc — sweep JSON -> SweepSpec, and points -> scenarios.
//
// Parsing throws an internal BadInput {path, problem} at the first problem; the entry
// points catch it and format `<file>: <path>: <problem>` like sim/scenario.cc.
#include "harness/sweep/spec.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/prng.h"
#include "sim/document_input.h"
#include "sim/input_file.h"
#include "sim/json_input.h"
#include "harness/sweep/stats.h"

namespace leasesim::sim {
namespace {

using nlohmann::json;

using namespace json_input;  // NOLINT: shared JSON-path getters (sim/json_input.h)

// Shorthand expands a parameter name to the scenario path it sets (see SweepParam).
std::string Shorthand(const std::string& name) {
  if (name == "leaseDuration" || name == "renewDeadline" || name == "retryPeriod" || name == "clientGo") {
    return "defaults." + name;
  }
  if (name == "candidates") return "candidateCount";
  return name;
}

// RangeValues expands {"from", "to", "step"}: durations when `from` is a string, else
// integers (or numbers when any bound has a fraction). Inclusive of `to` when reached.
std::vector<json> RangeValues(const json& r, const std::string& path) {
  CheckObject(r, path, {"from", "to", "step"});
  for (const char* k : {"from", "to", "step"}) {
    if (!Find(r, k)) Fail(path, fmt::format("missing required key \"{}\"", k));
  }
  std::vector<json> out;
  // The count is computed in 128 bits before any value is made, so that neither it nor
  // from + i*step can overflow (issue 15, item 18: a seed range ending at 2^63-1).
  auto count = [&](__int128 from, __int128 to, __int128 step) -> int64_t {
    if (step == 0) Fail(path + ".step", "must not be zero");
    if (to != from && ((to > from) != (step > 0))) Fail(path + ".step", "goes away from \"to\": the range would never end");
    const __int128 n = (to - from) / step + 1;
    if (n > 100'000) Fail(path, "range has more than 100000 values");
    return static_cast<int64_t>(n);
  };
  if (r["from"].is_string()) {
    const Duration from = Dur(r["from"], path + ".from"), to = Dur(r["to"], path + ".to"),
                   step = Dur(r["step"], path + ".step");
    const int64_t n = count(from.count(), to.count(), step.count());
    for (int64_t i = 0; i < n; ++i) {
      out.push_back(FormatGoDuration(Duration{static_cast<int64_t>(from.count() + static_cast<__int128>(i) * step.count())}));
    }
    return out;
  }
  for (const char* k : {"from", "to", "step"}) {
    if (!r[k].is_number()) Fail(fmt::format("{}.{}", path, k), fmt::format("expected a number or a duration string, got {}", TypeName(r[k])));
  }
  const bool ints = r["from"].is_number_integer() && r["to"].is_number_integer() && r["step"].is_number_integer();
  if (ints) {
    const int64_t from = Int(r["from"], path + ".from"), to = Int(r["to"], path + ".to"), step = Int(r["step"], path + ".step");
    const int64_t n = count(from, to, step);
    for (int64_t i = 0; i < n; ++i) out.push_back(static_cast<int64_t>(from + static_cast<__int128>(i) * step));
    return out;
  }
  auto too_many = [&] { Fail(path, "range has more than 100000 values"); };
  const double from = r["from"].get<double>(), to = r["to"].get<double>(), step = r["step"].get<double>();
  if (!(std::isfinite(from) && std::isfinite(to) && std::isfinite(step))) Fail(path, "bounds must be finite");
  if (step == 0) Fail(path + ".step", "must not be zero");
  if (to != from && ((to > from) != (step > 0))) Fail(path + ".step", "goes away from \"to\": the range would never end");
  // Values are from + i*step (no accumulated rounding); `to` is reached within 1e-9 steps.
  for (int64_t i = 0;; ++i) {
    const double v = from + static_cast<double>(i) * step;
    if (step > 0 ? v > to + 1e-9 * step : v < to + 1e-9 * step) break;
    out.push_back(v);
    if (out.size() > 100'000) too_many();
  }
  return out;
}

std::vector<JsonPathStep> PathOrFail(const std::string& text, const std::string& where) {
  std::string err;
  auto p = ParseJsonPath(text, &err);
  if (!p) Fail(where, err);
  return *p;
}

int ParamIndex(const SweepSpec& s, const json& j, const std::string& path) {
  const std::string name = Str(j, path);
  for (size_t i = 0; i < s.params.size(); ++i) {
    if (s.params[i].name == name) return static_cast<int>(i);
  }
  std::vector<std::string> names;
  for (const SweepParam& p : s.params) names.push_back(p.name);
  Fail(path, fmt::format("no varied parameter named {} (varied: {})", QuoteInput(name), fmt::join(names, ", ")));
}

SweepSpec Parse(const json& root, std::string_view file, const std::filesystem::path& dir) {
  CheckObject(root, "$", {"description", "base", "baseFile", "seeds", "seed", "set", "vary", "heatmap", "recommend"});
  SweepSpec s;
  s.file = std::string(file);
  const json* base = Find(root, "base");
  if (!base) Fail("$", "missing required key \"base\" (a scenario file path or an inline scenario object)");
  if (base->is_string()) {
    s.base_file = base->get<std::string>();
    const std::filesystem::path p = dir / s.base_file;
    std::string text, err;
    if (!ReadInputFile(p, &text, &err)) Fail("$.base", fmt::format("cannot read base scenario {}", err));
    if (IsYamlPath(p.string())) {  // JSON or YAML by extension (sim/document_input.h)
      std::optional<Document> doc = ParseYaml(text, p.string(), &err);
      if (!doc) Fail("$.base", fmt::format("the base scenario is not valid YAML: {}", err));
      s.base = std::move(doc->root);
    } else if (!ParseInputJson(text, p.string(), &s.base, &err)) {
      Fail("$.base", fmt::format("the base scenario is not valid JSON: {}", err));
    }
  } else if (base->is_object()) {
    s.base = *base;
    if (const json* bf = Find(root, "baseFile")) s.base_file = Str(*bf, "$.baseFile");
  } else {
    Fail("$.base", fmt::format("expected a scenario file path or an inline scenario object, got {}", TypeName(*base)));
  }
  if (!s.base.is_object()) Fail("$.base", "the base scenario must be a JSON object");
  if (const json* v = Find(root, "seeds")) {
    if (!v->is_number_unsigned() || v->get<uint64_t>() < 1 || v->get<uint64_t>() > static_cast<uint64_t>(kMaxSweepSeeds)) {
      Fail("$.seeds", fmt::format("expected an integer in [1, {}], got {}", kMaxSweepSeeds, v->dump()));
    }
    s.seeds = static_cast<int64_t>(v->get<uint64_t>());
  }
  if (const json* v = Find(root, "seed")) s.seed = Uint(*v, "$.seed");
  json probe = s.base;  // every path must be settable in the base
  if (const json* v = Find(root, "set")) {
    if (!v->is_object()) Fail("$.set", fmt::format("expected an object keyed by scenario path, got {}", TypeName(*v)));
    for (const auto& [k, val] : v->items()) {
      const std::string p = fmt::format("$.set[{}]", json(k).dump());
      SweepFixed f{k, PathOrFail(k, p), val};
      std::string err;
      if (!SetJsonPath(probe, f.parsed_path, val, &err)) Fail(p, err);
      s.set.push_back(std::move(f));
    }
  }
  // Validate the base with `set` applied, so that a broken base is reported once, at $.base.
  {
    json b = probe;
    b.erase("expect");
    std::string err;
    if (!ParseScenario(b.dump(), s.base_file.empty() ? s.file + "#base" : s.base_file, &err)) {
      Fail("$.base", fmt::format("invalid base scenario (with \"set\" applied): {}", err));
    }
  }
  if (const json* v = Find(root, "vary")) {
    if (!v->is_array()) Fail("$.vary", fmt::format("expected an array of parameters, got {}", TypeName(*v)));
    for (size_t i = 0; i < v->size(); ++i) {
      const std::string p = fmt::format("$.vary[{}]", i);
      const json& e = (*v)[i];
      CheckObject(e, p, {"param", "paths", "name", "values", "range"});
      SweepParam sp;
      const json* param = Find(e, "param");
      const json* paths = Find(e, "paths");
      if (param && paths) Fail(p, "give either \"param\" or \"paths\", not both");
      if (!param && !paths) Fail(p, "missing required key \"param\" (or \"paths\")");
      if (param) {
        sp.name = Str(*param, p + ".param");
        sp.paths.push_back(Shorthand(sp.name));
      } else {
        if (!paths->is_array() || paths->empty()) Fail(p + ".paths", fmt::format("expected a non-empty array of scenario paths, got {}", TypeName(*paths)));
        for (size_t k = 0; k < paths->size(); ++k) sp.paths.push_back(Str((*paths)[k], fmt::format("{}.paths[{}]", p, k)));
        sp.name = sp.paths.front();
      }
      if (const json* n = Find(e, "name")) sp.name = Str(*n, p + ".name");
      if (sp.name.empty() || sp.name.find_first_of(",\"\n") != std::string::npos) {
        Fail(p + ".name", fmt::format("{} cannot be a column name (empty, or has a comma, quote or newline)", QuoteInput(sp.name)));
      }
      for (const SweepParam& other : s.params) {
        if (other.name == sp.name) Fail(p, fmt::format("duplicate parameter name {}", QuoteInput(sp.name)));
      }
      for (size_t k = 0; k < sp.paths.size(); ++k) {
        sp.parsed_paths.push_back(PathOrFail(sp.paths[k], param ? p + ".param" : fmt::format("{}.paths[{}]", p, k)));
      }
      const json* values = Find(e, "values");
      const json* range = Find(e, "range");
      if (values && range) Fail(p, "give either \"values\" or \"range\", not both");
      if (values) {
        if (!values->is_array() || values->empty()) Fail(p + ".values", fmt::format("expected a non-empty array, got {}", TypeName(*values)));
        sp.values = values->get<std::vector<json>>();
      } else if (range) {
        sp.values = RangeValues(*range, p + ".range");
        if (sp.values.empty()) Fail(p + ".range", "the range is empty");
      } else {
        Fail(p, "missing required key \"values\" (or \"range\")");
      }
      if (sp.paths.front() == "candidateCount" && !s.base.contains("candidateCount")) {
        Fail(p + ".param", "\"candidates\" varies candidateCount: the base scenario must use \"candidateCount\", not a \"candidates\" list");
      }
      for (size_t k = 0; k < sp.parsed_paths.size(); ++k) {
        std::string err;
        if (!SetJsonPath(probe, sp.parsed_paths[k], sp.values.front(), &err)) {
          Fail(param ? p + ".param" : fmt::format("{}.paths[{}]", p, k), err);
        }
      }
      s.params.push_back(std::move(sp));
    }
  }
  // The product is checked step by step so that it cannot overflow.
  int64_t runs = s.seeds;
  for (const SweepParam& sp : s.params) {
    if (runs > kMaxSweepRuns / static_cast<int64_t>(sp.values.size())) {
      Fail("$.vary", fmt::format("more than {} runs (points x seeds)", kMaxSweepRuns));
    }
    runs *= static_cast<int64_t>(sp.values.size());
  }
  s.heatmap.y = s.params.size() >= 2 ? 1 : -1;
  if (const json* v = Find(root, "heatmap")) {
    CheckObject(*v, "$.heatmap", {"x", "y", "metric"});
    if (s.params.empty()) Fail("$.heatmap", "needs at least one varied parameter");
    if (const json* x = Find(*v, "x")) s.heatmap.x = ParamIndex(s, *x, "$.heatmap.x");
    if (const json* y = Find(*v, "y")) {
      s.heatmap.y = ParamIndex(s, *y, "$.heatmap.y");
      if (s.heatmap.y == s.heatmap.x) Fail("$.heatmap.y", "must differ from x");
    }
    if (const json* m = Find(*v, "metric")) {
      s.heatmap.metric = Str(*m, "$.heatmap.metric");
      const auto names = PointColumnNames();
      if (std::find(names.begin(), names.end(), s.heatmap.metric) == names.end()) {
        Fail("$.heatmap.metric", fmt::format("unknown metric {} (known: {})", QuoteInput(s.heatmap.metric), fmt::join(names, ", ")));
      }
    }
  }
  if (s.params.empty()) s.heatmap.x = -1;
  if (const json* v = Find(root, "recommend")) {
    CheckObject(*v, "$.recommend", {"maxApiRequestsPerSecond", "maxFailoverP99"});
    if (const json* m = Find(*v, "maxApiRequestsPerSecond")) {
      if (!m->is_number() || !(m->get<double>() > 0)) Fail("$.recommend.maxApiRequestsPerSecond", fmt::format("expected a number > 0, got {}", m->dump()));
      s.recommend.max_api_requests_per_second = m->get<double>();
    }
    if (const json* m = Find(*v, "maxFailoverP99")) s.recommend.max_failover_p99 = Dur(*m, "$.recommend.maxFailoverP99");
  }
  return s;
}

}  // namespace

std::optional<std::vector<JsonPathStep>> ParseJsonPath(std::string_view path, std::string* err) {
  std::vector<JsonPathStep> out;
  size_t i = 0;
  auto bad = [&](std::string_view why) {
    if (err) *err = fmt::format("invalid scenario path {}: {}", QuoteInput(path), why);
    return std::nullopt;
  };
  if (path.empty()) return bad("empty");
  while (i < path.size()) {
    const size_t end = path.find_first_of(".[]", i);
    const std::string_view key = path.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    if (key.empty()) return bad("empty key");
    out.push_back({std::string(key), -1});
    i = end == std::string_view::npos ? path.size() : end;
    while (i < path.size() && path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string_view::npos || close == i + 1) return bad("expected [<index>]");
      int64_t idx = 0;
      for (size_t k = i + 1; k < close; ++k) {
        if (path[k] < '0' || path[k] > '9' || idx > 1'000'000) return bad("an index must be a small non-negative integer");
        idx = idx * 10 + (path[k] - '0');
      }
      out.push_back({"", idx});
      i = close + 1;
    }
    if (i < path.size()) {
      if (path[i] != '.') return bad(fmt::format("unexpected '{}'", path[i]));
      ++i;
      if (i == path.size()) return bad("ends with '.'");
    }
  }
  return out;
}

bool SetJsonPath(json& root, const std::vector<JsonPathStep>& path, const json& value, std::string* err) {
  json* at = &root;
  std::string where = "$";
  for (const JsonPathStep& step : path) {
    if (step.index < 0) {
      if (at->is_null()) *at = json::object();
      if (!at->is_object()) {
        if (err) *err = fmt::format("the base scenario's {} is not an object, cannot set key {}", where, QuoteInput(step.key));
        return false;
      }
      at = &(*at)[step.key];
      where += "." + step.key;
    } else {
      if (!at->is_array() || step.index >= static_cast<int64_t>(at->size())) {
        if (err) {
          *err = at->is_array() ? fmt::format("the base scenario's {} has {} element(s), no index {}", where, at->size(), step.index)
                                : fmt::format("the base scenario has no array at {}", where);
        }
        return false;
      }
      at = &(*at)[static_cast<size_t>(step.index)];
      where += fmt::format("[{}]", step.index);
    }
  }
  *at = value;
  return true;
}

int64_t SweepSpec::PointCount() const {
  int64_t n = 1;
  for (const SweepParam& p : params) n *= static_cast<int64_t>(p.values.size());
  return n;
}

std::optional<SweepSpec> ParseSweep(std::string_view text, std::string_view file, std::string* err) {
  json root;
  std::optional<Document> yaml;  // .yaml/.yml files (sim/document_input.h): errors give the line
  if (IsYamlPath(file)) {
    if (!(yaml = ParseYaml(text, file, err))) return std::nullopt;
    root = std::move(yaml->root);
  } else if (!ParseInputJson(text, file, &root, err)) {
    return std::nullopt;
  }
  try {
    return Parse(root, file, std::filesystem::path(file).parent_path());
  } catch (const BadInput& b) {
    if (err) {
      *err = fmt::format("{}: {}: {}", EscapeInput(yaml ? yaml->Where(file, b.path) : std::string(file), 4096), b.path,
                         EscapeInput(b.problem, 4096));
    }
    return std::nullopt;
  } catch (const json::exception& e) {
    if (err) *err = fmt::format("{}: $: invalid input: {}", EscapeInput(file, 4096), EscapeInput(e.what(), 400));
    return std::nullopt;
  }
}

std::optional<SweepSpec> LoadSweepFile(const std::filesystem::path& path, std::string* err) {
  std::string text;
  if (!ReadInputFile(path, &text, err)) return std::nullopt;
  return ParseSweep(text, path.string(), err);
}

json CanonicalSweepJson(const SweepSpec& s) {
  json j = {{"base", s.base}, {"seeds", s.seeds}, {"seed", s.seed}};
  if (!s.base_file.empty()) j["baseFile"] = s.base_file;
  json set = json::object();
  for (const SweepFixed& f : s.set) set[f.path] = f.value;
  j["set"] = set;
  json vary = json::array();
  for (const SweepParam& p : s.params) vary.push_back({{"name", p.name}, {"paths", p.paths}, {"values", p.values}});
  j["vary"] = vary;
  if (!s.params.empty()) {
    j["heatmap"] = {{"x", s.params[s.heatmap.x].name}, {"metric", s.heatmap.metric}};
    if (s.heatmap.y >= 0) j["heatmap"]["y"] = s.params[s.heatmap.y].name;
  }
  json rec = json::object();
  if (s.recommend.max_api_requests_per_second) rec["maxApiRequestsPerSecond"] = *s.recommend.max_api_requests_per_second;
  if (s.recommend.max_failover_p99) rec["maxFailoverP99"] = FormatGoDuration(*s.recommend.max_failover_p99);
  j["recommend"] = rec;
  return j;
}

uint64_t SeedFor(const SweepSpec& spec, int64_t k) {
  return core::Prng::Stream(spec.seed, fmt::format("sweep/seed/{}", k)).Next();
}

json PointScenarioJson(const SweepSpec& spec, int64_t index) {
  json j = spec.base;
  j.erase("expect");
  std::string err;
  for (const SweepFixed& f : spec.set) {
    [[maybe_unused]] bool ok = SetJsonPath(j, f.parsed_path, f.value, &err);
  }
  // Row-major: the last parameter varies fastest.
  int64_t rest = index;
  std::vector<size_t> pick(spec.params.size());
  for (size_t i = spec.params.size(); i-- > 0;) {
    const int64_t n = static_cast<int64_t>(spec.params[i].values.size());
    pick[i] = static_cast<size_t>(rest % n);
    rest /= n;
  }
  for (size_t i = 0; i < spec.params.size(); ++i) {
    for (const auto& path : spec.params[i].parsed_paths) {
      [[maybe_unused]] bool ok = SetJsonPath(j, path, spec.params[i].values[pick[i]], &err);
    }
  }
  return j;
}

std::vector<SweepPoint> ExpandPoints(const SweepSpec& spec) {
  std::vector<SweepPoint> out;
  const int64_t n = spec.PointCount();
  out.reserve(static_cast<size_t>(n));
  for (int64_t p = 0; p < n; ++p) {
    SweepPoint pt;
    pt.index = p;
    int64_t rest = p;
    pt.values.resize(spec.params.size());
    for (size_t i = spec.params.size(); i-- > 0;) {
      const int64_t m = static_cast<int64_t>(spec.params[i].values.size());
      pt.values[i] = spec.params[i].values[static_cast<size_t>(rest % m)];
      rest /= m;
    }
    std::string err;
    pt.scenario = ParseScenario(PointScenarioJson(spec, p).dump(), fmt::format("{}#point{}", spec.file, p), &err);
    if (!pt.scenario) pt.error = err;
    out.push_back(std::move(pt));
  }
  return out;
}

std::string ValueText(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace leasesim::sim
