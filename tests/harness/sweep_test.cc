// sweep_test.cc — `leasesim sweep` / `leasesim merge` (issue 6): sweep file errors with
// JSON paths, invalid points skipped, identical output for any --jobs, sharded + merged
// output byte-equal to an unsharded run, percentiles, the Pareto front and the
// recommendation rule, and the closed forms at client-go's defaults.
#include <filesystem>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "harness/csv_fields.h"
#include "harness/sweep/sweep.h"

namespace fs = std::filesystem;
using namespace leasesim::sim;

namespace {

// A tiny sweep: 3 candidates, 3 simulated minutes, the leader (c0 starts first) crashes
// at 1m for 30s. leaseDuration 10s with renewDeadline 10s is rejected by client-go.
const char* kTinySweep = R"({
  "base": {"duration": "3m", "candidateCount": 3, "startSpread": "1s",
           "timings": {"leaseDuration": "15s", "renewDeadline": "10s", "retryPeriod": "2s"},
           "faults": [{"at": "1m", "kind": "crash", "node": "c0", "for": "30s"}],
           "expect": [{"kind": "no_split_brain"}]},
  "seeds": 3,
  "vary": [
    {"param": "leaseDuration", "values": ["10s", "15s"]},
    {"param": "retryPeriod", "range": {"from": "1s", "to": "2s", "step": "1s"}}
  ]
})";

SweepSpec Spec(const std::string& text) {
  std::string err;
  auto s = ParseSweep(text, "tiny.json", &err);
  INFO(err);
  REQUIRE(s);
  return *s;
}

std::string ParseError(const std::string& text) {
  std::string err;
  auto s = ParseSweep(text, "bad.json", &err);
  CHECK_FALSE(s);
  return err;
}

SweepRunOptions Jobs(int jobs) {
  SweepRunOptions o;
  o.jobs = jobs;
  return o;
}

}  // namespace

TEST_CASE("sweep file errors name the file and the JSON path", "[sim][sweep]") {
  const std::string base = R"("base": {"candidateCount": 2})";
  CHECK(ParseError("{" + base + R"(, "seeds": 0})") == "bad.json: $.seeds: expected an integer in [1, 1000000], got 0");
  CHECK(ParseError("{" + base + R"(, "vary": [{"param": "leaseDuration"}]})") ==
        "bad.json: $.vary[0]: missing required key \"values\" (or \"range\")");
  CHECK(ParseError("{" + base + R"(, "vary": [{"param": "retryPeriod", "range": {"from": "1s", "to": "3s", "step": "0s"}}]})") ==
        "bad.json: $.vary[0].range.step: must not be zero");
  CHECK(ParseError("{" + base + R"(, "vary": [{"param": "retryPeriod", "range": {"from": "1s", "to": "3", "step": "1s"}}]})") ==
        "bad.json: $.vary[0].range.to: invalid duration \"3\": time: missing unit in duration \"3\"");
  CHECK(ParseError("{" + base + R"(, "vary": [{"param": "faults[0].drift_ppm", "values": [1]}]})") ==
        "bad.json: $.vary[0].param: the base scenario has no array at $.faults");
  CHECK(ParseError("{" + base + R"(, "vary": [{"param": "x", "values": [1], "colour": 1}]})") ==
        "bad.json: $.vary[0].colour: unknown key (known keys: param, paths, name, values, range)");
  CHECK(ParseError(R"({"seeds": 2})") ==
        "bad.json: $: missing required key \"base\" (a scenario file path or an inline scenario object)");
  CHECK(ParseError(R"({"base": {"candidateCount": 2, "timings": {"leaseDuration": "5s"}}})") ==
        "bad.json: $.base: invalid base scenario (with \"set\" applied): bad.json#base: $.defaults: leaseDuration must be "
        "greater than renewDeadline");
  CHECK(ParseError(R"({"base": {"candidates": [{"name": "a"}]}, "vary": [{"param": "candidates", "values": [2]}]})") ==
        "bad.json: $.vary[0].param: \"candidates\" varies candidateCount: the base scenario must use "
        "\"candidateCount\", not a \"candidates\" list");
  CHECK(ParseError("{" + base + R"(, "vary": [{"param": "retryPeriod", "values": ["1s"]}], "heatmap": {"metric": "speed"}})")
            .starts_with("bad.json: $.heatmap.metric: unknown metric \"speed\" (known: runs, failovers,"));
  CHECK(ParseError(R"({"base": "no-such-base.json"})") ==
        "bad.json: $.base: cannot read base scenario no-such-base.json: cannot read file: no such file");
}

