// workqueue.h — client-go's util/workqueue as a value: the typed queue (dirty/processing
// sets: an item is never processed by two workers at once and an Add while it is being
// processed re-queues it once at Done), the delaying queue (AddAfter keeps the earliest
// ready time per item) and the default controller rate limiter's per-item exponential
// backoff.
//
// Used by the coordinated-election state machines (lease_candidate.h,
// leader_election_controller.h). The caller owns the timers: AddAfter returns the local
// monotonic instant at which to call Ready.
//
//   core::Workqueue q;
//   q.Add("default/kcm");
//   std::string key;
//   if (q.Get(key)) { /* reconcile */ q.Done(key); }
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "core/time.h"

namespace leasesim::core {

class Workqueue {
 public:
  // Add is Typed.Add: no-op if the item is already waiting to be processed; marked dirty
  // (re-queued at Done) if it is being processed.
  void Add(const std::string& item);
  // Get is Typed.Get without blocking: false if the queue is empty (or shut down).
  bool Get(std::string& item);
  // Done is Typed.Done: the item is no longer processed; re-queued if added meanwhile.
  void Done(const std::string& item);
  // AddAfter is delayingType.AddAfter: d <= 0 adds now; otherwise the item becomes ready
  // at now + d (the earliest of its pending ready times). Returns the instant at which
  // the caller must call Ready, or nullopt when nothing needs a timer.
  std::optional<MonoTime> AddAfter(const std::string& item, Duration d, MonoTime now);
  // Ready moves every waiting item whose time has come into the queue.
  void Ready(MonoTime now);
  // When is the default controller rate limiter's delay for the item's next retry:
  // ItemExponentialFailureRateLimiter(5ms, 1000s) — 5ms·2^failures, capped — counting a
  // failure. (The BucketRateLimiter(10 qps, burst 100) it is MaxOf'd with only matters
  // past 100 quick retries and is not modelled.)
  Duration When(const std::string& item);
  // Forget resets the item's failure count.
  void Forget(const std::string& item) { failures_.erase(item); }
  // AddRateLimited is AddAfter(item, When(item)).
  std::optional<MonoTime> AddRateLimited(const std::string& item, MonoTime now) {
    return AddAfter(item, When(item), now);
  }
  void ShutDown() { shutting_down_ = true; }

  size_t Len() const { return queue_.size(); }
  bool Processing(const std::string& item) const { return processing_.count(item) != 0; }
  bool Waiting(const std::string& item) const { return waiting_.count(item) != 0; }
  int NumRequeues(const std::string& item) const;

 private:
  std::deque<std::string> queue_;
  std::set<std::string> dirty_;
  std::set<std::string> processing_;
  std::map<std::string, MonoTime> waiting_;
  std::map<std::string, int> failures_;
  bool shutting_down_ = false;
};

}  // namespace leasesim::core
