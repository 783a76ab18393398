// Scenario loading: one test per bad-input class, each asserting the exact one-line
// message `<file>: <json path>: <problem>`, and a good scenario parsed into the expected
// struct. Data files live in tests/data/scenarios/.
#include "sim/scenario.h"
#include "sim/json_input.h"

#include <catch2/catch.hpp>

using namespace leasesim;
using namespace leasesim::sim;
using namespace std::chrono_literals;

namespace {

std::string DataFile(const std::string& name) {
  return std::string(LEASESIM_SOURCE_DIR) + "/tests/data/scenarios/" + name;
}

// LoadError loads a bad file and returns its error, checking it is one line naming the file.
std::string LoadError(const std::string& name) {
  std::string err;
  auto s = LoadScenarioFile(DataFile(name), &err);
  CHECK_FALSE(s.has_value());
  CHECK(err.find('\n') == std::string::npos);
  REQUIRE_THAT(err, Catch::StartsWith(DataFile(name) + ": "));
  return err.substr(DataFile(name).size() + 2);
}

std::string ParseError(const std::string& text) {
  std::string err;
  CHECK_FALSE(ParseScenario(text, "inline.json", &err).has_value());
  REQUIRE_THAT(err, Catch::StartsWith("inline.json: "));
  return err.substr(std::string("inline.json: ").size());
}

}  // namespace

TEST_CASE("scenario: missing file", "[sim][scenario]") {
  CHECK(LoadError("no-such-scenario.json") == "cannot read file: no such file");
}

TEST_CASE("scenario: invalid JSON names line and column", "[sim][scenario]") {
  // Line 4 is `    {"name": "a",}`: the `}` at column 18 is where a key was expected.
  CHECK_THAT(LoadError("invalid-json.json"), Catch::StartsWith("line 4, column 18: invalid JSON: syntax error while parsing object key"));
}

TEST_CASE("scenario: unknown key at a nested path", "[sim][scenario]") {
  CHECK(LoadError("unknown-key.json") == "$.candidates[1].clock.drift: unknown key (known keys: offset, driftPpm)");
  CHECK(ParseError(R"({"candidates": [{"name": "a"}], "colour": "red"})").starts_with("$.colour: unknown key"));
  CHECK(ParseError(R"({"candidates": [{"name": "a"}], "faults": [{"at": "1s", "kind": "crash", "node": "a", "mode": "x"}]})") ==
        "$.faults[0].mode: unknown key for a crash fault (known keys: kind, at, id, node, nodes, for)");
}

TEST_CASE("scenario: an old snake_case key gets a one-line error naming its camelCase spelling (issue 9)",
          "[sim][scenario]") {
  const std::string tail = " (leasesim files use Kubernetes' camelCase keys)";
  CHECK(ParseError(R"({"client_go": "1.30", "candidates": [{"name": "a"}]})") ==
        "$.client_go: renamed: write \"clientGo\"" + tail);
  CHECK(ParseError(R"({"candidate_count": 3})") == "$.candidate_count: renamed: write \"candidateCount\"" + tail);
  CHECK(ParseError(R"({"candidates": [{"name": "a", "clock": {"drift_ppm": 100}}]})") ==
        "$.candidates[0].clock.drift_ppm: renamed: write \"driftPpm\"" + tail);
  CHECK(ParseError(R"({"candidates": [{"name": "a"}], "apiserver": {"max_inflight": 3}})") ==
        "$.apiserver.max_inflight: renamed: write \"maxInflight\"" + tail);
  CHECK(ParseError(R"({"candidates": [{"name": "a"}],
                       "faults": [{"at": "1s", "kind": "apiserver_throttle", "qps": 1, "retry_after": "2s"}]})") ==
        "$.faults[0].retry_after: renamed: write \"retryAfter\"" + tail);
  CHECK(ParseError(R"({"candidates": [{"name": "a"}], "network": {"request_delay": "1ms"}})") ==
        "$.network.request_delay: renamed: write \"requestDelay\"" + tail);
  // A snake_case key with no camelCase twin is just unknown.
  CHECK(ParseError(R"({"candidates": [{"name": "a"}], "no_such_key": 1})").starts_with("$.no_such_key: unknown key"));
}

TEST_CASE("CamelCaseKey: Kubernetes' spelling, with the unit suffix _s as Seconds", "[sim][scenario]") {
  CHECK(json_input::CamelCaseKey("drift_ppm") == "driftPpm");
  CHECK(json_input::CamelCaseKey("write_ack_latency_per_inflight") == "writeAckLatencyPerInflight");
  CHECK(json_input::CamelCaseKey("failover_p99_s") == "failoverP99Seconds");
  CHECK(json_input::CamelCaseKey("split_brain_s_per_hour") == "splitBrainSecondsPerHour");
  CHECK(json_input::CamelCaseKey("leaseDuration") == "leaseDuration");
}

