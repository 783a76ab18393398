// node_clock.h — one node's local clocks as functions of true time.
//
// client-go reads two clocks (core/time.h): expiry and every loop deadline use the
// monotonic clock, records are stamped with the wall clock. A NodeClock derives both from
// the scheduler's true time, so faults can make a node's view of time wrong in exactly
// the ways real clocks are wrong:
//   * drift: both clocks run at (1e6 + drift_ppm) / 1e6 of true time (a fast or slow
//     oscillator; CLOCK_MONOTONIC and CLOCK_REALTIME share it);
//   * wall offset and steps: settimeofday / an NTP step moves the wall clock, forward or
//     back, at once; the monotonic clock is unaffected;
//   * slews: adjtime(3) corrects the wall clock gradually, at slew_ppm of local time,
//     until the requested amount is applied; the monotonic clock is unaffected.
// Changes happen at given true times, in time order, so a clock is a list of
// piecewise-linear segments; readings use exact integer math (__int128), never doubles.
//
//   sim::NodeClock clock(sim::kTrueEpoch - 1h, /*wall_offset=*/250ms, /*drift_ppm=*/100);
//   clock.StepWall(sim::kTrueEpoch + 30s, -2s);          // NTP steps the wall back
//   core::LocalTime now = clock.Local(sched.now());
//   sim::TrueTime due = clock.TrueAtMono(now.mono + 2s); // when a local 2s timer fires
//
// A paused node (GC, SIGSTOP) does not stop its clocks: nothing here models pauses, and
// that is why a paused leader wakes up to find its lease expired.
#pragma once

#include <cstdint>
#include <vector>

#include "core/time.h"
#include "sim/true_time.h"

namespace leasesim::sim {

// NodeClock is one node's monotonic and wall clock, derived from true time.
// Invariants: Mono is non-decreasing in true time (drift > -1e6 ppm), Mono(boot) == 0,
// and readings at any true time never change once every change up to it is applied.
class NodeClock {
 public:
  // kMaxDriftPpm bounds |drift_ppm|: at +-500000 ppm a clock runs at 1.5x or 0.5x.
  static constexpr int64_t kMaxDriftPpm = 500'000;
  // kMaxSlewPpm bounds slew rates (Linux's adjtime slews at 500 ppm; tests go further).
  static constexpr int64_t kMaxSlewPpm = 500'000;
  // kAdjtimeSlewPpm is Linux adjtime(3)'s fixed rate: 0.5 ms per second.
  static constexpr int64_t kAdjtimeSlewPpm = 500;

  // NodeClock starts a clock that reads mono 0 at true time `boot`, and whose wall clock
  // reads the true wall time (kEpochWall + (t - kTrueEpoch)) plus `wall_offset` at boot.
  // Asserts |drift_ppm| <= kMaxDriftPpm. Readings before `boot` extrapolate linearly.
  explicit NodeClock(TrueTime boot = kTrueEpoch, Duration wall_offset = Duration{0},
                     int64_t drift_ppm = 0);

  // Mono is the monotonic reading at true time t: ns since boot, at the drifted rate.
  core::MonoTime Mono(TrueTime t) const;
  // Wall is the wall reading at true time t: ns since the Unix epoch.
  core::WallTime Wall(TrueTime t) const;
  // Local is both readings at t, as fed to core::LeaderElector. Inline fast path: at or
  // after the last change, with no drift and no slew in force, a reading is two additions
  // (the general formula gives exactly the same values there).
  core::LocalTime Local(TrueTime t) const {
    const Segment& s = segments_.back();
    const int64_t t_ns = t.since_origin.count();
    if (t_ns >= s.start_ns && s.drift_ppm == 0 && s.slew_left == 0) [[likely]] {
      const int64_t d = t_ns - s.start_ns;
      return {core::MonoTime{Duration{s.mono_floor + d}}, core::WallTime{Duration{s.wall0 + d}}};
    }
    return LocalSlow(t);
  }
  // TrueAtMono is the earliest true time at which the monotonic reading is >= m: when a
  // local-clock deadline m is due. Mono(TrueAtMono(m)) >= m and
  // Mono(TrueAtMono(m) - 1ns) < m. Saturates at TrueTime::Max(). Inline fast path: a
  // deadline past the last change's reading, with no drift in force, is one subtraction.
  TrueTime TrueAtMono(core::MonoTime m) const {
    const Segment& s = segments_.back();
    // s.mono_floor < m <=> s.mono_e6 < m * 1e6: the last segment is the one that reaches m.
    if (s.drift_ppm == 0 && s.mono_floor < m.since_boot.count()) [[likely]] {
      return TrueTime{Duration{s.start_ns + (m.since_boot.count() - s.mono_floor)}};
    }
    return TrueAtMonoSlow(m);
  }
  // offset_ns is local wall minus true wall at t (ns), for traces and oracles.
  Duration offset_ns(TrueTime t) const;
  // drift_ppm is the drift in force at t.
  int64_t drift_ppm(TrueTime t) const;
  // slew_remaining is the wall correction still to be applied by slews at t (signed).
  Duration slew_remaining(TrueTime t) const;

