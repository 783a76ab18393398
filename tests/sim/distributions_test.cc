// Tests for sim::Distribution: sample statistics against the textbook formulas over 1e5
// draws from a fixed seed, reproducibility, clipping, Mean, Describe and Problem.
#include "sim/distributions.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/prng.h"

using leasesim::core::Prng;
using leasesim::sim::Distribution;
using leasesim::sim::Duration;
using namespace std::chrono_literals;

namespace {

constexpr int kSamples = 100'000;
constexpr uint64_t kSeed = 20260101;

struct Stats {
  std::vector<double> sorted_ns;
  double mean_ns = 0;
  double stddev_ns = 0;
  double Quantile(double q) const { return sorted_ns[static_cast<std::size_t>(q * (sorted_ns.size() - 1))]; }
  double FractionBelow(double x) const {
    return static_cast<double>(std::lower_bound(sorted_ns.begin(), sorted_ns.end(), x) - sorted_ns.begin()) /
           static_cast<double>(sorted_ns.size());
  }
};

Stats Draw(const Distribution& d, const char* stream) {
  Prng rng = Prng::Stream(kSeed, stream);
  Stats s;
  s.sorted_ns.reserve(kSamples);
  double sum = 0;
  for (int i = 0; i < kSamples; ++i) {
    const Duration x = d.Sample(rng);
    REQUIRE(x >= Duration{0});
    s.sorted_ns.push_back(static_cast<double>(x.count()));
    sum += s.sorted_ns.back();
  }
  s.mean_ns = sum / kSamples;
  double sq = 0;
  for (double x : s.sorted_ns) sq += (x - s.mean_ns) * (x - s.mean_ns);
  s.stddev_ns = std::sqrt(sq / (kSamples - 1));
  std::sort(s.sorted_ns.begin(), s.sorted_ns.end());
  return s;
}

double Ns(Duration d) { return static_cast<double>(d.count()); }
double Phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

}  // namespace

TEST_CASE("constant returns its value and draws nothing", "[sim][distributions]") {
  Prng rng(7);
  const Prng before = rng;
  const Distribution d = Distribution::Constant(1500us);
  for (int i = 0; i < 10; ++i) CHECK(d.Sample(rng) == 1500us);
  Prng untouched = before;
  CHECK(rng.Next() == untouched.Next());
  CHECK(d.Mean() == 1500us);
}

TEST_CASE("samples are reproducible for a seed and differ between streams", "[sim][distributions]") {
  for (const Distribution& d : {Distribution::Uniform(1ms, 5ms), Distribution::Normal(10ms, 2ms),
                                Distribution::LogNormal(10ms, 0.5), Distribution::Exponential(3ms),
                                Distribution::Pareto(1ms, 1.5)}) {
    CAPTURE(d.Describe());
    Prng a = Prng::Stream(kSeed, "net/a/request");
    Prng b = Prng::Stream(kSeed, "net/a/request");
    Prng c = Prng::Stream(kSeed, "net/b/request");
    int differ = 0;
    for (int i = 0; i < 1000; ++i) {
      const Duration x = d.Sample(a);
      CHECK(x == d.Sample(b));
      differ += x != d.Sample(c);
    }
    CHECK(differ > 900);
  }
}

TEST_CASE("uniform samples integers from a up to but excluding b", "[sim][distributions]") {
  const Distribution d = Distribution::Uniform(1ms, 5ms);
  const Stats s = Draw(d, "uniform");
  CHECK(s.sorted_ns.front() >= Ns(1ms));
  CHECK(s.sorted_ns.back() < Ns(5ms));
  CHECK(s.mean_ns == Approx(Ns(d.Mean())).epsilon(0.01));
  CHECK(Ns(d.Mean()) == Approx(3e6).margin(1));
  CHECK(s.stddev_ns == Approx(Ns(4ms) / std::sqrt(12.0)).epsilon(0.02));
  CHECK(s.Quantile(0.25) == Approx(2e6).epsilon(0.02));
  // Degenerate [a, a) is the constant a.
  Prng rng(1);
  CHECK(Distribution::Uniform(2ms, 2ms).Sample(rng) == 2ms);
}

