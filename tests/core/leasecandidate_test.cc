// leasecandidate_test.cc — client-go tools/leaderelection/leasecandidate_test.go, plus
// the workqueue behaviour the Go tests leave implicit.
#include <catch2/catch.hpp>

#include "tests/core/coordinated_harness.h"

namespace leasesim::core::testing {
namespace {

// testcase{candidateName: "foo", candidateNamespace: "default", leaseName: "lease",
// binaryVersion: "1.30.0", emulationVersion: "1.30.0"}
LeaseCandidateConfig GoTestCase() {
  LeaseCandidateConfig c;
  c.name = "foo";
  c.namespace_ = "default";
  c.leaseName = "lease";
  c.binaryVersion = "1.30.0";
  c.emulationVersion = "1.30.0";
  c.strategy = std::string(kOldestEmulationVersion);
  return c;
}

// pollForLease: the candidate object exists with the test case's fields and a renewTime
// (after `after` when given).
bool PollForLease(const Cluster& cl, std::optional<WallTime> after) {
  auto it = cl.candidates.find("default/foo");
  if (it == cl.candidates.end()) return false;
  const LeaseCandidateSpec& s = it->second.spec;
  if (s.binaryVersion != "1.30.0" || s.emulationVersion != "1.30.0" || s.leaseName != "lease" || !s.renewTime) {
    return false;
  }
  return !(after && *after > *s.renewTime);
}

}  // namespace

TEST_CASE("TestLeaseCandidateCreation", "[core][client-go][coordinated]") {
  Cluster cl;
  LeaseCandidateClient candidate(GoTestCase());
  cl.StartClient(candidate);
  REQUIRE(cl.RunUntil([&] { return PollForLease(cl, std::nullopt); }, 10s));
  // Get (404), then Create with strategy (v1beta1) and renewTime.
  REQUIRE(cl.requests.size() == 2);
  CHECK(cl.requests[0].verb == Verb::kGet);
  CHECK(cl.requests[1].verb == Verb::kCreate);
  CHECK(cl.candidates.at("default/foo").spec.strategy == "OldestEmulationVersion");
}

TEST_CASE("TestLeaseCandidateAck", "[core][client-go][coordinated]") {
  Cluster cl;
  LeaseCandidateClient candidate(GoTestCase());
  cl.StartClient(candidate);
  REQUIRE(cl.RunUntil([&] { return PollForLease(cl, std::nullopt); }, 10s));
  cl.RunFor(2s);
  // Update PingTime and verify that the client renews.
  const WallTime ensure_after = cl.now().wall;
  LeaseCandidate lc = cl.candidates.at("default/foo");
  REQUIRE_FALSE(lc.spec.pingTime);
  lc.spec.pingTime = cl.now().wall;
  cl.PutCandidate(lc, /*add=*/false);
  REQUIRE(cl.RunUntil([&] { return PollForLease(cl, ensure_after); }, 10s));
  // The answer is a Get then an Update that only moves renewTime past pingTime.
  const LeaseCandidate& after = cl.candidates.at("default/foo");
  CHECK(*after.spec.renewTime > *after.spec.pingTime);
  CHECK(cl.requests.back().verb == Verb::kUpdate);
}

TEST_CASE("LeaseCandidate: renews every requeueInterval (5m) without pings", "[core][coordinated]") {
  Cluster cl;
  LeaseCandidateClient candidate(GoTestCase());
  cl.StartClient(candidate);
  cl.RunFor(1s);
  const WallTime first = *cl.candidates.at("default/foo").spec.renewTime;
  cl.RunFor(4min + 58s);
  CHECK(*cl.candidates.at("default/foo").spec.renewTime == first);
  cl.RunFor(2s);
  CHECK(*cl.candidates.at("default/foo").spec.renewTime == first + 5min + 2ms);  // Get + Update latency
}

TEST_CASE("LeaseCandidate: a ping older than renewTime is not answered", "[core][coordinated]") {
  Cluster cl;
  LeaseCandidateClient candidate(GoTestCase());
  cl.StartClient(candidate);
  cl.RunFor(1s);
  const size_t sent = cl.requests.size();
  LeaseCandidate lc = cl.candidates.at("default/foo");
  lc.spec.pingTime = *lc.spec.renewTime + (-1s);
  cl.PutCandidate(lc, /*add=*/false);
  cl.RunFor(1s);
  CHECK(cl.requests.size() == sent);
}

TEST_CASE("LeaseCandidate: errors are retried rate-limited and the failure count is never forgotten",
          "[core][coordinated]") {
  LeaseCandidateClient c(GoTestCase());
  const LocalTime t0{MonoTime{1h}, TestWall0()};
  auto fx = c.Start(t0);
  REQUIRE(fx.size() == 1);
  auto get = std::get<SendApiRequest>(fx[0]).request;
  // 500 on the Get: requeued after 5ms (first failure), then 10ms, 20ms...
  fx = c.OnApiResponse(ApiResponse{get.id, Status::InternalError(), nullptr, {}}, t0);
  const auto* timer = fx.empty() ? nullptr : std::get_if<ArmQueueTimer>(&fx.back());
  REQUIRE(timer != nullptr);
  CHECK(timer->at == t0.mono + 5ms);
  fx = c.TimerFired(timer->id, {timer->at, t0.wall});
  get = std::get<SendApiRequest>(fx[0]).request;
  fx = c.OnApiResponse(ApiResponse{get.id, Status::InternalError(), nullptr, {}}, t0);
  timer = std::get_if<ArmQueueTimer>(&fx.back());
  REQUIRE(timer != nullptr);
  CHECK(timer->at == t0.mono + 10ms);
  CHECK(c.queue().NumRequeues("0") == 2);
}

TEST_CASE("LeaseCandidate: a restart under the same name keeps the stored versions", "[core][coordinated]") {
  // ensureLease renews a found object with only renewTime changed: an upgraded binary that
  // reuses its candidate name keeps advertising the old versions.
  Cluster cl;
  LeaseCandidateClient old_binary(GoTestCase());
  cl.StartClient(old_binary);
  cl.RunFor(1s);
  cl.Apply(old_binary.Stop(), nullptr, &old_binary);
  cl.clients.clear();
  LeaseCandidateConfig upgraded = GoTestCase();
  upgraded.binaryVersion = upgraded.emulationVersion = "1.31.0";
  LeaseCandidateClient new_binary(upgraded);
  cl.StartClient(new_binary);
  cl.RunFor(1s);
  CHECK(cl.candidates.at("default/foo").spec.binaryVersion == "1.30.0");
  CHECK(new_binary.ensures() == 1);
}

TEST_CASE("LeaseCandidate: v1alpha1 (1.31) sends preferredStrategies", "[core][coordinated]") {
  LeaseCandidateConfig cfg = GoTestCase();
  cfg.api = LeaseCandidateApi::kV1alpha1;
  LeaseCandidateClient c(cfg);
  const LeaseCandidate obj = c.NewLeaseCandidate(TestWall0());
  CHECK(obj.api == LeaseCandidateApi::kV1alpha1);
  CHECK(obj.spec.preferredStrategies == std::vector<std::string>{"OldestEmulationVersion"});
  CHECK(obj.spec.strategy.empty());
}

}  // namespace leasesim::core::testing
