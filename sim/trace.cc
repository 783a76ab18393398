// trace.cc — rolling hash and streaming JSON Lines (docs/trace-format.md).
#include "sim/trace.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/output_target.h"

namespace leasesim::sim {

Trace::Trace(std::string path) : path_(std::move(path)) {
  if (path_.empty()) return;
  // A device, FIFO or socket (/dev/null, a shell's >(...)) is written in place; anything
  // else through path.tmp (sim/output_target.h). tmp_path_ stays empty in place.
  const OutputTarget target = ClassifyOutput(path_);
  if (target == OutputTarget::kDirectory) {
    throw std::runtime_error(fmt::format("{}: cannot create trace file: is a directory", path_));
  }
  if (target == OutputTarget::kReplace) tmp_path_ = path_ + ".tmp";
  file_ = tmp_path_.empty() ? OpenInPlace(path_) : std::fopen(tmp_path_.c_str(), "wb");
  if (file_ == nullptr) {
    throw std::runtime_error(fmt::format("{}: cannot create trace file: {}", path_, std::strerror(errno)));
  }
  line_.reserve(512);
}

Trace::~Trace() { Abandon(); }

std::string Trace::HashHex() const { return fmt::format("{:016x}", hash_); }



void Trace::Header(const nlohmann::json& header) {
  const std::string s = header.dump();
  // The file path is as the user typed it: written, not hashed, so that the hash depends
  // only on the scenario's content and the seed.
  nlohmann::json hashed = header;
  hashed.erase("scenario_file");
  HashBytes(hashed.dump());
  if (file_ != nullptr) {
    failed_ |= std::fwrite(s.data(), 1, s.size(), file_) != s.size();
    failed_ |= std::fputc('\n', file_) == EOF;
  }
}

void Trace::BeginLine(int64_t t_ns, std::string_view kind, std::string_view node, const core::LocalTime* local) {
  line_.clear();
  fmt::format_to(std::back_inserter(line_), R"({{"seq":{},"t":{},"ev":"{}")", seq_, t_ns, kind);
  if (!node.empty()) {
    line_ += R"(,"node":)";
    line_ += nlohmann::json(node).dump();
  }
  if (local != nullptr) {
    fmt::format_to(std::back_inserter(line_), R"(,"mono":{},"wall":{})", local->mono.since_boot.count(),
                   local->wall.since_unix.count());
  }
}

void Trace::AppendJsonString(std::string_view v) { line_ += nlohmann::json(v).dump(); }

Trace::Event& Trace::Event::Num(std::string_view key, double v) {
  Key(key);
  int64_t bits;
  std::memcpy(&bits, &v, 8);
  t_.HashInt(bits);
  if (t_.file_ != nullptr) t_.line_ += nlohmann::json(v).dump();
  return *this;
}

Trace::Event& Trace::Event::Json(std::string_view key, const nlohmann::json& v) {
  Key(key);
  const std::string s = v.dump();
  t_.HashBytes(s);
  if (t_.file_ != nullptr) t_.line_ += s;
  return *this;
}

Trace::Event& Trace::Event::Extra(std::string_view key, const nlohmann::json& v) {
  if (t_.file_ == nullptr) return *this;
  t_.line_ += ",\"";
  t_.line_ += key;
  t_.line_ += "\":";
  t_.line_ += v.dump();
  return *this;
}

void Trace::AppendInt(int64_t v) { fmt::format_to(std::back_inserter(line_), "{}", v); }

void Trace::EndLine() {
  fmt::format_to(std::back_inserter(line_), R"(,"h":"{:016x}"}})", hash_);
  line_.push_back('\n');
  failed_ |= std::fwrite(line_.data(), 1, line_.size(), file_) != line_.size();
}

void Trace::Finish() {
  if (file_ == nullptr) return;
  const std::string s = fmt::format(R"({{"type":"footer","events":{},"trace_hash":"{}"}})", seq_, HashHex());
  failed_ |= std::fwrite(s.data(), 1, s.size(), file_) != s.size();
  failed_ |= std::fputc('\n', file_) == EOF;
}

bool Trace::Commit(std::string* err) {
  if (file_ == nullptr) return true;
  failed_ |= std::fclose(file_) != 0;
  file_ = nullptr;
  if (tmp_path_.empty()) {  // written in place
    if (failed_ && err != nullptr) *err = fmt::format("{}: cannot write trace file: {}", path_, std::strerror(errno));
    return !failed_;
  }
  if (failed_ || std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    if (err != nullptr) *err = fmt::format("{}: cannot write trace file: {}", path_, std::strerror(errno));
    std::remove(tmp_path_.c_str());
    return false;
  }
  return true;
}

void Trace::Abandon() {
  if (file_ == nullptr) return;
  std::fclose(file_);
  file_ = nullptr;
  if (!tmp_path_.empty()) std::remove(tmp_path_.c_str());
}

}  // namespace leasesim::sim
