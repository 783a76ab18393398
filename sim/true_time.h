// true_time.h — the simulator's true time.
//
// True time is the scheduler's clock: the one reality every node's local clock is derived
// from (sim/node_clock.h) and the one the oracles measure in. It starts at a non-zero
// epoch (kTrueEpoch) so that "zero" is never a valid instant by accident.
//
//   sim::TrueTime t = sim::kTrueEpoch + 15s;   (t - sim::kTrueEpoch) == 15s
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>

#include "core/time.h"

namespace leasesim::sim {

using core::Duration;
using namespace std::chrono_literals;

// TrueTime is an instant of true time, in ns since the simulator's (arbitrary) origin.
struct TrueTime {
  Duration since_origin{0};
  friend constexpr auto operator<=>(TrueTime, TrueTime) = default;
  // Saturating, as core::MonoTime's (core/time.h).
  friend constexpr TrueTime operator+(TrueTime t, Duration d) { return {core::SatAdd(t.since_origin, d)}; }
  friend constexpr TrueTime operator-(TrueTime t, Duration d) { return {core::SatSub(t.since_origin, d)}; }
  friend constexpr Duration operator-(TrueTime a, TrueTime b) { return core::SatSub(a.since_origin, b.since_origin); }
  static constexpr TrueTime Max() { return {Duration::max()}; }
};

// kTrueEpoch is where every run starts: scenario time 0.
inline constexpr TrueTime kTrueEpoch{std::chrono::hours(1)};

// kEpochWall is the true wall-clock reading at kTrueEpoch: 2026-01-01T00:00:00Z. A node
// with no clock offset reads this wall time at scenario start.
inline constexpr core::WallTime kEpochWall{std::chrono::seconds(1767225600)};

// Seconds converts a scenario-relative true instant to seconds (for reports).
inline double SecondsSinceStart(TrueTime t) {
  return std::chrono::duration<double>(t - kTrueEpoch).count();
}

}  // namespace leasesim::sim
