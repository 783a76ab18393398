// log_arena_test.cc — sim/log_arena.h: the arena serving a run's append-only logs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "sim/invariants.h"
#include "sim/log_arena.h"
#include "sim/oracles.h"

namespace leasesim::sim {
namespace {

TEST_CASE("log arena: allocations are aligned, disjoint and counted", "[sim][log_arena]") {
  LogArena arena;
  struct Span {
    std::uintptr_t at;
    std::size_t bytes;
  };
  std::vector<Span> spans;
  const std::size_t sizes[] = {1, 24, 40, 256, 4096, 100'000, 3 << 20};
  const std::size_t aligns[] = {1, 8, 16, 64};
  std::size_t total = 0;
  for (int round = 0; round < 40; ++round) {
    for (std::size_t k = 0; k < std::size(sizes); ++k) {
      const std::size_t bytes = sizes[(k + round) % std::size(sizes)];
      if (bytes > (1 << 20) && round % 10 != 0) continue;  // a few chunk-sized requests
      const std::size_t align = aligns[(k + round) % std::size(aligns)];
      void* p = arena.Allocate(bytes, align);
      const auto at = reinterpret_cast<std::uintptr_t>(p);
      CHECK(at % align == 0);
      // Writable over its whole length.
      static_cast<char*>(p)[0] = 1;
      static_cast<char*>(p)[bytes - 1] = 2;
      spans.push_back({at, bytes});
      total += bytes;
    }
  }
  CHECK(arena.allocated() == total);
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.at < b.at; });
  for (std::size_t i = 1; i < spans.size(); ++i) {
    INFO("span " << i);
    CHECK(spans[i - 1].at + spans[i - 1].bytes <= spans[i].at);
  }
}

TEST_CASE("log arena: the first 512 KiB come from the heap, later chunks are huge-page chunks", "[sim][log_arena]") {
  LogArena arena;
  while (arena.allocated() + 4096 <= LogArena::kSmallBytes) arena.Allocate(4096, 8);
  CHECK(arena.huge_chunks() == 0);
  // Past the threshold the next chunk is a 2 MiB-aligned mapping (on Linux): the block
  // that opened it starts the chunk, on a 2 MiB boundary.
  std::uintptr_t first_huge = 0;
  for (int i = 0; i < 1000 && first_huge == 0; ++i) {
    const auto at = reinterpret_cast<std::uintptr_t>(arena.Allocate(4096, 8));
    if (arena.huge_chunks() == 1) first_huge = at;
  }
#if defined(__linux__)
  CHECK(arena.huge_chunks() == 1);
  CHECK(first_huge != 0);
  CHECK(first_huge % LogArena::kHugeChunk == 0);
#endif
}

#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
TEST_CASE("log arena: the pages ahead of use are resident before they are touched", "[sim][log_arena]") {
  // Does this kernel prefault (Linux 5.14)? If not, the arena's pages fault in one by one.
  const long page = sysconf(_SC_PAGESIZE);
  REQUIRE(page == static_cast<long>(LogArena::kPage));
  void* probe = mmap(nullptr, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(probe != MAP_FAILED);
  const bool kernel_prefaults = madvise(probe, 4 * page, MADV_POPULATE_WRITE) == 0;
  munmap(probe, 4 * page);
  if (!kernel_prefaults) {
    WARN("madvise(MADV_POPULATE_WRITE) is not supported here: nothing to check");
    return;
  }
  // Past the heap chunks, in a fresh 2 MiB mapping, nothing but the allocation has
  // touched the pages: the kPopulateStep after it are resident all the same.
  LogArena arena;
  while (arena.huge_chunks() == 0) arena.Allocate(4096, 8);
  char* at = static_cast<char*>(arena.Allocate(64, 8));
  const std::uintptr_t first = (reinterpret_cast<std::uintptr_t>(at) + 64 + page - 1) & ~static_cast<std::uintptr_t>(page - 1);
  const std::size_t pages = LogArena::kPopulateStep / LogArena::kPage - 1;
  std::vector<unsigned char> resident(pages);
  REQUIRE(mincore(reinterpret_cast<void*>(first), pages * page, resident.data()) == 0);
  for (std::size_t i = 0; i < pages; ++i) {
    CAPTURE(i);
    CHECK((resident[i] & 1) == 1);
  }
  // (The pages far past use may be resident too: with transparent huge pages, the first
  // prefault brings in the whole 2 MiB page.)
}
#endif

TEST_CASE("log arena: a renewal log on an arena keeps every entry in order, and moves with its arena",
          "[sim][log_arena]") {
  auto arena = std::make_shared<LogArena>();
  RenewalLog log{LogAllocator<RenewalWrite>(arena)};
  constexpr int kN = 100'000;  // 4 MB of entries: past the heap part, into huge-page chunks
  for (int i = 0; i < kN; ++i) {
    const TrueTime t = kTrueEpoch + Duration{i};
    log.push_back({t, t + Duration{1}, t + Duration{2}, t + Duration{3}, t + Duration{4}});
  }
  CHECK(arena->allocated() >= kN * sizeof(RenewalWrite));
  RenewalLog moved;
  moved = std::move(log);
  CHECK(moved.get_allocator().arena() == arena);  // the arena came along
  REQUIRE(moved.size() == static_cast<std::size_t>(kN));
  for (int i = 0; i < kN; i += 997) {
    INFO("entry " << i);
    CHECK(moved[static_cast<std::size_t>(i)].sent == kTrueEpoch + Duration{i});
    CHECK(moved[static_cast<std::size_t>(i)].changed == kTrueEpoch + Duration{i + 4});
  }
  // The log keeps the arena alive after the last other owner lets go.
  arena.reset();
  CHECK(moved.back().received == kTrueEpoch + Duration{kN - 1 + 2});
}

TEST_CASE("log arena: a log without an arena uses the ordinary heap", "[sim][log_arena]") {
  ElectorEventLog events;
  CHECK(events.get_allocator().arena() == nullptr);
  for (int i = 0; i < 1000; ++i) events.push_back({kTrueEpoch + Duration{i}, 1, ElectorEvent::Kind::kLockWrite, i});
  CHECK(events.size() == 1000);
  CHECK(events[999].request_id == 999);
  CHECK(LogAllocator<int>() == LogAllocator<ElectorEvent>());
  CHECK(LogAllocator<int>(std::make_shared<LogArena>()) != LogAllocator<int>());
}

}  // namespace
}  // namespace leasesim::sim
