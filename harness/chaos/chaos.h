// chaos.h — running a chaos search (every seed of a shard across worker threads),
// grouping failures into classes, shrinking one reproducer per class, the output
// directory, and merging shard directories back into one search.
//
// Results are placed by seed index and failure classes are sorted by name, so every
// output file is identical for any --jobs and any sharding (docs/chaos.md).
//
//   std::vector<sim::ChaosRow> rows = sim::RunChaos(spec, {.jobs = 2});
//   sim::ChaosReport rep = sim::BuildChaosReport(spec, rows, {.shrink_budget = 400, .jobs = 2});
//   auto files = sim::ChaosOutputFiles(spec, rows, rep, sim::Shard{});
//
// Files: manifest.json (format "leasesim-chaos/1", the canonical chaos file), runs.csv
// (a shard writes only these two), summary.txt, reproducers/seed-<seed>.json (every
// failing seed, replayed by `leasesim run` with the same trace hash),
// shrunk/<property>-<cause>.json (one per failure class).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/chaos/generate.h"
#include "harness/chaos/properties.h"
#include "harness/chaos/shrink.h"
#include "harness/chaos/spec.h"
#include "harness/sweep/output.h"

namespace leasesim::sim {

// kChaosFormat names the output format in manifest.json.
inline constexpr std::string_view kChaosFormat = "leasesim-chaos/1";

// ChaosRow is one seed's outcome (one runs.csv line). Durations in nanoseconds;
// worst_failover_ns: nullopt = no fault disrupted leadership, -1 = a disruption with no
// new leader before the run ended. `failures` are classes "<property>:<cause>", sorted.
struct ChaosRow {
  int64_t index = 0;
  uint64_t seed = 0;
  std::vector<std::string> families;
  int64_t faults = 0;
  int64_t split_brain_ns = 0;
  std::optional<int64_t> worst_failover_ns;
  int64_t no_leader_max_ns = 0;
  int64_t invariant_breaches = 0;
  std::vector<std::string> failures;
  std::string trace_hash;
  bool Failed() const { return !failures.empty(); }
};

// ChaosRunOptions: `jobs` worker threads (>= 1); `shard` the seeds to run (index % count);
// `progress` (called from one thread at a time) after each run with (done, total, failing runs so far).
struct ChaosRunOptions {
  int jobs = 1;
  Shard shard;
  std::function<void(int64_t done, int64_t total, int64_t failures)> progress;
};

// ResolveRoleTargets runs `scenario` and returns it with every role target ("@leader",
// "@follower", "@any") replaced by the node it resolved to in that run; faults a role
// skipped (no node had it) are dropped. Unchanged when no fault names a role.
nlohmann::json ResolveRoleTargets(const nlohmann::json& scenario);

// RunOneSeed generates, runs and evaluates seed index `k`.
ChaosRow RunOneSeed(const ChaosSpec& spec, int64_t k);

// RunChaos runs the shard's seeds; rows sorted by seed index. A run that throws rethrows
// here after the workers stop.
std::vector<ChaosRow> RunChaos(const ChaosSpec& spec, const ChaosRunOptions& o);

// ChaosRunsCsv is runs.csv: seed_index,seed,families,faults,verdict,split_brain_s,
// worst_failover_s,failover_unrecovered,no_leader_max_gap_s,invariant_breaches,failures,
// trace_hash. Seconds with 9 decimals (exact nanoseconds, FormatSeconds); families and
// failures ';'-separated labels; worst_failover_s empty when nothing was disrupted or
// when failover_unrecovered is true (a disruption with no new leader before the end).
std::string ChaosRunsCsv(const std::vector<ChaosRow>& rows);
// ParseChaosRunsCsv reads ChaosRunsCsv's output back exactly; nullopt and `*err`
// ("<file>: line N: <problem>") otherwise.
std::optional<std::vector<ChaosRow>> ParseChaosRunsCsv(std::string_view text, std::string_view file, std::string* err);

// FailureClass is one distinct failure (property + cause): its failing seeds, the first
// of them, and the shrunk reproducer.
struct FailureClass {
  std::string cls;  // "<property>:<cause>"
  std::string property;
  std::string cause;
  std::vector<uint64_t> seeds;  // ascending
  int64_t first_index = 0;      // seed index of seeds.front()
  ShrinkResult shrunk;
  std::string shrunk_path;      // relative to the output directory
};

struct ChaosReportOptions {
  int64_t shrink_budget = kDefaultShrinkBudget;
  int jobs = 1;
};

// ChaosReport is what summary.txt, the reproducers and JUnit show.
struct ChaosReport {
  int64_t runs = 0;
  int64_t failing_runs = 0;
  std::vector<FailureClass> classes;  // sorted by cls
};

// BuildChaosReport groups the failing rows into classes and shrinks each class's first
// failing seed (classes in parallel on `jobs` threads; results by class).
ChaosReport BuildChaosReport(const ChaosSpec& spec, const std::vector<ChaosRow>& rows, const ChaosReportOptions& o);

// ReproducerJson is seed index `k`'s run as a scenario file whose "expect" lists the
// violated properties (`failures`, classes).
nlohmann::json ReproducerJson(const ChaosSpec& spec, int64_t k, const std::vector<std::string>& failures);

// ShrunkJson is a class's shrunk scenario as a file: named "<chaos>/<property>-<cause>",
// a description with the sizes before and after, "expect" = the property.
nlohmann::json ShrunkJson(const ChaosSpec& spec, const FailureClass& c);

// ChaosManifestJson is manifest.json's content.
std::string ChaosManifestJson(const ChaosSpec& spec, Shard shard, int64_t shrink_budget);

// ChaosSummaryText is summary.txt: the search and a table (property, cause, failing seeds,
// first seed, shrunk reproducer, faults and duration before -> after).
std::string ChaosSummaryText(const ChaosSpec& spec, const ChaosReport& rep);

// ChaosReproduceCommand is "<program> run <out_dir>/<file>" (the path shell-quoted when
// needed); `program` is how the caller names leasesim ("leasesim", "build/release/leasesim").
std::string ChaosReproduceCommand(std::string_view program, const std::string& out_dir, const std::string& file);

// ChaosJunitXml is one test case per failure class (a pass case when nothing failed),
// with the `<program> run` commands that reproduce it (shrunk and unshrunk); `out_dir`
// prefixes the paths.
std::string ChaosJunitXml(const ChaosSpec& spec, const ChaosReport& rep, const std::string& out_dir,
                          std::string_view program = "leasesim");

// ChaosOutputFiles is the output directory by relative file name. For a shard of
// count > 1 only manifest.json and runs.csv.
std::map<std::string, std::string> ChaosOutputFiles(const ChaosSpec& spec, const std::vector<ChaosRow>& rows,
                                                    const ChaosReport& rep, Shard shard, int64_t shrink_budget);

// IsChaosShardDir is true when `dir`/manifest.json names the chaos format.
bool IsChaosShardDir(const std::string& dir);

// MergedChaos is what `leasesim merge` rebuilds from chaos shard directories.
struct MergedChaos {
  ChaosSpec spec;
  std::vector<ChaosRow> rows;  // sorted by seed index
  int64_t shrink_budget = kDefaultShrinkBudget;
};

// MergeChaosShardDirs checks that `dirs` are shards 0..N-1 of one chaos search (same
// canonical file, each shard once, every seed exactly once). nullopt and a one-line
// `*err` naming the directory or file otherwise.
std::optional<MergedChaos> MergeChaosShardDirs(const std::vector<std::string>& dirs, std::string* err);

}  // namespace leasesim::sim
