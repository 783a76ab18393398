// run_test.cc — `leasesim run` end to end: determinism of every bundled scenario, the
// report's schema, and bad input (exit 2, the JSON path named, no file left behind).
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "sim/runner.h"

using namespace leasesim::sim;
namespace fs = std::filesystem;

namespace {

double FakeWall() { return 0; }

std::vector<fs::path> BundledScenarios() {
  std::vector<fs::path> v;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(LEASESIM_SOURCE_DIR) / "scenarios")) {
    // scenarios/chaos/ holds fault models for `leasesim chaos`, not scenarios (docs/chaos.md).
    if (e.is_regular_file() && e.path().extension() == ".json" && e.path().parent_path().filename() != "chaos") {
      v.push_back(e.path());
    }
  }
  std::sort(v.begin(), v.end());
  return v;
}

fs::path TempDir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("leasesim-test-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST_CASE("every bundled scenario gives the same trace hash twice and its expectations hold", "[sim][run][slow]") {
  const auto files = BundledScenarios();
  REQUIRE(files.size() >= 9);
  for (const fs::path& f : files) {
    CAPTURE(f.string());
    std::string err;
    auto s = LoadScenarioFile(f, &err);
    REQUIRE(s);
    RunResult a = RunScenario(*s, {});
    RunResult b = RunScenario(*s, {});
    CHECK(a.stats.trace_hash == b.stats.trace_hash);
    CHECK(a.stats.events == b.stats.events);
    CHECK(a.stats.trace_hash.size() == 16);
    CHECK(a.passed);
  }
}

TEST_CASE("the trace file's footer hash equals the hash of a run without a trace", "[sim][run]") {
  const fs::path dir = TempDir("trace");
  std::string err;
  auto s = LoadScenarioFile(fs::path(LEASESIM_SOURCE_DIR) / "scenarios/basics/crash-failover.json", &err);
  REQUIRE(s);
  RunOptions o;
  o.trace_path = (dir / "t.jsonl").string();
  RunResult with = RunScenario(*s, o);
  RunResult without = RunScenario(*s, {});
  CHECK(with.stats.trace_hash == without.stats.trace_hash);
  std::ifstream in(dir / "t.jsonl");
  std::string line, last;
  size_t lines = 0;
  while (std::getline(in, line)) {
    last = line;
    ++lines;
  }
  const auto footer = nlohmann::json::parse(last);
  CHECK(footer.at("type") == "footer");
  CHECK(footer.at("trace_hash") == with.stats.trace_hash);  // the trace format keeps its keys
  CHECK(footer.at("events").get<uint64_t>() + 2 == lines);
  CHECK_FALSE(fs::exists(dir / "t.jsonl.tmp"));
  fs::remove_all(dir);
}

TEST_CASE("a different seed changes the run", "[sim][run]") {
  std::string err;
  auto s = LoadScenarioFile(fs::path(LEASESIM_SOURCE_DIR) / "scenarios/basics/crash-failover.json", &err);
  REQUIRE(s);
  RunOptions o;
  o.seed = 99;
  CHECK(RunScenario(*s, o).stats.trace_hash != RunScenario(*s, {}).stats.trace_hash);
}

