// Tests for sim::Scheduler and sim::VirtualTimer: order rules, exact landing, cancel,
// exceptions, and Asio (callbacks, co_spawn + use_awaitable, deferred, awaitable ||,
// per-operation cancellation) on virtual time.
#include "sim/scheduler.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <set>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace asio = boost::asio;
using leasesim::sim::Duration;
using leasesim::sim::EventId;
using leasesim::sim::kTrueEpoch;
using leasesim::sim::Scheduler;
using leasesim::sim::SmallFn;
using leasesim::sim::TrueTime;
using leasesim::sim::VirtualTimer;
using namespace std::chrono_literals;

namespace {

// Rethrow is the co_spawn completion handler the toolchain notes ask for: `detached`
// would swallow an exception thrown by the coroutine.
struct Rethrow {
  void operator()(std::exception_ptr e) const {
    if (e) std::rethrow_exception(e);
  }
};

}  // namespace

TEST_CASE("scheduler starts at the true epoch and jumps to the next event", "[sim][scheduler]") {
  Scheduler s;
  CHECK(s.now() == kTrueEpoch);
  TrueTime seen{};
  s.After(15s, [&] { seen = s.now(); });
  CHECK(s.pending() == 1);
  s.Run();
  CHECK(seen == kTrueEpoch + 15s);
  CHECK(s.now() == kTrueEpoch + 15s);
  CHECK(s.pending() == 0);
  CHECK(s.events_processed() == 1);
}

TEST_CASE("events at equal times run in scheduling order", "[sim][scheduler]") {
  Scheduler s;
  std::vector<int> order;
  // Scheduled out of time order, with several at the same instant.
  s.At(kTrueEpoch + 2s, [&] { order.push_back(20); });
  s.At(kTrueEpoch + 1s, [&] { order.push_back(10); });
  s.At(kTrueEpoch + 2s, [&] { order.push_back(21); });
  s.At(kTrueEpoch + 1s, [&] { order.push_back(11); });
  s.At(kTrueEpoch + 2s, [&] { order.push_back(22); });
  s.Run();
  CHECK(order == std::vector<int>{10, 11, 20, 21, 22});
}

TEST_CASE("the ready queue is FIFO and drained between timers at equal times", "[sim][scheduler]") {
  Scheduler s;
  std::vector<std::string> order;
  s.At(kTrueEpoch + 1s, [&] {
    order.push_back("t1");
    s.Post([&] {
      order.push_back("p1");
      s.Post([&] { order.push_back("p1.1"); });
    });
    s.Post([&] { order.push_back("p2"); });
    // Scheduled now: runs after the ready queue and after t2, which was scheduled earlier.
    s.After(0s, [&] { order.push_back("t3"); });
  });
  s.At(kTrueEpoch + 1s, [&] { order.push_back("t2"); });
  s.Run();
  CHECK(order == std::vector<std::string>{"t1", "p1", "p2", "p1.1", "t2", "t3"});
  CHECK(s.now() == kTrueEpoch + 1s);
}

TEST_CASE("a time in the past runs now, after events already due", "[sim][scheduler]") {
  Scheduler s;
  std::vector<int> order;
  s.At(kTrueEpoch + 5s, [&] {
    s.At(kTrueEpoch + 1s, [&] {
      order.push_back(2);
      CHECK(s.now() == kTrueEpoch + 5s);
    });
  });
  s.At(kTrueEpoch + 5s, [&] { order.push_back(1); });
  s.Run();
  CHECK(order == std::vector<int>{1, 2});
}

TEST_CASE("RunUntil and RunFor land exactly on the requested time", "[sim][scheduler]") {
  Scheduler s;
  std::vector<TrueTime> fired;
  for (auto d : {1s, 2s, 3s, 3s}) s.After(d, [&] { fired.push_back(s.now()); });

  s.RunUntil(kTrueEpoch + 2500ms);
  CHECK(s.now() == kTrueEpoch + 2500ms);
  CHECK(fired == std::vector<TrueTime>{kTrueEpoch + 1s, kTrueEpoch + 2s});

  // An event due exactly at the limit runs.
  s.RunUntil(kTrueEpoch + 3s);
  CHECK(fired.size() == 4);
  CHECK(s.now() == kTrueEpoch + 3s);

  // No events: time still lands on the target.
  s.RunFor(1h);
  CHECK(s.now() == kTrueEpoch + 3s + 1h);
  CHECK(s.events_processed() == 4);
}

