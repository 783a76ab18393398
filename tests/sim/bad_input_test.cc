// Bad and odd input to the scenario loader (issue 15, items 10, 11, 14, 15, 18): every
// case is one line naming the file, the JSON path and the problem, and never a hang, a
// crash or an internal error. The same inputs are kept as fuzz regression inputs in
// tests/fuzz/corpus/scenario/.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "core/config.h"
#include "core/version_profile.h"
#include "sim/input_file.h"
#include "sim/json_input.h"
#include "sim/scenario.h"

using namespace leasesim;
using namespace leasesim::sim;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::string ParseError(std::string_view text) {
  std::string err;
  CHECK_FALSE(ParseScenario(text, "in.json", &err).has_value());
  CHECK(err.find('\n') == std::string::npos);
  REQUIRE_THAT(err, Catch::StartsWith("in.json: "));
  return err.substr(std::string("in.json: ").size());
}

std::string Scratch(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("leasesim-bad-input-test-" + std::to_string(::getpid())) / name;
  fs::remove_all(p);
  fs::create_directories(p.parent_path());
  return p.string();
}

}  // namespace

TEST_CASE("issue15 item 10: durations beyond 10 years are rejected at load time, not simulated", "[sim][scenario]") {
  CHECK(ParseError(R"({"candidates":[{"name":"a"}],"timings":{"leaseDuration":"2562047h"}})") ==
        "$.timings.leaseDuration: duration 2562047h is out of range: leasesim simulates durations up to "
        "87600h0m0s (10 years) either way");
  CHECK_THAT(ParseError(R"({"duration":"87601h","candidates":[{"name":"a"}]})"), Catch::StartsWith("$.duration: duration 87601h is out of range"));
  CHECK_THAT(ParseError(R"({"candidates":[{"name":"a","clock":{"offset":"-87601h"}}]})"),
             Catch::StartsWith("$.candidates[0].clock.offset: duration -87601h is out of range"));
  // The bound itself is accepted.
  std::string err;
  CHECK(ParseScenario(R"({"duration":"87600h","candidates":[{"name":"a"}]})", "in.json", &err).has_value());
}

TEST_CASE("issue15 item 10: clock steps and slews adding up beyond 10 years are rejected", "[sim][scenario]") {
  CHECK(ParseError(R"({"candidates":[{"name":"a"}],"faults":[
          {"kind":"clock_step","at":"1s","node":"a","by":"80000h"},
          {"kind":"clock_step","at":"2s","node":"a","by":"-80000h"}]})") ==
        "$.faults[1].by: the clock steps and slews of this scenario add up to more than 87600h0m0s (10 years)");
}

TEST_CASE("issue15 item 10: instants saturate instead of overflowing", "[sim][core]") {
  const TrueTime far = TrueTime::Max();
  CHECK(far + 1h == TrueTime::Max());
  CHECK((kTrueEpoch - TrueTime::Max()) < Duration{0});
  CHECK(core::MonoTime{Duration::max() - 1ns} + 1h == core::MonoTime{Duration::max()});
  CHECK(core::MonoTime{Duration::min() + 1ns} - 1h == core::MonoTime{Duration::min()});
  CHECK(core::WallTime{Duration::max()} - core::WallTime{Duration{-5}} == Duration::max());  // as Go's Time.Sub
}

TEST_CASE("issue15 item 18: a start plus its spread beyond what can be simulated is rejected, not wrapped",
          "[sim][scenario]") {
  CHECK_THAT(ParseError(R"({"candidateCount":2,"startSpread":"2562047h","defaults":{"start":"2562047h"}})"),
             Catch::Contains("out of range"));
  CHECK(ParseError(R"({"candidateCount":2,"startSpread":"50000h","defaults":{"start":"50000h"}})") ==
        "$.startSpread: the last candidate would start at 50000h0m0s + 50000h0m0s, beyond 87600h0m0s (10 years)");
}

