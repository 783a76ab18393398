// lock.h — resourcelock.Interface implementations as request/response state machines.
//
// Ports client-go tools/leaderelection/resourcelock: LeaseLock (leaselock.go), the
// annotation locks on ConfigMaps and Endpoints (configmaplock.go / endpointslock.go as of
// v0.27) and MultiLock (multilock.go). Each Get/Create/Update is a short sequence of API
// calls: Begin* returns the first step, OnResponse the next, until a step is Done.
//
//   core::ResourceLock lock(cfg, /*coordinated_fields=*/true);
//   core::LockStep s = lock.BeginGet();
//   while (s.send) s = lock.OnResponse(server.Handle(s.request));
//   if (s.status.ok()) use(lock.got_record(), lock.got_raw());
//
// (Begin*/OnResponse return the lock's own step, valid until the next call on the lock:
// a caller that only reads it builds no request or status of its own.)
//
// The lock keeps client-go's cache: LeaseLock.lease (the object of the last successful
// Get/Create/Update; an Update carries its resourceVersion), and keeps the mutated spec
// with the old resourceVersion when an Update fails (PR #95939). A failed Create — and
// before 1.26 a failed Get — replaces the cache with the empty object the typed client
// returns with its error (`ll.lease, err = ...Create(...)`); an Update on that object
// fails locally with "resource name may not be empty" (rest.Request.Name), no API call.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/api.h"
#include "core/config.h"
#include "core/record.h"

namespace leasesim::core {

// LockStep: either send `request` (its id is assigned by the caller) and call OnResponse
// with the answer, or the operation is done with `status`.
struct LockStep {
  bool send = false;
  ApiRequest request;
  Status status;
};

class ResourceLock {
 public:
  // coordinated_fields: the 7-key raw record (VersionProfile::coordinated_fields);
  // get_error_keeps_cache: VersionProfile::get_error_keeps_cache (1.26+).
  ResourceLock(LockConfig config, bool coordinated_fields, bool get_error_keeps_cache = true);

  // Get: on success got_record()/got_raw() hold the record and its raw bytes.
  // The step returned is valid until the next call on the lock.
  const LockStep& BeginGet();
  const LockStep& BeginCreate(const LeaderElectionRecord& r);
  const LockStep& BeginUpdate(const LeaderElectionRecord& r);
  const LockStep& OnResponse(const ApiResponse& response);

  // (A single-object lock serves them from its decode memo, without copies.)
  const LeaderElectionRecord& got_record() const { return multi_ ? multi_state_->got_record : primary_.memo_record; }
  const std::string& got_raw() const { return multi_ ? multi_state_->got_raw : primary_.memo_raw; }
  // got_raw_gen numbers the contents of got_raw(): equal numbers, equal bytes (a new
  // number may still carry the same bytes). Never 0.
  uint64_t got_raw_gen() const { return multi_ ? multi_state_->got_raw_gen : primary_.memo_raw_gen; }
  // RawPatch: got_raw() generation `to` differs from generation `from` only in the `len`
  // bytes at `at` (a renewal patched in place; same size). Valid for a single-object lock.
  struct RawPatch {
    uint64_t from = 0, to = 0;
    size_t at = 0, len = 0;
  };
  const RawPatch& got_raw_patch() const { return raw_patch_; }
  const std::string& Identity() const { return config_.identity; }
  // Describe is "<namespace>/<name>" (of the primary lock for MultiLock).
  std::string Describe() const;
  const LockConfig& config() const { return config_; }
  // cached_object is LeaseLock.lease (or the primary's cached object); null before any
  // successful Get/Create.
  const ObjectPtr& cached_object() const { return primary_.cache; }
  const ObjectPtr& cached_secondary() const { return multi_state_ ? multi_state_->secondary.cache : kNoObject; }

 private:
  enum class Op : uint8_t { kNone, kGet, kCreate, kUpdate };
  // Sub-lock index: 0 = primary (the only one unless MultiLock), 1 = secondary (leases).
  const LockStep& SubGet(int sub);
  const LockStep& SubCreate(int sub, const LeaderElectionRecord& r);
  const LockStep& SubUpdate(int sub, const LeaderElectionRecord& r);
  // Completes a sub-lock request (for a MultiLock's Get, fills multi_state_'s record and
  // raw). The status is the response's or local_status_.
  const Status& SubFinish(int sub, const ApiResponse& response);
  // DecodeLease memoises a Lease's record and raw bytes (LeaseLock.Get).
  void DecodeLease(int sub, const LeaseSpec& spec);
  Resource SubResource(int sub) const;
  // UpdateBody: a copy of `from` in an allocation only this lock holds (see lock.cc);
  // spec_follows: the caller overwrites a Lease's whole spec (it is not copied then).
  std::shared_ptr<Object> UpdateBody(int sub, const Object& from, bool spec_follows);
  bool IsMulti() const { return multi_; }
  const LockStep& Send(int sub, Verb verb, ObjectPtr body);
  const LockStep& Done(const Status& s);
  const LockStep& Done(Status&& s);

  LockConfig config_;
  bool coordinated_fields_;
  bool get_error_keeps_cache_;
  bool multi_;
  LockStep step_out_;        // what Begin*/OnResponse return (its request keeps ns/name)
  Status local_status_;      // SubFinish's own errors
  // SubState is what the lock keeps per object: one for a single lock, two for a
  // MultiLock (whose second one, with its composed Gets, is allocated only then: most
  // locks are single, and a 1000-candidate run keeps 1000 locks).
  struct SubState {
    ObjectPtr cache;
    // The allocations of this object's recent Update bodies (reused by UpdateBody once no
    // one else holds them).
    std::shared_ptr<Object> bodies[2];
    uint8_t next_body = 0;
    // Memo of the last decoded Get body: objects are immutable, so the same pointer always
    // decodes to the same record and raw bytes.
    ObjectPtr memo_obj;
    LeaderElectionRecord memo_record;
    std::string memo_raw;
    // memo_raw is MarshalRecord(memo_record) (a Lease's), so it can be patched;
    // memo_renew_at is RecordRenewTimeAt(memo_raw).
    bool memo_raw_marshalled = false;
    size_t memo_renew_at = 0;
    uint64_t memo_raw_gen = 1;
  };
  struct MultiState {
    SubState secondary;
    // Each object's last Get, decoded (SubFinish), for OnResponse to compose.
    LeaderElectionRecord record[2];
    std::string raw[2];
    // The composed Get (got_record() and friends; a single lock serves its memo).
    LeaderElectionRecord got_record;
    std::string got_raw;
    uint64_t got_raw_gen = 1;
    LeaderElectionRecord arg;  // the record being created or written, for the secondary
  };
  // S(sub): sub 0 is the primary, 1 the MultiLock's secondary (only when IsMulti()).
  SubState& S(int sub) { return sub == 0 ? primary_ : multi_state_->secondary; }
  SubState primary_;
  std::unique_ptr<MultiState> multi_state_;  // MultiLock only
  static inline const ObjectPtr kNoObject{};
  uint64_t next_gen_ = 2;
  RawPatch raw_patch_;

  Op op_ = Op::kNone;
  int step_ = 0;
  int sub_ = 0;
  Verb pending_verb_ = Verb::kGet;
};

}  // namespace leasesim::core
