// chaos_test.cc — `leasesim chaos` and `leasesim merge` on chaos shards: the bundled chaos
// files rediscover kubernetes#47671, #124588, #131867 and #23731 blind and shrink each to
// at most 3 faults; every shrunk file replays with `leasesim run` to the same failure;
// each failing seed's reproducer replays with the trace hash runs.csv recorded; the
// tolerated fault model on client-go 1.37 finds nothing; --jobs 1 and 2 and sharded +
// merged outputs are byte-identical; `check` skips chaos files. Seed counts are small
// enough for CI (docs/chaos.md has the 10,000-seed run).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "harness/chaos/chaos.h"

namespace fs = std::filesystem;
using namespace leasesim::sim;

namespace {

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path TempDir(const std::string& name) {
  fs::path d = fs::path(LEASESIM_BINARY_DIR) / "chaos_command_test_tmp" / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// DirFiles is every file under `dir` (recursively) by relative path.
std::map<std::string, std::string> DirFiles(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).generic_string()] = Slurp(e.path());
  }
  return out;
}

const WallClock kNoClock = [] { return 0.0; };

std::string Bundled(const std::string& name) { return std::string(LEASESIM_SOURCE_DIR) + "/scenarios/chaos/" + name; }

struct Found {
  int code = 0;
  std::string out;
  fs::path dir;
};

Found RunChaosCommand(const std::string& file, int64_t seeds, const std::string& tag, int jobs = 2) {
  Found f;
  f.dir = TempDir(tag) / "out";
  ChaosArgs a;
  a.chaos = file;
  a.seeds = seeds;
  a.jobs = jobs;
  a.out_dir = f.dir.string();
  a.progress = false;
  std::ostringstream out, err;
  f.code = ChaosCommand(a, kNoClock, out, err);
  f.out = out.str() + err.str();
  return f;
}

// CheckShrunkBug: the class was found, its shrunk file has <= 3 drawn faults, and
// `leasesim run` on it fails with the same cause text.
void CheckShrunkBug(const Found& f, const std::string& cls, const std::string& cause_text) {
  CAPTURE(f.out);
  REQUIRE(f.code == kExitExpectationFailed);
  std::string file = cls;
  file[file.find(':')] = '-';
  const fs::path shrunk = f.dir / "shrunk" / (file + ".json");
  REQUIRE(fs::exists(shrunk));
  const nlohmann::json j = nlohmann::json::parse(Slurp(shrunk));
  CHECK(j["faults"].size() <= 3);
  RunArgs r;
  r.scenario = shrunk.string();
  std::ostringstream out, err;
  CHECK(RunCommand(r, kNoClock, out, err) == kExitExpectationFailed);
  CHECK_THAT(out.str(), Catch::Contains(cause_text));
}

}  // namespace

TEST_CASE("chaos rediscovers kubernetes#47671 on a pre-1.27 cluster with mixed leaseDurations", "[cli][chaos]") {
  const Found f = RunChaosCommand(Bundled("pre-1.27-mixed-lease-durations.json"), 20, "k47671");
  CheckShrunkBug(f, "noSplitBrain:short_lease_duration_pre_1_27", "kubernetes#47671");
}

TEST_CASE("chaos rediscovers kubernetes#124588 on a 1.30 cluster with ReleaseOnCancel and rolling restarts", "[cli][chaos]") {
  const Found f = RunChaosCommand(Bundled("release-on-cancel-1.30-rolling-restarts.json"), 20, "k124588");
  CheckShrunkBug(f, "noSplitBrain:release_in_progress", "kubernetes#124588");
}

