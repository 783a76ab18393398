// document_input_test.cc — YAML scenario files (sim/document_input.h): YAML 1.2 core-schema
// scalars, the same Scenario and trace hash as the JSON file, and errors that keep the
// JSON path and give the line.
#include "sim/document_input.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/runner.h"
#include "sim/scenario.h"

using namespace leasesim::sim;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json Yaml(const std::string& text) {
  std::string err;
  auto d = ParseYaml(text, "t.yaml", &err);
  INFO(err);
  REQUIRE(d);
  return d->root;
}

std::string ScenarioError(const std::string& text, const std::string& file = "s.yaml") {
  std::string err;
  CHECK_FALSE(ParseScenario(text, file, &err));
  return err;
}

// The YAML spelling of scenarios/basics/crash-failover.json, comments included.
const char* kCrashFailoverYaml = R"(# The leader crashes at 5m (no release).
name: basics/crash-failover
description: "The leader crashes (no release) at 5m. A follower can take over only once its local observation of the last changed record is LeaseDuration old: about LeaseDuration after the leader's last renewal, plus up to one jittered retry (2.2 x RetryPeriod) to first see that record and one more to try after expiry: roughly 13-24s at the defaults plus latency (reference section 1.16). No split-brain: the crashed process acts no more."
seed: 7
duration: 10m
lock: {kind: leases, namespace: kube-system, name: kube-scheduler}
candidates:
  - name: a
  - {name: b, start: 1s}
  - name: c
    start: 2s
faults:
  - id: crash-leader
    at: 5m
    kind: crash
    node: a
expect:
  - kind: no_split_brain
  - {kind: leader_within, after: crash-leader, within: 25s}
  - {kind: failover_at_most, within: 25s}
  - kind: transitions_at_most
    count: 1
)";

}  // namespace

TEST_CASE("yaml: scalars keep their types (YAML 1.2 core schema)", "[sim][yaml]") {
  const json j = Yaml(
      "d: 15s\nq: \"true\"\nb: true\nf: False\nn: 7\nneg: -3\nx: 0x1f\nr: 0.25\ne: 1e3\nz: ~\nempty:\n"
      "v: \"1.37\"\nyes_: yes\ns: 'it''s'\nlist: [1, two, 3s]\nbig: 18446744073709551615\n");
  CHECK(j["d"] == "15s");
  CHECK(j["q"] == "true");
  CHECK(j["b"] == true);
  CHECK(j["f"] == false);
  CHECK(j["n"].is_number_unsigned());  // as nlohmann's JSON parser stores 7
  CHECK(j["n"] == 7);
  CHECK(j["neg"].is_number_integer());
  CHECK(j["neg"] == -3);
  CHECK(j["x"] == 31);
  CHECK(j["r"].is_number_float());
  CHECK(j["r"] == 0.25);
  CHECK(j["e"] == 1000.0);
  CHECK(j["z"].is_null());
  CHECK(j["empty"].is_null());
  CHECK(j["v"] == "1.37");
  CHECK(j["yes_"] == "yes");  // YAML 1.1's yes/no are strings in 1.2
  CHECK(j["s"] == "it's");
  CHECK(j["list"] == json::array({1, "two", "3s"}));
  CHECK(j["big"] == UINT64_MAX);
  CHECK(Yaml("a: !!str 12\n")["a"] == "12");
  CHECK(Yaml("")  == nullptr);
}

TEST_CASE("yaml: IsYamlPath goes by the extension", "[sim][yaml]") {
  CHECK(IsYamlPath("a/b.yaml"));
  CHECK(IsYamlPath("b.yml"));
  CHECK(IsYamlPath("B.YAML"));
  CHECK_FALSE(IsYamlPath("b.json"));
  CHECK_FALSE(IsYamlPath("yaml"));
  CHECK_FALSE(IsYamlPath("b.yaml.json"));
}

TEST_CASE("yaml: a YAML scenario is the same scenario as its JSON file, same trace hash", "[sim][yaml]") {
  std::string err;
  auto from_json = LoadScenarioFile(fs::path(LEASESIM_SOURCE_DIR) / "scenarios/basics/crash-failover.json", &err);
  REQUIRE(from_json);
  auto from_yaml = ParseScenario(kCrashFailoverYaml, "crash-failover.yaml", &err);
  INFO(err);
  REQUIRE(from_yaml);
  CHECK(from_yaml->name == from_json->name);
  CHECK(from_yaml->description == from_json->description);
  REQUIRE(from_yaml->candidates.size() == 3);
  CHECK(from_yaml->candidates[1].start == from_json->candidates[1].start);
  const RunResult a = RunScenario(*from_json, {});
  const RunResult b = RunScenario(*from_yaml, {});
  CHECK(b.stats.trace_hash == a.stats.trace_hash);
  CHECK(b.passed);
}