TEST_CASE("issue15 item 18: a sweep file whose number overflows a double is bad input (exit 2), not internal",
          "[sim][sweep]") {
  CHECK(ParseError("8e308") == "bad.json: line 1, column 5: invalid JSON: number \"8e308\" is out of range (it does not "
                               "fit a double)");
}

TEST_CASE("issue15 item 18: sweep ranges cannot overflow", "[sim][sweep]") {
  const std::string base = R"("base": {"candidateCount": 2})";
  // Durations: each bound is within 10 years (sim/json_input.h), so the range is rejected at its bound.
  CHECK(ParseError("{" + base + R"(, "vary": [{"param": "leaseDuration", "range": {"from": "-2562047h", "to": "2562047h", "step": "1000000h"}}]})") ==
        "bad.json: $.vary[0].range.from: duration -2562047h is out of range: leasesim simulates durations up to "
        "87600h0m0s (10 years) either way");
  // Integers up to 2^63-1 with a step that would step past it: exactly the values in range.
  std::string err;
  auto s = ParseSweep("{" + base + R"(, "vary": [{"paths": ["seed"], "range": {"from": 9223372036854775800, "to": 9223372036854775807, "step": 2}}]})",
                      "ok.json", &err);
  INFO(err);
  REQUIRE(s);
  REQUIRE(s->params.size() == 1);
  CHECK(s->params[0].values == std::vector<nlohmann::json>{9223372036854775800, 9223372036854775802,
                                                           9223372036854775804, 9223372036854775806});
  CHECK(ParseError("{" + base + R"(, "vary": [{"paths": ["seed"], "range": {"from": -9223372036854775807, "to": 9223372036854775807, "step": 1}}]})") ==
        "bad.json: $.vary[0].range: range has more than 100000 values");
}

TEST_CASE("issue15 item 15: a sweep seed above 2^64-1 is out of range", "[sim][sweep]") {
  CHECK(ParseError(R"({"base": {"candidateCount": 2}, "seed": 18446744073709551616})") ==
        "bad.json: $.seed: out of range: 1.8446744073709552e+19 is above 18446744073709551615 (2^64-1)");
}

TEST_CASE("issue15 item 11: a directory as the sweep file is named", "[sim][sweep]") {
  std::string err;
  CHECK_FALSE(LoadSweepFile("/tmp", &err).has_value());
  CHECK(err == "/tmp: is a directory");
}

TEST_CASE("scenario paths parse and set", "[sim][sweep]") {
  std::string err;
  auto p = ParseJsonPath("faults[1].delay", &err);
  REQUIRE(p);
  CHECK(*p == std::vector<JsonPathStep>{{"faults", -1}, {"", 1}, {"delay", -1}});
  CHECK_FALSE(ParseJsonPath("a..b", &err));
  CHECK_FALSE(ParseJsonPath("a[x]", &err));
  nlohmann::json j = {{"faults", nlohmann::json::array({{{"kind", "crash"}}, {{"kind", "latency"}}})}};
  REQUIRE(SetJsonPath(j, *p, "5ms", &err));
  CHECK(j["faults"][1]["delay"] == "5ms");
  REQUIRE(SetJsonPath(j, *ParseJsonPath("network.nodes.c0.responseDelay", &err), "3s", &err));
  CHECK(j["network"]["nodes"]["c0"]["responseDelay"] == "3s");
  CHECK_FALSE(SetJsonPath(j, *ParseJsonPath("faults[2].at", &err), "1s", &err));
  CHECK(err == "the base scenario's $.faults has 2 element(s), no index 2");
}