TEST_CASE("chaos rediscovers kubernetes#131867 on 1.33 and not on 1.37", "[cli][chaos]") {
  const Found f = RunChaosCommand(Bundled("release-on-cancel-1.33-handover.json"), 100, "k131867");
  CheckShrunkBug(f, "failoverAtMost:stop", "worst failover");
  // The shrunk run shows the 409 of the stale release (client-go's log line).
  const fs::path shrunk = f.dir / "shrunk" / "failoverAtMost-stop.json";
  nlohmann::json j = nlohmann::json::parse(Slurp(shrunk));
  j["expect"] = {{{"kind", "log_contains"}, {"text", "Failed to release lock: Operation cannot be fulfilled"}}};
  std::string err;
  auto s = ParseScenario(j.dump(), "shrunk-131867", &err);
  REQUIRE(s);
  CHECK(RunScenario(*s, RunOptions{}).passed);

  const Found fixed = RunChaosCommand(Bundled("release-on-cancel-1.37-handover.json"), 100, "k131867-fixed");
  CAPTURE(fixed.out);
  CHECK(fixed.code == kExitPass);
}

TEST_CASE("chaos rediscovers kubernetes#23731 with a workload that ignores cancellation", "[cli][chaos]") {
  const Found f = RunChaosCommand(Bundled("workload-ignores-cancellation.json"), 10, "k23731");
  CheckShrunkBug(f, "noSplitBrain:workload_ignores_cancellation", "kubernetes#23731");
}

TEST_CASE("chaos finds nothing in faults client-go 1.37 tolerates", "[cli][chaos]") {
  const Found f = RunChaosCommand(Bundled("tolerated-1.37.json"), 40, "tolerated");
  CAPTURE(f.out);
  CHECK(f.code == kExitPass);
  CHECK_THAT(Slurp(f.dir / "summary.txt"), Catch::Contains("no failure found"));
}

TEST_CASE("every failing seed's reproducer replays with the trace hash in runs.csv", "[cli][chaos]") {
  const Found f = RunChaosCommand(Bundled("workload-ignores-cancellation.json"), 6, "replay");
  REQUIRE(f.code == kExitExpectationFailed);
  std::string err;
  auto rows = ParseChaosRunsCsv(Slurp(f.dir / "runs.csv"), "runs.csv", &err);
  REQUIRE(rows);
  int replayed = 0;
  for (const ChaosRow& r : *rows) {
    if (!r.Failed()) continue;
    auto s = LoadScenarioFile(f.dir / fmt::format("reproducers/seed-{}.json", r.seed), &err);
    REQUIRE(s);
    const RunResult res = RunScenario(*s, RunOptions{});
    CHECK(res.stats.trace_hash == r.trace_hash);
    CHECK_FALSE(res.passed);
    ++replayed;
  }
  CHECK(replayed > 0);
}

TEST_CASE("chaos output is the same for --jobs 1 and --jobs 2", "[cli][chaos]") {
  const Found one = RunChaosCommand(Bundled("workload-ignores-cancellation.json"), 12, "jobs1", 1);
  const Found two = RunChaosCommand(Bundled("workload-ignores-cancellation.json"), 12, "jobs2", 2);
  CHECK(one.code == two.code);
  CHECK(DirFiles(one.dir) == DirFiles(two.dir));
}

TEST_CASE("three chaos shards merged equal the unsharded search byte for byte", "[cli][chaos]") {
  const Found whole = RunChaosCommand(Bundled("release-on-cancel-1.30-rolling-restarts.json"), 15, "whole");
  const fs::path root = TempDir("chaos-shards");
  MergeArgs m;
  for (int i = 0; i < 3; ++i) {
    ChaosArgs a;
    a.chaos = Bundled("release-on-cancel-1.30-rolling-restarts.json");
    a.seeds = 15;
    a.jobs = 2;
    a.shard = fmt::format("{}/3", i);
    a.out_dir = (root / fmt::format("shard{}", i)).string();
    a.progress = false;
    std::ostringstream out, err;
    ChaosCommand(a, kNoClock, out, err);
    CHECK(DirFiles(a.out_dir).size() == 2);  // manifest.json + runs.csv only
    m.inputs.push_back(a.out_dir);
  }
  m.out_dir = (root / "merged").string();
  std::ostringstream out, err;
  CHECK(MergeCommand(m, out, err) == whole.code);
  CAPTURE(err.str());
  auto merged = DirFiles(m.out_dir);
  auto unsharded = DirFiles(whole.dir);
  CHECK(merged == unsharded);

  SECTION("a missing shard is bad input") {
    MergeArgs bad = m;
    bad.inputs.pop_back();
    bad.out_dir = (root / "bad").string();
    std::ostringstream o2, e2;
    CHECK(MergeCommand(bad, o2, e2) == kExitBadInput);
    CHECK_THAT(e2.str(), Catch::Contains("shard 2/3 is missing"));
  }
}

