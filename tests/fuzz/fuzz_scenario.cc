// fuzz_scenario.cc — the scenario loader (sim::ParseScenario) on arbitrary bytes, read as
// a JSON file and as a YAML file (sim/document_input.h).
// Invariants: no crash or sanitizer report; a rejected file gets a one-line message; an
// accepted scenario stays within the simulable bounds (sim/json_input.h kMaxFileDuration).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/json_input.h"
#include "sim/scenario.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

void Check(std::string_view text, const char* file) {
  using namespace leasesim;
  std::string err;
  auto s = sim::ParseScenario(text, file, &err);
  if (!s) {
    fuzz::RequireOneLine(err);
    return;
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
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Check(text, "fuzz.json");
  Check(text, "fuzz.yaml");
  return 0;
}
