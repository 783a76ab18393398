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

bool WriteDirAtomically(const std::string& dir, const std::map<std::string, std::string>& files, std::ostream& err) {
  namespace fs = std::filesystem;
  std::string d = dir;
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  const fs::path target(d), tmp(d + ".partial"), old(d + ".old");
  std::error_code ec;
  fs::remove_all(tmp, ec);
  auto cleanup = [&] { fs::remove_all(tmp, ec); };
  for (const auto& [name, content] : files) {
    const fs::path p = tmp / name;
    fs::create_directories(p.parent_path(), ec);
    if (ec) {
      err << fmt::format("{}: cannot create directory: {}\n", p.parent_path().string(), ec.message());
      cleanup();
      return false;
    }
    std::string e;
    if (!WriteFileAtomically(p.string(), content, &e)) {
      err << e << "\n";
      cleanup();
      return false;
    }
  }
  if (files.empty()) fs::create_directories(tmp, ec);
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  fs::remove_all(old, ec);
  const bool had = fs::exists(target, ec);
  if (had) {
    fs::rename(target, old, ec);
    if (ec) {
      err << fmt::format("{}: cannot replace: {}\n", target.string(), ec.message());
      cleanup();
      return false;
    }
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    err << fmt::format("{}: cannot write: {}\n", target.string(), ec.message());
    if (had) fs::rename(old, target, ec);
    cleanup();
    return false;
  }
  fs::remove_all(old, ec);
  return true;
}

}  // namespace leasesim::sim