TEST_CASE("chaos --junit writes one case per failure class with the reproducing command", "[cli][chaos]") {
  const fs::path root = TempDir("junit");
  ChaosArgs a;
  a.chaos = Bundled("workload-ignores-cancellation.json");
  a.seeds = 4;
  a.jobs = 1;
  a.out_dir = (root / "out").string();
  a.junit = (root / "chaos.xml").string();
  a.progress = false;
  std::ostringstream out, err;
  REQUIRE(ChaosCommand(a, kNoClock, out, err) == kExitExpectationFailed);
  const std::string xml = Slurp(a.junit);
  CHECK_THAT(xml, Catch::Contains("name=\"noSplitBrain:workload_ignores_cancellation\""));
  CHECK_THAT(xml, Catch::Contains("reproduce: leasesim run " + a.out_dir + "/shrunk/noSplitBrain-workload_ignores_cancellation.json"));
  CHECK_THAT(xml, Catch::Contains("failures=\"1\""));
}

TEST_CASE("check skips chaos files with a note", "[cli][chaos]") {
  CheckArgs a;
  a.paths = {Bundled("workload-ignores-cancellation.json"),
             std::string(LEASESIM_SOURCE_DIR) + "/scenarios/basics/steady.json"};
  a.jobs = 1;
  std::ostringstream out, err;
  CHECK(CheckCommand(a, kNoClock, out, err) == kExitPass);
  CHECK_THAT(err.str(), Catch::Contains("a chaos file (\"kind\": \"chaos\"), not a scenario: skipped"));
}

TEST_CASE("a bad chaos file is bad input with a one-line error", "[cli][chaos]") {
  const fs::path root = TempDir("bad");
  std::ofstream(root / "bad.json") << R"({"kind": "chaos", "base": {"candidates": [{"name": "a"}]}, "duration": "10m",
    "liveness": {"healAt": "5m", "leaderWithin": "1m"}, "faults": [{"kind": "crash", "count": 1, "for": "10"}]})";
  ChaosArgs a;
  a.chaos = (root / "bad.json").string();
  a.out_dir = (root / "out").string();
  std::ostringstream out, err;
  CHECK(ChaosCommand(a, kNoClock, out, err) == kExitBadInput);
  CHECK(err.str() == fmt::format("leasesim: {}: $.faults[0].for: invalid duration \"10\": time: missing unit in duration \"10\"\n",
                                 a.chaos));
  CHECK_FALSE(fs::exists(a.out_dir));
}

