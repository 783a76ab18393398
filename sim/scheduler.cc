// scheduler.cc — see scheduler.h.
#include "sim/scheduler.h"

#include <cstdlib>
#include <cxxabi.h>
#include <memory>

#include <fmt/format.h>

namespace leasesim::sim {

Scheduler::Scheduler()
    : cur_bucket_(kTrueEpoch.since_origin.count() >> kBucketShift), wheel_head_(kWheelBuckets, kNil) {
  heap_.reserve(64);
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
  far_.clear();
  far_min_ = INT64_MAX;
  wheel_nodes_.clear();
  for (void* p : op_pool_) ::operator delete(p);
  op_pool_.clear();
  // execution_context's destructor then shuts down and destroys its services.
}

[[gnu::noinline]] uint32_t Scheduler::NewSlot() {
  assert(slots_.size() < UINT32_MAX);
  slots_.emplace_back();
  // Room for every slot to be free at once: ReleaseSlot's push_back never reallocates.
  free_slots_.reserve(slots_.capacity());
  return static_cast<uint32_t>(slots_.size() - 1);
}

void Scheduler::UnacquireSlot(uint32_t slot) {
  free_slots_.push_back(slot);
  --live_timed_;
}

// PopHeap removes the top, sifting a hole down from the root.
inline void Scheduler::PopHeap() {
  const Entry last = heap_.back();
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
      // Branch-free (conditional moves): the children's order is random, so a branch
      // would mispredict about half the time.
      best = Before(heap_[c], heap_[best]) ? c : best;
    }
    if (!Before(heap_[best], last)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = last;
}

[[gnu::noinline]] void Scheduler::ScheduleFar(Entry e) {
  far_.push_back(e);
  far_min_ = std::min(far_min_, e.at_ns);
}

[[gnu::noinline]] uint32_t Scheduler::NewWheelNode() {
  assert(wheel_nodes_.size() < kNil);
  wheel_nodes_.emplace_back();
  return static_cast<uint32_t>(wheel_nodes_.size() - 1);
}

[[gnu::noinline]] void Scheduler::MigrateFar() {
  const int64_t end = cur_bucket_ + kWheelBuckets;  // first bucket beyond the wheel
  int64_t next_min = INT64_MAX;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < far_.size(); ++i) {
    const Entry e = far_[i];
    if (!IsLive(e)) continue;  // cancelled meanwhile
    if ((e.at_ns >> kBucketShift) < end) {
      Schedule(e);  // into the wheel: every far entry's bucket is > cur_bucket_
    } else {
      far_[kept++] = e;
      next_min = std::min(next_min, e.at_ns);
    }
  }
  far_.resize(kept);
  far_min_ = next_min;
}

inline bool Scheduler::PrepareTop() {
  for (;;) {
    while (!heap_.empty()) {
      if (IsLive(heap_.front())) [[likely]] return true;
      PopHeap();
    }
    if (!Advance()) return false;
  }
}

bool Scheduler::Advance() {
  assert(heap_.empty());
  for (;;) {
    if (wheel_count_ == 0) {
      if (far_.empty()) return false;
      // Nothing within the wheel's span: jump the window to just before the earliest far
      // entry (never backwards: every far bucket is >= cur_bucket_ + kWheelBuckets).
      cur_bucket_ = std::max(cur_bucket_, (far_min_ >> kBucketShift) - 1);
      MigrateFar();
      continue;
    }
    // The next non-empty bucket after the window, searching the ring from the window's
    // successor (the window's own bucket is always empty).
    const uint32_t start = static_cast<uint32_t>(cur_bucket_ + 1) & (kWheelBuckets - 1);
    uint32_t w = start >> 6;
    uint64_t bits = wheel_bits_[w] & (~uint64_t{0} << (start & 63));
    if (bits == 0) {
      uint64_t sum = w == 63 ? 0 : wheel_summary_ & (~uint64_t{0} << (w + 1));
      if (sum == 0) sum = wheel_summary_;  // wrap around (possibly to `w`'s lower bits)
      w = static_cast<uint32_t>(__builtin_ctzll(sum));
      bits = wheel_bits_[w];
    }
    const uint32_t idx = (w << 6) | static_cast<uint32_t>(__builtin_ctzll(bits));
    cur_bucket_ += 1 + ((idx - start) & (kWheelBuckets - 1));
    if ((far_min_ >> kBucketShift) < cur_bucket_ + kWheelBuckets) MigrateFar();
    // Move the bucket's live entries into the heap and recycle its nodes.
    uint32_t n = wheel_head_[idx];
    wheel_head_[idx] = kNil;
    wheel_bits_[idx >> 6] &= ~(uint64_t{1} << (idx & 63));
    if (wheel_bits_[idx >> 6] == 0) wheel_summary_ &= ~(uint64_t{1} << (idx >> 6));
    while (n != kNil) {
      WheelNode& node = wheel_nodes_[n];
      const uint32_t next = node.next;
      if (IsLive(node.e)) PushHeap(node.e);
      node.next = wheel_free_;
      wheel_free_ = n;
      --wheel_count_;
      n = next;
    }
    if (!heap_.empty()) return true;
  }
}