TEST_CASE("points are row-major, invalid points are reported and never run", "[sim][sweep]") {
  const SweepSpec spec = Spec(kTinySweep);
  REQUIRE(spec.PointCount() == 4);
  const std::vector<SweepPoint> points = ExpandPoints(spec);
  REQUIRE(points.size() == 4);
  CHECK(points[1].values == std::vector<nlohmann::json>{"10s", "2s"});
  CHECK(points[2].values == std::vector<nlohmann::json>{"15s", "1s"});
  for (int i : {0, 1}) {
    CHECK_FALSE(points[i].scenario);
    CHECK(points[i].error == fmt::format("tiny.json#point{}: $.defaults: leaseDuration must be greater than renewDeadline", i));
  }
  REQUIRE(points[2].scenario);
  CHECK(points[2].scenario->candidates[0].config.retryPeriod == std::chrono::seconds(1));
  CHECK(points[2].scenario->expect.empty());  // the base's expectations are not evaluated
  CHECK(ShardRuns(spec, points, {0, 1}) == std::vector<int64_t>{6, 7, 8, 9, 10, 11});
  const std::vector<RunRow> rows = RunSweep(spec, points, Jobs(2));
  REQUIRE(rows.size() == 6);
  for (const RunRow& r : rows) CHECK(r.point >= 2);
  const SweepReport rep = BuildSweepReport(spec, points, rows);
  CHECK_FALSE(rep.points[0].valid);
  CHECK(rep.points[2].figures.runs == 3);
  const auto files = SweepOutputFiles(rep, rows, {0, 1});
  CHECK(files.at("summary.txt").find("skipped point 0 (leaseDuration=10s retryPeriod=1s): tiny.json#point0: $.defaults: "
                                     "leaseDuration must be greater than renewDeadline") != std::string::npos);
  CHECK(files.at("sweep.json").find("\"invalidPoints\"") != std::string::npos);
  // points.json is a list of flat records, invalid points included with their error.
  const auto records = nlohmann::json::parse(files.at("points.json"));
  REQUIRE(records.is_array());
  CHECK(records[0].at("valid") == false);
  CHECK(records[0].at("error") == points[0].error);
  CHECK(records[0].at("failoverP99Seconds").is_null());
  CHECK(records[2].at("runs") == 3);
  CHECK(records[2].at("runs").is_number_integer());
  CHECK(records[2].at("leaseDuration") == "15s");
}

TEST_CASE("seeds are common to all points and differ between seed indices", "[sim][sweep]") {
  const SweepSpec spec = Spec(kTinySweep);
  CHECK(SeedFor(spec, 0) != SeedFor(spec, 1));
  SweepSpec other = spec;
  other.seed = 2;
  CHECK(SeedFor(other, 0) != SeedFor(spec, 0));
  const std::vector<SweepPoint> points = ExpandPoints(spec);
  const std::vector<RunRow> rows = RunSweep(spec, points, Jobs(1));
  CHECK(rows[0].seed == rows[3].seed);  // point 2 and point 3, seed index 0
  CHECK(rows[0].seed == SeedFor(spec, 0));
}

TEST_CASE("sweep output is identical for jobs=1 and jobs=3", "[sim][sweep]") {
  const SweepSpec spec = Spec(kTinySweep);
  const std::vector<SweepPoint> points = ExpandPoints(spec);
  const std::vector<RunRow> one = RunSweep(spec, points, Jobs(1));
  const std::vector<RunRow> three = RunSweep(spec, points, Jobs(3));
  CHECK(one == three);
  const SweepReport r1 = BuildSweepReport(spec, points, one), r3 = BuildSweepReport(spec, points, three);
  CHECK(SweepOutputFiles(r1, one, {0, 1}) == SweepOutputFiles(r3, three, {0, 1}));
}

TEST_CASE("a bad --shard is bad input", "[sim][sweep]") {
  std::string err;
  CHECK_FALSE(ParseShard("3/3", &err));
  CHECK(err == "--shard: expected \"i/N\" with 0 <= i < N, got \"3/3\"");
  CHECK_FALSE(ParseShard("1", &err));
  auto s = ParseShard("2/5", &err);
  REQUIRE(s);
  CHECK(s->index == 2);
  CHECK(s->count == 5);
}

