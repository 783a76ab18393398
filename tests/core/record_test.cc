// record_test.cc — the raw record is Go's json.Marshal output, byte for byte; the Lease
// mapping follows resourcelock (leaselock.go) and its tests.
#include <catch2/catch.hpp>

#include "core/record.h"

using namespace leasesim::core;
using namespace std::chrono_literals;

namespace {
// 2026-01-01T00:00:00Z
constexpr WallTime kT0{std::chrono::seconds(1767225600)};
}  // namespace

TEST_CASE("raw record: zero record is 7 keys with null times", "[core][record]") {
  CHECK(MarshalRecord(LeaderElectionRecord{}) ==
        R"({"holderIdentity":"","leaseDurationSeconds":0,"acquireTime":null,"renewTime":null,)"
        R"("leaderTransitions":0,"strategy":"","preferredHolder":""})");
}

TEST_CASE("raw record: full record, RFC 3339 at second precision in UTC", "[core][record]") {
  LeaderElectionRecord r;
  r.holderIdentity = "node-a_6f1c";
  r.leaseDurationSeconds = 15;
  r.acquireTime = kT0 + 12h + 34min + 56s + 789'123'456ns;  // sub-second digits dropped
  r.renewTime = kT0 + 12h + 35min + 10s + 999'999'999ns;    // truncated, not rounded
  r.leaderTransitions = 3;
  r.strategy = "OldestEmulationVersion";
  r.preferredHolder = "node-b";
  CHECK(MarshalRecord(r) ==
        R"({"holderIdentity":"node-a_6f1c","leaseDurationSeconds":15,"acquireTime":"2026-01-01T12:34:56Z",)"
        R"("renewTime":"2026-01-01T12:35:10Z","leaderTransitions":3,"strategy":"OldestEmulationVersion",)"
        R"("preferredHolder":"node-b"})");
}

TEST_CASE("raw record: before 1.31 the record has 5 keys", "[core][record]") {
  LeaderElectionRecord r;
  r.holderIdentity = "a";
  r.leaseDurationSeconds = 10;
  r.renewTime = kT0;
  CHECK(MarshalRecord(r, /*coordinated_fields=*/false) ==
        R"({"holderIdentity":"a","leaseDurationSeconds":10,"acquireTime":null,"renewTime":"2026-01-01T00:00:00Z",)"
        R"("leaderTransitions":0})");
}

TEST_CASE("raw record: two renewals in the same second are byte-identical", "[core][record]") {
  LeaderElectionRecord a;
  a.holderIdentity = "x";
  a.renewTime = kT0 + 100ms;
  LeaderElectionRecord b = a;
  b.renewTime = kT0 + 900ms;
  CHECK(MarshalRecord(a) == MarshalRecord(b));
  b.renewTime = kT0 + 1s;
  CHECK(MarshalRecord(a) != MarshalRecord(b));
}

TEST_CASE("raw record: times before 1970 and leap days", "[core][record]") {
  LeaderElectionRecord r;
  r.renewTime = WallTime{-1ns};  // 1969-12-31T23:59:59Z (Go truncates toward the past)
  r.acquireTime = WallTime{std::chrono::seconds(951782400)};  // 2000-02-29T00:00:00Z
  const std::string s = MarshalRecord(r);
  CHECK(s.find(R"("renewTime":"1969-12-31T23:59:59Z")") != std::string::npos);
  CHECK(s.find(R"("acquireTime":"2000-02-29T00:00:00Z")") != std::string::npos);
}

TEST_CASE("raw record: Go's HTML-safe string escaping", "[core][record]") {
  std::string out;
  AppendGoJSONString(out, "a<b>&\"\\\n\x01\xe2\x80\xa8\xff" "é");
  CHECK(out == "\"a\\u003cb\\u003e\\u0026\\\"\\\\\\n\\u0001\\u2028\\ufffd\xc3\xa9\"");
}

