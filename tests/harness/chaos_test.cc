// chaos_test.cc — harness/chaos: chaos-file errors name the JSON path; generation is a
// pure function of (file, seed index); properties and excuses; shrinking keeps the
// failure class and never grows the scenario.
#include <set>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "harness/chaos/chaos.h"

using namespace leasesim::sim;

namespace {

// A small model: 3 replicas whose work ignores cancellation, partitions of any node.
const char* kModel = R"({
  // comments are allowed
  "kind": "chaos",
  "name": "tiny",
  "base": {"clientGo": "1.37", "defaults": {"workload": {"onStoppedLeading": "keep_acting"}},
           "candidates": [{"name": "a"}, {"name": "b", "start": "1s"}, {"name": "c", "start": "2s"}]},
  "duration": "5m",
  "liveness": {"healAt": "4m", "leaderWithin": "30s"},
  "faults": [
    {"kind": "partition", "count": {"min": 1, "max": 3}, "for": {"min": "1s", "max": "40s"}},
    {"kind": "latency", "count": {"min": 0, "max": 2}, "delay": {"min": "1ms", "max": "100ms"}, "for": "20s"},
    {"kind": "clock_step", "count": 1, "by": {"min": "-1m", "max": "1m"}}
  ],
  "properties": {"noSplitBrain": true},
  "seeds": 8
})";

std::string ErrorOf(const std::string& text) {
  std::string err;
  auto s = ParseChaos(text, "x.json", &err);
  CHECK_FALSE(s);
  return err;
}

std::string With(std::string_view from, std::string_view to) {
  std::string s = kModel;
  const size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  s.replace(at, from.size(), to);
  return s;
}

}  // namespace

TEST_CASE("chaos files: errors are one line with the JSON path", "[harness][chaos]") {
  CHECK(ErrorOf(With(R"("kind": "chaos",)", R"("kind": "chaos", "seedz": 1,)")).starts_with("x.json: $.seedz: unknown key"));
  CHECK(ErrorOf(With(R"("count": 1, "by")", R"("count": 1, "bye")")).starts_with("x.json: $.faults[2].bye: unknown key for a clock_step fault family"));
  CHECK(ErrorOf(With(R"("max": "40s")", R"("max": "40")")) ==
        "x.json: $.faults[0].for.max: invalid duration \"40\": time: missing unit in duration \"40\"");
  CHECK(ErrorOf(With(R"("min": 1, "max": 3})", R"("min": 3, "max": 1})")) == "x.json: $.faults[0].count.max: must not be less than \"min\"");
  CHECK(ErrorOf(With(R"("kind": "partition",)", R"("kind": "partition", "targets": ["z"],)")) ==
        "x.json: $.faults[0].targets[0]: unknown node \"z\": no candidate of the base has that name");
  CHECK(ErrorOf(With(R"("noSplitBrain": true)", R"("noSplitBrain": {"excuse": ["gremlins"]})"))
            .starts_with("x.json: $.properties.noSplitBrain.excuse[0]: unknown split-brain cause \"gremlins\""));
  CHECK(ErrorOf(With(R"("healAt": "4m")", R"("healAt": "4m45s")")).starts_with("x.json: $.liveness: healAt + leaderWithin"));
  CHECK(ErrorOf(With(R"("kind": "chaos",)", R"("kind": "scenario",)")).starts_with("x.json: $.kind: expected \"chaos\""));
  CHECK(ErrorOf(With(R"({"name": "a"})", R"({"name": "a", "leaseDuration": "5s"})")) ==
        "x.json: $.base: x.json#base: $.candidates[0]: leaseDuration must be greater than renewDeadline");
  CHECK(ErrorOf(With(R"("duration": "5m")", R"("duration": "5m" "x")")).starts_with("x.json: line "));
  CHECK(ErrorOf(With(R"("count": 1, "by")", R"("drift_ppm": 1, "by")")).find("$.faults[2].drift_ppm") != std::string::npos);
}

