// trace_loader.cc — JSON Lines trace → viz::Trace (see trace_loader.h).
#include "viz/trace_loader.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <thread>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/prng.h"

namespace leasesim::viz {
namespace {

using json = nlohmann::json;

// kMaxAbsTimeNs bounds every time in a trace (t, start, end, mono, wall, *_ns): 2^62 ns,
// about 146 years, so that the viewer's differences and sums of two times cannot
// overflow. A larger value is bad input (issue 15, item 18).
constexpr int64_t kMaxAbsTimeNs = int64_t{1} << 62;

bool TimeInRange(int64_t v) { return v >= -kMaxAbsTimeNs && v <= kMaxAbsTimeNs; }

// ClockOffset is wall - epoch_wall - t, clamped to +-2^62: each term is within +-2^62, so
// the exact value fits 128 bits, but not always 64 (epoch_wall_ns 2^62 with a negative wall).
int64_t ClockOffset(int64_t wall, int64_t epoch_wall, int64_t t) {
  const __int128 v = static_cast<__int128>(wall) - epoch_wall - t;
  return static_cast<int64_t>(std::clamp<__int128>(v, -kMaxAbsTimeNs, kMaxAbsTimeNs));
}

// EscapeForMessage keeps input quoted in an error on one line and short: control and
// non-ASCII bytes as \xNN, at most 200 bytes.
std::string EscapeForMessage(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < 200; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7F) out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  if (s.size() > 200) out += fmt::format("... ({} bytes)", s.size());
  return out;
}

// LineFields is what the SAX handler keeps from one event or footer line. Only keys at the
// top level (and lease.spec.holderIdentity / lease.metadata.resourceVersion) are read;
// unknown keys are skipped so newer simulators stay readable.
struct LineFields {
  std::string type, ev, node, state, verb, reason, rv, holder, fault, phase, finding, cause,
      trace_hash, lease_holder, lease_rv, object_kind, object_name, worker, status, zone, name,
      invariant, kind, fault_id, apiserver;
  std::vector<std::string> nodes;
  int64_t t = 0, seq = 0, mono = 0, wall = 0, id = 0, code = 0, offset_ns = 0, drift_ppm = 0,
          start = 0, end = 0, events = 0, at = 0;
  bool has_t = false, has_seq = false, has_mono = false, has_wall = false, has_id = false,
       has_code = false, has_start = false, has_end = false, has_lease = false, has_at = false,
       has_acting = false, acting = false, lease_has_holder = false, has_tainted = false,
       tainted = false, has_running = false, running = false, false_not_ready = false;
  // Reset clears every field but keeps the strings' capacity (one LineFields per load).
  void Reset() {
    for (std::string* str : {&type, &ev, &node, &state, &verb, &reason, &rv, &holder, &fault, &phase,
                             &finding, &cause, &trace_hash, &lease_holder, &lease_rv, &object_kind,
                             &object_name, &worker, &status, &zone, &name, &invariant, &kind, &fault_id, &apiserver}) {
      str->clear();
    }
    nodes.clear();
    t = seq = mono = wall = id = code = offset_ns = drift_ppm = start = end = events = at = 0;
    has_t = has_seq = has_mono = has_wall = has_id = has_code = has_start = has_end = has_at = false;
    has_lease = has_acting = acting = lease_has_holder = false;
    has_tainted = tainted = has_running = running = false_not_ready = false;
  }
  // Bool sets the boolean field `key` (if the model reads it).
  void Bool(std::string_view key, bool v) {
    if (key == "acting") {
      has_acting = true;
      acting = v;
    } else if (key == "tainted") {
      has_tainted = true;
      tainted = v;
    } else if (key == "running") {
      has_running = true;
      running = v;
    } else if (key == "false_not_ready") {
      false_not_ready = v;
    }
  }
  // String returns the string field for top-level `key` (nullptr: not needed).
  std::string* String(std::string_view k) {
    if (k == "ev") return &ev;
    if (k == "node") return &node;
    if (k == "verb") return &verb;
    if (k == "rv") return &rv;
    if (k == "state") return &state;
    if (k == "holder") return &holder;
    if (k == "reason") return &reason;
    if (k == "type") return &type;
    if (k == "fault") return &fault;
    if (k == "phase") return &phase;
    if (k == "cause") return &cause;
    if (k == "finding") return &finding;
    if (k == "trace_hash") return &trace_hash;
    if (k == "worker") return &worker;
    if (k == "status") return &status;
    if (k == "zone") return &zone;
    if (k == "name") return &name;
    if (k == "invariant") return &invariant;
    if (k == "kind") return &kind;
    if (k == "apiserver") return &apiserver;
    if (k == "id") return &fault_id;  // a cluster_fault's id (an integer id elsewhere)
    return nullptr;
  }
};

// LineSax is an nlohmann::json_sax handler filling LineFields.
class LineSax {
 public:
  explicit LineSax(LineFields& f) : f_(f) {}