TEST_CASE("yaml: the bundled YAML scenario loads from its file and passes", "[sim][yaml]") {
  std::string err;
  auto s = LoadScenarioFile(fs::path(LEASESIM_SOURCE_DIR) / "scenarios/basics/short-pause.yaml", &err);
  INFO(err);
  REQUIRE(s);
  CHECK(s->name == "basics/short-pause");
  CHECK(RunScenario(*s, {}).passed);
}

TEST_CASE("yaml: errors keep the file and JSON path and give the line", "[sim][yaml]") {
  CHECK(ScenarioError("candidates:\n  - name: a\n    leaseDuration: \"15\"\n") ==
        "s.yaml: line 3: $.candidates[0].leaseDuration: invalid duration \"15\": time: missing unit in duration \"15\"");
  // An unquoted number where a duration belongs: the type named, as for JSON.
  CHECK(ScenarioError("duration: 600\ncandidates: [{name: a}]\n") ==
        "s.yaml: line 1: $.duration: expected a Go duration string like \"15s\", got a number");
  // Unknown keys are named at their own line.
  CHECK(ScenarioError("candidates:\n  - name: a\n\n    leaseDurration: 15s\n").rfind(
            "s.yaml: line 4: $.candidates[0].leaseDurration: unknown key", 0) == 0);
  // A missing key is reported at the object that lacks it.
  CHECK(ScenarioError("seed: 1\nfaults:\n  - at: 1s\n    node: a\ncandidates: [{name: a}]\n")
            .rfind("s.yaml: line 3: $.faults[0]", 0) == 0);
  // Syntax errors: line and column.
  CHECK(ScenarioError("name: x\n  bad: [\n") == "s.yaml: line 2, column 6: invalid YAML: illegal map value");
  CHECK(ScenarioError("name: x\nname: y\n") == "s.yaml: line 2, column 1: invalid YAML: duplicate key \"name\"");
  CHECK(ScenarioError("name: x\n---\nname: y\n").rfind(
            "s.yaml: line 3, column 1: invalid YAML: more than one document", 0) == 0);
  CHECK(ScenarioError("[1, 2]\n") == "s.yaml: line 1: $: expected an object, got an array");
  // The same text under a .json name is read as JSON.
  CHECK(ScenarioError("name: x\n", "s.json").rfind("s.json: line 1, column 2: invalid JSON", 0) == 0);
}