TEST_CASE("issue15 item 16: a chaos file that would draw millions of faults per run is rejected", "[harness][chaos]") {
  // 10000 faults per hour over a 10-year run: 8.76e8 faults, an out-of-memory kill before
  // the bound existed.
  std::string text = With(R"("healAt": "4m")", R"("healAt": "87599h")");
  text.replace(text.find(R"("duration": "5m")"), 16, R"("duration": "87600h")");
  text.replace(text.find(R"("count": {"min": 1, "max": 3})"), 29, R"("rate": 10000)");
  CHECK(ErrorOf(text) ==
        "x.json: $.faults: the families draw 875990003 faults per run on average (rate x liveness.healAt, plus "
        "counts); at most 100000 are allowed");
  // Just below the bound is accepted.
  std::string ok = With(R"("count": {"min": 1, "max": 3})", R"("rate": 1000)");
  ok.replace(ok.find(R"("duration": "5m")"), 16, R"("duration": "101h")");
  ok.replace(ok.find(R"("healAt": "4m")"), 14, R"("healAt": "99h")");
  std::string err;
  CHECK(ParseChaos(ok, "x.json", &err));
  CHECK(err.empty());
}

TEST_CASE("chaos generation is a pure function of the file and the seed index", "[harness][chaos]") {
  std::string err;
  auto spec = ParseChaos(kModel, "tiny.json", &err);
  REQUIRE(spec);
  const ChaosRun a = GenerateRun(*spec, 3), b = GenerateRun(*spec, 3), c = GenerateRun(*spec, 4);
  CHECK(a.scenario == b.scenario);
  CHECK(a.scenario != c.scenario);
  CHECK(a.seed == 4);
  CHECK(a.scenario["name"] == "tiny/seed-4");
  // Every drawn fault ends by healAt and names a concrete candidate.
  for (int64_t k = 0; k < spec->seeds; ++k) {
    const ChaosRun r = GenerateRun(*spec, k);
    auto s = ParseScenario(r.scenario.dump(), "gen", &err);
    REQUIRE(s);
    CHECK(static_cast<int64_t>(s->faults.size()) == r.faults);
    for (const FaultSpec& f : s->faults) {
      CHECK(f.at + f.for_.value_or(Duration{0}) <= spec->heal_at);
      REQUIRE(f.nodes.size() == 1);
      CHECK((f.nodes[0] == "a" || f.nodes[0] == "b" || f.nodes[0] == "c"));
    }
  }
}

TEST_CASE("swarm mode enables a different subset of families per seed", "[harness][chaos]") {
  std::string err;
  auto spec = ParseChaos(With(R"("seeds": 8)", R"("seeds": 8, "swarm": true)"), "tiny.json", &err);
  REQUIRE(spec);
  std::set<std::vector<std::string>> subsets;
  for (int64_t k = 0; k < 16; ++k) subsets.insert(GenerateRun(*spec, k).families);
  CHECK(subsets.size() > 2);
}

TEST_CASE("an excused split-brain cause is not a failure", "[harness][chaos]") {
  std::string err;
  auto strict = ParseChaos(kModel, "tiny.json", &err);
  auto lenient = ParseChaos(With(R"("noSplitBrain": true)", R"("noSplitBrain": {"excuse": ["workload_ignores_cancellation"]})"),
                            "tiny.json", &err);
  REQUIRE(strict);
  REQUIRE(lenient);
  int strict_failures = 0;
  for (int64_t k = 0; k < strict->seeds; ++k) {
    const ChaosRow s = RunOneSeed(*strict, k), l = RunOneSeed(*lenient, k);
    CHECK(s.trace_hash == l.trace_hash);
    for (const std::string& c : l.failures) CHECK(c != "noSplitBrain:workload_ignores_cancellation");
    for (const std::string& c : s.failures) strict_failures += c == "noSplitBrain:workload_ignores_cancellation";
  }
  CHECK(strict_failures > 0);
}