TEST_CASE("issue15 item 18: retryPeriod*JitterFactor beyond int64 is Go's MinInt64, not undefined behaviour",
          "[core][config]") {
  core::LeaderElectionConfig c;
  c.leaseDuration = Duration::max();
  c.renewDeadline = Duration::max() - 1ns;
  c.retryPeriod = Duration::max();  // 1.2 * MaxInt64 does not fit: Go (amd64) gives MinInt64
  c.has_on_started_leading = c.has_on_stopped_leading = c.has_lock = true;
  c.lock.identity = "a";
  // renewDeadline <= MinInt64 is false, so client-go accepts this config.
  CHECK_FALSE(core::ValidateConfig(c, *core::VersionProfile::Parse("1.37")).has_value());
  CHECK_THAT(ParseError(R"({"candidates":[{"name":"a"}],"timings":{"retryPeriod":"2562047h"}})"),
             Catch::StartsWith("$.timings.retryPeriod: duration 2562047h is out of range"));
}

TEST_CASE("issue15 item 18: errorCode 4294967796 is not truncated to 500", "[sim][scenario]") {
  CHECK(ParseError(R"({"candidates":[{"name":"a"}],"apiserver":{"errorCode":4294967796}})") ==
        "$.apiserver.errorCode: expected 500, 503 or 504, got 4294967796");
  CHECK(ParseError(R"({"candidates":[{"name":"a"}],"faults":[{"kind":"apiserver_errors","at":"1s","ratio":0.5,"code":4294967799}]})") ==
        "$.faults[0].code: expected 500, 503 or 504, got 4294967799");
}

TEST_CASE("issue15 item 18: a number overflowing a double is bad input with a position", "[sim][scenario]") {
  CHECK(ParseError("7e880") == "line 1, column 5: invalid JSON: number \"7e880\" is out of range (it does not fit a double)");
  CHECK(ParseError("{\n\"seed\": -1e999}") ==
        "line 2, column 14: invalid JSON: number \"-1e999\" is out of range (it does not fit a double)");
}

TEST_CASE("issue15 item 11: a directory or FIFO as the scenario is named, not parsed or waited on", "[sim][scenario]") {
  const std::string dir = Scratch("dir.json");
  fs::create_directories(dir);
  std::string err;
  CHECK_FALSE(LoadScenarioFile(dir, &err).has_value());
  CHECK(err == dir + ": is a directory");

  const std::string fifo = Scratch("fifo.json");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_FALSE(LoadScenarioFile(fifo, &err).has_value());  // before the fix: blocks forever in open()
  CHECK(err == fifo + ": is not a regular file");
  fs::remove(fifo);

  CHECK_FALSE(LoadScenarioFile("/dev/null", &err).has_value());
  CHECK(err == "/dev/null: is not a regular file");
}