  bool null() { return true; }
  bool boolean(bool v) {
    if (AtTop()) f_.Bool(key_[0], v);
    return true;
  }
  bool number_integer(json::number_integer_t v) { return Int(v); }
  // A needed integer field given as a float, or beyond int64, is bad input: casting it
  // would be undefined behaviour (issue 15, item 18). Unneeded fields are skipped.
  bool number_unsigned(json::number_unsigned_t v) {
    if (v > static_cast<json::number_unsigned_t>(INT64_MAX)) return NotAnInt(fmt::format("{} is out of range", v));
    return Int(static_cast<int64_t>(v));
  }
  bool number_float(json::number_float_t v, const json::string_t&) {
    return NotAnInt(fmt::format("expected an integer, got {}", json(v).dump()));
  }
  bool string(json::string_t& v) {
    if (AtTop()) {
      if (std::string* field = StringField(key_[0])) *field = std::move(v);
    } else if (depth_ == 1 && in_array_ && key_[0] == "nodes") {
      f_.nodes.push_back(v);
    } else if (depth_ == 2 && !in_array_ && (key_[0] == "lease" || key_[0] == "object") && key_[1] == "kind") {
      f_.object_kind = v;
    } else if (depth_ == 3 && !in_array_ && (key_[0] == "lease" || key_[0] == "object")) {
      if (key_[1] == "spec" && key_[2] == "holderIdentity") {
        f_.lease_holder = v;
        f_.lease_has_holder = true;
      } else if (key_[1] == "metadata" && key_[2] == "resourceVersion") {
        f_.lease_rv = v;
      } else if (key_[1] == "metadata" && key_[2] == "name") {
        f_.object_name = v;
      }
    }
    return true;
  }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) {
    if (depth_ == 1 && !in_array_ && (key_[0] == "lease" || key_[0] == "object")) f_.has_lease = true;
    if (in_array_) ++array_nesting_;
    ++depth_;
    return true;
  }
  bool end_object() {
    --depth_;
    if (in_array_ && array_nesting_ > 0) --array_nesting_;
    return true;
  }
  bool start_array(std::size_t) {
    if (in_array_) {
      ++array_nesting_;
    } else {
      in_array_ = true;
    }
    return true;
  }
  bool end_array() {
    if (array_nesting_ > 0) {
      --array_nesting_;
    } else {
      in_array_ = false;
    }
    return true;
  }
  bool key(json::string_t& k) {
    if (!in_array_ && depth_ >= 1 && depth_ <= kMaxDepth) key_[depth_ - 1] = k;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const json::exception& ex) {
    error_ = fmt::format("JSON parse error at byte {}: {}", position, EscapeForMessage(ex.what()));
    return false;
  }
  const std::string& error() const { return error_; }

 private:
  static constexpr int kMaxDepth = 4;
  bool AtTop() const { return depth_ == 1 && !in_array_; }
  // StringField maps a top-level key to its LineFields member (nullptr: not needed).
  std::string* StringField(const std::string& k) { return f_.String(k); }
  bool NotAnInt(std::string problem) {
    if (!AtTop() || !IsIntField(key_[0])) return true;
    error_ = fmt::format("$.{}: {}", key_[0], problem);
    return false;
  }
  static bool IsIntField(const std::string& k) {
    for (const char* f : {"t", "seq", "mono", "wall", "id", "code", "start", "end", "events", "offset_ns", "drift_ppm", "at"}) {
      if (k == f) return true;
    }
    return false;
  }
  bool Int(int64_t v) {
    if (!AtTop()) return true;
    const std::string& k = key_[0];
    auto set = [&](int64_t& field, bool* has) {
      field = v;
      if (has) *has = true;
    };
    if (k == "t") set(f_.t, &f_.has_t);
    else if (k == "seq") set(f_.seq, &f_.has_seq);
    else if (k == "mono") set(f_.mono, &f_.has_mono);
    else if (k == "wall") set(f_.wall, &f_.has_wall);
    else if (k == "id") set(f_.id, &f_.has_id);
    else if (k == "code") set(f_.code, &f_.has_code);
    else if (k == "start") set(f_.start, &f_.has_start);
    else if (k == "end") set(f_.end, &f_.has_end);
    else if (k == "events") set(f_.events, nullptr);
    else if (k == "at") set(f_.at, &f_.has_at);
    else if (k == "offset_ns") set(f_.offset_ns, nullptr);
    else if (k == "drift_ppm") set(f_.drift_ppm, nullptr);
    return true;
  }

  LineFields& f_;
  std::string key_[kMaxDepth];
  int depth_ = 0;
  bool in_array_ = false;
  int array_nesting_ = 0;
  std::string error_;
};

// LeanScan is the fast path for one event line: a flat JSON object whose needed values
// are plain strings, integers, booleans or (for "nodes") an array of plain strings.
// Values the model does not need (params, record, text, …) are skipped without decoding.
// It returns false, having possibly filled part of `f`, on anything else (escapes in a
// needed string, floats, a "lease" object, malformed JSON); the caller then resets `f` and
// uses the SAX path, which gives the same fields or the precise error. Measured in
// bench/viz_bench.cc: nlohmann's lexer copies every string char by char, and skipping
// the Lease objects and raw records is what brings a 1M-event load under 2 s.
class LeanScan {
 public:
  LeanScan(std::string_view line, LineFields& f) : p_(line.data()), end_(line.data() + line.size()), f_(f) {}

  bool Run() {
    Ws();
    if (!Eat('{')) return false;
    Ws();
    if (Eat('}')) return AtEnd();
    while (true) {
      Ws();
      std::string_view key;
      if (!PlainString(key)) return false;
      Ws();
      if (!Eat(':')) return false;
      Ws();
      if (!Value(key)) return false;
      Ws();
      if (Eat(',')) continue;
      if (Eat('}')) return AtEnd();
      return false;
    }
  }

