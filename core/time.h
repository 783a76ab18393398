// time.h — typed local time readings for the election core.
//
// client-go reads two clocks: the monotonic clock (Go's time.Time carries a monotonic
// reading, and `Sub`/`After`/`Before` between two such times use it) and the wall clock
// (what `metav1.NewTime(now)` writes into RenewTime/AcquireTime). A node's elector is fed
// both readings with every input; it never reads a clock itself.
//
//   core::LocalTime now{core::MonoTime{5s}, core::WallTime{1'700'000'000s}};
//   if (observed_mono + lease_duration > now.mono) { /* lease still valid */ }
//
// True (simulator) time is a sim/ concept; core/ never sees it.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>

namespace leasesim::core {

using Duration = std::chrono::nanoseconds;
using namespace std::chrono_literals;

// SatAdd and SatSub are Duration arithmetic that saturates at Duration::min()/max()
// instead of overflowing (undefined behaviour in C++). Every instant +/- Duration below
// uses them, and instant - instant saturates as Go's time.Time.Sub does ("If the result
// exceeds the maximum (or minimum) value that can be stored in a Duration, the maximum
// (or minimum) duration will be returned."). Scenario files bound every duration so that
// no run reaches the limits (sim/json_input.h, kMaxFileDuration); saturation keeps any
// other caller's arithmetic defined (issue 15, item 10).
constexpr Duration SatAdd(Duration a, Duration b) {
  int64_t r = 0;
  if (__builtin_add_overflow(a.count(), b.count(), &r)) return b.count() > 0 ? Duration::max() : Duration::min();
  return Duration{r};
}
constexpr Duration SatSub(Duration a, Duration b) {
  int64_t r = 0;
  if (__builtin_sub_overflow(a.count(), b.count(), &r)) return b.count() < 0 ? Duration::max() : Duration::min();
  return Duration{r};
}

// MonoTime is a reading of a node's monotonic clock, in ns since that node's boot.
// Expiry (isLeaseValid), the acquire/renew loops and every context deadline use it.
struct MonoTime {
  Duration since_boot{0};
  friend constexpr auto operator<=>(MonoTime, MonoTime) = default;
  friend constexpr MonoTime operator+(MonoTime t, Duration d) { return {SatAdd(t.since_boot, d)}; }
  friend constexpr MonoTime operator-(MonoTime t, Duration d) { return {SatSub(t.since_boot, d)}; }
  friend constexpr Duration operator-(MonoTime a, MonoTime b) { return SatSub(a.since_boot, b.since_boot); }
};

// WallTime is a reading of a node's wall clock, in ns since the Unix epoch (UTC). It is
// what records are stamped with; it may jump (NTP steps) and is never used for expiry.
struct WallTime {
  Duration since_unix{0};
  friend constexpr auto operator<=>(WallTime, WallTime) = default;
  friend constexpr WallTime operator+(WallTime t, Duration d) { return {SatAdd(t.since_unix, d)}; }
  friend constexpr Duration operator-(WallTime a, WallTime b) { return SatSub(a.since_unix, b.since_unix); }
  // IsZero mirrors Go's time.Time{}.IsZero(): the zero value marshals as JSON `null`.
  constexpr bool IsZero() const { return since_unix == Duration::min(); }
  static constexpr WallTime Zero() { return {Duration::min()}; }
};

// LocalTime is both readings of one node's clocks taken at the same instant: the `now`
// every input to the elector carries.
struct LocalTime {
  MonoTime mono;
  WallTime wall;
};

}  // namespace leasesim::core