TEST_CASE("RunUntil(predicate) stops as soon as the predicate holds", "[sim][scheduler]") {
  Scheduler s;
  int count = 0;
  for (int i = 1; i <= 10; ++i) s.After(i * 1s, [&] { ++count; });
  CHECK(s.RunUntil([&] { return count == 4; }));
  CHECK(s.now() == kTrueEpoch + 4s);
  CHECK(s.pending() == 6);

  SECTION("with a deadline it lands on the deadline") {
    CHECK_FALSE(s.RunUntil([&] { return count == 100; }, kTrueEpoch + 7500ms));
    CHECK(count == 7);
    CHECK(s.now() == kTrueEpoch + 7500ms);
  }
  SECTION("without one it runs out of events") {
    CHECK_FALSE(s.RunUntil([&] { return count == 100; }));
    CHECK(count == 10);
    CHECK(s.now() == kTrueEpoch + 10s);
  }
}

TEST_CASE("Step runs exactly one event", "[sim][scheduler]") {
  Scheduler s;
  int a = 0, b = 0;
  s.After(1s, [&] { ++a; });
  s.Post([&] { ++b; });
  CHECK(s.next_time() == kTrueEpoch + 1s);
  CHECK(s.Step());  // the ready queue first
  CHECK((a == 0 && b == 1));
  CHECK(s.now() == kTrueEpoch);
  CHECK(s.Step());
  CHECK(a == 1);
  CHECK(s.now() == kTrueEpoch + 1s);
  CHECK_FALSE(s.Step());
  CHECK(s.next_time() == TrueTime::Max());
}

TEST_CASE("Cancel removes a pending event and only that one", "[sim][scheduler]") {
  Scheduler s;
  std::vector<int> fired;
  EventId e1 = s.After(1s, [&] { fired.push_back(1); });
  EventId e2 = s.After(2s, [&] { fired.push_back(2); });
  EventId e3 = s.After(3s, [&] { fired.push_back(3); });
  CHECK(s.Cancel(e2));
  CHECK_FALSE(s.Cancel(e2));  // already cancelled
  CHECK(s.pending() == 2);
  s.RunUntil(kTrueEpoch + 1s);
  CHECK_FALSE(s.Cancel(e1));  // already ran
  // The freed slot is reused, but the stale id must not cancel the new event.
  EventId e4 = s.After(1s, [&] { fired.push_back(4); });
  EventId e5 = s.After(1s, [&] { fired.push_back(5); });
  CHECK((e4.slot == e2.slot || e5.slot == e2.slot));
  CHECK_FALSE(s.Cancel(e2));
  CHECK_FALSE(s.Cancel(EventId{}));
  s.Run();
  CHECK(fired == std::vector<int>{1, 4, 5, 3});
  CHECK_FALSE(s.Cancel(e3));
}

TEST_CASE("cancelling many events keeps order and drops their callables", "[sim][scheduler]") {
  Scheduler s;
  auto token = std::make_shared<int>(0);
  std::vector<EventId> ids;
  std::vector<int> fired;
  for (int i = 0; i < 10000; ++i) {
    ids.push_back(s.After(Duration{i % 97}, [&fired, i, token] { fired.push_back(i); }));
  }
  for (int i = 0; i < 10000; ++i) {
    if (i % 3 != 0) CHECK(s.Cancel(ids[i]));
  }
  // Cancelled callables (and the copies of `token` they hold) are gone immediately.
  CHECK(token.use_count() == 1 + 3334);
  s.Run();
  REQUIRE(fired.size() == 3334);
  for (std::size_t k = 1; k < fired.size(); ++k) {
    const int prev = fired[k - 1], cur = fired[k];
    // (time, seq) order: by i % 97, then by i.
    CHECK(((prev % 97 < cur % 97) || (prev % 97 == cur % 97 && prev < cur)));
  }
}

TEST_CASE("Expedite moves a timed event to the ready queue", "[sim][scheduler]") {
  Scheduler s;
  std::vector<int> fired;
  EventId e = s.After(10s, [&] { fired.push_back(1); });
  s.After(1s, [&] {
    fired.push_back(0);
    CHECK(s.Expedite(e));
  });
  s.Run();
  CHECK(fired == std::vector<int>{0, 1});
  CHECK(s.now() == kTrueEpoch + 1s);
}

