// record.cc — Go-exact raw record encoding and the Lease <-> record mapping.
//
// Ports resourcelock.LeaderElectionRecordToLeaseSpec / LeaseSpecToLeaderElectionRecord
// (leaselock.go) and reproduces encoding/json's output for LeaderElectionRecord.
#include "core/record.h"

#include <charconv>
#include <cstring>
#include <cstdint>
#include <limits>

namespace leasesim::core {
namespace {

// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
struct Civil {
  int64_t y;
  unsigned m, d;
};
constexpr Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}
constexpr int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// Writes v (>= 0) as exactly `width` digits at p (zero-padded; wider values keep their
// low digits, which only matters for years past 9999).
inline void PutDigits(char* p, int64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

// Splits t into (seconds since epoch, ns within the second), flooring toward the past.
void Split(WallTime t, int64_t& sec, int64_t& nsec) {
  const int64_t ns = t.since_unix.count();
  sec = ns / 1'000'000'000;
  nsec = ns % 1'000'000'000;
  if (nsec < 0) {
    nsec += 1'000'000'000;
    sec -= 1;
  }
}

// DateTimeOf splits `sec` seconds since the epoch (UTC) into a civil date and the seconds
// of its day.
struct DateTime {
  Civil date;
  int64_t day_seconds;
};
DateTime DateTimeOf(int64_t sec) {
  int64_t days = sec / 86400;
  int64_t rem = sec % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  return {CivilFromDays(days), rem};
}

// PutDateTime writes "YYYY-MM-DDTHH:MM:SS" (19 bytes) into buf, the year as `year` (4 digits).
void PutDateTime(char* buf, int64_t year, const DateTime& t) {
  PutDigits(buf, year, 4);
  buf[4] = '-';
  PutDigits(buf + 5, t.date.m, 2);
  buf[7] = '-';
  PutDigits(buf + 8, t.date.d, 2);
  buf[10] = 'T';
  PutDigits(buf + 11, t.day_seconds / 3600, 2);
  buf[13] = ':';
  PutDigits(buf + 14, t.day_seconds / 60 % 60, 2);
  buf[16] = ':';
  PutDigits(buf + 17, t.day_seconds % 60, 2);
}

// FormatDateTime writes "YYYY-MM-DDTHH:MM:SS" (19 bytes) for `sec` seconds since the
// epoch (UTC) into buf; false (buf unspecified) for a year outside 0000-9999.
bool FormatDateTime(char* buf, int64_t sec) {
  const DateTime t = DateTimeOf(sec);
  if (t.date.y < 0 || t.date.y > 9999) return false;
  PutDateTime(buf, t.date.y, t);
  return true;
}

// AppendDateTime appends "YYYY-MM-DDTHH:MM:SS" for `sec` seconds since the epoch (UTC).
void AppendDateTime(std::string& out, int64_t sec) {
  const DateTime t = DateTimeOf(sec);
  char buf[19];
  if (t.date.y < 0 || t.date.y > 9999) {
    // Outside RFC 3339's range: Go would write more digits; keep ours simple and visible.
    out += std::to_string(t.date.y);
    PutDateTime(buf, 0, t);
    out.append(buf + 4, 15);
  } else {
    PutDateTime(buf, t.date.y, t);
    out.append(buf, 19);
  }
}

void AppendTimeOrNull(std::string& out, WallTime t) {
  if (t.IsZero()) {
    out += "null";
    return;
  }
  out.push_back('"');
  AppendRFC3339Seconds(out, t);
  out.push_back('"');
}

}  // namespace

void AppendRFC3339Seconds(std::string& out, WallTime t) {
  int64_t sec, nsec;
  Split(t, sec, nsec);
  AppendDateTime(out, sec);
  out.push_back('Z');
}

void AppendRFC3339Micros(std::string& out, WallTime t) {
  int64_t sec, nsec;
  Split(t, sec, nsec);
  AppendDateTime(out, sec);
  char frac[8];
  frac[0] = '.';
  PutDigits(frac + 1, nsec / 1000, 6);
  frac[7] = 'Z';
  out.append(frac, 8);
}

namespace {
constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kSecondsPerDay = 86'400;
static bool ReadDigits(std::string_view s, size_t& pos, size_t count, int64_t& value) {
  if (pos + count > s.size()) return false;
  value = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return true;
}

static bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

static constexpr bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// ParseRFC3339 reads "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)" as Go's
// time.Parse(time.RFC3339, ...) does (any number of fraction digits; nanoseconds kept).
// Returns "" or what is wrong.
std::string ParseRFC3339Impl(std::string_view s, WallTime& out) {
  size_t pos = 0;
  int64_t year, month, day, hour, minute, second;
  if (!ReadDigits(s, pos, 4, year) || !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, month) ||
      !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, day) || !Expect(s, pos, 'T') ||
      !ReadDigits(s, pos, 2, hour) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, minute) ||
      !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, second)) {
    return "not an RFC 3339 time (want 2006-01-02T15:04:05Z)";
  }
  static constexpr unsigned kDaysIn[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return "month out of range";
  const int64_t mdays = kDaysIn[month - 1] + (month == 2 && IsLeap(year) ? 1 : 0);
  if (day < 1 || day > mdays) return "day out of range";
  if (hour > 23) return "hour out of range";
  if (minute > 59) return "minute out of range";
  if (second > 59) return "second out of range";
  int64_t frac_ns = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t scale = kNanosPerSecond / 10;
    const size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac_ns += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return "empty fraction of a second";
  }
  int64_t offset_s = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const int64_t sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int64_t oh, om;
    if (!ReadDigits(s, pos, 2, oh) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, om) ||
        oh > 23 || om > 59) {
      return "bad time zone offset (want Z or +hh:mm)";
    }
    offset_s = sign * (oh * 3600 + om * 60);
  } else {
    return "missing time zone (want Z or +hh:mm)";
  }
  if (pos != s.size()) return "trailing characters after the time";
  const int64_t secs = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) *
                           kSecondsPerDay +
                       hour * 3600 + minute * 60 + second - offset_s;
  // Duration is int64 nanoseconds: roughly years 1678 to 2262.
  constexpr int64_t kMaxSecs = std::numeric_limits<int64_t>::max() / kNanosPerSecond - 1;
  if (secs > kMaxSecs || secs < -kMaxSecs) return "time out of the representable range";
  out = WallTime{Duration(secs * kNanosPerSecond + frac_ns)};
  return {};
}

}  // namespace

