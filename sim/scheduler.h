// scheduler.h — the discrete-event scheduler on virtual (true) time, with an Asio face.
//
// One Scheduler drives a whole simulated world on one thread. Time advances in exactly
// one place (the Run* functions), jumping to the next event: nothing ever sleeps. It
// starts at sim::kTrueEpoch. Order is total and reproducible:
//   1. the ready queue (Post, Asio's post/defer, cancelled timer completions) runs FIFO,
//      and is drained completely before the next timed event runs;
//   2. timed events run in (time, scheduling sequence) order, so events due at equal
//      times run in the order they were scheduled.
// (google/quiche's quic/test_tools/simulator follows the same rules.)
//
// The timed queue is a timing wheel in front of a small heap, suited to a simulated
// cluster's mix (network hops 1-5 ms ahead, retry timers seconds ahead, renew deadlines
// and healthz checks tens of seconds ahead, a fault schedule hours ahead): filing an
// event is O(1) (a bucket of 8.4 ms of true time, or an unordered far list beyond 34 s),
// and only the events of the current bucket are ordered, in a heap of a few entries. The
// order above is exact whatever the structure: entries are compared on (time, seq).
//
// Two faces share one queue:
//   * the direct API, for the simulator's hot path: At / After / Post / Cancel;
//   * an Asio execution context (Scheduler::executor_type, VirtualTimer) so that Asio's
//     completion-token model — callbacks, use_awaitable coroutines, deferred, per-operation
//     cancellation, awaitable operators — runs unchanged on virtual time.
//
//   sim::Scheduler sched;
//   sched.After(15s, [&] { ... });                       // direct
//   sim::VirtualTimer timer(sched);                      // Asio
//   timer.expires_after(2s);
//   timer.async_wait([](boost::system::error_code ec) { ... });
//   sched.RunFor(30s);                                   // now() == kTrueEpoch + 30s
//
// Never use Asio's real-time objects (steady_timer, sockets, signal_set) on this
// executor: they start a real reactor thread and never fire in virtual time.
// Single-threaded: no member may be called concurrently.
#pragma once

#include <algorithm>
#include <atomic>
#include <cassert>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/query.hpp>
#include <boost/system/error_code.hpp>

#include "sim/small_fn.h"
#include "sim/true_time.h"

namespace leasesim::sim {

// EventId names one scheduled timed event, for Cancel. The default value names nothing.
// Ids are never reused: seq grows by one per scheduled event.
struct EventId {
  uint64_t seq = 0;   // scheduling sequence number, >= 1 for a real event
  uint32_t slot = 0;  // where the callable is stored
  constexpr bool valid() const { return seq != 0; }
  friend constexpr bool operator==(EventId, EventId) = default;
};

// TimeStuckError is thrown out of Run*/Step when more than max_events_per_instant()
// events run at one true instant: time has stopped advancing (an event that re-arms
// itself at the same instant for ever). It is a programming or modelling error of the
// simulator, not bad input: `leasesim` exits 3 (internal error) with its message, which
// names the instant, the count and the event (the scheduling function, from the
// callable's type), e.g. "true time stuck at 300.000s: more than 1000000 events at one
// instant; last: leasesim::sim::World::UpdateHealthz(int)::{lambda()#1}".
class TimeStuckError : public std::logic_error {
 public:
  TimeStuckError(const std::string& what, TrueTime at, std::string event)
      : std::logic_error(what), at_(at), event_(std::move(event)) {}
  TrueTime at() const { return at_; }
  const std::string& event() const { return event_; }

 private:
  TrueTime at_;
  std::string event_;
};

// TimeRegression is a timed event that ran before now() (never, if At() keeps its
// contract): the invariant checker true_time_monotonic reports each (sim/invariants.h).
struct TimeRegression {
  TrueTime from;
  TrueTime to;
  std::string event;
};

// EventName is the demangled type of a scheduled callable (for messages).
std::string EventName(const SmallFn& fn);

// Scheduler is the virtual-time event loop. See the file comment for the order rules.
// Handlers may schedule, post and cancel freely. An exception thrown by a handler
// propagates out of the Run*/Step call that ran it (the event is consumed; the scheduler
// stays usable). Destroying a Scheduler destroys pending handlers without running them.
class Scheduler : public boost::asio::execution_context {
 public:
  class executor_type;