TEST_CASE("a YAML chaos file with a YAML base runs like JSON, check skips it, and its errors give the line", "[cli][chaos][yaml]") {
  const fs::path root = TempDir("yaml");
  std::ofstream(root / "base.yaml") << "clientGo: \"1.37\"\n"
                                       "defaults: {workload: {onStoppedLeading: keep_acting}}\n"
                                       "candidates:\n  - name: a\n  - {name: b, start: 1s}\n  - {name: c, start: 2s}\n";
  std::ofstream(root / "model.yaml") << "kind: chaos\nbase: base.yaml\nduration: 5m\n"
                                        "liveness: {healAt: 4m, leaderWithin: 30s}\n"
                                        "faults:\n  - {kind: partition, count: 2, for: {min: 1s, max: 40s}}\n"
                                        "properties: {noSplitBrain: true}\nseeds: 6\n";
  std::ofstream(root / "model.json") << R"({"kind": "chaos", "base": {"clientGo": "1.37",
    "defaults": {"workload": {"onStoppedLeading": "keep_acting"}},
    "candidates": [{"name": "a"}, {"name": "b", "start": "1s"}, {"name": "c", "start": "2s"}]},
    "duration": "5m", "liveness": {"healAt": "4m", "leaderWithin": "30s"},
    "faults": [{"kind": "partition", "count": 2, "for": {"min": "1s", "max": "40s"}}],
    "properties": {"noSplitBrain": true}, "seeds": 6})";
  const Found y = RunChaosCommand((root / "model.yaml").string(), 6, "yaml/y");
  const Found j = RunChaosCommand((root / "model.json").string(), 6, "yaml/j");
  CAPTURE(y.out);
  CHECK(y.code == kExitExpectationFailed);
  CHECK(y.code == j.code);
  CHECK(Slurp(y.dir / "runs.csv") == Slurp(j.dir / "runs.csv"));

  CheckArgs c;
  c.paths = {(root / "model.yaml").string(), std::string(LEASESIM_SOURCE_DIR) + "/scenarios/basics/steady.json"};
  c.jobs = 1;
  std::ostringstream out, err;
  CHECK(CheckCommand(c, kNoClock, out, err) == kExitPass);
  CHECK_THAT(err.str(), Catch::Contains("a chaos file (\"kind\": \"chaos\"), not a scenario: skipped"));

  std::ofstream(root / "bad.yaml") << "kind: chaos\nbase: base.yaml\nduration: 5m\n"
                                      "liveness: {healAt: 4m, leaderWithin: 30s}\n"
                                      "faults:\n  - kind: crash\n    count: 1\n    for: \"10\"\n";
  ChaosArgs a;
  a.chaos = (root / "bad.yaml").string();
  a.out_dir = (root / "bad-out").string();
  std::ostringstream o2, e2;
  CHECK(ChaosCommand(a, kNoClock, o2, e2) == kExitBadInput);
  CHECK(e2.str() == fmt::format("leasesim: {}: line 8: $.faults[0].for: invalid duration \"10\": time: missing unit in duration \"10\"\n",
                                a.chaos));
  CHECK_FALSE(fs::exists(a.out_dir));

  std::ofstream(root / "badbase.yaml") << "kind: chaos\nbase: missing.yaml\nduration: 5m\n"
                                          "liveness: {healAt: 4m, leaderWithin: 30s}\nfaults: []\n";
  a.chaos = (root / "badbase.yaml").string();
  std::ostringstream o3, e3;
  CHECK(ChaosCommand(a, kNoClock, o3, e3) == kExitBadInput);
  CHECK_THAT(e3.str(), Catch::StartsWith("leasesim: " + a.chaos + ": line 2: $.base: cannot read base scenario"));
}

TEST_CASE("chaos reproducers keep role targets and shrunk reproducers name the nodes the roles resolved to", "[cli][chaos]") {
  const fs::path root = TempDir("roles");
  std::ofstream(root / "roles.json") << R"({"kind": "chaos", "base": {"clientGo": "1.37",
    "defaults": {"workload": {"onStoppedLeading": "keep_acting"}},
    "candidates": [{"name": "a"}, {"name": "b", "start": "1s"}, {"name": "c", "start": "2s"}]},
    "duration": "5m", "liveness": {"healAt": "4m", "leaderWithin": "30s"},
    "faults": [{"kind": "partition", "count": 1, "targets": ["@leader"], "for": {"min": "20s", "max": "40s"}},
               {"kind": "latency", "count": 1, "targets": ["@follower"], "delay": "10ms", "for": "10s"}],
    "properties": {"noSplitBrain": true}, "seeds": 4})";
  const Found f = RunChaosCommand((root / "roles.json").string(), 4, "roles/out");
  CAPTURE(f.out);
  REQUIRE(f.code == kExitExpectationFailed);
  std::string err;
  auto rows = ParseChaosRunsCsv(Slurp(f.dir / "runs.csv"), "runs.csv", &err);
  REQUIRE(rows);
  int reproducers = 0;
  for (const ChaosRow& r : *rows) {
    if (!r.Failed()) continue;
    const nlohmann::json j = nlohmann::json::parse(Slurp(f.dir / fmt::format("reproducers/seed-{}.json", r.seed)));
    std::set<std::string> nodes;
    for (const auto& fault : j["faults"]) nodes.insert(fault.value("node", ""));
    CHECK(nodes.count("@leader") == 1);  // replays the run exactly: the simulator resolves the role again
    ++reproducers;
  }
  CHECK(reproducers > 0);
  const fs::path shrunk = f.dir / "shrunk" / "noSplitBrain-workload_ignores_cancellation.json";
  REQUIRE(fs::exists(shrunk));
  const nlohmann::json s = nlohmann::json::parse(Slurp(shrunk));
  REQUIRE(s["faults"].size() >= 1);
  for (const auto& fault : s["faults"]) {
    const std::string node = fault.value("node", "");
    CHECK((node == "a" || node == "b" || node == "c"));
  }
  RunArgs r;
  r.scenario = shrunk.string();
  std::ostringstream out, e2;
  CHECK(RunCommand(r, kNoClock, out, e2) == kExitExpectationFailed);
  CHECK_THAT(out.str(), Catch::Contains("kubernetes#23731"));
}

