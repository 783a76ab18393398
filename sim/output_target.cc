// output_target.cc — see output_target.h.
#include "sim/output_target.h"

#include <sys/stat.h>

namespace leasesim::sim {

OutputTarget ClassifyOutput(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return OutputTarget::kReplace;
  if (S_ISDIR(st.st_mode)) return OutputTarget::kDirectory;
  if (S_ISREG(st.st_mode)) return OutputTarget::kReplace;
  return OutputTarget::kInPlace;
}

}  // namespace leasesim::sim
