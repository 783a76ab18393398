// sweep_test.cc — the `leasesim sweep` and `leasesim merge` commands: sharded + merged
// output byte-equal to an unsharded run; a missing or doubled shard is bad input.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "harness/sweep/sweep.h"
#include "sim/runner.h"

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

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path TempDir(const std::string& name) {
  fs::path d = fs::path(LEASESIM_BINARY_DIR) / "sweep_command_test_tmp" / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::map<std::string, std::string> DirFiles(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out[e.path().filename().string()] = Slurp(e.path());
  return out;
}

const WallClock kNoClock = [] { return 0.0; };

}  // namespace

TEST_CASE("three shards merged equal the unsharded sweep byte for byte", "[sim][sweep]") {
  const fs::path root = TempDir("shards");
  {
    std::ofstream(root / "sweep.json") << kTinySweep;
  }
  std::ostringstream out, err;
  SweepArgs a;
  a.sweep = (root / "sweep.json").string();
  a.jobs = 2;
  a.progress = false;
  a.out_dir = (root / "whole").string();
  REQUIRE(SweepCommand(a, kNoClock, out, err) == kExitPass);
  std::vector<std::string> shard_dirs;
  for (int i = 0; i < 3; ++i) {
    a.shard = fmt::format("{}/3", i);
    a.jobs = 1 + i;  // a different worker count per shard changes nothing
    a.out_dir = (root / fmt::format("shard{}", i)).string();
    REQUIRE(SweepCommand(a, kNoClock, out, err) == kExitPass);
    CHECK(DirFiles(a.out_dir).size() == 3);  // manifest.json, runs.csv and failovers.csv only
    shard_dirs.push_back(a.out_dir);
  }
  MergeArgs m;
  m.inputs = {shard_dirs[2], shard_dirs[0], shard_dirs[1]};  // any order
  m.out_dir = (root / "merged").string();
  INFO(err.str());
  REQUIRE(MergeCommand(m, out, err) == kExitPass);
  const auto whole = DirFiles(root / "whole"), merged = DirFiles(root / "merged");
  CHECK(whole.size() == 11);
  REQUIRE(whole.count("runs.csv"));
  REQUIRE(whole.count("failovers.csv"));
  REQUIRE(whole.count("sweep.json"));
  for (const auto& [name, content] : whole) {
    INFO(name);
    REQUIRE(merged.count(name));
    CHECK(merged.at(name) == content);
  }
  CHECK(merged.size() == whole.size());

  SECTION("a missing shard is an error") {
    m.inputs = {shard_dirs[0], shard_dirs[2]};
    std::ostringstream e2;
    CHECK(MergeCommand(m, out, e2) == kExitBadInput);
    CHECK(e2.str() == "leasesim: merge: shard 1/3 is missing\n");
  }
  SECTION("a shard given twice is an error") {
    m.inputs = {shard_dirs[0], shard_dirs[1], shard_dirs[1]};
    std::ostringstream e2;
    CHECK(MergeCommand(m, out, e2) == kExitBadInput);
    CHECK(e2.str().ends_with("shard 1/3 given twice\n"));
  }
}


namespace {

// NoParamsSweep is kTinySweep's base with nothing varied: one point, no heatmap.
const char* kNoParamsSweep = R"({
  "base": {"duration": "3m", "candidateCount": 3, "startSpread": "1s",
           "faults": [{"at": "1m", "kind": "crash", "node": "c0", "for": "30s"}]},
  "seeds": 2
})";

SweepArgs TinyArgs(const fs::path& root, const char* text, const std::string& out) {
  std::ofstream(root / "sweep.json") << text;
  SweepArgs a;
  a.sweep = (root / "sweep.json").string();
  a.jobs = 2;
  a.progress = false;
  a.out_dir = (root / out).string();
  return a;
}

}  // namespace

TEST_CASE("issue15 item 12: sweep --out that cannot be created fails before any run", "[sim][sweep]") {
  const fs::path root = TempDir("out-unwritable");
  { std::ofstream(root / "file") << "x"; }
  SweepArgs a = TinyArgs(root, kTinySweep, "file/out");  // a parent that is a file
  std::ostringstream out, err;
  CHECK(SweepCommand(a, kNoClock, out, err) == kExitBadInput);
  CHECK_THAT(err.str(), Catch::Contains("file/out.partial: cannot create directory"));
  CHECK(out.str().empty());
}