TEST_CASE("runs.csv and failovers.csv read back exactly", "[sim][sweep]") {
  RunRow a;
  a.run = 7;
  a.point = 2;
  a.seed_index = 1;
  a.seed = 18446744073709551615ull;
  a.duration_ns = 180'000'000'000;
  a.split_brain_ns = 5;
  a.no_leader_ns = 16'000'000'000;
  a.transitions = 2;
  a.invariant_breaches = 1;
  a.api_get = 10;
  a.api_create = 1;
  a.api_update = 20;
  a.api_total = 31;
  a.failovers_ns = {15'000'000'001, std::nullopt};
  a.trace_hash = "0123456789abcdef";
  RunRow b = a;
  b.run = 8;
  b.failovers_ns.clear();
  CHECK(RunsCsv({a}) ==
        "run,point,seed_index,seed,duration_ns,split_brain_ns,no_leader_ns,transitions,invariant_breaches,api_get,"
        "api_create,api_update,api_total,failovers,failovers_unrecovered,trace_hash\n"
        "7,2,1,18446744073709551615,180000000000,5,16000000000,2,1,10,1,20,31,1,1,0123456789abcdef\n");
  // One line per failover (long format), not a ';'-packed column; no value when no new leader came.
  CHECK(FailoversCsv({a, b}) ==
        "run,point,seed_index,seed,failover,recovered,failover_ns\n"
        "7,2,1,18446744073709551615,0,true,15000000001\n"
        "7,2,1,18446744073709551615,1,false,\n");
  std::string err;
  auto back = ParseRunsCsv(RunsCsv({a, b}), FailoversCsv({a, b}), "runs.csv", "failovers.csv", &err);
  REQUIRE(back);
  CHECK(*back == std::vector<RunRow>{a, b});
  CHECK_FALSE(ParseRunsCsv("run,point\n", FailoversCsv({}), "x/runs.csv", "x/failovers.csv", &err));
  CHECK(err == "x/runs.csv: line 1: not a leasesim runs.csv (unexpected header)");
  // A failovers.csv that does not match runs.csv's counts is refused.
  CHECK_FALSE(ParseRunsCsv(RunsCsv({a, b}), FailoversCsv({b}), "x/runs.csv", "x/failovers.csv", &err));
  CHECK(err == "x/runs.csv: line 2: run 7: failovers do not match x/failovers.csv");
  // The journal keeps a run per line (failovers packed) and reads back the same rows.
  auto journal = ParseJournalCsv(JournalCsv({a, b}), "j.csv", &err);
  REQUIRE(journal);
  CHECK(*journal == std::vector<RunRow>{a, b});
}

TEST_CASE("issue14 item 6: file columns print counts as integers and durations exact to the nanosecond", "[sim][sweep]") {
  using U = PointColumn::Unit;
  CHECK(FormatColumn({"runs", 8.0, U::kCount}) == "8");
  CHECK(FormatColumn({"failover_p99_s", 17.332412345, U::kSeconds}) == "17.332412345");
  CHECK(FormatColumn({"failover_p99_s", 15.0, U::kSeconds}) == "15.000000000");
  CHECK(FormatColumn({"api_rps", 0.6511458333333333, U::kNumber}) == "0.6511458333333333");
  CHECK(FormatColumn({"failover_p99_s", std::nullopt, U::kSeconds}).empty());
  CHECK(ColumnJson({"runs", 8.0, U::kCount}).dump() == "8");
  CHECK(ColumnJson({"failover_p99_s", 17.332412345, U::kSeconds}).dump() == "17.332412345");
  CHECK(ColumnJson({"x", std::nullopt, U::kNumber}).is_null());
  CHECK(FormatSeconds(-1) == "-0.000000001");
  int64_t ns = 0;
  CHECK(ParseSeconds("12.000000007", &ns));
  CHECK(ns == 12'000'000'007);
  CHECK_FALSE(ParseSeconds("12.5", &ns));
}

TEST_CASE("nearest-rank percentiles", "[sim][sweep]") {
  CHECK_FALSE(PercentileNearestRank({}, 50));
  const std::vector<int64_t> ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  CHECK(PercentileNearestRank(ten, 50) == 5);   // ceil(0.5*10) = 5th
  CHECK(PercentileNearestRank(ten, 90) == 9);
  CHECK(PercentileNearestRank(ten, 99) == 10);  // ceil(9.9) = 10th
  CHECK(PercentileNearestRank(ten, 100) == 10);
  CHECK(PercentileNearestRank({42}, 1) == 42);
  std::vector<int64_t> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(i * 10);
  CHECK(PercentileNearestRank(hundred, 99) == 990);  // exactly the 99th, no rounding up
  CHECK(PercentileNearestRank(hundred, 50) == 500);
}

TEST_CASE("aggregation: rates over total simulated time, percentiles over all seeds", "[sim][sweep]") {
  RunRow a, b;
  a.duration_ns = b.duration_ns = 3'600'000'000'000;
  a.split_brain_ns = 2'000'000'000;
  a.no_leader_ns = 20'000'000'000;
  a.transitions = 3;
  a.api_get = 3600;
  a.api_update = 1800;
  a.api_total = 5400;
  a.failovers_ns = {10'000'000'000, 20'000'000'000};
  b.run = 1;
  b.transitions = 1;
  b.api_update = 1800;
  b.api_total = 1800;
  b.failovers_ns = {30'000'000'000, std::nullopt};
  const PointFigures f = AggregatePoint({&a, &b}, 3);
  CHECK(f.runs == 2);
  CHECK(f.failovers == 3);
  CHECK(f.failovers_unrecovered == 1);
  CHECK(f.failover_min_s == Approx(10));
  CHECK(f.failover_p50_s == Approx(20));
  CHECK(f.failover_max_s == Approx(30));
  CHECK(f.split_brain_seed_share == Approx(0.5));
  CHECK(f.split_brain_s_per_hour == Approx(1));
  CHECK(f.no_leader_s_per_hour == Approx(10));
  CHECK(f.transitions_per_hour == Approx(2));
  CHECK(f.api_rps == Approx(1));
  CHECK(f.api_get_rps == Approx(0.5));
  CHECK(f.api_update_rps == Approx(0.5));
  CHECK(f.api_rps_per_candidate == Approx(1.0 / 3));
}

TEST_CASE("Pareto front and recommendation on a hand-built set", "[sim][sweep]") {
  // p99 (s), API req/s. 1 is dominated by 0; 4 ties 3 exactly; 5 has the same p99 as 0
  // but a higher rate.
  const std::vector<ParetoCandidate> c = {
      {0, 20, 1.0}, {1, 21, 1.5}, {2, 15, 2.0}, {3, 30, 0.5}, {4, 30, 0.5}, {5, 20, 1.2}, {6, 14, 4.0},
  };
  const std::vector<int64_t> front = ParetoFront(c);
  CHECK(front == std::vector<int64_t>{6, 2, 0, 3, 4});
  CHECK(ParetoFront({}).empty());
  // Scores: p99/14 + rate/0.5: 6 -> 1+8 = 9, 2 -> 1.071+4 = 5.07, 0 -> 1.43+2 = 3.43,
  // 3 and 4 -> 2.14+1 = 3.14 (the tie goes to 3).
  CHECK(Recommend(c, front, {}) == 3);
  SweepRecommend limits;
  limits.max_failover_p99 = std::chrono::seconds(25);
  // Among 6, 2, 0 the bests are 14 s and 1.0 req/s: 0 -> 1.43+1 = 2.43 wins.
  CHECK(Recommend(c, front, limits) == 0);
  limits.max_api_requests_per_second = 0.9;
  CHECK_FALSE(Recommend(c, front, limits));
}

TEST_CASE("closed forms at client-go's defaults 15s/10s/2s", "[sim][sweep]") {
  std::string err;
  auto s = ParseScenario(R"({"candidateCount": 3, "network": {"delay": "1ms"}, "apiserver": {"latency": "2ms"}})", "x.json", &err);
  REQUIRE(s);
  const ClosedForm c = ClosedFormFor(*s);
  CHECK(c.safety_margin_s == Approx(3));
  CHECK(c.tolerated_clock_rate_ratio == Approx(1.25));
  CHECK(c.failover_best_s == Approx(13));
  CHECK(c.failover_worst_s == Approx(15 + 8.8 + 0.004));
  CHECK(c.api_rps == Approx(0.5 + 0.3125 * 2));
  CHECK(c.clock_rate_ratio == Approx(1));
  auto d = ParseScenario(R"({"candidates": [{"name": "a", "clock": {"driftPpm": -200000}}, {"name": "b"}],
                            "faults": [{"at": "1m", "kind": "clock_drift", "node": "b", "driftPpm": 100000}]})",
                         "y.json", &err);
  REQUIRE(d);
  CHECK(ClosedFormFor(*d).clock_rate_ratio == Approx(1.1 / 0.8));
}

TEST_CASE("the README sweep file parses", "[sim][sweep]") {
  std::string err;
  auto s = LoadSweepFile(fs::path(LEASESIM_SOURCE_DIR) / "docs/sweeps/readme.json", &err);
  INFO(err);
  REQUIRE(s);
  CHECK(s->PointCount() == 9);
  CHECK(s->base_file == "base-crash-rotation.json");
}

TEST_CASE("issue15 item 3: the Pareto front and the recommendation take only points meeting the safety floor",
          "[sim][sweep]") {
  // LD 11s with RD 10s, RP 2s: margin -1s, ratio 11/12 < 1; crash failovers only, so no
  // split-brain is measured, and it fails over faster than LD 15s (margin 3s, ratio 1.25:
  // client-go's defaults, which must pass the default floor).
  const SweepSpec spec = Spec(R"({
    "base": {"duration": "3m", "candidateCount": 3, "startSpread": "1s",
             "timings": {"leaseDuration": "15s", "renewDeadline": "10s", "retryPeriod": "2s"},
             "faults": [{"at": "1m", "kind": "crash", "node": "c0", "for": "30s"}]},
    "seeds": 2,
    "vary": [{"param": "leaseDuration", "values": ["11s", "15s"]}]
  })");
  const std::vector<SweepPoint> points = ExpandPoints(spec);
  const std::vector<RunRow> rows = RunSweep(spec, points, Jobs(2));
  // Unsafe point 0 is the faster one and measured no split-brain.
  {
    const SweepReport loose = BuildSweepReport(spec, points, rows, SafetyFloor{.min_safety_margin = -std::chrono::seconds(2),
                                                                               .min_tolerated_clock_rate_ratio = 0.9});
    REQUIRE(loose.points[0].figures.failover_p99_s);
    CHECK(loose.points[0].figures.split_brain_seed_share == 0);
    CHECK(*loose.points[0].figures.failover_p99_s < *loose.points[1].figures.failover_p99_s);
    CHECK(std::find(loose.front.begin(), loose.front.end(), 0) != loose.front.end());
  }
  const SweepReport rep = BuildSweepReport(spec, points, rows);  // the default floor: 3s, 1.25
  CHECK(rep.front == std::vector<int64_t>{1});
  CHECK(rep.recommended == 1);
  const auto files = SweepOutputFiles(rep, rows, {0, 1});
  CHECK_THAT(files.at("summary.txt"),
             Catch::Contains("recommended: point 1 (leaseDuration=15s)") &&
                 Catch::Contains("  constraint: no split-brain in any seed, safety margin LD-RD-RP >= 3s, tolerated "
                                 "clock-rate ratio LD/(RD+RP) >= 1.25\n"));
  const auto pj = nlohmann::json::parse(files.at("sweep.json"));
  CHECK(pj.at("safetyFloor").at("minSafetyMarginSeconds") == 3.0);
  CHECK(pj.at("safetyFloor").at("minToleratedClockRateRatio") == 1.25);
  // The ratio alone excludes too: margin floor 0s, ratio floor 1 still rejects 11/12.
  const SweepReport bare = BuildSweepReport(spec, points, rows, SafetyFloor{.min_safety_margin = std::chrono::seconds(-5),
                                                                            .min_tolerated_clock_rate_ratio = 1.0});
  CHECK(bare.front == std::vector<int64_t>{1});
}

