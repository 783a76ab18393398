// distributions.h — delay distributions for the network and the API server, on our own
// PRNG streams (no <random> distributions: they differ between standard libraries).
//
// Shapes follow the usual vocabulary (tigerbeetle's packet simulator: one_way_delay_mean,
// a heavy tail): constant, uniform, normal, log-normal, exponential and Pareto. Samples
// are clipped to [0, 2^62 ns] and rounded to whole nanoseconds. Constant draws nothing
// from the PRNG; uniform draws one value; normal and log-normal draw a variable number
// (Marsaglia's polar method rejects some pairs).
//
//   sim::Distribution d = sim::Distribution::Uniform(1ms, 5ms);
//   core::Prng rng = core::Prng::Stream(seed, "net/a/request");
//   core::Duration x = d.Sample(rng);
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include "core/prng.h"
#include "core/time.h"

namespace leasesim::sim {

using core::Duration;

struct Distribution {
  enum class Kind : uint8_t {
    kConstant,     // value = a
    kUniform,      // [a, b)
    kNormal,       // mean a, stddev b
    kLogNormal,    // median a, sigma shape (the log's stddev)
    kExponential,  // mean a
    kPareto,       // heavy tail: scale (minimum) a, shape alpha
  };
  Kind kind = Kind::kConstant;
  Duration a{0};
  Duration b{0};
  double shape = 0;

  static Distribution Constant(Duration v) { return {Kind::kConstant, v, Duration{0}, 0}; }
  static Distribution Uniform(Duration lo, Duration hi) { return {Kind::kUniform, lo, hi, 0}; }
  static Distribution Normal(Duration mean, Duration stddev) { return {Kind::kNormal, mean, stddev, 0}; }
  static Distribution LogNormal(Duration median, double sigma) { return {Kind::kLogNormal, median, Duration{0}, sigma}; }
  static Distribution Exponential(Duration mean) { return {Kind::kExponential, mean, Duration{0}, 0}; }
  static Distribution Pareto(Duration scale, double alpha) { return {Kind::kPareto, scale, Duration{0}, alpha}; }

  // kMaxSampleNs (2^62 ns, about 146 years) caps samples so that adding one to any
  // simulated instant cannot overflow.
  static constexpr int64_t kMaxSampleNs = int64_t{1} << 62;

  // Sample draws one value (>= 0) from `rng`. Deterministic for a given rng state.
  // Constant and in-range uniform draws are inline (one per simulated message); they
  // return exactly what the general path does: the uniform value lies in [a, b) within
  // [0, kMaxSampleNs], so clipping would not change it.
  Duration Sample(core::Prng& rng) const {
    if (kind == Kind::kConstant) return std::clamp(a, Duration{0}, Duration{kMaxSampleNs});
    if (kind == Kind::kUniform && a.count() >= 0 && b > a && b.count() <= kMaxSampleNs) {
      const uint64_t span = static_cast<uint64_t>(b.count()) - static_cast<uint64_t>(a.count());
      return a + Duration{static_cast<int64_t>(rng.Uniform(span))};
    }
    return SampleSlow(rng);
  }
  // SampleSlow is Sample for every kind (the inline cases included).
  Duration SampleSlow(core::Prng& rng) const;
  // Mean is the distribution's mean (infinite Pareto means are reported as Duration::max()).
  Duration Mean() const;
  // Describe is a short human form, e.g. "uniform(1ms, 5ms)".
  std::string Describe() const;
  // Problem is empty when the parameters make sense, else what is wrong, for the
  // scenario loader's error message (it adds the file and JSON path): a negative
  // duration, b < a, a negative sigma, a Pareto scale or alpha that is not > 0.
  std::string Problem() const;
};

}  // namespace leasesim::sim
