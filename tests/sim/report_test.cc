// The --report JSON schema (every field present with the right type) and the summary
// text, for a hand-built run: a crash failover followed by a paused-leader split-brain.
#include "sim/report.h"

#include <catch2/catch.hpp>

using namespace leasesim::sim;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

TrueTime T(Duration d) { return kTrueEpoch + d; }
Interval I(Duration a, Duration b) { return {T(a), T(b)}; }

struct Fixture {
  Scenario scenario;
  OracleInput in;
  OracleResults results;
  std::vector<ExpectationResult> expect;
  RunStats stats{12345, 0.25, "9f3c2a0d1e5b7c44", 7};

  Fixture() {
    std::string err;
    auto s = ParseScenario(R"({
      "name": "report-fixture", "seed": 7, "duration": "10m",
      "candidates": [{"name": "a"}, {"name": "b"}],
      "faults": [{"at": "100s", "kind": "crash", "node": "a", "for": "60s"},
                 {"at": "300s", "kind": "pause", "node": "b", "for": "20s"}],
      "expect": [{"kind": "no_split_brain"}, {"kind": "leader_within", "after": 0, "within": "40s"}]})",
                           "fixture.json", &err);
    INFO(err);
    REQUIRE(s.has_value());
    scenario = *s;
    in.end = T(10min);
    NodeObservations a{.node = "a", .identity = "a"};
    a.believed = {I(2s, 100s), I(310s, 10min)};
    a.acting = a.believed;
    NodeObservations b{.node = "b", .identity = "b"};
    b.believed = {I(130s, 330s)};
    b.acting = {I(130s, 300s), I(320s, 330s)};
    b.paused = {I(300s, 320s)};
    in.nodes = {a, b};
    in.faults = FaultMarksOf(scenario);
    in.holder_changes = {{T(2s), "a"}, {T(130s), "b"}, {T(310s), "a"}};
    in.api.requests = {{"get", 400}, {"update", 290}, {"create", 1}};
    in.api.responses = {{200, 680}, {201, 1}, {409, 10}};
    in.api.outcomes = {{"get", {{0, 4}, {200, 395}}}, {"update", {{200, 280}, {409, 10}}}, {"create", {{201, 1}}}};
    in.api.unanswered = {{"get", 1}, {"update", 0}, {"create", 0}};
    results = RunOracles(in);
    expect = EvaluateExpectations(scenario.expect, in, results);
  }
};

void CheckIntervalPairs(const json& v) {
  REQUIRE(v.is_array());
  for (const json& p : v) {
    REQUIRE(p.is_array());
    REQUIRE(p.size() == 2);
    CHECK(p[0].is_number());
    CHECK(p[1].is_number());
    CHECK(p[0].get<double>() <= p[1].get<double>());
  }
}

}  // namespace