TEST_CASE("issue15 item 3: MeetsSafetyFloor is exact at client-go's defaults and tests each bound", "[sim][sweep]") {
  using std::chrono::seconds;
  const SafetyFloor def;
  CHECK(MeetsSafetyFloor(seconds(15), seconds(10), seconds(2), def));  // 3s, 1.25: on the floor
  CHECK_FALSE(MeetsSafetyFloor(seconds(15), seconds(10), seconds(3), def));  // 2s
  CHECK_FALSE(MeetsSafetyFloor(seconds(60), seconds(50), seconds(5), def));  // 5s but ratio 1.09
  CHECK(MeetsSafetyFloor(std::chrono::milliseconds(1100), std::chrono::milliseconds(500), std::chrono::milliseconds(200),
                         SafetyFloor{.min_safety_margin = std::chrono::milliseconds(400), .min_tolerated_clock_rate_ratio = 1.5}));
  CHECK(def.Describe() == "safety margin LD-RD-RP >= 3s, tolerated clock-rate ratio LD/(RD+RP) >= 1.25");
}

TEST_CASE("sweep: a YAML sweep file is the same sweep as its JSON file", "[harness][sweep][yaml]") {
  const std::string dir = std::string(LEASESIM_SOURCE_DIR) + "/docs/sweeps/";
  std::string err;
  auto from_json = LoadSweepFile(dir + "readme.json", &err);
  REQUIRE(from_json);
  const std::string yaml =
      "# The README's tuning example in YAML\n"
      "description: \"README example: LeaseDuration x RetryPeriod under rotating crashes, 1 simulated hour x 8 seeds per point.\"\n"
      "base: base-crash-rotation.json\n"
      "vary:\n"
      "  - param: leaseDuration\n"
      "    values: [10s, 15s, 20s]\n"
      "  - param: retryPeriod\n"
      "    range: {from: 1s, to: 3s, step: 1s}\n"
      "seeds: 8\n"
      "heatmap: {x: leaseDuration, y: retryPeriod, metric: failover_p99_s}\n";
  auto from_yaml = ParseSweep(yaml, dir + "readme.yaml", &err);
  INFO(err);
  REQUIRE(from_yaml);
  CHECK(CanonicalSweepJson(*from_yaml) == CanonicalSweepJson(*from_json));
  CHECK_FALSE(ParseSweep("base: base-crash-rotation.json\nseeds: 0\n", dir + "bad.yaml", &err));
  CHECK(err == dir + "bad.yaml: line 2: $.seeds: expected an integer in [1, 1000000], got 0");
}

