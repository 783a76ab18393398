// generate.cc — GenerateRun: swarm selection and fault draws on named PRNG streams.
#include "harness/chaos/generate.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/prng.h"
#include "sim/go_duration.h"

namespace leasesim::sim {
namespace {

using nlohmann::json;

constexpr int64_t kMs = 1'000'000;

double Draw(core::Prng& rng, const ChaosRange& r) {
  const double u = rng.Float64();
  if (r.lo == r.hi) return r.lo;
  if (r.log_uniform) return std::exp(std::log(r.lo) + (std::log(r.hi) - std::log(r.lo)) * u);
  return r.lo + (r.hi - r.lo) * u;
}

// DrawMs is a duration range drawn and rounded to whole milliseconds.
int64_t DrawMs(core::Prng& rng, const ChaosRange& r) {
  return static_cast<int64_t>(std::llround(Draw(rng, r) / static_cast<double>(kMs))) * kMs;
}

int64_t DrawInt(core::Prng& rng, const ChaosRange& r) {
  const auto lo = static_cast<int64_t>(std::ceil(r.lo)), hi = static_cast<int64_t>(std::floor(r.hi));
  if (hi <= lo) return lo;
  return lo + static_cast<int64_t>(rng.Uniform(static_cast<uint64_t>(hi - lo + 1)));
}

// Poisson draws a count with mean `mean` (Knuth's product of uniforms, in chunks of
// mean <= 30 so that exp(-mean) never underflows).
int64_t Poisson(core::Prng& rng, double mean) {
  int64_t n = 0;
  while (mean > 0) {
    const double m = std::min(mean, 30.0);
    mean -= m;
    const double limit = std::exp(-m);
    double p = 1;
    for (;;) {
      p *= rng.Float64();
      if (p <= limit) break;
      ++n;
    }
  }
  return n;
}

std::string Dur(int64_t ns) { return FormatGoDuration(Duration{ns}); }

double Round(double v, double unit) { return std::round(v / unit) * unit; }

struct Drawn {
  int64_t at_ns;
  size_t family;
  size_t order;
  json fault;
};

}  // namespace

std::string ChaosRunName(const ChaosSpec& spec, uint64_t seed) { return fmt::format("{}/seed-{}", spec.name, seed); }

ChaosRun GenerateRun(const ChaosSpec& spec, int64_t index) {
  ChaosRun run;
  run.index = index;
  run.seed = spec.SeedFor(index);
  core::Prng swarm = core::Prng::Stream(run.seed, "chaos/swarm");
  const int64_t heal = spec.heal_at.count();
  std::vector<Drawn> drawn;
  for (size_t fi = 0; fi < spec.families.size(); ++fi) {
    const FaultFamily& fam = spec.families[fi];
    // Swarm testing: each family is on with probability 1/2, drawn for every family in
    // order whether swarm is on or not would perturb nothing; only swarm draws.
    if (spec.swarm && !swarm.Bernoulli(1, 2)) continue;
    run.families.push_back(fam.name);
    core::Prng rng = core::Prng::Stream(run.seed, "chaos/family/" + fam.name);
    const int64_t n = fam.count ? DrawInt(rng, *fam.count)
                                : Poisson(rng, fam.rate_per_hour * static_cast<double>(heal) / 3.6e12);
    for (int64_t k = 0; k < n; ++k) {
      const ChaosRange at_range = fam.at.value_or(ChaosRange{0, static_cast<double>(heal - kMs), false});
      int64_t at = std::clamp<int64_t>(DrawMs(rng, at_range), 0, heal - kMs);
      json f = {{"kind", std::string(FaultKindName(fam.kind))}, {"at", Dur(at)}};
      if (fam.for_) {
        const int64_t d = std::clamp<int64_t>(DrawMs(rng, *fam.for_), kMs, heal - at);
        f["for"] = Dur(d);
      }
      if (IsNodeFault(fam.kind)) {
        const std::string& t = fam.targets[static_cast<size_t>(rng.Uniform(fam.targets.size()))];
        f["node"] = t == "@any" ? spec.nodes[static_cast<size_t>(rng.Uniform(spec.nodes.size()))] : t;
      }
      if (!fam.modes.empty()) f["mode"] = fam.modes[static_cast<size_t>(rng.Uniform(fam.modes.size()))];
      switch (fam.kind) {
        case FaultKind::kLatency: f["delay"] = Dur(DrawMs(rng, *fam.magnitude)); break;
        case FaultKind::kApiServerLatency: f["latency"] = Dur(DrawMs(rng, *fam.magnitude)); break;
        case FaultKind::kLoss: f["ratio"] = Round(Draw(rng, *fam.magnitude), 0.001); break;
        case FaultKind::kApiServerErrors:
          f["ratio"] = Round(Draw(rng, *fam.magnitude), 0.001);
          f["code"] = fam.codes[static_cast<size_t>(rng.Uniform(fam.codes.size()))];
          break;
        case FaultKind::kClockStep: f["by"] = Dur(DrawMs(rng, *fam.magnitude)); break;
        case FaultKind::kClockDrift: f["driftPpm"] = DrawInt(rng, *fam.magnitude); break;
        case FaultKind::kClockSlew: {
          int64_t by = DrawMs(rng, *fam.magnitude);
          if (by == 0) by = kMs;
          f["by"] = Dur(by);
          f["ratePpm"] = DrawInt(rng, *fam.rate_ppm);
          break;
        }
        case FaultKind::kApiServerThrottle:
          f["qps"] = std::max(0.01, Round(Draw(rng, *fam.magnitude), 0.01));
          f["retryAfter"] = Dur(DrawMs(rng, *fam.retry_after));
          break;
        default: break;
      }
      drawn.push_back({at, fi, static_cast<size_t>(k), std::move(f)});
    }
  }
  std::sort(drawn.begin(), drawn.end(), [](const Drawn& a, const Drawn& b) {
    return std::tie(a.at_ns, a.family, a.order) < std::tie(b.at_ns, b.family, b.order);
  });
  run.scenario = spec.base;
  run.scenario["name"] = ChaosRunName(spec, run.seed);
  run.scenario["seed"] = run.seed;
  json faults = spec.base.contains("faults") ? spec.base["faults"] : json::array();
  for (Drawn& d : drawn) faults.push_back(std::move(d.fault));
  run.scenario["faults"] = std::move(faults);
  run.faults = static_cast<int64_t>(drawn.size());
  return run;
}

}  // namespace leasesim::sim