bool ParseRFC3339(std::string_view s, WallTime& t, std::string* why) {
  std::string err = ParseRFC3339Impl(s, t);
  if (why != nullptr) *why = err;
  return err.empty();
}

void AppendGoJSONString(std::string& out, std::string_view s) {
  // encoding/json encodeState.string with escapeHTML = true.
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
        out.push_back(static_cast<char>(c));
      } else if (c == '"' || c == '\\') {
        out.push_back('\\');
        out.push_back(static_cast<char>(c));
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c == '\b') {
        out += "\\b";
      } else if (c == '\f') {
        out += "\\f";
      } else {
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
      }
      ++i;
      continue;
    }
    // Multi-byte UTF-8: validate; invalid bytes become \ufffd; U+2028/2029 are escaped.
    int len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = len > 0 && i + len <= s.size();
    uint32_t cp = 0;
    if (valid) {
      cp = c & (0x7F >> len);
      for (int k = 1; k < len; ++k) {
        const unsigned char cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xC0) != 0x80) {
          valid = false;
          break;
        }
        cp = (cp << 6) | (cc & 0x3F);
      }
      if (valid) {
        const uint32_t min_cp = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
        if (cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) valid = false;
      }
    }
    if (!valid) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (cp == 0x2028 || cp == 0x2029) {
      out += cp == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  out.push_back('"');
}

std::string MarshalRecord(const LeaderElectionRecord& r, bool coordinated_fields) {
  std::string out;
  out.reserve(192);
  MarshalRecordTo(out, r, coordinated_fields);
  return out;
}

void MarshalRecordTo(std::string& out, const LeaderElectionRecord& r, bool coordinated_fields) {
  out.clear();
  out += "{\"holderIdentity\":";
  AppendGoJSONString(out, r.holderIdentity);
  out += ",\"leaseDurationSeconds\":";
  out += std::to_string(r.leaseDurationSeconds);
  out += ",\"acquireTime\":";
  AppendTimeOrNull(out, r.acquireTime);
  out += ",\"renewTime\":";
  AppendTimeOrNull(out, r.renewTime);
  out += ",\"leaderTransitions\":";
  out += std::to_string(r.leaderTransitions);
  if (coordinated_fields) {
    out += ",\"strategy\":";
    AppendGoJSONString(out, r.strategy);
    out += ",\"preferredHolder\":";
    AppendGoJSONString(out, r.preferredHolder);
  }
  out.push_back('}');
}

