// trace_diff.cc — CompareTraces.
#include "harness/check/trace_diff.h"

#include <fstream>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace leasesim::sim {

namespace {

// HashOf returns the `h` value at the end of an event line (`...,"h":"<16 hex>"}`, the
// last field Trace writes), or "" for a line without one (the footer).
std::string_view HashOf(std::string_view line) {
  constexpr std::string_view kKey = R"("h":")";
  const size_t at = line.rfind(kKey);
  if (at == std::string_view::npos) return {};
  const size_t start = at + kKey.size();
  const size_t stop = line.find('"', start);
  if (stop == std::string_view::npos) return {};
  return line.substr(start, stop - start);
}

bool RefOf(const std::string& line, bool have_line, TraceEventRef* ref) {
  if (!have_line || HashOf(line).empty()) {
    ref->end = true;
    return true;
  }
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("seq") || !j.contains("t") || !j.contains("ev")) return false;
  ref->seq = j["seq"].get<int64_t>();
  ref->t_ns = j["t"].get<int64_t>();
  ref->ev = j["ev"].get<std::string>();
  if (j.contains("node")) ref->node = j["node"].get<std::string>();
  return true;
}

}  // namespace

TraceComparison CompareTraces(const std::string& first_path, const std::string& second_path) {
  TraceComparison out;
  std::ifstream a(first_path), b(second_path);
  if (!a) out.error = fmt::format("{}: cannot read trace", first_path);
  if (!b && out.error.empty()) out.error = fmt::format("{}: cannot read trace", second_path);
  if (!out.error.empty()) return out;
  std::string la, lb;
  const bool ha = static_cast<bool>(std::getline(a, la));
  const bool hb = static_cast<bool>(std::getline(b, lb));
  if (!ha || !hb) {
    out.error = fmt::format("{}: empty trace", !ha ? first_path : second_path);
    return out;
  }
  if (la != lb) {
    TraceDivergence d;
    d.line = 1;
    d.first.header = d.second.header = true;
    out.divergence = d;
    return out;
  }
  for (int64_t line = 2;; ++line) {
    const bool ga = static_cast<bool>(std::getline(a, la));
    const bool gb = static_cast<bool>(std::getline(b, lb));
    const std::string_view hash_a = ga ? HashOf(la) : std::string_view{};
    const std::string_view hash_b = gb ? HashOf(lb) : std::string_view{};
    if (hash_a.empty() && hash_b.empty()) return out;  // both reached the footer together
    if (hash_a == hash_b) continue;
    TraceDivergence d;
    d.line = line;
    if (!RefOf(la, ga, &d.first)) {
      out.error = fmt::format("{}: line {}: not a trace event", first_path, line);
    } else if (!RefOf(lb, gb, &d.second)) {
      out.error = fmt::format("{}: line {}: not a trace event", second_path, line);
    } else {
      out.divergence = std::move(d);
    }
    return out;
  }
}

std::string EventRefText(const TraceEventRef& e) {
  if (e.header) return "header";
  if (e.end) return "end of trace";
  const int64_t s = e.t_ns / 1'000'000'000, ns = e.t_ns % 1'000'000'000;
  std::string text = e.t_ns < 0 ? fmt::format("t=-{}.{:09d}s", -s, -ns) : fmt::format("t={}.{:09d}s", s, ns);
  text += e.node.empty() ? std::string(" (no node)") : fmt::format(" node {}", e.node);
  text += fmt::format(" ev {} (seq {})", e.ev, e.seq);
  return text;
}

std::string DivergenceText(const TraceDivergence& d) {
  return fmt::format("first divergent event (line {}): run 1: {}; run 2: {}", d.line, EventRefText(d.first),
                     EventRefText(d.second));
}

}  // namespace leasesim::sim
