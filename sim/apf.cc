// apf.cc — API Priority and Fairness: bootstrap configuration, classification, work
// estimates, shuffle sharding, the queue set and the filter (k8s.io/apiserver v0.37).
#include "sim/apf.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <utility>

#include "core/prng.h"
#include "sim/scheduler.h"

namespace leasesim::sim::apf {
namespace {

constexpr std::string_view kAuthenticated = "system:authenticated";
constexpr std::string_view kUnauthenticated = "system:unauthenticated";
constexpr std::string_view kNodesGroup = "system:nodes";
constexpr std::string_view kMasters = "system:masters";
constexpr std::string_view kServiceAccountsGroup = "system:serviceaccounts";

Subject User(std::string n) { return {SubjectKind::kUser, std::move(n), {}}; }
Subject Group(std::string_view n) { return {SubjectKind::kGroup, std::string(n), {}}; }
Subject KubeSystemSA() { return {SubjectKind::kServiceAccount, "*", "kube-system"}; }

ResourceRule AllResources() { return {{"*"}, {"*"}, {"*"}, {"*"}, true}; }
NonResourceRule AllNonResources() { return {{"*"}, {"*"}}; }

PolicyRules Everything(std::vector<Subject> subjects) {
  return {std::move(subjects), {AllResources()}, {AllNonResources()}};
}

PriorityLevel Limited(std::string name, int32_t shares, int32_t lendable, int32_t queues, int32_t hand,
                      int32_t qll) {
  PriorityLevel p;
  p.name = std::move(name);
  p.nominal_concurrency_shares = shares;
  p.lendable_percent = lendable;
  p.queuing = true;
  p.queues = queues;
  p.hand_size = hand;
  p.queue_length_limit = qll;
  return p;
}

// containsString (rule.go): `x` or the wildcard (as the only member) is in `list`.
bool Contains(std::string_view x, const std::vector<std::string>& list, std::string_view wildcard) {
  if (list.size() == 1 && list[0] == wildcard) return true;
  return std::find(list.begin(), list.end(), x) != list.end();
}

bool MatchesSubject(const UserInfo& u, const Subject& s) {
  switch (s.kind) {
    case SubjectKind::kUser: return s.name == "*" || s.name == u.name;
    case SubjectKind::kGroup:
      if (s.name == "*") return true;
      return std::find(u.groups.begin(), u.groups.end(), s.name) != u.groups.end();
    case SubjectKind::kServiceAccount: {
      const std::string prefix = "system:serviceaccount:" + s.namespace_ + ":";
      if (s.name == "*") return u.name.starts_with(prefix);  // serviceAccountMatchesNamespace
      return u.name == prefix + s.name;                        // serviceaccount.MatchesUsername
    }
  }
  return false;
}

bool MatchesResourceRule(const RequestDigest& d, const ResourceRule& r) {
  if (!Contains(d.verb, r.verbs, "*")) return false;
  const std::string rs = d.subresource.empty() ? d.resource : d.resource + "/" + d.subresource;  // rsJoin
  if (!Contains(rs, r.resources, "*")) return false;
  if (!Contains(d.api_group, r.api_groups, "*")) return false;
  if (d.namespace_.empty()) return r.cluster_scope;
  return Contains(d.namespace_, r.namespaces, "*");
}

bool MatchesNonResourceRule(const RequestDigest& d, const NonResourceRule& r) {
  if (!Contains(d.verb, r.verbs, "*")) return false;
  for (const std::string& p : r.urls) {
    if (p == "*" || p == d.path) return true;
    std::string prefix = p;
    if (prefix.ends_with('*')) prefix.pop_back();
    if (!prefix.ends_with('/')) prefix += '/';
    if (d.path.starts_with(prefix)) return true;
  }
  return false;
}

bool IsMutating(std::string_view verb) {
  return verb == "create" || verb == "update" || verb == "patch" || verb == "delete" || verb == "deletecollection";
}

int64_t UnixSeconds(TrueTime t) {
  return std::chrono::floor<std::chrono::seconds>((kEpochWall + (t - kTrueEpoch)).since_unix).count();
}

}  // namespace

UserInfo KubeControllerManagerUser() { return {"system:kube-controller-manager", {std::string(kAuthenticated)}}; }
UserInfo NodeUser(std::string_view node) {
  return {"system:node:" + std::string(node), {std::string(kNodesGroup), std::string(kAuthenticated)}};
}
UserInfo ServiceAccountUser(std::string_view ns, std::string_view name) {
  return {"system:serviceaccount:" + std::string(ns) + ":" + std::string(name),
          {std::string(kServiceAccountsGroup), "system:serviceaccounts:" + std::string(ns), std::string(kAuthenticated)}};
}
UserInfo LoopbackUser() { return {"system:apiserver", {std::string(kAuthenticated), std::string(kMasters)}}; }

void Config::SortFlowSchemas() {
  std::stable_sort(flow_schemas.begin(), flow_schemas.end(), [](const FlowSchema& a, const FlowSchema& b) {
    return a.matching_precedence != b.matching_precedence ? a.matching_precedence < b.matching_precedence
                                                          : a.name < b.name;
  });
}

int Config::LevelIndex(std::string_view name) const {
  for (size_t i = 0; i < priority_levels.size(); ++i)
    if (priority_levels[i].name == name) return static_cast<int>(i);
  return -1;
}

// Port of the bootstrap configuration (k8s.io/apiserver pkg/apis/flowcontrol/bootstrap
// default.go at v0.37.0): MandatoryPriorityLevelConfiguration{Exempt,CatchAll},
// SuggestedPriorityLevelConfiguration*, MandatoryFlowSchema{Exempt,CatchAll},
// SuggestedFlowSchema*.
Config BootstrapConfig(int server_concurrency_limit) {
  Config c;
  c.server_concurrency_limit = server_concurrency_limit;
  PriorityLevel exempt;
  exempt.name = "exempt";
  exempt.exempt = true;
  exempt.nominal_concurrency_shares = 0;
  PriorityLevel catch_all;
  catch_all.name = "catch-all";
  catch_all.nominal_concurrency_shares = 5;
  catch_all.queuing = false;  // LimitResponseTypeReject
  catch_all.queues = 0;
  c.priority_levels = {
      exempt,
      Limited("system", 30, 33, 64, 6, 50),
      Limited("node-high", 40, 25, 64, 6, 50),
      Limited("leader-election", 10, 0, 16, 4, 50),
      Limited("workload-high", 40, 50, 128, 6, 50),
      Limited("workload-low", 100, 90, 128, 6, 50),
      Limited("global-default", 20, 50, 128, 6, 50),
      catch_all,
  };
  const std::vector<Subject> everyone = {Group(kUnauthenticated), Group(kAuthenticated)};
  c.flow_schemas = {
      {"exempt", "exempt", 1, Distinguisher::kNone, {Everything({Group(kMasters)})}},
      {"probes", "exempt", 2, Distinguisher::kNone, {{everyone, {}, {{{"get"}, {"/healthz", "/readyz", "/livez"}}}}}},
      {"system-leader-election", "leader-election", 100, Distinguisher::kByUser,
       {{{User("system:kube-controller-manager"), User("system:kube-scheduler"), KubeSystemSA()},
         {{{"get", "create", "update"}, {"coordination.k8s.io"}, {"leases"}, {"*"}, false}},
         {}}}},
      {"system-node-high", "node-high", 400, Distinguisher::kByUser,
       {{{Group(kNodesGroup)},
         {{{"*"}, {""}, {"nodes", "nodes/status"}, {"*"}, true}, {{"*"}, {"coordination.k8s.io"}, {"leases"}, {"*"}, false}},
         {}}}},
      {"system-nodes", "system", 500, Distinguisher::kByUser, {Everything({Group(kNodesGroup)})}},
      {"kube-controller-manager", "workload-high", 800, Distinguisher::kByNamespace,
       {Everything({User("system:kube-controller-manager")})}},
      {"kube-scheduler", "workload-high", 800, Distinguisher::kByNamespace, {Everything({User("system:kube-scheduler")})}},
      {"kube-system-service-accounts", "workload-high", 900, Distinguisher::kByNamespace, {Everything({KubeSystemSA()})}},
      {"service-accounts", "workload-low", 9000, Distinguisher::kByUser, {Everything({Group(kServiceAccountsGroup)})}},
      {"global-default", "global-default", 9900, Distinguisher::kByUser, {Everything(everyone)}},
      {"catch-all", "catch-all", 10000, Distinguisher::kByUser, {Everything(everyone)}},
  };
  c.SortFlowSchemas();
  return c;
}

// Port of matchesFlowSchema / matchesPolicyRule (pkg/util/flowcontrol/rule.go).
bool MatchesFlowSchema(const RequestDigest& d, const FlowSchema& fs) {
  for (const PolicyRules& pr : fs.rules) {
    if (!std::any_of(pr.subjects.begin(), pr.subjects.end(), [&](const Subject& s) { return MatchesSubject(d.user, s); }))
      continue;
    if (d.is_resource_request) {
      for (const ResourceRule& r : pr.resource_rules)
        if (MatchesResourceRule(d, r)) return true;
    } else {
      for (const NonResourceRule& r : pr.non_resource_rules)
        if (MatchesNonResourceRule(d, r)) return true;
    }
  }
  return false;
}

uint64_t HashFlowID(std::string_view fs, std::string_view dist) {
  uint64_t h = core::StableHash(fs);
  h = core::StableHash(std::string_view("\0", 1), h);
  return core::StableHash(dist, h);
}

// Port of the classification part of (*configController).startRequest and
// computeFlowDistinguisher (apf_controller.go).
Classification Classify(const Config& c, const RequestDigest& d) {
  Classification out;
  int catch_all = -1;
  for (size_t i = 0; i < c.flow_schemas.size(); ++i) {
    if (MatchesFlowSchema(d, c.flow_schemas[i])) {
      out.flow_schema = static_cast<int>(i);
      break;
    }
    if (c.flow_schemas[i].name == "catch-all") catch_all = static_cast<int>(i);
  }
  if (out.flow_schema < 0) out.flow_schema = catch_all;
  assert(out.flow_schema >= 0 && "no catch-all flow schema");
  const FlowSchema& fs = c.flow_schemas[static_cast<size_t>(out.flow_schema)];
  out.priority_level = c.LevelIndex(fs.priority_level);
  assert(out.priority_level >= 0);
  const PriorityLevel& pl = c.priority_levels[static_cast<size_t>(out.priority_level)];
  if (!pl.exempt && pl.queuing && pl.queues > 1) {
    switch (fs.distinguisher) {
      case Distinguisher::kNone: break;
      case Distinguisher::kByUser: out.flow_distinguisher = d.user.name; break;
      case Distinguisher::kByNamespace: out.flow_distinguisher = d.namespace_; break;
    }
    out.hash = HashFlowID(fs.name, out.flow_distinguisher);
  }
  return out;
}

// Port of listWorkEstimator.estimate + seatsBasedOnObjectCount and
// mutatingWorkEstimator.estimate (pkg/util/flowcontrol/request) with DefaultWorkEstimatorConfig.
WorkEstimate EstimateWork(const RequestDigest& d, int64_t max_seats) {
  constexpr int64_t kMinSeats = 1, kMaxListSeats = 10, kMaxMutatingSeats = 10;
  constexpr double kObjectsPerSeat = 100, kWatchesPerSeat = 10;
  constexpr Duration kEventAdditionalDuration = std::chrono::milliseconds(5);
  WorkEstimate w;
  if (!d.is_resource_request) return w;
  if (d.verb == "list" || d.verb == "watch") {
    int64_t maxs = max_seats;
    if (maxs == 0 || maxs > kMaxListSeats) maxs = kMaxListSeats;
    const int64_t stored = d.objects;
    const int64_t limit = d.limit > 0 && d.limit < stored ? d.limit : stored;
    int64_t est = 0;
    if (!d.name.empty()) est = 1;                                  // matchesSingle
    else if (d.from_cache || d.verb == "watch") est = stored;      // isListFromCache
    else est = 2 * limit;                                          // from etcd, no selector
    auto seats = static_cast<int64_t>(std::ceil(static_cast<double>(est) / kObjectsPerSeat));
    w.initial_seats = std::clamp(seats, kMinSeats, maxs);
    return w;
  }
  if (IsMutating(d.verb)) {
    int64_t maxs = max_seats;
    if (maxs == 0 || maxs > kMaxMutatingSeats) maxs = kMaxMutatingSeats;
    w.initial_seats = 1;
    if (d.watchers >= static_cast<int64_t>(kWatchesPerSeat)) {
      auto fin = static_cast<int64_t>(std::ceil(static_cast<double>(d.watchers) / kWatchesPerSeat));
      const double final_work = static_cast<double>(fin) * static_cast<double>(kEventAdditionalDuration.count());
      if (fin > maxs) fin = maxs;
      w.final_seats = fin;
      w.additional_latency = Duration(static_cast<int64_t>(std::llround(final_work / static_cast<double>(fin))));
    }
    return w;
  }
  return w;  // get and the rest: minimum seats
}

std::vector<int> NominalConcurrencyLimits(const Config& c) {
  double share_sum = 0;
  for (const PriorityLevel& p : c.priority_levels) share_sum += p.nominal_concurrency_shares;
  std::vector<int> out;
  for (const PriorityLevel& p : c.priority_levels) {
    if (p.exempt || share_sum == 0) {
      out.push_back(p.exempt ? 0 : c.server_concurrency_limit);
      continue;
    }
    out.push_back(static_cast<int>(
        std::ceil(static_cast<double>(c.server_concurrency_limit) * p.nominal_concurrency_shares / share_sum)));
  }
  return out;
}

int64_t MaxSeats(const PriorityLevel& pl, int cl) {
  if (pl.exempt || !pl.queuing || pl.hand_size <= 0) return 0;  // no MaxSeatsTracker entry: the estimator's cap
  return static_cast<int64_t>(
      std::max(1.0, std::min(std::ceil(cl * 0.15), static_cast<double>(cl / pl.hand_size))));
}

// --- Dealer ------------------------------------------------------------------------------

Dealer::Dealer(int deck_size, int hand_size) : deck_size_(deck_size), hand_size_(hand_size) {
  assert(deck_size > 0 && hand_size > 0 && hand_size <= deck_size && hand_size <= 15);
}

// Port of (*Dealer).Deal.
std::vector<int> Dealer::DealIntoHand(uint64_t hash) const {
  int rem[15];
  for (int i = 0; i < hand_size_; ++i) {
    const uint64_t next = hash / static_cast<uint64_t>(deck_size_ - i);
    rem[i] = static_cast<int>(hash - static_cast<uint64_t>(deck_size_ - i) * next);
    hash = next;
  }
  std::vector<int> hand;
  hand.reserve(static_cast<size_t>(hand_size_));
  for (int i = 0; i < hand_size_; ++i) {
    int card = rem[i];
    for (int j = i; j > 0; --j)
      if (card >= rem[j - 1]) ++card;
    hand.push_back(card);
  }
  return hand;
}

// --- QueueSet ----------------------------------------------------------------------------

QueueSet::QueueSet(int concurrency_limit, int queues, int hand_size, int queue_length_limit, TrueTime now)
    : concurrency_limit_(concurrency_limit), queue_length_limit_(queue_length_limit), last_real_(now) {
  if (queues > 0) {
    dealer_.emplace(queues, std::min(hand_size, queues));
    queues_.resize(static_cast<size_t>(queues));
  }
}

SeatNs QueueSet::TotalWork(const WorkEstimate& w) const {
  return static_cast<double>(w.initial_seats) * static_cast<double>(estimated_service_.count()) +
         static_cast<double>(w.final_seats) * static_cast<double>(w.additional_latency.count());
}

// Port of syncTimeLocked: R advances at getVirtualTimeRatioLocked since the last sync.
void QueueSet::SyncTime(TrueTime now) {
  const Duration since = now - last_real_;
  if (since > Duration{0}) current_r_ += VirtualTimeRatio() * static_cast<double>(since.count());
  last_real_ = std::max(last_real_, now);
}

// Port of getVirtualTimeRatioLocked: min(seats requested, CL) / active queues.
double QueueSet::VirtualTimeRatio() const {
  int active = 0;
  int64_t requested = 0;
  for (const Queue& q : queues_) {
    requested += q.seats_in_use + q.waiting_max_seats;
    if (!q.waiting.empty() || q.executing > 0) ++active;
  }
  if (active == 0) return 0;
  return std::min(static_cast<double>(requested), static_cast<double>(concurrency_limit_)) / active;
}

// Port of shuffleShardLocked: of the hand dealt from the flow's hash, the queue with the
// least waiting work (seat-seconds), visiting from a rotating offset.
int QueueSet::ShuffleShard(uint64_t hash) {
  const std::vector<int> hand = dealer_->DealIntoHand(hash);
  const auto n = static_cast<uint64_t>(hand.size());
  const uint64_t offset = enqueues_ % n;
  ++enqueues_;
  int best = -1;
  double min_work = INFINITY;
  for (uint64_t i = 0; i < n; ++i) {
    const int idx = hand[static_cast<size_t>((offset + i) % n)];
    const double w = queues_[static_cast<size_t>(idx)].waiting_work;
    if (w < min_work) {
      min_work = w;
      best = idx;
    }
  }
  return best;
}

// Port of canAccommodateSeatsLocked.
bool QueueSet::CanAccommodate(int64_t seats) const {
  if (seats > concurrency_limit_) return requests_executing_ == 0;
  return seats_in_use_ + seats <= concurrency_limit_;
}

// Port of boundNextDispatchLocked (the anti-windup hack).
void QueueSet::BoundNextDispatch(Queue& q) {
  if (q.waiting.empty()) return;
  q.next_dispatch_r = std::max(q.next_dispatch_r, q.waiting.front().arrival_r);
}

// Port of StartRequest: step 0 (no queues: concurrency limit only) and step 1
// (shuffleShardAndRejectOrEnqueueLocked, rejectOrEnqueueToBoundLocked,
// enqueueToBoundLocked). Step 2 (dispatchAsMuchAsPossibleLocked) is Dispatch.
QueueSet::Start QueueSet::StartRequest(uint64_t ticket, const WorkEstimate& w, uint64_t hash, TrueTime now) {
  SyncTime(now);
  if (queues_.empty()) {
    if (!CanAccommodate(w.MaxSeats())) return Start::kRejected;
    ++requests_executing_;
    seats_in_use_ += static_cast<int>(w.MaxSeats());
    executing_[ticket] = {-1, w, now, false};
    return Start::kExecute;
  }
  const int qi = ShuffleShard(hash);
  Queue& q = queues_[static_cast<size_t>(qi)];
  if (seats_in_use_ >= concurrency_limit_ && static_cast<int>(q.waiting.size()) >= queue_length_limit_) {
    BoundNextDispatch(q);
    return Start::kRejected;
  }
  if (q.waiting.empty() && q.executing == 0) q.next_dispatch_r = current_r_;
  Req r{ticket, w, TotalWork(w), current_r_, now};
  q.waiting_work += r.total_work;
  q.waiting_max_seats += static_cast<int>(w.MaxSeats());
  q.waiting.push_back(r);
  ++requests_waiting_;
  executing_[ticket] = {qi, w, now, false};  // not executing yet: start set at dispatch
  executing_[ticket].start = TrueTime::Max();
  BoundNextDispatch(q);
  return Start::kQueued;
}

// Port of findDispatchQueueToBoundLocked + dispatchLocked.
bool QueueSet::DispatchOne(TrueTime now, uint64_t* ticket) {
  const int nq = static_cast<int>(queues_.size());
  double min_finish = INFINITY;
  int min_index = -1;
  int robin = robin_index_;
  for (int k = 0; k < nq; ++k) {
    robin = (robin + 1) % nq;
    const Queue& q = queues_[static_cast<size_t>(robin)];
    if (q.waiting.empty()) continue;
    const double finish = q.next_dispatch_r + q.waiting.front().total_work;
    if (finish < min_finish) {
      min_finish = finish;
      min_index = robin;
    }
  }
  robin_index_ = robin;
  if (min_index < 0) return false;
  Queue& q = queues_[static_cast<size_t>(min_index)];
  Req r = q.waiting.front();
  if (!CanAccommodate(r.work.MaxSeats())) return false;
  q.waiting.pop_front();
  q.waiting_work -= r.total_work;
  if (q.waiting.empty()) q.waiting_work = 0;  // no drift from float sums
  q.waiting_max_seats -= static_cast<int>(r.work.MaxSeats());
  if (r.work.final_seats > concurrency_limit_) {
    // Reshape final seats to the capacity, keeping the final work.
    const double final_work = static_cast<double>(r.work.final_seats) * static_cast<double>(r.work.additional_latency.count());
    r.work.final_seats = concurrency_limit_;
    r.work.additional_latency = Duration(std::llround(final_work / concurrency_limit_));
  }
  robin_index_ = min_index;
  --requests_waiting_;
  ++requests_executing_;
  seats_in_use_ += static_cast<int>(r.work.MaxSeats());
  ++q.executing;
  q.seats_in_use += static_cast<int>(r.work.MaxSeats());
  q.next_dispatch_r += r.total_work;
  BoundNextDispatch(q);
  Executing& e = executing_[r.ticket];
  e.work = r.work;
  e.start = now;
  *ticket = r.ticket;
  return true;
}

std::vector<uint64_t> QueueSet::Dispatch(TrueTime now) {
  SyncTime(now);
  std::vector<uint64_t> out;
  uint64_t t = 0;
  while (requests_waiting_ != 0 && seats_in_use_ < concurrency_limit_ && DispatchOne(now, &t)) out.push_back(t);
  return out;
}

// Port of finishRequestLocked: the queue's start R is corrected by (G - S) × initial seats.
void QueueSet::FinishRequest(uint64_t ticket, TrueTime now) {
  SyncTime(now);
  auto it = executing_.find(ticket);
  assert(it != executing_.end() && it->second.start != TrueTime::Max());
  Executing& e = it->second;
  --requests_executing_;
  if (e.queue >= 0) {
    Queue& q = queues_[static_cast<size_t>(e.queue)];
    --q.executing;
    const double service = static_cast<double>((now - e.start).count());
    q.next_dispatch_r -= static_cast<double>(e.work.initial_seats) * (static_cast<double>(estimated_service_.count()) - service);
    BoundNextDispatch(q);
  }
  if (e.work.additional_latency > Duration{0}) {
    e.lingering = true;
    return;
  }
  ReleaseLingering(ticket, now);
}

void QueueSet::ReleaseLingering(uint64_t ticket, TrueTime now) {
  SyncTime(now);
  auto it = executing_.find(ticket);
  assert(it != executing_.end());
  const int seats = static_cast<int>(it->second.work.MaxSeats());
  seats_in_use_ -= seats;
  if (it->second.queue >= 0) queues_[static_cast<size_t>(it->second.queue)].seats_in_use -= seats;
  executing_.erase(it);
}

bool QueueSet::Cancel(uint64_t ticket, TrueTime now) {
  auto it = executing_.find(ticket);
  if (it == executing_.end() || it->second.start != TrueTime::Max() || it->second.queue < 0) return false;
  SyncTime(now);
  Queue& q = queues_[static_cast<size_t>(it->second.queue)];
  auto r = std::find_if(q.waiting.begin(), q.waiting.end(), [&](const Req& x) { return x.ticket == ticket; });
  assert(r != q.waiting.end());
  q.waiting_work -= r->total_work;
  q.waiting_max_seats -= static_cast<int>(r->work.MaxSeats());
  q.waiting.erase(r);
  if (q.waiting.empty()) q.waiting_work = 0;
  --requests_waiting_;
  executing_.erase(it);
  BoundNextDispatch(q);
  return true;
}

int QueueSet::QueueOf(uint64_t ticket) const {
  auto it = executing_.find(ticket);
  return it == executing_.end() ? -1 : it->second.queue;
}

// --- DroppedRequestsTracker --------------------------------------------------------------

// Port of (*droppedRequestsStats).recordDroppedRequest.
void DroppedRequestsTracker::RecordDroppedRequest(int64_t unix_s) {
  if (current_unix_ == unix_s) {
    ++current_count_;
    return;
  }
  UpdateHistory(current_unix_, current_count_);
  current_unix_ = unix_s;
  current_count_ = 1;
  // Port of updateRetryAfterIfNeededLocked over [unix_s - retryAfter, unix_s).
  constexpr int64_t kMaxRetryAfter = 60;
  int64_t dropped = 0;
  for (auto it = history_.rbegin(); it != history_.rend(); ++it) {
    if (unix_s - it->unix_s > retry_after_) break;
    if (it->unix_s < unix_s) dropped += it->requests;
  }
  if (unix_s - retry_after_update_unix_ >= retry_after_ && dropped >= 3 * retry_after_) {
    retry_after_ = std::min(2 * retry_after_, kMaxRetryAfter);
    retry_after_update_unix_ = unix_s;
    return;
  }
  if (dropped < retry_after_ && retry_after_ > 1) --retry_after_;
}

void DroppedRequestsTracker::UpdateHistory(int64_t unix_s, int64_t count) {
  constexpr int64_t kMaxRetryAfter = 60;
  history_.push_back({unix_s, count});
  const int64_t max_history = std::min(2 * retry_after_, kMaxRetryAfter);
  size_t start = 0;
  while (start < history_.size() && unix_s - history_[start].unix_s > max_history) ++start;
  history_.erase(history_.begin(), history_.begin() + static_cast<std::ptrdiff_t>(start));
}

// --- ApfFilter ---------------------------------------------------------------------------

ApfFilter::ApfFilter(Config config, Scheduler& sched, FilterOptions options)
    : config_(std::move(config)), sched_(sched), options_(options) {
  config_.SortFlowSchemas();
  nominal_ = NominalConcurrencyLimits(config_);
  for (size_t i = 0; i < config_.priority_levels.size(); ++i) {
    const PriorityLevel& p = config_.priority_levels[i];
    max_seats_.push_back(MaxSeats(p, nominal_[i]));
    if (p.exempt) {
      sets_.emplace_back();
    } else {
      sets_.emplace_back(std::in_place, nominal_[i], p.queuing ? p.queues : 0, p.hand_size, p.queue_length_limit,
                         sched_.now());
    }
  }
  dropped_.resize(config_.priority_levels.size());
  stats_.resize(config_.priority_levels.size());
}

ApfFilter::~ApfFilter() = default;

int ApfFilter::SeatsInUse() const {
  int n = exempt_in_use_;
  for (const auto& s : sets_)
    if (s) n += s->seats_in_use();
  return n;
}

Outcome ApfFilter::Start(const RequestDigest& d, TrueTime now, Duration base, OutcomeCallback later) {
  const Classification c = Classify(config_, d);
  const auto level = static_cast<size_t>(c.priority_level);
  ++stats_[level].arrived;
  const uint64_t ticket = next_ticket_++;
  if (!sets_[level]) {  // exempt: executes at once, outside any limit
    ++exempt_in_use_;
    return Execute(c.priority_level, c.flow_schema, ticket, WorkEstimate{}, now, now, base);
  }
  QueueSet& qs = *sets_[level];
  const WorkEstimate w = EstimateWork(d, max_seats_[level]);
  switch (qs.StartRequest(ticket, w, c.hash, now)) {
    case QueueSet::Start::kRejected: return Reject(c.priority_level, c.flow_schema, now, false);
    case QueueSet::Start::kExecute: return Execute(c.priority_level, c.flow_schema, ticket, w, now, now, base);
    case QueueSet::Start::kQueued: break;
  }
  ++stats_[level].queued;
  Waiting& wt = waiting_[ticket];
  wt.level = c.priority_level;
  wt.schema = c.flow_schema;
  wt.seats = w.MaxSeats();
  wt.base = base;
  wt.arrival = now;
  wt.later = std::move(later);
  works_[ticket] = w;
  stats_[level].max_waiting = std::max(stats_[level].max_waiting, qs.requests_waiting());
  // Dispatch as much as possible: this request may go at once (then it was never waiting).
  std::optional<Outcome> mine;
  for (uint64_t t : qs.Dispatch(now)) {
    if (t == ticket) {
      --stats_[level].queued;
      waiting_.erase(ticket);
      works_.erase(ticket);
      mine = Execute(c.priority_level, c.flow_schema, ticket, w, now, now, base);
      continue;
    }
    Waiting other = std::move(waiting_.at(t));
    waiting_.erase(t);
    sched_.Cancel(other.timeout_event);
    const WorkEstimate ow = works_.at(t);
    works_.erase(t);
    const Outcome o = Execute(other.level, other.schema, t, ow, other.arrival, now, other.base);
    if (other.later) other.later(o);
  }
  if (mine) return *mine;
  waiting_.at(ticket).timeout_event = sched_.At(now + config_.request_wait_limit, [this, ticket] { TimeOut(ticket); });
  Outcome o;
  o.kind = Outcome::Kind::kQueued;
  o.priority_level = c.priority_level;
  o.flow_schema = c.flow_schema;
  o.seats = w.MaxSeats();
  return o;
}

Outcome ApfFilter::Execute(int level, int schema, uint64_t ticket, const WorkEstimate& w, TrueTime arrival,
                           TrueTime now, Duration base) {
  LevelStats& st = stats_[static_cast<size_t>(level)];
  ++st.dispatched;
  const Duration waited = now - arrival;
  st.max_wait = std::max(st.max_wait, waited);
  st.total_wait += waited;
  if (sets_[static_cast<size_t>(level)])
    st.max_seats_in_use = std::max(st.max_seats_in_use, sets_[static_cast<size_t>(level)]->seats_in_use());
  // Latency grows with load: the seats in use at dispatch (this request's included).
  const double load = static_cast<double>(SeatsInUse()) / std::max(1, config_.server_concurrency_limit);
  const double factor = 1.0 + options_.slowdown_at_limit * load;
  Outcome o;
  o.kind = Outcome::Kind::kExecute;
  o.start = now;
  o.service = Duration(std::llround(static_cast<double>(base.count()) * factor));
  o.complete_at = now + o.service;
  o.priority_level = level;
  o.flow_schema = schema;
  o.seats = w.MaxSeats();
  const Duration additional = w.additional_latency;
  sched_.At(o.complete_at, [this, level, ticket, additional] { Finish(level, ticket, additional); });
  return o;
}

Outcome ApfFilter::Reject(int level, int schema, TrueTime now, bool timed_out) {
  LevelStats& st = stats_[static_cast<size_t>(level)];
  ++(timed_out ? st.rejected_timeout : st.rejected_queue_full);
  ++schema_rejections_[config_.flow_schemas[static_cast<size_t>(schema)].name];
  DroppedRequestsTracker& dr = dropped_[static_cast<size_t>(level)];
  dr.RecordDroppedRequest(UnixSeconds(now));
  Outcome o;
  o.kind = Outcome::Kind::kReject;
  o.retry_after = std::chrono::seconds(dr.RetryAfter());
  o.timed_out = timed_out;
  o.priority_level = level;
  o.flow_schema = schema;
  return o;
}

void ApfFilter::Finish(int level, uint64_t ticket, Duration additional) {
  auto& qs = sets_[static_cast<size_t>(level)];
  if (!qs) {
    --exempt_in_use_;
    return;
  }
  qs->FinishRequest(ticket, sched_.now());
  if (additional > Duration{0}) {
    sched_.After(additional, [this, level, ticket] {
      sets_[static_cast<size_t>(level)]->ReleaseLingering(ticket, sched_.now());
      DispatchLevel(level);
    });
    return;
  }
  DispatchLevel(level);
}

void ApfFilter::DispatchLevel(int level) {
  const TrueTime now = sched_.now();
  for (uint64_t t : sets_[static_cast<size_t>(level)]->Dispatch(now)) {
    Waiting wt = std::move(waiting_.at(t));
    waiting_.erase(t);
    sched_.Cancel(wt.timeout_event);
    const WorkEstimate w = works_.at(t);
    works_.erase(t);
    const Outcome o = Execute(wt.level, wt.schema, t, w, wt.arrival, now, wt.base);
    if (wt.later) wt.later(o);
  }
}

void ApfFilter::TimeOut(uint64_t ticket) {
  auto it = waiting_.find(ticket);
  if (it == waiting_.end()) return;
  Waiting wt = std::move(it->second);
  waiting_.erase(it);
  works_.erase(ticket);
  const bool removed = sets_[static_cast<size_t>(wt.level)]->Cancel(ticket, sched_.now());
  assert(removed);
  (void)removed;
  const Outcome o = Reject(wt.level, wt.schema, sched_.now(), true);
  if (wt.later) wt.later(o);
}

}  // namespace leasesim::sim::apf
