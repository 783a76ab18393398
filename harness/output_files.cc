#include "harness/output_files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

namespace leasesim::sim {

bool WriteFileAtomically(const std::string& path, const std::string& content, std::string* err) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    *err = fmt::format("{}: cannot write: {}", path, std::strerror(errno));
    return false;
  }
  bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  ok &= std::fclose(f) == 0;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    *err = fmt::format("{}: cannot write: {}", path, std::strerror(errno));
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

bool WriteDir(const std::string& dir, const std::map<std::string, std::string>& files, std::ostream& err) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    err << fmt::format("{}: cannot create directory: {}\n", dir, ec.message());
    return false;
  }
  for (const auto& [name, content] : files) {
    std::string e;
    if (!WriteFileAtomically((std::filesystem::path(dir) / name).string(), content, &e)) {
      err << e << "\n";
      return false;
    }
  }
  return true;
}

}  // namespace leasesim::sim
