// scheduler.cc — see scheduler.h.
#include "sim/scheduler.h"

#include <cstdlib>
#include <cxxabi.h>
#include <memory>

#include <fmt/format.h>

namespace leasesim::sim {

Scheduler::Scheduler() {
  heap_.reserve(1024);
  slots_.reserve(1024);
  ready_.resize(64);
}

Scheduler::~Scheduler() {
  // Destroy pending handlers without running them. Destroying one may post or cancel
  // others (a coroutine frame owns timers whose destructors abort their waits), so keep
  // going until nothing is left.
  while (live_timed_ > 0 || ready_count_ > 0) {
    while (ready_count_ > 0) {
      SmallFn fn = ReadyPop();
    }
    for (uint32_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].seq != 0) {
        SmallFn fn = ReleaseSlot(i);
      }
    }
  }
  heap_.clear();
  for (void* p : op_pool_) ::operator delete(p);
  op_pool_.clear();
  // execution_context's destructor then shuts down and destroys its services.
}

uint32_t Scheduler::AcquireSlot() {
  if (!free_slots_.empty()) {
    const uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    ++live_timed_;
    return slot;
  }
  assert(slots_.size() < UINT32_MAX);
  slots_.emplace_back();
  ++live_timed_;
  return static_cast<uint32_t>(slots_.size() - 1);
}

void Scheduler::UnacquireSlot(uint32_t slot) {
  free_slots_.push_back(slot);
  --live_timed_;
}

SmallFn Scheduler::ReleaseSlot(uint32_t slot) {
  Slot& s = slots_[slot];
  SmallFn fn = std::move(s.fn);
  s.seq = 0;
  free_slots_.push_back(slot);
  --live_timed_;
  return fn;
}