TEST_CASE("bad chaos files: each is one line naming the file and the JSON path, exit 2, nothing written", "[cli][chaos]") {
  const fs::path root = TempDir("bad-several");
  const std::string head = R"({"kind": "chaos", "base": {"candidates": [{"name": "a"}]}, "duration": "5m",
    "liveness": {"healAt": "4m", "leaderWithin": "30s"}, )";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"kind": "chaos", "base": "nope.json", "duration": "5m", "liveness": {"healAt": "4m", "leaderWithin": "30s"}, "faults": []})",
       "$.base: cannot read base scenario "},
      {head + R"("faults": {}})", "$.faults: expected an array of fault families, got an object"},
      {head + R"("faults": [], "seeds": 0})", "$.seeds: must be in [1, 100000000], got 0"},
      {head + R"("faults": [{"kind": "crash", "count": 1, "for": "1s"}, {"kind": "crash", "count": 1, "for": "1s"}]})",
       "$.faults[1]: two families named \"crash\": give one a \"name\""},
      {head + R"("faults": [{"kind": "latency", "count": 1, "for": "1s", "delay": {"min": "1s", "max": "2s", "dist": "gaussian"}}]})",
       "$.faults[0].delay.dist: expected \"uniform\" or \"logUniform\", got \"gaussian\""},
      {head + R"("faults": [], "properties": {"failoverAtMost": {"within": "1s", "after": ["boom"]}}})",
       "$.properties.failoverAtMost.after[0]: unknown fault kind \"boom\""},
      {head + R"("faults": [{"kind": "partition", "count": 1, "for": "1s", "targets": ["@boss"]}]})",
       "$.faults[0].targets[0]: unknown role \"@boss\""},
      {head + R"("faults": [], "seed": -1})", "$.seed: expected an unsigned integer"},
      {std::string("\xff\xfe{\x00}\x00", 6), "file is UTF-16; leasesim reads UTF-8"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const fs::path file = root / fmt::format("bad{}.json", i);
    std::ofstream(file, std::ios::binary) << cases[i].first;
    ChaosArgs a;
    a.chaos = file.string();
    a.out_dir = (root / fmt::format("out{}", i)).string();
    std::ostringstream out, err;
    CAPTURE(i, err.str());
    CHECK(ChaosCommand(a, kNoClock, out, err) == kExitBadInput);
    CHECK_THAT(err.str(), Catch::StartsWith("leasesim: " + file.string() + ": " + cases[i].second));
    const std::string e = err.str();
    CHECK(std::count(e.begin(), e.end(), '\n') == 1);
    CHECK_FALSE(fs::exists(a.out_dir));
  }
}

