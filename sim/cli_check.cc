// cli_check.cc — `leasesim check` (placeholder until the suite runner lands).
#include <ostream>

#include "sim/cli.h"

namespace leasesim::sim {

int CheckCommand(const CheckArgs& a, const WallClock& wall, std::ostream& out, std::ostream& err) {
  err << "leasesim check: not implemented yet\n";
  return kExitInternal;
}

}  // namespace leasesim::sim