// The heap is 4-ary: half the depth of a binary heap, and a node's four children are
// adjacent, so a sift-down touches fewer cache lines. Sifts move a hole instead of
// swapping.
void Scheduler::PushHeap(HeapEntry e) {
  std::size_t i = heap_.size();
  heap_.push_back(e);
  while (i > 0) {
    const std::size_t parent = (i - 1) / 4;
    if (!Before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void Scheduler::PopHeap() {
  const HeapEntry last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n == 0) return;
  std::size_t i = 0;
  for (;;) {
    const std::size_t first = 4 * i + 1;
    if (first >= n) break;
    std::size_t best = first;
    const std::size_t end = std::min(first + 4, n);
    for (std::size_t c = first + 1; c < end; ++c) {
      const HeapEntry& x = heap_[c];
      const HeapEntry& y = heap_[best];
      // Branch-free (conditional moves): the children's order is random, so a branch
      // would mispredict about half the time.
      const bool lt = (x.at_ns < y.at_ns) | ((x.at_ns == y.at_ns) & (x.seq < y.seq));
      best = lt ? c : best;
    }
    if (!Before(heap_[best], last)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = last;
}

void Scheduler::DropDeadTop() {
  while (!heap_.empty() && slots_[heap_.front().slot].seq != heap_.front().seq) PopHeap();
}

void Scheduler::MaybeCompactHeap() {
  // Lazy deletion leaves dead entries behind; rebuild when they dominate so memory and
  // the heap's depth stay proportional to the live events. A sorted array is a heap.
  if (heap_.size() < 4096 || heap_.size() < 4 * live_timed_) return;
  std::erase_if(heap_, [this](const HeapEntry& e) { return slots_[e.slot].seq != e.seq; });
  std::sort(heap_.begin(), heap_.end(), &Before);
}

bool Scheduler::Cancel(EventId id) {
  if (!IsPending(id)) return false;
  // Destroy the callable only after the slot is consistent: its destructor may re-enter.
  SmallFn fn = ReleaseSlot(id.slot);
  MaybeCompactHeap();
  return true;
}

bool Scheduler::Expedite(EventId id) {
  if (!IsPending(id)) return false;
  ReadyPush(ReleaseSlot(id.slot));
  MaybeCompactHeap();
  return true;
}

void Scheduler::ReadyPush(SmallFn fn) {
  if (ready_count_ == ready_.size()) {
    // Grow by unrolling the ring into a buffer twice the size.
    std::vector<SmallFn> bigger(ready_.size() * 2);
    for (std::size_t i = 0; i < ready_count_; ++i) {
      bigger[i] = std::move(ready_[(ready_head_ + i) % ready_.size()]);
    }
    ready_ = std::move(bigger);
    ready_head_ = 0;
  }
  ready_[(ready_head_ + ready_count_) % ready_.size()] = std::move(fn);
  ++ready_count_;
}

SmallFn Scheduler::ReadyPop() {
  SmallFn fn = std::move(ready_[ready_head_]);
  ready_head_ = (ready_head_ + 1) % ready_.size();
  --ready_count_;
  return fn;
}

std::string EventName(const SmallFn& fn) {
  const char* mangled = fn.target_type().name();
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> d(abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  return status == 0 && d ? std::string(d.get()) : std::string(mangled);
}

void Scheduler::Invoke(SmallFn& fn) {
  if (now_ != instant_) {
    instant_ = now_;
    events_at_instant_ = 0;
  }
  if (++events_at_instant_ > max_events_per_instant_) [[unlikely]] {
    const std::string name = EventName(fn);
    throw TimeStuckError(fmt::format("true time stuck at {}ns since the epoch: more than {} events at one instant; "
                                     "last: {}",
                                     (now_ - kTrueEpoch).count(), max_events_per_instant_, name),
                         now_, name);
  }
  struct DepthGuard {
    int& depth;
    explicit DepthGuard(int& d) : depth(d) { ++depth; }
    ~DepthGuard() { --depth; }
  } guard(run_depth_);
  ++events_processed_;
  fn();
}

bool Scheduler::RunOne(TrueTime limit) {
  if (ready_count_ > 0) {
    SmallFn fn = ReadyPop();
    Invoke(fn);
    return true;
  }
  DropDeadTop();
  if (heap_.empty()) return false;
  const HeapEntry top = heap_.front();
  if (top.at_ns > limit.since_origin.count()) return false;
  PopHeap();
  if (top.at_ns < now_.since_origin.count()) [[unlikely]] {
    time_regressions_.push_back({now_, TrueTime{Duration{top.at_ns}}, EventName(slots_[top.slot].fn)});
  }
  now_ = TrueTime{Duration{top.at_ns}};
  SmallFn fn = ReleaseSlot(top.slot);
  Invoke(fn);
  return true;
}

bool Scheduler::Step() { return RunOne(TrueTime::Max()); }

void Scheduler::Run() {
  while (RunOne(TrueTime::Max())) {
  }
}

void Scheduler::RunUntil(TrueTime t) {
  assert(t >= now_ && "RunUntil: time runs forward only");
  while (RunOne(t)) {
  }
  now_ = std::max(now_, t);  // never rewind, even if the precondition was broken
}

TrueTime Scheduler::next_time() {
  DropDeadTop();
  return heap_.empty() ? TrueTime::Max() : TrueTime{Duration{heap_.front().at_ns}};
}

void* Scheduler::AllocateOp(std::size_t n) {
  if (n > kOpBlockBytes) return ::operator new(n);
  if (!op_pool_.empty()) {
    void* p = op_pool_.back();
    op_pool_.pop_back();
    return p;
  }
  return ::operator new(kOpBlockBytes);
}

void Scheduler::DeallocateOp(void* p, std::size_t n) noexcept {
  if (n > kOpBlockBytes || op_pool_.size() >= kOpPoolMax) {
    ::operator delete(p);
    return;
  }
  try {
    op_pool_.push_back(p);
  } catch (...) {
    ::operator delete(p);
  }
}

namespace detail {

void WaitOpBase::Unlink() noexcept {
  if (timer == nullptr) return;
  WaitOpBase*& head = timer->head;
  if (this == head) {
    head = next;
    if (head != nullptr) head->prev = prev;  // keep head->prev == tail
  } else {
    prev->next = next;
    if (next != nullptr) {
      next->prev = prev;
    } else {
      head->prev = prev;  // this was the tail
    }
  }
  timer = nullptr;
  prev = next = nullptr;
}

void WaitOpBase::Abort() noexcept {
  if (timer == nullptr) return;  // already completing
  Unlink();
  aborted = true;
  sched->Expedite(event);  // false only while the scheduler is being destroyed
}

std::size_t TimerState::CancelAll() noexcept {
  std::size_t n = 0;
  while (head != nullptr) {
    head->Abort();
    ++n;
  }
  return n;
}

}  // namespace detail

}  // namespace leasesim::sim
