// api_server.h — the fake kube-apiserver: an in-memory object store with Kubernetes
// semantics, and a request lifecycle the runner schedules on true time.
//
// Storage follows k8s.io/apiserver's generic registry over etcd3: one global
// resourceVersion (decimal, starting at "1000", +1 per applied write), compare-and-swap
// updates (409 Conflict on a stale resourceVersion), 404 NotFound, 409 AlreadyExists,
// server-side Lease validation (kubernetes pkg/apis/coordination/validation), MicroTime
// truncated to microseconds on receipt, and no-op updates that change nothing (no new
// resourceVersion, no watch event), as GuaranteedUpdate skips them.
//
// A request is handled in two steps so that it takes time:
//
//   sim::Admission a = server.Arrive(req, now);          // at the instant it arrives
//   switch (a.kind) {
//     case sim::Admission::Kind::kProcessed:              // schedule the linearization point
//       at(a.complete_at, [&] { deliver(server.Complete(req, a.complete_at)); }); break;
//     case sim::Admission::Kind::kRejected: deliver(a.response); break;   // 429 / 5xx now
//     case sim::Admission::Kind::kDropped: break;                          // never answered
//   }
//
// Arrive draws from two PRNG streams of the run seed, "apiserver/latency" and
// "apiserver/errors", so changing the error ratio never shifts the latency samples.
// Everything is single-threaded and deterministic; nothing reads a clock.
#pragma once

#include <array>
#include <compare>
#include <cstring>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "core/api.h"
#include "core/objects.h"
#include "core/prng.h"
#include "sim/apf_config.h"
#include "sim/distributions.h"
#include "sim/token_bucket.h"
#include "sim/true_time.h"