 private:
  bool AtEnd() {
    Ws();
    return p_ == end_;
  }
  void Ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n')) ++p_;
  }
  bool Eat(char c) {
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  // PlainString reads a string without escapes or control characters.
  bool PlainString(std::string_view& out) {
    if (!Eat('"')) return false;
    const char* start = p_;
    while (p_ < end_ && *p_ != '"') {
      if (*p_ == '\\' || static_cast<unsigned char>(*p_) < 0x20) return false;
      ++p_;
    }
    if (p_ == end_) return false;
    out = std::string_view(start, static_cast<size_t>(p_ - start));
    ++p_;
    return true;
  }
  // SkipString skips a string without decoding it: memchr to each quote, and a quote
  // preceded by an odd run of backslashes is escaped. (Control characters inside are not
  // rejected here: the viewer never reads these values.)
  bool SkipString() {
    if (!Eat('"')) return false;
    while (p_ < end_) {
      const char* q = static_cast<const char*>(std::memchr(p_, '"', static_cast<size_t>(end_ - p_)));
      if (!q) return false;
      size_t backslashes = 0;
      for (const char* b = q; b > p_ && b[-1] == '\\'; --b) ++backslashes;
      p_ = q + 1;
      if (backslashes % 2 == 0) return true;
    }
    return false;
  }
  // SkipNested skips an object or array by bracket depth, strings skipped whole. Only the
  // structure is checked loosely: a malformed inside is left to the SAX path only if it
  // breaks the bracket balance; the viewer never reads these values.
  bool SkipNested() {
    int depth = 0;
    while (p_ < end_) {
      const char c = *p_;
      if (c == '"') {
        if (!SkipString()) return false;
        continue;
      }
      ++p_;
      if (c == '{' || c == '[') ++depth;
      else if (c == '}' || c == ']') {
        if (--depth == 0) return true;
      }
    }
    return false;
  }
  bool Int(int64_t& v) {
    const char* start = p_;
    auto [ptr, ec] = std::from_chars(p_, end_, v);
    if (ec != std::errc() || ptr == start) return false;
    p_ = ptr;
    return p_ == end_ || (*p_ != '.' && *p_ != 'e' && *p_ != 'E');
  }
  bool Literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }
  std::string* StringField(std::string_view k) { return f_.String(k); }
  int64_t* IntField(std::string_view k, bool*& has) {
    has = nullptr;
    if (k == "seq") { has = &f_.has_seq; return &f_.seq; }
    if (k == "t") { has = &f_.has_t; return &f_.t; }
    if (k == "mono") { has = &f_.has_mono; return &f_.mono; }
    if (k == "wall") { has = &f_.has_wall; return &f_.wall; }
    if (k == "id") { has = &f_.has_id; return &f_.id; }
    if (k == "code") { has = &f_.has_code; return &f_.code; }
    if (k == "start") { has = &f_.has_start; return &f_.start; }
    if (k == "end") { has = &f_.has_end; return &f_.end; }
    if (k == "events") return &f_.events;
    if (k == "at") { has = &f_.has_at; return &f_.at; }
    if (k == "offset_ns") return &f_.offset_ns;
    if (k == "drift_ppm") return &f_.drift_ppm;
    return nullptr;
  }
  bool Value(std::string_view key) {
    if (p_ == end_) return false;
    const char c = *p_;
    if (c == '"') {
      std::string* field = StringField(key);
      if (!field) return SkipString();
      std::string_view v;
      if (!PlainString(v)) return false;
      field->assign(v);
      return true;
    }
    if (c == '{' || c == '[') {
      if (key == "lease" || key == "object") return c == '{' && Lease();
      if (key == "nodes" && c == '[') return Nodes();
      return SkipNested();
    }
    if (c == 't' || c == 'f') {
      const bool v = c == 't';
      if (!Literal(v ? "true" : "false")) return false;
      f_.Bool(key, v);
      return true;
    }
    if (c == 'n') return Literal("null");
    bool* has = nullptr;
    int64_t* field = IntField(key, has);
    int64_t v = 0;
    if (!Int(v)) return false;
    if (field) {
      *field = v;
      if (has) *has = true;
    }
    return true;
  }
  // SkipValue skips any value.
  bool SkipValue() {
    if (p_ == end_) return false;
    const char c = *p_;
    if (c == '"') return SkipString();
    if (c == '{' || c == '[') return SkipNested();
    if (c == 't') return Literal("true");
    if (c == 'f') return Literal("false");
    if (c == 'n') return Literal("null");
    const char* start = p_;
    while (p_ < end_ && (std::isdigit(static_cast<unsigned char>(*p_)) || *p_ == '-' || *p_ == '+' ||
                         *p_ == '.' || *p_ == 'e' || *p_ == 'E')) {
      ++p_;
    }
    return p_ > start;
  }
  // Object walks one object, calling on_member(key) positioned at each value; on_member
  // must consume the value.
  template <class F>
  bool Object(F on_member) {
    if (!Eat('{')) return false;
    Ws();
    if (Eat('}')) return true;
    while (true) {
      Ws();
      std::string_view key;
      if (!PlainString(key)) return false;
      Ws();
      if (!Eat(':')) return false;
      Ws();
      if (!on_member(key)) return false;
      Ws();
      if (Eat(',')) continue;
      return Eat('}');
    }
  }
  // Lease reads kind, metadata.name, metadata.resourceVersion and spec.holderIdentity of
  // the stored object.
  bool Lease() {
    f_.has_lease = true;
    return Object([&](std::string_view key) {
      const bool spec = key == "spec", meta = key == "metadata";
      if (key == "kind" && p_ < end_ && *p_ == '"') {
        std::string_view v;
        if (!PlainString(v)) return false;
        f_.object_kind.assign(v);
        return true;
      }
      if ((!spec && !meta) || p_ == end_ || *p_ != '{') return SkipValue();
      return Object([&](std::string_view inner) {
        std::string_view v;
        if (spec && inner == "holderIdentity" && p_ < end_ && *p_ == '"') {
          if (!PlainString(v)) return false;
          f_.lease_holder.assign(v);
          f_.lease_has_holder = true;
          return true;
        }
        if (meta && inner == "resourceVersion" && p_ < end_ && *p_ == '"') {
          if (!PlainString(v)) return false;
          f_.lease_rv.assign(v);
          return true;
        }
        if (meta && inner == "name" && p_ < end_ && *p_ == '"') {
          if (!PlainString(v)) return false;
          f_.object_name.assign(v);
          return true;
        }
        return SkipValue();
      });
    });
  }
  bool Nodes() {
    ++p_;  // '['
    Ws();
    if (Eat(']')) return true;
    while (true) {
      Ws();
      std::string_view v;
      if (!PlainString(v)) return false;
      f_.nodes.emplace_back(v);
      Ws();
      if (Eat(',')) continue;
      return Eat(']');
    }
  }

  const char* p_;
  const char* end_;
  LineFields& f_;
};

// Builder turns lines into a Trace, keeping open intervals per node.
class Builder {
 public:
  Builder(Trace& trace) : tr_(trace) {}

