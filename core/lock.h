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
  const LeaderElectionRecord& got_record() const { return multi_ ? got_record_ : memo_record_[0]; }
  const std::string& got_raw() const { return multi_ ? got_raw_ : memo_raw_[0]; }
  // got_raw_gen numbers the contents of got_raw(): equal numbers, equal bytes (a new
  // number may still carry the same bytes). Never 0.
  uint64_t got_raw_gen() const { return multi_ ? got_raw_gen_ : memo_raw_gen_[0]; }
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
  const ObjectPtr& cached_object() const { return cache_[0]; }
  const ObjectPtr& cached_secondary() const { return cache_[1]; }

 private:
  enum class Op : uint8_t { kNone, kGet, kCreate, kUpdate };
  // Sub-lock index: 0 = primary (the only one unless MultiLock), 1 = secondary (leases).
  const LockStep& SubGet(int sub);
  const LockStep& SubCreate(int sub, const LeaderElectionRecord& r);
  const LockStep& SubUpdate(int sub, const LeaderElectionRecord& r);
  // Completes a sub-lock request; fills sub_record_/sub_raw_ for Gets. The status is the
  // response's or local_status_.
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
  ObjectPtr cache_[2];
  // The allocations of this lock's recent Update bodies, per sub-lock (reused by
  // UpdateBody once no one else holds them).
  std::shared_ptr<Object> bodies_[2][2];
  uint8_t next_body_[2] = {0, 0};
  // Memo of the last decoded Get body per sub-lock: objects are immutable, so the same
  // pointer always decodes to the same record and raw bytes.
  ObjectPtr memo_obj_[2];
  LeaderElectionRecord memo_record_[2];
  std::string memo_raw_[2];
  // memo_raw_[sub] is MarshalRecord(memo_record_[sub]) (a Lease's), so it can be patched;
  // memo_renew_at_ is RecordRenewTimeAt(memo_raw_[sub]).
  bool memo_raw_marshalled_[2] = {false, false};
  size_t memo_renew_at_[2] = {0, 0};
  uint64_t memo_raw_gen_[2] = {1, 1};
  uint64_t got_raw_gen_ = 1;
  uint64_t next_gen_ = 2;
  RawPatch raw_patch_;

  Op op_ = Op::kNone;
  int step_ = 0;
  int sub_ = 0;
  Verb pending_verb_ = Verb::kGet;
  LeaderElectionRecord arg_;
  LeaderElectionRecord sub_record_[2];
  std::string sub_raw_[2];
  Status primary_status_;
  LeaderElectionRecord got_record_;
  std::string got_raw_;
};

}  // namespace leasesim::core