  Scheduler();
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // now is the current true time: kTrueEpoch before anything ran.
  TrueTime now() const { return now_; }

  // At schedules `fn` at true time `t`. A time in the past means now (like an expired
  // Asio timer): it runs after the events already due now. No allocation for callables
  // of up to SmallFn::kInlineBytes.
  template <typename F>
  EventId At(TrueTime t, F&& fn) {
    const uint32_t slot = AcquireSlot();
    Slot& s = slots_[slot];
    try {
      s.fn.emplace(std::forward<F>(fn));  // may throw only when boxing a large callable
    } catch (...) {
      UnacquireSlot(slot);
      throw;
    }
    s.seq = ++last_seq_;
    Schedule(std::max(t, now_).since_origin.count(), s.seq, slot);
    return {s.seq, slot};
  }
  // After schedules `fn` at now() + d (d < 0 means now).
  template <typename F>
  EventId After(Duration d, F&& fn) {
    return At(now_ + d, std::forward<F>(fn));
  }
  // Post appends `fn` to the ready queue: it runs at now(), after everything already in
  // the ready queue and before the next timed event.
  template <typename F>
  void Post(F&& fn) {
    ReadyPush(SmallFn(std::forward<F>(fn)));
  }
  // Cancel removes a pending timed event; its callable is destroyed without running.
  // Returns false (and does nothing) if the event already ran, was cancelled or never
  // existed. O(1): the queue's entry is dropped lazily (when its bucket is reached, or
  // by a compaction of the heap and far list).
  bool Cancel(EventId id);
  // Expedite moves a pending timed event to the back of the ready queue, so it runs at
  // now(). Returns false if the event is no longer pending. VirtualTimer uses it to post
  // cancellation completions without re-wrapping the handler.
  bool Expedite(EventId id);

  // Step runs exactly one event (the ready queue first, else the earliest timed event,
  // advancing now()). Returns false if nothing was pending.
  bool Step();
  // Run runs until nothing is pending. now() stays at the last event's time.
  void Run();
  // RunUntil runs every event due at or before `t`, then sets now() = t exactly.
  // Precondition: t >= now().
  void RunUntil(TrueTime t);
  // RunUntil(t, stop) is RunUntil(t) that can be interrupted from another thread or a
  // signal handler: it reads `stop` before the first event and then every kStopCheckEvents
  // events, and returns false as soon as it is set, leaving now() at the last event run;
  // true when it reached `t`.
  static constexpr uint64_t kStopCheckEvents = 4096;
  bool RunUntil(TrueTime t, const std::atomic<bool>& stop);
  // RunFor is RunUntil(now() + d). Precondition: d >= 0.
  void RunFor(Duration d) { RunUntil(now_ + d); }
  // RunUntil(done) runs events until done() is true (checked before each event) or
  // nothing is pending; returns done(). now() stays at the last event's time.
  template <typename Pred>
    requires std::predicate<Pred&>
  bool RunUntil(Pred&& done) {
    while (!done()) {
      if (!RunOne(TrueTime::Max())) return done();
    }
    return true;
  }
  // RunUntil(done, deadline) is RunUntil(done) that also stops at `deadline`; if it stops
  // there, now() == deadline. Returns done().
  template <typename Pred>
    requires std::predicate<Pred&>
  bool RunUntil(Pred&& done, TrueTime deadline) {
    assert(deadline >= now_);
    while (!done()) {
      if (!RunOne(deadline)) {
        now_ = std::max(now_, deadline);
        return done();
      }
    }
    return true;
  }