TEST_CASE("exceptions thrown by handlers propagate out of Run", "[sim][scheduler]") {
  Scheduler s;
  int after = 0;
  s.After(1s, [] { throw std::runtime_error("boom"); });
  s.After(2s, [&] { ++after; });
  CHECK_THROWS_WITH(s.Run(), "boom");
  CHECK(s.now() == kTrueEpoch + 1s);
  // The scheduler stays usable; the throwing event was consumed.
  s.Run();
  CHECK(after == 1);
  s.Post([] { throw std::logic_error("posted"); });
  CHECK_THROWS_AS(s.RunFor(1s), std::logic_error);
}

TEST_CASE("SmallFn stores small captures inline and large ones on the heap", "[sim][scheduler]") {
  struct Small {
    char bytes[SmallFn::kInlineBytes];
    void operator()() {}
  };
  struct Large {
    char bytes[SmallFn::kInlineBytes + 1];
    void operator()() {}
  };
  STATIC_REQUIRE(SmallFn::IsInline<Small>());
  STATIC_REQUIRE_FALSE(SmallFn::IsInline<Large>());

  // Both kinds survive moves (the ready ring grows and relocates them) and run once.
  Scheduler s;
  int sum = 0;
  auto owned = std::make_unique<int>(7);
  std::array<int, 32> big{};
  big[31] = 5;
  for (int i = 0; i < 200; ++i) {
    s.Post([&sum, big] { sum += big[31]; });
  }
  s.Post([&sum, p = std::move(owned)] { sum += *p; });
  s.Run();
  CHECK(sum == 200 * 5 + 7);
}

TEST_CASE("the executor satisfies any_io_executor and posts in FIFO order", "[sim][scheduler][asio]") {
  Scheduler s;
  asio::any_io_executor ex = s.get_executor();
  CHECK(&asio::query(ex, asio::execution::context) == static_cast<asio::execution_context*>(&s));
  CHECK(asio::query(s.get_executor(), asio::execution::blocking) == asio::execution::blocking.possibly);
  CHECK(asio::query(asio::require(s.get_executor(), asio::execution::blocking.never),
                    asio::execution::blocking) == asio::execution::blocking.never);
  CHECK(s.get_executor() == s.get_executor());
  Scheduler other;
  CHECK(s.get_executor() != other.get_executor());

  std::vector<int> order;
  asio::post(ex, [&] {
    order.push_back(1);
    // dispatch from inside a handler runs inline; post queues.
    asio::post(ex, [&] { order.push_back(3); });
    asio::dispatch(ex, [&] { order.push_back(2); });
  });
  // dispatch from outside any handler must not run inline.
  asio::dispatch(ex, [&] { order.push_back(100); });
  CHECK(order.empty());
  s.Run();
  CHECK(order == std::vector<int>{1, 2, 100, 3});
}

TEST_CASE("VirtualTimer completes callbacks at expiry, in start order", "[sim][scheduler][asio]") {
  Scheduler s;
  VirtualTimer t(s);
  t.expires_after(3s);
  std::vector<std::pair<int, TrueTime>> done;
  t.async_wait([&](boost::system::error_code ec) {
    CHECK_FALSE(ec);
    done.emplace_back(1, s.now());
  });
  auto second = [&](boost::system::error_code ec) {
    CHECK_FALSE(ec);
    done.emplace_back(2, s.now());
  };
  t.async_wait(second);  // an lvalue handler is copied
  s.Run();
  CHECK(done == std::vector<std::pair<int, TrueTime>>{{1, kTrueEpoch + 3s}, {2, kTrueEpoch + 3s}});
}

TEST_CASE("VirtualTimer cancel, expires_at and destruction post operation_aborted", "[sim][scheduler][asio]") {
  Scheduler s;
  std::vector<std::string> log;
  auto record = [&](std::string name) {
    return [&log, &s, name](boost::system::error_code ec) {
      log.push_back(name + (ec == asio::error::operation_aborted ? ":aborted@" : ":ok@") +
                    std::to_string((s.now() - kTrueEpoch) / 1s));
    };
  };
  VirtualTimer a(s);
  a.expires_after(10s);
  a.async_wait(record("a"));
  auto b = std::make_unique<VirtualTimer>(s);
  b->expires_after(10s);
  b->async_wait(record("b"));
  VirtualTimer c(s);
  c.expires_after(10s);
  c.async_wait(record("c"));

  s.After(2s, [&] {
    CHECK(a.cancel() == 1);
    CHECK(a.cancel() == 0);
    b.reset();
    CHECK(c.expires_after(5s) == 1);  // now 2s + 5s
    c.async_wait(record("c2"));
    // Cancellation completions are posted, never run inline.
    CHECK(log.empty());
  });
  s.Run();
  CHECK(log == std::vector<std::string>{"a:aborted@2", "b:aborted@2", "c:aborted@2", "c2:ok@7"});
}

