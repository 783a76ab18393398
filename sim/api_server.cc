// api_server.cc — the fake kube-apiserver's store, validation, admission and accounting.
#include "sim/api_server.h"

#include "sim/apf.h"
#include "sim/background_clients.h"
#include "sim/lease_candidate_validation.h"

#include <algorithm>
#include <charconv>
#include <cassert>
#include <cstdio>
#include <cstring>
#include <utility>

namespace leasesim::sim {
namespace {

using core::ApiRequest;
using core::ApiResponse;
using core::Object;
using core::Resource;
using core::Status;
using core::Verb;


size_t Index(Verb v) { return static_cast<size_t>(v); }
size_t Index(Resource r) { return static_cast<size_t>(r); }

// ServerWall is the true wall-clock reading at true instant `now`: the server's clock
// is exact (node clocks are where skew lives).
core::WallTime ServerWall(TrueTime now) { return kEpochWall + (now - kTrueEpoch); }

// UidFor derives a UUID-shaped uid (version 4 layout) from the resourceVersion of the
// create, so uids are unique per store and identical across runs.
std::string UidFor(std::string_view rv) {
  uint64_t h1 = core::StableHash(rv, core::StableHash("uid/"));
  uint64_t state = h1;
  const uint64_t h2 = core::SplitMix64(state);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx",
                static_cast<unsigned>(h1 >> 32), static_cast<unsigned>((h1 >> 16) & 0xffff),
                static_cast<unsigned>(h1 & 0xfff),
                static_cast<unsigned>(0x8000 | ((h2 >> 48) & 0x3fff)),
                static_cast<unsigned long long>(h2 & 0xffffffffffffULL));
  return buf;
}

// ValidateLeaseSpec ports ValidateLeaseSpec (kubernetes pkg/apis/coordination/validation)
// and returns field.ErrorList's aggregate text: one error as is, several as "[a, b]".
// The CoordinatedLeaseStrategy name check is not ported.
std::string ValidateLeaseSpec(const core::LeaseSpec& spec) {
  // The usual case, a valid spec, builds nothing.
  if ((!spec.leaseDurationSeconds || *spec.leaseDurationSeconds > 0) &&
      (!spec.leaseTransitions || *spec.leaseTransitions >= 0) &&
      (!spec.preferredHolder || spec.preferredHolder->empty() || (spec.strategy && !spec.strategy->empty()))) {
    return {};
  }
  std::vector<std::string> errs;
  if (spec.leaseDurationSeconds && *spec.leaseDurationSeconds <= 0) {
    errs.push_back("spec.leaseDurationSeconds: Invalid value: " +
                   std::to_string(*spec.leaseDurationSeconds) + ": must be greater than 0");
  }
  if (spec.leaseTransitions && *spec.leaseTransitions < 0) {
    errs.push_back("spec.leaseTransitions: Invalid value: " + std::to_string(*spec.leaseTransitions) +
                   ": must be greater than or equal to 0");
  }
  if (spec.preferredHolder && !spec.preferredHolder->empty() &&
      (!spec.strategy || spec.strategy->empty())) {
    errs.push_back("spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined");
  }
  if (errs.empty()) return {};
  if (errs.size() == 1) return errs[0];
  std::string out = "[";
  for (size_t i = 0; i < errs.size(); ++i) {
    if (i) out += ", ";
    out += errs[i];
  }
  return out + "]";
}

bool SameMeta(const core::ObjectMeta& a, const core::ObjectMeta& b) {
  return a.name == b.name && a.namespace_ == b.namespace_ && a.uid == b.uid &&
         a.creationTimestamp == b.creationTimestamp && a.labels == b.labels &&
         a.annotations == b.annotations;
}

bool SameLeaseSpec(const core::LeaseSpec& a, const core::LeaseSpec& b) {
  // renewTime first: a renewal changes only it.
  return a.renewTime == b.renewTime && a.holderIdentity == b.holderIdentity &&
         a.leaseDurationSeconds == b.leaseDurationSeconds && a.acquireTime == b.acquireTime &&
         a.leaseTransitions == b.leaseTransitions && a.strategy == b.strategy &&
         a.preferredHolder == b.preferredHolder;
}

// SameContent is true when `a` and `b` would serialize identically apart from
// resourceVersion: GuaranteedUpdate then skips the write (etcd3 store, "bytes.Equal").
bool SameContent(const Object& a, const Object& b) {
  if (a.index() != b.index()) return false;
  // A Lease's spec first: it is what a write usually changes (the answer is the same
  // conjunction in either order).
  if (const auto* la = std::get_if<core::Lease>(&a)) {
    return SameLeaseSpec(la->spec, std::get<core::Lease>(b).spec) && SameMeta(la->metadata, core::Meta(b));
  }
  if (!SameMeta(core::Meta(a), core::Meta(b))) return false;
  if (const auto* ca = std::get_if<core::ConfigMap>(&a)) return ca->data == std::get<core::ConfigMap>(b).data;
  if (const auto* ca = std::get_if<core::LeaseCandidate>(&a)) {
    const auto& x = ca->spec;
    const auto& y = std::get<core::LeaseCandidate>(b).spec;
    return x.leaseName == y.leaseName && x.pingTime == y.pingTime && x.renewTime == y.renewTime &&
           x.binaryVersion == y.binaryVersion && x.emulationVersion == y.emulationVersion &&
           x.strategy == y.strategy && x.preferredStrategies == y.preferredStrategies;
  }
  return true;
}

// Failed is a response with no body.
ApiResponse Failed(Status s) {
  ApiResponse r;
  r.status = std::move(s);
  return r;
}

core::WallTime TruncateToSeconds(core::WallTime t) {
  const auto ns = t.since_unix.count();
  auto r = ns % 1'000'000'000;
  if (r < 0) r += 1'000'000'000;
  return core::WallTime{Duration(ns - r)};
}

}  // namespace