TEST_CASE("shrinking reduces a failing run and keeps its failure class", "[harness][chaos]") {
  std::string err;
  auto spec = ParseChaos(kModel, "tiny.json", &err);
  REQUIRE(spec);
  std::optional<int64_t> failing;
  std::string cls;
  for (int64_t k = 0; k < spec->seeds && !failing; ++k) {
    const ChaosRow r = RunOneSeed(*spec, k);
    if (r.Failed() && GenerateRun(*spec, k).faults >= 2) {
      failing = k;
      cls = r.failures.front();
    }
  }
  REQUIRE(failing);
  const ChaosRun run = GenerateRun(*spec, *failing);
  const ShrinkResult a = ShrinkFailure(*spec, run.scenario, cls, 200);
  const ShrinkResult b = ShrinkFailure(*spec, run.scenario, cls, 200);
  CHECK(a.scenario == b.scenario);  // deterministic
  CHECK(a.faults_after < a.faults_before);
  CHECK(a.duration_after < a.duration_before);
  CHECK(a.runs <= 201);
  CHECK(ClassHolds(*spec, a.scenario, cls, nullptr));

  SECTION("a budget of zero runs leaves the run as it was") {
    const ShrinkResult z = ShrinkFailure(*spec, run.scenario, cls, 0);
    CHECK(z.scenario == run.scenario);
    CHECK(z.budget_exhausted);
  }
}

namespace {
// kModel in YAML: the same chaos search.
const char* kModelYaml = R"(# comments are allowed
kind: chaos
name: tiny
base:
  clientGo: "1.37"
  defaults: {workload: {onStoppedLeading: keep_acting}}
  candidates:
    - name: a
    - {name: b, start: 1s}
    - {name: c, start: 2s}
duration: 5m
liveness: {healAt: 4m, leaderWithin: 30s}
faults:
  - kind: partition
    count: {min: 1, max: 3}
    for: {min: 1s, max: 40s}
  - {kind: latency, count: {min: 0, max: 2}, delay: {min: 1ms, max: 100ms}, for: 20s}
  - kind: clock_step
    count: 1
    by: {min: -1m, max: 1m}
properties:
  noSplitBrain: true
seeds: 8
)";

std::string YamlWith(std::string_view from, std::string_view to) {
  std::string s = kModelYaml;
  const size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  s.replace(at, from.size(), to);
  return s;
}

std::string YamlErrorOf(const std::string& text) {
  std::string err;
  auto s = ParseChaos(text, "x.yaml", &err);
  CHECK_FALSE(s);
  CHECK(err.find('\n') == std::string::npos);
  return err;
}
}  // namespace

TEST_CASE("chaos files: a YAML chaos file is the same search as its JSON file", "[harness][chaos][yaml]") {
  std::string err;
  auto from_json = ParseChaos(kModel, "tiny.json", &err);
  REQUIRE(from_json);
  auto from_yaml = ParseChaos(kModelYaml, "tiny.yaml", &err);
  INFO(err);
  REQUIRE(from_yaml);
  CHECK(from_yaml->name == "tiny");
  CHECK(from_yaml->families.size() == 3);
  for (int64_t k = 0; k < 3; ++k) CHECK(GenerateRun(*from_yaml, k).scenario == GenerateRun(*from_json, k).scenario);
  CHECK(RunOneSeed(*from_yaml, 0).trace_hash == RunOneSeed(*from_json, 0).trace_hash);
}