bool PatchRecordRenewTime(std::string& raw, const LeaderElectionRecord& prev, const LeaderElectionRecord& r) {
  if (r.holderIdentity != prev.holderIdentity || r.leaseDurationSeconds != prev.leaseDurationSeconds ||
      r.acquireTime != prev.acquireTime || r.leaderTransitions != prev.leaderTransitions ||
      r.strategy != prev.strategy || r.preferredHolder != prev.preferredHolder) {
    return false;
  }
  if (r.renewTime.IsZero() || prev.renewTime.IsZero()) return r.renewTime == prev.renewTime;
  return PatchRecordRenewTimeAt(raw, RecordRenewTimeAt(raw), prev.renewTime, r.renewTime);
}

size_t RecordRenewTimeAt(std::string_view raw) {
  // `,"renewTime":` occurs once: inside the encoded holderIdentity every `"` is escaped.
  static constexpr std::string_view kKey = ",\"renewTime\":";
  const size_t at = raw.find(kKey);
  return at == std::string_view::npos ? at : at + kKey.size();
}

bool PatchRecordRenewTimeAt(std::string& raw, size_t at, WallTime prev, WallTime next, size_t* changed_at,
                            size_t* changed_len) {
  size_t unused_at, unused_len;
  if (changed_at == nullptr) changed_at = &unused_at;
  if (changed_len == nullptr) changed_len = &unused_len;
  *changed_at = at;
  *changed_len = 0;
  if (next.IsZero() || prev.IsZero()) return next == prev;  // "null" stays "null"
  const int64_t ns = next.since_unix.count();
  const int64_t prev_ns = prev.since_unix.count();
  int64_t sec, prev_sec, day, prev_day;
  if (ns >= 0 && prev_ns >= 0) {  // after 1970 (the usual case): unsigned, no flooring
    const uint64_t s = static_cast<uint64_t>(ns) / kNanosPerSecond;
    const uint64_t ps = static_cast<uint64_t>(prev_ns) / kNanosPerSecond;
    if (s == ps) return true;  // the same text (second precision)
    sec = static_cast<int64_t>(s);
    prev_sec = static_cast<int64_t>(ps);
    day = static_cast<int64_t>(s / kSecondsPerDay);
    prev_day = static_cast<int64_t>(ps / kSecondsPerDay);
  } else {
    int64_t nsec;
    Split(next, sec, nsec);
    Split(prev, prev_sec, nsec);
    if (sec == prev_sec) return true;  // the same text (second precision)
    const auto day_of = [](int64_t x) { return x / kSecondsPerDay - (x % kSecondsPerDay < 0 ? 1 : 0); };
    day = day_of(sec);
    prev_day = day_of(prev_sec);
  }
  // The value is `"YYYY-MM-DDTHH:MM:SSZ"`: the date starts after the quote.
  if (at == std::string::npos || at + 21 > raw.size() || raw[at] != '"') return false;
  char* p = raw.data() + at + 1;
  if (p[19] != 'Z') return false;  // the previous time was not in the 4-digit-year form
  if (day == prev_day) {
    // The same date: only "HH:MM:SS" changes.
    const auto rem = static_cast<uint32_t>(sec - day * kSecondsPerDay);
    const uint32_t h = rem / 3600, m = rem / 60 % 60, s = rem % 60;
    p[11] = static_cast<char>('0' + h / 10);
    p[12] = static_cast<char>('0' + h % 10);
    p[14] = static_cast<char>('0' + m / 10);
    p[15] = static_cast<char>('0' + m % 10);
    p[17] = static_cast<char>('0' + s / 10);
    p[18] = static_cast<char>('0' + s % 10);
    *changed_at = at + 1 + 11;
    *changed_len = 8;
    return true;
  }
  char buf[19];
  if (!FormatDateTime(buf, sec)) return false;
  std::memcpy(p, buf, sizeof buf);
  *changed_at = at + 1;
  *changed_len = sizeof buf;
  return true;
}