TEST_CASE("leasesim run --report writes the report schema", "[sim][run]") {
  const fs::path dir = TempDir("report");
  RunArgs a;
  a.scenario = (fs::path(LEASESIM_SOURCE_DIR) / "scenarios/basics/crash-failover.json").string();
  a.report = (dir / "r.json").string();
  std::ostringstream out, err;
  REQUIRE(RunCommand(a, FakeWall, out, err) == kExitPass);
  CHECK(out.str().rfind("seed: 7\n", 0) == 0);  // the seed is printed first
  std::ifstream in(a.report);
  const nlohmann::json r = nlohmann::json::parse(in);
  for (const char* k : {"scenario", "seed", "clientGo", "simDurationSeconds", "events", "wallSeconds", "traceHash", "leaders",
                        "splitBrain", "noLeader", "transitions", "failovers", "api", "expectations", "verdict"}) {
    CAPTURE(k);
    CHECK(r.contains(k));
  }
  CHECK(r["seed"] == 7);
  CHECK(r["simDurationSeconds"] == 600.0);
  CHECK(r["verdict"] == "pass");
  for (const char* k : {"believed", "acting"}) CHECK(r["leaders"]["a"][k].is_array());
  CHECK(r["leaders"]["a"]["believed"][0].size() == 2);
  for (const char* k : {"totalSeconds", "maxSeconds", "intervals"}) CHECK(r["splitBrain"].contains(k));
  for (const char* k : {"totalSeconds", "maxGapSeconds", "intervals"}) CHECK(r["noLeader"].contains(k));
  REQUIRE(r["failovers"].size() == 1);
  for (const char* k : {"fault", "atSeconds", "newLeaderAtSeconds", "failoverSeconds"}) CHECK(r["failovers"][0].contains(k));
  CHECK(r["failovers"][0]["failoverSeconds"].get<double>() > 10);
  CHECK(r["failovers"][0]["failoverSeconds"].get<double>() < 25);
  for (const char* k : {"requests", "responses", "perSecond"}) CHECK(r["api"].contains(k));
  for (const auto& e : r["expectations"]) {
    CHECK(e.contains("expect"));
    CHECK(e["held"].is_boolean());
    CHECK(e.contains("actual"));
  }
  fs::remove_all(dir);
}

TEST_CASE("leasesim run: a failed expectation exits 1 and names the seed", "[sim][run]") {
  const fs::path dir = TempDir("fail");
  std::ifstream in(fs::path(LEASESIM_SOURCE_DIR) / "scenarios/basics/crash-failover.json");
  nlohmann::json j = nlohmann::json::parse(in);
  j["expect"] = nlohmann::json::array({{{"kind", "transitions_at_most"}, {"count", 0}}});
  std::ofstream(dir / "s.json") << j.dump();
  RunArgs a;
  a.scenario = (dir / "s.json").string();
  std::ostringstream out, err;
  CHECK(RunCommand(a, FakeWall, out, err) == kExitExpectationFailed);
  CHECK(err.str().find("seed 7") != std::string::npos);
  CHECK(out.str().find("[FAILED]") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("leasesim run: bad input exits 2 with file, JSON path and reason, and leaves no file", "[sim][run]") {
  struct Case {
    const char* file;
    const char* expect;
  };
  const std::vector<Case> cases = {
      {"missing.json", "missing.json"},
      {"bad-json.json", "line 2, column"},
      {"bad-unknown-key.json", "$.candidates[0].clock.drift: unknown key"},
      {"bad-type.json", "$.candidates[0].releaseOnCancel"},
      {"bad-duration.json", "$.candidates[0].leaseDuration: invalid duration \"15\""},
      {"bad-client-go-config.json", "$.candidates[0]: leaseDuration must be greater than renewDeadline"},
      {"bad-fault-node.json", "$.faults[0].node"},
      {"bad-fault-time.json", "$.faults[0].at"},
      {"bad-version.json", "$.clientGo"},
  };
  const fs::path dir = TempDir("bad");
  for (const Case& c : cases) {
    CAPTURE(c.file);
    RunArgs a;
    a.scenario = (fs::path(LEASESIM_SOURCE_DIR) / "tests/data/run" / c.file).string();
    a.trace = (dir / "t.jsonl").string();
    a.report = (dir / "r.json").string();
    std::ostringstream out, err;
    CHECK(RunCommand(a, FakeWall, out, err) == kExitBadInput);
    const std::string msg = err.str();
    CAPTURE(msg);
    CHECK(msg.find(c.file) != std::string::npos);
    CHECK(msg.find(c.expect) != std::string::npos);
    CHECK(std::count(msg.begin(), msg.end(), '\n') == 1);  // one line
    CHECK(fs::is_empty(dir));                             // no trace, no report, no temp file
  }
  SECTION("an unwritable trace path is bad input too, and leaves nothing") {
    RunArgs a;
    a.scenario = (fs::path(LEASESIM_SOURCE_DIR) / "scenarios/basics/steady.json").string();
    a.trace = (dir / "no-such-dir" / "t.jsonl").string();
    std::ostringstream out, err;
    CHECK(RunCommand(a, FakeWall, out, err) == kExitBadInput);
    CHECK(err.str().find("no-such-dir/t.jsonl") != std::string::npos);
    CHECK(fs::is_empty(dir));
  }
  fs::remove_all(dir);
}

TEST_CASE("apiserver.writeAckLatency delays every write's acknowledgement after its commit", "[sim][run]") {
  // Writes are acknowledged 4s after they commit (readers see them at once). The old
  // leader's last renewal is acknowledged late, which stretches its belief; but the new
  // leader's takeover Update is acknowledged just as late, so the handover shifts by the
  // same lag and does not overlap (the asymmetric case is split-brain/slow-write).
  const std::string base = R"({
    "name": "ack-lag", "seed": 5, "duration": "3m", "apiserver": {APISERVER},
    "candidates": [{"name": "a", "clientTimeout": "9s"}, {"name": "b", "start": "1s", "clientTimeout": "9s"},
                   {"name": "c", "start": "2s", "clientTimeout": "9s"}],
    "faults": [{"at": "1m", "kind": "partition", "node": "a", "mode": "requests", "for": "1m"}]
  })";
  auto run = [&](const std::string& apiserver) {
    std::string text = base;
    text.replace(text.find("{APISERVER}"), 11, apiserver);
    std::string err;
    auto s = ParseScenario(text, "inline", &err);
    REQUIRE(s);
    return RunScenario(*s, {});
  };
  RunResult lag = run(R"({"writeAckLatency": "4s"})");
  RunResult none = run("{}");
  const RenewalWrite& last = lag.input.nodes[0].renewals.back();
  CHECK(last.received - last.applied >= 4s);
  CHECK(none.input.nodes[0].renewals.back().received - none.input.nodes[0].renewals.back().applied < 100ms);
  CHECK(lag.results.split_brain.empty());
  CHECK(none.results.split_brain.empty());
  REQUIRE(lag.results.failovers.size() == 1);
  REQUIRE(lag.results.failovers[0].new_leader_at.has_value());
  REQUIRE(none.results.failovers[0].new_leader_at.has_value());
  CHECK(*lag.results.failovers[0].new_leader_at - *none.results.failovers[0].new_leader_at > 3s);
}

