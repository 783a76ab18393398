// progress.h — a one-line terminal progress bar for runs of many worlds (sweep, chaos).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "harness/exit_codes.h"

namespace leasesim::sim {

// ProgressBar draws "[#####.....] done/total runs  rate/s  ETA" on one terminal line of
// `err`, at most ~100 times per run set (every 1% and the last run), with an optional
// extra field (e.g. "3 failures"). Call it from one thread at a time. The caller decides
// whether `err` is a terminal.
class ProgressBar {
 public:
  ProgressBar(std::ostream& err, const WallClock& wall);
  void operator()(int64_t done, int64_t total, const std::string& extra = "");

 private:
  std::ostream& err_;
  const WallClock& wall_;
  double start_;
};

}  // namespace leasesim::sim
