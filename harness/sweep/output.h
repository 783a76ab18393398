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
//   runs.csv       one row per run; failovers.csv one row per failover (a shard writes
//                  only these three files)
//   points.csv, points.json (a list of flat records), sweep.json (the sweep as a whole:
//   parameters, Pareto front, recommendation), pareto.csv, heatmap.csv, heatmap.svg,
//   pareto.svg, summary.txt
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

// kSweepFormat names the output format in manifest.json and sweep.json.
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
// invariant_breaches,api_get,api_create,api_update,api_total,failovers,
// failovers_unrecovered,trace_hash — integers only (nanoseconds, counts); the failovers
// themselves are in failovers.csv.
std::string RunsCsv(const std::vector<RunRow>& rows);

// FailoversCsv is failovers.csv, the long format of every run's failovers (one line per
// fault that disrupted leadership, in fault order): run,point,seed_index,seed,failover
// (0-based within the run),recovered (true/false),failover_ns (empty when no new leader
// came before the run ended).
std::string FailoversCsv(const std::vector<RunRow>& rows);

// ParseRunsCsv reads RunsCsv's and FailoversCsv's output back into exactly the rows they
// were written from. nullopt and `*err` ("<file>: line N: <problem>") on anything else,
// including failovers that do not match runs.csv's counts.
std::optional<std::vector<RunRow>> ParseRunsCsv(std::string_view runs, std::string_view failovers, std::string_view runs_file,
                                                std::string_view failovers_file, std::string* err);

// JournalCsv is the sweep journal's format (journal.h; never a result file): runs.csv's
// columns with failovers_ns packed into one ';'-separated column ("none" = no new
// leader), so that one appended line holds one finished run. ParseJournalCsv reads it back.
std::string JournalCsv(const std::vector<RunRow>& rows);
std::optional<std::vector<RunRow>> ParseJournalCsv(std::string_view text, std::string_view file, std::string* err);

// FormatSeconds prints nanoseconds as seconds with 9 decimals (exact): "15.836200000".
// ParseSeconds reads that form back (exactly 9 decimals); false otherwise.
std::string FormatSeconds(int64_t ns);
bool ParseSeconds(std::string_view s, int64_t* ns);

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
// shard of count > 1 only manifest.json, runs.csv and failovers.csv (raw rows for merge);
// otherwise all.
std::map<std::string, std::string> SweepOutputFiles(const SweepReport& rep, const std::vector<RunRow>& rows, Shard shard);

// SummaryText is summary.txt: invalid points, the Pareto front and the recommendation,
// with formula values beside measured ones.
std::string SummaryText(const SweepReport& rep);

// FormatFigure prints a figure for people (summary.txt, the plots): 6 significant digits;
// "" for no value.
std::string FormatFigure(std::optional<double> v);

// FormatColumn prints a column for files (points.csv, pareto.csv, heatmap.csv): a count
// as an integer ("8"), seconds with 9 decimals (exact nanoseconds), any other number as
// the shortest text that reads back as the same double; "" for no value.
std::string FormatColumn(const PointColumn& c);
// ColumnJson is the same value for points.json: an integer, seconds rounded to the
// nanosecond, or the double; null for no value (or a non-finite one).
nlohmann::json ColumnJson(const PointColumn& c);

}  // namespace leasesim::sim
