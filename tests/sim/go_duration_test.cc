// Go duration parsing/printing, checked against Go's own table tests
// (golang/go src/time/time_test.go: parseDurationTests, parseDurationErrorTests,
// durationTests) so behaviour matches time.ParseDuration / Duration.String exactly.
#include "sim/go_duration.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>

using leasesim::sim::Duration;
using leasesim::sim::FormatGoDuration;
using leasesim::sim::ParseGoDuration;
using namespace std::chrono_literals;

namespace {
constexpr Duration kNs{1}, kUs = 1us, kMs = 1ms, kS = 1s, kMin = 1min, kH = 1h;
constexpr Duration kMaxD{std::numeric_limits<int64_t>::max()};
constexpr Duration kMinD{std::numeric_limits<int64_t>::min()};
}  // namespace

TEST_CASE("ParseGoDuration: Go parseDurationTests", "[sim][go_duration]") {
  struct Case {
    const char* in;
    Duration want;
  };
  const Case cases[] = {
      // simple
      {"0", 0 * kS},
      {"5s", 5 * kS},
      {"30s", 30 * kS},
      {"1478s", 1478 * kS},
      // sign
      {"-5s", -5 * kS},
      {"+5s", 5 * kS},
      {"-0", 0 * kS},
      {"+0", 0 * kS},
      // decimal
      {"5.0s", 5 * kS},
      {"5.6s", 5 * kS + 600 * kMs},
      {"5.s", 5 * kS},
      {".5s", 500 * kMs},
      {"1.0s", 1 * kS},
      {"1.00s", 1 * kS},
      {"1.004s", 1 * kS + 4 * kMs},
      {"1.0040s", 1 * kS + 4 * kMs},
      {"100.00100s", 100 * kS + 1 * kMs},
      // different units
      {"10ns", 10 * kNs},
      {"11us", 11 * kUs},
      {"12\xC2\xB5s", 12 * kUs},  // U+00B5
      {"12\xCE\xBCs", 12 * kUs},  // U+03BC
      {"13ms", 13 * kMs},
      {"14s", 14 * kS},
      {"15m", 15 * kMin},
      {"16h", 16 * kH},
      // composite durations
      {"3h30m", 3 * kH + 30 * kMin},
      {"10.5s4m", 4 * kMin + 10 * kS + 500 * kMs},
      {"-2m3.4s", -(2 * kMin + 3 * kS + 400 * kMs)},
      {"1h2m3s4ms5us6ns", 1 * kH + 2 * kMin + 3 * kS + 4 * kMs + 5 * kUs + 6 * kNs},
      {"39h9m14.425s", 39 * kH + 9 * kMin + 14 * kS + 425 * kMs},
      // large value
      {"52763797000ns", 52763797000 * kNs},
      // more than 9 digits after decimal point, see https://golang.org/issue/6617
      {"0.3333333333333333333h", 20 * kMin},
      // 9007199254740993 = 1<<53+1 cannot be stored precisely in a float64
      {"9007199254740993ns", Duration{(int64_t{1} << 53) + 1}},
      // largest duration that can be represented by int64 in nanoseconds
      {"9223372036854775807ns", kMaxD},
      {"9223372036854775.807us", kMaxD},
      {"9223372036s854ms775us807ns", kMaxD},
      {"-9223372036854775808ns", kMinD},
      {"-9223372036854775.808us", kMinD},
      {"-9223372036s854ms775us808ns", kMinD},
      // largest negative round trip value, see https://golang.org/issue/48629
      {"-2562047h47m16.854775808s", kMinD},
      // huge string; issue 15011.
      {"0.100000000000000000000h", 6 * kMin},
      // This value tests the first overflow check in leadingFraction.
      {"0.830103483285477580700h", 49 * kMin + 48 * kS + 372539827 * kNs},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    std::string err;
    auto d = ParseGoDuration(c.in, &err);
    REQUIRE(d.has_value());
    CHECK(err.empty());
    CHECK(d->count() == c.want.count());
  }
}

