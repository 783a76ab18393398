// fuzz_chaos.cc — the chaos-file parser (sim::ParseChaos) on arbitrary bytes, then the
// generation of an accepted file's first run. Invariants: no crash or sanitizer report; a
// rejected file gets a one-line message; an accepted file's canonical form parses again,
// and its first generated run is a scenario the scenario loader accepts (a chaos file that
// loads must never produce a run that `leasesim run` would reject).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "harness/chaos/generate.h"
#include "harness/chaos/spec.h"
#include "sim/scenario.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace leasesim;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string err;
  // A "base" file name is resolved next to the chaos file: a directory that does not
  // exist, so that fuzzing never reads the machine's files.
  auto spec = sim::ParseChaos(text, "/nonexistent-leasesim-fuzz/chaos.json", &err);
  if (!spec) {
    fuzz::RequireOneLine(err);
    return 0;
  }
  fuzz::Require(spec->seeds >= 1 && spec->seeds <= sim::kMaxChaosSeeds, "seeds out of range");
  const std::string canonical = sim::CanonicalChaosJson(*spec).dump();
  std::string err2;
  fuzz::Require(sim::ParseChaos(canonical, "/nonexistent-leasesim-fuzz/chaos.json", &err2).has_value(),
                "canonical chaos JSON does not parse again");
  const sim::ChaosRun run = sim::GenerateRun(*spec, 0);
  std::string err3;
  if (!sim::ParseScenario(run.scenario.dump(), "generated.json", &err3)) {
    std::fprintf(stderr, "generated run rejected: %s\n", err3.c_str());
    fuzz::Require(false, "the first generated run is not a valid scenario");
  }
  return 0;
}
