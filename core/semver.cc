// semver.cc — port of github.com/blang/semver/v4 Parse, ParseTolerant and Compare.
#include "core/semver.h"

#include <algorithm>

namespace leasesim::core {
namespace {

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsAlnumHyphen(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
  });
}

// ParseNumber: a numeric part without leading zeros (blang: "Number must not contain
// leading zeroes"), fitting uint64.
std::optional<uint64_t> ParseNumber(std::string_view s) {
  if (!IsDigits(s)) return std::nullopt;
  if (s.size() > 1 && s[0] == '0') return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t p = s.find(sep, start);
    if (p == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, p - start));
    start = p + 1;
  }
}

std::string_view TrimSpace(std::string_view s) {
  auto sp = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (!s.empty() && sp(s.front())) s.remove_prefix(1);
  while (!s.empty() && sp(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

// Port of Version.Compare (blang/semver v4 semver.go) and PRVersion.Compare.
int Semver::Compare(const Semver& o) const {
  if (major != o.major) return major > o.major ? 1 : -1;
  if (minor != o.minor) return minor > o.minor ? 1 : -1;
  if (patch != o.patch) return patch > o.patch ? 1 : -1;
  // Quick comparison if a version has no prerelease versions.
  if (pre.empty() && o.pre.empty()) return 0;
  if (pre.empty()) return 1;
  if (o.pre.empty()) return -1;
  size_t i = 0;
  for (; i < pre.size() && i < o.pre.size(); ++i) {
    const bool an = IsDigits(pre[i]);
    const bool bn = IsDigits(o.pre[i]);
    int c = 0;
    if (an && bn) {
      const uint64_t a = ParseNumber(pre[i]).value_or(0);
      const uint64_t b = ParseNumber(o.pre[i]).value_or(0);
      c = a == b ? 0 : (a > b ? 1 : -1);
    } else if (an) {
      c = -1;
    } else if (bn) {
      c = 1;
    } else {
      c = pre[i] == o.pre[i] ? 0 : (pre[i] > o.pre[i] ? 1 : -1);
    }
    if (c != 0) return c;
  }
  if (i == pre.size() && i == o.pre.size()) return 0;
  return i == pre.size() ? -1 : 1;
}

// Port of semver.Parse.
std::optional<Semver> ParseSemver(std::string_view s) {
  if (s.empty()) return std::nullopt;
  const auto parts = [&] {
    std::vector<std::string_view> p;
    size_t a = s.find('.');
    if (a == std::string_view::npos) return p;
    size_t b = s.find('.', a + 1);
    if (b == std::string_view::npos) return p;
    p = {s.substr(0, a), s.substr(a + 1, b - a - 1), s.substr(b + 1)};
    return p;
  }();
  if (parts.size() != 3) return std::nullopt;
  Semver v;
  auto major = ParseNumber(parts[0]);
  auto minor = ParseNumber(parts[1]);
  if (!major || !minor) return std::nullopt;
  v.major = *major;
  v.minor = *minor;
  std::string_view rest = parts[2];
  std::string_view build, prerelease;
  if (const size_t p = rest.find('+'); p != std::string_view::npos) {
    build = rest.substr(p + 1);
    rest = rest.substr(0, p);
    if (build.empty()) return std::nullopt;
  }
  bool has_pre = false;
  if (const size_t p = rest.find('-'); p != std::string_view::npos) {
    prerelease = rest.substr(p + 1);
    rest = rest.substr(0, p);
    has_pre = true;
  }
  auto patch = ParseNumber(rest);
  if (!patch) return std::nullopt;
  v.patch = *patch;
  if (has_pre) {
    for (std::string_view id : Split(prerelease, '.')) {
      if (id.empty() || !IsAlnumHyphen(id)) return std::nullopt;
      if (IsDigits(id) && !ParseNumber(id)) return std::nullopt;  // leading zero
      v.pre.emplace_back(id);
    }
  }
  if (!build.empty()) {
    for (std::string_view id : Split(build, '.')) {
      if (id.empty() || !IsAlnumHyphen(id)) return std::nullopt;
      v.build.emplace_back(id);
    }
  }
  return v;
}

// Port of semver.ParseTolerant.
std::optional<Semver> ParseTolerantSemver(std::string_view in) {
  std::string_view s = TrimSpace(in);
  if (!s.empty() && s.front() == 'v') s.remove_prefix(1);
  // Split into major.minor.(patch+pr+meta).
  std::vector<std::string> parts;
  {
    size_t a = s.find('.');
    if (a == std::string_view::npos) {
      parts = {std::string(s)};
    } else {
      size_t b = s.find('.', a + 1);
      if (b == std::string_view::npos) {
        parts = {std::string(s.substr(0, a)), std::string(s.substr(a + 1))};
      } else {
        parts = {std::string(s.substr(0, a)), std::string(s.substr(a + 1, b - a - 1)), std::string(s.substr(b + 1))};
      }
    }
  }
  // Remove leading zeros.
  for (std::string& p : parts) {
    if (p.size() > 1) {
      const size_t nz = p.find_first_not_of('0');
      p = nz == std::string::npos ? std::string() : p.substr(nz);
      if (p.empty() || !(p[0] >= '0' && p[0] <= '9')) p = "0" + p;
    }
  }
  // Fill up shortened versions.
  if (parts.size() < 3) {
    if (parts.back().find_first_of("+-") != std::string::npos) return std::nullopt;
    while (parts.size() < 3) parts.emplace_back("0");
  }
  return ParseSemver(parts[0] + "." + parts[1] + "." + parts[2]);
}

}  // namespace leasesim::core
