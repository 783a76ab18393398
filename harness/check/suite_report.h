// suite_report.h — what `leasesim check` prints and writes about a suite run: the table,
// the summary line, the failure details and the JUnit test cases.
//
// Everything here is a pure function of the results (in discovery order), so the output
// is the same for every --jobs value; only the wall-time column differs between runs.
//
//   out << sim::SuiteTable(results, det) << sim::SuiteSummary(results, det) << "\n"
//       << sim::SuiteFailures(results, det, ctx);
//   std::string xml = sim::JunitXml(sim::SuiteJunit(results, det, ctx));
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/check/determinism_check.h"
#include "harness/check/junit.h"
#include "harness/check/suite.h"

namespace leasesim::sim {

// SuiteReportContext: how the suite was run, for the reproduce commands of
// nondeterminism findings (`leasesim check PATH --determinism [--test-perturb-order N]`).
struct SuiteReportContext {
  uint64_t test_perturb_order = 0;
  // program: how reproduce commands name leasesim, e.g. "build/release/leasesim" when it
  // was invoked so (the command then works as printed from the same directory).
  std::string program = "leasesim";
};

// SuiteTable is the table, one row per scenario, columns: SCENARIO (path), VERDICT
// (PASS / FAIL / ERROR), SPLIT-BRAIN (total, s), NO-LEADER (longest gap, s), TRANSITIONS,
// FAILOVER (slowest, s; "-" when no fault disrupted leadership, "never" when one was not
// followed by a leader), WALL (s); with `det` non-empty also DETERMINISM ("same" or
// "DIFFERS"). `det` is empty or has one entry per result.
std::string SuiteTable(const std::vector<SuiteCaseResult>& results, const std::vector<DeterminismResult>& det);

// SuiteSummary is the one summary line without newline: "12 scenarios: 11 passed,
// 1 failed", then ", N bad input" and ", N nondeterministic" when there are any.
std::string SuiteSummary(const std::vector<SuiteCaseResult>& results, const std::vector<DeterminismResult>& det);

// SuiteFailures lists, for each failing scenario, its failed expectations (expect and
// actual) with the seed and the command that reproduces it; each bad input with its
// message; each nondeterministic scenario with both trace hashes and the first divergent
// event of both runs. Empty when everything passed. A run failed by an invariant breach
// lists it ("invariant lease_transitions breached at 317.240s on b: ..."), as does JUnit.
std::string SuiteFailures(const std::vector<SuiteCaseResult>& results, const std::vector<DeterminismResult>& det,
                          const SuiteReportContext& ctx);

// SuiteJunit is the JUnit suite "leasesim": classname = the scenario file's directory,
// name = its stem, time = wall seconds; a `<failure>` (type "expectation",
// "nondeterminism" or both joined by ",") whose message and text give the seed, each
// failed expectation and the reproduce command; an `<error type="bad_input">` with the
// loader's message.
JunitSuite SuiteJunit(const std::vector<SuiteCaseResult>& results, const std::vector<DeterminismResult>& det,
                      const SuiteReportContext& ctx);

}  // namespace leasesim::sim
