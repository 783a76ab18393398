// output_target.cc — see output_target.h.
#include "sim/output_target.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

namespace leasesim::sim {

OutputTarget ClassifyOutput(const std::string& path) {
  // /dev/stdout, /dev/fd/N and /proc/self/fd/N name a descriptor: when it was redirected to
  // a regular file the stat below says "regular", and path.tmp would be created in /dev.
  std::error_code ec;
  const std::string normal = std::filesystem::absolute(path, ec).lexically_normal().string();
  if (!ec && (normal.starts_with("/dev/") || normal.starts_with("/proc/"))) return OutputTarget::kInPlace;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return OutputTarget::kReplace;
  if (S_ISDIR(st.st_mode)) return OutputTarget::kDirectory;
  if (S_ISREG(st.st_mode)) return OutputTarget::kReplace;
  return OutputTarget::kInPlace;
}

std::FILE* OpenInPlace(const std::string& path) {
  int fd = -1;
  if (path == "/dev/stdout") fd = STDOUT_FILENO;
  if (path == "/dev/stderr") fd = STDERR_FILENO;
  if (fd < 0) return std::fopen(path.c_str(), "wb");
  std::fflush(nullptr);  // what the process wrote through stdio goes first
  const int copy = ::dup(fd);
  if (copy < 0) return nullptr;
  std::FILE* f = ::fdopen(copy, "wb");
  if (f == nullptr) ::close(copy);
  return f;
}

}  // namespace leasesim::sim
