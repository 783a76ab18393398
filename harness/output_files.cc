#include "harness/output_files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "sim/output_target.h"

namespace leasesim::sim {

namespace fs = std::filesystem;

bool WriteFileAtomically(const std::string& path, const std::string& content, std::string* err) {
  const OutputTarget target = ClassifyOutput(path);
  if (target == OutputTarget::kDirectory) {
    *err = fmt::format("{}: cannot write: is a directory", path);
    return false;
  }
  if (target == OutputTarget::kInPlace) {  // /dev/null, a FIFO: never renamed over
    std::FILE* f = OpenInPlace(path);
    bool ok = f != nullptr && std::fwrite(content.data(), 1, content.size(), f) == content.size();
    if (f != nullptr) ok &= std::fclose(f) == 0;
    if (!ok) *err = fmt::format("{}: cannot write: {}", path, std::strerror(errno));
    return ok;
  }
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

bool PrepareOutputFile(const std::string& path, std::string* err) {
  if (path.empty()) return true;
  std::error_code ec;
  switch (ClassifyOutput(path)) {
    case OutputTarget::kDirectory: *err = fmt::format("{}: cannot write: is a directory", path); return false;
    case OutputTarget::kInPlace: return true;  // written as is: no path.tmp beside a device
    case OutputTarget::kReplace: break;
  }
  const std::string tmp = path + ".tmp";
  fs::remove(tmp, ec);  // a stale temporary file of an interrupted run on this target
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    *err = fmt::format("{}: cannot write: {}", path, std::strerror(errno));
    return false;
  }
  std::fclose(f);
  std::remove(tmp.c_str());
  return true;
}

bool WriteDir(const std::string& dir, const std::map<std::string, std::string>& files, std::ostream& err) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    err << fmt::format("{}: cannot create directory: {}\n", dir, ec.message());
    return false;
  }
  for (const auto& [name, content] : files) {
    std::string e;
    const fs::path p = fs::path(dir) / name;  // names may hold subdirectories
    if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
    if (!WriteFileAtomically(p.string(), content, &e)) {
      err << e << "\n";
      return false;
    }
  }
  return true;
}

namespace {
std::string Trimmed(const std::string& dir) {
  std::string d = dir;
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  return d;
}
}  // namespace

std::string StagingDir(const std::string& dir) { return Trimmed(dir) + ".partial"; }

bool PrepareStagingDir(const std::string& dir, std::string_view marker, bool keep, std::string* err) {
  const fs::path target = Trimmed(dir);
  std::error_code ec;
  const fs::file_status st = fs::status(target, ec);
  if (fs::exists(st)) {
    if (!fs::is_directory(st)) {
      *err = fmt::format("{}: exists and is not a directory", target.string());
      return false;
    }
    const bool empty = fs::is_empty(target, ec);
    if (!empty && !fs::exists(target / marker, ec)) {
      *err = fmt::format("{}: not empty and not an output of this command (no {}): refusing to replace it", target.string(),
                         marker);
      return false;
    }
  }
  const fs::path staging = StagingDir(dir);
  if (!keep) fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  if (ec || !fs::is_directory(staging)) {
    *err = fmt::format("{}: cannot create directory: {}", staging.string(), ec ? ec.message() : "not a directory");
    return false;
  }
  // Probe that files can be created in it.
  const fs::path probe = staging / ".probe.tmp";
  std::FILE* f = std::fopen(probe.c_str(), "wb");
  if (f == nullptr) {
    *err = fmt::format("{}: cannot write: {}", staging.string(), std::strerror(errno));
    fs::remove_all(staging, ec);
    return false;
  }
  std::fclose(f);
  fs::remove(probe, ec);
  return true;
}

bool CommitStagingDir(const std::string& dir, std::string* err) {
  const fs::path target = Trimmed(dir);
  const fs::path staging = StagingDir(dir);
  const fs::path old = Trimmed(dir) + ".old";
  std::error_code ec;
  fs::remove_all(old, ec);
  if (fs::exists(target, ec)) {
    fs::rename(target, old, ec);
    if (ec) {
      *err = fmt::format("{}: cannot move the previous output aside: {}", target.string(), ec.message());
      return false;
    }
  }
  fs::rename(staging, target, ec);
  if (ec) {
    *err = fmt::format("{}: cannot move {} into place: {}", target.string(), staging.string(), ec.message());
    return false;
  }
  fs::remove_all(old, ec);
  return true;
}

bool WriteDirAtomically(const std::string& dir, const std::map<std::string, std::string>& files, std::ostream& err) {
  std::string e;
  if (!PrepareStagingDir(dir, "manifest.json", /*keep=*/false, &e)) {
    err << e << "\n";
    return false;
  }
  std::error_code ec;
  if (!WriteDir(StagingDir(dir), files, err)) {
    fs::remove_all(StagingDir(dir), ec);
    return false;
  }
  if (!CommitStagingDir(dir, &e)) {
    err << e << "\n";
    fs::remove_all(StagingDir(dir), ec);
    return false;
  }
  return true;
}

}  // namespace leasesim::sim