TEST_CASE("report: JSON schema", "[sim][report]") {
  Fixture f;
  json j = BuildReport(f.scenario, f.results, f.expect, f.stats);

  CHECK(j.at("scenario") == "report-fixture");
  CHECK(j.at("scenarioFile").is_string());
  CHECK(j.at("seed").is_number_unsigned());
  CHECK(j.at("seed") == 7);
  CHECK(j.at("clientGo") == "1.37");
  CHECK(j.at("simDurationSeconds").get<double>() == Approx(600.0));
  CHECK(j.at("events") == 12345);
  CHECK(j.at("wallSeconds").is_number());
  CHECK(j.at("traceHash") == "9f3c2a0d1e5b7c44");

  const json& leaders = j.at("leaders");
  REQUIRE(leaders.is_object());
  REQUIRE(leaders.size() == 2);
  for (const char* node : {"a", "b"}) {
    const json& n = leaders.at(node);
    CHECK(n.at("identity") == node);
    for (const char* k : {"believed", "acting", "paused", "unhealthy"}) CheckIntervalPairs(n.at(k));
  }
  CHECK(leaders.at("a").at("believed") == json::parse("[[2.0, 100.0], [310.0, 600.0]]"));

  const json& sb = j.at("splitBrain");
  CHECK(sb.at("totalSeconds").get<double>() == Approx(10.0));  // b resumes 320..330 while a leads
  CHECK(sb.at("maxSeconds").is_number());
  REQUIRE(sb.at("intervals").size() == 1);
  const json& sbi = sb.at("intervals")[0];
  CHECK(sbi.at("startSeconds").get<double>() == Approx(320.0));
  CHECK(sbi.at("endSeconds").get<double>() == Approx(330.0));
  CHECK(sbi.at("nodes") == json::array({"a", "b"}));
  CHECK(sbi.at("cause") == "process pause of b for 20s");
  CHECK(sbi.at("causeKind") == "process_pause");

  const json& nl = j.at("noLeader");
  CHECK(nl.at("totalSeconds").get<double>() == Approx(32.0));
  CHECK(nl.at("maxGapSeconds").get<double>() == Approx(30.0));
  REQUIRE(nl.at("intervals").is_array());
  for (const json& g : nl.at("intervals")) {
    CHECK(g.at("startSeconds").is_number());
    CHECK(g.at("endSeconds").is_number());
  }

  const json& tr = j.at("transitions");
  CHECK(tr.at("count") == 2);
  CHECK(tr.at("perHour").get<double>() == Approx(12.0));
  REQUIRE(tr.at("changes").size() == 2);
  CHECK(tr.at("changes")[0].at("from") == "a");
  CHECK(tr.at("changes")[0].at("to") == "b");
  CHECK(tr.at("changes")[0].at("atSeconds").is_number());

  const json& fo = j.at("failovers");
  REQUIRE(fo.size() == 2);
  CHECK(fo[0].at("fault") == 0);
  CHECK(fo[0].at("id") == "f0-crash");
  CHECK(fo[0].at("kind") == "crash");
  CHECK(fo[0].at("atSeconds").get<double>() == Approx(100.0));
  CHECK(fo[0].at("previousLeader") == "a");
  CHECK(fo[0].at("newLeader") == "b");
  CHECK(fo[0].at("newLeaderAtSeconds").get<double>() == Approx(130.0));
  CHECK(fo[0].at("failoverSeconds").get<double>() == Approx(30.0));
  CHECK(fo[0].at("disrupted") == true);
  for (const json& x : fo) {
    for (const char* k : {"previousLeader", "newLeader"}) CHECK((x.at(k).is_string() || x.at(k).is_null()));
    for (const char* k : {"newLeaderAtSeconds", "failoverSeconds"}) CHECK((x.at(k).is_number() || x.at(k).is_null()));
  }

  const json& api = j.at("api");
  CHECK(api.at("requests").at("get") == 400);
  CHECK(api.at("requests").at("update") == 290);
  CHECK(api.at("responses").at("409") == 10);
  CHECK(api.at("outcomes").at("get").at("0") == 4);
  CHECK(api.at("outcomes").at("update").at("409") == 10);
  CHECK(api.at("unanswered").at("get") == 1);
  CHECK(api.at("total") == 691);
  CHECK(api.at("perSecond").get<double>() == Approx(691.0 / 600.0));

  const json& ex = j.at("expectations");
  REQUIRE(ex.size() == 2);
  for (const json& e : ex) {
    CHECK(e.at("index").is_number_integer());
    CHECK(e.at("kind").is_string());
    CHECK(e.at("expect").is_string());
    CHECK(e.at("held").is_boolean());
    CHECK(e.at("actual").is_string());
  }
  CHECK(ex[0].at("kind") == "no_split_brain");
  CHECK(ex[0].at("held") == false);
  CHECK(ex[1].at("held") == true);
  CHECK(j.at("verdict") == "fail");
  CHECK(j.at("invariantBreaches") == json::array());

  // Nothing else: the schema is closed, so consumers can rely on it.
  CHECK(j.size() == 17);
}