  // set_max_events_per_instant arms the time-stuck guard: running more than `n` events at
  // one true instant throws TimeStuckError (0 = no limit, the default).
  void set_max_events_per_instant(uint64_t n) { max_events_per_instant_ = n == 0 ? UINT64_MAX : n; }
  uint64_t max_events_per_instant() const { return max_events_per_instant_ == UINT64_MAX ? 0 : max_events_per_instant_; }
  // time_regressions lists timed events that would have moved true time backwards.
  const std::vector<TimeRegression>& time_regressions() const { return time_regressions_; }

  // events_processed counts handlers run by Run*/Step (timed and ready), not handlers
  // that Asio dispatched inline from inside another handler.
  uint64_t events_processed() const { return events_processed_; }
  // pending counts timed events not yet run or cancelled, plus the ready queue.
  std::size_t pending() const { return live_timed_ + ready_count_; }
  // NothingDueBy is true when the ready queue is empty and no timed event due at or
  // before `t` is pending: an event scheduled now at `t` (>= now()) would run next, so the
  // caller may run it in place instead — same instant, same order, one event fewer.
  bool NothingDueBy(TrueTime t) { return ready_count_ == 0 && next_time() > t; }
  // next_time is the time of the earliest pending timed event, or TrueTime::Max().
  // (The ready queue, if not empty, runs at now().)
  TrueTime next_time() {
    if (!heap_.empty() && IsLive(heap_.front())) return TrueTime{Duration{heap_.front().at_ns}};
    return NextTimeSlow();
  }
  // running_in_this_thread is true while a handler of this scheduler is running; Asio's
  // dispatch then runs inline, as on an io_context.
  bool running_in_this_thread() const { return run_depth_ > 0; }

  executor_type get_executor() noexcept;

  // AllocateOp / DeallocateOp recycle the memory of Asio wait operations (VirtualTimer),
  // so a timer wait costs no malloc in steady state. n is the operation's size in bytes.
  void* AllocateOp(std::size_t n);
  void DeallocateOp(void* p, std::size_t n) noexcept;

 private:
  // Entry is one timed event, ordered by (at_ns, seq). at_ns >= 0 always (true time never
  // goes below kTrueEpoch), so the pair compares as one unsigned 128-bit key.
  struct Entry {
    int64_t at_ns;
    uint64_t seq;
    uint32_t slot;
  };
  // WheelNode is an entry filed in a wheel bucket: a singly linked list per bucket, the
  // nodes recycled through a free list (no allocation in steady state).
  struct WheelNode {
    Entry e;
    uint32_t next;
  };
  // Slot holds a timed event's callable. Invariant: seq == 0 <=> the slot is free.
  // An entry (heap, wheel or far) is live iff slots_[entry.slot].seq == entry.seq.
  struct Slot {
    uint64_t seq = 0;
    SmallFn fn;
  };
  static unsigned __int128 Key(const Entry& e) {
    return (static_cast<unsigned __int128>(static_cast<uint64_t>(e.at_ns)) << 64) | e.seq;
  }
  static bool Before(const Entry& a, const Entry& b) { return Key(a) < Key(b); }
  bool IsLive(const Entry& e) const { return slots_[e.slot].seq == e.seq; }