  // Changes. Each takes effect at true time `at`, which must be >= last_change() (an
  // assertion: the runner applies faults in time order). Several changes may share a time.

  // SetDrift changes the rate of both clocks from `at` on. An ongoing slew continues.
  void SetDrift(TrueTime at, int64_t drift_ppm);
  // StepWall moves the wall clock by `by` (either sign) at once, as settimeofday or an
  // NTP step does. Like Linux (settimeofday -> ntp_clear), it cancels an ongoing slew.
  void StepWall(TrueTime at, Duration by);
  // SetWallOffset steps the wall clock so that offset_ns(at) == offset.
  void SetWallOffset(TrueTime at, Duration offset);
  // SlewWall corrects the wall clock by `by` gradually: the wall clock runs faster (by > 0)
  // or slower (by < 0) by rate_ppm of local time until `by` is applied, then at the
  // drifted rate again. Like adjtime(3), it replaces any slew still in progress.
  // Asserts 0 < rate_ppm <= kMaxSlewPpm.
  void SlewWall(TrueTime at, Duration by, int64_t rate_ppm = kAdjtimeSlewPpm);

  // last_change is the true time of the latest change (boot if none).
  TrueTime last_change() const { return last_change_; }

 private:
  // Segment is the clock from true time start_ns until the next segment's start:
  //   mono_e6(t) = mono_e6 + dt * (1e6 + drift_ppm)                dt = t - start_ns
  //   mono(t)    = floor(mono_e6(t) / 1e6)
  //   wall(t)    = wall0 + (mono(t) - mono(start)) + slew correction(dt)
  //   correction(dt) = sign(slew_left) * min(|slew_left|, floor(dt * (1e6 + drift_ppm) * slew_ppm / 1e12))
  // The monotonic reading is carried in millionths of a ns, exactly, so splitting a
  // segment (a step, a slew) never changes it. While slewing, the wall clock runs at
  // (1e6 + drift)(1e6 +- slew) / 1e12 of true time.
  struct Segment {
    int64_t start_ns;   // true time, TrueTime::since_origin
    __int128 mono_e6;   // MonoTime::since_boot at start, in 1e-6 ns
    int64_t wall0;      // WallTime::since_unix at start
    int64_t drift_ppm;
    int64_t slew_ppm;   // > 0 while a slew is configured, else 0
    int64_t slew_left;  // signed correction still to apply at start (ns)
    int64_t mono_floor; // floor(mono_e6 / 1e6): the mono reading at start (fast path)
  };
  struct Reading {
    __int128 mono_e6;
    int64_t mono;
    int64_t wall;
    int64_t slew_left;
  };

  const Segment& SegmentAt(TrueTime t) const;
  core::LocalTime LocalSlow(TrueTime t) const;
  TrueTime TrueAtMonoSlow(core::MonoTime m) const;
  static Reading Read(const Segment& s, int64_t t_ns);
  // BeginChange returns the segment that starts at `at` (appending one if needed),
  // holding the readings at `at`.
  Segment& BeginChange(TrueTime at);

  std::vector<Segment> segments_;  // sorted by start_ns, never empty
  TrueTime last_change_;
};

}  // namespace leasesim::sim