namespace leasesim::sim {

class Scheduler;
class BackgroundClients;
namespace apf {
class ApfFilter;
}

// OutageMode is what an unavailable API server does with a request: kDrop never answers
// (the client's timeout fires, as with a blackholed endpoint), kRefuse answers 503 at once
// (a load balancer with no healthy backend).
enum class OutageMode : uint8_t { kNone, kDrop, kRefuse };

// ApiServerConfig is the server's behaviour at start; every part can be changed later
// with the setters of ApiServer.
struct ApiServerConfig {
  uint64_t seed = 0;
  // Processing latency of one request once it holds a slot (sampled per request).
  Distribution latency = Distribution::Constant(std::chrono::milliseconds(2));
  // Concurrent request slots (kube-apiserver --max-requests-inflight); 0 = unlimited.
  // When all are busy, requests wait in FIFO order.
  int max_inflight = 0;
  // Token-bucket QPS limit (sim/token_bucket.h, client-go's flowcontrol): `qps` tokens
  // per second (fractional allowed) up to `burst` (>= 1); qps 0 = no limit. A request
  // finding no token gets 429 with `retry_after` (whole seconds on the wire).
  double qps = 0;
  int64_t burst = 1;
  Duration retry_after = std::chrono::seconds(1);
  // Injected server errors: this ratio of admitted requests is answered at once with
  // `error_code` (500, 503 or 504) instead of being processed, carrying a Retry-After of
  // `error_retry_after` (rounded up to whole seconds) when set, as Kubernetes'
  // errors.NewServerTimeout / NewTimeoutError do with retryAfterSeconds > 0.
  double error_ratio = 0;
  int error_code = 500;
  std::optional<Duration> error_retry_after;
  OutageMode outage = OutageMode::kNone;
  // Watchers per resource kind (informers watching that kind): each applied write to an
  // object of the kind is one watch event per watcher. Indexed by core::Resource.
  std::array<int, core::kNumResources> watchers{};
  // API Priority and Fairness (sim/apf.h, docs/apf.md): when set and enabled it replaces
  // the FIFO slots of max_inflight (which must then be 0). Needs AttachScheduler.
  std::optional<ApfSpec> apf;
  // Open-loop load from other clients (sim/background_clients.h). Needs AttachScheduler.
  std::vector<BackgroundClientSpec> background_clients;
};

// Admission is what Arrive decided for one request.
struct Admission {
  enum class Kind : uint8_t {
    kProcessed,  // Complete(request, complete_at) gives the response
    kRejected,   // `response` is the answer, sent at the arrival instant
    kDropped,    // never answered
    kQueued,     // APF put it in a queue: ArriveOptions::later gets the final admission
  };
  Kind kind = Kind::kProcessed;
  TrueTime complete_at{};   // kProcessed: arrival + queue_delay + latency
  Duration queue_delay{0};  // kProcessed: time spent waiting for a free slot
  Duration latency{0};      // kProcessed: processing latency sampled for it
  core::ApiResponse response;  // kRejected
};

// AdmissionCallback receives the final admission (kProcessed or kRejected) of a request
// APF queued; it runs from a scheduled event, at the instant it is decided.
using AdmissionCallback = std::function<void(const Admission&)>;

// ArriveOptions: who sends the request and what it costs, for APF and background load.
struct ArriveOptions {
  // The request as APF classifies it; null: derived from the request, sent by the
  // scenario's candidate user (ApfSpec::candidate_user).
  const apf::RequestDigest* digest = nullptr;
  // Added to the sampled processing latency (a list's per-object cost).
  Duration extra_latency{0};
  // Called later for a request APF queued (never for other kinds). Without it a queued
  // request is never answered (the client times out).
  AdmissionCallback later;
};

// AppliedWrite is one write that changed the store (create, update or delete), in the
// order applied. `object` is the stored object (for delete: the last stored state).
// The views are valid during the observer's call only (copy what you keep).
struct AppliedWrite {
  TrueTime at{};
  core::RequestId request_id = 0;
  core::Verb verb = core::Verb::kCreate;
  core::Resource resource = core::Resource::kLeases;
  std::string_view resourceVersion;  // object's metadata.resourceVersion
  core::ObjectPtr object;
  // For the invariant checkers (sim/invariants.h): the resourceVersion the request carried
  // ("" for none) and the stored object the write replaced (null for a create).
  std::string_view sent_resource_version;
  core::ObjectPtr previous;
};

// ApiServerStats counts what the server saw. Maps are ordered (deterministic output).
struct ApiServerStats {
  std::array<uint64_t, 4> requests_by_verb{};  // arrivals, indexed by core::Verb
  std::map<int, uint64_t> responses_by_code;   // 200, 201, 404, 409, 422, 429, 5xx
  std::map<std::pair<core::Verb, int>, uint64_t> responses_by_verb_code;
  uint64_t dropped = 0;        // requests never answered (outage kDrop)
  uint64_t writes = 0;         // applied writes (each bumped the resourceVersion)
  std::array<uint64_t, core::kNumResources> watch_events{};  // by core::Resource: writes x watchers
  Duration max_queue_delay{0};
};

// ApiServer is the fake kube-apiserver. Not copyable (the store shares immutable objects,
// the observer may capture the runner).
class ApiServer {
 public:
  explicit ApiServer(ApiServerConfig config = {});
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Arrive decides, at the request's arrival `now` (>= kTrueEpoch, non-decreasing across
  // calls), whether it is dropped (outage kDrop), refused with 503 (outage kRefuse),
  // throttled with 429 + Retry-After (token bucket), failed with the injected error code,
  // or processed: then it takes the earliest free slot (FIFO) and completes at
  // now + queue_delay + latency. Counts the request and any immediate response.
  // With APF (config().apf enabled, AttachScheduler called) the processed case goes
  // through the APF filter instead of the slots: kProcessed at once, kQueued (answered
  // through `options.later`), or kRejected with 429 + Retry-After (queue full, or waited
  // longer than requestWaitLimit). sim/api_server_apf.cc.
  [[nodiscard]] Admission Arrive(const core::ApiRequest& request, TrueTime now, ArriveOptions options = {});

  // AttachScheduler lets the server schedule its own events: APF's seat releases and
  // queue timeouts, and the background clients (started here). Call once, before running.
  void AttachScheduler(Scheduler& scheduler);
  // apf: the APF filter, or null when APF is off. background: the background clients, or null.
  const apf::ApfFilter* apf() const { return apf_.get(); }
  const BackgroundClients* background() const { return background_.get(); }