TEST_CASE("issue14: a point counts the invariant breaches of its runs", "[sim][sweep]") {
  RunRow a, b;
  a.duration_ns = b.duration_ns = 60'000'000'000;
  a.invariant_breaches = 1;
  b.invariant_breaches = 2;
  const PointFigures f = AggregatePoint({&a, &b}, 3);
  CHECK(f.invariant_breaches == 3);
  bool found = false;
  for (const PointColumn& c : PointColumns(f, ClosedForm{})) {
    if (c.name != "invariant_breaches") continue;
    found = true;
    CHECK(c.unit == PointColumn::Unit::kCount);
    CHECK(FormatColumn(c) == "3");
  }
  CHECK(found);
}

TEST_CASE("CsvRecords: the header, the field count and the line named in errors", "[harness][csv]") {
  std::string err;
  auto ok = CsvRecords("a,b\n1,2\n3,\n", "a,b", 2, "f.csv", "test file", &err);
  REQUIRE(ok);
  REQUIRE(ok->size() == 2);
  CHECK((*ok)[1][0] == "3");
  CHECK((*ok)[1][1].empty());
  CHECK(CsvRecords("a,b", "a,b", 2, "f.csv", "test file", &err)->empty());
  CHECK_FALSE(CsvRecords("a,c\n1,2\n", "a,b", 2, "f.csv", "test file", &err));
  CHECK(err == "f.csv: line 1: not a leasesim test file (unexpected header)");
  CHECK_FALSE(CsvRecords("", "a,b", 2, "f.csv", "test file", &err));
  CHECK(err == "f.csv: line 1: not a leasesim test file (unexpected header)");
  CHECK_FALSE(CsvRecords("a,b\n1,2\n1,2,3\n", "a,b", 2, "f.csv", "test file", &err));
  CHECK(err == "f.csv: line 3: expected 2 fields, got 3");
}
