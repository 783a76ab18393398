// The world's fast paths (sim/world_testing.h) against its general code: every bundled
// scenario gives the same report, figure by figure, and the same trace hash with the fast
// paths on and off. The fast paths fire on nearly every request of these scenarios (each
// renewal's lease history check, each follower's healthz bookkeeping), and the scenarios
// take every other branch too (takeovers, releases, MultiLocks, healthz failures, the
// coordinated election controller's writes), so a shortcut that gives anything but the
// general code's result changes a hash here.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "sim/report.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/world_testing.h"

using namespace leasesim::sim;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kSource = LEASESIM_SOURCE_DIR;

// Report is the report of a run of `s` (its trace hash included), without real time.
json Report(const Scenario& s) {
  RunResult r = RunScenario(s, RunOptions{});
  json j = BuildReport(s, r.results, r.expectations, r.stats);
  j.erase("wallSeconds");
  return j;
}

struct FastPathsOn {
  ~FastPathsOn() { testing::SetWorldFastPaths(true); }
};

}  // namespace

TEST_CASE("world: the fast paths give every bundled scenario the report and trace hash of the general code",
          "[sim][world][slow]") {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(kSource / "scenarios")) {
    const std::string rel = fs::relative(e.path(), kSource / "scenarios").generic_string();
    if (e.is_regular_file() && e.path().extension() == ".json" && !rel.starts_with("chaos/")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() > 40);
  FastPathsOn restore;
  for (const fs::path& f : files) {
    std::string err;
    auto s = LoadScenarioFile(f, &err);
    INFO(f.string() << " " << err);
    REQUIRE(s.has_value());
    testing::SetWorldFastPaths(true);
    const json fast = Report(*s);
    testing::SetWorldFastPaths(false);
    const json general = Report(*s);
    REQUIRE(fast.contains("traceHash"));
    CHECK(fast["traceHash"] == general["traceHash"]);
    CHECK(fast == general);
  }
}