TEST_CASE("issue15 item 1: --seed overrides the file's seed in the summary, the report and the trace header", "[sim][run]") {
  const fs::path dir = TempDir("seed-override");
  RunArgs a;
  a.scenario = (fs::path(LEASESIM_SOURCE_DIR) / "scenarios/basics/crash-failover.json").string();
  a.seed = 5;  // the file says 7
  a.report = (dir / "r.json").string();
  a.trace = (dir / "t.jsonl").string();
  std::ostringstream out, err;
  REQUIRE(RunCommand(a, FakeWall, out, err) == kExitPass);
  CHECK(out.str().rfind("seed: 5\n", 0) == 0);
  CHECK(out.str().find("(seed 5,") != std::string::npos);
  CHECK(out.str().find("(seed 7,") == std::string::npos);
  std::ifstream in(a.report);
  const nlohmann::json r = nlohmann::json::parse(in);
  CHECK(r["seed"] == 5);
  std::ifstream tin(a.trace);
  std::string header;
  REQUIRE(std::getline(tin, header));
  CHECK(nlohmann::json::parse(header).at("seed") == 5);
  fs::remove_all(dir);
}

TEST_CASE("issue15 item 12: --report into a missing directory fails before the run and leaves no trace", "[sim][run]") {
  const fs::path dir = TempDir("report-missing-dir");
  RunArgs a;
  a.scenario = (fs::path(LEASESIM_SOURCE_DIR) / "scenarios/basics/crash-failover.json").string();
  a.trace = (dir / "t.jsonl").string();
  a.report = (dir / "no-such-dir" / "r.json").string();
  std::ostringstream out, err;
  CHECK(RunCommand(a, FakeWall, out, err) == kExitBadInput);
  CHECK(err.str() == "leasesim: " + a.report + ": cannot write: No such file or directory\n");
  CHECK(out.str().empty());  // nothing ran: not even the seed line
  CHECK(fs::is_empty(dir));  // no trace, no temporary file

  SECTION("a report path that is a directory") {
    fs::create_directories(dir / "r.json");
    a.report = (dir / "r.json").string();
    std::ostringstream o2, e2;
    CHECK(RunCommand(a, FakeWall, o2, e2) == kExitBadInput);
    CHECK(e2.str() == "leasesim: " + a.report + ": cannot write: is a directory\n");
    CHECK_FALSE(fs::exists(dir / "t.jsonl"));
    CHECK_FALSE(fs::exists(dir / "t.jsonl.tmp"));
  }
  fs::remove_all(dir);
}