  uint32_t AcquireSlot() {
    ++live_timed_;
    if (!free_slots_.empty()) [[likely]] {
      const uint32_t slot = free_slots_.back();
      free_slots_.pop_back();
      return slot;
    }
    return NewSlot();
  }
  uint32_t NewSlot();
  void UnacquireSlot(uint32_t slot);  // undoes AcquireSlot when storing the callable threw
  SmallFn ReleaseSlot(uint32_t slot) {
    Slot& s = slots_[slot];
    SmallFn fn = std::move(s.fn);
    s.seq = 0;
    free_slots_.push_back(slot);
    --live_timed_;
    return fn;
  }
  bool IsPending(EventId id) const {
    return id.seq != 0 && id.slot < slots_.size() && slots_[id.slot].seq == id.seq;
  }
  // Schedule files a new entry by its bucket b = at_ns >> kBucketShift: in the heap if
  // b <= cur_bucket_ (the window's bucket or an earlier one), in the wheel if
  // b < cur_bucket_ + kWheelBuckets, else among the far entries. (Three scalars rather
  // than an Entry: they travel in registers.)
  // (Inline: filing is a handful of instructions on the usual path, the wheel.)
  void Schedule(int64_t at_ns, uint64_t seq, uint32_t slot) {
    assert(at_ns >= 0);
    const int64_t b = at_ns >> kBucketShift;
    // One unsigned comparison for cur_bucket_ < b < cur_bucket_ + kWheelBuckets: a bucket
    // at or before the window wraps around to a huge value.
    if (static_cast<uint64_t>(b - cur_bucket_ - 1) < kWheelBuckets - 1) [[likely]] {
      WheelInsert({at_ns, seq, slot}, static_cast<uint32_t>(b) & (kWheelBuckets - 1));
    } else if (b <= cur_bucket_) {
      PushHeap({at_ns, seq, slot});
    } else {
      ScheduleFar({at_ns, seq, slot});
    }
  }
  void Schedule(Entry e) { Schedule(e.at_ns, e.seq, e.slot); }
  // PushHeap sifts a hole up from the end (the heap is 4-ary: half the depth of a binary
  // heap, and a node's four children are adjacent).
  void PushHeap(Entry e) {
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
  void PopHeap();
  void WheelInsert(Entry e, uint32_t idx) {
    uint32_t n = wheel_free_;
    if (n != kNil) [[likely]] {
      wheel_free_ = wheel_nodes_[n].next;
    } else {
      n = NewWheelNode();
    }
    wheel_nodes_[n] = {e, wheel_head_[idx]};
    wheel_head_[idx] = n;
    wheel_bits_[idx >> 6] |= uint64_t{1} << (idx & 63);
    wheel_summary_ |= uint64_t{1} << (idx >> 6);
    ++wheel_count_;
  }
  uint32_t NewWheelNode();
  void ScheduleFar(Entry e);
  // Advance is called with an empty heap: it moves the window (cur_bucket_) to the next
  // wheel bucket that holds entries and moves that bucket's live entries into the heap,
  // bringing far entries into the wheel as the wheel's span reaches them. Returns false
  // when nothing is pending anywhere.
  bool Advance();
  // MigrateFar files the far entries whose bucket is now within the wheel's span.
  void MigrateFar();
  // PrepareTop drops dead entries from the heap's top and advances the window until the
  // top is live (the earliest pending timed event); false if there is none.
  bool PrepareTop();
  TrueTime NextTimeSlow();
  void MaybeCompact();
  void ReadyPush(SmallFn fn);
  SmallFn ReadyPop();
  void Invoke(SmallFn& fn);
  [[noreturn]] void ThrowTimeStuck(const SmallFn& fn);
  // RunOne runs one event due at or before `limit`; false if there is none.
  bool RunOne(TrueTime limit);

  TrueTime now_ = kTrueEpoch;
  uint64_t last_seq_ = 0;
  uint64_t events_processed_ = 0;
  int run_depth_ = 0;
  // The time-stuck guard: events run at `instant_` so far.
  TrueTime instant_ = kTrueEpoch;
  uint64_t events_at_instant_ = 0;
  uint64_t max_events_per_instant_ = UINT64_MAX;
  std::vector<TimeRegression> time_regressions_;

  // The timed queue has three tiers; every entry may be dead (cancelled: lazy deletion).
  // True time is cut into buckets of 2^kBucketShift ns; cur_bucket_ is the window.
  //   * heap_: entries with bucket <= cur_bucket_, a 4-ary min-heap on Before. It holds
  //     only the events of the current window (a few ms), so it stays small.
  //   * the wheel: entries with bucket in (cur_bucket_, cur_bucket_ + kWheelBuckets), one
  //     unordered list per bucket (index bucket % kWheelBuckets), with a two-level bitmap
  //     of the non-empty buckets. Filing is O(1); a bucket's entries enter the heap when
  //     the window reaches it (Advance), and only then are they ordered.
  //   * far_: entries beyond the wheel's span (about 34 s ahead: a scenario's fault
  //     schedule, long timers), unordered; far_min_ <= every far entry's at_ns.
  // Invariant: heap < wheel < far in bucket order, so once PrepareTop returned true the
  // heap's top is the earliest pending event, and (time, seq) order is exact.
  static constexpr int kBucketShift = 23;  // 8.39 ms of true time per bucket
  static constexpr uint32_t kWheelBuckets = 4096;  // 64 x 64 bits: a 34.4 s span
  static constexpr uint32_t kNil = UINT32_MAX;
  std::vector<Entry> heap_;
  int64_t cur_bucket_;
  std::vector<uint32_t> wheel_head_;  // kWheelBuckets list heads (kNil: empty)
  uint64_t wheel_bits_[kWheelBuckets / 64] = {};
  uint64_t wheel_summary_ = 0;  // bit w set <=> wheel_bits_[w] != 0
  std::size_t wheel_count_ = 0;  // nodes in the wheel, live or dead
  std::vector<WheelNode> wheel_nodes_;
  uint32_t wheel_free_ = kNil;
  std::vector<Entry> far_;
  int64_t far_min_ = INT64_MAX;
  // MaybeCompact rebuilds the heap and far list without dead entries once they hold
  // compact_at_ entries; then compact_at_ = max(kCompactFloor, 2 x what is left).
  static constexpr std::size_t kCompactFloor = 1024;
  std::size_t compact_at_ = kCompactFloor;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  std::size_t live_timed_ = 0;

  // The ready queue is a ring buffer: ready_[ (ready_head_ + i) % ready_.size() ].
  std::vector<SmallFn> ready_;
  std::size_t ready_head_ = 0;
  std::size_t ready_count_ = 0;

  std::vector<void*> op_pool_;  // recycled blocks of kOpBlockBytes
  static constexpr std::size_t kOpBlockBytes = 256;
  static constexpr std::size_t kOpPoolMax = 1024;
};

// Scheduler::executor_type is an Asio (P0443-style) executor for a Scheduler. It supports
// execute, query(context), query(blocking), require(blocking.never / blocking.possibly)
// and ==, which is what asio::any_io_executor needs. As for io_context's executor,
// blocking.possibly is the default: execute runs the function inline when called from a
// handler of the same scheduler (that is asio::dispatch) and posts it otherwise;
// blocking.never (asio::post, asio::defer) always posts to the ready queue. Outstanding-work
// properties are not supported (prefer() ignores them): a Scheduler runs until its queue
// is empty, whoever is waiting.
class Scheduler::executor_type {
 public:
  explicit executor_type(Scheduler& s, bool blocking_possibly = true) noexcept
      : sched_(&s), blocking_possibly_(blocking_possibly) {}

