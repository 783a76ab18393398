// suite.h — a CI suite of scenario files: discovery, loading and one run of each, in
// parallel, with the per-scenario figures `leasesim check` reports.
//
//   sim::SuiteSelection sel = sim::DiscoverSuite({"scenarios"}, "*/incidents/*");
//   std::vector<sim::SuiteCase> cases = sim::LoadSuite(sel.files, /*jobs=*/4);
//   std::vector<sim::SuiteCaseResult> r = sim::RunSuite(cases, {.jobs = 4, .wall = wall});
//
// Results are by index (the sorted discovery order): output and verdicts never depend on
// the number of workers. Only `wall_s` comes from the real world, through the injected
// `wall` function (main() reads the clock; tests pass a constant).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/exit_codes.h"
#include "sim/expectations.h"
#include "sim/invariants.h"
#include "sim/scenario.h"
#include "sim/true_time.h"

namespace leasesim::sim {

// SuiteSelection is what DiscoverSuite found: scenario file paths in sorted order without
// duplicates, and one-line errors for paths that do not exist or cannot be listed
// (`<path>: no such file or directory`), which are bad input (exit 2).
struct SuiteSelection {
  std::vector<std::string> files;
  std::vector<std::string> errors;
  // skipped: notes for chaos files (top-level "kind": "chaos", harness/chaos/spec.h) and
  // sweep files (a top-level "base", harness/sweep/spec.h) found in the selection, JSON
  // or YAML: they are inputs of `leasesim chaos` / `leasesim sweep`, not scenarios.
  std::vector<std::string> skipped;
};

// DiscoverSuite lists every `*.json` under the directories in `paths` (recursively) and
// every file named directly (whatever its extension), then keeps those whose path matches
// `filter` (fnmatch(3) without flags, so `*` also matches `/`; empty = all), minus chaos
// and sweep files (listed in `skipped` with a note). Paths keep
// the spelling they were given ("scenarios/" lists "scenarios/a/b.json").
SuiteSelection DiscoverSuite(const std::vector<std::string>& paths, const std::string& filter);

// SuiteCase is one loaded scenario file: `scenario` when it loaded, else `error`, the
// loader's one-line message `<file>: <json path>: <problem>` (sim/scenario.h).
struct SuiteCase {
  std::string path;
  std::optional<Scenario> scenario;
  std::string error;
};

// LoadSuite loads every file (in parallel on `jobs` workers, 0 = all cores), in order.
std::vector<SuiteCase> LoadSuite(const std::vector<std::string>& files, int jobs);

// SuiteRunOptions: `jobs` workers (0 = all cores), `reverse` hands scenarios to workers
// from the last one down, `perturb_order` is RunOptions::perturb_order (test only), `wall`
// returns a monotonic reading in seconds and must be safe to call from several threads.
struct SuiteRunOptions {
  int jobs = 0;
  bool reverse = false;
  uint64_t perturb_order = 0;
  WallClock wall;
};

// SuiteCaseResult is one scenario's verdict and key figures (durations in true time).
// `error` is non-empty for bad input (the scenario did not load, or its run could not
// write a file); the other fields are then meaningless.
struct SuiteCaseResult {
  std::string path;
  std::string error;
  uint64_t seed = 0;
  bool passed = false;
  std::vector<ExpectationResult> expectations;
  // invariant_breaches: the run's breached invariants (sim/invariants.h); any fails it.
  std::vector<InvariantBreach> invariant_breaches;
  Duration split_brain_total{0};
  Duration no_leader_max{0};  // longest gap without a believed leader (initial election included)
  size_t transitions = 0;     // lease-holder transitions (leaderTransitions)
  // failover_max: the slowest failover over faults that disrupted leadership and were
  // followed by a new leader; failover_unrecovered: some disrupting fault never was.
  std::optional<Duration> failover_max;
  bool failover_unrecovered = false;
  std::string trace_hash;
  double wall_s = 0;

  bool ran() const { return error.empty(); }
};

// RunSuite runs every loaded case once (RunScenario with the scenario's seed, no trace
// file) and returns the results in case order. Exceptions other than the runner's
// std::runtime_error (a programming error) propagate after all workers have stopped.
std::vector<SuiteCaseResult> RunSuite(const std::vector<SuiteCase>& cases, const SuiteRunOptions& o);

// ShellQuote is `s` as one POSIX shell word: unchanged when it holds only characters no
// shell interprets, else single-quoted (a ' inside becomes '\'').
std::string ShellQuote(std::string_view s);

// ReproduceCommand is the shell command that re-runs one case: `leasesim run PATH --seed N`.
// `program` names leasesim as the user invoked it (SuiteReportContext::program).
std::string ReproduceCommand(const std::string& path, uint64_t seed, std::string_view program = "leasesim");

}  // namespace leasesim::sim
