// fuzz_check.h — what every fuzz target asserts besides "no crash, no sanitizer report".
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace leasesim::fuzz {

// Require aborts (a finding for libFuzzer, a failure for the corpus driver) when `ok` is
// false, printing `what`.
inline void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
  }
}

// RequireOneLine: a bad-input message is one non-empty line, at most a few KB, whatever the
// input (issue 15, item 15: invalid bytes escaped, quoted input capped).
inline void RequireOneLine(std::string_view msg) {
  Require(!msg.empty(), "error message is empty");
  Require(msg.find('\n') == std::string_view::npos && msg.find('\r') == std::string_view::npos,
          "error message spans lines");
  Require(msg.size() <= 16 * 1024, "error message longer than 16 KiB");
}

}  // namespace leasesim::fuzz