  Scheduler& query(boost::asio::execution::context_t) const noexcept { return *sched_; }
  boost::asio::execution::blocking_t query(boost::asio::execution::blocking_t) const noexcept {
    return blocking_possibly_ ? boost::asio::execution::blocking_t(boost::asio::execution::blocking.possibly)
                              : boost::asio::execution::blocking_t(boost::asio::execution::blocking.never);
  }
  executor_type require(boost::asio::execution::blocking_t::never_t) const noexcept {
    return executor_type(*sched_, false);
  }
  executor_type require(boost::asio::execution::blocking_t::possibly_t) const noexcept {
    return executor_type(*sched_, true);
  }

  template <typename F>
  void execute(F&& f) const {
    if (blocking_possibly_ && sched_->running_in_this_thread()) {
      std::decay_t<F> local(std::forward<F>(f));
      std::move(local)();
    } else {
      sched_->Post(std::forward<F>(f));
    }
  }

  Scheduler& context() const noexcept { return *sched_; }
  friend bool operator==(const executor_type& a, const executor_type& b) noexcept {
    return a.sched_ == b.sched_ && a.blocking_possibly_ == b.blocking_possibly_;
  }
  friend bool operator!=(const executor_type& a, const executor_type& b) noexcept { return !(a == b); }

 private:
  Scheduler* sched_;
  bool blocking_possibly_;
};

inline Scheduler::executor_type Scheduler::get_executor() noexcept { return executor_type(*this); }

namespace detail {

struct TimerState;

// WaitOpBase is one outstanding VirtualTimer::async_wait. It is owned by the scheduler
// event (OpRef) that completes it; the timer only links to it so cancel() can find it.
struct WaitOpBase {
  // complete_ unlinks the op, frees it and, if `invoke`, calls the handler.
  using CompleteFn = void (*)(WaitOpBase* op, bool invoke);
  explicit WaitOpBase(CompleteFn complete, Scheduler& s) : complete_(complete), sched(&s) {}

