// suite_report_test.cc — `leasesim check` lists a run's invariant breaches with its failure.
#include "harness/check/suite_report.h"

#include <catch2/catch.hpp>

using namespace leasesim::sim;

TEST_CASE("check: a run failed by an invariant breach lists the breach and the reproduce command",
          "[harness][check][invariants]") {
  SuiteCaseResult r;
  r.path = "scenarios/x.json";
  r.seed = 7;
  r.passed = false;
  r.invariant_breaches.push_back({"lease_transitions", kTrueEpoch + std::chrono::milliseconds(317240), "b",
                                  "holder changed a -> b but leaderTransitions went 0 -> 0 (expected 1)", {}});
  const std::string text = SuiteFailures({r}, {}, {});
  CHECK(text == "FAIL scenarios/x.json (seed 7)\n"
                "  invariant lease_transitions breached at 317.240s on b: holder changed a -> b but "
                "leaderTransitions went 0 -> 0 (expected 1)\n"
                "  reproduce: leasesim run scenarios/x.json --seed 7\n");
}
