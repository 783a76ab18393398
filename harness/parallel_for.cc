// parallel_for.cc — ParallelFor.
#include "harness/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace leasesim::sim {

int WorkerCount(size_t n, int jobs) {
  size_t w = jobs > 0 ? static_cast<size_t>(jobs) : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(std::max<size_t>(1, std::min(w, n)));
}

void ParallelFor(size_t n, ParallelOptions o, const std::function<void(size_t)>& fn) {
  const int workers = WorkerCount(n, o.jobs);
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::exception_ptr first_error;
  std::mutex error_mu;
  auto work = [&] {
    for (;;) {
      if (stop.load(std::memory_order_relaxed)) return;
      const size_t k = next.fetch_add(1, std::memory_order_relaxed);
      if (k >= n) return;
      try {
        fn(o.reverse ? n - 1 - k : k);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mu);
        if (!first_error) first_error = std::current_exception();
        stop = true;
      }
    }
  };
  if (workers == 1) {
    work();
  } else {
    std::vector<std::thread> threads;
    threads.reserve(workers);
    for (int w = 0; w < workers; ++w) threads.emplace_back(work);
    for (std::thread& t : threads) t.join();
  }
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace leasesim::sim