TEST_CASE("chaos finds the coordinated end-of-term deadlock after a rolling upgrade and shrinks it to one fault",
          "[cli][chaos][coordinated]") {
  // docs/coordinated.md, "An end-of-term Lease whose holder is elected again": faithful to
  // upstream; scenarios/coordinated/end-of-term-same-identity-deadlock.json keeps it.
  const fs::path root = TempDir("coordinated");
  std::ofstream(root / "coord.json") << fmt::format(R"({{"kind": "chaos",
    "base": "{}/scenarios/coordinated/rolling-upgrade-coordinated.json",
    "duration": "10m", "liveness": {{"healAt": "7m", "leaderWithin": "1m"}},
    "faults": [{{"kind": "crash", "count": {{"min": 1, "max": 2}}, "targets": ["@leader"], "for": {{"min": "5s", "max": "1m"}}}},
               {{"kind": "pause", "count": {{"min": 0, "max": 2}}, "targets": ["@follower"], "for": {{"min": "1s", "max": "20s"}}}}],
    "properties": {{"noSplitBrain": true, "invariants": true}}, "seeds": 8}})",
                                                    fs::relative(LEASESIM_SOURCE_DIR, root).generic_string());
  const Found f = RunChaosCommand((root / "coord.json").string(), 8, "coordinated/out");
  CAPTURE(f.out);
  REQUIRE(f.code == kExitExpectationFailed);
  CHECK_THAT(f.out, Catch::Contains("liveness:no_leader_after_heal"));
  const nlohmann::json s = nlohmann::json::parse(Slurp(f.dir / "shrunk" / "liveness-no_leader_after_heal.json"));
  CHECK(s["faults"].size() == 4);  // the base's three upgrade restarts and one drawn crash of the leader
  RunArgs r;
  r.scenario = (f.dir / "shrunk" / "liveness-no_leader_after_heal.json").string();
  std::ostringstream out, err;
  CHECK(RunCommand(r, kNoClock, out, err) == kExitExpectationFailed);
  CHECK_THAT(out.str(), Catch::Contains("no new leader"));
}

TEST_CASE("issue14: chaos checks --out and --junit before its first run", "[cli][chaos]") {
  const fs::path root = TempDir("out-first");
  fs::create_directories(root / "mine");
  { std::ofstream(root / "mine" / "notes.txt") << "keep me"; }
  int clock_reads = 0;  // the wall clock is first read when the runs start
  const WallClock counting = [&] { return static_cast<double>(++clock_reads); };
  ChaosArgs a;
  a.chaos = Bundled("workload-ignores-cancellation.json");
  a.seeds = 2;
  a.jobs = 1;
  a.progress = false;
  a.out_dir = (root / "mine").string();
  std::ostringstream out, err;
  CHECK(ChaosCommand(a, counting, out, err) == kExitBadInput);
  CHECK_THAT(err.str(), Catch::Contains("mine: not empty and not an output of this command (no manifest.json)"));
  CHECK(clock_reads == 0);
  CHECK(out.str().empty());
  CHECK(Slurp(root / "mine" / "notes.txt") == "keep me");
  CHECK_FALSE(fs::exists(root / "mine.partial"));

  a.out_dir = (root / "out").string();
  a.junit = (root / "no-such-dir" / "chaos.xml").string();
  std::ostringstream o2, e2;
  CHECK(ChaosCommand(a, counting, o2, e2) == kExitBadInput);
  CHECK_THAT(e2.str(), Catch::Contains("chaos.xml: cannot write"));
  CHECK(clock_reads == 0);
  CHECK_FALSE(fs::exists(a.out_dir));
}

TEST_CASE("issue14: chaos reproduce lines name leasesim as it was invoked", "[cli][chaos]") {
  const fs::path root = TempDir("program");
  ChaosArgs a;
  a.chaos = Bundled("workload-ignores-cancellation.json");
  a.seeds = 4;
  a.jobs = 1;
  a.out_dir = (root / "out").string();
  a.junit = (root / "chaos.xml").string();
  a.progress = false;
  a.program = "build/release/leasesim";
  std::ostringstream out, err;
  REQUIRE(ChaosCommand(a, kNoClock, out, err) == kExitExpectationFailed);
  const std::string shrunk = a.out_dir + "/shrunk/noSplitBrain-workload_ignores_cancellation.json";
  CHECK_THAT(out.str(), Catch::Contains("reproduce noSplitBrain:workload_ignores_cancellation: build/release/leasesim run " + shrunk + "\n"));
  CHECK_THAT(Slurp(a.junit), Catch::Contains("reproduce: build/release/leasesim run " + shrunk));
  CHECK(ProgramName("leasesim") == "leasesim");
  CHECK(ProgramName("build/release/leasesim") == "build/release/leasesim");
  CHECK(ProgramName("/opt/my tools/leasesim") == "'/opt/my tools/leasesim'");
}