TEST_CASE("issue15 item 13: a sweep output directory never mixes runs", "[sim][sweep]") {
  const fs::path root = TempDir("no-mixing");
  std::ostringstream out, err;
  SweepArgs a = TinyArgs(root, kTinySweep, "out");
  REQUIRE(SweepCommand(a, kNoClock, out, err) == kExitPass);
  REQUIRE(DirFiles(a.out_dir).count("heatmap.svg"));

  SECTION("a sweep with fewer parameters leaves no old heatmap") {
    SweepArgs b = TinyArgs(root, kNoParamsSweep, "out");
    REQUIRE(SweepCommand(b, kNoClock, out, err) == kExitPass);
    const auto files = DirFiles(b.out_dir);
    CHECK_FALSE(files.count("heatmap.csv"));
    CHECK_FALSE(files.count("heatmap.svg"));
    CHECK(files.count("runs.csv"));
  }
  SECTION("a shard into a full directory leaves only the shard's files") {
    a.shard = "1/2";
    REQUIRE(SweepCommand(a, kNoClock, out, err) == kExitPass);
    const auto files = DirFiles(a.out_dir);
    CHECK(files.size() == 3);
    CHECK(files.count("manifest.json"));
    CHECK(files.count("runs.csv"));
    CHECK(files.count("failovers.csv"));
  }
  SECTION("a directory that is not a sweep output is never replaced") {
    fs::create_directories(root / "mine");
    { std::ofstream(root / "mine" / "notes.txt") << "keep me"; }
    SweepArgs c = TinyArgs(root, kTinySweep, "mine");
    std::ostringstream e2;
    CHECK(SweepCommand(c, kNoClock, out, e2) == kExitBadInput);
    CHECK_THAT(e2.str(), Catch::Contains("mine: not empty and not an output of this command (no manifest.json)"));
    CHECK(Slurp(root / "mine" / "notes.txt") == "keep me");
    CHECK_FALSE(fs::exists(root / "mine.partial"));
  }
  CHECK_FALSE(fs::exists(root / "out.partial"));
  CHECK_FALSE(fs::exists(root / "out.old"));
}

TEST_CASE("issue15 item 13: an interrupted sweep keeps its finished runs and --resume reuses them", "[sim][sweep]") {
  const fs::path root = TempDir("resume");
  std::ostringstream out, err;
  SweepArgs whole = TinyArgs(root, kTinySweep, "whole");
  REQUIRE(SweepCommand(whole, kNoClock, out, err) == kExitPass);
  const auto expected = DirFiles(whole.out_dir);

  // An interrupted sweep: cancelled (as by SIGINT) before it finishes.
  SweepArgs a = TinyArgs(root, kTinySweep, "out");
  std::atomic<bool> cancel{true};
  a.cancel = &cancel;
  CHECK_THROWS_AS(SweepCommand(a, kNoClock, out, err), RunCancelled);
  CHECK_FALSE(fs::exists(a.out_dir));  // nothing half-written in place
  const fs::path staging = root / "out.partial";
  REQUIRE(fs::exists(staging / "manifest.json"));
  REQUIRE(fs::exists(staging / "runs.partial.csv"));
  CHECK(err.str().find("rerun with --resume") != std::string::npos);

  // Its journal as a run killed after three runs (and mid-way through a fourth line) leaves it.
  std::string perr;
  const auto rows = ParseRunsCsv(expected.at("runs.csv"), expected.at("failovers.csv"), "runs.csv", "failovers.csv", &perr);
  REQUIRE(rows);
  const std::string csv = JournalCsv(*rows);
  size_t cut = 0;
  for (int line = 0; line < 4; ++line) cut = csv.find('\n', cut) + 1;  // header + 3 rows
  { std::ofstream(staging / "runs.partial.csv", std::ios::binary) << csv.substr(0, cut) << "9,2,0,12"; }

  a.cancel = nullptr;
  a.resume = true;
  std::ostringstream o2, e2;
  REQUIRE(SweepCommand(a, kNoClock, o2, e2) == kExitPass);
  CHECK_THAT(o2.str(), Catch::StartsWith("resuming: 3 finished run(s) reused from " + staging.string() + "/\n"));
  CHECK(DirFiles(a.out_dir) == expected);  // exactly an uninterrupted sweep's files
  CHECK_FALSE(fs::exists(staging));

  SECTION("--resume of another sweep's journal is refused") {
    SweepArgs b = TinyArgs(root, kNoParamsSweep, "other");
    std::atomic<bool> stop{true};
    b.cancel = &stop;
    CHECK_THROWS_AS(SweepCommand(b, kNoClock, out, err), RunCancelled);
    SweepArgs c = TinyArgs(root, kTinySweep, "other");
    c.resume = true;
    std::ostringstream e3;
    CHECK(SweepCommand(c, kNoClock, out, e3) == kExitBadInput);
    CHECK_THAT(e3.str(), Catch::Contains("an interrupted run of a different sweep or shard"));
  }
  SECTION("without --resume a stale staging directory is started over") {
    SweepArgs b = TinyArgs(root, kTinySweep, "again");
    fs::create_directories(root / "again.partial");
    { std::ofstream(root / "again.partial" / "stale.svg") << "old"; }
    REQUIRE(SweepCommand(b, kNoClock, out, err) == kExitPass);
    CHECK(DirFiles(b.out_dir) == expected);
  }
}