  // Complete applies a processed request at its completion instant (the linearization
  // point) and returns the response: get 200 / 404; create 201 / 409 AlreadyExists /
  // 422; update 200 / 404 / 409 Conflict (stale resourceVersion) / 422 (invalid, or a
  // Lease without resourceVersion: leases do not allow unconditional updates); delete
  // 200 / 404. The response body is the stored object itself (shared, immutable).
  // Invariant: a failed request leaves the store unchanged.
  [[nodiscard]] core::ApiResponse Complete(const core::ApiRequest& request, TrueTime now);

  // Preload stores `obj` as it stands before the run (a scenario's initialLease): the
  // server assigns resourceVersion and uid, and creationTimestamp when it has none. No
  // request, no write is counted and no observer is told: it is the state the run starts in.
  void Preload(core::Object obj, TrueTime now);
  // Lookup returns the stored object or null.
  [[nodiscard]] core::ObjectPtr Lookup(core::Resource resource, std::string_view namespace_,
                                       std::string_view name) const;
  // ResourceVersion is the current global resourceVersion ("1000" before any write).
  [[nodiscard]] std::string ResourceVersion() const;

  // SetWriteObserver registers `f`, called for every applied write (replaces any previous).
  void SetWriteObserver(std::function<void(const AppliedWrite&)> f) { observer_ = std::move(f); }

  // Setters: behaviour changes take effect for requests arriving from now on; requests
  // already admitted keep their completion time.
  void SetOutage(OutageMode mode) { config_.outage = mode; }
  void SetErrorInjection(double ratio, int code, std::optional<Duration> retry_after = std::nullopt);
  void SetLatency(const Distribution& d) { config_.latency = d; }
  // SetQpsLimit: `qps` tokens per second (>= 0, fractional allowed; 0 removes the limit)
  // up to `burst` (>= 1); the bucket starts full.
  void SetQpsLimit(double qps, int64_t burst, Duration retry_after);
  // SetMaxInflight: 0 = unlimited. Shrinking keeps the busiest slots.
  void SetMaxInflight(int max_inflight);
  void SetWatchers(core::Resource resource, int watchers);

  const ApiServerConfig& config() const { return config_; }
  const ApiServerStats& stats() const { return stats_; }