  void Unlink() noexcept;
  // Abort completes the wait with operation_aborted, posted (never inline).
  void Abort() noexcept;

  CompleteFn complete_;
  Scheduler* sched;
  TimerState* timer = nullptr;  // null once unlinked
  WaitOpBase* prev = nullptr;
  WaitOpBase* next = nullptr;
  EventId event;
  bool aborted = false;
};

// TimerState is a VirtualTimer's heap-allocated state, so a timer can move while waits
// point at it.
struct TimerState {
  Scheduler* sched;
  TrueTime expiry;
  WaitOpBase* head = nullptr;
  std::size_t CancelAll() noexcept;
};

// OpRef is the scheduler event that owns a WaitOpBase: running it completes the wait,
// destroying it unrun (scheduler shutdown) destroys the wait's handler.
struct OpRef {
  WaitOpBase* op;
  explicit OpRef(WaitOpBase* o) noexcept : op(o) {}
  OpRef(OpRef&& other) noexcept : op(std::exchange(other.op, nullptr)) {}
  OpRef& operator=(OpRef&&) = delete;
  ~OpRef() {
    if (op != nullptr) op->complete_(op, false);
  }
  void operator()() {
    WaitOpBase* o = std::exchange(op, nullptr);
    o->complete_(o, true);
  }
};

// CancelOnSignal is installed in the handler's cancellation slot: any cancellation type
// (terminal, partial or total) aborts the wait, as for asio::basic_waitable_timer.
struct CancelOnSignal {
  WaitOpBase* op;
  void operator()(boost::asio::cancellation_type_t type) {
    if (type != boost::asio::cancellation_type::none) op->Abort();
  }
};

template <typename Handler>
struct WaitOp : WaitOpBase {
  template <typename H>
  WaitOp(H&& h, Scheduler& s) : WaitOpBase(&Complete, s), handler(std::forward<H>(h)) {}

  static void Complete(WaitOpBase* base, bool invoke) {
    auto* self = static_cast<WaitOp*>(base);
    self->Unlink();
    auto slot = boost::asio::get_associated_cancellation_slot(self->handler);
    if (slot.is_connected()) slot.clear();
    const boost::system::error_code ec =
        self->aborted ? boost::system::error_code(boost::asio::error::operation_aborted)
                      : boost::system::error_code();
    Scheduler& sched = *self->sched;
    // Free the operation before the upcall (Asio's rule), so the handler may start a new
    // wait that reuses the memory.
    Handler h(std::move(self->handler));
    self->~WaitOp();
    sched.DeallocateOp(self, sizeof(WaitOp));
    if (!invoke) return;  // `h` is destroyed here: shutdown
    auto ex = boost::asio::get_associated_executor(h, sched.get_executor());
    if constexpr (std::is_same_v<decltype(ex), Scheduler::executor_type>) {
      // We are inside one of this scheduler's handlers: dispatch would run inline.
      std::move(h)(ec);
    } else {
      boost::asio::dispatch(ex, [h = std::move(h), ec]() mutable { std::move(h)(ec); });
    }
  }