TEST_CASE("UnmarshalRecord reads what MarshalRecord writes", "[core][record]") {
  LeaderElectionRecord r;
  r.holderIdentity = "h<1>";
  r.leaseDurationSeconds = 7;
  r.acquireTime = kT0 + 5s;
  r.renewTime = kT0 + 9s;
  r.leaderTransitions = 4;
  LeaderElectionRecord back;
  REQUIRE(UnmarshalRecord(MarshalRecord(r), back));
  CHECK(back == r);
  CHECK_FALSE(UnmarshalRecord(R"({"holderIdentity":1})", back));
  CHECK_FALSE(UnmarshalRecord("not json", back));
}

TEST_CASE("RFC 3339 micro format and parsing", "[core][record]") {
  std::string s;
  AppendRFC3339Micros(s, kT0 + 1500123ns);
  CHECK(s == "2026-01-01T00:00:00.001500Z");
  WallTime t;
  REQUIRE(ParseRFC3339("2026-01-01T00:00:00.001500Z", t));
  CHECK(t == kT0 + 1500us);
  REQUIRE(ParseRFC3339("2026-01-01T01:00:00+01:00", t));
  CHECK(t == kT0);
  CHECK_FALSE(ParseRFC3339("2026-13-01T00:00:00Z", t));
  CHECK_FALSE(ParseRFC3339("yesterday", t));
}

TEST_CASE("TestLeaseSpecToLeaderElectionRecordRoundTrip", "[core][client-go]") {
  LeaseSpec spec;
  spec.holderIdentity = "foo";
  spec.leaseDurationSeconds = 10;
  spec.acquireTime = kT0 + 1234us;
  spec.renewTime = kT0 + 5678us;
  spec.leaseTransitions = 1;
  const LeaderElectionRecord r = LeaseSpecToLeaderElectionRecord(spec);
  const LeaseSpec spec2 = LeaderElectionRecordToLeaseSpec(r);
  CHECK(spec2.holderIdentity == spec.holderIdentity);
  CHECK(spec2.leaseDurationSeconds == spec.leaseDurationSeconds);
  CHECK(spec2.acquireTime == spec.acquireTime);
  CHECK(spec2.renewTime == spec.renewTime);
  CHECK(spec2.leaseTransitions == spec.leaseTransitions);
  CHECK_FALSE(spec2.strategy.has_value());
  CHECK_FALSE(spec2.preferredHolder.has_value());
  CHECK(LeaseSpecToLeaderElectionRecord(spec2) == r);
}

TEST_CASE("TestLeaseConversion", "[core][client-go]") {
  LeaderElectionRecord r;
  r.holderIdentity = "h";
  r.leaseDurationSeconds = 30;
  r.acquireTime = kT0;
  r.renewTime = kT0 + 3s;
  r.leaderTransitions = 2;
  r.strategy = "OldestEmulationVersion";
  r.preferredHolder = "p";
  const LeaseSpec s = LeaderElectionRecordToLeaseSpec(r);
  CHECK(s.strategy == std::optional<std::string>("OldestEmulationVersion"));
  CHECK(s.preferredHolder == std::optional<std::string>("p"));
  CHECK(LeaseSpecToLeaderElectionRecord(s) == r);
  // Nil pointers give zero values.
  CHECK(LeaseSpecToLeaderElectionRecord(LeaseSpec{}) == LeaderElectionRecord{});
}

TEST_CASE("MicroTime truncation and ConcatRawRecord", "[core][record]") {
  CHECK(TruncateToMicros(kT0 + 1999ns) == kT0 + 1us);
  CHECK(TruncateToMicros(WallTime::Zero()).IsZero());
  CHECK(ConcatRawRecord("{a}", "{b}") == "{a},{b}");
}