TEST_CASE("report: an invariant breach is listed and fails the verdict", "[sim][report][invariants]") {
  Fixture f;
  f.expect.erase(f.expect.begin());  // every expectation holds
  const std::vector<InvariantBreach> breaches{{"lease_transitions", f.results.start + std::chrono::seconds(317), "b",
                                               "holder changed a -> b but leaderTransitions went 0 -> 0 (expected 1)",
                                               {"update of leases/kube-system/lock by b applied at 317.000s"}}};
  json j = BuildReport(f.scenario, f.results, f.expect, f.stats, breaches);
  CHECK(j.at("verdict") == "fail");
  REQUIRE(j.at("invariantBreaches").size() == 1);
  const json& b = j.at("invariantBreaches")[0];
  CHECK(b.at("invariant") == "lease_transitions");
  CHECK(b.at("atSeconds").get<double>() == Approx(317.0));
  CHECK(b.at("node") == "b");
  CHECK(b.at("events") == json::array({"update of leases/kube-system/lock by b applied at 317.000s"}));
  const std::string text = SummaryText(f.scenario, f.results, f.expect, f.stats, breaches);
  CHECK_THAT(text, Catch::Contains("invariants: 1 breach(es):\n  [BREACHED] lease_transitions at 5m17s on b: holder "
                                   "changed a -> b but leaderTransitions went 0 -> 0 (expected 1)\n      update of"));
  CHECK_THAT(text, Catch::EndsWith("FAIL\n"));
  CHECK_THAT(SummaryText(f.scenario, f.results, f.expect, f.stats), Catch::EndsWith("PASS\n"));
}

TEST_CASE("report: verdict pass when every expectation held", "[sim][report]") {
  Fixture f;
  f.expect.erase(f.expect.begin());  // drop the failing no_split_brain
  CHECK(BuildReport(f.scenario, f.results, f.expect, f.stats).at("verdict") == "pass");
  CHECK(BuildReport(f.scenario, f.results, {}, f.stats).at("verdict") == "pass");
}

TEST_CASE("report: the same run gives a byte-identical report", "[sim][report]") {
  Fixture f, g;
  CHECK(BuildReport(f.scenario, f.results, f.expect, f.stats).dump() ==
        BuildReport(g.scenario, g.results, g.expect, g.stats).dump());
}

TEST_CASE("report: summary text names leaders, causes, failovers and verdict", "[sim][report]") {
  Fixture f;
  std::string text = SummaryText(f.scenario, f.results, f.expect, f.stats);
  CHECK_THAT(text, Catch::StartsWith("scenario report-fixture (seed 7, client-go 1.37): 10m0s simulated, 12345 events"));
  CHECK_THAT(text, Catch::Contains("  a (a) led [2s .. 1m40s) [5m10s .. 10m0s)\n"));
  CHECK_THAT(text, Catch::Contains("split-brain: 10s in 1 interval(s), longest 10s\n"));
  CHECK_THAT(text, Catch::Contains("  [5m20s .. 5m30s) a, b acting: process pause of b for 20s\n"));
  CHECK_THAT(text, Catch::Contains("no leader: 32s in 2 gap(s), longest 30s\n"));
  CHECK_THAT(text, Catch::Contains("  fault 0 crash at 1m40s on a: b led after 30s\n"));
  CHECK_THAT(text, Catch::Contains("transitions: 2 (12.0 per hour)\n"));
  // Per verb the outcomes add up to the requests, and code 0 is named.
  CHECK_THAT(text, Catch::Contains("api: 691 requests (1.152/s): create 1 = 201:1, get 400 = 200:395 + no-response:4 + "
                                   "unanswered:1, update 290 = 200:280 + 409:10 (no-response: code 0, the client timed "
                                   "out or cancelled)\n"));
  CHECK_THAT(text, Catch::Contains("  [FAILED] no split-brain: split-brain 10s"));
  CHECK_THAT(text, Catch::Contains("  [ok] a leader within 40s after fault 0 (crash): b led after 30s\n"));
  CHECK_THAT(text, Catch::EndsWith("FAIL\n"));
}
