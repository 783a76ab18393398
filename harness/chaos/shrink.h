// shrink.h — delta debugging of a failing chaos run down to a minimal scenario.
//
// Zeller and Hildebrandt's ddmin ("Simplifying and Isolating Failure-Inducing Input",
// TSE 2002) over the drawn faults (the base's background faults stay), then each
// remaining fault simplified (all faults moved earlier together, then each one shorter,
// smaller and earlier), then the run cut to just past the failure, then candidates that
// no fault names dropped. A change is kept only when the same failure class (property +
// cause kind) still occurs. Every step is a run of the simulator, so the result is a pure
// function of the inputs; `budget` bounds the number of runs (not wall time).
//
//   sim::ShrinkResult s = sim::ShrinkFailure(spec, run.scenario, "noSplitBrain:clock_rate", 500);
//   s.scenario   // the shrunk scenario JSON (no "expect"), s.faults_after <= s.faults_before
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/chaos/properties.h"
#include "harness/chaos/spec.h"

namespace leasesim::sim {

// kDefaultShrinkBudget is the default number of runs a shrink may spend per failure class.
inline constexpr int64_t kDefaultShrinkBudget = 400;

// ShrinkResult: the shrunk scenario and its size before and after (drawn faults only,
// the background excluded), the runs spent, and the failure as the last kept run showed it.
struct ShrinkResult {
  nlohmann::json scenario;
  int64_t faults_before = 0;
  int64_t faults_after = 0;
  Duration duration_before{0};
  Duration duration_after{0};
  int64_t candidates_before = 0;
  int64_t candidates_after = 0;
  int64_t runs = 0;
  bool budget_exhausted = false;
  ChaosFailure failure;
};

// ClassHolds runs `scenario` (JSON) and says whether it fails with class `cls`
// ("<property>:<cause>"); `*failure` gets that failure. A scenario that does not load
// does not hold.
bool ClassHolds(const ChaosSpec& spec, const nlohmann::json& scenario, const std::string& cls, ChaosFailure* failure);

// ShrinkFailure shrinks `scenario` (a generated run that fails with `cls`).
ShrinkResult ShrinkFailure(const ChaosSpec& spec, const nlohmann::json& scenario, const std::string& cls, int64_t budget);

}  // namespace leasesim::sim