TEST_CASE("a cancellation slot aborts one wait", "[sim][scheduler][asio]") {
  Scheduler s;
  VirtualTimer t(s);
  t.expires_after(10s);
  asio::cancellation_signal sig;
  boost::system::error_code got1, got2;
  TrueTime at1{}, at2{};
  t.async_wait(asio::bind_cancellation_slot(sig.slot(), [&](boost::system::error_code ec) {
    got1 = ec;
    at1 = s.now();
  }));
  t.async_wait([&](boost::system::error_code ec) {
    got2 = ec;
    at2 = s.now();
  });
  s.After(1s, [&] { sig.emit(asio::cancellation_type::terminal); });
  s.Run();
  CHECK(got1 == asio::error::operation_aborted);
  CHECK(at1 == kTrueEpoch + 1s);
  CHECK_FALSE(got2);
  CHECK(at2 == kTrueEpoch + 10s);
}

TEST_CASE("co_spawn coroutines wait on virtual time", "[sim][scheduler][asio]") {
  Scheduler s;
  std::vector<std::pair<std::string, TrueTime>> log;
  auto worker = [&](std::string name, Duration period, int n) -> asio::awaitable<void> {
    VirtualTimer t(co_await asio::this_coro::executor);
    for (int i = 0; i < n; ++i) {
      t.expires_after(period);
      co_await t.async_wait(asio::use_awaitable);
      log.emplace_back(name, s.now());
    }
  };
  asio::co_spawn(s, worker("a", 2s, 3), Rethrow{});
  asio::co_spawn(s, worker("b", 3s, 2), Rethrow{});
  s.Run();
  // At 6s both are due; b re-armed at 3s, before a re-armed at 4s, so b fires first.
  using Entry = std::pair<std::string, TrueTime>;
  CHECK(log == std::vector<Entry>{{"a", kTrueEpoch + 2s},
                                  {"b", kTrueEpoch + 3s},
                                  {"a", kTrueEpoch + 4s},
                                  {"b", kTrueEpoch + 6s},
                                  {"a", kTrueEpoch + 6s}});
  CHECK(s.pending() == 0);
}

TEST_CASE("an exception in a co_spawned coroutine propagates out of Run", "[sim][scheduler][asio]") {
  Scheduler s;
  auto failing = [&]() -> asio::awaitable<void> {
    VirtualTimer t(s);
    t.expires_after(5s);
    co_await t.async_wait(asio::use_awaitable);
    throw std::runtime_error("lease lost");
  };
  asio::co_spawn(s, failing(), Rethrow{});
  CHECK_THROWS_WITH(s.Run(), "lease lost");
  CHECK(s.now() == kTrueEpoch + 5s);
}

TEST_CASE("awaitable || completes with the first timer and cancels the other", "[sim][scheduler][asio]") {
  using namespace asio::experimental::awaitable_operators;
  Scheduler s;
  std::size_t winner = 99;
  TrueTime finished{};
  auto race = [&]() -> asio::awaitable<void> {
    VirtualTimer fast(s), slow(s);
    fast.expires_after(1s);
    slow.expires_after(30s);
    auto r = co_await (fast.async_wait(asio::use_awaitable) || slow.async_wait(asio::use_awaitable));
    winner = r.index();
    finished = s.now();
  };
  asio::co_spawn(s, race(), Rethrow{});
  s.Run();
  CHECK(winner == 0);
  CHECK(finished == kTrueEpoch + 1s);
  // The slow timer's wait was cancelled: nothing ran at 30s.
  CHECK(s.now() == kTrueEpoch + 1s);
  CHECK(s.pending() == 0);
}

TEST_CASE("deferred async_wait starts when invoked", "[sim][scheduler][asio]") {
  Scheduler s;
  VirtualTimer t(s);
  t.expires_at(kTrueEpoch + 4s);
  auto op = t.async_wait(asio::deferred);
  CHECK(s.pending() == 0);  // nothing started yet
  TrueTime at{};
  std::move(op)([&](boost::system::error_code ec) {
    CHECK_FALSE(ec);
    at = s.now();
  });
  CHECK(s.pending() == 1);
  s.Run();
  CHECK(at == kTrueEpoch + 4s);
}