  // Header parses line 1. Returns an error message (without the file prefix) or "". Every
  // field is type-checked before it is read: a header is user input (issue 15, item 18).
  std::string Header(std::string_view line) {
    json h = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
    if (h.is_discarded() || !h.is_object()) return "$: the header is not a JSON object";
    std::string err;
    auto str = [&](const json& o, const char* key, const std::string& path, std::string def) -> std::string {
      auto it = o.find(key);
      if (it == o.end() || it->is_null()) return def;
      if (!it->is_string()) {
        if (err.empty()) err = fmt::format("{}: expected a string, got {}", path, it->type_name());
        return def;
      }
      return it->get<std::string>();
    };
    auto integer = [&](const json& o, const char* key, const std::string& path, bool time) -> int64_t {
      auto it = o.find(key);
      if (it == o.end() || it->is_null()) return 0;
      if (!it->is_number_integer() || (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) {
        if (err.empty()) {
          err = it->is_number() ? fmt::format("{}: expected an integer in int64 range, got {}", path, it->dump())
                                : fmt::format("{}: expected an integer, got {}", path, it->type_name());
        }
        return 0;
      }
      const int64_t v = it->get<int64_t>();
      if (time && !TimeInRange(v) && err.empty()) err = fmt::format("{}: {} is out of range (|ns| <= 2^62)", path, v);
      return v;
    };
    if (str(h, "type", "$.type", "") != "header") return err.empty() ? "$.type: expected \"header\" on line 1" : err;
    TraceHeader& hd = tr_.header;
    hd.format = str(h, "format", "$.format", "");
    if (!err.empty()) return err;
    if (hd.format != "leasesim-trace/1") {
      return fmt::format("$.format: expected \"leasesim-trace/1\", got \"{}\"", EscapeForMessage(hd.format));
    }
    hd.scenario = str(h, "scenario", "$.scenario", "");
    hd.scenario_file = str(h, "scenario_file", "$.scenario_file", "");
    if (auto it = h.find("seed"); it != h.end() && !it->is_null()) {
      if (!it->is_number_unsigned()) {
        return it->is_number() ? fmt::format("$.seed: expected an integer in [0, 2^64-1], got {}", it->dump())
                               : fmt::format("$.seed: expected an integer, got {}", it->type_name());
      }
      hd.seed = it->get<uint64_t>();
    }
    hd.duration_ns = integer(h, "duration_ns", "$.duration_ns", true);
    hd.epoch_wall_ns = integer(h, "epoch_wall_ns", "$.epoch_wall_ns", true);
    if (!err.empty()) return err;
    if (auto it = h.find("lock"); it != h.end() && it->is_object()) {
      const json& l = *it;
      hd.lock_kind = str(l, "kind", "$.lock.kind", "");
      hd.lock_namespace = str(l, "namespace", "$.lock.namespace", "");
      hd.lock_name = str(l, "name", "$.lock.name", "");
      if (!err.empty()) return err;
    }
    if (auto it = h.find("nodes"); it != h.end()) {
      if (!it->is_array()) return "$.nodes: expected an array";
      size_t i = 0;
      for (const json& n : *it) {
        const std::string p = fmt::format("$.nodes[{}]", i);
        if (!n.is_object() || !n.contains("node") || !n["node"].is_string()) {
          return fmt::format("{}.node: missing or not a string", p);
        }
        NodeConfig c;
        c.node = n["node"].get<std::string>();
        c.identity = str(n, "identity", p + ".identity", c.node);
        c.client_go = str(n, "client_go", p + ".client_go", "");
        c.lease_duration_ns = integer(n, "lease_duration_ns", p + ".lease_duration_ns", true);
        c.renew_deadline_ns = integer(n, "renew_deadline_ns", p + ".renew_deadline_ns", true);
        c.retry_period_ns = integer(n, "retry_period_ns", p + ".retry_period_ns", true);
        if (auto r = n.find("release_on_cancel"); r != n.end() && !r->is_null()) {
          if (!r->is_boolean()) return fmt::format("{}.release_on_cancel: expected a boolean, got {}", p, r->type_name());
          c.release_on_cancel = r->get<bool>();
        }
        if (!err.empty()) return err;
        AddNode(std::move(c));
        ++i;
      }
    }
    hd.nodes.clear();
    for (const NodeTrack& n : tr_.nodes) hd.nodes.push_back(n.config);
    if (auto it = h.find("cluster"); it != h.end() && !it->is_null()) {
      if (!it->is_object()) return "$.cluster: expected an object";
      tr_.cluster.present = true;
      tr_.cluster.workers = integer(*it, "workers", "$.cluster.workers", false);
      if (!err.empty()) return err;
      if (tr_.cluster.workers < 0) return fmt::format("$.cluster.workers: {} is negative", tr_.cluster.workers);
    }
    return "";
  }

  // Event adds one event line (already SAX-parsed into f). Returns an error or "".
  std::string Event(const LineFields& f, uint64_t offset, uint32_t length) {
    if (!f.has_seq) return "$.seq: missing or not an integer";
    if (!f.has_t) return "$.t: missing or not an integer";
    if (f.ev.empty()) return "$.ev: missing or not a string";
    for (auto [name, v, has] : {std::tuple{"t", f.t, f.has_t}, std::tuple{"mono", f.mono, f.has_mono},
                                std::tuple{"wall", f.wall, f.has_wall}, std::tuple{"start", f.start, f.has_start},
                                std::tuple{"end", f.end, f.has_end}, std::tuple{"offset_ns", f.offset_ns, true}}) {
      if (has && !TimeInRange(v)) return fmt::format("$.{}: {} is out of range (|ns| <= 2^62)", name, v);
    }
    const auto index = static_cast<uint32_t>(tr_.events.size());
    EventRef e;
    e.t = f.t;
    e.seq = static_cast<uint64_t>(f.seq);
    e.offset = offset;
    e.length = length;
    e.kind = ParseEventKind(f.ev);
    if (!f.node.empty()) e.node = NodeFor(f.node);
    if (!tr_.events.empty() && f.t < tr_.events.back().t && !warned_order_) {
      warned_order_ = true;
      tr_.warnings.push_back(fmt::format("seq {}: events are not in true-time order", f.seq));
    }
    tr_.events.push_back(e);
    last_t_ = std::max(last_t_, f.t);
    NodeTrack* node = e.node >= 0 ? &tr_.nodes[e.node] : nullptr;
    if (node) {
      node->events.push_back(index);
      if (f.has_mono && f.has_wall) {
        node->clock.push_back(
            {f.t, f.mono, f.wall, ClockOffset(f.wall, tr_.header.epoch_wall_ns, f.t)});
      }
    }
    auto need_node = [&](std::string_view kind) -> std::string {
      return node ? "" : fmt::format("$.node: a \"{}\" event needs a node", kind);
    };
    switch (e.kind) {
      case EventKind::kState: {
        if (auto err = need_node("state"); !err.empty()) return err;
        if (f.state.empty()) return "$.state: missing or not a string";
        NodeState s = ParseNodeState(f.state);
        if (!node->states.empty() && node->states.back().end < 0) node->states.back().end = f.t;
        node->states.push_back({f.t, -1, s, index});
        break;
      }
      case EventKind::kActing: {
        if (auto err = need_node("acting"); !err.empty()) return err;
        if (!f.has_acting) return "$.acting: missing or not a boolean";
        bool open = !node->acting.empty() && node->acting.back().end < 0;
        if (f.acting && !open) node->acting.push_back({f.t, -1});
        if (!f.acting && open) node->acting.back().end = f.t;
        break;
      }
      case EventKind::kApiRequest: {
        if (auto err = need_node("api_request"); !err.empty()) return err;
        if (!f.has_id) return "$.id: missing or not an integer";
        ApiCall c;
        c.sent = f.t;
        c.id = static_cast<uint64_t>(f.id);
        c.verb = ParseApiVerb(f.verb);
        c.request_event = index;
        calls_[e.node][c.id] = static_cast<uint32_t>(node->api.size());
        last_node_for_id_[c.id] = e.node;
        node->api.push_back(c);
        break;
      }
      case EventKind::kApiServed: {
        if (!f.has_id) return "$.id: missing or not an integer";
        if (ApiCall* c = FindCall(e.node, static_cast<uint64_t>(f.id))) {
          c->served = f.t;
          c->served_code = f.has_code ? static_cast<int>(f.code) : -1;
        }
        if (f.has_lease && f.object_kind == "LeaseCandidate") {
          if (!f.object_name.empty()) {
            CandidateTrack(f.object_name).objects.push_back({f.t, index, false, e.node < 0, ParseApiVerb(f.verb)});
          }
        } else if (f.has_lease) {
          AddLeaseWrite(f, index);
        } else if (f.verb == "delete" && !f.name.empty() && f.code >= 200 && f.code < 300) {
          // The election controller deleted an expired LeaseCandidate (docs/trace-format.md).
          CandidateTrack(f.name).objects.push_back({f.t, index, true, true, ApiVerb::kOther});
        }
        break;
      }
      case EventKind::kApiResponse:
      case EventKind::kApiCancel: {
        if (!f.has_id) return "$.id: missing or not an integer";
        ApiCall* c = FindCall(e.node, static_cast<uint64_t>(f.id));
        if (c && c->answer_event < 0) {
          c->answered = f.t;
          c->answer_event = static_cast<int32_t>(index);
          if (e.kind == EventKind::kApiCancel) {
            c->code = 0;
            c->outcome = ApiOutcome::kCancelled;
          } else {
            c->code = f.has_code ? static_cast<int>(f.code) : 0;
            c->outcome = ClassifyResponse(c->code, f.reason);
          }
        }
        break;
      }
      case EventKind::kObserved:
        if (auto err = need_node("observed"); !err.empty()) return err;
        node->observed.push_back({f.t, index, f.holder});
        break;
      case EventKind::kFault: {
        // One lane per fault name; begin/end pair up per name and node set.
        const std::string name = f.fault.empty() ? "fault" : f.fault;
        std::string nodes;
        for (size_t i = 0; i < f.nodes.size(); ++i) {
          if (i) nodes += ',';
          nodes += f.nodes[i];
        }
        const int32_t lane = FaultLane(name);
        std::vector<uint32_t>& open = OpenFaults(name + ' ' + nodes);
        if (f.phase == "begin") {
          open.push_back(static_cast<uint32_t>(tr_.faults.size()));
          tr_.faults.push_back({f.t, -1, lane, index, false, nodes});
        } else if (f.phase == "end") {
          if (!open.empty()) {
            tr_.faults[open.back()].end = f.t;
            open.pop_back();
          } else {
            tr_.warnings.push_back(fmt::format("seq {}: fault \"{} {}\" ends without a begin",
                                               f.seq, name, nodes));
          }
        } else {
          tr_.faults.push_back({f.t, f.t, lane, index, true, nodes});
        }
        break;
      }
      case EventKind::kClock:
        if (auto err = need_node("clock"); !err.empty()) return err;
        node->clock_changes.push_back({f.t, f.offset_ns, f.drift_ppm});
        break;
      case EventKind::kFinding: {
        Finding fd;
        if (f.finding == "invariant_breach") {
          // An instant: `at`, the invariant's name and the node it concerns (if any).
          if (!f.has_at) return "$.at: missing or not an integer";
          fd.kind = FindingKind::kInvariantBreach;
          fd.start = fd.end = f.at;
          if (!f.node.empty()) fd.nodes = {f.node};
          fd.cause = f.invariant;
        } else {
          if (!f.has_start || !f.has_end) return "$.start/$.end: missing or not integers";
          fd.kind = f.finding == "split_brain" ? FindingKind::kSplitBrain
                    : f.finding == "no_leader" ? FindingKind::kNoLeader
                                               : FindingKind::kOther;
          fd.start = f.start;
          fd.end = f.end;
          fd.nodes = f.nodes;
          fd.cause = f.cause;
        }
        fd.event = index;
        tr_.findings.push_back(std::move(fd));
        break;
      }
      case EventKind::kNodeReady:
      case EventKind::kNodeTaint:
      case EventKind::kKubelet:
      case EventKind::kNodeEvicted:
        if (f.worker.empty()) return fmt::format("$.worker: a \"{}\" event needs a worker", f.ev);
        if (std::string err = WorkerEvent(e.kind, f); !err.empty()) return err;
        break;
      case EventKind::kZoneState:
        tr_.cluster.present = true;
        tr_.cluster.zone_states.push_back({f.t, f.zone, f.state});
        break;
      case EventKind::kNodeLifecycleController:
        tr_.cluster.present = true;
        break;
      case EventKind::kApiserverInstance:
      case EventKind::kController: {
        if (f.apiserver.empty()) return fmt::format("$.apiserver: a \"{}\" event needs an apiserver", f.ev);
        ApiserverTrack& a = Apiserver(f.apiserver);
        auto open = [](std::vector<Interval>& v) { return !v.empty() && v.back().end < 0; };
        if (e.kind == EventKind::kController) {
          if (f.state == "started" && !open(a.controller)) a.controller.push_back({f.t, -1});
          if (f.state == "stopped" && open(a.controller)) a.controller.back().end = f.t;
        } else if (f.state == "up") {
          if (!open(a.up)) a.up.push_back({f.t, -1});
        } else if (f.state == "crashed") {
          if (open(a.up)) a.up.back().end = f.t;
          if (open(a.controller)) a.controller.back().end = f.t;  // a crash stops it too
          a.crashes.push_back(f.t);
        }
        break;
      }
      case EventKind::kClusterFault: {
        // A fault of the `cluster` section: one fault lane per kind, begin/end paired by id.
        tr_.cluster.present = true;
        const int32_t lane = FaultLane(f.kind.empty() ? std::string("cluster_fault") : f.kind);
        std::vector<uint32_t>& open = OpenFaults("cluster " + f.fault_id);
        if (f.phase == "begin") {
          open.push_back(static_cast<uint32_t>(tr_.faults.size()));
          tr_.faults.push_back({f.t, -1, lane, index, false, f.fault_id});
        } else if (f.phase == "end" && !open.empty()) {
          tr_.faults[open.back()].end = f.t;
          open.pop_back();
        } else if (f.phase != "end") {
          tr_.faults.push_back({f.t, f.t, lane, index, true, f.fault_id});
        }
        break;
      }
      case EventKind::kUnknown:
        if (std::find(unknown_kinds_.begin(), unknown_kinds_.end(), f.ev) == unknown_kinds_.end()) {
          unknown_kinds_.push_back(f.ev);
          tr_.warnings.push_back(fmt::format("seq {}: unknown event kind \"{}\" (shown, not drawn)",
                                             f.seq, f.ev));
        }
        break;
      default:
        break;
    }
    return "";
  }

  void Footer(const LineFields& f) {
    tr_.footer.present = true;
    tr_.footer.events = static_cast<uint64_t>(f.events);
    tr_.footer.trace_hash = f.trace_hash;
  }

  // Finish closes open intervals at the trace end and derives holder intervals.
  void Finish() {
    tr_.end_ns = std::max(tr_.header.duration_ns, last_t_);
    for (NodeTrack& n : tr_.nodes) {
      for (StateInterval& s : n.states) if (s.end < 0) s.end = tr_.end_ns;
      for (Interval& a : n.acting) if (a.end < 0) a.end = tr_.end_ns;
      std::stable_sort(n.api.begin(), n.api.end(),
                       [](const ApiCall& a, const ApiCall& b) { return a.sent < b.sent; });
      for (const ClockSample& c : n.clock) {
        n.offset_min_ns = std::min(n.offset_min_ns, c.offset_ns);
        n.offset_max_ns = std::max(n.offset_max_ns, c.offset_ns);
      }
    }
    for (FaultInterval& f : tr_.faults) if (f.end < 0) f.end = tr_.end_ns;
    for (ApiserverTrack& a : tr_.apiservers) {
      for (Interval& i : a.up) if (i.end < 0) i.end = tr_.end_ns;
      for (Interval& i : a.controller) if (i.end < 0) i.end = tr_.end_ns;
    }
    // A lane whose faults all hit the same nodes names them ("partition a").
    for (size_t lane = 0; lane < tr_.fault_lanes.size(); ++lane) {
      const std::string* nodes = nullptr;
      bool same = true;
      for (const FaultInterval& f : tr_.faults) {
        if (f.lane != static_cast<int32_t>(lane)) continue;
        if (nodes && *nodes != f.nodes) same = false;
        nodes = &f.nodes;
      }
      if (same && nodes && !nodes->empty()) tr_.fault_lanes[lane] += ' ' + *nodes;
    }
    std::stable_sort(tr_.faults.begin(), tr_.faults.end(),
                     [](const FaultInterval& a, const FaultInterval& b) { return a.start < b.start; });
    std::stable_sort(tr_.findings.begin(), tr_.findings.end(),
                     [](const Finding& a, const Finding& b) { return a.start < b.start; });
    for (size_t i = 0; i < tr_.lease_writes.size(); ++i) {
      const LeaseWrite& w = tr_.lease_writes[i];
      if (tr_.holder_intervals.empty() || w.holder_changed) {
        if (!tr_.holder_intervals.empty()) tr_.holder_intervals.back().end = w.t;
        tr_.holder_intervals.push_back({w.t, tr_.end_ns, w.holder});
      }
    }
    FinishCluster();
    if (tr_.footer.present && tr_.footer.events != tr_.events.size()) {
      tr_.warnings.push_back(fmt::format("footer says {} events, the trace has {}",
                                         tr_.footer.events, tr_.events.size()));
    }
    if (!tr_.footer.present) {
      tr_.warnings.push_back("no footer line: the trace may be incomplete");
    } else if (!tr_.footer.hash_matches()) {
      tr_.warnings.push_back(fmt::format("trace_hash {} does not match the recomputed {}",
                                         tr_.footer.trace_hash, tr_.footer.computed_hash));
    }
  }

 private:
  static ApiOutcome ClassifyResponse(int code, std::string_view reason) {
    if (code >= 200 && code < 300) return ApiOutcome::kOk;
    if (code == 409) return ApiOutcome::kConflict;
    if (code == 0) {
      return reason.find("ancel") != std::string_view::npos ? ApiOutcome::kCancelled
                                                            : ApiOutcome::kTimeout;
    }
    return ApiOutcome::kError;
  }

  void AddNode(NodeConfig c) {
    NodeTrack n;
    n.config = std::move(c);
    tr_.nodes.push_back(std::move(n));
    calls_.emplace_back();
  }

  int32_t NodeFor(const std::string& name) {
    // Few nodes: a linear scan beats hashing, and the last hit is usually the next one.
    if (last_node_ >= 0 && tr_.nodes[last_node_].config.node == name) return last_node_;
    int i = tr_.NodeIndex(name);
    if (i < 0) {
      NodeConfig c;
      c.node = name;
      c.identity = name;
      AddNode(std::move(c));
      i = static_cast<int>(tr_.nodes.size()) - 1;
    }
    last_node_ = i;
    return i;
  }

  ApiCall* FindCall(int32_t node, uint64_t id) {
    if (node < 0) {  // api_served may carry no node: use the node that sent this id last
      auto it = last_node_for_id_.find(id);
      if (it == last_node_for_id_.end()) return nullptr;
      node = it->second;
    }
    auto& m = calls_[node];
    auto it = m.find(id);
    return it == m.end() ? nullptr : &tr_.nodes[node].api[it->second];
  }

  void AddLeaseWrite(const LineFields& f, uint32_t index) {
    LeaseWrite w;
    w.t = f.t;
    w.event = index;
    w.resource_version = !f.rv.empty() ? f.rv : f.lease_rv;
    if (f.lease_has_holder && !f.lease_holder.empty()) {
      auto it = std::find(tr_.holders.begin(), tr_.holders.end(), f.lease_holder);
      if (it == tr_.holders.end()) {
        tr_.holders.push_back(f.lease_holder);
        it = tr_.holders.end() - 1;
      }
      w.holder = static_cast<int32_t>(it - tr_.holders.begin());
    }
    w.holder_changed = tr_.lease_writes.empty() || tr_.lease_writes.back().holder != w.holder;
    tr_.lease_writes.push_back(std::move(w));
  }

  ApiserverTrack& Apiserver(const std::string& name) {
    for (ApiserverTrack& a : tr_.apiservers) {
      if (a.name == name) return a;
    }
    tr_.apiservers.push_back({name, {}, {}, {}});
    return tr_.apiservers.back();
  }

  LeaseCandidateTrack& CandidateTrack(const std::string& name) {
    for (LeaseCandidateTrack& c : tr_.lease_candidates) {
      if (c.name == name) return c;
    }
    tr_.lease_candidates.push_back({name, {}});
    return tr_.lease_candidates.back();
  }

  // WorkerEvent applies a node_ready / node_taint / kubelet / node_evicted line to its
  // worker's track and records the change of the cluster's counts.
  std::string WorkerEvent(EventKind kind, const LineFields& f) {
    ClusterModel& c = tr_.cluster;
    c.present = true;
    auto [it, added] = worker_index_.try_emplace(f.worker, static_cast<int32_t>(c.tracks.size()));
    if (added) c.tracks.push_back(WorkerTrack{f.worker, {}, {}, {}, -1, -1, false});
    WorkerTrack& w = c.tracks[it->second];
    CountDelta d{f.t};
    bool changed = false;
    switch (kind) {
      case EventKind::kNodeReady: {
        ReadyStatus st;
        if (f.status == "True") st = ReadyStatus::kTrue;
        else if (f.status == "False") st = ReadyStatus::kFalse;
        else if (f.status == "Unknown") st = ReadyStatus::kUnknown;
        else return fmt::format("$.status: expected \"True\", \"False\" or \"Unknown\", got \"{}\"", EscapeForMessage(f.status));
        const ReadyStatus before = w.ready.empty() ? ReadyStatus::kTrue : w.ready.back().status;
        if (st == before) break;
        if (!w.ready.empty()) w.ready.back().end = f.t;
        w.ready.push_back({f.t, -1, st});
        auto count = [&](ReadyStatus s, int v) {
          if (s == ReadyStatus::kFalse) d.not_ready += v;
          if (s == ReadyStatus::kUnknown) d.unknown += v;
        };
        count(before, -1);
        count(st, +1);
        w.false_not_ready |= st == ReadyStatus::kUnknown && f.false_not_ready;
        changed = st != ReadyStatus::kTrue;
        break;
      }
      case EventKind::kNodeTaint: {
        if (!f.has_tainted) return "$.tainted: missing or not a boolean";
        const bool open = !w.tainted.empty() && w.tainted.back().end < 0;
        if (f.tainted && !open) {
          w.tainted.push_back({f.t, -1});
          d.tainted = 1;
          changed = true;
        } else if (!f.tainted && open) {
          w.tainted.back().end = f.t;
          d.tainted = -1;
        }
        break;
      }
      case EventKind::kKubelet: {
        if (!f.has_running) return "$.running: missing or not a boolean";
        const bool open = !w.kubelet_down.empty() && w.kubelet_down.back().end < 0;
        if (!f.running && !open) {
          w.kubelet_down.push_back({f.t, -1});
          changed = true;
        } else if (f.running && open) {
          w.kubelet_down.back().end = f.t;
        }
        break;
      }
      case EventKind::kNodeEvicted:
        if (w.evicted < 0) {
          w.evicted = f.t;
          d.evicted = 1;
          changed = true;
        }
        break;
      default:
        break;
    }
    if (changed && w.first_change < 0) w.first_change = f.t;
    if (d.not_ready != 0 || d.unknown != 0 || d.tainted != 0 || d.evicted != 0) deltas_.push_back(d);
    return "";
  }

  // FinishCluster closes the workers' open intervals and builds the counts' step function.
  void FinishCluster() {
    ClusterModel& c = tr_.cluster;
    if (!c.present) return;
    for (WorkerTrack& w : c.tracks) {
      for (WorkerInterval& r : w.ready) if (r.end < 0) r.end = tr_.end_ns;
      for (Interval& i : w.tainted) if (i.end < 0) i.end = tr_.end_ns;
      for (Interval& i : w.kubelet_down) if (i.end < 0) i.end = tr_.end_ns;
      if (w.first_change >= 0) c.by_change.push_back(static_cast<int32_t>(&w - c.tracks.data()));
    }
    std::stable_sort(c.by_change.begin(), c.by_change.end(),
                     [&](int32_t a, int32_t b) { return c.tracks[a].first_change < c.tracks[b].first_change; });
    if (c.workers < static_cast<int64_t>(c.tracks.size())) c.workers = static_cast<int64_t>(c.tracks.size());
    std::stable_sort(deltas_.begin(), deltas_.end(), [](const CountDelta& a, const CountDelta& b) { return a.t < b.t; });
    c.counts.push_back(WorkerCounts{0, 0, 0, 0, 0});
    for (const CountDelta& d : deltas_) {
      if (c.counts.back().t != d.t) {
        WorkerCounts next = c.counts.back();
        next.t = d.t;
        c.counts.push_back(next);
      }
      WorkerCounts& w = c.counts.back();
      w.not_ready += d.not_ready;
      w.unknown += d.unknown;
      w.tainted += d.tainted;
      w.evicted += d.evicted;
    }
    std::stable_sort(c.zone_states.begin(), c.zone_states.end(),
                     [](const ZoneStateChange& a, const ZoneStateChange& b) { return a.t < b.t; });
  }

  int32_t FaultLane(const std::string& name) {
    auto it = std::find(tr_.fault_lanes.begin(), tr_.fault_lanes.end(), name);
    if (it != tr_.fault_lanes.end()) return static_cast<int32_t>(it - tr_.fault_lanes.begin());
    tr_.fault_lanes.push_back(name);
    return static_cast<int32_t>(tr_.fault_lanes.size() - 1);
  }

  std::vector<uint32_t>& OpenFaults(const std::string& key) {
    for (auto& [k, v] : open_faults_) {
      if (k == key) return v;
    }
    open_faults_.emplace_back(key, std::vector<uint32_t>{});
    return open_faults_.back().second;
  }

  Trace& tr_;
  TimeNs last_t_ = 0;
  int32_t last_node_ = -1;
  bool warned_order_ = false;
  // Lookup tables only: never iterated, so their order cannot reach output.
  std::vector<std::unordered_map<uint64_t, uint32_t>> calls_;
  std::unordered_map<uint64_t, int32_t> last_node_for_id_;
  std::vector<std::pair<std::string, std::vector<uint32_t>>> open_faults_;  // by name + nodes
  std::vector<std::string> unknown_kinds_;  // warned about once each
  // A change of the cluster's worker counts at t.
  struct CountDelta {
    TimeNs t = 0;
    int32_t not_ready = 0, unknown = 0, tainted = 0, evicted = 0;
  };
  std::vector<CountDelta> deltas_;
  std::unordered_map<std::string, int32_t> worker_index_;  // lookup only, never iterated
};


}  // namespace

