// csv_fields.h — reading back the CSV files leasesim writes (sweep and chaos runs.csv).
#pragma once

#include <charconv>
#include <string_view>
#include <system_error>
#include <vector>

namespace leasesim::sim {

// Split cuts `s` at every `sep` (no quoting: leasesim's own CSV fields never hold one);
// "a,,b" gives {"a", "", "b"}, "" gives {""}.
inline std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

// ParseInt reads the whole of `s` as a decimal integer of type T; false when empty, not a
// number, out of T's range, or followed by anything.
template <typename T>
bool ParseInt(std::string_view s, T* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace leasesim::sim