TEST_CASE("destroying a scheduler with suspended coroutines frees them", "[sim][scheduler][asio]") {
  // Run under the sanitizer build: a leak or use-after-free here fails the test binary.
  auto alive = std::make_shared<int>(0);
  {
    Scheduler s;
    auto sleeper = [&s](std::shared_ptr<int> keep) -> asio::awaitable<void> {
      VirtualTimer t(s);
      t.expires_after(1h);
      co_await t.async_wait(asio::use_awaitable);
    };
    asio::co_spawn(s, sleeper(alive), Rethrow{});
    asio::co_spawn(s, sleeper(alive), Rethrow{});
    s.RunFor(1s);
    CHECK(alive.use_count() == 3);
  }
  CHECK(alive.use_count() == 1);
}

// Events scheduled far ahead (a scenario's fault schedule) wait outside the heap until
// time approaches them; the order must still be exactly (time, scheduling sequence),
// including far and near events due at the same instant, events scheduled by handlers,
// and cancellations of far events.
TEST_CASE("far-future events interleave with near ones in (time, seq) order", "[sim][scheduler]") {
  Scheduler s;
  struct Want {
    int64_t at_ns;
    int id;
  };
  std::vector<Want> want;  // (time, id) where id is the scheduling order
  std::vector<std::pair<int64_t, int>> fired;
  int next_id = 0;
  uint64_t x = 88172645463325252ULL;  // xorshift: a fixed, portable sequence
  auto rnd = [&x](uint64_t n) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x % n;
  };
  std::vector<std::pair<EventId, int>> cancellable;
  std::function<void(int64_t)> add = [&](int64_t at_ns) {
    const int id = next_id++;
    const EventId e = s.At(kTrueEpoch + Duration{at_ns}, [&, id, at_ns] {
      fired.push_back({at_ns, id});
      // Handlers schedule more: near (same instant, ms ahead) and far (minutes ahead).
      if (next_id < 3000) {
        const int64_t now_ns = (s.now() - kTrueEpoch).count();
        add(now_ns + static_cast<int64_t>(rnd(3)) * 1'000'000);
        add(now_ns + static_cast<int64_t>(1 + rnd(10)) * 60'000'000'000LL);
      }
    });
    want.push_back({at_ns, id});
    cancellable.push_back({e, id});
  };
  for (int i = 0; i < 200; ++i) add(static_cast<int64_t>(rnd(20)) * 60'000'000'000LL);  // minutes apart, many equal
  std::vector<int> cancelled;
  for (int i = 0; i < 40; ++i) {
    const auto& [e, id] = cancellable[rnd(cancellable.size())];
    if (s.Cancel(e)) cancelled.push_back(id);
  }
  s.Run();
  std::erase_if(want, [&](const Want& w) { return std::find(cancelled.begin(), cancelled.end(), w.id) != cancelled.end(); });
  std::stable_sort(want.begin(), want.end(), [](const Want& a, const Want& b) { return a.at_ns < b.at_ns; });
  REQUIRE(fired.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i);
    REQUIRE(fired[i].first == want[i].at_ns);
    REQUIRE(fired[i].second == want[i].id);
  }
}

TEST_CASE("issue15 item 13: RunUntil(t, stop) stops before the first event when stop is set, and every few thousand "
          "events after", "[sim][scheduler]") {
  using namespace leasesim::sim;
  Scheduler s;
  int ran = 0;
  for (int i = 0; i < 10000; ++i) s.At(kTrueEpoch + std::chrono::milliseconds(i), [&ran] { ++ran; });
  std::atomic<bool> stop{true};
  CHECK_FALSE(s.RunUntil(kTrueEpoch + std::chrono::seconds(20), stop));
  CHECK(ran == 0);
  stop = false;
  CHECK(s.RunUntil(kTrueEpoch + std::chrono::seconds(20), stop));
  CHECK(ran == 10000);
  CHECK(s.now() == kTrueEpoch + std::chrono::seconds(20));
}

