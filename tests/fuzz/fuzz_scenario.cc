// fuzz_scenario.cc — the scenario loader (sim::ParseScenario) on arbitrary bytes.
// Invariants: no crash or sanitizer report; a rejected file gets a one-line message; an
// accepted scenario stays within the simulable bounds (sim/json_input.h kMaxFileDuration).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/json_input.h"
#include "sim/scenario.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace leasesim;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string err;
  auto s = sim::ParseScenario(text, "fuzz.json", &err);
  if (!s) {
    fuzz::RequireOneLine(err);
    return 0;
  }
  const auto max = sim::json_input::kMaxFileDuration;
  fuzz::Require(s->duration > core::Duration{0} && s->duration <= max, "duration out of bounds");
  fuzz::Require(!s->candidates.empty(), "no candidates");
  for (const sim::CandidateSpec& c : s->candidates) {
    fuzz::Require(c.start >= core::Duration{0} && c.start <= max, "start out of bounds");
    fuzz::Require(c.config.leaseDuration <= max, "leaseDuration out of bounds");
    fuzz::Require(!sim::NodeNameError(c.name), "invalid node name accepted");
    fuzz::Require(!sim::IdentityError(c.identity), "invalid identity accepted");
  }
  return 0;
}
