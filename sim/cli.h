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

// WriteFileAtomically writes `content` to `path` through `path.tmp` and a rename; false
// with *err naming the file on failure (nothing is left behind).
bool WriteFileAtomically(const std::string& path, const std::string& content, std::string* err);

}  // namespace leasesim::sim