// The timed queue files events in buckets of true time (a timing wheel) and orders only
// the current bucket's. Whatever the delays — the same instant, within one bucket, across
// bucket and wheel-span edges, seconds, minutes, hours — and whatever the cancellations
// and RunUntil stops (which may leave the window ahead of now()), the events must run in
// exactly (time, scheduling sequence) order, and next_time() must name the earliest one.
TEST_CASE("the timing wheel keeps (time, seq) order across buckets, its span and far jumps", "[sim][scheduler]") {
  Scheduler s;
  uint64_t x = 0x2545F4914F6CDD1DULL;  // xorshift: a fixed, portable sequence
  auto rnd = [&x](uint64_t n) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x % n;
  };
  constexpr int64_t kBucket = int64_t{1} << 23;  // around the bucket edges (8.39 ms)
  auto delay = [&]() -> int64_t {
    switch (rnd(12)) {
      case 0: return 0;
      case 1: return static_cast<int64_t>(rnd(1000));                        // same bucket, ns apart
      case 2: return 1'000'000 + static_cast<int64_t>(rnd(4'000'000));        // a network hop
      case 3: return static_cast<int64_t>(1 + rnd(6)) * kBucket - 1 + static_cast<int64_t>(rnd(3));
      case 4: return 2'000'000'000 + static_cast<int64_t>(rnd(1'000'000));    // a retry timer
      case 5: return 10'000'000'000 + static_cast<int64_t>(rnd(5'000'000'000));
      case 6: return 4095 * kBucket + static_cast<int64_t>(rnd(3 * kBucket)) - kBucket;  // the span's edge
      case 7: return 34'000'000'000 + static_cast<int64_t>(rnd(2'000'000'000));
      case 8: return static_cast<int64_t>(1 + rnd(10)) * 60'000'000'000;      // minutes
      case 9: return static_cast<int64_t>(1 + rnd(3)) * 3'600'000'000'000;    // hours
      case 10: return -static_cast<int64_t>(rnd(1000));                       // in the past: now
      default: return static_cast<int64_t>(rnd(100'000));
    }
  };
  std::set<std::pair<int64_t, int>> pending;  // (time since epoch, id): the reference order
  std::map<int, EventId> ids;
  std::vector<std::pair<int64_t, int>> fired;
  int next_id = 0;
  std::function<void()> add = [&] {
    const int64_t now_ns = (s.now() - kTrueEpoch).count();
    const int64_t at_ns = std::max(now_ns, now_ns + delay());
    const int id = next_id++;
    ids[id] = s.At(kTrueEpoch + Duration{at_ns}, [&, id, at_ns] {
      fired.push_back({at_ns, id});
      REQUIRE(!pending.empty());
      REQUIRE(*pending.begin() == std::make_pair(at_ns, id));
      pending.erase(pending.begin());
      ids.erase(id);
      if (next_id < 20000) {
        for (uint64_t k = 1 + rnd(2); k > 0; --k) add();
      }
      if (rnd(4) == 0 && !ids.empty()) {  // cancel a random pending event
        auto it = ids.lower_bound(static_cast<int>(rnd(static_cast<uint64_t>(next_id))));
        if (it == ids.end()) it = ids.begin();
        for (auto p = pending.begin(); p != pending.end(); ++p) {
          if (p->second == it->first) {
            pending.erase(p);
            break;
          }
        }
        REQUIRE(s.Cancel(it->second));
        ids.erase(it);
      }
    });
    pending.insert({at_ns, id});
  };
  for (int i = 0; i < 300; ++i) add();
  // Run in stops of random length; at each, next_time() names the reference's earliest.
  while (!pending.empty()) {
    const int64_t now_ns = (s.now() - kTrueEpoch).count();
    const int64_t step = rnd(2) == 0 ? static_cast<int64_t>(rnd(50'000'000)) : static_cast<int64_t>(rnd(600'000'000'000));
    s.RunUntil(kTrueEpoch + Duration{now_ns + step});
    CHECK(s.now() == kTrueEpoch + Duration{now_ns + step});
    if (pending.empty()) break;
    REQUIRE(s.next_time() == kTrueEpoch + Duration{pending.begin()->first});
    REQUIRE(s.pending() == pending.size());
    if (rnd(3) == 0) add();  // scheduled between stops: behind the window, maybe
  }
  CHECK(s.next_time() == TrueTime::Max());
  CHECK_FALSE(s.Step());
  CHECK(fired.size() > 10000);
  for (std::size_t i = 1; i < fired.size(); ++i) REQUIRE(fired[i - 1] < fired[i]);
}