TEST_CASE("issue15 item 14: node names are DNS-1123 subdomains of at most 253 characters", "[sim][scenario]") {
  CHECK_FALSE(NodeNameError("a").has_value());
  CHECK_FALSE(NodeNameError("node-1.zone-b").has_value());
  CHECK_FALSE(NodeNameError(std::string(253, 'a')).has_value());
  CHECK(NodeNameError(std::string(254, 'a')) == "must be no more than 253 characters (it has 254)");
  for (const char* bad : {"A", "-a", "a-", "a..b", ".a", "a.", "a_b", "a b", "é"}) {
    CAPTURE(bad);
    REQUIRE(NodeNameError(bad).has_value());
    CHECK_THAT(*NodeNameError(bad), Catch::Contains("a lowercase RFC 1123 subdomain must consist of"));
  }
  CHECK(ParseError(std::string(R"({"candidates":[{"name":")") + std::string(1'000'000, 'a') + R"("}]})") ==
        "$.candidates[0].name: must be no more than 253 characters (it has 1000000)");
}

TEST_CASE("issue15 item 14: a newline in a node name gives a one-line error", "[sim][scenario]") {
  const std::string e = ParseError(R"({"candidates":[{"name":"a\nb"}]})");
  CHECK_THAT(e, Catch::StartsWith("$.candidates[0].name: \"a\\nb\": a lowercase RFC 1123 subdomain"));
}

TEST_CASE("issue15 item 14: identities are at most 1024 bytes without control characters", "[sim][scenario]") {
  std::string err;
  CHECK(ParseScenario(R"({"candidates":[{"name":"a","identity":"host-1_0f8c8a8e-5a5e-4e8b-9b1e-2c3d4e5f6a7b"}]})",
                      "in.json", &err).has_value());
  CHECK(ParseError(std::string(R"({"candidates":[{"name":"a","identity":")") + std::string(1025, 'x') + R"("}]})") ==
        "$.candidates[0].identity: must be no more than 1024 bytes (it has 1025)");
  CHECK(ParseError(R"({"candidates":[{"name":"a","identity":"x\ty"}]})") ==
        "$.candidates[0].identity: \"x\\ty\": must not contain control characters");
  CHECK(ParseError(R"({"candidates":[{"name":"a"}],"faults":[{"kind":"restart","at":"1s","node":"a","identity":"b\nc"}]})") ==
        "$.faults[0].identity: \"b\\nc\": must not contain control characters");
}

TEST_CASE("issue15 item 15: an invalid byte is printed escaped as xff after a backslash, never raw", "[sim][scenario]") {
  const std::string e = ParseError("{\"candidates\": \xff}");
  CHECK(e.find('\xff') == std::string::npos);
  CHECK_THAT(e, Catch::EndsWith("; last read: \"\\\"candidates\\\": \\xff\""));
  const std::string k = ParseError("{\"a\xff\": 1}");
  CHECK(k.find('\xff') == std::string::npos);
}

TEST_CASE("issue15 item 15: an unclosed comment does not echo the rest of the file", "[sim][scenario]") {
  const std::string e = ParseError(R"({"candidates":[{"name":"a"}]} /* )" + std::string(2'000'000, 'x'));
  CHECK(e.size() < 400);
  CHECK_THAT(e, Catch::Contains("bytes)"));
}

TEST_CASE("issue15 item 15: a UTF-16 file is named as such", "[sim][scenario]") {
  const std::string utf16le_bom("\xff\xfe{\0\"\0", 6);
  CHECK(ParseError(utf16le_bom) == "file is UTF-16; leasesim reads UTF-8");
  const std::string utf16be("\0{\0\"\0c\0a", 8);
  CHECK(ParseError(utf16be) == "file is UTF-16; leasesim reads UTF-8");
  const std::string utf16le("{\0\"\0c\0a\0", 8);
  CHECK(ParseError(utf16le) == "file is UTF-16; leasesim reads UTF-8");
}

TEST_CASE("issue15 item 15: a seed above 2^64-1 is out of range, not a fraction", "[sim][scenario]") {
  CHECK(ParseError(R"({"seed":18446744073709551616,"candidates":[{"name":"a"}]})") ==
        "$.seed: out of range: 1.8446744073709552e+19 is above 18446744073709551615 (2^64-1)");
  CHECK(ParseError(R"({"seed":-1,"candidates":[{"name":"a"}]})") ==
        "$.seed: out of range: -1 is negative (expected 0 to 18446744073709551615)");
  CHECK(ParseError(R"({"seed":1.5,"candidates":[{"name":"a"}]})") ==
        "$.seed: expected an unsigned integer, got a number with a fraction");
  std::string err;
  auto s = ParseScenario(R"({"seed":18446744073709551615,"candidates":[{"name":"a"}]})", "in.json", &err);
  REQUIRE(s);
  CHECK(s->seed == UINT64_MAX);
}

TEST_CASE("issue15 item 15: an empty candidates array says so", "[sim][scenario]") {
  CHECK(ParseError(R"({"candidates":[]})") == "$.candidates: is empty: give at least one candidate");
}

TEST_CASE("issue15 item 15: quoted input in messages is escaped and capped", "[sim][scenario]") {
  CHECK(QuoteInput("a\"b\\c\nd\x01\xff\xc3\xa9") == R"("a\"b\\c\nd\x01\xffé")");
  CHECK(QuoteInput(std::string(100, 'x')) == "\"" + std::string(80, 'x') + "... (100 bytes)\"");
  const std::string e = ParseError(R"({"candidates":[{"name":"a"}],"lock":{"kind":")" + std::string(5000, 'k') + "\"}}");
  CHECK(e.size() < 300);
  CHECK_THAT(e, Catch::StartsWith("$.lock.kind: unknown lock kind \"kkkk"));
}