TEST_CASE("scenario: wrong type", "[sim][scenario]") {
  CHECK(LoadError("wrong-type.json") == R"($.candidates[0].releaseOnCancel: expected true or false, got a string "yes")");
  CHECK(ParseError(R"({"seed": -1, "candidates": [{"name": "a"}]})") == "$.seed: out of range: -1 is negative (expected 0 to 18446744073709551615)");
  CHECK(ParseError(R"({"candidates": [{"name": "a", "clock": {"driftPpm": 1.5}}]})") ==
        "$.candidates[0].clock.driftPpm: expected an integer, got a number with a fraction");
  CHECK(ParseError(R"({"candidates": {"name": "a"}})") == "$.candidates: expected a non-empty array of candidates, got an object");
}

TEST_CASE("scenario: bad duration carries Go's error", "[sim][scenario]") {
  CHECK(LoadError("bad-duration.json") ==
        R"($.candidates[1].leaseDuration: invalid duration "15": time: missing unit in duration "15")");
  CHECK(ParseError(R"({"duration": 600, "candidates": [{"name": "a"}]})") ==
        R"($.duration: expected a Go duration string like "15s", got a number)");
  CHECK(ParseError(R"({"candidates": [{"name": "a", "start": "-1s"}]})") == "$.candidates[0].start: must not be negative, got -1s");
}

TEST_CASE("scenario: a config client-go rejects gives client-go's message", "[sim][scenario]") {
  CHECK(LoadError("rejected-config.json") == "$.candidates[0]: leaseDuration must be greater than renewDeadline");
  CHECK(ParseError(R"({"candidates": [{"name": "a", "renewDeadline": "2s"}]})") ==
        "$.candidates[0]: renewDeadline must be greater than retryPeriod*JitterFactor");
  // Generated candidates are judged at "defaults", where their config came from.
  CHECK(ParseError(R"({"candidateCount": 3, "defaults": {"retryPeriod": "9s"}})") ==
        "$.defaults: renewDeadline must be greater than retryPeriod*JitterFactor");
  // resourcelock.New on 1.37: the endpoints lock is gone.
  CHECK(ParseError(R"({"candidates": [{"name": "a", "lock": {"kind": "endpoints"}}]})") ==
        "$.candidates[0]: endpoints lock is removed, migrate to leases");
}

TEST_CASE("scenario: unsupported client-go version", "[sim][scenario]") {
  CHECK(LoadError("unsupported-client-go.json") == R"($.clientGo: unsupported client-go version "1.19" (supported: 1.20 to 1.37))");
}

TEST_CASE("scenario: fault naming an unknown node", "[sim][scenario]") {
  CHECK(LoadError("fault-unknown-node.json") == R"($.faults[1].nodes[1]: unknown node "z": no candidate has that name)");
  CHECK(ParseError(R"({"candidates": [{"name": "a"}], "network": {"nodes": {"x-1": {"loss": 0}}}})") ==
        R"($.network.nodes["x-1"]: unknown node "x-1": no candidate has that name)");
}

TEST_CASE("scenario: fault outside the run", "[sim][scenario]") {
  CHECK(LoadError("fault-outside-run.json") == "$.faults[0].at: fault at 15m0s is outside the run (duration 10m0s)");
}

TEST_CASE("scenario: bad ratio", "[sim][scenario]") {
  CHECK(LoadError("bad-ratio.json") == "$.network.nodes.a.loss: ratio must be in [0, 1], got 1.5");
  CHECK(ParseError(R"({"candidates": [{"name": "a"}], "apiserver": {"errorRatio": -0.1}})") ==
        "$.apiserver.errorRatio: ratio must be in [0, 1], got -0.1");
}