ApiServer::ApiServer(ApiServerConfig config)
    : config_(std::move(config)),
      latency_rng_(core::Prng::Stream(config_.seed, "apiserver/latency")),
      error_rng_(core::Prng::Stream(config_.seed, "apiserver/errors")),
      last_arrival_(kTrueEpoch) {
  SetErrorInjection(config_.error_ratio, config_.error_code, config_.error_retry_after);
  SetQpsLimit(config_.qps, config_.burst, config_.retry_after);
  const int inflight = config_.max_inflight;
  config_.max_inflight = 0;
  SetMaxInflight(inflight);
  assert(std::all_of(config_.watchers.begin(), config_.watchers.end(), [](int w) { return w >= 0; }));
}

void ApiServer::SetErrorInjection(double ratio, int code, std::optional<Duration> retry_after) {
  assert(ratio >= 0 && ratio <= 1);
  assert(code == 500 || code == 503 || code == 504);
  assert(!retry_after || *retry_after > Duration{0});
  config_.error_ratio = ratio;
  config_.error_code = code;
  config_.error_retry_after = retry_after;
}

void ApiServer::SetQpsLimit(double qps, int64_t burst, Duration retry_after) {
  assert(qps >= 0);
  assert(qps == 0 || burst >= 1);
  assert(retry_after >= Duration{0});
  config_.qps = qps;
  config_.burst = burst;
  config_.retry_after = retry_after;
  bucket_.reset();
  if (qps > 0) bucket_.emplace(qps, burst, last_arrival_);
}

void ApiServer::SetMaxInflight(int max_inflight) {
  assert(max_inflight >= 0);
  if (max_inflight == 0) {
    slot_free_at_ = {};
  } else {
    // Growing adds idle slots; shrinking retires the slots that free up first, so
    // requests already admitted keep their completion times.
    while (static_cast<int>(slot_free_at_.size()) < max_inflight) slot_free_at_.push(TrueTime{});
    while (static_cast<int>(slot_free_at_.size()) > max_inflight) slot_free_at_.pop();
  }
  config_.max_inflight = max_inflight;
}

void ApiServer::SetWatchers(Resource resource, int watchers) {
  assert(watchers >= 0);
  config_.watchers[Index(resource)] = watchers;
}

std::string ApiServer::ResourceVersion() const { return std::to_string(resource_version_); }

core::ObjectPtr ApiServer::Lookup(Resource resource, std::string_view namespace_,
                                  std::string_view name) const {
  const auto it = store_.find(KeyView{resource, namespace_, name});
  return it == store_.end() ? nullptr : it->second;
}

bool ApiServer::TakeToken(TrueTime now) { return !bucket_ || bucket_->Allow(now); }

ApiResponse ApiServer::Reject(const ApiRequest& r, Status status, std::optional<Duration> retry_after) {
  CountResponse(r.verb, status.code);
  return ApiResponse{.id = r.id, .status = std::move(status), .body = nullptr, .retry_after = retry_after};
}

