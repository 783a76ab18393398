#include "harness/progress.h"

#include <algorithm>
#include <ostream>

#include <fmt/format.h>

namespace leasesim::sim {

ProgressBar::ProgressBar(std::ostream& err, const WallClock& wall) : err_(err), wall_(wall), start_(wall()) {}

void ProgressBar::operator()(int64_t done, int64_t total, const std::string& extra) {
  const int64_t step = std::max<int64_t>(1, total / 100);
  if (done % step != 0 && done != total) return;
  const double elapsed = wall_() - start_;
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  const int width = 30, filled = static_cast<int>(width * done / std::max<int64_t>(1, total));
  err_ << fmt::format("\r[{}{}] {}/{} runs  {}{:.0f} runs/s  ETA {:.0f}s ", std::string(filled, '#'),
                      std::string(width - filled, '.'), done, total, extra.empty() ? "" : extra + "  ", rate,
                      rate > 0 ? static_cast<double>(total - done) / rate : 0.0);
  if (done == total) err_ << "\n";
  err_.flush();
}

}  // namespace leasesim::sim