TEST_CASE("scenario: other structural errors", "[sim][scenario]") {
  CHECK(ParseError(R"({"candidates": [{"name": "a"}, {"name": "a"}]})") == R"($.candidates[1].name: duplicate node name "a")");
  CHECK(ParseError(R"({"candidates": [{"name": "a"}], "faults": [{"at": "1s", "kind": "pause", "node": "a"}]})") ==
        R"($.faults[0]: missing required key "for" for a pause fault (how long the process is paused))");
  CHECK(ParseError(R"({"candidates": [{"name": "a"}], "faults": [{"at": "1s", "kind": "clock_drift", "node": "a", "driftPpm": 600000}]})") ==
        "$.faults[0].driftPpm: must be in [-500000, 500000], got 600000");
  CHECK(ParseError(R"({"candidates": [{"name": "a"}], "expect": [{"kind": "leader_within", "after": "crash", "within": "1s"}]})") ==
        R"($.expect[0].after: no fault with id or kind "crash")");
  CHECK(ParseError(R"({"candidates": [{"name": "a"}], "expect": [{"kind": "no_splitbrain"}]})").starts_with(
      R"($.expect[0].kind: unknown expectation kind "no_splitbrain" (known: no_split_brain, )"));
  CHECK(ParseError(R"({"candidates": [{"name": "a"}], "network": {"delay": {"dist": "uniform", "min": "5ms", "max": "1ms"}}})") ==
        "$.network.delay.max: max must not be less than min");
}

TEST_CASE("scenario: a good scenario parses into the expected struct", "[sim][scenario]") {
  std::string err;
  auto s = LoadScenarioFile(DataFile("good-crash-failover.json"), &err);
  INFO(err);
  REQUIRE(s.has_value());
  CHECK(s->name == "crash-failover");
  CHECK(s->seed == 42);
  CHECK(s->duration == 10min);
  CHECK(s->client_go == "1.37");
  CHECK(s->lock.namespace_ == "kube-system");
  CHECK(s->lock.name == "kube-controller-manager");
  REQUIRE(s->candidates.size() == 3);

  const CandidateSpec& a = s->candidates[0];
  CHECK(a.name == "a");
  CHECK(a.identity == "a");
  CHECK(a.config.lock.identity == "a");
  CHECK(a.config.lock.kind == core::LockKind::kLeases);
  CHECK(a.config.lock.name == "kube-controller-manager");
  CHECK(a.config.leaseDuration == 15s);
  CHECK(a.config.renewDeadline == 10s);
  CHECK(a.config.retryPeriod == 2s);
  CHECK(a.client_timeout == 5s);  // max(1s, RenewDeadline/2)
  CHECK(a.healthz_timeout == 20s);
  CHECK(a.workload.on_stopped_leading == WorkloadSpec::OnStoppedLeading::kExit);
  CHECK(a.workload.stop_lag == 100ms);  // from "defaults"
  CHECK(a.profile.minor == 37);

  const CandidateSpec& b = s->candidates[1];
  CHECK(b.identity == "b_1234");
  CHECK(b.config.lock.identity == "b_1234");
  CHECK(b.start == 1s);
  CHECK(b.clock.offset == -2s);
  CHECK(b.clock.drift_ppm == 100);

  const CandidateSpec& c = s->candidates[2];
  CHECK(c.start == 1500ms);
  CHECK(c.client_go == "1.26");
  CHECK(c.profile.minor == 26);
  CHECK_FALSE(c.profile.expiry_uses_record_duration);
  CHECK(c.config.leaseDuration == 20s);
  CHECK(c.config.releaseOnCancel);
  CHECK(c.client_timeout == 3s);
  CHECK(c.workload.on_stopped_leading == WorkloadSpec::OnStoppedLeading::kKeepActing);
  CHECK(c.workload.stop_lag == 100ms);

  CHECK(s->network.defaults.request_delay.kind == Distribution::Kind::kConstant);
  CHECK(s->network.defaults.request_delay.a == 1ms);
  CHECK(s->network.defaults.response_delay.kind == Distribution::Kind::kUniform);
  CHECK(s->network.defaults.response_delay.b == 5ms);
  CHECK(s->network.defaults.loss == Approx(0.01));
  CHECK(s->network.PathFor("b").loss == Approx(0.5));
  CHECK(s->network.PathFor("b").response_delay.kind == Distribution::Kind::kUniform);  // inherited
  CHECK(s->network.PathFor("a").loss == Approx(0.01));

  CHECK(s->apiserver.latency.kind == Distribution::Kind::kLogNormal);
  CHECK(s->apiserver.latency.shape == Approx(0.5));
  CHECK(s->apiserver.qps == Approx(50));
  CHECK(s->apiserver.retry_after == 2s);
  CHECK(s->apiserver.error_code == 504);
  CHECK(s->apiserver.watchers.at("leases") == 3);
  CHECK(s->apiserver.watchers.at("endpoints") == 0);

  REQUIRE(s->faults.size() == 4);
  CHECK(s->faults[0].kind == FaultKind::kCrash);
  CHECK(s->faults[0].id == "f0-crash");
  CHECK(s->faults[0].at == 5min);
  CHECK(s->faults[0].nodes == std::vector<std::string>{"a"});
  CHECK(s->faults[1].id == "cut");
  CHECK(s->faults[1].partition_mode == PartitionMode::kResponses);
  CHECK(s->faults[1].for_ == 30s);
  CHECK(s->faults[1].nodes == std::vector<std::string>{"b", "c"});
  CHECK(s->faults[2].by == -1h);
  CHECK(s->faults[3].code == 500);
  CHECK(s->faults[3].ratio == Approx(0.5));
  CHECK(s->faults[3].nodes.empty());

  REQUIRE(s->expect.size() == 7);
  CHECK(s->expect[0].kind == ExpectKind::kNoSplitBrain);
  CHECK(s->expect[1].after_fault == 0);
  CHECK(s->expect[1].within == 25s);
  CHECK(s->expect[2].after_fault == 1);  // by id "cut"
  CHECK(s->expect[3].max_gap == 25s);
  CHECK(s->expect[3].after_time == 30s);
  CHECK(s->expect[4].after_fault == 1);  // first fault of kind "partition"
  CHECK(s->expect[4].node == "b");
  CHECK(s->expect[5].verb == "update");
  CHECK(s->expect[5].rate == Approx(2.5));
  CHECK(s->expect[6].identity == "b_1234");

  auto marks = FaultMarksOf(*s);
  REQUIRE(marks.size() == 4);
  CHECK(marks[0].at == kTrueEpoch + 5min);
  CHECK(marks[1].kind == "partition");
}