Admission ApiServer::Arrive(const ApiRequest& r, TrueTime now, ArriveOptions options) {
  assert(now >= last_arrival_ && "Arrive must be called in true-time order");
  last_arrival_ = now;
  ++stats_.requests_by_verb[Index(r.verb)];

  Admission a;
  switch (config_.outage) {
    case OutageMode::kDrop:
      ++stats_.dropped;
      a.kind = Admission::Kind::kDropped;
      return a;
    case OutageMode::kRefuse:
      a.kind = Admission::Kind::kRejected;
      a.response = Reject(r, Status::ServiceUnavailable(), std::nullopt);
      return a;
    case OutageMode::kNone:
      break;
  }
  if (!TakeToken(now)) {
    // Retry-After carries whole seconds: round up.
    const auto secs = std::chrono::ceil<std::chrono::seconds>(config_.retry_after);
    a.kind = Admission::Kind::kRejected;
    a.response = Reject(r, Status::TooManyRequests(), secs);
    return a;
  }
  if (config_.error_ratio > 0 && error_rng_.Float64() < config_.error_ratio) {
    Status s = config_.error_code == 503   ? Status::ServiceUnavailable()
               : config_.error_code == 504 ? Status::ServerTimeout()
                                           : Status::InternalError();
    // Retry-After carries whole seconds: round up.
    std::optional<Duration> retry_after;
    if (config_.error_retry_after) retry_after = std::chrono::ceil<std::chrono::seconds>(*config_.error_retry_after);
    a.kind = Admission::Kind::kRejected;
    a.response = Reject(r, std::move(s), retry_after);
    return a;
  }
  a.kind = Admission::Kind::kProcessed;
  a.latency = config_.latency.Sample(latency_rng_) + options.extra_latency;
  assert(a.latency >= Duration{0});
  if (apf_) return ArriveApf(r, now, a.latency, options);  // API Priority and Fairness (api_server_apf.cc)
  TrueTime start = now;
  if (config_.max_inflight > 0) {
    // FIFO over c slots: the request takes the slot that frees first (an M/G/c queue
    // served in arrival order), so waiting grows with the backlog (kubernetes#67651).
    start = std::max(now, slot_free_at_.top());
    slot_free_at_.pop();
    slot_free_at_.push(start + a.latency);
  }
  a.queue_delay = start - now;
  a.complete_at = start + a.latency;
  stats_.max_queue_delay = std::max(stats_.max_queue_delay, a.queue_delay);
  return a;
}

ApiResponse ApiServer::Complete(const ApiRequest& r, TrueTime now) {
  // Built in place (the handlers' results are returned, not assigned).
  ApiResponse resp = [&]() -> ApiResponse {
    switch (r.verb) {
      case Verb::kGet: return Get(r);
      case Verb::kCreate: return Create(r, now);
      case Verb::kUpdate: return Update(r, now);
      case Verb::kDelete: return Delete(r, now);
    }
    return {};
  }();
  resp.id = r.id;
  CountResponse(r.verb, resp.status.code);
  return resp;
}

void ApiServer::CountResponseSlow(Verb verb, int code) {
  size_t& last = last_count_slot_[Index(verb)];
  for (size_t i = 0; i < count_slots_.size(); ++i) {
    const CountSlot& s = count_slots_[i];
    if (s.code == code && s.verb == verb) {
      ++*s.by_code;
      ++*s.by_verb_code;
      last = i;
      return;
    }
  }
  last = count_slots_.size();
  // First response of this (verb, code): the map entries are made here, as before.
  uint64_t* by_code = &stats_.responses_by_code[code];
  uint64_t* by_verb_code = &stats_.responses_by_verb_code[{verb, code}];
  ++*by_code;
  ++*by_verb_code;
  count_slots_.push_back({verb, code, by_code, by_verb_code});
}

Object ApiServer::Receive(const ApiRequest& r) const {
  assert(r.body && "create/update need a body");
  Object obj = *r.body;
  ReceiveInPlace(r, obj);
  return obj;
}

