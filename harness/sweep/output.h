// output.h — a sweep's output directory, as file contents: raw runs, per-point
// figures (CSV and JSON), the Pareto front and the recommendation, the heatmap data, the
// plots (SVG) and the manifest that lets `leasesim merge` rebuild all of it.
//
// Every file is a pure function of (spec, points, rows): no wall time, no thread order,
// no paths but the sweep file's name. That is what makes sharded + merged output equal
// an unsharded run byte for byte.
//
//   SweepReport rep = sim::BuildSweepReport(spec, points, rows);
//   for (auto& [name, content] : sim::SweepOutputFiles(rep, rows, shard)) write(dir / name, content);
//
// Files (docs/sweep.md describes the columns):
//   manifest.json  format, sweep file, shard i of N, the canonical sweep (base inline)
//   runs.csv       one row per run (a shard writes only these two files)
//   points.csv, points.json, pareto.csv, heatmap.csv, heatmap.svg, pareto.svg, summary.txt
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/sweep/pareto.h"
#include "harness/sweep/spec.h"
#include "harness/sweep/stats.h"

namespace leasesim::sim {

// kSweepFormat names the output format in manifest.json and points.json.
inline constexpr std::string_view kSweepFormat = "leasesim-sweep/1";

// Shard is slice `index` of `count` (0 <= index < count): runs r with r % count == index.
struct Shard {
  int64_t index = 0;
  int64_t count = 1;
};

// ParseShard reads "i/N" (0-based i < N, N >= 1). nullopt and `*err` otherwise.
std::optional<Shard> ParseShard(std::string_view text, std::string* err);

// RunsCsv is runs.csv: a header and one line per row, in the given order. Columns:
// run,point,seed_index,seed,duration_ns,split_brain_ns,no_leader_ns,transitions,
// api_get,api_create,api_update,api_total,failovers_ns,trace_hash — failovers_ns is a
// ';'-separated list in fault order, "none" for a failover without a new leader.
std::string RunsCsv(const std::vector<RunRow>& rows);

// ParseRunsCsv reads RunsCsv's output back exactly. nullopt and `*err` ("<file>: line N:
// <problem>") on anything else.
std::optional<std::vector<RunRow>> ParseRunsCsv(std::string_view text, std::string_view file, std::string* err);

// PointReport is one point's outcome: its figures and closed forms (valid points), or
// the loader's error (invalid points, which were not run).
struct PointReport {
  int64_t index = 0;
  std::vector<nlohmann::json> values;
  bool valid = false;
  std::string error;
  PointFigures figures;
  ClosedForm closed;
};

// SweepReport is everything the outputs show.
struct SweepReport {
  const SweepSpec* spec = nullptr;
  std::vector<PointReport> points;
  SafetyFloor floor;                      // the timings' safety floor of eligibility
  std::vector<ParetoCandidate> eligible;  // no split-brain, timings meeting `floor`, a measured p99
  std::vector<int64_t> front;
  std::optional<int64_t> recommended;
};

// BuildSweepReport aggregates `rows` (all runs of every valid point, any order) per point;
// the Pareto front and the recommendation take only points with no measured split-brain
// whose timings meet `floor` (pareto.h).
SweepReport BuildSweepReport(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                             const std::vector<RunRow>& rows, const SafetyFloor& floor = {});

// ManifestJson is manifest.json's content.
std::string ManifestJson(const SweepSpec& spec, Shard shard);

// SweepOutputFiles is the output directory's files by name. `rows` sorted by run. For a
// shard of count > 1 only manifest.json and runs.csv (raw rows for merge); otherwise all.
std::map<std::string, std::string> SweepOutputFiles(const SweepReport& rep, const std::vector<RunRow>& rows, Shard shard);

// SummaryText is summary.txt: invalid points, the Pareto front and the recommendation,
// with formula values beside measured ones.
std::string SummaryText(const SweepReport& rep);

// FormatFigure prints a figure the way every output does (6 significant digits); "" for
// no value.
std::string FormatFigure(std::optional<double> v);

}  // namespace leasesim::sim