TEST_CASE("raw record: a renewal patched in place is MarshalRecord of the new record", "[core][record]") {
  LeaderElectionRecord prev;
  prev.holderIdentity = "node-\"a\",\"renewTime\":\"x";  // escaped: never taken for the key
  prev.leaseDurationSeconds = 15;
  prev.acquireTime = kT0 + 1s;
  prev.renewTime = kT0 + 1s + 500ms;
  prev.leaderTransitions = 2;
  for (const bool coordinated : {true, false}) {
    CAPTURE(coordinated);
    std::string raw = MarshalRecord(prev, coordinated);
    LeaderElectionRecord r = prev;
    // Renewals: the same second (nothing to rewrite), the next seconds, across a day and a year.
    for (const Duration step : {Duration(300ms), Duration(2s), Duration(24h), Duration(24h * 365)}) {
      CAPTURE(step.count());
      LeaderElectionRecord next = r;
      next.renewTime = r.renewTime + step;
      REQUIRE(PatchRecordRenewTime(raw, r, next));
      CHECK(raw == MarshalRecord(next, coordinated));
      r = next;
    }
    // Any other change (or a zero renewTime) is not a renewal: raw is left as it was.
    const std::string before = raw;
    LeaderElectionRecord other = r;
    other.holderIdentity = "node-b";
    CHECK_FALSE(PatchRecordRenewTime(raw, r, other));
    other = r;
    other.leaderTransitions = 3;
    CHECK_FALSE(PatchRecordRenewTime(raw, r, other));
    other = r;
    other.acquireTime = r.acquireTime + 1ns;
    CHECK_FALSE(PatchRecordRenewTime(raw, r, other));
    other = r;
    other.renewTime = WallTime::Zero();
    CHECK_FALSE(PatchRecordRenewTime(raw, r, other));
    CHECK(raw == before);
  }
}

TEST_CASE("raw record: PatchRecordRenewTimeAt rewrites only the bytes it reports", "[core][record]") {
  LeaderElectionRecord r;
  r.holderIdentity = "node-a";
  r.leaseDurationSeconds = 15;
  r.acquireTime = kT0 + 1s;
  r.renewTime = kT0 + 1s;
  std::string raw = MarshalRecord(r);
  const size_t at = RecordRenewTimeAt(raw);
  REQUIRE(at != std::string::npos);
  CHECK(raw.compare(at, 22, "\"2026-01-01T00:00:01Z\"") == 0);
  // (previous time, next time, the bytes expected to change)
  struct Case {
    Duration step;
    size_t changed_at, changed_len;
  };
  for (const Case c : {Case{300ms, at, 0}, Case{2s, at + 12, 8}, Case{24h, at + 1, 19}}) {
    CAPTURE(c.step.count());
    const std::string before = raw;
    LeaderElectionRecord next = r;
    next.renewTime = r.renewTime + c.step;
    size_t changed_at = 99, changed_len = 99;
    REQUIRE(PatchRecordRenewTimeAt(raw, at, r.renewTime, next.renewTime, &changed_at, &changed_len));
    CHECK(raw == MarshalRecord(next));
    CHECK(changed_at == c.changed_at);
    CHECK(changed_len == c.changed_len);
    // Outside the reported bytes nothing changed.
    CHECK(raw.substr(0, changed_at) == before.substr(0, changed_at));
    CHECK(raw.substr(changed_at + changed_len) == before.substr(changed_at + changed_len));
    r = next;
  }
  // A zero time on either side is not patched (unless both are zero).
  const std::string before = raw;
  CHECK_FALSE(PatchRecordRenewTimeAt(raw, at, r.renewTime, WallTime::Zero()));
  CHECK(raw == before);
  // Before 1970 (times floored toward the past), within a day and across one.
  LeaderElectionRecord old = r;
  old.renewTime = WallTime{-std::chrono::seconds(2 * 86400) + 500ms};
  std::string old_raw = MarshalRecord(old);
  for (const Duration step : {Duration(2s), Duration(24h), Duration(24h + 3s)}) {
    CAPTURE(step.count());
    LeaderElectionRecord next = old;
    next.renewTime = old.renewTime + step;
    REQUIRE(PatchRecordRenewTimeAt(old_raw, RecordRenewTimeAt(old_raw), old.renewTime, next.renewTime));
    CHECK(old_raw == MarshalRecord(next));
    old = next;
  }
}