TEST_CASE("issue15 item 13: a cancelled run removes its trace's temporary file and leaves nothing", "[sim][run]") {
  const fs::path dir = TempDir("cancelled");
  // A stale temporary file of the same target from an earlier, killed run.
  { std::ofstream(dir / "t.jsonl.tmp") << "{\"type\":\"header\"...cut mid-line"; }
  RunArgs a;
  a.scenario = (fs::path(LEASESIM_SOURCE_DIR) / "scenarios/basics/crash-failover.json").string();
  a.trace = (dir / "t.jsonl").string();
  a.report = (dir / "r.json").string();
  std::atomic<bool> cancel{true};  // as main()'s SIGINT handler leaves it
  a.cancel = &cancel;
  std::ostringstream out, err;
  CHECK_THROWS_AS(RunCommand(a, FakeWall, out, err), RunCancelled);
  CHECK(fs::is_empty(dir));  // the stale .tmp is gone, and the run's own too

  SECTION("the run itself stops early: RunScenario throws RunCancelled") {
    std::string e;
    auto s = LoadScenarioFile(a.scenario, &e);
    REQUIRE(s);
    RunOptions o;
    o.trace_path = a.trace;
    o.cancel = &cancel;
    CHECK_THROWS_AS(RunScenario(*s, o), RunCancelled);
    CHECK(fs::is_empty(dir));
    cancel = false;
    CHECK(RunScenario(*s, o).stats.trace_hash == RunScenario(*s, {}).stats.trace_hash);  // an unset flag changes nothing
  }
}

TEST_CASE("run: an invariant breach fails the run (exit 1) and is listed in the summary and the report",
          "[cli][run][invariants]") {
  const fs::path dir = TempDir("invariant-breach");
  RunArgs a;
  a.scenario = (fs::path(LEASESIM_SOURCE_DIR) / "scenarios/basics/crash-failover.json").string();
  a.report = (dir / "report.json").string();
  {
    std::ostringstream out, err;
    CHECK(RunCommand(a, FakeWall, out, err) == kExitPass);
    std::ifstream in(a.report);
    CHECK(nlohmann::json::parse(in).at("invariantBreaches") == nlohmann::json::array());
  }
  a.test_break_invariant = "lease_transitions";  // the world resets leaseTransitions on its way
  std::ostringstream out, err;
  CHECK(RunCommand(a, FakeWall, out, err) == kExitExpectationFailed);
  CHECK_THAT(out.str(), Catch::Contains("[BREACHED] lease_transitions at 5m17.24s on b: holder changed a -> b but "
                                        "leaderTransitions went 0 -> 0 (expected 1)"));
  CHECK_THAT(out.str(), Catch::EndsWith("FAIL\n"));
  CHECK_THAT(err.str(), Catch::Contains("1 invariant breach(es), first lease_transitions at 5m17.24s (seed 7)"));
  std::ifstream in(a.report);
  const nlohmann::json j = nlohmann::json::parse(in);
  CHECK(j.at("verdict") == "fail");
  REQUIRE(j.at("invariantBreaches").size() == 1);
  CHECK(j.at("invariantBreaches")[0].at("invariant") == "lease_transitions");
  CHECK(j.at("invariantBreaches")[0].at("node") == "b");
  a.test_break_invariant = "nonsense";
  std::ostringstream out2, err2;
  CHECK(RunCommand(a, FakeWall, out2, err2) == kExitBadInput);
  fs::remove_all(dir);
}
