// trace.h — the run's event trace: a rolling hash always, JSON Lines when asked.
//
// Every event the world records goes through Trace. Its fields are hashed as they are added
// (64-bit FNV-1a, core::StableHash, continued over the field bytes), so a run's
// `trace_hash` costs no formatting when no trace file is written; with a file, each event
// is also written as one JSON line (docs/trace-format.md) carrying `h`, the running hash
// after that event, so two traces can be compared line by line for the first divergence.
// The file is written to `<path>.tmp` and renamed into place by Commit(); a run that fails
// removes the temporary file (Abandon / destructor).
//
//   sim::Trace tr("out.jsonl");
//   tr.Header(header_json);
//   tr.Begin(now, "api_request", node, &local).Int("id", 7).Str("verb", "get");
//   tr.Finish(footer_extra); tr.Commit();
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/prng.h"
#include "core/time.h"
#include "sim/true_time.h"

namespace leasesim::sim {

// LEASESIM_TRACE_INLINE forces the hash-only paths inline at every call site: there a
// literal kind or key folds into constant words, and a run without a trace file pays no
// call per field.
#if defined(__GNUC__)
#define LEASESIM_TRACE_INLINE inline __attribute__((always_inline))
#else
#define LEASESIM_TRACE_INLINE inline
#endif

// TraceMix mixes one 64-bit word into the rolling hash (FNV-style multiply, then a shift).
inline uint64_t TraceMix(uint64_t h, uint64_t w) {
  h ^= w;
  h *= 0x100000001b3ULL;
  return h ^ (h >> 29);
}

class Trace {
 public:
  // Trace writes to `path` (through `path.tmp`) unless path is empty (hash only).
  // Throws std::runtime_error naming the file when it cannot be created.
  explicit Trace(std::string path = {});
  ~Trace();
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;

  bool writing() const { return file_ != nullptr; }
  uint64_t events() const { return seq_; }
  uint64_t hash() const { return hash_; }
  // HashHex is the hash as 16 lowercase hex digits.
  std::string HashHex() const;

  // Header writes line 1 (and hashes it).
  void Header(const nlohmann::json& header);

  // Event builds one event line; fields are added with the chained setters and the line
  // is completed when the Event goes out of scope.
  class Event {
   public:
    Event(Event&&) = delete;
    ~Event();
    Event& Str(std::string_view key, std::string_view v);
    // Enum writes `name` but hashes only `code` (for values from a closed set).
    Event& Enum(std::string_view key, int code, std::string_view name);
    Event& Int(std::string_view key, int64_t v);
    Event& Num(std::string_view key, double v);
    Event& Bool(std::string_view key, bool v);
    Event& Json(std::string_view key, const nlohmann::json& v);  // hashed via its dump
    // Extra writes a field derived from already-hashed ones (a rendered log line, the
    // stored object of a write) without hashing it, so that a run without a trace file
    // computes the same trace_hash without formatting it.
    Event& Extra(std::string_view key, const nlohmann::json& v);
    Event& ExtraStr(std::string_view key, std::string_view v);

   private:
    friend class Trace;
    explicit Event(Trace& t) : t_(t) {}
    void Key(std::string_view key);
    Trace& t_;
  };
  // Begin starts event `kind` at true time `t`; `node` is the node name ("" for none) and
  // `local` its clock readings (null for none).
  // (Inline: a kind given as a literal hashes as constant words.)
  Event Begin(TrueTime t, std::string_view kind, std::string_view node = {}, const core::LocalTime* local = nullptr);

  // Finish writes the footer. Commit renames the file into place; false (with *err) on an
  // I/O error, in which case nothing is left behind.
  void Finish();
  bool Commit(std::string* err);
  // Abandon removes the temporary file.
  void Abandon();

 private:
  // HashBytes mixes `s` into the rolling hash 8 bytes at a time (little-endian words,
  // FNV-style multiply), then its length.
  void HashBytes(std::string_view s);
  void HashInt(int64_t v) { hash_ = TraceMix(hash_, static_cast<uint64_t>(v)); }
  void EndEvent();
  // The file's side of the hashing setters: out of line, called only with a trace file.
  void BeginLine(int64_t t_ns, std::string_view kind, std::string_view node, const core::LocalTime* local);
  void EndLine();
  void AppendInt(int64_t v);
  void AppendJsonString(std::string_view v);

