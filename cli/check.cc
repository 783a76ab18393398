// check.cc — `leasesim check`: run a suite of scenarios for CI.
//
// Discovery, loading and runs: harness/check/suite.h; the second pass of --determinism:
// harness/check/determinism_check.h; the table, summary, failure details and JUnit cases:
// harness/check/suite_report.h. Exit code: the highest that applies of 1 (an expectation failed),
// 2 (bad input: a path or scenario file, or the JUnit file cannot be written) and 4
// (nondeterminism); 0 when every scenario passed.
#include <algorithm>
#include <ostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "harness/check/determinism_check.h"
#include "harness/check/junit.h"
#include "harness/check/suite.h"
#include "harness/check/suite_report.h"

namespace leasesim::sim {

int CheckCommand(const CheckArgs& a, const WallClock& wall, std::ostream& out, std::ostream& err) {
  const std::vector<std::string> paths = a.paths.empty() ? std::vector<std::string>{"scenarios"} : a.paths;
  int code = kExitPass;
  const SuiteSelection sel = DiscoverSuite(paths, a.filter);
  for (const std::string& e : sel.errors) {
    err << "leasesim: " << e << "\n";
    code = kExitBadInput;
  }
  for (const std::string& note : sel.skipped) err << "leasesim: note: " << note << "\n";
  if (sel.files.empty()) {
    if (sel.errors.size() == paths.size()) return kExitBadInput;  // every path was named above
    err << fmt::format("leasesim: check: no scenario files under {}{}\n", fmt::join(paths, " "),
                       a.filter.empty() ? "" : fmt::format(" match --filter {}", a.filter));
    return kExitBadInput;
  }

  // The JUnit destination is checked before any scenario runs.
  if (std::string error; !PrepareOutputFile(a.junit, &error)) {
    err << "leasesim: " << error << "\n";
    return kExitBadInput;
  }
  const std::vector<SuiteCase> cases = LoadSuite(sel.files, a.jobs);
  const std::vector<SuiteCaseResult> results =
      RunSuite(cases, {.jobs = a.jobs, .reverse = false, .perturb_order = a.test_perturb_order, .wall = wall});
  std::vector<DeterminismResult> det;
  if (a.determinism) {
    det = CheckDeterminism(cases, results, {.jobs = a.jobs, .perturb_order = a.test_perturb_order, .wall = wall});
  }

  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ran()) {
      code = std::max(code, kExitBadInput);
    } else if (!results[i].passed) {
      code = std::max(code, kExitExpectationFailed);
    }
    if (i < det.size() && det[i].mismatch()) code = kExitNondeterminism;
  }

  const SuiteReportContext ctx{.test_perturb_order = a.test_perturb_order, .program = a.program};
  if (!a.quiet) out << SuiteTable(results, det);
  out << SuiteSummary(results, det) << "\n";
  out << SuiteFailures(results, det, ctx) << std::flush;

  if (!a.junit.empty()) {
    std::string error;
    if (!WriteFileAtomically(a.junit, JunitXml(SuiteJunit(results, det, ctx)), &error)) {
      err << "leasesim: " << error << "\n";
      code = std::max(code, kExitBadInput);
    }
  }
  return code;
}

}  // namespace leasesim::sim
