// generate.h — one chaos run from (chaos file, seed index) alone: a plain scenario with
// concrete faults.
//
// The run's scenario is the base (its own faults first, as a fixed background) plus the
// faults drawn from the fault model, sorted by time. Every draw comes from core/prng.h
// streams named after the seed and the family ("chaos/swarm", "chaos/family/<name>"), so
// adding a family never changes the faults another family draws, and a run never depends
// on which thread, shard or --jobs value generated it.
//
//   sim::ChaosRun run = sim::GenerateRun(spec, 41);   // seed spec.seed + 41
//   run.scenario  // scenario JSON: what a reproducer file holds (minus "expect")
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/chaos/spec.h"

namespace leasesim::sim {

// ChaosRun is one generated run. `families` are the enabled families' names (all of them
// unless swarm), `faults` the number of drawn faults (the base's background excluded).
struct ChaosRun {
  int64_t index = 0;
  uint64_t seed = 0;
  std::vector<std::string> families;
  int64_t faults = 0;
  nlohmann::json scenario;  // named "<chaos name>/seed-<seed>", "seed": seed
};

// GenerateRun draws run `index` (0 <= index < spec.seeds). Durations are whole
// milliseconds, ratios have 3 decimals; every fault ends by spec.heal_at.
ChaosRun GenerateRun(const ChaosSpec& spec, int64_t index);

// ChaosRunName is the generated scenario's name for seed `seed`.
std::string ChaosRunName(const ChaosSpec& spec, uint64_t seed);

}  // namespace leasesim::sim
