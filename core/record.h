// record.h — resourcelock.LeaderElectionRecord, its raw encoding and the Lease mapping.
//
// The raw record is what client-go compares byte for byte to notice that a lease changed
// (tryAcquireOrRenew step 3), so MarshalRecord reproduces Go's json.Marshal exactly:
// keys in struct order, no omitempty, metav1.Time as RFC 3339 UTC at second precision,
// the zero time as null, and Go's string escaping (<, >, & as \u003c, \u003e, \u0026).
//
//   core::LeaderElectionRecord r{.holderIdentity = "baz", .leaseDurationSeconds = 10};
//   core::MarshalRecord(r) ==
//     R"({"holderIdentity":"baz","leaseDurationSeconds":10,"acquireTime":null,)"
//     R"("renewTime":null,"leaderTransitions":0,"strategy":"","preferredHolder":""})"
#pragma once

#include <string>
#include <string_view>

#include "core/objects.h"
#include "core/time.h"

namespace leasesim::core {

// LeaderElectionRecord is resourcelock.LeaderElectionRecord (interface.go). Times keep
// full nanoseconds in memory; only the wire and the raw encoding truncate them.
struct LeaderElectionRecord {
  std::string holderIdentity;
  int leaseDurationSeconds = 0;
  WallTime acquireTime = WallTime::Zero();
  WallTime renewTime = WallTime::Zero();
  int leaderTransitions = 0;
  std::string strategy;         // coordinationv1.CoordinatedLeaseStrategy
  std::string preferredHolder;
  friend bool operator==(const LeaderElectionRecord&, const LeaderElectionRecord&) = default;
};

// MarshalRecord is json.Marshal(record). With coordinated_fields false it writes the
// 5-key record of client-go before 1.31.
std::string MarshalRecord(const LeaderElectionRecord& r, bool coordinated_fields = true);
// MarshalRecordTo writes the same bytes into `out` (replacing its contents, reusing its
// buffer).
void MarshalRecordTo(std::string& out, const LeaderElectionRecord& r, bool coordinated_fields = true);

// PatchRecordRenewTime turns `raw` == MarshalRecord(prev, f) into MarshalRecord(r, f) in
// place when the two records differ at most in renewTime (a renewal: the usual change
// between two reads of a lock), rewriting only the renewTime's 19 date bytes. Returns
// false, leaving `raw` unchanged, when it cannot (another field changed, a zero time, a
// year outside 0000-9999): the caller then marshals in full.
bool PatchRecordRenewTime(std::string& raw, const LeaderElectionRecord& prev, const LeaderElectionRecord& r);
// RecordRenewTimeAt is where the renewTime's value starts in `raw` == MarshalRecord(...)
// (the byte after `"renewTime":`), or std::string_view::npos.
size_t RecordRenewTimeAt(std::string_view raw);
// PatchRecordRenewTimeAt is PatchRecordRenewTime for records known to differ at most in
// renewTime (`prev` → `next`), with `at` = RecordRenewTimeAt(raw). On success
// *changed_at/*changed_len (if given) say which bytes it rewrote (0 bytes when the text
// is the same); false leaves `raw` unchanged.
bool PatchRecordRenewTimeAt(std::string& raw, size_t at, WallTime prev, WallTime next, size_t* changed_at = nullptr,
                            size_t* changed_len = nullptr);

// UnmarshalRecord parses what MarshalRecord (or Go) wrote, as the annotation locks do
// with json.Unmarshal. Returns false on malformed input (r is then unspecified).
bool UnmarshalRecord(std::string_view raw, LeaderElectionRecord& r);

// AppendRFC3339Seconds appends t as "2006-01-02T15:04:05Z" (UTC, seconds truncated
// toward the past, as Go's time.Truncate does for Format).
void AppendRFC3339Seconds(std::string& out, WallTime t);
// AppendRFC3339Micros appends t as "2006-01-02T15:04:05.000000Z" (metav1.RFC3339Micro).
void AppendRFC3339Micros(std::string& out, WallTime t);
// ParseRFC3339 reads "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)" as Go's
// time.Parse(time.RFC3339, ...) does (any number of fraction digits). On malformed input
// it returns false and, if `why` is given, says what is wrong.
bool ParseRFC3339(std::string_view s, WallTime& t, std::string* why = nullptr);

// AppendGoJSONString appends s as Go's encoding/json writes a string (HTML-safe escaping).
void AppendGoJSONString(std::string& out, std::string_view s);

// LeaderElectionRecordToLeaseSpec is resourcelock.LeaderElectionRecordToLeaseSpec:
// holder, duration, times and transitions always set; strategy and preferredHolder only
// if non-empty.
LeaseSpec LeaderElectionRecordToLeaseSpec(const LeaderElectionRecord& r);
// LeaseSpecToLeaderElectionRecord is the inverse: nil fields give zero values.
LeaderElectionRecord LeaseSpecToLeaderElectionRecord(const LeaseSpec& s);
// LeaseSpecToLeaderElectionRecordInto is the same mapping written into `out` in place
// (its strings keep their buffers): for callers that decode every write.
void LeaseSpecToLeaderElectionRecordInto(const LeaseSpec& s, LeaderElectionRecord& out);

// ConcatRawRecord is resourcelock.ConcatRawRecord (MultiLock): a + "," + b.
std::string ConcatRawRecord(std::string_view a, std::string_view b);

// kUnknownLeader is resourcelock.UnknownLeader (MultiLock, holders disagree).
inline constexpr std::string_view kUnknownLeader = "leaderelection.k8s.io/unknown";

}  // namespace leasesim::core
