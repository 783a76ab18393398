// log_arena.h — memory for a run's append-only observation logs.
//
// A run keeps two logs for the whole run: each node's renewals (sim/oracles.h RenewalLog,
// one per RetryPeriod while it leads) and each elector's events (sim/invariants.h). Both
// only grow, and on a virtual machine the first touch of every 4 KiB page of them is a
// page fault that costs about 10 µs: a simulated day's logs (2.7 MB) cost about 8 ms of a
// 65 ms run. LogArena serves them from chunks of its own: the first kSmallBytes from the
// ordinary heap, then 2 MiB chunks aligned to and advised as transparent huge pages
// (madvise MADV_HUGEPAGE on Linux), which fault in once per 2 MiB. A run whose logs stay
// small (a 1000-candidate hour: about 0.3 MB) never maps a huge page, so its peak memory
// is unchanged; a large one keeps at most one partly used 2 MiB chunk more. Where huge pages
// are not to be had (the kernel falls back to 4 KiB pages when it finds no free 2 MiB), and
// in the heap chunks, the arena prefaults its pages kPopulateStep ahead of use with one
// madvise(MADV_POPULATE_WRITE) call (Linux 5.14): about 1 µs a page there, against 10 µs
// for a fault per page; at most kPopulateStep more is resident than used.
//
// Memory is returned only when the arena dies (every LogAllocator holds it): the logs free
// nothing before the end, and a deque's replaced block maps are small.
//
//   auto arena = std::make_shared<sim::LogArena>();
//   RenewalLog log{LogAllocator<RenewalWrite>(arena)};
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

namespace leasesim::sim {

class LogArena {
 public:
  // kSmallBytes: served from ordinary heap chunks of kSmallChunk bytes before the arena
  // turns to huge-page chunks of kHugeChunk bytes.
  static constexpr std::size_t kSmallBytes = std::size_t{512} << 10;
  static constexpr std::size_t kSmallChunk = std::size_t{64} << 10;
  static constexpr std::size_t kHugeChunk = std::size_t{2} << 20;
  static constexpr std::size_t kPopulateStep = std::size_t{64} << 10;
  static constexpr std::size_t kPage = 4096;

  LogArena() = default;
  ~LogArena();
  LogArena(const LogArena&) = delete;
  LogArena& operator=(const LogArena&) = delete;

  // Allocate returns `bytes` bytes aligned to `align` (a power of two, at most 64).
  // A request larger than a chunk gets a chunk of its own. Throws std::bad_alloc.
  void* Allocate(std::size_t bytes, std::size_t align);

  // Bytes handed out so far, and how many of the chunks are huge-page chunks (for tests).
  std::size_t allocated() const { return allocated_; }
  std::size_t huge_chunks() const { return huge_chunks_; }

 private:
  struct Chunk {
    void* base;
    std::size_t bytes;
    bool mapped;  // from mmap (else operator new)
  };
  void NewChunk(std::size_t at_least);
  void Populate();  // prefaults the chunk's pages up to kPopulateStep past cur_

  std::vector<Chunk> chunks_;
  char* cur_ = nullptr;
  char* end_ = nullptr;
  char* populated_ = nullptr;  // the current chunk's pages below it are resident
  std::size_t allocated_ = 0;
  std::size_t huge_chunks_ = 0;
};

// LogAllocator is a standard allocator over a shared LogArena; default-constructed (no
// arena) it is the ordinary heap. deallocate returns nothing to an arena (it frees all at
// once). Allocators compare equal when they share an arena, and the arena moves with a
// container on assignment and swap.
template <typename T>
class LogAllocator {
 public:
  using value_type = T;
  using propagate_on_container_copy_assignment = std::true_type;
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;

  LogAllocator() noexcept = default;
  explicit LogAllocator(std::shared_ptr<LogArena> arena) noexcept : arena_(std::move(arena)) {}
  template <typename U>
  LogAllocator(const LogAllocator<U>& other) noexcept : arena_(other.arena()) {}

  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    if (!arena_) return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{alignof(T)}));
    return static_cast<T*>(arena_->Allocate(n * sizeof(T), alignof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (!arena_) ::operator delete(p, std::align_val_t{alignof(T)});
  }

  const std::shared_ptr<LogArena>& arena() const noexcept { return arena_; }

 private:
  std::shared_ptr<LogArena> arena_;
};

template <typename T, typename U>
bool operator==(const LogAllocator<T>& a, const LogAllocator<U>& b) noexcept {
  return a.arena() == b.arena();
}

}  // namespace leasesim::sim