TEST_CASE("chaos files: YAML errors are one line with the line and the JSON path", "[harness][chaos][yaml]") {
  CHECK(YamlErrorOf(YamlWith("seeds: 8", "seeds: 8\nseedz: 1")) == "x.yaml: line 24: $.seedz: unknown key (known keys: kind, name, description, base, duration, liveness, faults, swarm, properties, seeds, seed)");
  CHECK(YamlErrorOf(YamlWith("for: {min: 1s, max: 40s}", "for: {min: 1s, max: \"40\"}")) ==
        "x.yaml: line 16: $.faults[0].for.max: invalid duration \"40\": time: missing unit in duration \"40\"");
  CHECK(YamlErrorOf(YamlWith("count: {min: 1, max: 3}", "count: {min: 3, max: 1}")) ==
        "x.yaml: line 15: $.faults[0].count.max: must not be less than \"min\"");
  CHECK(YamlErrorOf(YamlWith("  - kind: partition\n", "  - kind: partition\n    targets: [z]\n")) ==
        "x.yaml: line 15: $.faults[0].targets[0]: unknown node \"z\": no candidate of the base has that name");
  CHECK(YamlErrorOf(YamlWith("noSplitBrain: true", "noSplitBrain: {excuse: [gremlins]}"))
            .starts_with("x.yaml: line 22: $.properties.noSplitBrain.excuse[0]: unknown split-brain cause \"gremlins\""));
  CHECK(YamlErrorOf(YamlWith("healAt: 4m,", "healAt: 4m45s,")).starts_with("x.yaml: line 12: $.liveness: healAt + leaderWithin"));
  CHECK(YamlErrorOf(YamlWith("kind: chaos", "kind: scenario")).starts_with("x.yaml: line 2: $.kind: expected \"chaos\""));
  CHECK(YamlErrorOf(YamlWith("    - name: a\n", "    - {name: a, leaseDuration: 5s}\n")) ==
        "x.yaml: line 4: $.base: x.yaml#base: $.candidates[0]: leaseDuration must be greater than renewDeadline");
  CHECK(YamlErrorOf(YamlWith("duration: 5m", "duration: [5m")).starts_with("x.yaml: line "));
  CHECK(YamlErrorOf(YamlWith("duration: 5m", "duration: 5m\nduration: 6m")).find("invalid YAML") != std::string::npos);
  CHECK(YamlErrorOf("- just\n- a list\n") == "x.yaml: line 1: $: expected an object, got an array");
}

TEST_CASE("issue14: chaos runs.csv has numbers or empty cells in its time columns and reads back exactly", "[harness][chaos]") {
  ChaosRow a;
  a.index = 0;
  a.seed = 1;
  a.families = {"crash", "partition"};
  a.faults = 3;
  a.split_brain_ns = 1'273'115'968;
  a.worst_failover_ns = 15'000'000'001;
  a.no_leader_max_ns = 30'066'000'000;
  a.failures = {"noSplitBrain:x"};
  a.trace_hash = "0123456789abcdef";
  ChaosRow b = a;
  b.index = 1;
  b.worst_failover_ns = -1;  // a disruption with no new leader
  b.failures.clear();
  ChaosRow c = b;
  c.index = 2;
  c.worst_failover_ns.reset();  // nothing disrupted
  const std::string csv = ChaosRunsCsv({a, b, c});
  CHECK(csv ==
        "seed_index,seed,families,faults,verdict,split_brain_s,worst_failover_s,failover_unrecovered,no_leader_max_gap_s,"
        "invariant_breaches,failures,trace_hash\n"
        "0,1,crash;partition,3,fail,1.273115968,15.000000001,false,30.066000000,0,noSplitBrain:x,0123456789abcdef\n"
        "1,1,crash;partition,3,pass,1.273115968,,true,30.066000000,0,,0123456789abcdef\n"
        "2,1,crash;partition,3,pass,1.273115968,,false,30.066000000,0,,0123456789abcdef\n");
  CHECK(csv.find("none") == std::string::npos);
  std::string err;
  auto back = ParseChaosRunsCsv(csv, "runs.csv", &err);
  REQUIRE(back);
  REQUIRE(back->size() == 3);
  CHECK((*back)[0].worst_failover_ns == 15'000'000'001);
  CHECK((*back)[1].worst_failover_ns == -1);
  CHECK_FALSE((*back)[2].worst_failover_ns);
  CHECK(ChaosRunsCsv(*back) == csv);
}