  std::string path_;
  std::string tmp_path_;
  std::FILE* file_ = nullptr;
  std::string line_;
  uint64_t hash_ = 0xcbf29ce484222325ULL;
  uint64_t seq_ = 0;
  bool failed_ = false;
};

// Keys are not hashed: each event kind writes its keys in a fixed order.
LEASESIM_TRACE_INLINE void Trace::Event::Key(std::string_view key) {
  if (t_.file_ == nullptr) return;
  t_.line_ += ",\"";
  t_.line_ += key;
  t_.line_ += "\":";
}

LEASESIM_TRACE_INLINE void Trace::HashBytes(std::string_view s) {
  uint64_t h = hash_;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = TraceMix(h, w);
  }
  // The last 0-7 bytes as a little-endian word, zero-padded. For a string of 8 bytes or
  // more, load its last 8 bytes and shift the ones already mixed out (same value, no loop).
  uint64_t tail = 0;
  const size_t rest = s.size() - i;
  if (rest != 0 && s.size() >= 8) {
    std::memcpy(&tail, s.data() + s.size() - 8, 8);
    tail >>= 8 * (8 - rest);
  } else if (rest >= 4) {
    // A string of 4-7 bytes: two overlapping 4-byte loads (the shared bytes coincide).
    uint32_t lo, hi;
    std::memcpy(&lo, s.data(), 4);
    std::memcpy(&hi, s.data() + rest - 4, 4);
    tail = lo | (static_cast<uint64_t>(hi) << (8 * (rest - 4)));
  } else if (rest != 0) {
    // 1-3 bytes: the first, middle and last byte cover them all.
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    tail = static_cast<uint64_t>(p[0]) | (static_cast<uint64_t>(p[rest / 2]) << (8 * (rest / 2))) |
           (static_cast<uint64_t>(p[rest - 1]) << (8 * (rest - 1)));
  }
  h = TraceMix(h, tail);
  hash_ = TraceMix(h, s.size());
}

LEASESIM_TRACE_INLINE Trace::Event Trace::Begin(TrueTime t, std::string_view kind, std::string_view node, const core::LocalTime* local) {
  const int64_t t_ns = (t - kTrueEpoch).count();
  HashInt(static_cast<int64_t>(seq_));
  HashInt(t_ns);
  HashBytes(kind);
  HashBytes(node);
  if (local != nullptr) {
    HashInt(local->mono.since_boot.count());
    HashInt(local->wall.since_unix.count());
  }
  if (file_ != nullptr) BeginLine(t_ns, kind, node, local);
  return Event(*this);
}

LEASESIM_TRACE_INLINE Trace::Event::~Event() { t_.EndEvent(); }

LEASESIM_TRACE_INLINE void Trace::EndEvent() {
  if (file_ != nullptr) EndLine();
  ++seq_;
}

LEASESIM_TRACE_INLINE Trace::Event& Trace::Event::Str(std::string_view key, std::string_view v) {
  Key(key);
  t_.HashBytes(v);
  if (t_.file_ != nullptr) t_.AppendJsonString(v);
  return *this;
}

LEASESIM_TRACE_INLINE Trace::Event& Trace::Event::Bool(std::string_view key, bool v) {
  Key(key);
  t_.HashInt(v ? 1 : 0);
  if (t_.file_ != nullptr) t_.line_ += v ? "true" : "false";
  return *this;
}

// ExtraStr costs nothing without a trace file (the common case on the request path).
LEASESIM_TRACE_INLINE Trace::Event& Trace::Event::ExtraStr(std::string_view key, std::string_view v) {
  if (t_.file_ == nullptr) return *this;
  return Extra(key, nlohmann::json(v));
}

LEASESIM_TRACE_INLINE Trace::Event& Trace::Event::Int(std::string_view key, int64_t v) {
  Key(key);
  t_.HashInt(v);
  if (t_.file_ != nullptr) t_.AppendInt(v);
  return *this;
}

LEASESIM_TRACE_INLINE Trace::Event& Trace::Event::Enum(std::string_view key, int code, std::string_view name) {
  Key(key);
  t_.HashInt(code);
  if (t_.file_ != nullptr) {
    t_.line_.push_back('"');
    t_.line_ += name;
    t_.line_.push_back('"');
  }
  return *this;
}

}  // namespace leasesim::sim
