// cli.h — the `leasesim` subcommands, callable from main() and from tests.
//
// Exit codes (every subcommand): 0 every expectation held; 1 an expectation failed;
// 2 bad input or usage; 3 internal error; 4 nondeterminism (check --determinism).
// Only main() reads the real clock: it passes `wall_seconds` (a monotonic reading in
// seconds) so that commands can report wall time without reading a clock themselves.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace leasesim::sim {

inline constexpr int kExitPass = 0;
inline constexpr int kExitExpectationFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInternal = 3;
inline constexpr int kExitNondeterminism = 4;

using WallClock = std::function<double()>;

struct RunArgs {
  std::string scenario;
  std::optional<uint64_t> seed;
  std::string trace;
  std::string report;
  bool stats = false;
  bool quiet = false;
};

// RunCommand is `leasesim run`: prints the seed first, then the human summary; writes the
// trace and report files (complete or not at all).
int RunCommand(const RunArgs& a, const WallClock& wall, std::ostream& out, std::ostream& err);

// CheckArgs is `leasesim check [PATH...] [--junit FILE] [--jobs N] [--determinism] [--filter GLOB]`.
struct CheckArgs {
  std::vector<std::string> paths;  // files or directories (recursively); default "scenarios"
  std::string junit;               // JUnit XML output file
  int jobs = 0;                    // worker threads; 0 = the number of cores
  bool determinism = false;        // run each scenario twice (and across worker counts)
  std::string filter;              // glob on the scenario path, e.g. "*/split-brain/*"
  uint64_t test_perturb_order = 0; // hidden, test only: make runs nondeterministic
  bool quiet = false;
};
// CheckCommand runs a suite for CI (cli_check.cc).
int CheckCommand(const CheckArgs& a, const WallClock& wall, std::ostream& out, std::ostream& err);

// SweepArgs is `leasesim sweep SWEEP.json [--jobs N] [--out DIR] [--shard i/N]`.
struct SweepArgs {
  std::string sweep;
  int jobs = 0;
  std::string out_dir = "sweep-out";
  std::string shard;      // "i/N", empty = all
  bool progress = true;   // progress bar on stderr when it is a terminal
};
// SweepCommand runs a timing-parameter sweep (cli_sweep.cc).
int SweepCommand(const SweepArgs& a, const WallClock& wall, std::ostream& out, std::ostream& err);

// MergeArgs is `leasesim merge SHARD_DIR... --out DIR`.
struct MergeArgs {
  std::vector<std::string> inputs;
  std::string out_dir = "sweep-out";
};
// MergeCommand joins shard outputs into exactly what one unsharded sweep writes.
int MergeCommand(const MergeArgs& a, std::ostream& out, std::ostream& err);

// WriteFileAtomically writes `content` to `path` through `path.tmp` and a rename; false
// with *err naming the file on failure (nothing is left behind).
bool WriteFileAtomically(const std::string& path, const std::string& content, std::string* err);

}  // namespace leasesim::sim
