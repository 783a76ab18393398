// node_clock.cc — see node_clock.h.
#include "sim/node_clock.h"

#include <algorithm>
#include <cassert>
#include <limits>

namespace leasesim::sim {
namespace {

using i128 = __int128;
constexpr int64_t kPpm = 1'000'000;

// FloorDiv and CeilDiv round toward -inf / +inf (C++ `/` truncates toward zero).
i128 FloorDiv(i128 a, i128 b) {
  i128 q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
i128 CeilDiv(i128 a, i128 b) {
  i128 q = a / b;
  if ((a % b != 0) && ((a < 0) == (b < 0))) ++q;
  return q;
}
int64_t Saturate(i128 v) {
  constexpr i128 lo = std::numeric_limits<int64_t>::min();
  constexpr i128 hi = std::numeric_limits<int64_t>::max();
  return static_cast<int64_t>(std::clamp(v, lo, hi));
}
int64_t TrueWallNs(TrueTime t) {
  return (kEpochWall.since_unix + (t - kTrueEpoch)).count();
}

}  // namespace

NodeClock::NodeClock(TrueTime boot, Duration wall_offset, int64_t drift_ppm) : last_change_(boot) {
  assert(drift_ppm >= -kMaxDriftPpm && drift_ppm <= kMaxDriftPpm);
  segments_.push_back(Segment{boot.since_origin.count(), 0, TrueWallNs(boot) + wall_offset.count(),
                              drift_ppm, 0, 0, 0});
}

const NodeClock::Segment& NodeClock::SegmentAt(TrueTime t) const {
  const int64_t t_ns = t.since_origin.count();
  // The last segment starting at or before t; before the first, extrapolate the first.
  auto it = std::upper_bound(segments_.begin(), segments_.end(), t_ns,
                             [](int64_t v, const Segment& s) { return v < s.start_ns; });
  return it == segments_.begin() ? segments_.front() : *(it - 1);
}

NodeClock::Reading NodeClock::Read(const Segment& s, int64_t t_ns) {
  if (s.drift_ppm == 0 && s.slew_left == 0) {
    // Fast path, exactly the general formula below with rate 1e6 and no correction:
    // floor((mono_e6 + dt * 1e6) / 1e6) = mono_floor + dt and wall = wall0 + dt.
    const int64_t d = t_ns - s.start_ns;
    return {s.mono_e6 + static_cast<i128>(d) * kPpm, s.mono_floor + d, s.wall0 + d, 0};
  }
  const i128 dt = static_cast<i128>(t_ns) - s.start_ns;
  const i128 rate = kPpm + s.drift_ppm;
  const i128 mono_e6 = s.mono_e6 + dt * rate;
  const int64_t mono = Saturate(FloorDiv(mono_e6, kPpm));
  i128 corr = 0;
  if (s.slew_left != 0 && dt > 0) {
    const i128 left = s.slew_left < 0 ? -static_cast<i128>(s.slew_left) : s.slew_left;
    corr = std::min(left, FloorDiv(dt * rate * s.slew_ppm, static_cast<i128>(kPpm) * kPpm));
    if (s.slew_left < 0) corr = -corr;
  }
  const i128 mono_at_start = FloorDiv(s.mono_e6, kPpm);
  const int64_t wall = Saturate(s.wall0 + (static_cast<i128>(mono) - mono_at_start) + corr);
  return {mono_e6, mono, wall, static_cast<int64_t>(s.slew_left - corr)};
}

core::MonoTime NodeClock::Mono(TrueTime t) const {
  return core::MonoTime{Duration{Read(SegmentAt(t), t.since_origin.count()).mono}};
}

core::WallTime NodeClock::Wall(TrueTime t) const {
  return core::WallTime{Duration{Read(SegmentAt(t), t.since_origin.count()).wall}};
}

core::LocalTime NodeClock::LocalSlow(TrueTime t) const {
  const Reading r = Read(SegmentAt(t), t.since_origin.count());
  return {core::MonoTime{Duration{r.mono}}, core::WallTime{Duration{r.wall}}};
}

Duration NodeClock::offset_ns(TrueTime t) const {
  return Duration{Read(SegmentAt(t), t.since_origin.count()).wall - TrueWallNs(t)};
}

int64_t NodeClock::drift_ppm(TrueTime t) const { return SegmentAt(t).drift_ppm; }

Duration NodeClock::slew_remaining(TrueTime t) const {
  return Duration{Read(SegmentAt(t), t.since_origin.count()).slew_left};
}

TrueTime NodeClock::TrueAtMonoSlow(core::MonoTime m) const {
  const i128 m_e6 = static_cast<i128>(m.since_boot.count()) * kPpm;
  // The start readings are non-decreasing along the segments. The answer lies in the last
  // segment whose start reading is < m (floor(mono_e6 / 1e6) < m <=> mono_e6 < m * 1e6):
  // the next one starts at a reading >= m, which this segment reaches by its end. If
  // there is none, m is reached at or before the first start.
  auto it = std::lower_bound(segments_.begin(), segments_.end(), m_e6,
                             [](const Segment& s, i128 v) { return s.mono_e6 < v; });
  const Segment& s = it == segments_.begin() ? segments_.front() : *(it - 1);
  // Fast path for a segment at the true rate: ceil(m - mono_e6 / 1e6) = m - mono_floor.
  if (s.drift_ppm == 0) return TrueTime{Duration{s.start_ns + (m.since_boot.count() - s.mono_floor)}};
  // Smallest dt with floor((mono_e6 + dt * rate) / 1e6) >= m, i.e. mono_e6 + dt * rate >= m * 1e6.
  const i128 dt = CeilDiv(m_e6 - s.mono_e6, kPpm + s.drift_ppm);
  return TrueTime{Duration{Saturate(s.start_ns + dt)}};
}

NodeClock::Segment& NodeClock::BeginChange(TrueTime at) {
  assert(at >= last_change_ && "NodeClock changes must be applied in time order");
  last_change_ = at;
  Segment& last = segments_.back();
  const int64_t at_ns = at.since_origin.count();
  if (last.start_ns == at_ns) return last;  // another change at the same instant
  const Reading r = Read(last, at_ns);
  Segment next = last;
  next.start_ns = at_ns;
  next.mono_e6 = r.mono_e6;
  next.mono_floor = r.mono;
  next.wall0 = r.wall;
  next.slew_left = r.slew_left;
  if (next.slew_left == 0) next.slew_ppm = 0;
  segments_.push_back(next);
  return segments_.back();
}

void NodeClock::SetDrift(TrueTime at, int64_t drift_ppm) {
  assert(drift_ppm >= -kMaxDriftPpm && drift_ppm <= kMaxDriftPpm);
  BeginChange(at).drift_ppm = drift_ppm;
}

void NodeClock::StepWall(TrueTime at, Duration by) {
  Segment& s = BeginChange(at);
  s.wall0 += by.count();
  s.slew_left = 0;
  s.slew_ppm = 0;
}

void NodeClock::SetWallOffset(TrueTime at, Duration offset) {
  StepWall(at, offset - offset_ns(at));
}

void NodeClock::SlewWall(TrueTime at, Duration by, int64_t rate_ppm) {
  assert(rate_ppm > 0 && rate_ppm <= kMaxSlewPpm);
  Segment& s = BeginChange(at);
  s.slew_left = by.count();
  s.slew_ppm = by.count() == 0 ? 0 : rate_ppm;
}

}  // namespace leasesim::sim
