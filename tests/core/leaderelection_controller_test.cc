// leaderelection_controller_test.cc — kubernetes pkg/controlplane/controller/leaderelection/
// leaderelection_controller_test.go (TestReconcileElectionStep, TestController; the 1.31
// v1alpha1 form with a fake clock), plus the LeaseCandidate GC and an end-to-end run of
// candidates with coordinated electors' behaviour.
#include <catch2/catch.hpp>

#include "tests/core/coordinated_harness.h"

namespace leasesim::core::testing {
namespace {

const std::string kOev(kOldestEmulationVersion);

LeaseCandidate Cand(const Cluster& cl, std::string ns, std::string name, std::string ev, std::string bv,
                    std::optional<Duration> renew_ago, std::optional<Duration> ping_ago = std::nullopt,
                    std::vector<std::string> ps = {"OldestEmulationVersion"}) {
  LeaseCandidate c;
  c.api = LeaseCandidateApi::kV1alpha1;
  c.metadata.namespace_ = std::move(ns);
  c.metadata.name = std::move(name);
  c.spec.leaseName = "component-A";
  c.spec.emulationVersion = std::move(ev);
  c.spec.binaryVersion = std::move(bv);
  if (renew_ago) c.spec.renewTime = cl.now().wall + (-*renew_ago);
  if (ping_ago) c.spec.pingTime = cl.now().wall + (-*ping_ago);
  c.spec.preferredStrategies = std::move(ps);
  return c;
}

Lease LeaseA(const Cluster& cl, std::string ns, std::string holder, Duration renew_offset, int32_t lds,
             std::optional<std::string> strategy = std::nullopt) {
  Lease l;
  l.metadata.namespace_ = std::move(ns);
  l.metadata.name = "component-A";
  l.spec.holderIdentity = std::move(holder);
  l.spec.leaseDurationSeconds = lds;
  l.spec.renewTime = cl.now().wall + renew_offset;
  l.spec.strategy = std::move(strategy);
  return l;
}

struct StepCase {
  std::string name;
  std::vector<LeaseCandidate> candidates;
  std::optional<Lease> existing;
  bool expect_lease = false;
  std::optional<std::string> holder, preferred_holder, strategy;
  bool requeue = false;
  bool error = false;
  bool pinged = false;
};

void RunStepCase(Cluster& cl, const StepCase& tc) {
  LeaderElectionController ctl({.api = LeaseCandidateApi::kV1alpha1, .gc_period = {}});
  cl.controller = &ctl;
  if (tc.existing) cl.PutLease(*tc.existing);
  for (const LeaseCandidate& c : tc.candidates) cl.PutCandidate(c);
  cl.Apply(ctl.BeginReconcileForTest("default/component-A", cl.now()), &ctl, nullptr);
  REQUIRE(cl.RunUntil([&] { return ctl.test_result().has_value(); }, 1s));
  const auto& r = *ctl.test_result();
  CAPTURE(r.error);
  CHECK((r.requeue != Duration::zero()) == tc.requeue);
  CHECK(!r.error.empty() == tc.error);
  auto it = cl.leases.find("default/component-A");
  if (tc.expect_lease) {
    REQUIRE(it != cl.leases.end());
    const LeaseSpec& s = it->second.spec;
    if (tc.holder) CHECK(s.holderIdentity == tc.holder);
    else CHECK(s.holderIdentity.value_or("").empty());
    if (tc.preferred_holder) CHECK(s.preferredHolder == tc.preferred_holder);
    else CHECK(s.preferredHolder.value_or("").empty());
    if (tc.strategy) CHECK(s.strategy == tc.strategy);
    else CHECK(s.strategy.value_or("").empty());
  } else {
    CHECK(it == cl.leases.end());
  }
  if (tc.pinged) {
    bool pinged = false;
    for (const LeaseCandidate& old : tc.candidates) {
      const auto& now = cl.candidates.at(Cluster::Key(old.metadata.namespace_, old.metadata.name));
      if (now.spec.pingTime && !old.spec.pingTime) pinged = true;
    }
    CHECK(pinged);
  }
}

}  // namespace

TEST_CASE("TestReconcileElectionStep", "[core][kubernetes][coordinated]") {
  Cluster cl;
  const auto ed = kElectionDuration;
  std::vector<StepCase> cases;
  cases.push_back({.name = "no candidates, no lease, noop"});
  {
    // existingLease: &v1.Lease{} (no name): not the reconciled lease.
    StepCase c{.name = "no candidates, lease exists. noop, not managed by CLE"};
    cases.push_back(c);
  }
  cases.push_back({.name = "candidates exist, no existing lease should create lease",
                   .candidates = {Cand(cl, "default", "component-identity-1", "1.19.0", "1.19.0", 0s)},
                   .expect_lease = true,
                   .holder = "component-identity-1",
                   .strategy = kOev,
                   .requeue = true});
  cases.push_back({.name = "candidates exist, lease exists, unoptimal should set preferredHolder",
                   .candidates = {Cand(cl, "default", "component-identity-1", "1.19.0", "1.19.0", 0s),
                                  Cand(cl, "default", "component-identity-2", "1.18.0", "1.18.0", 0s)},
                   .existing = LeaseA(cl, "default", "component-identity-1", 0s, 10),
                   .expect_lease = true,
                   .holder = "component-identity-1",
                   .preferred_holder = "component-identity-2",
                   .strategy = kOev,
                   .requeue = true});
  cases.push_back({.name = "candidates exist, should only elect leader from acked candidates",
                   .candidates = {Cand(cl, "default", "component-identity-1", "1.19.0", "1.19.0", 4 * ed, 2 * ed),
                                  Cand(cl, "default", "component-identity-2", "1.20.0", "1.20.0", 0s, 1ms)},
                   .expect_lease = true,
                   .holder = "component-identity-2",
                   .strategy = kOev,
                   .requeue = true});
  cases.push_back({.name = "candidates exist, lease exists, lease expired",
                   .candidates = {Cand(cl, "default", "component-identity-1", "1.19.0", "1.19.0", 0s)},
                   .existing = LeaseA(cl, "default", "component-identity-expired", -1min, 10),
                   .expect_lease = true,
                   .holder = "component-identity-1",
                   .strategy = kOev,
                   .requeue = true});
  cases.push_back({.name = "candidates exist, no acked candidates should return error",
                   .candidates = {Cand(cl, "default", "component-identity-1", "1.19.0", "1.19.0", 2min, 1min)},
                   .requeue = false,
                   .error = true});
  cases.push_back({.name = "candidates exist, should ping on election",
                   .candidates = {Cand(cl, "default", "component-identity-1", "1.19.0", "1.19.0", 2 * ed)},
                   .requeue = true,
                   .pinged = true});
  cases.push_back(
      {.name = "candidate exist, pinged candidate should have until electionDuration until election decision is made",
       .candidates = {Cand(cl, "default", "component-identity-1", "1.19.0", "1.19.0", 1min, 0s)},
       .requeue = true});
  cases.push_back({.name = "candidates exist, lease exists, lease expired, 3rdparty strategy",
                   .candidates = {Cand(cl, "default", "component-identity-1", "1.19.0", "1.19.0", 0s, std::nullopt,
                                       {"foo.com/bar"})},
                   .existing = LeaseA(cl, "default", "component-identity-expired", -1min, 10),
                   .expect_lease = true,
                   .holder = "component-identity-expired",
                   .strategy = "foo.com/bar",
                   .requeue = true});
  for (const StepCase& tc : cases) {
    SECTION(tc.name) {
      Cluster fresh;
      RunStepCase(fresh, tc);
    }
  }
}

namespace {

// TestController's harness: the controller runs; the mock goroutines answer pings of the
// candidates created after start and delete a Lease whose preferredHolder differs from a
// holder that is a candidate (what a coordinated holder's stepping down amounts to).
void MockGoroutines(Cluster& cl, std::vector<std::string> ack) {
  cl.after_write = [ack](Cluster& c) {
    for (const std::string& key : ack) {
      auto it = c.candidates.find(key);
      if (it == c.candidates.end() || !it->second.spec.pingTime) continue;
      if (*it->second.spec.renewTime >= *it->second.spec.pingTime) continue;
      LeaseCandidate lc = it->second;
      lc.spec.renewTime = c.now().wall;
      c.PutCandidate(lc, /*add=*/false);
    }
    for (auto& [key, l] : std::map<std::string, Lease>(c.leases)) {
      if (!l.spec.preferredHolder || !l.spec.holderIdentity || *l.spec.preferredHolder == *l.spec.holderIdentity) {
        continue;
      }
      if (!c.candidates.count(Cluster::Key(l.metadata.namespace_, *l.spec.holderIdentity))) continue;
      c.DeleteLease(l.metadata.namespace_, l.metadata.name);
    }
  };
}

}  // namespace

TEST_CASE("TestController", "[core][kubernetes][coordinated]") {
  struct Case {
    std::string name;
    std::vector<Lease> leases;
    std::vector<LeaseCandidate> candidates, create_after_start;
    bool delete_lease_after_start = false;
    std::string expected_holder;
  };
  Cluster proto;  // for the clock reading the objects are stamped with
  std::vector<Case> cases;
  cases.push_back({.name = "single candidate leader election",
                   .candidates = {Cand(proto, "kube-system", "component-identity-1", "1.19.0", "1.19.0", 0s)},
                   .expected_holder = "component-identity-1"});
  cases.push_back({.name = "multiple candidate leader election",
                   .candidates = {Cand(proto, "kube-system", "component-identity-1", "1.19.0", "1.19.0", 0s),
                                  Cand(proto, "kube-system", "component-identity-2", "1.19.0", "1.20.0", 0s),
                                  Cand(proto, "kube-system", "component-identity-3", "1.20.0", "1.20.0", 0s)},
                   .expected_holder = "component-identity-1"});
  cases.push_back({.name = "deletion of lease triggers reelection",
                   .leases = {LeaseA(proto, "kube-system", "some-other-component", 1s, 10)},
                   .candidates = {Cand(proto, "kube-system", "component-identity-1", "1.19.0", "1.19.0", 0s)},
                   .delete_lease_after_start = true,
                   .expected_holder = "component-identity-1"});
  cases.push_back({.name = "expired lease is replaced",
                   .leases = {LeaseA(proto, "kube-system", "some-other-component", -11s, 10, kOev)},
                   .candidates = {Cand(proto, "kube-system", "component-identity-1", "1.19.0", "1.19.0", 0s)},
                   .expected_holder = "component-identity-1"});
  cases.push_back({.name = "better candidate triggers reelection",
                   .leases = {LeaseA(proto, "kube-system", "component-identity-1", 1s, 10, kOev)},
                   .candidates = {Cand(proto, "kube-system", "component-identity-1", "1.20.0", "1.20.0", 0s)},
                   .create_after_start = {Cand(proto, "kube-system", "component-identity-2", "1.19.0", "1.19.0", 0s)},
                   .expected_holder = "component-identity-2"});
  for (const Case& tc : cases) {
    SECTION(tc.name) {
      Cluster cl;
      LeaderElectionController ctl({.api = LeaseCandidateApi::kV1alpha1, .gc_period = {}});
      cl.controller = &ctl;
      for (const Lease& l : tc.leases) cl.PutLease(l);
      for (const LeaseCandidate& c : tc.candidates) cl.PutCandidate(c);
      std::vector<std::string> ack;
      for (const LeaseCandidate& c : tc.create_after_start) ack.push_back(Cluster::Key(c.metadata.namespace_, c.metadata.name));
      MockGoroutines(cl, ack);
      cl.StartController();
      for (const LeaseCandidate& c : tc.create_after_start) cl.PutCandidate(c);
      if (tc.delete_lease_after_start) cl.DeleteLease("kube-system", "component-A");
      CHECK(cl.RunUntil([&] { return cl.Holder("kube-system", "component-A") == tc.expected_holder; }, 4s));
    }
  }
}

TEST_CASE("Controller: an unanswered ping delays the election by electionDuration", "[core][coordinated]") {
  // Two candidates renewed 10s ago; only one answers its ping. The controller waits for
  // the other until its ping is electionDuration old, then elects among the answered.
  Cluster cl;
  cl.latency = 10ms;
  LeaderElectionController ctl({.api = LeaseCandidateApi::kV1beta1, .gc_period = {}});
  cl.controller = &ctl;
  LeaseCandidate silent = Cand(cl, "kube-system", "a-old", "1.30.0", "1.30.0", 10s);
  LeaseCandidate live = Cand(cl, "kube-system", "b-new", "1.31.0", "1.31.0", 10s);
  for (LeaseCandidate* c : {&silent, &live}) {
    c->api = LeaseCandidateApi::kV1beta1;
    c->spec.preferredStrategies.clear();
    c->spec.strategy = kOev;
  }
  cl.PutCandidate(silent);
  cl.PutCandidate(live);
  MockGoroutines(cl, {"kube-system/b-new"});
  cl.StartController();
  REQUIRE(cl.RunUntil([&] { return ctl.last_outcome("kube-system/component-A") == ElectionOutcome::kPinged; }, 1s));
  const MonoTime pinged = cl.mono();
  REQUIRE(cl.RunUntil([&] { return cl.Holder("kube-system", "component-A").has_value(); }, 20s));
  CHECK(*cl.Holder("kube-system", "component-A") == "b-new");
  // Pinged both (20ms for two Updates), then waited: the election needs the silent ping
  // to be older than 5s, at the 5s requeue after the ping round at the earliest.
  CHECK(cl.mono() - pinged >= kElectionDuration);
  CHECK(cl.mono() - pinged < kElectionDuration + 1s);
  const Lease& l = cl.leases.at("kube-system/component-A");
  CHECK(l.spec.leaseDurationSeconds == kDefaultLeaseDurationSeconds);
  CHECK(l.spec.strategy == kOev);
}

TEST_CASE("Controller: LeaseCandidate GC deletes candidates not renewed for 30m", "[core][coordinated]") {
  Cluster cl;
  LeaderElectionController ctl({.api = LeaseCandidateApi::kV1beta1, .gc_period = kLeaseCandidateGCPeriod});
  cl.controller = &ctl;
  LeaseCandidate stale = Cand(cl, "kube-system", "stale", "1.30.0", "1.30.0", 31min);
  LeaseCandidate fresh = Cand(cl, "kube-system", "fresh", "1.30.0", "1.30.0", 29min);
  cl.PutCandidate(stale);
  cl.PutCandidate(fresh);
  cl.StartController();
  cl.RunFor(1s);
  CHECK_FALSE(cl.candidates.count("kube-system/stale"));
  CHECK(cl.candidates.count("kube-system/fresh"));
  cl.RunFor(kLeaseCandidateGCPeriod);
  CHECK_FALSE(cl.candidates.count("kube-system/fresh"));  // 59m old at the second gc
}

TEST_CASE("Controller with LeaseCandidate clients: an older emulation version gets preferredHolder",
          "[core][coordinated]") {
  // The first candidate to register is elected at once (it is the only one); a candidate
  // of an older emulation version joining later makes the controller mark the holder's
  // end of term with preferredHolder. The holder stays until its elector steps down (no
  // elector here).
  Cluster cl;
  LeaderElectionController ctl({.api = LeaseCandidateApi::kV1beta1, .gc_period = {}});
  cl.controller = &ctl;
  cl.StartController();
  auto cfg = [](std::string name, std::string v) {
    LeaseCandidateConfig c;
    c.namespace_ = "kube-system";
    c.name = std::move(name);
    c.leaseName = "kube-controller-manager";
    c.binaryVersion = c.emulationVersion = std::move(v);
    return c;
  };
  LeaseCandidateClient a(cfg("a", "1.31.0")), b(cfg("b", "1.30.0"));
  cl.StartClient(a);
  REQUIRE(cl.RunUntil([&] { return cl.Holder("kube-system", "kube-controller-manager").has_value(); }, 30s));
  CHECK(*cl.Holder("kube-system", "kube-controller-manager") == "a");
  cl.StartClient(b);
  auto preferred = [&] { return cl.leases.at("kube-system/kube-controller-manager").spec.preferredHolder; };
  REQUIRE(cl.RunUntil([&] { return preferred() == std::optional<std::string>("b"); }, 30s));
  CHECK(*cl.Holder("kube-system", "kube-controller-manager") == "a");
  CHECK(ctl.last_outcome("kube-system/kube-controller-manager") == ElectionOutcome::kPreferredHolderSet);
}

}  // namespace leasesim::core::testing
