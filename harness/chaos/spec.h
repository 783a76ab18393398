// spec.h — chaos files: a base cluster, a fault model, the properties that define a
// failure and the number of seeds, loaded into a validated ChaosSpec (docs/chaos.md).
//
// A chaos file is JSON with comments, or YAML when its name ends in .yaml/.yml
// (sim/document_input.h), with camelCase keys and the scenario loader's one-line errors
// (`<file>: <json path>: <problem>`, sim/json_input.h; YAML: `<file>: line L: <json path>:
// <problem>`). A base given as a path is read as JSON or YAML by its extension. Its top-level
// `"kind": "chaos"` marks it, so `leasesim check` can tell it from a scenario.
//
//   std::string err;
//   auto spec = sim::LoadChaosFile("scenarios/chaos/operator-15s-10s-2s.json", &err);
//   if (!spec) { std::cerr << err << "\n"; return 2; }   // one line:
//   // x.json: $.faults[2].for.max: invalid duration "1": time: missing unit in duration "1"
//
// The model (TigerBeetle's VOPR: a faulty safety phase, then every fault healed and
// liveness required; swarm testing, Groce et al. ISSTA 2012): each family of `faults`
// draws a number of faults per run, each at a uniform time before `liveness.healAt`, with
// magnitudes and durations drawn from ranges, on a target node chosen among `targets`.
// Every drawn fault ends by `healAt`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/oracles.h"
#include "sim/scenario.h"

namespace leasesim::sim {

// ChaosRange is a value drawn per fault: uniform in [lo, hi] ("dist": "uniform", the
// default) or log-uniform ("logUniform", for durations spanning decades). Durations are
// nanoseconds; a single value in the file is the constant range [v, v].
struct ChaosRange {
  double lo = 0;
  double hi = 0;
  bool log_uniform = false;
};

// FaultFamily is one entry of the chaos file's `faults`: a fault kind and how its faults
// are drawn. `name` is "<kind>" or the entry's "name" (unique), shown in runs.csv.
struct FaultFamily {
  std::string name;
  FaultKind kind = FaultKind::kCrash;
  // How many faults per run: `count` (a range of integers) or `rate` per hour of the
  // safety phase (Poisson), exactly one of them.
  std::optional<ChaosRange> count;
  double rate_per_hour = 0;
  std::optional<ChaosRange> at;    // default [0, healAt)
  std::optional<ChaosRange> for_;  // required for every kind that lasts (all but restart, clock_step, clock_slew)
  // targets: node names or roles ("@any" = one candidate at random, resolved when the run
  // is generated; "@leader"/"@follower" are passed to the scenario, which resolves them
  // at the fault's start). Default ["@any"].
  std::vector<std::string> targets;
  std::vector<std::string> modes;  // partition: symmetric|requests|responses; apiserver_outage: drop|refuse
  std::vector<int> codes;          // apiserver_errors: 500|503|504
  std::optional<ChaosRange> magnitude;    // delay / latency (ns), ratio, by (ns), driftPpm, qps
  std::optional<ChaosRange> rate_ppm;     // clock_slew
  std::optional<ChaosRange> retry_after;  // apiserver_throttle (ns)
};

// ChaosPropertyKind is one property of `properties`; its camelCase name is the key.
enum class ChaosPropertyKind : uint8_t {
  kNoSplitBrain,              // true | {excuse}
  kFailoverAtMost,            // "30s" | {within, after: [fault kinds], isolated, excuse}
  kNoLeaderGapAtMost,         // "40s" | {maxGap, after: duration, excuse}
  kTransitionsPerHourAtMost,  // N | {count, excuse}
  kInvariants,                // true | {excuse}: no invariant breach (sim/invariants.h)
  kLiveness,                  // implied by `liveness`: a leader by healAt + leaderWithin and always after
};
std::string_view ChaosPropertyName(ChaosPropertyKind k);

// ChaosProperty is one property that defines a failure. `excuse` lists split-brain cause
// kinds the fault model makes unavoidable by design: split-brain intervals with those
// causes are not failures of noSplitBrain, and a run that has one does not fail the
// other properties either (its leadership is already out of client-go's contract).
struct ChaosProperty {
  ChaosPropertyKind kind = ChaosPropertyKind::kNoSplitBrain;
  Duration within{0};                    // failoverAtMost
  std::vector<std::string> after_kinds;  // failoverAtMost: only faults of these kinds (empty = all)
  bool isolated = false;                 // failoverAtMost: only faults that start while no other fault is active
  Duration max_gap{0};                   // noLeaderGapAtMost
  Duration after{0};                     // noLeaderGapAtMost: ignore gaps before this time
  double per_hour = 0;                   // transitionsPerHourAtMost
  std::vector<SplitBrainCause> excuse;
};

// ChaosSpec is one validated chaos file.
struct ChaosSpec {
  std::string file;       // as given (messages, outputs)
  std::string name;       // "name" or the file's stem: prefixes every generated scenario's name
  std::string description;
  std::string base_file;  // the base scenario's path as written, "" when inline
  nlohmann::json base;    // the base scenario JSON ("expect" removed, "duration" set)
  int base_faults = 0;    // the base's own faults, kept in every run as a fixed background
  std::vector<std::string> nodes;  // candidate names of the base, in order
  Duration duration = std::chrono::minutes(30);
  Duration heal_at = std::chrono::minutes(25);
  Duration leader_within = std::chrono::minutes(1);
  std::vector<FaultFamily> families;
  bool swarm = false;
  std::vector<ChaosProperty> properties;  // in ChaosPropertyKind order, liveness last
  int64_t seeds = 100;
  uint64_t seed = 1;      // run k (0-based) uses seed `seed + k`
  nlohmann::json source;  // the file's JSON as read (CanonicalChaosJson)

  // SeedFor is the scenario seed of run index k.
  uint64_t SeedFor(int64_t k) const { return seed + static_cast<uint64_t>(k); }
};

// kMaxChaosSeeds bounds `seeds` (and --seeds).
inline constexpr int64_t kMaxChaosSeeds = 100'000'000;

// kMaxChaosFaultsPerRun bounds the mean number of faults one run draws (the sum over the
// families of `count`'s maximum or `rate` x liveness.healAt).
inline constexpr int64_t kMaxChaosFaultsPerRun = 100'000;

// IsChaosJson is true for a top-level object with "kind": "chaos" (how `leasesim check`
// recognises a chaos file among scenarios).
bool IsChaosJson(const nlohmann::json& root);

// ParseChaos parses chaos JSON `text`; `file` names it in messages and anchors a relative
// base path. nullopt and a one-line `*err` on any problem (a bad base names the base file).
std::optional<ChaosSpec> ParseChaos(std::string_view text, std::string_view file, std::string* err);

// LoadChaosFile reads and parses the chaos file at `path`.
std::optional<ChaosSpec> LoadChaosFile(const std::filesystem::path& path, std::string* err);

// CanonicalChaosJson is `spec` as a self-contained chaos file (base inline). ParseChaos of
// its dump gives an equal spec: shard manifests carry it for `leasesim merge`.
nlohmann::json CanonicalChaosJson(const ChaosSpec& spec);

}  // namespace leasesim::sim
