// commands.h — the `leasesim` subcommands, callable from main() and from tests/cli.
//
// Each returns an exit code of harness/exit_codes.h. Only main() reads the real clock: it
// passes a WallClock so that commands can report wall time without reading a clock.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/exit_codes.h"
#include "harness/output_files.h"

namespace leasesim::sim {

struct RunArgs {
  std::string scenario;
  std::optional<uint64_t> seed;
  std::string trace;
  std::string report;    // "-": stdout
  std::string perfetto;  // Chrome Trace Event Format JSON (ui.perfetto.dev), export.cc
  bool stats = false;
  bool quiet = false;
  // cancel: set by main()'s SIGINT/SIGTERM handler; the run stops and RunCommand throws
  // RunCancelled (sim/runner.h) after removing every file it started.
  const std::atomic<bool>* cancel = nullptr;
  std::string test_break_invariant;  // hidden, test only: WorldOptions::TestBreak by name
};

// RunCommand is `leasesim run`: prints the seed first, then the human summary; writes the
// trace and report files (complete or not at all). Both destinations are checked before
// the run (exit 2 naming the file, nothing written); if the report cannot be written at
// the end, the trace is removed too.
int RunCommand(const RunArgs& a, const WallClock& wall, std::ostream& out, std::ostream& err);

// ExportArgs is `leasesim export TRACE --perfetto FILE`.
struct ExportArgs {
  std::string trace;     // a trace from `leasesim run --trace` (JSON Lines)
  std::string perfetto;  // output: Trace Event Format JSON
};
// ExportCommand converts a trace file for ui.perfetto.dev / chrome://tracing (export.cc).
int ExportCommand(const ExportArgs& a, std::ostream& out, std::ostream& err);
// WritePerfettoFile converts the trace at `trace_path` into Trace Event Format JSON at
// `out_path` (complete or not at all); false with *err naming the file otherwise.
bool WritePerfettoFile(const std::string& trace_path, const std::string& out_path, std::string* err);

// InitArgs is `leasesim init [FILE] [--from-flags "..."] [--from-lease LEASE.yaml]
// [--replicas N] [--client-go V] [--format json|yaml] [--force]`.
struct InitArgs {
  std::string file;         // empty: stdout; .yaml/.yml: YAML, else JSON with comments
  std::string from_flags;   // kube-controller-manager / kube-scheduler --leader-elect-* flags
  std::string from_lease;   // `kubectl get lease NAME -o yaml` (or -o json) output
  std::optional<int> replicas;
  std::string client_go;    // default 1.37
  std::string format;       // json | yaml; default: by FILE's extension, json on stdout
  bool force = false;       // overwrite FILE
};
// InitCommand writes a commented starter scenario that runs as it is (init.cc).
int InitCommand(const InitArgs& a, std::ostream& out, std::ostream& err);

// VersionText is `--version`: the version, the client-go profiles and the lock kinds
// supported (help.cc).
std::string VersionText(std::string_view version);
// UnknownCommandMessage is "unknown command \"runn\"; did you mean \"run\"? (commands: ...)"
// when `typed` (argv[1]) is no subcommand and no option; nullopt otherwise (help.cc).
std::optional<std::string> UnknownCommandMessage(std::string_view typed, const std::vector<std::string>& commands);
// UnknownOptionMessage is "leasesim run: unknown option --sed (did you mean --seed?)" for
// `typed` ("--sed" or "--sed=3") given to `command` ("leasesim run"), whose options are
// `options` ("--seed", "-q", ...); without a near name it points at `command --help`.
std::string UnknownOptionMessage(std::string_view command, std::string_view typed, const std::vector<std::string>& options);

// ProgramName is how printed commands (reproduce lines, JUnit, "join the shards with")
// name leasesim: argv[0] as typed when it holds a '/' ("build/release/leasesim", so that
// the line works pasted into the same shell from a fresh clone), else "leasesim" (found on
// PATH: installed).
std::string ProgramName(std::string_view argv0);

// CheckArgs is `leasesim check [PATH...] [--junit FILE] [--jobs N] [--determinism] [--filter GLOB]`.
struct CheckArgs {
  std::vector<std::string> paths;  // files or directories (recursively); default "scenarios"
  std::string junit;               // JUnit XML output file
  int jobs = 0;                    // worker threads; 0 = the number of cores
  bool determinism = false;        // run each scenario twice (and across worker counts)
  std::string filter;              // glob on the scenario path, e.g. "*/split-brain/*"
  uint64_t test_perturb_order = 0; // hidden, test only: make runs nondeterministic
  bool quiet = false;
  // program: how reproduce commands name leasesim — as it was invoked (ProgramName).
  std::string program = "leasesim";
};
// CheckCommand runs a suite for CI (check.cc).
int CheckCommand(const CheckArgs& a, const WallClock& wall, std::ostream& out, std::ostream& err);

// SweepArgs is `leasesim sweep SWEEP.json [--seeds N] [--jobs N] [--out DIR] [--shard i/N]`.
struct SweepArgs {
  std::string sweep;
  std::optional<int64_t> seeds;  // overrides the file's "seeds" (seeds per point)
  int jobs = 0;
  std::string out_dir = "sweep-out";
  std::string shard;      // "i/N", empty = all
  bool progress = true;   // progress bar on stderr when it is a terminal
  // The safety floor of the Pareto front and the recommendation (harness/sweep/pareto.h
  // SafetyFloor; defaults: client-go's 15s/10s/2s figures).
  std::string min_safety_margin = "3s";  // Go duration, may be negative
  double min_clock_rate_ratio = 1.25;
  // resume: reuse the finished runs of an interrupted sweep into the same --out
  // (harness/sweep/journal.h); without it a stale staging directory is started over.
  bool resume = false;
  const std::atomic<bool>* cancel = nullptr;  // as RunArgs::cancel
  std::string program = "leasesim";           // as CheckArgs::program
};
// SweepCommand runs a timing-parameter sweep (sweep.cc). The output directory is built in
// `<out>.partial` and renamed into place when complete, replacing an older sweep output
// whole (never mixing files of two sweeps); an interrupted sweep leaves only
// `<out>.partial`, which --resume continues.
int SweepCommand(const SweepArgs& a, const WallClock& wall, std::ostream& out, std::ostream& err);

// MergeArgs is `leasesim merge SHARD_DIR... --out DIR [--junit FILE] [--jobs N]`.
struct MergeArgs {
  std::vector<std::string> inputs;
  std::string out_dir;  // default: sweep-out, or chaos-out for chaos shards
  std::string junit;    // chaos shards only
  int jobs = 0;         // chaos shards only: shrinking workers
  std::string min_safety_margin = "3s";  // as SweepArgs: give merge the sweep's floor
  double min_clock_rate_ratio = 1.25;
  std::string program = "leasesim";      // as CheckArgs::program
};
// MergeCommand joins shard outputs into exactly what one unsharded sweep (or chaos
// search: the manifest's format decides) writes.
int MergeCommand(const MergeArgs& a, std::ostream& out, std::ostream& err);

// ChaosArgs is `leasesim chaos FILE [--seeds N] [--jobs N] [--out DIR] [--junit FILE]
// [--shard i/N] [--shrink-budget N]`.
struct ChaosArgs {
  std::string chaos;
  std::optional<int64_t> seeds;  // overrides the file's "seeds"
  int jobs = 0;
  std::string out_dir = "chaos-out";
  std::string junit;
  std::string shard;  // "i/N", empty = all
  int64_t shrink_budget = 400;  // runs per failure class (harness/chaos/shrink.h)
  bool progress = true;
  std::string program = "leasesim";  // as CheckArgs::program
};
// ChaosCommand searches the fault space of a chaos file (chaos.cc): exit 0 nothing found,
// 1 failures found, 2 bad input.
int ChaosCommand(const ChaosArgs& a, const WallClock& wall, std::ostream& out, std::ostream& err);
// ChaosMergeCommand is MergeCommand for chaos shard directories.
int ChaosMergeCommand(const MergeArgs& a, std::ostream& out, std::ostream& err);

}  // namespace leasesim::sim
