// distributions.cc — see distributions.h. Our own conversions from core::Prng's uniform
// doubles (standard-library distributions differ between implementations); <cmath>'s
// log/exp/pow/sqrt are the only floating-point functions used.
#include "sim/distributions.h"

#include "sim/go_duration.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

#include <fmt/format.h>

namespace leasesim::sim {
namespace {

constexpr int64_t kMaxSampleNs = Distribution::kMaxSampleNs;

// Clip rounds to the nearest ns (halves away from zero) and clips to [0, kMaxSampleNs];
// NaN becomes 0.
Duration Clip(double ns) {
  if (!(ns > 0)) return Duration{0};
  if (ns >= static_cast<double>(kMaxSampleNs)) return Duration{kMaxSampleNs};
  return Duration{std::llround(ns)};
}

Duration Clip(Duration d) { return std::clamp(d, Duration{0}, Duration{kMaxSampleNs}); }

double Ns(Duration d) { return static_cast<double>(d.count()); }

// StandardNormal is one N(0, 1) draw by Marsaglia's polar method (the pair's second
// value is dropped: a Distribution is stateless).
double StandardNormal(core::Prng& rng) {
  double u, v, s;
  do {
    u = 2.0 * rng.Float64() - 1.0;
    v = 2.0 * rng.Float64() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  return u * std::sqrt(-2.0 * std::log(s) / s);
}

// OneMinusUniform is uniform in (0, 1]: safe to take the log of.
double OneMinusUniform(core::Prng& rng) { return 1.0 - rng.Float64(); }

// Human formats a duration as Go's time.Duration.String does ("1.5ms", "1m30s", "250µs").
std::string Human(Duration d) { return FormatGoDuration(d); }

// NormalCdf is Phi(x).
double NormalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

}  // namespace

Duration Distribution::SampleSlow(core::Prng& rng) const {
  switch (kind) {
    case Kind::kConstant:
      return Clip(a);
    case Kind::kUniform: {
      if (b <= a) return Clip(a);
      // Exact integer draw in [a, b).
      const auto span = static_cast<uint64_t>(b.count()) - static_cast<uint64_t>(a.count());
      return Clip(a + Duration{static_cast<int64_t>(rng.Uniform(span))});
    }
    case Kind::kNormal:
      return Clip(Ns(a) + Ns(b) * StandardNormal(rng));
    case Kind::kLogNormal:
      return Clip(Ns(a) * std::exp(shape * StandardNormal(rng)));
    case Kind::kExponential:
      // Inversion: F^-1(u) = -mean * ln(1 - u).
      return Clip(-Ns(a) * std::log(OneMinusUniform(rng)));
    case Kind::kPareto:
      // Inversion: F^-1(u) = scale * (1 - u)^(-1/alpha).
      assert(shape > 0 && "pareto alpha must be > 0");
      return Clip(Ns(a) * std::pow(OneMinusUniform(rng), -1.0 / shape));
  }
  return Duration{0};
}

Duration Distribution::Mean() const {
  switch (kind) {
    case Kind::kConstant:
      return Clip(a);
    case Kind::kUniform:
      return b <= a ? Clip(a) : Clip(Ns(a) + (Ns(b) - Ns(a) - 1.0) / 2.0);  // integers in [a, b)
    case Kind::kNormal: {
      // Samples are max(X, 0): E = mu * Phi(mu / sigma) + sigma * phi(mu / sigma).
      const double mu = Ns(a), sigma = Ns(b);
      if (sigma <= 0) return Clip(mu);
      const double z = mu / sigma;
      const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
      return Clip(mu * NormalCdf(z) + sigma * pdf);
    }
    case Kind::kLogNormal:
      return Clip(Ns(a) * std::exp(0.5 * shape * shape));
    case Kind::kExponential:
      return Clip(Ns(a));
    case Kind::kPareto:
      if (shape <= 1.0) return Duration::max();
      return Clip(shape * Ns(a) / (shape - 1.0));
  }
  return Duration{0};
}

std::string Distribution::Describe() const {
  switch (kind) {
    case Kind::kConstant:
      return fmt::format("constant({})", Human(a));
    case Kind::kUniform:
      return fmt::format("uniform({}, {})", Human(a), Human(b));
    case Kind::kNormal:
      return fmt::format("normal(mean={}, stddev={})", Human(a), Human(b));
    case Kind::kLogNormal:
      return fmt::format("lognormal(median={}, sigma={})", Human(a), shape);
    case Kind::kExponential:
      return fmt::format("exponential(mean={})", Human(a));
    case Kind::kPareto:
      return fmt::format("pareto(scale={}, alpha={})", Human(a), shape);
  }
  return "unknown";
}

std::string Distribution::Problem() const {
  if (a < Duration{0}) return fmt::format("{} must not be negative", Describe());
  switch (kind) {
    case Kind::kConstant:
    case Kind::kExponential:
      return {};
    case Kind::kUniform:
      return b < a ? fmt::format("{}: the upper bound is below the lower bound", Describe()) : std::string();
    case Kind::kNormal:
      return b < Duration{0} ? fmt::format("{}: stddev must not be negative", Describe()) : std::string();
    case Kind::kLogNormal:
      return !(shape >= 0) || !std::isfinite(shape) ? fmt::format("{}: sigma must be >= 0", Describe())
                                                    : std::string();
    case Kind::kPareto:
      if (a == Duration{0}) return fmt::format("{}: scale must be > 0", Describe());
      return !(shape > 0) || !std::isfinite(shape) ? fmt::format("{}: alpha must be > 0", Describe())
                                                   : std::string();
  }
  return "unknown distribution kind";
}

}  // namespace leasesim::sim