TEST_CASE("ParseGoDuration: Go parseDurationErrorTests", "[sim][go_duration]") {
  struct Case {
    const char* in;
    const char* quoted;  // Go checks the error contains this quoted input
  };
  const Case cases[] = {
      // invalid
      {"", R"("")"},
      {"3", R"("3")"},
      {"-", R"("-")"},
      {"s", R"("s")"},
      {".", R"(".")"},
      {"-.", R"("-.")"},
      {".s", R"(".s")"},
      {"+.s", R"("+.s")"},
      {"1d", R"("1d")"},
      {"\x85\x85", R"("\x85\x85")"},
      {"\xff" "ff", R"("\xffff")"},
      {"hello \xff" "ff world", R"("hello \xffff world")"},
      {"\xEF\xBF\xBD", R"("\xef\xbf\xbd")"},  // utf8.RuneError
      {"\xEF\xBF\xBD hello \xEF\xBF\xBD world", R"("\xef\xbf\xbd hello \xef\xbf\xbd world")"},
      // overflow
      {"9223372036854775810ns", R"("9223372036854775810ns")"},
      {"9223372036854775808ns", R"("9223372036854775808ns")"},
      {"-9223372036854775809ns", R"("-9223372036854775809ns")"},
      {"9223372036854776us", R"("9223372036854776us")"},
      {"3000000h", R"("3000000h")"},
      {"9223372036854775.808us", R"("9223372036854775.808us")"},
      {"9223372036854ms775us808ns", R"("9223372036854ms775us808ns")"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    std::string err;
    CHECK_FALSE(ParseGoDuration(c.in, &err).has_value());
    CHECK_THAT(err, Catch::Contains(c.quoted));
    CHECK_THAT(err, Catch::StartsWith("time: "));
  }
}

TEST_CASE("ParseGoDuration: Go's exact error texts", "[sim][go_duration]") {
  std::string err;
  CHECK_FALSE(ParseGoDuration("15", &err));
  CHECK(err == R"(time: missing unit in duration "15")");
  CHECK_FALSE(ParseGoDuration("1d", &err));
  CHECK(err == R"(time: unknown unit "d" in duration "1d")");
  CHECK_FALSE(ParseGoDuration("", &err));
  CHECK(err == R"(time: invalid duration "")");
  CHECK_FALSE(ParseGoDuration("1s.", &err));
  CHECK(err == R"(time: invalid duration "1s.")");
  CHECK_FALSE(ParseGoDuration("a\"b", &err));
  CHECK(err == R"(time: invalid duration "a\"b")");
  // A null err pointer is allowed.
  CHECK_FALSE(ParseGoDuration("x"));
}

TEST_CASE("FormatGoDuration: Go durationTests", "[sim][go_duration]") {
  struct Case {
    const char* str;
    Duration d;
  };
  const Case cases[] = {
      {"0s", 0 * kS},
      {"1ns", 1 * kNs},
      {"1.1\xC2\xB5s", 1100 * kNs},
      {"2.2ms", 2200 * kUs},
      {"3.3s", 3300 * kMs},
      {"4m5s", 4 * kMin + 5 * kS},
      {"4m5.001s", 4 * kMin + 5001 * kMs},
      {"5h6m7.001s", 5 * kH + 6 * kMin + 7001 * kMs},
      {"8m0.000000001s", 8 * kMin + 1 * kNs},
      {"2562047h47m16.854775807s", kMaxD},
      {"-2562047h47m16.854775808s", kMinD},
      // Forms used in scenario reports.
      {"15s", 15 * kS},
      {"1m30s", 90 * kS},
      {"1.5s", 1500 * kMs},
      {"100ms", 100 * kMs},
      {"-1h0m0s", -1 * kH},
  };
  for (const Case& c : cases) {
    CAPTURE(c.str);
    CHECK(FormatGoDuration(c.d) == c.str);
  }
}

TEST_CASE("Go durations round-trip through text", "[sim][go_duration]") {
  // Go's TestParseDurationRoundTrip: String() output parses back to the same value.
  for (Duration d : {kMaxD, kMinD, 0 * kS, 1 * kNs, -999 * kUs, 3 * kH + 7 * kNs, 20 * kMin}) {
    auto back = ParseGoDuration(FormatGoDuration(d));
    REQUIRE(back.has_value());
    CHECK(back->count() == d.count());
  }
}