TEST_CASE("yaml: ReadDocumentFile reads YAML or JSON by extension", "[sim][yaml]") {
  const fs::path dir = fs::temp_directory_path() / ("leasesim-test-document-input-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  { std::ofstream(dir / "a.yml") << "kind: Lease\nspec: {leaseDurationSeconds: 15}\n"; }
  { std::ofstream(dir / "a.json") << "// comment\n{\"kind\": \"Lease\", \"spec\": {\"leaseDurationSeconds\": 15}}\n"; }
  std::string err;
  auto y = ReadDocumentFile(dir / "a.yml", &err);
  auto j = ReadDocumentFile(dir / "a.json", &err);
  REQUIRE(y);
  REQUIRE(j);
  CHECK(y->root == j->root);
  CHECK(y->Where("a.yml", "$.spec.leaseDurationSeconds") == "a.yml: line 2");
  CHECK(j->Where("a.json", "$.spec") == "a.json");
  CHECK_FALSE(ReadDocumentFile(dir / "missing.yaml", &err));
  CHECK(err == (dir / "missing.yaml").string() + ": cannot read file: no such file");
}

TEST_CASE("yaml: a number beyond a double's range is bad input at its line as in JSON, and one below it is 0", "[sim][yaml]") {
  // It used to escape as std::out_of_range from std::stod ("internal error: stod", exit 3).
  CHECK(ScenarioError("candidateCount: 2\nduration: 1e400\n") ==
        "s.yaml: line 2, column 11: invalid YAML: number overflow: \"1e400\" is beyond a double's range");
  // A 401-digit integer: the message names it, quoted and cut short (QuoteInput).
  const std::string huge = ScenarioError("seed: -1" + std::string(400, '0') + "\n");
  CHECK(huge.rfind("s.yaml: line 1, column 7: invalid YAML: number overflow: \"-1000", 0) == 0);
  CHECK(huge.ends_with(" is beyond a double's range"));
  CHECK(huge.size() < 300);
  CHECK(ScenarioError("seed: 0o7777777777777777777777777\n") ==
        "s.yaml: line 1, column 7: invalid YAML: number overflow: \"0o7777777777777777777777777\" is beyond 64 bits");
  CHECK(ScenarioError("seed: 0x1ffffffffffffffff\n") ==
        "s.yaml: line 1, column 7: invalid YAML: number overflow: \"0x1ffffffffffffffff\" is beyond 64 bits");
  // Below a double's range: 0, as the JSON parser reads 1e-400.
  CHECK(Yaml("x: 1e-400\n")["x"] == 0.0);
  CHECK(Yaml("x: 1e-400\n")["x"] == json::parse(R"({"x": 1e-400})")["x"]);
  // A decimal integer beyond 64 bits is a double, as in JSON.
  CHECK(Yaml("x: 18446744073709551616\n")["x"] == json::parse(R"({"x": 18446744073709551616})")["x"]);
}

TEST_CASE("yaml: ReadDocumentFile refuses a directory and a FIFO without waiting on it", "[sim][yaml]") {
  const fs::path dir = fs::temp_directory_path() / ("leasesim-test-document-fifo-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string err;
  CHECK_FALSE(ReadDocumentFile(dir, &err));
  CHECK(err == dir.string() + ": is a directory");
  const fs::path fifo = dir / "lease.yaml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_FALSE(ReadDocumentFile(fifo, &err));  // (opening it would block: no writer)
  CHECK(err == fifo.string() + ": is not a regular file");
  fs::remove_all(dir);
}

TEST_CASE("yaml: text after the top-level node is an error, not an endless stream of empty documents", "[sim][yaml]") {
  // yaml-cpp 0.7's LoadAll never returned on these (its parser reports an empty document
  // for ever at the comma), growing memory until the process was killed.
  CHECK(ScenarioError("{},") ==
        "s.yaml: line 1, column 3: invalid YAML: text after the document's top-level node (one node per file: a "
        "mapping for a scenario)");
  CHECK(ScenarioError("[1], 2\n").rfind("s.yaml: line 1, column 4: invalid YAML: text after the document's top-level node", 0) == 0);
  CHECK(ScenarioError("\"a\", b\n").rfind("s.yaml: line 1, column 4: invalid YAML: text after", 0) == 0);
  CHECK(ScenarioError("{// 1s\"},\n    {]").rfind("s.yaml: line 1, column 9: invalid YAML: text after", 0) == 0);
  // A "---" document after the first is still named as such, at its node.
  CHECK(ScenarioError("name: x\n---\nname: y\n") ==
        "s.yaml: line 3, column 1: invalid YAML: more than one document (---): write one scenario per file");
  // A leading "---" starts the one document.
  CHECK(Yaml("---\nname: x\n")["name"] == "x");
}

TEST_CASE("yaml: a parser message that quotes a control byte stays on one line", "[sim][yaml]") {
  const std::string e = ScenarioError("x: \"a\\\r\"\n");
  CHECK(e.rfind("s.yaml: line 1, column ", 0) == 0);
  CHECK(e.find("invalid YAML: unknown escape character") != std::string::npos);
  CHECK(e.find('\r') == std::string::npos);
  CHECK(e.find('\n') == std::string::npos);
}

TEST_CASE("yaml: nesting beyond yaml-cpp's depth guard says so, as JSON's depth limit does", "[sim][yaml]") {
  // yaml-cpp's DeepRecursion carries the bare message "bad file".
  const std::string flow = "a: " + std::string(600, '[') + std::string(600, ']') + "\n";
  CHECK(ScenarioError(flow).rfind("s.yaml: line 1, column ", 0) == 0);
  CHECK(ScenarioError(flow).find("invalid YAML: nested deeper than 500 levels") != std::string::npos);
  std::string block = "a:\n";
  for (int i = 1; i < 700; ++i) block += std::string(2 * static_cast<size_t>(i), ' ') + "b:\n";
  CHECK(ScenarioError(block).find("invalid YAML: nested deeper than 500 levels") != std::string::npos);
  CHECK(ScenarioError(block).find("bad file") == std::string::npos);
}
