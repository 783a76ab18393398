// fuzz_sweep.cc — the sweep-file parser (sim::ParseSweep) on arbitrary bytes, and the
// expansion of an accepted sweep's first point. Invariants: no crash or sanitizer report;
// a rejected file gets a one-line message.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "harness/sweep/spec.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace leasesim;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string err;
  // A "base" file name is resolved next to the sweep file: a directory that does not exist,
  // so that fuzzing never reads the machine's files.
  auto s = sim::ParseSweep(text, "/nonexistent-leasesim-fuzz/sweep.json", &err);
  if (!s) {
    fuzz::RequireOneLine(err);
    return 0;
  }
  fuzz::Require(s->PointCount() >= 1, "no points");
  (void)sim::PointScenarioJson(*s, 0).dump();
  return 0;
}