void ApiServer::ReceiveInPlace(const ApiRequest& r, Object& obj) const {
  assert(core::ResourceOf(obj) == r.resource);
  core::ObjectMeta& m = core::Meta(obj);
  // The REST path names the object; a body naming another one is a client bug (the real
  // server answers 400 BadRequest).
  assert(m.name.empty() || m.name == r.name);
  assert(m.namespace_.empty() || m.namespace_ == r.namespace_);
  if (!SameText(m.name, r.name)) m.name = r.name;  // (usually the body names it already)
  if (!SameText(m.namespace_, r.namespace_)) m.namespace_ = r.namespace_;
  if (auto* lease = std::get_if<core::Lease>(&obj)) {
    if (lease->spec.acquireTime) lease->spec.acquireTime = core::TruncateToMicros(*lease->spec.acquireTime);
    if (lease->spec.renewTime) lease->spec.renewTime = core::TruncateToMicros(*lease->spec.renewTime);
  } else if (auto* lc = std::get_if<core::LeaseCandidate>(&obj)) {
    if (lc->spec.pingTime) lc->spec.pingTime = core::TruncateToMicros(*lc->spec.pingTime);
    if (lc->spec.renewTime) lc->spec.renewTime = core::TruncateToMicros(*lc->spec.renewTime);
  }
}

void ApiServer::AssignNextResourceVersion(std::string& rv) {
  // The decimal digits written into rv's own buffer (no temporary string).
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, ++resource_version_);
  rv.assign(buf, static_cast<size_t>(res.ptr - buf));
}

void ApiServer::RecordWrite(const ApiRequest& r, Verb verb, TrueTime now, const core::ObjectPtr& obj,
                            const core::ObjectPtr& previous) {
  ++stats_.writes;
  stats_.watch_events[Index(r.resource)] += static_cast<uint64_t>(config_.watchers[Index(r.resource)]);
  if (observer_) {
    observer_(AppliedWrite{.at = now,
                           .request_id = r.id,
                           .verb = verb,
                           .resource = r.resource,
                           .resourceVersion = core::Meta(*obj).resourceVersion,
                           .object = obj,
                           .sent_resource_version = r.body ? std::string_view(core::Meta(*r.body).resourceVersion)
                                                           : std::string_view(),
                           .previous = previous});
  }
}

ApiServer::Store::iterator ApiServer::FindSlow(Resource resource, std::string_view namespace_, std::string_view name) {
  const auto it = store_.find(KeyView{resource, namespace_, name});
  if (it != store_.end()) {
    found_ = it;
    found_valid_ = true;
  }
  return it;
}

ApiResponse ApiServer::Get(const ApiRequest& r) {
  const auto it = Find(r.resource, r.namespace_, r.name);
  if (it == store_.end()) return Failed(Status::NotFound(r.resource, r.name));
  return {.status = Status::OK(200), .body = it->second};
}

void ApiServer::Preload(core::Object obj, TrueTime now) {
  core::ObjectMeta& m = core::Meta(obj);
  AssignNextResourceVersion(m.resourceVersion);
  m.uid = UidFor(m.resourceVersion);
  if (m.creationTimestamp == core::WallTime::Zero()) m.creationTimestamp = TruncateToSeconds(ServerWall(now));
  Key key{core::ResourceOf(obj), m.namespace_, m.name};
  store_.insert_or_assign(std::move(key), core::MakeObject(std::move(obj)));
}

ApiResponse ApiServer::Create(const ApiRequest& r, TrueTime now) {
  Key key{r.resource, r.namespace_, r.name};
  if (store_.contains(key)) return Failed(Status::AlreadyExists(r.resource, r.name));
  Object obj = Receive(r);
  if (const auto* lease = std::get_if<core::Lease>(&obj)) {
    if (std::string errs = ValidateLeaseSpec(lease->spec); !errs.empty()) {
      return Failed(Status::Invalid(r.resource, r.name, errs));
    }
  }
  if (const auto* lc = std::get_if<core::LeaseCandidate>(&obj)) {
    if (std::string errs = ValidateLeaseCandidate(*lc, nullptr); !errs.empty()) {
      return Failed(Status::Invalid(r.resource, r.name, errs));
    }
  }
  core::ObjectMeta& m = core::Meta(obj);
  // The server owns these (rest.FillObjectMetaSystemFields; the storage versioner).
  AssignNextResourceVersion(m.resourceVersion);
  m.uid = UidFor(m.resourceVersion);
  m.creationTimestamp = TruncateToSeconds(ServerWall(now));  // metav1.Time: seconds
  core::ObjectPtr stored = core::MakeObject(std::move(obj));
  store_.emplace(std::move(key), stored);
  RecordWrite(r, Verb::kCreate, now, stored);
  return {.status = Status::OK(201), .body = std::move(stored)};
}