TraceLoad LoadTraceText(std::string text, std::string name, const LoadOptions& options) {
  TraceLoad out;
  auto trace = std::make_unique<Trace>();
  trace->path = name;
  trace->text = std::move(text);
  const std::string& s = trace->text;
  Builder b(*trace);
  LineFields f;
  // The footer's trace_hash must equal the running hash `h` of the last event line
  // (docs/trace-format.md): a truncated or edited trace shows as a mismatch.
  std::string_view last_event_line;
  size_t pos = 0;
  size_t line_no = 0;
  bool have_header = false;
  auto fail = [&](std::string_view problem) {
    out.error = fmt::format("{}:{}: {}", name, line_no, problem);
    return std::move(out);
  };
  while (pos < s.size()) {
    const char* begin = s.data() + pos;
    const void* nl = std::memchr(begin, '\n', s.size() - pos);
    size_t len = nl ? static_cast<const char*>(nl) - begin : s.size() - pos;
    std::string_view line(begin, len);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const uint64_t offset = pos;
    pos += len + 1;
    ++line_no;
    if (line.empty()) continue;
    if (!have_header) {
      if (std::string err = b.Header(line); !err.empty()) return fail(err);
      have_header = true;
      continue;
    }
    if (trace->footer.present) return fail("$: a line after the footer");
    f.Reset();
    if (!options.lean_scan || !LeanScan(line, f).Run()) {
      f.Reset();
      LineSax line_sax(f);
      if (!nlohmann::json::sax_parse(line.begin(), line.end(), &line_sax)) {
        const std::string& e = line_sax.error();
        return fail(e.rfind("$.", 0) == 0 ? e : fmt::format("$: {}", e.empty() ? "invalid JSON" : e));
      }
    }
    if (f.type == "footer") {
      b.Footer(f);
      continue;
    }
    if (std::string err = b.Event(f, offset, static_cast<uint32_t>(line.size())); !err.empty()) {
      return fail(err);
    }
    last_event_line = line;
  }
  if (!have_header) {
    line_no = 1;
    return fail("$: empty file, expected a leasesim-trace/1 header line");
  }
  if (const size_t at = last_event_line.rfind(R"("h":")"); at != std::string_view::npos &&
                                                          at + 5 + 16 <= last_event_line.size()) {
    trace->footer.computed_hash = std::string(last_event_line.substr(at + 5, 16));
  }
  b.Finish();
  out.trace = std::move(trace);
  return out;
}

TraceLoad LoadTraceFile(const std::string& path, const LoadOptions& options) {
  // stat before open: a FIFO would block, a directory has no size (issue 15, item 11).
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    TraceLoad out;
    out.error = fmt::format("{}: {}", path, S_ISDIR(st.st_mode) ? "is a directory" : "is not a regular file");
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    TraceLoad out;
    out.error = fmt::format("{}: cannot open the trace file: {}", path, std::strerror(errno));
    return out;
  }
  in.seekg(0, std::ios::end);
  const auto size = static_cast<size_t>(in.tellg());
  in.seekg(0, std::ios::beg);
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  return LoadTraceText(std::move(text), path, options);
}

}  // namespace leasesim::viz
