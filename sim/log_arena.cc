// log_arena.cc — see log_arena.h.
#include "sim/log_arena.h"

#include <algorithm>
#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace leasesim::sim {

LogArena::~LogArena() {
  for (const Chunk& c : chunks_) {
#if defined(__linux__)
    if (c.mapped) {
      munmap(c.base, c.bytes);
      continue;
    }
#endif
    ::operator delete(c.base);
  }
}

void* LogArena::Allocate(std::size_t bytes, std::size_t align) {
  auto at = reinterpret_cast<std::uintptr_t>(cur_);
  at = (at + align - 1) & ~(static_cast<std::uintptr_t>(align) - 1);
  if (cur_ == nullptr || at + bytes > reinterpret_cast<std::uintptr_t>(end_)) {
    NewChunk(bytes + align);
    at = reinterpret_cast<std::uintptr_t>(cur_);
    at = (at + align - 1) & ~(static_cast<std::uintptr_t>(align) - 1);
  }
  cur_ = reinterpret_cast<char*>(at + bytes);
  allocated_ += bytes;
  if (cur_ > populated_) Populate();
  return reinterpret_cast<void*>(at);
}

void LogArena::Populate() {
  // The pages from populated_ (page-aligned, or the chunk's first page) to kPopulateStep
  // past cur_, within the chunk, in one system call. Advice only: if the kernel refuses
  // (before Linux 5.14), the pages fault in one by one as before.
  const auto page = static_cast<std::uintptr_t>(kPage);
  auto from = reinterpret_cast<std::uintptr_t>(populated_) & ~(page - 1);
  auto to = (reinterpret_cast<std::uintptr_t>(cur_) + kPopulateStep + page - 1) & ~(page - 1);
  to = std::min(to, reinterpret_cast<std::uintptr_t>(end_) & ~(page - 1));
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_POPULATE_WRITE);
#endif
  populated_ = std::max(cur_, reinterpret_cast<char*>(to));
}

void LogArena::NewChunk(std::size_t at_least) {
  chunks_.reserve(chunks_.size() + 1);  // so that push_back below cannot throw
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (allocated_ >= kSmallBytes) {
    // Map twice the chunk, keep the 2 MiB-aligned part (whole huge pages), advise it.
    const std::size_t bytes = (at_least + kHugeChunk - 1) / kHugeChunk * kHugeChunk;
    void* raw = mmap(nullptr, bytes + kHugeChunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw != MAP_FAILED) {
      const auto r = reinterpret_cast<std::uintptr_t>(raw);
      const std::uintptr_t aligned = (r + kHugeChunk - 1) & ~(static_cast<std::uintptr_t>(kHugeChunk) - 1);
      if (aligned > r) munmap(raw, aligned - r);
      const std::uintptr_t tail = r + bytes + kHugeChunk - (aligned + bytes);
      if (tail > 0) munmap(reinterpret_cast<void*>(aligned + bytes), tail);
      void* base = reinterpret_cast<void*>(aligned);
      madvise(base, bytes, MADV_HUGEPAGE);  // advice only: without THP the pages are 4 KiB
      chunks_.push_back({base, bytes, true});
      ++huge_chunks_;
      cur_ = static_cast<char*>(base);
      end_ = cur_ + bytes;
      populated_ = cur_;
      return;
    }
    // No mapping: fall through to the heap.
  }
#endif
  const std::size_t bytes = at_least > kSmallChunk ? at_least : kSmallChunk;
  void* base = ::operator new(bytes);
  chunks_.push_back({base, bytes, false});
  cur_ = static_cast<char*>(base);
  end_ = cur_ + bytes;
  // (The chunk's first, partial page is the heap's: it may be resident already.)
  populated_ = cur_;
}

}  // namespace leasesim::sim