ApiResponse ApiServer::Update(const ApiRequest& r, TrueTime now) {
  const auto it = Find(r.resource, r.namespace_, r.name);
  if (it == store_.end()) return Failed(Status::NotFound(r.resource, r.name));
  assert(r.body && "create/update need a body");
  const core::ObjectMeta& old = core::Meta(*it->second);
  // Port of the optimistic-concurrency check in the generic registry's Store.Update
  // (k8s.io/apiserver pkg/registry/generic/registry/store.go). Decoding the body (Receive)
  // leaves its resourceVersion as sent, so the check reads the body before copying it.
  const std::string& sent_rv = core::Meta(*r.body).resourceVersion;
  if (sent_rv.empty()) {
    if (r.resource == Resource::kLeases || r.resource == Resource::kLeaseCandidates) {
      // leaseStrategy (and LeaseCandidateStrategy).AllowUnconditionalUpdate() is false. The Invalid error is built
      // from the group and *resource* (not kind), and the uint64 0 prints as 0x0.
      return Failed({core::Reason::kInvalid, 422,
                     std::string(core::GroupResource(r.resource)) + " \"" + r.name +
                         "\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be "
                         "specified for an update"});
    }
    // configmaps and endpoints allow unconditional updates: last writer wins.
  } else if (sent_rv != old.resourceVersion) {
    return Failed(Status::Conflict(r.resource, r.name));
  }
  // The decoded body is built in the allocation that will be stored (one copy): a spare
  // one no one else holds any more when there is one, else a new one.
  std::shared_ptr<Object> decoded = TakeSpare();
  if (decoded) {
    *decoded = *r.body;  // (assigned member-wise: the strings keep their buffers)
  } else {
    decoded = std::make_shared<Object>(*r.body);
  }
  Object& obj = *decoded;
  ReceiveInPlace(r, obj);
  core::ObjectMeta& m = core::Meta(obj);
  if (const auto* lease = std::get_if<core::Lease>(&obj)) {
    if (std::string errs = ValidateLeaseSpec(lease->spec); !errs.empty()) {
      PutSpare(std::move(decoded));
      return Failed(Status::Invalid(r.resource, r.name, errs));
    }
  }
  if (const auto* lc = std::get_if<core::LeaseCandidate>(&obj)) {
    const auto* old_lc = std::get_if<core::LeaseCandidate>(it->second.get());
    if (std::string errs = ValidateLeaseCandidate(*lc, old_lc); !errs.empty()) {
      PutSpare(std::move(decoded));
      return Failed(Status::Invalid(r.resource, r.name, errs));
    }
  }
  if (m.uid != old.uid) m.uid = old.uid;  // (a body read from the store carries it already)
  m.creationTimestamp = old.creationTimestamp;
  if (SameContent(obj, *it->second)) {
    // Nothing changed: no new resourceVersion, no watch event.
    PutSpare(std::move(decoded));
    return {.status = Status::OK(200), .body = it->second};
  }
  AssignNextResourceVersion(m.resourceVersion);
  core::ObjectPtr previous = std::exchange(it->second, std::move(decoded));
  const core::ObjectPtr& stored = it->second;
  RecordWrite(r, Verb::kUpdate, now, stored, previous);
  // The replaced object may still be held by clients (their caches, responses on the
  // wire): it is reused only once they have all let it go.
  PutSpare(std::move(previous));
  return {.status = Status::OK(200), .body = stored};
}

std::shared_ptr<Object> ApiServer::TakeSpare() {
  for (core::ObjectPtr& p : spare_) {
    // use_count 1: the server's reference is the only one, so nothing can observe the
    // object change. Every stored object is allocated non-const (MakeObject,
    // make_shared<Object>), which makes writing through it legal.
    if (p && p.use_count() == 1) return std::const_pointer_cast<Object>(std::exchange(p, nullptr));
  }
  return nullptr;
}

void ApiServer::PutSpare(core::ObjectPtr p) {
  spare_[spare_next_] = std::move(p);  // (drops the oldest spare)
  spare_next_ = (spare_next_ + 1) % spare_.size();
}

ApiResponse ApiServer::Delete(const ApiRequest& r, TrueTime now) {
  const auto it = Find(r.resource, r.namespace_, r.name);
  if (it == store_.end()) return Failed(Status::NotFound(r.resource, r.name));
  // The delete is a write: it gets its own resourceVersion, which the watch event and
  // the returned object carry.
  Object last = *it->second;
  AssignNextResourceVersion(core::Meta(last).resourceVersion);
  core::ObjectPtr deleted = core::MakeObject(std::move(last));
  if (found_valid_ && found_ == it) found_valid_ = false;
  store_.erase(it);
  RecordWrite(r, Verb::kDelete, now, deleted);
  return {.status = Status::OK(200), .body = std::move(deleted)};
}

}  // namespace leasesim::sim