  Handler handler;
};

}  // namespace detail

// VirtualTimer is asio::basic_waitable_timer on virtual time: async_wait(token) completes
// with `void(boost::system::error_code)` when the scheduler reaches expiry(), or with
// asio::error::operation_aborted (posted, never inline) on cancel(), expires_*(), the
// timer's destruction, or a cancellation signal from the token's cancellation slot. Works
// with any completion token (callbacks, use_awaitable, deferred, awaitable operators).
// Several waits may be outstanding; they complete in the order they were started.
// The Scheduler must outlive its timers.
class VirtualTimer {
 public:
  using executor_type = Scheduler::executor_type;

  explicit VirtualTimer(Scheduler& s) : state_(new detail::TimerState{&s, s.now()}) {}
  explicit VirtualTimer(const executor_type& ex) : VirtualTimer(ex.context()) {}
  // VirtualTimer(ex) accepts the any_io_executor of a coroutine running on a Scheduler
  // (co_await asio::this_coro::executor). Throws std::logic_error if `ex` wraps another
  // kind of executor: a programming error.
  explicit VirtualTimer(const boost::asio::any_io_executor& ex) : VirtualTimer(SchedulerOf(ex)) {}
  VirtualTimer(VirtualTimer&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  VirtualTimer& operator=(VirtualTimer&& other) noexcept {
    if (this != &other) {
      Destroy();
      state_ = std::exchange(other.state_, nullptr);
    }
    return *this;
  }
  ~VirtualTimer() { Destroy(); }

  executor_type get_executor() const noexcept { return state_->sched->get_executor(); }
  TrueTime expiry() const { return state_->expiry; }
  // expires_at sets the expiry and cancels outstanding waits; returns how many.
  std::size_t expires_at(TrueTime t) {
    const std::size_t n = cancel();
    state_->expiry = t;
    return n;
  }
  // expires_after is expires_at(scheduler.now() + d).
  std::size_t expires_after(Duration d) { return expires_at(state_->sched->now() + d); }
  // cancel completes outstanding waits with operation_aborted; returns how many.
  std::size_t cancel() { return state_->CancelAll(); }

  template <typename CompletionToken>
  auto async_wait(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(boost::system::error_code)>(
        InitiateWait{state_}, token);
  }

 private:
  struct InitiateWait {
    detail::TimerState* state;
    using executor_type = Scheduler::executor_type;
    executor_type get_executor() const noexcept { return state->sched->get_executor(); }

    template <typename Handler>
    void operator()(Handler&& handler) const {
      using Op = detail::WaitOp<std::decay_t<Handler>>;
      Scheduler& s = *state->sched;
      void* mem = s.AllocateOp(sizeof(Op));
      Op* op = ::new (mem) Op(std::forward<Handler>(handler), s);
      // Link at the tail: cancel() aborts waits in the order they were started.
      op->timer = state;
      if (state->head == nullptr) {
        state->head = op;
        op->prev = op;  // head->prev is the tail
      } else {
        detail::WaitOpBase* tail = state->head->prev;
        tail->next = op;
        op->prev = tail;
        state->head->prev = op;
      }
      op->event = s.At(state->expiry, detail::OpRef(op));
      auto slot = boost::asio::get_associated_cancellation_slot(op->handler);
      if (slot.is_connected()) slot.template emplace<detail::CancelOnSignal>(op);
    }
  };

  static Scheduler& SchedulerOf(const boost::asio::any_io_executor& ex) {
    const auto* target = ex.target<executor_type>();
    if (target == nullptr) throw std::logic_error("VirtualTimer: the executor is not a sim::Scheduler's");
    return target->context();
  }

  void Destroy() noexcept {
    if (state_ == nullptr) return;
    state_->CancelAll();
    delete std::exchange(state_, nullptr);
  }

  detail::TimerState* state_;
};

}  // namespace leasesim::sim
