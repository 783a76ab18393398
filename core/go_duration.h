// go_duration.h — Go's time.Duration text form, parsed and printed exactly as Go does.
//
// Scenario files give every duration as a Go duration string ("15s", "1m30s", "1.5s",
// "-1h", "100ms"), the form Kubernetes components take on their command lines
// (--leader-elect-lease-duration=15s) and print in logs. Matching Go byte for byte keeps
// error messages and reports recognisable to people who know client-go.
//
// It lives in core/ (pure text in, Duration out: no I/O) so that every layer can take Go
// durations, the standalone viewer's flags included; sim/go_duration.h gives sim/ the
// same names.
//
//   std::string err;
//   auto d = core::ParseGoDuration("1m30s", &err);   // *d == 90s
//   core::ParseGoDuration("15", &err);               // nullopt, err ==
//                                                    //   time: missing unit in duration "15"
//   core::FormatGoDuration(1500ms);                  // "1.5s"
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace leasesim::core {

// ParseGoDuration is a port of Go's time.ParseDuration (src/time/format.go): a possibly
// signed sequence of decimal numbers, each with an optional fraction and a unit suffix
// ("ns", "us", "µs" (U+00B5), "μs" (U+03BC), "ms", "s", "m", "h"); "0" alone needs no unit.
// Range: int64 nanoseconds. Fractions are computed in float64 like Go, so
// "0.3333333333333333333h" is exactly 20m.
// Errors (nullopt, and `*err` set when err is non-null) carry Go's exact text:
//   time: invalid duration "<s>"              (empty, no digits, overflow, bad character)
//   time: missing unit in duration "<s>"
//   time: unknown unit "<u>" in duration "<s>"
// with Go's quoting (bytes outside printable ASCII as \xNN).
std::optional<Duration> ParseGoDuration(std::string_view s, std::string* err = nullptr);

// GoDurationFlagProblem is what a command-line flag that takes a time says of `v`: "" for
// a Go duration, else Go's error with a hint, e.g. `time: missing unit in duration "90" (a
// Go duration such as 90s or 2m)` (`leasesim view --from`, `leasesim-viz --cursor`).
std::string GoDurationFlagProblem(std::string_view v);

// FormatGoDuration is a port of Go's Duration.String: "72h3m0.5s", "1m30s", "15s",
// "1.5s", "100ms", "1.1µs", "1ns", "0s"; the leading unit is the largest non-zero one
// (h at most), fractions drop trailing zeros. Exact for every int64 value.
std::string FormatGoDuration(Duration d);

// QuoteGo is Go's time.quote: `s` in double quotes, `"` and `\` escaped with a
// backslash, and each byte of a non-ASCII or control character as \xNN.
std::string QuoteGo(std::string_view s);

}  // namespace leasesim::core