TEST_CASE("normal matches mean, stddev and quantiles", "[sim][distributions]") {
  const Distribution d = Distribution::Normal(10ms, 2ms);
  const Stats s = Draw(d, "normal");
  CHECK(s.mean_ns == Approx(1e7).epsilon(0.005));
  CHECK(s.stddev_ns == Approx(2e6).epsilon(0.02));
  CHECK(s.Quantile(0.5) == Approx(1e7).epsilon(0.005));
  CHECK(s.FractionBelow(Ns(12ms)) == Approx(Phi(1.0)).margin(0.01));
  CHECK(s.FractionBelow(Ns(6ms)) == Approx(Phi(-2.0)).margin(0.005));
  CHECK(d.Mean() == 10ms);  // clipping at 0 is 5 sigma away: no visible effect
}

TEST_CASE("normal is clipped at zero and Mean accounts for it", "[sim][distributions]") {
  const Distribution d = Distribution::Normal(1ms, 2ms);
  const Stats s = Draw(d, "normal/clipped");
  CHECK(s.sorted_ns.front() == 0);
  CHECK(s.FractionBelow(1) == Approx(Phi(-0.5)).margin(0.01));  // P(X <= 0)
  CHECK(Ns(d.Mean()) > Ns(1ms));
  CHECK(s.mean_ns == Approx(Ns(d.Mean())).epsilon(0.02));
}

TEST_CASE("log-normal has the given median and mean", "[sim][distributions]") {
  const Distribution d = Distribution::LogNormal(10ms, 0.5);
  const Stats s = Draw(d, "lognormal");
  CHECK(s.Quantile(0.5) == Approx(1e7).epsilon(0.01));
  CHECK(Ns(d.Mean()) == Approx(1e7 * std::exp(0.125)).margin(0.5));  // rounded to ns
  CHECK(s.mean_ns == Approx(Ns(d.Mean())).epsilon(0.01));
  // ln X ~ N(ln median, sigma): P(X < median * e^sigma) = Phi(1).
  CHECK(s.FractionBelow(1e7 * std::exp(0.5)) == Approx(Phi(1.0)).margin(0.01));
}

TEST_CASE("exponential by inversion", "[sim][distributions]") {
  const Distribution d = Distribution::Exponential(3ms);
  const Stats s = Draw(d, "exponential");
  CHECK(s.mean_ns == Approx(3e6).epsilon(0.02));
  CHECK(s.stddev_ns == Approx(3e6).epsilon(0.03));
  CHECK(s.Quantile(0.5) == Approx(3e6 * std::log(2.0)).epsilon(0.02));
  CHECK(s.FractionBelow(Ns(6ms)) == Approx(1 - std::exp(-2.0)).margin(0.005));
  CHECK(d.Mean() == 3ms);
}

TEST_CASE("pareto by inversion has the heavy tail", "[sim][distributions]") {
  const Distribution d = Distribution::Pareto(1ms, 3.0);
  const Stats s = Draw(d, "pareto");
  CHECK(s.sorted_ns.front() >= Ns(1ms));
  CHECK(Ns(d.Mean()) == Approx(1.5e6).margin(1));
  CHECK(s.mean_ns == Approx(1.5e6).epsilon(0.01));
  // Survival function (scale / x)^alpha.
  CHECK(1 - s.FractionBelow(Ns(2ms)) == Approx(0.125).margin(0.005));
  CHECK(1 - s.FractionBelow(Ns(4ms)) == Approx(1.0 / 64).margin(0.002));
  // alpha <= 1: infinite mean.
  CHECK(Distribution::Pareto(1ms, 1.0).Mean() == Duration::max());
  CHECK(Distribution::Pareto(1ms, 0.5).Mean() == Duration::max());
}