 private:
  struct Key {
    core::Resource resource;
    std::string namespace_;
    std::string name;
    friend auto operator<=>(const Key&, const Key&) = default;
  };
  // KeyView looks a key up without copying its strings (the map's comparator is
  // transparent).
  struct KeyView {
    core::Resource resource;
    std::string_view namespace_;
    std::string_view name;
  };
  struct KeyLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      // Compared as string_views on both sides: clang with libstdc++ 12 has no tuple `<`
      // between a string and a string_view element.
      using T = std::tuple<const core::Resource&, std::string_view, std::string_view>;
      return T(a.resource, a.namespace_, a.name) < T(b.resource, b.namespace_, b.name);
    }
  };

  using Store = std::map<Key, core::ObjectPtr, KeyLess>;
  // Find is store_.find with a memo of the last object found: most requests name the
  // object the previous one did, and checking that is one equality test of the key.
  Store::iterator Find(core::Resource resource, std::string_view namespace_, std::string_view name) {
    if (found_valid_) {
      const Key& k = found_->first;
      if (k.resource == resource && SameText(k.name, name) && SameText(k.namespace_, namespace_)) return found_;
    }
    return FindSlow(resource, namespace_, name);
  }
  Store::iterator FindSlow(core::Resource resource, std::string_view namespace_, std::string_view name);
  // SameEnds compares n bytes (sizeof(W) <= n <= 2 * sizeof(W)) as their first and last
  // words, which overlap when n < 2 * sizeof(W).
  template <typename W>
  static bool SameEnds(const char* p, const char* q, size_t n) {
    W x0, y0, x1, y1;
    std::memcpy(&x0, p, sizeof(W));
    std::memcpy(&y0, q, sizeof(W));
    std::memcpy(&x1, p + n - sizeof(W), sizeof(W));
    std::memcpy(&y1, q + n - sizeof(W), sizeof(W));
    return ((x0 ^ y0) | (x1 ^ y1)) == 0;
  }
  // SameText is a == b, without a library call for the short texts of object keys and
  // metadata (names, namespaces): two overlapping word loads per side up to 16 bytes.
  static bool SameText(std::string_view a, std::string_view b) {
    const size_t n = a.size();
    if (n != b.size()) return false;
    const char* p = a.data();
    const char* q = b.data();
    if (n > 16) return std::memcmp(p, q, n) == 0;
    if (n >= 8) return SameEnds<uint64_t>(p, q, n);
    if (n >= 4) return SameEnds<uint32_t>(p, q, n);
    for (size_t i = 0; i < n; ++i) {
      if (p[i] != q[i]) return false;
    }
    return true;
  }

  core::ApiResponse Get(const core::ApiRequest& r);
  core::ApiResponse Create(const core::ApiRequest& r, TrueTime now);
  core::ApiResponse Update(const core::ApiRequest& r, TrueTime now);
  core::ApiResponse Delete(const core::ApiRequest& r, TrueTime now);
  // Receive copies the request body as the server decodes it: namespace and name from
  // the request path, MicroTimes truncated to microseconds.
  core::Object Receive(const core::ApiRequest& r) const;
  // ReceiveInPlace decodes `obj` (a copy of r.body) in place.
  void ReceiveInPlace(const core::ApiRequest& r, core::Object& obj) const;
  // AssignNextResourceVersion bumps the global resourceVersion and writes it into rv.
  void AssignNextResourceVersion(std::string& rv);
  void RecordWrite(const core::ApiRequest& r, core::Verb verb, TrueTime now, const core::ObjectPtr& obj,
                   const core::ObjectPtr& previous = nullptr);
  // TakeSpare returns a spare object no one but the server holds (to be overwritten), or
  // null; PutSpare keeps `p` (an object the server made) as a spare, dropping the oldest.
  std::shared_ptr<core::Object> TakeSpare();
  void PutSpare(core::ObjectPtr p);
  void CountResponse(core::Verb verb, int code) {
    // Most responses repeat the code of the verb's previous one.
    const size_t last = last_count_slot_[static_cast<size_t>(verb)];
    if (last < count_slots_.size() && count_slots_[last].code == code) {
      ++*count_slots_[last].by_code;
      ++*count_slots_[last].by_verb_code;
      return;
    }
    CountResponseSlow(verb, code);
  }
  void CountResponseSlow(core::Verb verb, int code);
  // CountSlot is where CountResponse counts one (verb, code): the two counters of
  // stats_'s maps (their nodes never move), found by a short linear search instead of
  // two map lookups per response.
  struct CountSlot {
    core::Verb verb;
    int code;
    uint64_t* by_code;
    uint64_t* by_verb_code;
  };
  bool TakeToken(TrueTime now);
  core::ApiResponse Reject(const core::ApiRequest& r, core::Status status, std::optional<Duration> retry_after);
  Admission ArriveApf(const core::ApiRequest& r, TrueTime now, Duration latency, ArriveOptions& options);

  ApiServerConfig config_;
  ApiServerStats stats_;
  std::vector<CountSlot> count_slots_;  // in the order first counted (a handful)
  // The slot of each verb's last response (by core::Verb; >= count_slots_.size(): none).
  std::array<size_t, 4> last_count_slot_{SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX};
  Store store_;
  Store::iterator found_;       // Find's memo, valid when found_valid_
  bool found_valid_ = false;
  uint64_t resource_version_ = 1000;
  // Objects the server made and no longer stores (replaced, or decoded for an update
  // that changed nothing): the next update is decoded into one that no one else holds
  // any more, instead of a new allocation. A ring; spare_next_ is the slot filled next.
  std::array<core::ObjectPtr, 4> spare_;
  size_t spare_next_ = 0;
  core::Prng latency_rng_;
  core::Prng error_rng_;
  // The QPS limit's bucket; empty when qps is 0 (no limit).
  std::optional<TokenBucket> bucket_;
  // The instants each slot becomes free (min-heap); size == max_inflight when limited.
  std::priority_queue<TrueTime, std::vector<TrueTime>, std::greater<>> slot_free_at_;
  std::function<void(const AppliedWrite&)> observer_;
  TrueTime last_arrival_{};
  std::unique_ptr<apf::ApfFilter> apf_;
  std::unique_ptr<BackgroundClients> background_;
  apf::UserInfo candidate_user_;
};

}  // namespace leasesim::sim
