// go_duration.cc — ports of time.ParseDuration and Duration.String (Go src/time/format.go
// and src/time/time.go). Step comments follow Go's.
#include "core/go_duration.h"

#include <cstdint>

namespace leasesim::core {
namespace {

constexpr uint64_t kMax = uint64_t{1} << 63;  // Go's 1<<63

struct Unit {
  std::string_view name;
  uint64_t ns;
};
// unitMap in Go.
constexpr Unit kUnits[] = {
    {"ns", 1},
    {"us", 1'000},
    {"\xC2\xB5s", 1'000},  // U+00B5 micro sign
    {"\xCE\xBCs", 1'000},  // U+03BC Greek letter mu
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
};

// leadingInt consumes the leading [0-9]* from s; false on overflow.
bool LeadingInt(std::string_view& s, uint64_t& x) {
  size_t i = 0;
  x = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') break;
    if (x > kMax / 10) return false;
    x = x * 10 + static_cast<uint64_t>(c - '0');
    if (x > kMax) return false;
  }
  s.remove_prefix(i);
  return true;
}

// leadingFraction consumes the leading [0-9]* from s. It stops accumulating precision on
// overflow instead of failing, as Go does.
void LeadingFraction(std::string_view& s, uint64_t& x, double& scale) {
  size_t i = 0;
  x = 0;
  scale = 1;
  bool overflow = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') break;
    if (overflow) continue;
    if (x > (kMax - 1) / 10) {
      overflow = true;
      continue;
    }
    uint64_t y = x * 10 + static_cast<uint64_t>(c - '0');
    if (y > kMax) {
      overflow = true;
      continue;
    }
    x = y;
    scale *= 10;
  }
  s.remove_prefix(i);
}

std::nullopt_t Fail(std::string* err, std::string msg) {
  if (err) *err = std::move(msg);
  return std::nullopt;
}

// fmtFrac formats the fraction of v/10**prec (e.g. ".12345") in front of `w`, omitting
// trailing zeros and the point when the fraction is 0; returns v/10**prec.
uint64_t FmtFrac(char* buf, int& w, uint64_t v, int prec) {
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    uint64_t digit = v % 10;
    print = print || digit != 0;
    if (print) buf[--w] = static_cast<char>('0' + digit);
    v /= 10;
  }
  if (print) buf[--w] = '.';
  return v;
}

// fmtInt formats v in front of `w`.
void FmtInt(char* buf, int& w, uint64_t v) {
  if (v == 0) {
    buf[--w] = '0';
    return;
  }
  while (v > 0) {
    buf[--w] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

}  // namespace

std::string QuoteGo(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    // Go walks runes and escapes every byte of a rune >= 0x80 (and each byte of invalid
    // UTF-8) or < ' ': byte-wise that is simply every such byte.
    if (c >= 0x80 || c < ' ') {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      if (c == '"' || c == '\\') out += '\\';
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

std::optional<Duration> ParseGoDuration(std::string_view s, std::string* err) {
  // [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+
  const std::string_view orig = s;
  auto invalid = [&] { return Fail(err, "time: invalid duration " + QuoteGo(orig)); };
  uint64_t d = 0;
  bool neg = false;

  // Consume [-+]?
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  // Special case: if all that is left is "0", this is zero.
  if (s == "0") return Duration{0};
  if (s.empty()) return invalid();
  while (!s.empty()) {
    uint64_t v = 0, f = 0;  // integers before, after decimal point
    double scale = 1;       // value = v + f/scale

    // The next character must be [0-9.]
    if (!(s[0] == '.' || ('0' <= s[0] && s[0] <= '9'))) return invalid();
    // Consume [0-9]*
    size_t pl = s.size();
    if (!LeadingInt(s, v)) return invalid();
    bool pre = pl != s.size();  // whether we consumed anything before a period

    // Consume (\.[0-9]*)?
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      size_t pl2 = s.size();
      LeadingFraction(s, f, scale);
      post = pl2 != s.size();
    }
    if (!pre && !post) return invalid();  // no digits (e.g. ".s" or "-.s")

    // Consume unit.
    size_t i = 0;
    for (; i < s.size(); ++i) {
      char c = s[i];
      if (c == '.' || ('0' <= c && c <= '9')) break;
    }
    if (i == 0) return Fail(err, "time: missing unit in duration " + QuoteGo(orig));
    std::string_view u = s.substr(0, i);
    s.remove_prefix(i);
    uint64_t unit = 0;
    for (const Unit& cand : kUnits) {
      if (cand.name == u) unit = cand.ns;
    }
    if (unit == 0) {
      return Fail(err, "time: unknown unit " + QuoteGo(u) + " in duration " + QuoteGo(orig));
    }
    if (v > kMax / unit) return invalid();  // overflow
    v *= unit;
    if (f > 0) {
      // float64 is needed to be nanosecond accurate for fractions of hours.
      // v >= 0 && (f*unit/scale) <= 3.6e+12 (ns/h, h is the largest unit)
      v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(unit) / scale));
      if (v > kMax) return invalid();  // overflow
    }
    d += v;
    if (d > kMax) return invalid();  // overflow
  }
  if (neg) return Duration{static_cast<int64_t>(-d)};  // two's complement, as Go's -Duration(d)
  if (d > kMax - 1) return invalid();
  return Duration{static_cast<int64_t>(d)};
}

std::string FormatGoDuration(Duration dur) {
  // Largest time is 2540400h10m10.000000000s
  char buf[32];
  int w = sizeof(buf);
  const int64_t d = dur.count();
  uint64_t u = static_cast<uint64_t>(d);
  const bool neg = d < 0;
  if (neg) u = -u;

  constexpr uint64_t kSecond = 1'000'000'000;
  if (u < kSecond) {
    // Special case: if duration is smaller than a second, use smaller units, like 1.2ms.
    int prec = 0;
    buf[--w] = 's';
    --w;
    if (u == 0) {
      buf[w] = '0';
      return std::string(buf + w, sizeof(buf) - w);
    } else if (u < 1'000) {
      prec = 0;
      buf[w] = 'n';
    } else if (u < 1'000'000) {
      prec = 3;
      // U+00B5 'µ' micro sign == 0xC2 0xB5; need room for two bytes.
      --w;
      buf[w] = '\xC2';
      buf[w + 1] = '\xB5';
    } else {
      prec = 6;
      buf[w] = 'm';
    }
    u = FmtFrac(buf, w, u, prec);
    FmtInt(buf, w, u);
  } else {
    buf[--w] = 's';
    u = FmtFrac(buf, w, u, 9);
    // u is now integer seconds
    FmtInt(buf, w, u % 60);
    u /= 60;
    // u is now integer minutes
    if (u > 0) {
      buf[--w] = 'm';
      FmtInt(buf, w, u % 60);
      u /= 60;
      // u is now integer hours. Stop at hours because days can be different lengths.
      if (u > 0) {
        buf[--w] = 'h';
        FmtInt(buf, w, u);
      }
    }
  }
  if (neg) buf[--w] = '-';
  return std::string(buf + w, sizeof(buf) - w);
}

std::string GoDurationFlagProblem(std::string_view v) {
  std::string err;
  if (ParseGoDuration(v, &err)) return "";
  return err + " (a Go duration such as 90s or 2m)";
}

}  // namespace leasesim::core
