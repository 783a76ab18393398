// cli_sweep.cc — `leasesim sweep` and `leasesim merge` (placeholders until they land).
#include <ostream>

#include "sim/cli.h"

namespace leasesim::sim {

int SweepCommand(const SweepArgs& a, const WallClock& wall, std::ostream& out, std::ostream& err) {
  err << "leasesim sweep: not implemented yet\n";
  return kExitInternal;
}

int MergeCommand(const MergeArgs& a, std::ostream& out, std::ostream& err) {
  err << "leasesim merge: not implemented yet\n";
  return kExitInternal;
}

}  // namespace leasesim::sim
