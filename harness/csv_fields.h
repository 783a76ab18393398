// csv_fields.h — reading back the CSV files leasesim writes (sweep runs.csv, failovers.csv
// and journal, chaos runs.csv).
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <fmt/format.h>

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

// CsvRecords splits a CSV file leasesim wrote into its records of fields: the first line
// must be `header`, every other line must have exactly `fields` fields (a trailing newline
// is allowed). Record k is line k + 2 of the file. On a mismatch nullopt and `*err` =
// "<file>: line N: not a leasesim <what> (unexpected header)" or "... expected F fields,
// got G"; `what` names the kind of file ("chaos runs.csv", "sweep journal").
inline std::optional<std::vector<std::vector<std::string_view>>> CsvRecords(std::string_view text,
                                                                           std::string_view header, size_t fields,
                                                                           std::string_view file, std::string_view what,
                                                                           std::string* err) {
  std::vector<std::string_view> lines = Split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.empty() || lines[0] != header) {
    if (err) *err = fmt::format("{}: line 1: not a leasesim {} (unexpected header)", file, what);
    return std::nullopt;
  }
  std::vector<std::vector<std::string_view>> records;
  records.reserve(lines.size() - 1);
  for (size_t i = 1; i < lines.size(); ++i) {
    records.push_back(Split(lines[i], ','));
    if (records.back().size() != fields) {
      if (err) *err = fmt::format("{}: line {}: expected {} fields, got {}", file, i + 1, fields, records.back().size());
      return std::nullopt;
    }
  }
  return records;
}

}  // namespace leasesim::sim
