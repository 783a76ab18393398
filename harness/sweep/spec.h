// spec.h — sweep files: a base scenario, the parameters to vary and the seeds per
// point, loaded into a SweepSpec and expanded into points (one scenario each).
//
// A point is applied by editing the base scenario's JSON before ParseScenario, so every
// point gets the scenario loader's full validation, client-go's ValidateConfig included.
// Points that validation rejects are kept (with the loader's one-line error) and skipped
// by the runner. The format is documented in docs/sweep.md.
//
//   std::string err;
//   auto spec = sim::LoadSweepFile("docs/sweeps/readme.json", &err);
//   if (!spec) { std::cerr << err << "\n"; return 2; }   // one line:
//   // docs/sweeps/x.json: $.vary[1].range.step: must not be zero
//   std::vector<sim::SweepPoint> points = sim::ExpandPoints(*spec);
//
// Errors: ONE line `<file>: <json path>: <problem>` (the scenario loader's convention);
// a base scenario that cannot be read names the base file. Unknown keys are errors.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/go_duration.h"
#include "sim/scenario.h"

namespace leasesim::sim {

// JsonPathStep is one step of a scenario JSON path: an object key or an array index.
struct JsonPathStep {
  std::string key;  // used when index < 0
  int64_t index = -1;
  friend bool operator==(const JsonPathStep&, const JsonPathStep&) = default;
};

// ParseJsonPath parses "faults[0].driftPpm" or "network.nodes.c0.responseDelay"
// (keys are identifiers or any text without '.', '[' and ']'). nullopt and `*err` on a
// malformed path.
std::optional<std::vector<JsonPathStep>> ParseJsonPath(std::string_view path, std::string* err);

// SetJsonPath sets `path` in `root` to `value`, creating missing object keys (never array
// elements). false and `*err` when a step meets a non-object or an index out of range.
bool SetJsonPath(nlohmann::json& root, const std::vector<JsonPathStep>& path, const nlohmann::json& value,
                 std::string* err);

// SweepParam is one varied parameter: every path in `paths` is set to the same value.
// `name` is its column name in the outputs ("leaseDuration", "faults[0].driftPpm").
// Shorthands: leaseDuration / renewDeadline / retryPeriod / clientGo set
// `defaults.<name>` (so they override the base's `timings`; a candidate's own field still
// wins), `candidates` sets `candidateCount` (the base must use candidateCount).
struct SweepParam {
  std::string name;
  std::vector<std::string> paths;  // as written (after shorthand expansion)
  std::vector<std::vector<JsonPathStep>> parsed_paths;
  std::vector<nlohmann::json> values;  // ranges are expanded; durations as Go strings
};

// SweepFixed is one `set` entry: a path set to a value at every point, before the
// varied parameters (e.g. {"duration": "1h"}).
struct SweepFixed {
  std::string path;
  std::vector<JsonPathStep> parsed_path;
  nlohmann::json value;
};

// SweepHeatmap chooses the heatmap: two parameters (indices into SweepSpec::params; y is
// -1 when only one parameter varies) and a per-point metric (a points.csv column name).
struct SweepHeatmap {
  int x = 0;
  int y = 1;
  std::string metric = "failover_p99_s";
};

// SweepRecommend holds the optional constraints of the recommendation rule (pareto.h).
struct SweepRecommend {
  std::optional<double> max_api_requests_per_second;
  std::optional<Duration> max_failover_p99;
};

// SweepSpec is one validated sweep file. `base` is the base scenario's JSON (loaded from
// its file when given as a path); its "expect" list is ignored (removed at every point).
struct SweepSpec {
  std::string file;       // as given (for messages and the outputs)
  std::string base_file;  // the base scenario's path as given in the sweep file, or "" when inline
  nlohmann::json base;
  std::vector<SweepFixed> set;
  std::vector<SweepParam> params;
  int64_t seeds = 1;   // seeds per point
  uint64_t seed = 1;   // master seed: run seeds are derived from it (SeedFor)
  SweepHeatmap heatmap;
  SweepRecommend recommend;

  // PointCount is the product of the parameters' value counts (1 with no parameters).
  int64_t PointCount() const;
  // RunCount is PointCount() * seeds: run r is point r / seeds, seed index r % seeds.
  int64_t RunCount() const { return PointCount() * seeds; }
};

// kMaxSweepSeeds bounds "seeds" (and `leasesim sweep --seeds`); kMaxSweepRuns bounds
// PointCount() * seeds so that a typo cannot ask for years of work.
inline constexpr int64_t kMaxSweepSeeds = 1'000'000;
inline constexpr int64_t kMaxSweepRuns = 100'000'000;

// ParseSweep parses sweep JSON `text`; `file` names it in messages and anchors a relative
// base path. nullopt and a one-line `*err` on any problem.
std::optional<SweepSpec> ParseSweep(std::string_view text, std::string_view file, std::string* err);

// LoadSweepFile reads and parses the sweep file at `path`.
std::optional<SweepSpec> LoadSweepFile(const std::filesystem::path& path, std::string* err);

// CanonicalSweepJson is `spec` as a self-contained sweep file (base inline, ranges
// expanded into values). ParseSweep of its dump gives back an equal spec: shard manifests
// carry it so that `leasesim merge` needs no input but the shard directories.
nlohmann::json CanonicalSweepJson(const SweepSpec& spec);

// SeedFor is the run seed of seed index `k` (0-based): the same at every point (common
// random numbers: differences between points come from the parameters, not from luck),
// derived from the master seed through the named stream "sweep/seed/<k>".
uint64_t SeedFor(const SweepSpec& spec, int64_t k);

// SweepPoint is one combination of parameter values. `values[i]` is params[i]'s value.
// `scenario` is the parsed point, or empty with the loader's `error` when the point is
// invalid (e.g. client-go's "leaseDuration must be greater than renewDeadline").
struct SweepPoint {
  int64_t index = 0;
  std::vector<nlohmann::json> values;
  std::optional<Scenario> scenario;
  std::string error;
};

// PointScenarioJson is the base with `set` and point `index`'s values applied and
// "expect" removed (what ExpandPoints parses).
nlohmann::json PointScenarioJson(const SweepSpec& spec, int64_t index);

// ExpandPoints builds and parses every point, in index order: the first parameter varies
// slowest (row-major over `vary`). Scenario files are named "<sweep file>#point<index>".
std::vector<SweepPoint> ExpandPoints(const SweepSpec& spec);

// ValueText is a parameter value as the CSV shows it: strings bare, anything else as JSON.
std::string ValueText(const nlohmann::json& v);

}  // namespace leasesim::sim