TEST_CASE("issue15 item 3: sweep --min-safety-margin takes a Go duration and lowering the floor widens the front",
          "[sim][sweep]") {
  const fs::path root = TempDir("floor-flags");
  SweepArgs a = TinyArgs(root, kTinySweep, "out");
  a.min_safety_margin = "15";  // no unit
  std::ostringstream out, err;
  CHECK(SweepCommand(a, kNoClock, out, err) == kExitBadInput);
  CHECK(err.str() == "leasesim: --min-safety-margin: time: missing unit in duration \"15\"\n");
  CHECK(out.str().empty());
  CHECK_FALSE(fs::exists(a.out_dir));
  // kTinySweep's valid points are 15s/10s/1s (margin 4s, ratio 1.36) and 15s/10s/2s (3s, 1.25).
  a.min_safety_margin = "3500ms";
  std::ostringstream o2, e2;
  REQUIRE(SweepCommand(a, kNoClock, o2, e2) == kExitPass);
  CHECK_THAT(o2.str(), Catch::Contains("  constraint: no split-brain in any seed, safety margin LD-RD-RP >= 3.5s, "
                                       "tolerated clock-rate ratio LD/(RD+RP) >= 1.25\n"));
  const auto sweep = nlohmann::json::parse(Slurp(fs::path(a.out_dir) / "sweep.json"));
  for (const auto& p : sweep.at("paretoFront")) CHECK(p == 2);  // point 3 (margin 3s) is below the floor
}

TEST_CASE("sweep --seeds overrides the file's seeds: the runs, the output's sweep.json and the same runs as the file saying so", "[sim][sweep]") {
  const fs::path root = TempDir("seeds-flag");
  std::ofstream(root / "sweep.json") << kTinySweep;  // "seeds": 3
  std::string five = kTinySweep;
  five.replace(five.find("\"seeds\": 3"), 10, "\"seeds\": 5");
  fs::create_directories(root / "five");
  std::ofstream(root / "five" / "sweep.json") << five;  // (same file name: the run names, so the hashes, match)
  std::ostringstream out, err;
  SweepArgs a;
  a.sweep = (root / "sweep.json").string();
  a.jobs = 2;
  a.progress = false;
  a.seeds = 5;
  a.out_dir = (root / "flag").string();
  REQUIRE(SweepCommand(a, kNoClock, out, err) == kExitPass);
  const auto by_flag = DirFiles(a.out_dir);
  CHECK(nlohmann::json::parse(by_flag.at("sweep.json"))["seeds"] == 5);
  // 4 points (leaseDuration 10s is invalid with renewDeadline 10s: 2 valid) x 5 seeds.
  const std::string runs = by_flag.at("runs.csv");
  CHECK(std::count(runs.begin(), runs.end(), '\n') == 1 + 2 * 5);
  // The same as a file that says 5 seeds, file for file.
  a.sweep = (root / "five" / "sweep.json").string();
  a.seeds.reset();
  a.out_dir = (root / "file").string();
  REQUIRE(SweepCommand(a, kNoClock, out, err) == kExitPass);
  auto by_file = DirFiles(a.out_dir);
  CHECK(by_file.at("runs.csv") == runs);
  CHECK(by_file.at("failovers.csv") == by_flag.at("failovers.csv"));

  // Out of range: bad input, before any run or output.
  for (const int64_t bad : {int64_t{0}, int64_t{-3}, int64_t{1'000'001}}) {
    CAPTURE(bad);
    std::ostringstream o2, e2;
    a.sweep = (root / "sweep.json").string();
    a.seeds = bad;
    a.out_dir = (root / "bad").string();
    CHECK(SweepCommand(a, kNoClock, o2, e2) == kExitBadInput);
    CHECK(e2.str() == fmt::format("leasesim sweep: --seeds: expected an integer in [1, 1000000], got {}\n", bad));
    CHECK_FALSE(fs::exists(root / "bad"));
  }
}
