// export_test.cc — `leasesim run --perfetto FILE` and `leasesim export TRACE --perfetto
// FILE`: the same Trace Event Format file either way, no temporary file left behind, and
// bad input named with exit 2 and no output file.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"

using namespace leasesim::sim;
namespace fs = std::filesystem;

namespace {

double FakeWall() { return 0; }

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path TempDir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("leasesim-test-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST_CASE("run --perfetto and export --perfetto write the same Trace Event Format file", "[cli][export]") {
  const fs::path dir = TempDir("export");
  RunArgs run;
  run.scenario = std::string(LEASESIM_SOURCE_DIR) + "/scenarios/basics/crash-failover.json";
  run.perfetto = (dir / "run.json").string();
  run.quiet = true;
  std::ostringstream out, err;
  REQUIRE(RunCommand(run, FakeWall, out, err) == kExitPass);
  // Only the requested file: the temporary trace is gone.
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path().filename().string());
  CHECK(files == std::vector<std::string>{"run.json"});
  const nlohmann::json doc = nlohmann::json::parse(Slurp(dir / "run.json"));
  CHECK(doc["traceEvents"].size() > 100);
  CHECK(doc["otherData"]["scenario"] == "basics/crash-failover");

  run.perfetto = (dir / "run2.json").string();
  run.trace = (dir / "trace.jsonl").string();
  REQUIRE(RunCommand(run, FakeWall, out, err) == kExitPass);
  CHECK(fs::exists(dir / "trace.jsonl"));  // asked for: kept
  ExportArgs ex{(dir / "trace.jsonl").string(), (dir / "export.json").string()};
  std::ostringstream eout, eerr;
  REQUIRE(ExportCommand(ex, eout, eerr) == kExitPass);
  CHECK(eout.str() == "wrote " + ex.perfetto + " (open it in https://ui.perfetto.dev or chrome://tracing)\n");
  CHECK(Slurp(dir / "export.json") == Slurp(dir / "run.json"));
  CHECK(Slurp(dir / "run2.json") == Slurp(dir / "run.json"));
}

TEST_CASE("export: a file that is not a trace is bad input and writes nothing", "[cli][export]") {
  const fs::path dir = TempDir("export-bad");
  const std::string scenario = std::string(LEASESIM_SOURCE_DIR) + "/scenarios/basics/steady.json";
  ExportArgs ex{scenario, (dir / "out.json").string()};
  std::ostringstream out, err;
  CHECK(ExportCommand(ex, out, err) == kExitBadInput);
  CHECK(err.str().rfind("leasesim: " + scenario + ": line 1: ", 0) == 0);
  CHECK_FALSE(fs::exists(dir / "out.json"));
  CHECK_FALSE(fs::exists(dir / "out.json.tmp"));
  ex.trace = (dir / "missing.jsonl").string();
  err.str("");
  CHECK(ExportCommand(ex, out, err) == kExitBadInput);
  CHECK(err.str() == "leasesim: " + ex.trace + ": cannot read file: no such file\n");
}
