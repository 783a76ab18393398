// Every bundled scenario's report, figure by figure, against a checked-in expected file:
// leaders and their intervals, split-brain and its causes, no-leader gaps, failovers,
// transitions, API counts by verb and code, watch fan-out and the expectations' verdicts.
// It guards speed work (issue 11): a faster simulator must reproduce every instant to the
// nanosecond (report times are doubles printed round-trip, so a 1 ns change shows).
//
// Left out: `wallSeconds` (real time), `traceHash` and `events` (they count the trace's
// and the scheduler's events, which a change in how a request is scheduled may change
// without changing any figure), and `scenarioFile` (the path as given).
//
// Regenerate after an intended change of figures (and say why in the commit):
//   LEASESIM_REWRITE_EXPECTED=1 build/release/tests/test_sim '[expected-reports]'
// (tests/data/expected-reports/README.md).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "sim/report.h"
#include "sim/runner.h"
#include "sim/scenario.h"

using namespace leasesim::sim;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kSource = LEASESIM_SOURCE_DIR;

std::vector<std::string> BundledScenarios() {
  std::vector<std::string> out;
  const fs::path root = kSource / "scenarios";
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const std::string rel = fs::relative(e.path(), root).generic_string();
    // scenarios/chaos/ holds chaos files (fault models), not scenarios (docs/chaos.md).
    if (e.is_regular_file() && e.path().extension() == ".json" && !rel.starts_with("chaos/")) {
      out.push_back(rel);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// ComparableReport is the report of `rel` (a path under scenarios/) without the fields
// that are not figures of the simulated run.
json ComparableReport(const std::string& rel) {
  std::string err;
  auto s = LoadScenarioFile(kSource / "scenarios" / rel, &err);
  INFO(err);
  REQUIRE(s.has_value());
  RunResult r = RunScenario(*s, RunOptions{});
  json j = BuildReport(*s, r.results, r.expectations, r.stats);
  j.erase("wallSeconds");
  j.erase("traceHash");
  j.erase("events");
  j.erase("scenarioFile");
  return j;
}

fs::path ExpectedPath(const std::string& rel) {
  std::string flat = rel;
  std::replace(flat.begin(), flat.end(), '/', '_');
  return kSource / "tests" / "data" / "expected-reports" / flat;
}

}  // namespace

TEST_CASE("every bundled scenario reports the expected figures", "[sim][expected-reports][slow]") {
  const bool rewrite = std::getenv("LEASESIM_REWRITE_EXPECTED") != nullptr;
  const std::vector<std::string> scenarios = BundledScenarios();
  REQUIRE(scenarios.size() >= 30);
  for (const std::string& rel : scenarios) {
    CAPTURE(rel);
    const json got = ComparableReport(rel);
    // Issue 14 item 6: the API counts add up; per verb, every request sent ended in one
    // outcome (a status code, or 0 = no response) or was still unanswered at the end.
    for (const auto& [verb, n] : got.at("api").at("requests").items()) {
      CAPTURE(verb);
      uint64_t ended = got.at("api").at("unanswered").value(verb, uint64_t{0});
      for (const auto& [code, k] : got.at("api").at("outcomes").at(verb).items()) ended += k.get<uint64_t>();
      CHECK(ended == n.get<uint64_t>());
    }
    const fs::path path = ExpectedPath(rel);
    if (rewrite) {
      std::ofstream out(path);
      out << got.dump(1) << '\n';
      REQUIRE(out.good());
      continue;
    }
    std::ifstream in(path);
    INFO("missing " << path.string() << ": regenerate with LEASESIM_REWRITE_EXPECTED=1");
    REQUIRE(in.good());
    const json want = json::parse(in);
    // A JSON Patch from the expected report to this run's: empty when every figure agrees.
    const json diff = json::diff(want, got);
    INFO("differences (JSON Patch, expected -> actual): " << diff.dump());
    CHECK(diff.empty());
  }
}