void Scheduler::MaybeCompact() {
  // Lazy deletion leaves dead entries behind. The wheel recycles its own as the window
  // passes their bucket; the heap (one window) and the far list are rebuilt when they
  // reach compact_at_ entries, so memory stays proportional to the live events even when
  // a handler cancels and re-arms at one instant for ever. Amortised O(log n) per entry.
  // A sorted array is a heap, and (time, seq) order is total, so the order is unchanged.
  if (heap_.size() + far_.size() < compact_at_) return;
  auto dead = [this](const Entry& e) { return !IsLive(e); };
  std::erase_if(heap_, dead);
  std::sort(heap_.begin(), heap_.end(), &Before);
  std::erase_if(far_, dead);
  far_min_ = INT64_MAX;
  for (const Entry& e : far_) far_min_ = std::min(far_min_, e.at_ns);
  compact_at_ = std::max(kCompactFloor, 2 * (heap_.size() + far_.size()));
}

bool Scheduler::Cancel(EventId id) {
  if (!IsPending(id)) return false;
  // Destroy the callable only after the slot is consistent: its destructor may re-enter.
  SmallFn fn = ReleaseSlot(id.slot);
  MaybeCompact();
  return true;
}

bool Scheduler::Expedite(EventId id) {
  if (!IsPending(id)) return false;
  ReadyPush(ReleaseSlot(id.slot));
  MaybeCompact();
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

[[gnu::noinline, gnu::cold]] void Scheduler::ThrowTimeStuck(const SmallFn& fn) {
  const std::string name = EventName(fn);
  throw TimeStuckError(fmt::format("true time stuck at {}ns since the epoch: more than {} events at one instant; "
                                   "last: {}",
                                   (now_ - kTrueEpoch).count(), max_events_per_instant_, name),
                       now_, name);
}

inline void Scheduler::Invoke(SmallFn& fn) {
  if (now_ != instant_) {
    instant_ = now_;
    events_at_instant_ = 0;
  }
  if (++events_at_instant_ > max_events_per_instant_) [[unlikely]] ThrowTimeStuck(fn);
  struct DepthGuard {
    int& depth;
    explicit DepthGuard(int& d) : depth(d) { ++depth; }
    ~DepthGuard() { --depth; }
  } guard(run_depth_);
  ++events_processed_;
  fn();
}

namespace {

[[gnu::noinline, gnu::cold]] void RecordRegression(std::vector<TimeRegression>& out, TrueTime from, TrueTime to,
                                                   const SmallFn& fn) {
  out.push_back({from, to, EventName(fn)});
}

}  // namespace

bool Scheduler::RunOne(TrueTime limit) {
  if (ready_count_ > 0) {
    SmallFn fn = ReadyPop();
    Invoke(fn);
    return true;
  }
  if (!PrepareTop()) return false;
  const Entry top = heap_.front();
  if (top.at_ns > limit.since_origin.count()) return false;
  PopHeap();
  if (top.at_ns < now_.since_origin.count()) [[unlikely]] {
    RecordRegression(time_regressions_, now_, TrueTime{Duration{top.at_ns}}, slots_[top.slot].fn);
  }
  now_ = TrueTime{Duration{top.at_ns}};
  SmallFn fn = ReleaseSlot(top.slot);
  Invoke(fn);
  return true;
}

bool Scheduler::Step() { return RunOne(TrueTime::Max()); }

// The Run* loops are flattened: RunOne, the heap and wheel code are inlined into the loop,
// so an event costs no call but the handler's own (rare paths stay out of line, noinline).
[[gnu::flatten]] void Scheduler::Run() {
  while (RunOne(TrueTime::Max())) {
  }
}

[[gnu::flatten]] void Scheduler::RunUntil(TrueTime t) {
  assert(t >= now_ && "RunUntil: time runs forward only");
  while (RunOne(t)) {
  }
  now_ = std::max(now_, t);  // never rewind, even if the precondition was broken
}

[[gnu::flatten]] bool Scheduler::RunUntil(TrueTime t, const std::atomic<bool>& stop) {
  assert(t >= now_ && "RunUntil: time runs forward only");
  for (uint64_t n = 0;; ++n) {
    if (n % kStopCheckEvents == 0 && stop.load(std::memory_order_relaxed)) return false;
    if (!RunOne(t)) break;
  }
  now_ = std::max(now_, t);
  return true;
}

TrueTime Scheduler::NextTimeSlow() {
  return PrepareTop() ? TrueTime{Duration{heap_.front().at_ns}} : TrueTime::Max();
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