TEST_CASE("scenario: candidate_count generates candidates from defaults", "[sim][scenario]") {
  std::string err;
  auto s = ParseScenario(R"({"candidateCount": 4, "startSpread": "4s",
                             "defaults": {"start": "1s", "leaseDuration": "30s", "renewDeadline": "20s"}})",
                         "gen.json", &err);
  INFO(err);
  REQUIRE(s.has_value());
  CHECK(s->name == "gen");  // from the file name
  REQUIRE(s->candidates.size() == 4);
  const char* names[] = {"c0", "c1", "c2", "c3"};
  for (int i = 0; i < 4; ++i) {
    CHECK(s->candidates[i].name == names[i]);
    CHECK(s->candidates[i].start == 1s + i * 1s);
    CHECK(s->candidates[i].config.leaseDuration == 30s);
    CHECK(s->candidates[i].client_timeout == 10s);
  }
}

TEST_CASE("issue15 item 7: the default client timeout follows the profile (RenewDeadline in 1.20)", "[sim][scenario]") {
  auto timeout = [](const std::string& version) {
    std::string err;
    auto s = ParseScenario(R"({"clientGo": ")" + version +
                               R"(", "timings": {"leaseDuration": "15s", "renewDeadline": "10s", "retryPeriod": "2s"},
                                "candidates": [{"name": "a"}, {"name": "b", "clientTimeout": "3s"}]})",
                           "inline.json", &err);
    REQUIRE(s.has_value());
    return std::make_pair(s->candidates[0].client_timeout, s->candidates[1].client_timeout);
  };
  CHECK(timeout("1.20") == std::make_pair(Duration(10s), Duration(3s)));  // kcm/scheduler 1.20: RenewDeadline
  CHECK(timeout("1.21") == std::make_pair(Duration(5s), Duration(3s)));   // NewFromKubeconfig: max(1s, RD/2)
  CHECK(timeout("1.37") == std::make_pair(Duration(5s), Duration(3s)));
}

TEST_CASE("issue15 item 9: apiserver_errors takes retryAfter, a positive duration", "[sim][scenario]") {
  std::string err;
  auto s = ParseScenario(R"({"candidates": [{"name": "a"}],
                             "faults": [{"kind": "apiserver_errors", "at": "1s", "ratio": 1, "code": 500, "retryAfter": "2s"},
                                        {"kind": "apiserver_errors", "at": "5s", "ratio": 0.5}]})",
                         "inline.json", &err);
  REQUIRE(s.has_value());
  CHECK(s->faults[0].error_retry_after == std::optional<Duration>(2s));
  CHECK_FALSE(s->faults[1].error_retry_after.has_value());
  CHECK_THAT(ParseError(R"({"candidates": [{"name": "a"}], "faults": [{"kind": "apiserver_errors", "at": "1s", "ratio": 1, "retryAfter": "0s"}]})"),
             Catch::StartsWith("$.faults[0].retryAfter: "));
}
