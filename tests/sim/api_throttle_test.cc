// api_throttle_test.cc — the API-server throttle from the scenario file to the run: a float
// `qps` and an integer `burst` (client-go's flowcontrol token bucket, sim/token_bucket.h),
// on `apiserver` and on the `apiserver_throttle` fault.
#include <catch2/catch.hpp>

#include "sim/runner.h"

using namespace leasesim::sim;
using namespace std::chrono_literals;

namespace {

Scenario Parse(const std::string& text) {
  std::string err;
  auto s = ParseScenario(text, "inline.json", &err);
  INFO(err);
  REQUIRE(s.has_value());
  return *s;
}

std::string ParseError(const std::string& text) {
  std::string err;
  CHECK_FALSE(ParseScenario(text, "inline.json", &err).has_value());
  return err;
}

uint64_t Count429(const RunResult& r) {
  auto it = r.results.api.responses.find(429);
  return it == r.results.api.responses.end() ? 0 : it->second;
}

}  // namespace

TEST_CASE("issue15 item 2: apiserver.qps keeps its fraction and burst is accepted", "[sim][scenario]") {
  Scenario s = Parse(R"({"name": "t", "duration": "1m", "candidates": [{"name": "a"}],
                         "apiserver": {"qps": 0.5, "burst": 3}})");
  CHECK(s.apiserver.qps == 0.5);
  CHECK(s.apiserver.burst == 3);
  // Without burst: max(1, floor(qps)).
  CHECK(Parse(R"({"name": "t", "duration": "1m", "candidates": [{"name": "a"}], "apiserver": {"qps": 0.5}})")
            .apiserver.burst == 1);
  CHECK(Parse(R"({"name": "t", "duration": "1m", "candidates": [{"name": "a"}], "apiserver": {"qps": 7.9}})")
            .apiserver.burst == 7);
  Scenario f = Parse(R"({"name": "t", "duration": "1m", "candidates": [{"name": "a"}],
                         "faults": [{"at": "1s", "kind": "apiserver_throttle", "qps": 0.9, "burst": 2}]})");
  REQUIRE(f.faults.size() == 1);
  CHECK(f.faults[0].qps == 0.9);
  CHECK(f.faults[0].burst == 2);
  CHECK_THAT(ParseError(R"({"name": "t", "duration": "1m", "candidates": [{"name": "a"}], "apiserver": {"qps": 1, "burst": 0}})"),
             Catch::Contains("$.apiserver.burst"));
  CHECK_THAT(ParseError(R"({"name": "t", "duration": "1m", "candidates": [{"name": "a"}], "apiserver": {"qps": 1, "burst": 1.5}})"),
             Catch::Contains("$.apiserver.burst"));
}

TEST_CASE("issue15 item 2: a fractional qps throttles a run (apiserver.qps 0.5 and an apiserver_throttle fault with qps 0.9)",
          "[sim][run]") {
  // Three candidates retrying every 2s send about 1.5 requests/s: well above 0.5 and 0.9.
  const std::string base = R"({"name": "t", "seed": 1, "duration": "2m",
      "candidates": [{"name": "a"}, {"name": "b"}, {"name": "c"}])";
  const RunResult unthrottled = RunScenario(Parse(base + "}"), {});
  CHECK(Count429(unthrottled) == 0);
  const RunResult half = RunScenario(Parse(base + R"(, "apiserver": {"qps": 0.5}})"), {});
  CHECK(Count429(half) > 0);
  const RunResult fault = RunScenario(
      Parse(base + R"(, "faults": [{"at": "30s", "for": "30s", "kind": "apiserver_throttle", "qps": 0.9}]})"), {});
  CHECK(Count429(fault) > 0);
  // A larger burst lets more through than burst 1 at the same rate.
  const RunResult burst = RunScenario(Parse(base + R"(, "apiserver": {"qps": 0.5, "burst": 20}})"), {});
  CHECK(Count429(burst) < Count429(half));
}
