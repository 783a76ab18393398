// exit_codes.h — the verdicts every `leasesim` subcommand returns, and the wall-clock seam.
//
// Exit codes (every subcommand): 0 every expectation held; 1 an expectation failed;
// 2 bad input or usage; 3 internal error; 4 nondeterminism (check --determinism).
// Only main() reads the real clock: it passes a WallClock (a monotonic reading in seconds)
// down, so that the harness can report wall time without reading a clock itself.
#pragma once

#include <functional>

namespace leasesim::sim {

inline constexpr int kExitPass = 0;
inline constexpr int kExitExpectationFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInternal = 3;
inline constexpr int kExitNondeterminism = 4;

// WallClock returns seconds on a monotonic clock (only for printing rates and ETAs).
using WallClock = std::function<double()>;

}  // namespace leasesim::sim
