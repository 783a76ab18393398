// sweep_test.cc — the `leasesim sweep` and `leasesim merge` commands: sharded + merged
// output byte-equal to an unsharded run; a missing or doubled shard is bad input.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
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
    CHECK(DirFiles(a.out_dir).size() == 2);  // manifest.json + runs.csv only
    shard_dirs.push_back(a.out_dir);
  }
  MergeArgs m;
  m.inputs = {shard_dirs[2], shard_dirs[0], shard_dirs[1]};  // any order
  m.out_dir = (root / "merged").string();
  INFO(err.str());
  REQUIRE(MergeCommand(m, out, err) == kExitPass);
  const auto whole = DirFiles(root / "whole"), merged = DirFiles(root / "merged");
  CHECK(whole.size() == 9);
  REQUIRE(whole.count("runs.csv"));
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
    CHECK(e2.str() == "merge: shard 1/3 is missing\n");
  }
  SECTION("a shard given twice is an error") {
    m.inputs = {shard_dirs[0], shard_dirs[1], shard_dirs[1]};
    std::ostringstream e2;
    CHECK(MergeCommand(m, out, e2) == kExitBadInput);
    CHECK(e2.str().ends_with("shard 1/3 given twice\n"));
  }
}

