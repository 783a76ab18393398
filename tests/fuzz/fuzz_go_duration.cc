// fuzz_go_duration.cc — Go duration strings (sim::ParseGoDuration, FormatGoDuration).
// Invariants: no crash or sanitizer report; an error is one line; a parsed duration
// prints as Go prints it and that text parses back to the same value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/go_duration.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace leasesim;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string err;
  auto d = sim::ParseGoDuration(text, &err);
  if (!d) {
    fuzz::Require(err.find('\n') == std::string::npos, "duration error spans lines");
    return 0;
  }
  const std::string printed = sim::FormatGoDuration(*d);
  auto back = sim::ParseGoDuration(printed, &err);
  fuzz::Require(back.has_value() && *back == *d, "FormatGoDuration does not parse back to the same value");
  return 0;
}
