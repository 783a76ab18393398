// election_test.cc — kubernetes pkg/controlplane/controller/leaderelection/election_test.go
// (the v1beta1 cases; TestPickBestStrategy also in its 1.31 v1alpha1 form), and semver.
#include <catch2/catch.hpp>

#include <vector>

#include "core/coordinated_election.h"
#include "core/semver.h"

namespace leasesim::core {
namespace {

using namespace std::chrono_literals;

const WallTime kNow{std::chrono::hours(490000)};

LeaseCandidate Cand(std::string name, std::string ev, std::string bv, WallTime created = kNow,
                    std::string strategy = "") {
  LeaseCandidate c;
  c.metadata.name = std::move(name);
  c.metadata.namespace_ = "default";
  c.metadata.creationTimestamp = created;
  c.spec.emulationVersion = std::move(ev);
  c.spec.binaryVersion = std::move(bv);
  c.spec.strategy = std::move(strategy);
  return c;
}

std::vector<const LeaseCandidate*> Ptrs(const std::vector<LeaseCandidate>& v) {
  std::vector<const LeaseCandidate*> p;
  for (const auto& c : v) p.push_back(&c);
  return p;
}

}  // namespace

TEST_CASE("TestPickBestLeaderOldestEmulationVersion", "[core][kubernetes][coordinated]") {
  SECTION("empty") { CHECK(PickBestLeaderOldestEmulationVersion({}) == nullptr); }
  SECTION("single candidate") {
    std::vector<LeaseCandidate> cs{Cand("candidate1", "0.1.0", "0.1.0")};
    auto p = Ptrs(cs);
    REQUIRE(PickBestLeaderOldestEmulationVersion(p) != nullptr);
    CHECK(PickBestLeaderOldestEmulationVersion(p)->metadata.name == "candidate1");
  }
  SECTION("multiple candidates, different emulation versions") {
    std::vector<LeaseCandidate> cs{Cand("candidate1", "0.1.0", "0.1.0", kNow + (-1h)),
                                   Cand("candidate2", "0.2.0", "0.2.0", kNow)};
    auto p = Ptrs(cs);
    CHECK(PickBestLeaderOldestEmulationVersion(p)->metadata.name == "candidate1");
  }
  SECTION("multiple candidates, same emulation versions, different binary versions") {
    std::vector<LeaseCandidate> cs{Cand("candidate1", "0.1.0", "0.1.0", kNow + (-1h)),
                                   Cand("candidate2", "0.1.0", "0.2.0", kNow)};
    auto p = Ptrs(cs);
    CHECK(PickBestLeaderOldestEmulationVersion(p)->metadata.name == "candidate1");
  }
  SECTION("multiple candidates, same emulation versions, same binary versions, different creation timestamps") {
    std::vector<LeaseCandidate> cs{Cand("candidate1", "0.1.0", "0.1.0", kNow + (-1h)),
                                   Cand("candidate2", "0.1.0", "0.1.0", kNow)};
    auto p = Ptrs(cs);
    CHECK(PickBestLeaderOldestEmulationVersion(p)->metadata.name == "candidate1");
  }
}

TEST_CASE("TestValidLeaseCandidateForOldestEmulationVersion", "[core][kubernetes][coordinated]") {
  SECTION("valid emulation and binary versions") {
    CHECK(ValidLeaseCandidateForOldestEmulationVersion(Cand("c", "0.1.0", "0.1.0")));
  }
  SECTION("invalid emulation version") {
    CHECK_FALSE(ValidLeaseCandidateForOldestEmulationVersion(Cand("c", "invalid", "0.1.0")));
  }
  SECTION("invalid binary version") {
    CHECK_FALSE(ValidLeaseCandidateForOldestEmulationVersion(Cand("c", "0.1.0", "invalid")));
  }
}

TEST_CASE("TestGetEmulationVersion", "[core][kubernetes][coordinated]") {
  SECTION("valid emulation version") {
    CHECK(GetEmulationVersionOrZero(Cand("c", "0.1.0", "")).Compare(*ParseSemver("0.1.0")) == 0);
  }
}

TEST_CASE("TestGetBinaryVersion", "[core][kubernetes][coordinated]") {
  SECTION("valid binary version") {
    CHECK(GetBinaryVersionOrZero(Cand("c", "", "0.3.0")).Compare(*ParseSemver("0.3.0")) == 0);
  }
}

TEST_CASE("TestCompare", "[core][kubernetes][coordinated]") {
  struct Case {
    const char* name;
    LeaseCandidate lhs, rhs;
    int expected;
  };
  const std::vector<Case> cases{
      {"identical versions earlier timestamp", Cand("", "1.20.0", "1.21.0", kNow + 1ns),
       Cand("", "1.20.0", "1.21.0", kNow), 1},
      {"no lhs version", LeaseCandidate{}, Cand("", "1.20.0", "1.21.0"), -1},
      {"no rhs version", Cand("", "1.20.0", "1.21.0"), LeaseCandidate{}, 1},
      {"invalid lhs version", Cand("", "xyz", "xyz"), Cand("", "1.20.0", "1.21.0"), -1},
      {"invalid rhs version", Cand("", "1.20.0", "1.21.0"), Cand("", "xyz", "xyz"), 1},
      {"lhs less than rhs", Cand("", "1.19.0", "1.20.0"), Cand("", "1.20.0", "1.20.0"), -1},
      {"rhs less than lhs", Cand("", "1.20.0", "1.20.0"), Cand("", "1.19.0", "1.20.0"), 1},
      {"lhs less than rhs, lexographical order check", Cand("", "1.2.0", "1.20.0"), Cand("", "1.19.0", "1.20.0"),
       -1},
  };
  for (const Case& c : cases) {
    SECTION(c.name) { CHECK(CompareCandidates(c.lhs, c.rhs) == c.expected); }
  }
  SECTION("creationTimestamp is compared at second precision (metav1.Time on the wire)") {
    // "identical versions earlier timestamp" differs by 1ns in Go's in-memory objects; a
    // stored object keeps whole seconds, so two candidates created within the same second
    // tie and lhs wins.
    LeaseCandidate a = Cand("", "1.20.0", "1.21.0", kNow);
    LeaseCandidate b = Cand("", "1.20.0", "1.21.0", kNow);
    CHECK(CompareCandidates(a, b) == -1);
    CHECK(CompareCandidates(b, a) == -1);
  }
}

TEST_CASE("TestShouldReelect", "[core][kubernetes][coordinated]") {
  const std::string oev(kOldestEmulationVersion);
  const LeaseCandidate leader = Cand("component-identity-1", "1.19.0", "1.19.0", kNow, oev);
  SECTION("candidate with newer binary version") {
    std::vector<LeaseCandidate> cs{leader, Cand("component-identity-2", "1.19.0", "1.20.0", kNow, oev)};
    CHECK_FALSE(ShouldReelect(Ptrs(cs), leader));
  }
  SECTION("no newer candidates") {
    std::vector<LeaseCandidate> cs{leader, Cand("component-identity-2", "1.19.0", "1.19.0", kNow, oev)};
    CHECK_FALSE(ShouldReelect(Ptrs(cs), leader));
  }
  SECTION("no candidates") { CHECK_FALSE(ShouldReelect({}, leader)); }
  SECTION("an older emulation version appears (not a Go case)") {
    std::vector<LeaseCandidate> cs{leader, Cand("component-identity-0", "1.18.0", "1.19.0", kNow, oev)};
    CHECK(ShouldReelect(Ptrs(cs), leader));
  }
}

TEST_CASE("TestPickBestStrategy", "[core][kubernetes][coordinated]") {
  const std::string oev(kOldestEmulationVersion);
  auto pick = [](const std::vector<LeaseCandidate>& cs) {
    return PickBestStrategy(Ptrs(cs), LeaseCandidateApi::kV1beta1);
  };
  SECTION("single candidate, single preferred strategy") {
    auto r = pick({Cand("candidate1", "", "", kNow, oev)});
    CHECK(r.error.empty());
    CHECK(r.strategy == oev);
  }
  SECTION("multiple candidates, different preferred strategies should fail") {
    auto r = pick({Cand("candidate1", "", "", kNow, oev), Cand("candidate2", "", "", kNow, "foo.com/bar")});
    CHECK(r.error ==
          "candidates \"candidate1\", \"candidate2\" at same binary version but received differing strategies "
          "OldestEmulationVersion, foo.com/bar");
  }
  SECTION("multiple candidates, different preferred strategy different binary version should resolve") {
    auto r = pick({Cand("candidate1", "", "1.32.0", kNow, oev), Cand("candidate2", "", "1.31.0", kNow, "foo.com/bar")});
    CHECK(r.error.empty());
    CHECK(r.strategy == oev);
  }
  SECTION("multiple candidates, different preferred strategy different binary version should resolve, order agnostic") {
    auto r = pick({Cand("candidate2", "", "1.31.0", kNow, "foo.com/bar"), Cand("candidate1", "", "1.32.0", kNow, oev)});
    CHECK(r.error.empty());
    CHECK(r.strategy == oev);
  }
  SECTION("multiple candidates, different preferred strategy different binary version string comparison check") {
    auto r = pick({Cand("candidate1", "", "1.1.10", kNow, oev), Cand("candidate2", "", "1.1.2", kNow, "foo.com/bar")});
    CHECK(r.error.empty());
    CHECK(r.strategy == oev);
  }
  SECTION("multiple candidates, same preferred strategy") {
    auto r = pick({Cand("candidate1", "", "1.31.0", kNow, oev), Cand("candidate2", "", "1.31.0", kNow, oev)});
    CHECK(r.error.empty());
    CHECK(r.strategy == oev);
  }
  SECTION("multiple candidates, conflicting preferred strategy") {
    auto r = pick({Cand("candidate1", "", "1.31.0", kNow, oev), Cand("candidate2", "", "1.31.0", kNow, "foo.com/bar")});
    CHECK_FALSE(r.error.empty());
  }
}

TEST_CASE("TestPickBestStrategy (1.31, v1alpha1 preferredStrategies)", "[core][kubernetes][coordinated]") {
  auto with = [](std::string name, std::vector<std::string> ps) {
    LeaseCandidate c = Cand(std::move(name), "", "");
    c.api = LeaseCandidateApi::kV1alpha1;
    c.spec.preferredStrategies = std::move(ps);
    return c;
  };
  auto pick = [](const std::vector<LeaseCandidate>& cs) {
    return PickBestStrategy(Ptrs(cs), LeaseCandidateApi::kV1alpha1);
  };
  SECTION("single candidate, single preferred strategy") {
    auto r = pick({with("candidate1", {"OldestEmulationVersion"})});
    CHECK(r.strategy == "OldestEmulationVersion");
  }
  SECTION("multiple candidates, different preferred strategies should fail") {
    auto r = pick({with("candidate1", {"OldestEmulationVersion"}), with("candidate2", {"foo.com/bar"})});
    CHECK(r.error == "invalid strategy");
  }
  SECTION("multiple candidates, strategy superseding") {
    auto r = pick({with("candidate1", {"foo.com/bar", "OldestEmulationVersion"}),
                   with("candidate2", {"OldestEmulationVersion"})});
    CHECK(r.error.empty());
    CHECK(r.strategy == "foo.com/bar");
  }
  SECTION("multiple candidates, cycle") {
    auto r = pick({with("candidate1", {"foo.com/bar", "OldestEmulationVersion"}),
                   with("candidate2", {"OldestEmulationVersion", "foo.com/bar"})});
    CHECK(r.error == "invalid strategy");
  }
}

TEST_CASE("semver ParseTolerant and Compare (blang/semver v4)", "[core][coordinated]") {
  CHECK(ParseTolerantSemver("v1")->Compare(*ParseSemver("1.0.0")) == 0);
  CHECK(ParseTolerantSemver(" 1.31 ")->Compare(*ParseSemver("1.31.0")) == 0);
  CHECK(ParseTolerantSemver("01.02.03")->Compare(*ParseSemver("1.2.3")) == 0);
  CHECK_FALSE(ParseTolerantSemver("invalid"));
  CHECK_FALSE(ParseTolerantSemver(""));
  CHECK_FALSE(ParseTolerantSemver("1.2-rc.1"));  // short version with pre-release
  CHECK_FALSE(ParseSemver("1.02.3"));
  CHECK(ParseSemver("1.31.0-alpha.1")->Compare(*ParseSemver("1.31.0")) == -1);
  CHECK(ParseSemver("1.31.0-alpha.2")->Compare(*ParseSemver("1.31.0-alpha.10")) == -1);
  CHECK(ParseSemver("1.31.0-alpha")->Compare(*ParseSemver("1.31.0-alpha.1")) == -1);
  CHECK(ParseSemver("1.31.0-1")->Compare(*ParseSemver("1.31.0-alpha")) == -1);
  CHECK(ParseSemver("1.31.0+build.5")->Compare(*ParseSemver("1.31.0")) == 0);
  CHECK(ParseSemver("1.1.10")->Compare(*ParseSemver("1.1.2")) == 1);
}

TEST_CASE("IsLeaseExpired and IsLeaseCandidateExpired", "[core][coordinated]") {
  Lease l;
  CHECK(IsLeaseExpired(kNow, l));
  l.spec.renewTime = kNow;
  CHECK(IsLeaseExpired(kNow, l));  // no leaseDurationSeconds
  l.spec.leaseDurationSeconds = 10;
  CHECK_FALSE(IsLeaseExpired(kNow + 10s, l));  // Before is strict
  CHECK(IsLeaseExpired(kNow + 10s + 1ns, l));
  LeaseCandidate c;
  CHECK(IsLeaseCandidateExpired(kNow, c));
  c.spec.renewTime = kNow;
  CHECK_FALSE(IsLeaseCandidateExpired(kNow + 30min, c));
  CHECK(IsLeaseCandidateExpired(kNow + 30min + 1ns, c));
}

}  // namespace leasesim::core