namespace {

// A minimal reader for the flat JSON objects MarshalRecord writes (and Go writes for the
// annotation locks): string, integer, null and RFC 3339 string values.
struct Reader {
  std::string_view s;
  size_t i = 0;
  void Ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')) ++i;
  }
  bool Eat(char c) {
    Ws();
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  bool String(std::string& out) {
    Ws();
    if (i >= s.size() || s[i] != '"') return false;
    ++i;
    out.clear();
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\') {
        if (++i >= s.size()) return false;
        const char e = s[i++];
        switch (e) {
          case 'n': out.push_back('\n'); break;
          case 't': out.push_back('\t'); break;
          case 'r': out.push_back('\r'); break;
          case 'b': out.push_back('\b'); break;
          case 'f': out.push_back('\f'); break;
          case 'u': {
            if (i + 4 > s.size()) return false;
            uint32_t cp = 0;
            auto r = std::from_chars(s.data() + i, s.data() + i + 4, cp, 16);
            if (r.ptr != s.data() + i + 4) return false;
            i += 4;
            if (cp < 0x80) {
              out.push_back(static_cast<char>(cp));
            } else if (cp < 0x800) {
              out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
              out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
            } else {
              out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
              out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
              out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
            }
            break;
          }
          default: out.push_back(e);
        }
      } else {
        out.push_back(s[i++]);
      }
    }
    if (i >= s.size()) return false;
    ++i;
    return true;
  }
  bool Null() {
    Ws();
    if (s.substr(i, 4) == "null") {
      i += 4;
      return true;
    }
    return false;
  }
  bool Int(int& v) {
    Ws();
    auto r = std::from_chars(s.data() + i, s.data() + s.size(), v);
    if (r.ec != std::errc()) return false;
    i = static_cast<size_t>(r.ptr - s.data());
    return true;
  }
  bool Time(WallTime& t) {
    if (Null()) {
      t = WallTime::Zero();
      return true;
    }
    std::string str;
    return String(str) && ParseRFC3339(str, t);
  }
};

}  // namespace

bool UnmarshalRecord(std::string_view raw, LeaderElectionRecord& r) {
  r = LeaderElectionRecord{};
  Reader rd{raw};
  if (!rd.Eat('{')) return false;
  if (rd.Eat('}')) return true;
  do {
    std::string key;
    if (!rd.String(key) || !rd.Eat(':')) return false;
    bool ok = true;
    if (key == "holderIdentity") ok = rd.String(r.holderIdentity);
    else if (key == "leaseDurationSeconds") ok = rd.Int(r.leaseDurationSeconds);
    else if (key == "acquireTime") ok = rd.Time(r.acquireTime);
    else if (key == "renewTime") ok = rd.Time(r.renewTime);
    else if (key == "leaderTransitions") ok = rd.Int(r.leaderTransitions);
    else if (key == "strategy") ok = rd.String(r.strategy);
    else if (key == "preferredHolder") ok = rd.String(r.preferredHolder);
    else return false;
    if (!ok) return false;
  } while (rd.Eat(','));
  return rd.Eat('}');
}

LeaseSpec LeaderElectionRecordToLeaseSpec(const LeaderElectionRecord& r) {
  LeaseSpec s;
  s.holderIdentity = r.holderIdentity;
  s.leaseDurationSeconds = static_cast<int32_t>(r.leaseDurationSeconds);
  s.acquireTime = r.acquireTime;
  s.renewTime = r.renewTime;
  s.leaseTransitions = static_cast<int32_t>(r.leaderTransitions);
  if (!r.strategy.empty()) s.strategy = r.strategy;
  if (!r.preferredHolder.empty()) s.preferredHolder = r.preferredHolder;
  return s;
}

LeaderElectionRecord LeaseSpecToLeaderElectionRecord(const LeaseSpec& s) {
  LeaderElectionRecord r;
  LeaseSpecToLeaderElectionRecordInto(s, r);
  return r;
}

void LeaseSpecToLeaderElectionRecordInto(const LeaseSpec& s, LeaderElectionRecord& r) {
  auto str = [](std::string& out, const std::optional<std::string>& v) {
    if (v) {
      out.assign(*v);
    } else {
      out.clear();
    }
  };
  str(r.holderIdentity, s.holderIdentity);
  r.leaseDurationSeconds = s.leaseDurationSeconds ? *s.leaseDurationSeconds : 0;
  r.leaderTransitions = s.leaseTransitions ? *s.leaseTransitions : 0;
  r.acquireTime = s.acquireTime ? *s.acquireTime : WallTime::Zero();
  r.renewTime = s.renewTime ? *s.renewTime : WallTime::Zero();
  str(r.strategy, s.strategy);
  str(r.preferredHolder, s.preferredHolder);
}

std::string ConcatRawRecord(std::string_view a, std::string_view b) {
  std::string out;
  out.reserve(a.size() + b.size() + 1);
  out.append(a);
  out.push_back(',');
  out.append(b);
  return out;
}

}  // namespace leasesim::core
