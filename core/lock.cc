// lock.cc — LeaseLock, the annotation locks and MultiLock as step machines.
//
// Ports client-go tools/leaderelection/resourcelock: leaselock.go (HEAD), and from v0.27.0
// configmaplock.go, endpointslock.go and multilock.go.
#include "core/lock.h"

#include <cassert>
#include <map>
#include <utility>

namespace leasesim::core {

ResourceLock::ResourceLock(LockConfig config, bool coordinated_fields, bool get_error_keeps_cache)
    : config_(std::move(config)),
      coordinated_fields_(coordinated_fields),
      get_error_keeps_cache_(get_error_keeps_cache),
      multi_(config_.kind == LockKind::kConfigMapsLeases || config_.kind == LockKind::kEndpointsLeases) {
  step_out_.request.namespace_ = config_.namespace_;
  step_out_.request.name = config_.name;
  if (multi_) multi_state_ = std::make_unique<MultiState>();
}

std::string ResourceLock::Describe() const { return config_.namespace_ + "/" + config_.name; }

Resource ResourceLock::SubResource(int sub) const {
  if (sub == 1) return Resource::kLeases;  // MultiLock secondary is always a LeaseLock
  switch (config_.kind) {
    case LockKind::kLeases: return Resource::kLeases;
    case LockKind::kConfigMaps:
    case LockKind::kConfigMapsLeases: return Resource::kConfigMaps;
    case LockKind::kEndpoints:
    case LockKind::kEndpointsLeases: return Resource::kEndpoints;
  }
  return Resource::kLeases;
}

const LockStep& ResourceLock::Send(int sub, Verb verb, ObjectPtr body) {
  sub_ = sub;
  pending_verb_ = verb;
  LockStep& s = step_out_;
  s.send = true;
  s.request.id = 0;
  s.request.verb = verb;
  s.request.resource = SubResource(sub);
  s.request.body = std::move(body);  // (namespace and name are the lock's, set once)
  return s;
}

const LockStep& ResourceLock::Done(const Status& st) {
  op_ = Op::kNone;
  step_out_.send = false;
  if (step_out_.request.body) step_out_.request.body = nullptr;
  Status& out = step_out_.status;
  if (&st != &out) {
    if (st.message.empty() && out.message.empty()) {  // (an OK after an OK: no string to copy)
      out.reason = st.reason;
      out.code = st.code;
    } else {
      out = st;
    }
  }
  return step_out_;
}

const LockStep& ResourceLock::Done(Status&& st) {
  op_ = Op::kNone;
  step_out_.send = false;
  step_out_.request.body = nullptr;
  step_out_.status = std::move(st);
  return step_out_;
}

// --- single-object locks --------------------------------------------------------------

const LockStep& ResourceLock::SubGet(int sub) { return Send(sub, Verb::kGet, nullptr); }

const LockStep& ResourceLock::SubCreate(int sub, const LeaderElectionRecord& r) {
  // LeaseLock.Create: Lease{ObjectMeta{Name, Namespace, Labels: ll.Labels}, Spec: ...}.
  // configMapLock/endpointsLock.Create: the object with only the leader annotation.
  const Resource res = SubResource(sub);
  ObjectMeta meta;
  meta.name = config_.name;
  meta.namespace_ = config_.namespace_;
  if (res == Resource::kLeases) {
    meta.labels = config_.labels;
    return Send(sub, Verb::kCreate, MakeObject(Lease{std::move(meta), LeaderElectionRecordToLeaseSpec(r)}));
  }
  meta.annotations.emplace(std::string(kLeaderAnnotationKey), MarshalRecord(r, coordinated_fields_));
  if (res == Resource::kConfigMaps) return Send(sub, Verb::kCreate, MakeObject(ConfigMap{std::move(meta), {}}));
  return Send(sub, Verb::kCreate, MakeObject(Endpoints{std::move(meta)}));
}

// AssignLeaseSpec is `ll.lease.Spec = LeaderElectionRecordToLeaseSpec(&ler)` written into
// the copied spec in place (its strings keep their buffers).
static void AssignLeaseSpec(LeaseSpec& s, const LeaderElectionRecord& r) {
  const auto set = [](std::optional<std::string>& o, const std::string& v) {
    if (o) {
      o->assign(v);
    } else {
      o.emplace(v);
    }
  };
  set(s.holderIdentity, r.holderIdentity);
  s.leaseDurationSeconds = static_cast<int32_t>(r.leaseDurationSeconds);
  s.acquireTime = r.acquireTime;
  s.renewTime = r.renewTime;
  s.leaseTransitions = static_cast<int32_t>(r.leaderTransitions);
  // Strategy and PreferredHolder are set only when non-empty.
  if (!r.strategy.empty()) {
    set(s.strategy, r.strategy);
  } else {
    s.strategy.reset();
  }
  if (!r.preferredHolder.empty()) {
    set(s.preferredHolder, r.preferredHolder);
  } else {
    s.preferredHolder.reset();
  }
}

const LockStep& ResourceLock::SubUpdate(int sub, const LeaderElectionRecord& r) {
  SubState& st = S(sub);
  const Resource res = SubResource(sub);
  if (!st.cache) {
    Status st = Status::NotInitialized();
    if (res == Resource::kConfigMaps) st.message = "configmap not initialized, call get or create first";
    if (res == Resource::kEndpoints) st.message = "endpoint not initialized, call get or create first";
    return Done(std::move(st));
  }
  // LeaseLock.Update mutates the cached object in place (ll.lease.Spec = ...; labels
  // merged) and sends it with the cached resourceVersion. On error the cache keeps the
  // mutated spec and the old resourceVersion (PR #95939), which is exactly this copy.
  // (The copy is made in the allocation that becomes the new cache entry.)
  std::shared_ptr<Object> updated = UpdateBody(sub, *st.cache, /*spec_follows=*/true);
  if (auto* lease = std::get_if<Lease>(updated.get())) {
    AssignLeaseSpec(lease->spec, r);
    for (const auto& [k, v] : config_.labels) lease->metadata.labels[k] = v;
  } else {
    Meta(*updated).annotations[std::string(kLeaderAnnotationKey)] = MarshalRecord(r, coordinated_fields_);
  }
  st.cache = std::move(updated);
  // The typed client's Update builds Put().Name(obj.GetName()): on the empty object a
  // failed Create (or, before 1.26, a failed Get) left in the cache, rest.Request.Name
  // records "resource name may not be empty" and Do returns it without a request
  // (client-go rest/request.go Name and request(), v0.20.0–v0.37).
  if (Meta(*st.cache).name.empty()) return Done(Status::EmptyResourceName());
  return Send(sub, Verb::kUpdate, st.cache);
}

namespace {
// AssignIfDiffers assigns b to a only when they differ (a keeps its buffers otherwise).
void AssignIfDiffers(std::string& a, const std::string& b) {
  if (a != b) a = b;
}
void AssignIfDiffers(std::map<std::string, std::string>& a, const std::map<std::string, std::string>& b) {
  if (a != b) a = b;
}
}  // namespace

// UpdateBody returns an allocation holding a copy of `from` for Update to mutate (with
// `spec_follows`, the caller then overwrites a Lease's whole spec, so it need not be
// copied). An allocation this lock made for an earlier Update is reused once no one else
// holds it: use_count() == 1 means the request, the API server, the cache and every other
// reader have let it go, so no one can see it change (objects are immutable to everyone
// holding an ObjectPtr). It then receives only the fields that differ (usually just the
// resourceVersion: it holds the body last sent, which the server stored under a new one),
// and its strings and maps keep their buffers. Otherwise a new allocation is made, as
// LeaseLock.Update's copy always was.
std::shared_ptr<Object> ResourceLock::UpdateBody(int sub, const Object& from, bool spec_follows) {
  SubState& st = S(sub);
  for (std::shared_ptr<Object>& b : st.bodies) {
    if (!b || b.use_count() != 1) continue;
    auto* to = std::get_if<Lease>(b.get());
    const auto* src = std::get_if<Lease>(&from);
    if (to == nullptr || src == nullptr) {
      *b = from;
      return b;
    }
    ObjectMeta& m = to->metadata;
    const ObjectMeta& f = src->metadata;
    AssignIfDiffers(m.name, f.name);
    AssignIfDiffers(m.namespace_, f.namespace_);
    AssignIfDiffers(m.resourceVersion, f.resourceVersion);
    AssignIfDiffers(m.uid, f.uid);
    m.creationTimestamp = f.creationTimestamp;
    AssignIfDiffers(m.labels, f.labels);
    AssignIfDiffers(m.annotations, f.annotations);
    if (!spec_follows) to->spec = src->spec;
    return b;
  }
  std::shared_ptr<Object>& slot = st.bodies[st.next_body];
  st.next_body ^= 1;
  slot = std::make_shared<Object>(from);
  return slot;
}

// EmptyObject is what client-go's typed client returns with an error: `result =
// &v1.Lease{}` (v0.20–v0.30 typed/coordination/v1/lease.go; gentype.Client newObject()
// since v0.31), Into(result) leaving it empty.
static ObjectPtr EmptyObject(Resource res) {
  switch (res) {
    case Resource::kLeases: return MakeObject(Lease{});
    case Resource::kConfigMaps: return MakeObject(ConfigMap{});
    case Resource::kEndpoints: return MakeObject(Endpoints{});
    case Resource::kLeaseCandidates: return MakeObject(LeaseCandidate{});  // never a lock object
  }
  return MakeObject(Lease{});
}

const Status& ResourceLock::SubFinish(int sub, const ApiResponse& resp) {
  SubState& st = S(sub);
  if (!resp.status.ok()) {
    // `ll.lease, err = ll.Client.Leases(ns).Create(ctx, ...)` (every version; likewise
    // configMapLock/endpointsLock.Create up to v0.27) stores the typed client's empty
    // result on error. Get did the same before client-go commit d04c2ced1 (v0.26.0:
    // `lease, err := ...Get(...); if err != nil { return ... }; ll.lease = lease`).
    // A failed Update leaves the cache alone (PR #95939).
    if (pending_verb_ == Verb::kCreate || (pending_verb_ == Verb::kGet && !get_error_keeps_cache_)) {
      st.cache = EmptyObject(SubResource(sub));
    }
    return resp.status;
  }
  if (!resp.body) return local_status_ = Status::InternalError("empty response body");
  st.cache = resp.body;
  if (pending_verb_ != Verb::kGet) return resp.status;
  // Get: decode the record and its raw bytes (memoised per immutable object).
  if (st.memo_obj != resp.body) {
    st.memo_obj = resp.body;
    if (const auto* lease = std::get_if<Lease>(resp.body.get())) {
      DecodeLease(sub, lease->spec);
    } else {
      // configMapLock.Get: raw = the annotation string; record = json.Unmarshal(raw).
      const auto& ann = Meta(*resp.body).annotations;
      auto it = ann.find(std::string(kLeaderAnnotationKey));
      st.memo_record = LeaderElectionRecord{};
      st.memo_raw.clear();
      st.memo_raw_marshalled = false;
      st.memo_raw_gen = next_gen_++;
      if (it != ann.end()) {
        st.memo_raw = it->second;
        if (!UnmarshalRecord(it->second, st.memo_record)) {
          st.memo_obj = nullptr;
          return local_status_ = Status::InternalError("invalid leader election record in annotation");
        }
      }
    }
  }
  if (multi_) {  // MultiLock composes its two Gets; a single lock reads the memo
    multi_state_->record[sub] = st.memo_record;
    multi_state_->raw[sub] = st.memo_raw;
  }
  return resp.status;
}

// LeaseLock.Get: record := LeaseSpecToLeaderElectionRecord(&ll.lease.Spec);
//                recordByte, err := json.Marshal(*record)
// Between two reads the record usually differs only in renewTime (a renewal): the spec
// is then compared with the memoised record field by field and the renewTime's bytes
// patched in place, the same bytes json.Marshal writes; any other change decodes and
// marshals afresh.
void ResourceLock::DecodeLease(int sub, const LeaseSpec& spec) {
  SubState& st = S(sub);
  LeaderElectionRecord& m = st.memo_record;
  const auto same = [](const std::optional<std::string>& v, const std::string& s) {
    return v ? *v == s : s.empty();
  };
  if (st.memo_raw_marshalled && (spec.leaseDurationSeconds ? *spec.leaseDurationSeconds : 0) == m.leaseDurationSeconds &&
      (spec.leaseTransitions ? *spec.leaseTransitions : 0) == m.leaderTransitions &&
      (spec.acquireTime ? *spec.acquireTime : WallTime::Zero()) == m.acquireTime && same(spec.holderIdentity, m.holderIdentity) &&
      same(spec.strategy, m.strategy) && same(spec.preferredHolder, m.preferredHolder)) {
    const WallTime renew = spec.renewTime ? *spec.renewTime : WallTime::Zero();
    size_t at = 0, len = 0;
    if (PatchRecordRenewTimeAt(st.memo_raw, st.memo_renew_at, m.renewTime, renew, &at, &len)) {
      m.renewTime = renew;
      if (len != 0) {
        const uint64_t gen = next_gen_++;
        raw_patch_ = {st.memo_raw_gen, gen, at, len};
        st.memo_raw_gen = gen;
      }
      return;
    }
  }
  LeaseSpecToLeaderElectionRecordInto(spec, m);
  MarshalRecordTo(st.memo_raw, m, coordinated_fields_);
  st.memo_renew_at = RecordRenewTimeAt(st.memo_raw);
  st.memo_raw_marshalled = true;
  st.memo_raw_gen = next_gen_++;
}

// --- operations -----------------------------------------------------------------------

const LockStep& ResourceLock::BeginGet() {
  assert(op_ == Op::kNone);
  op_ = Op::kGet;
  step_ = 0;
  return SubGet(0);
}

const LockStep& ResourceLock::BeginCreate(const LeaderElectionRecord& r) {
  assert(op_ == Op::kNone);
  op_ = Op::kCreate;
  step_ = 0;
  if (multi_) multi_state_->arg = r;  // MultiLock's later steps write the secondary with it
  return SubCreate(0, r);
}

const LockStep& ResourceLock::BeginUpdate(const LeaderElectionRecord& r) {
  assert(op_ == Op::kNone);
  op_ = Op::kUpdate;
  step_ = 0;
  if (multi_) multi_state_->arg = r;  // MultiLock's later steps write the secondary with it
  return SubUpdate(0, r);
}

const LockStep& ResourceLock::OnResponse(const ApiResponse& resp) {
  assert(op_ != Op::kNone);
  const int sub = sub_;
  const Status& st0 = SubFinish(sub, resp);

  if (!multi_) return Done(st0);
  Status st = st0;

  // MultiLock (multilock.go, v0.27.0).
  switch (op_) {
    case Op::kGet:
      if (step_ == 0) {
        if (!st.ok()) return Done(std::move(st));
        step_ = 1;
        return SubGet(1);
      } else {
        const LeaderElectionRecord& primary = multi_state_->record[0];
        if (!st.ok()) {
          // "Lock is held by old client"
          if (st.IsNotFound() && primary.holderIdentity != config_.identity) {
            multi_state_->got_record = primary;
            multi_state_->got_raw = multi_state_->raw[0];
            multi_state_->got_raw_gen = next_gen_++;
            return Done(Status::OK());
          }
          return Done(std::move(st));
        }
        multi_state_->got_record = primary;
        std::string primary_raw = multi_state_->raw[0];
        if (primary.holderIdentity != multi_state_->record[1].holderIdentity) {
          multi_state_->got_record.holderIdentity = std::string(kUnknownLeader);
          primary_raw = MarshalRecord(multi_state_->got_record, coordinated_fields_);
        }
        multi_state_->got_raw = ConcatRawRecord(primary_raw, multi_state_->raw[1]);
        multi_state_->got_raw_gen = next_gen_++;
        return Done(Status::OK());
      }
    case Op::kCreate:
      if (step_ == 0) {
        if (!st.ok() && !st.IsAlreadyExists()) return Done(std::move(st));
        step_ = 1;
        return SubCreate(1, multi_state_->arg);
      }
      return Done(std::move(st));
    case Op::kUpdate:
      if (step_ == 0) {
        if (!st.ok()) return Done(std::move(st));
        step_ = 1;
        return SubGet(1);
      } else if (step_ == 1) {
        // _, _, err = ml.Secondary.Get(ctx); NotFound → Create, else Update (other
        // errors are ignored by client-go and the Update proceeds on the cache).
        step_ = 2;
        if (!st.ok() && st.IsNotFound()) return SubCreate(1, multi_state_->arg);
        const LockStep& s = SubUpdate(1, multi_state_->arg);
        if (!s.send) op_ = Op::kNone;
        return s;
      }
      return Done(std::move(st));
    case Op::kNone: break;
  }
  return Done(Status::InternalError("lock: response with no operation"));
}

}  // namespace leasesim::core