TEST_CASE("extreme samples are capped, never overflow", "[sim][distributions]") {
  // alpha = 0.05: (1 - u)^-20 overflows a 64-bit ns count for most draws.
  const Distribution d = Distribution::Pareto(1s, 0.05);
  Prng rng = Prng::Stream(kSeed, "pareto/extreme");
  int capped = 0;
  for (int i = 0; i < 1000; ++i) {
    const Duration x = d.Sample(rng);
    CHECK(x >= 1s);
    CHECK(x <= Duration{int64_t{1} << 62});
    capped += x == Duration{int64_t{1} << 62};
  }
  CHECK(capped > 0);
}

TEST_CASE("the inline constant and uniform draws equal the general path, draw for draw", "[sim][distributions]") {
  // Sample's inline cases must give exactly SampleSlow's value and leave the stream in the
  // same state, including parameters the general path clips (negative, beyond 2^62).
  constexpr int64_t kMax = Distribution::kMaxSampleNs;
  const std::vector<Distribution> dists = {
      Distribution::Constant(0s),
      Distribution::Constant(1500us),
      Distribution::Constant(Duration{-5}),
      Distribution::Constant(Duration{kMax + 7}),
      Distribution::Uniform(1ms, 5ms),
      Distribution::Uniform(0s, Duration{1}),
      Distribution::Uniform(Duration{kMax - 3}, Duration{kMax}),
      Distribution::Uniform(Duration{kMax - 3}, Duration{kMax + 9}),
      Distribution::Uniform(Duration{-10}, Duration{10}),
      Distribution::Uniform(5ms, 5ms),
      Distribution::Uniform(5ms, 1ms),
  };
  for (std::size_t i = 0; i < dists.size(); ++i) {
    CAPTURE(i);
    Prng fast = Prng::Stream(kSeed, "inline"), slow = fast;
    for (int k = 0; k < 1000; ++k) {
      const Duration x = dists[i].Sample(fast);
      REQUIRE(x == dists[i].SampleSlow(slow));
      REQUIRE(x >= Duration{0});
      REQUIRE(x <= Duration{kMax});
    }
    CHECK(fast.Next() == slow.Next());
  }
}

TEST_CASE("Describe gives a short human form", "[sim][distributions]") {
  CHECK(Distribution::Constant(1ms).Describe() == "constant(1ms)");
  CHECK(Distribution::Uniform(1ms, 5ms).Describe() == "uniform(1ms, 5ms)");
  CHECK(Distribution::Normal(10ms, 2500us).Describe() == "normal(mean=10ms, stddev=2.5ms)");
  CHECK(Distribution::LogNormal(10ms, 0.5).Describe() == "lognormal(median=10ms, sigma=0.5)");
  CHECK(Distribution::Exponential(90s).Describe() == "exponential(mean=1m30s)");
  CHECK(Distribution::Pareto(250us, 1.5).Describe() == "pareto(scale=250µs, alpha=1.5)");  // Go prints µs
  CHECK(Distribution::Constant(0s).Describe() == "constant(0s)");
  CHECK(Distribution::Constant(1h + 1ns).Describe() == "constant(1h0m0.000000001s)");
  CHECK(Distribution::Constant(15s).Describe() == "constant(15s)");
  CHECK(Distribution::Constant(1001us).Describe() == "constant(1.001ms)");
  CHECK(Distribution::Constant(999ns).Describe() == "constant(999ns)");
  CHECK(Distribution::Constant(-2s).Describe() == "constant(-2s)");
}

TEST_CASE("Problem names invalid parameters", "[sim][distributions]") {
  CHECK(Distribution::Uniform(1ms, 5ms).Problem().empty());
  CHECK(Distribution::Pareto(1ms, 1.5).Problem().empty());
  CHECK(Distribution::Constant(-1ms).Problem() == "constant(-1ms) must not be negative");
  CHECK(Distribution::Uniform(5ms, 1ms).Problem() == "uniform(5ms, 1ms): the upper bound is below the lower bound");
  CHECK_FALSE(Distribution::Normal(1ms, -1ms).Problem().empty());
  CHECK_FALSE(Distribution::LogNormal(1ms, -0.1).Problem().empty());
  CHECK_FALSE(Distribution::Pareto(1ms, 0).Problem().empty());
  CHECK_FALSE(Distribution::Pareto(0ms, 2).Problem().empty());
}
