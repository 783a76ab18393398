// time_format.cc — instants and durations as text (see time_format.h).
#include "viz/time_format.h"

#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

namespace leasesim::viz {

std::string FormatRFC3339Micros(int64_t wall_ns) {
  using namespace std::chrono;
  const sys_time<nanoseconds> tp{nanoseconds(wall_ns)};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss<nanoseconds> hms{tp - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                     hms.subseconds().count() / 1000);
}

std::string FormatRFC3339Seconds(int64_t wall_ns) {
  return FormatRFC3339Micros(wall_ns).substr(0, 19) + "Z";
}

std::string FormatDuration(int64_t ns) {
  const char* sign = ns < 0 ? "-" : "";
  const double a = std::abs(static_cast<double>(ns));
  if (a < 1e3) return fmt::format("{}{:.0f}ns", sign, a);
  if (a < 1e6) return fmt::format("{}{:.3f}us", sign, a / 1e3);
  if (a < 1e9) return fmt::format("{}{:.3f}ms", sign, a / 1e6);
  return fmt::format("{}{:.3f}s", sign, a / 1e9);
}

std::string FormatTrueTime(int64_t t_ns) {
  const char* sign = t_ns < 0 ? "-" : "";
  const int64_t a = std::abs(t_ns);
  return fmt::format("{}{}.{:09}s", sign, a / 1'000'000'000, a % 1'000'000'000);
}

}  // namespace leasesim::viz
