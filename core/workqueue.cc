// workqueue.cc — port of k8s.io/client-go/util/workqueue (queue.go, delaying_queue.go,
// default_rate_limiters.go), sans threads.
#include "core/workqueue.h"

#include <algorithm>

namespace leasesim::core {

// Port of (*Typed[T]).Add.
void Workqueue::Add(const std::string& item) {
  if (shutting_down_) return;
  if (dirty_.count(item)) return;
  dirty_.insert(item);
  if (processing_.count(item)) return;
  queue_.push_back(item);
}

// Port of (*Typed[T]).Get (non-blocking).
bool Workqueue::Get(std::string& item) {
  if (queue_.empty()) return false;
  item = queue_.front();
  queue_.pop_front();
  processing_.insert(item);
  dirty_.erase(item);
  return true;
}

// Port of (*Typed[T]).Done.
void Workqueue::Done(const std::string& item) {
  processing_.erase(item);
  if (dirty_.count(item)) queue_.push_back(item);
}

// Port of (*delayingType[T]).AddAfter and its waitingLoop's insert (keeps the earlier
// ready time of a duplicate).
std::optional<MonoTime> Workqueue::AddAfter(const std::string& item, Duration d, MonoTime now) {
  if (shutting_down_) return std::nullopt;
  if (d <= Duration::zero()) {
    Add(item);
    return std::nullopt;
  }
  const MonoTime ready = now + d;
  auto [it, inserted] = waiting_.try_emplace(item, ready);
  if (!inserted) {
    if (ready >= it->second) return std::nullopt;
    it->second = ready;
  }
  return ready;
}

void Workqueue::Ready(MonoTime now) {
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (it->second <= now) {
      Add(it->first);
      it = waiting_.erase(it);
    } else {
      ++it;
    }
  }
}

// Port of (*TypedItemExponentialFailureRateLimiter[T]).When with DefaultTyped-
// ControllerRateLimiter's parameters (base 5ms, max 1000s).
Duration Workqueue::When(const std::string& item) {
  const int exp = failures_[item]++;
  constexpr Duration kBase = std::chrono::milliseconds(5);
  constexpr Duration kMax = std::chrono::seconds(1000);
  // 5ms·2^exp overflows past exp ≈ 40; the Go code checks against float64 max too.
  if (exp > 40) return kMax;
  const Duration backoff = kBase * (int64_t{1} << exp);
  return std::min(backoff, kMax);
}

int Workqueue::NumRequeues(const std::string& item) const {
  auto it = failures_.find(item);
  return it == failures_.end() ? 0 : it->second;
}

}  // namespace leasesim::core
